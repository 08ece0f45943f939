"""The sheets as printed: each .xlsx converted by LibreOffice (headless) to PDF and read back —
paper, orientation, the repeated header, the page-number footer, amounts in 元 to the 分.
Skipped where LibreOffice is not installed (CI installs libreoffice-calc-nogui)."""

from __future__ import annotations

import shutil
import subprocess

import pdfplumber
import pytest

from kjdesk.services.disbursement.reports import write_report
from kjdesk.services.safety.audit_log import export_audit
from tests.io.test_excel_out import world  # noqa: F401

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
MM = 72 / 25.4


def to_pdf(xlsx, tmp_path):  # noqa: ANN001, ANN201
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return pdfplumber.open(tmp_path / (xlsx.stem + ".pdf"))


@pytest.mark.parametrize("kind", ["disbursement", "summary", "commitments", "indicators"])
def test_each_sheet_prints_on_a4_landscape_with_page_numbers(app, world, tmp_path, kind):  # noqa: F811
    path = tmp_path / f"{kind}.xlsx"
    write_report(app, kind, 2025, path)
    pdf = to_pdf(path, tmp_path)
    n = len(pdf.pages)
    for i, page in enumerate(pdf.pages, 1):
        assert (round(page.width / MM), round(page.height / MM)) == (297, 210)
        text = page.extract_text().replace(" ", "")
        assert f"第{i}页共{n}页" in text
        assert "序号" in text  # the header row on every page
    if kind == "disbursement":
        text = "".join(p.extract_text() for p in pdf.pages).replace(" ", "")
        assert "662,345.67" in text and "人民币陆拾陆万贰仟叁佰肆拾伍元陆角柒分" in text


def test_the_audit_export_prints_with_page_numbers(app, world, tmp_path):  # noqa: F811
    path = tmp_path / "audit.xlsx"
    export_audit(app, path)
    pdf = to_pdf(path, tmp_path)
    page = pdf.pages[0]
    assert (round(page.width / MM), round(page.height / MM)) == (297, 210)
    assert f"第1页共{len(pdf.pages)}页" in page.extract_text().replace(" ", "")
