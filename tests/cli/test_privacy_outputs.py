"""Personal data: no whole 身份证号 in anything the program prints or exports.

The demo bureau (built through the services) has people with entitlements; every listing,
every finance sheet and the audit log are scanned for their numbers. Only ``people reveal``
prints one, and that request is audited.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import load_workbook

from kjdesk.cli import main
from kjdesk.validation import mask_id_number

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    demo_mod = pytest.importorskip("kjdesk.services.demo")
    from kjdesk.services.core.app import App

    path = tmp_path_factory.mktemp("privacy") / "demo.sqlite"
    app = App.open(path, actor="演示")
    demo_mod.build_demo(app, "baotou")
    app.close()
    con = sqlite3.connect(path)
    numbers = [r[0] for r in con.execute("SELECT id_number FROM people")]
    years = sorted({r[0] for r in con.execute("SELECT DISTINCT year FROM instalments")})
    con.close()
    assert numbers, "the demo has people"
    return path, numbers, years


def run(capsys, db, *argv) -> tuple[int, str]:
    code = main(["--db", str(db), *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def cells(path) -> str:
    wb = load_workbook(path, read_only=True)
    return "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)


def test_no_listing_prints_a_whole_id_number(demo, capsys):
    db, numbers, years = demo
    outputs = []
    for fmt in ("table", "csv", "json"):
        outputs.append(run(capsys, db, "people", "list", "--format", fmt))
        outputs.append(run(capsys, db, "entitlements", "--format", fmt))
        outputs.append(run(capsys, db, "audit", "list", "--format", fmt))
    for year in years:
        outputs.append(run(capsys, db, "plan", "--year", str(year)))
    assert all(code == 0 for code, _ in outputs), [text[:300] for code, text in outputs if code]
    text = "\n".join(t for _, t in outputs)
    for n in numbers:
        assert n not in text
        assert mask_id_number(n) in text  # the people are listed, masked


def test_no_sheet_exports_a_whole_id_number(demo, capsys, tmp_path):
    db, numbers, years = demo
    written = []
    for kind in ("disbursement", "summary", "commitments", "indicators", "targets"):
        for year in years:
            out = tmp_path / f"{kind}-{year}.xlsx"
            code, _text = run(capsys, db, "report", kind, "--year", str(year), "-o", str(out))
            if code == 0 and out.exists():
                written.append(out)
    audit_xlsx = tmp_path / "audit.xlsx"
    assert run(capsys, db, "audit", "export", "-o", str(audit_xlsx))[0] == 0
    written.append(audit_xlsx)
    assert len(written) > len(years)
    for path in written:
        content = cells(path)
        for n in numbers:
            assert n not in content, path.name


def test_only_an_audited_reveal_prints_the_whole_number(demo, capsys, tmp_path, monkeypatch):
    from kjdesk.services.demo import DEMO_PASSWORD

    monkeypatch.setenv("KJDESK_PASSWORD", DEMO_PASSWORD)  # the demo's 管理员 admin
    db, numbers, _years = demo
    copy = tmp_path / "copy.sqlite"  # keep the module's database unchanged for the other tests
    assert run(capsys, db, "--user", "admin", "backup", "-o", str(copy))[0] == 0
    code, text = run(capsys, copy, "people", "list", "--format", "json")
    person = next(p for p in json.loads(text) if p["id_masked"] == mask_id_number(numbers[0]))
    code, text = run(capsys, copy, "people", "reveal", str(person["id"]), "--reason", "核对账户")
    assert code == 1 and "须以账号登录" in text and numbers[0] not in text  # not without signing in
    code, text = run(
        capsys, copy, "--user", "admin", "people", "reveal", str(person["id"]), "--reason", "核对账户"
    )
    assert code == 0 and text.strip() == numbers[0]
    code, text = run(capsys, copy, "audit", "list", "--action", "查看身份证号", "--format", "json")
    events = json.loads(text)
    assert len(events) == 1 and numbers[0] not in text and "核对账户" in events[0]["after"]
