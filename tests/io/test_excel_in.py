import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kjdesk.io.excel_in import RosterFileError, list_sheets, read_roster, sniff_type
from kjdesk.io.roster_schema import KINDS, detect_kind, match_headers, missing_columns, normalize_header
from tests.rosters import CODE_A, csv_file, units_rows, xlsx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_header_found_under_a_merged_title_banner(tmp_path):
    table = read_roster(xlsx(tmp_path / "u.xlsx", units_rows(), title="2023年科技型企业名录"))
    assert table.header_row == 1
    assert table.headers == ["序号", "企业名称", "统一社会信用代码", "所属旗县区"]
    assert table.rows[table.first_data][1] == "包头市甲稀土有限公司"


def test_two_row_header_with_a_merged_group_above(tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定情况", ""],
        ["", "", "认定日期", "认定文号"],
        ["包头市甲稀土有限公司", CODE_A, "2022-12-01", "国科火字〔2023〕1号"],
    ]
    table = read_roster(xlsx(tmp_path / "r.xlsx", rows))
    assert table.header_rows == 2 and table.first_data == 2
    assert table.headers == ["企业名称", "统一社会信用代码", "认定日期", "认定文号"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(tmp_path, encoding):
    table = read_roster(csv_file(tmp_path / "u.csv", units_rows(), encoding))
    assert table.file_type == "csv"
    assert table.headers[1] == "企业名称"
    assert table.rows[1][1] == "包头市甲稀土有限公司"


def test_old_xls_from_wps(tmp_path):
    table = read_roster(FIXTURES / "units_wps.xls")
    assert table.file_type == "xls" and table.sheet == "企业名录"
    assert table.header_row == 1
    assert table.rows[2][4] == date(2019, 5, 6)


def test_ods():
    table = read_roster(FIXTURES / "hte_2022.ods")
    assert table.file_type == "ods"
    assert table.headers[2] == "社会信用代码"
    assert detect_kind(table.headers).key == "recognitions"


def test_formula_error_cells_read_as_their_error_value():
    table = read_roster(FIXTURES / "formulas_na.xlsx")
    assert table.rows[2][1] == "#N/A"
    assert table.rows[1][3] == 18  # a formula with a value reads as its value


def test_sheet_choice(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按下表填写"])
    ws = wb.create_sheet("名单")
    for r in units_rows():
        ws.append(r)
    wb.save(path)
    assert list_sheets(path) == ["填表说明", "名单"]
    assert read_roster(path).sheet == "名单"  # the first sheet with a recognised header
    assert read_roster(path, "名单").header_row == 0
    with pytest.raises(RosterFileError, match="没有名为“汇总”的工作表（现有：填表说明、名单）"):
        read_roster(path, "汇总")


def test_empty_file(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    with pytest.raises(RosterFileError, match="文件是空的"):
        read_roster(tmp_path / "empty.xlsx")


def test_empty_sheet(tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(RosterFileError, match="是空的"):
        read_roster(path)


def test_no_header(tmp_path):
    path = xlsx(tmp_path / "nohead.xlsx", [["张三", "李四"], [1, 2]])
    with pytest.raises(RosterFileError, match="找不到表头"):
        read_roster(path)


def test_password_protected_workbook():
    with pytest.raises(RosterFileError, match="密码"):
        read_roster(FIXTURES / "password_1234.xlsx")


def test_corrupt_workbook(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", units_rows())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:700])
    with pytest.raises(RosterFileError, match="损坏"):
        read_roster(bad)


def test_docx_renamed_xlsx(tmp_path):
    """A Word document is read as one (its tables are the sheets); a broken one is named as Word."""
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert sniff_type(path) == "docx"
    with pytest.raises(RosterFileError, match="Word 文档"):
        read_roster(path)


def test_web_page_saved_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>企业名称</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(RosterFileError, match="网页"):
        read_roster(path)


def test_header_synonyms_and_units_in_brackets():
    kind = KINDS["recognitions"]
    headers = ["序号", "企业名称", "社会信用代码", "认定类型", "认定时间", "发文文号", "备注"]
    mapping = match_headers(kind, headers)
    assert mapping == {
        "subject_name": 1,
        "credit_code": 2,
        "title": 3,
        "date": 4,
        "doc_number": 5,
        "note": 6,
    }
    assert missing_columns(kind, mapping) == []
    assert normalize_header("加计扣除研发费用（万元）*") == ("加计扣除研发费用", "万元")
    assert match_headers(KINDS["units"], ["单位名称", "企业统一社会信用代码"])["credit_code"] == 1


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["企业名称", "统一社会信用代码", "所属旗县区"], "units"),
        (["单位名称", "信用代码", "认定类型", "认定日期"], "recognitions"),
        (["平台名称", "平台类型", "依托单位统一社会信用代码"], "platforms"),
        (["姓名", "身份证号", "工作单位"], "people"),
        (["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"], "facts"),
        (["企业名称", "信用代码", "年度", "加计扣除研发费用（万元）"], "facts"),
    ],
)
def test_kind_detected_from_headers(headers, kind):
    assert detect_kind(headers).key == kind
