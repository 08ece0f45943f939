"""``kjdesk letters``: issue and write a year's letters, list, void with correction, reprint."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from kjdesk.cli import main
from kjdesk.services.letters import letter_pdf
from tests.letters_data import catalog, seed  # noqa: F401

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture(autouse=True)
def _admin(db_path, app):
    from tests.cli.conftest import add_officers

    add_officers(db_path)


def run(db, *args) -> int:
    return main(["--db", str(db), "--user", "admin", *args])


def test_letters_for_a_year_into_one_pdf_then_list(app, db_path, tmp_path, capsys):
    seed(app, 3)
    out = tmp_path / "2026.pdf"
    assert run(db_path, "letters", "--year", "2026", "--date", "2026-11-23", "-o", str(out)) == 0
    printed = capsys.readouterr().out
    assert "已签发 3 份通知书（包科字〔2026〕1号—包科字〔2026〕3号）" in printed
    # a 文件-format letter runs to two pages (the 版头 takes the top of the first)
    each = [len(PdfReader(io.BytesIO(letter_pdf(app, f"包科字〔2026〕{i}号"))).pages) for i in (1, 2, 3)]
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == sum(each)

    # a second run issues nothing new and writes the same three letters
    assert run(db_path, "letters", "--year", "2026", "-o", str(tmp_path / "again")) == 0
    assert "没有待签发的通知书" in capsys.readouterr().out
    assert len(list((tmp_path / "again").glob("*.pdf"))) == 3

    assert run(db_path, "letters", "list", "--year", "2026", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["amount_fen"], r["status"]) for r in rows] == [
        (f"包科字〔2026〕{i}号", 30_000_000, "有效") for i in (1, 2, 3)
    ]


def test_district_filter(app, db_path, tmp_path, capsys):
    seed(app, 3)  # 昆都仑区, 青山区, 昆都仑区
    assert run(db_path, "letters", "--year", "2026", "--district", "青山区", "-o", str(tmp_path / "d")) == 0
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["包科字〔2026〕1号_包头市测试2号科技有限公司.pdf"]


def test_void_with_reissue_and_reprint(app, db_path, tmp_path, capsys):
    seed(app, 1)
    assert run(db_path, "letters", "--year", "2026", "-o", str(tmp_path / "a.pdf")) == 0
    new_pdf = tmp_path / "new.pdf"
    assert (
        run(
            db_path,
            "letters",
            "void",
            "包科字〔2026〕1号",
            "--reason",
            "金额有误",
            "--reissue",
            "-o",
            str(new_pdf),
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "已作废：包科字〔2026〕1号（金额有误）" in out and "包科字〔2026〕2号" in out
    assert new_pdf.read_bytes() == letter_pdf(app, "包科字〔2026〕2号")

    assert run(db_path, "letters", "list") == 0
    table = capsys.readouterr().out
    assert "已作废" in table and "已由包科字〔2026〕2号替代" in table and "替代包科字〔2026〕1号" in table
    assert "（六）国家高新技术企业认定" in table and "BT-" not in table  # words, not catalog ids

    copy = tmp_path / "copy.pdf"
    assert run(db_path, "letters", "reprint", "包科字〔2026〕1号", "-o", str(copy)) == 0
    assert copy.read_bytes() == letter_pdf(app, "包科字〔2026〕1号")


def test_user_errors_exit_1_in_chinese(app, db_path, tmp_path, capsys):
    assert run(db_path, "letters", "--year", "2026") == 1
    assert "-o" in capsys.readouterr().err
    assert run(db_path, "letters", "void", "包科字〔2026〕9号", "--reason", "x") == 1
    assert "找不到通知书" in capsys.readouterr().err
    assert run(db_path, "letters", "--year", "2026", "-o", str(tmp_path / "x.pdf")) == 1
    assert "没有可导出的有效通知书" in capsys.readouterr().err
