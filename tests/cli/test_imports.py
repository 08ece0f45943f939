import json

import openpyxl

from kjdesk.cli import main
from kjdesk.services.core.app import App
from kjdesk.services.register import list_units
from tests.cli.conftest import add_officers
from tests.rosters import CODE_A, CODE_C, units_rows, xlsx


def _db(tmp_path):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    add_officers(db, ("王科员", "经办人"))
    return db


def _unit_names(db):
    a = App.open(db)
    try:
        return [u.name for u in list_units(a)]
    finally:
        a.close()


def test_import_dry_run_then_commit_then_history(tmp_path, capsys):
    db = _db(tmp_path)
    path = xlsx(tmp_path / "名录.xlsx", units_rows(), title="名录")
    capsys.readouterr()
    assert main(["--db", db, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "共 2 行，新增 2，更新 0，不变 0" in out and "仅检查" in out
    assert _unit_names(db) == []
    assert main(["--db", db, "--user", "王科员", "import", str(path), "--kind", "units"]) == 0
    assert "已导入“名录.xlsx”：新增 2" in capsys.readouterr().out
    assert _unit_names(db) == ["包头市甲稀土有限公司", "包头市乙机械有限公司"]
    assert main(["--db", db, "--user", "admin", "import", str(path)]) == 0
    captured = capsys.readouterr()
    assert "不变 2" in captured.out and "导入过" in captured.err
    assert main(["--db", db, "imports", "list", "--format", "json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [(h["file_name"], h["actor"], h["added"]) for h in history] == [
        ("名录.xlsx", "admin", 0),
        ("名录.xlsx", "王科员", 2),
    ]
    assert len(history[0]["sha256"]) == 64
    assert main(["--db", db, "import", "--history"]) == 0
    assert "名录.xlsx" in capsys.readouterr().out


def test_import_with_errors_exits_1_lists_them_and_saves_the_error_workbook(tmp_path, capsys):
    db = _db(tmp_path)
    rows = units_rows()
    rows[1][3] = "火星区"
    rows.append([3, "包头市丙公司", CODE_C[:-1] + "0", "九原区"])
    path = xlsx(tmp_path / "bad.xlsx", rows)
    capsys.readouterr()
    code = main(
        ["--db", db, "--user", "admin", "import", str(path), "--errors-out", str(tmp_path / "err.xlsx")]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "发现 2 处错误，未导入任何数据" in err
    assert "第 2 行 D 所属旗县区 列 “火星区”：“火星区”不是包头市的旗县区" in err
    assert "第 4 行 C 统一社会信用代码 列" in err and "校验位错误" in err
    assert _unit_names(db) == []
    ws = openpyxl.load_workbook(tmp_path / "err.xlsx").active
    assert ws.cell(row=1, column=5).value == "错误说明"


def test_bad_file_and_unknown_sheet_exit_1(tmp_path, capsys):
    db = _db(tmp_path)
    docx = tmp_path / "名单.xlsx"
    import zipfile

    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert main(["--db", db, "--user", "admin", "import", str(docx)]) == 1
    assert "Word 文档" in capsys.readouterr().err
    path = xlsx(tmp_path / "u.xlsx", units_rows(), sheet="名单")
    assert main(["--db", db, "--user", "admin", "import", str(path), "--sheet", "汇总"]) == 1
    assert "没有名为“汇总”的工作表" in capsys.readouterr().err
    assert main(["--db", db, "--user", "admin", "import", str(tmp_path / "none.xlsx")]) == 1


def test_template_command_writes_a_roster_that_imports(tmp_path, capsys):
    db = _db(tmp_path)
    out = tmp_path / "单位模板.xlsx"
    assert main(["--db", db, "template", "units", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert [c.value for c in ws[1]][:4] == ["单位名称", "统一社会信用代码", "旗县区", "单位类型"]
    ws.append(["包头市甲稀土有限公司", CODE_A, "东河区", "企业"])
    wb.save(out)
    assert main(["--db", db, "--user", "admin", "import", str(out)]) == 0
    assert _unit_names(db) == ["包头市甲稀土有限公司"]


def test_column_mapping_and_header_row_on_the_command_line(tmp_path, capsys):
    db = _db(tmp_path)
    path = xlsx(
        tmp_path / "odd.xlsx", [["公司", "纳税人代码", "区域"], ["包头市甲稀土有限公司", CODE_A, "东河区"]]
    )
    capsys.readouterr()
    args = ["--db", db, "--user", "admin", "import", str(path), "--kind", "units", "--header-row", "1"]
    assert main(args) == 1
    assert "缺少必需的列：单位名称、统一社会信用代码" in capsys.readouterr().err
    assert main([*args, "--map", "单位名称=A", "--map", "credit_code=纳税人代码", "--map", "旗县区=C"]) == 0
    assert _unit_names(db) == ["包头市甲稀土有限公司"]
    assert main([*args, "--map", "法人=A"]) == 1
    assert "--map “法人=A”无法识别" in capsys.readouterr().err
