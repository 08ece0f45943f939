"""The command line speaks Chinese: argparse's own words, help on every option, no traceback for a mistake."""

from __future__ import annotations

import argparse
import re

import pytest

from kjdesk.cli import build_parser, main
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = ("usage:", "options:", "error:", "show this help", "argument", "required", "invalid", "expected")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _walk(parser: argparse.ArgumentParser, path: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help for c in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{path} {name}", helps.get(name)
                yield from _walk(sub, f"{path} {name}")
        else:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action.help


def test_every_command_and_option_has_chinese_help():
    missing = [where for where, text in _walk(build_parser(), "kjdesk") if not text or not CJK.search(text)]
    assert missing == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "--year", "abc"], "错误：参数 --year：“abc”不是整数"),
        (["propose", "--year", "2025"], "错误：须给出以下参数之一：--all 或 --ids"),
        (["report", "disbursement", "--year", "2025"], "错误：缺少必需的参数：-o/--output"),
        (["init", "--city", "beijing"], "错误：参数 --city：“beijing”无效（可选：baotou、wuhai）"),
        (["units"], "错误：缺少要执行的操作"),
        (["--bogus"], "错误：无法识别的参数：--bogus"),
    ],
)
def test_argparse_mistakes_are_told_in_chinese(capsys, tmp_path, argv, expected):
    code, out, err = run(capsys, "--db", str(tmp_path / "k.sqlite"), *argv)
    assert code == 1
    assert expected in err
    assert err.startswith("用法：kjdesk")
    assert not any(word in err for word in ENGLISH), err


def test_help_is_chinese(capsys):
    code, out, err = run(capsys, "propose", "-h")
    assert code == 0
    assert out.startswith("用法：kjdesk propose")
    assert "选项：" in out and "显示本帮助并退出" in out and "年度，如 2025" in out
    assert not any(word in out for word in ("usage:", "options:", "show this help"))
    code, out, err = run(capsys, "-h")
    assert "命令：" in out and "positional arguments" not in out


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "k.sqlite")
    app = App.open(path)
    initialize(app, "baotou")
    app.close()
    return path


def test_a_missing_output_folder_is_named_without_a_traceback(db, capsys, tmp_path):
    target = tmp_path / "nonexistent" / "dir" / "x.xlsx"
    code, out, err = run(capsys, "--db", db, "report", "disbursement", "--year", "2024", "-o", str(target))
    assert code == 1
    assert f"文件夹不存在：{target.parent}" in err
    assert "Traceback" not in err and ".part" not in err
    assert not target.parent.exists()


def test_a_sheet_open_in_excel_is_said_plainly(db, capsys, tmp_path, monkeypatch):
    import kjdesk.services.disbursement.reports as reports

    target = tmp_path / "x.xlsx"

    def locked(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(target) + ".part")

    monkeypatch.setattr(reports, "write_report", locked)
    code, out, err = run(capsys, "--db", db, "report", "disbursement", "--year", "2024", "-o", str(target))
    assert code == 1
    assert "没有权限写入" in err and "Excel" in err
    assert "Traceback" not in err and ".part" not in err


def test_entitlements_csv_has_a_bom_and_money_in_yuan_json_keeps_fen(tmp_path, capsys):
    from tests.services.disbursement.disbursement_data import seed_plan

    path = str(tmp_path / "k.sqlite")
    app = App.open(path)
    initialize(app, "baotou")
    seed_plan(app)
    app.close()
    code, out, err = run(capsys, "--db", path, "entitlements", "--year", "2025", "--format", "csv")
    assert code == 0, err
    assert out.startswith("\ufeff") and "单位名称" in out.splitlines()[0]  # UTF-8 with BOM
    header = out.lstrip("\ufeff").splitlines()[0].split(",")
    assert "金额（元）" in header and "金额（分）" not in header
    col = header.index("金额（元）")
    amounts = sorted(line.split(",")[col] for line in out.splitlines()[1:] if line.count(",") >= col)
    assert "300000.00" in amounts and "12345.67" in amounts
    import re

    assert "BT-" not in out.split("\n", 1)[1] and not re.search(r"\bD\d{1,2}\b", out)  # words, not codes
    code, out, err = run(capsys, "--db", path, "entitlements", "--year", "2025", "--format", "json")
    import json

    rows = json.loads(out)
    assert {r["amount_fen"] for r in rows} >= {30_000_000, 1_234_567}


@pytest.mark.parametrize("argv", [["units", "list"], ["entitlements"], ["plan", "--year", "2025"]])
def test_a_database_never_initialised_is_refused_and_no_file_is_created(tmp_path, capsys, argv):
    path = tmp_path / "never.sqlite"
    code, out, err = run(capsys, "--db", str(path), *argv)
    assert code == 1
    assert f"数据库文件 {path} 不存在" in err and "init --city" in err
    assert not path.exists() and list(tmp_path.iterdir()) == []
