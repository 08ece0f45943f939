"""``kjdesk import`` with published lists (issue 23 items 4–6): a Word table, wording as written,
notes for codes read as what they are, and 建议修改 in the errors and the error workbook."""

import openpyxl

from kjdesk.services.core.app import App
from kjdesk.services.register import list_units
from tests.cli.conftest import signed_main as main
from tests.conftest import make_id_number
from tests.published_lists import Header, codes, docx_list, letter_first_code, xlsx_list

C = codes(3, "91150200MA0T")
N_CODE = letter_first_code("N2150207MF0000888")


def _db(tmp_path):
    db = str(tmp_path / "c.sqlite")
    assert main(["--db", db, "init", "--city", "baotou"]) == 0
    return db


def _units(db):
    a = App.open(db)
    try:
        return [(u.name, u.credit_code, u.district, u.size_class) for u in list_units(a)]
    finally:
        a.close()


def test_import_a_word_table_with_a_merged_header_and_written_wordings(tmp_path, capsys):
    db = _db(tmp_path)
    header = Header(["序号", "企业名称", "统一社会信用代码", "所属旗县区", "企业规模"], "企业情况", (1, 2))
    rows = [
        [1, "包头市甲稀土有限公司", C[0], "稀土高新技术产业开发区", "中型企业"],
        [2, "包头市戊合作社", N_CODE, "包头市九原区", "小型企业"],
    ]
    path = docx_list(tmp_path / "名录.docx", header, rows, title="2024年科技型企业名录", extra_tables=1)
    capsys.readouterr()
    assert main(["--db", db, "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "单位名录“名录.docx”（工作表“表格2”，表头在第 1 行）：共 2 行，新增 2" in out
    assert sorted(_units(db)) == [
        ("包头市戊合作社", N_CODE, "九原区", "小微企业"),
        ("包头市甲稀土有限公司", C[0], "稀土高新区", "其他企业"),
    ]


def test_errors_carry_the_suggested_fix_and_the_error_workbook_its_column(tmp_path, capsys):
    db = _db(tmp_path)
    rows = [
        ["企业名称", "统一社会信用代码", "旗县区", "单位类型"],
        ["包头市甲稀土有限公司", C[0], "昆都伦区", "民营企业"],
        ["包头市乙机械有限公司", C[1], "青山区", "科研院"],
    ]
    path = xlsx_list(tmp_path / "名录.xlsx", Header(rows[0]), rows[1:], title="名录")
    capsys.readouterr()
    code = main(["--db", db, "import", str(path), "--errors-out", str(tmp_path / "err.xlsx")])
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "第 3 行 C 旗县区 列 “昆都伦区”：“昆都伦区”不是包头市的旗县区" in err
        and "（建议改为：昆都仑区）" in err
    )
    assert (
        "第 4 行 D 单位类型 列 “科研院”：单位类型“科研院”无法识别" in err and "（建议改为：高校院所）" in err
    )
    ws = openpyxl.load_workbook(tmp_path / "err.xlsx").active
    assert [ws.cell(row=2, column=c).value for c in (5, 6)] == ["错误说明", "建议修改"]
    assert ws.cell(row=3, column=6).value == "C列：昆都仑区"
    assert ws.cell(row=4, column=6).value == "D列：高校院所"
    assert _units(db) == []
    ws.cell(row=3, column=3, value="昆都仑区")
    ws.cell(row=4, column=4, value="高校院所")
    ws.parent.save(tmp_path / "err.xlsx")
    assert main(["--db", db, "import", str(tmp_path / "err.xlsx")]) == 0
    assert len(_units(db)) == 2


def test_a_person_id_in_the_code_column_is_noted_on_stderr(tmp_path, capsys):
    db = _db(tmp_path)
    person = make_id_number("15020219800101123")
    people = [["姓名", "身份证号", "人员类别"], ["张三", person, "高层次人才"]]
    assert (
        main(["--db", db, "import", str(xlsx_list(tmp_path / "p.xlsx", Header(people[0]), people[1:]))]) == 0
    )
    rows = [
        ["名称", "统一社会信用代码", "年度", "指标", "数值（万元）"],
        ["张三", person, 2025, "技术交易额", 8],
    ]
    capsys.readouterr()
    assert main(["--db", db, "import", str(xlsx_list(tmp_path / "f.xlsx", Header(rows[0]), rows[1:]))]) == 0
    captured = capsys.readouterr()
    assert "新增 1" in captured.out
    assert (
        f"提示：第 2 行 B 统一社会信用代码 列 “{person}”：统一社会信用代码列中是身份证号，已按个人（身份证号）读取"
        in captured.err
    )
