"""Reading published lists (issue 23 item 4): .docx tables as sheets, title rows, merged and
two-row headers in Word and Excel, WPS .et/.ett by content."""

import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kjdesk.io.excel_in import RosterFileError, list_sheets, read_roster, sniff_type
from kjdesk.io.roster_schema import KINDS, match_headers
from tests.published_lists import Header, codes, docx_list, xlsx_list

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GROUPED = Header(["序号", "企业名称", "统一社会信用代码", "认定日期", "文号"], "认定情况", (3, 4))


def _rows(n: int = 3) -> list[list[object]]:
    return [
        [i + 1, f"包头市第{i + 1}稀土有限公司", code, "2024-11-08", "内科高企字〔2024〕8号"]
        for i, code in enumerate(codes(n))
    ]


def test_docx_table_with_merged_two_row_header_and_title_paragraph(tmp_path):
    path = docx_list(tmp_path / "附件.docx", GROUPED, _rows(), title="2024年第一批高新技术企业名单")
    table = read_roster(path)
    assert (table.file_type, table.sheet, table.sheets) == ("docx", "表格1", ["表格1"])
    assert table.headers == GROUPED.names
    assert (table.header_row, table.header_rows, table.first_data) == (0, 2, 2)
    assert table.title == "2024年第一批高新技术企业名单"
    assert table.rows[table.first_data] == [
        "1",
        "包头市第1稀土有限公司",
        codes(1)[0],
        "2024-11-08",
        "内科高企字〔2024〕8号",
    ]
    assert len(table.rows) - table.first_data == 3
    mapping = match_headers(KINDS["recognitions"], table.headers)
    assert (mapping["subject_name"], mapping["credit_code"], mapping["date"], mapping["doc_number"]) == (
        1,
        2,
        3,
        4,
    )


def test_docx_notice_with_a_contact_table_first_reads_the_list_table(tmp_path):
    path = docx_list(
        tmp_path / "通知.docx", GROUPED, _rows(2), title="2023年度科技型中小企业入库名单", extra_tables=2
    )
    assert list_sheets(path) == ["表格1", "表格2", "表格3"]
    table = read_roster(path)
    assert table.sheet == "表格3" and table.title == "2023年度科技型中小企业入库名单"
    assert table.headers[1] == "企业名称"
    other = read_roster(path, sheet="表格1")  # the officer may still pick another table
    assert other.headers == ["联系人", "电话"] and other.title == "联系方式1"
    with pytest.raises(RosterFileError, match="没有“表格9”"):
        read_roster(path, sheet="表格9")


def test_docx_names_only_list_with_certificate_numbers_and_league_city(tmp_path):
    header = Header(["序号", "企业名称", "证书编号", "所在盟市"])
    rows = [
        [1, "包头市甲稀土有限公司", "GR202415000101", "包头市"],
        [2, "乌海市乙化工有限公司", "GR202415000102", "乌海市"],
    ]
    path = docx_list(
        tmp_path / "名单.docx", header, rows, title="内蒙古自治区2024年第一批认定高新技术企业名单"
    )
    table = read_roster(path)
    assert table.headers == header.names and table.first_data == 1
    assert table.title == "内蒙古自治区2024年第一批认定高新技术企业名单"
    assert [r[1] for r in table.rows[table.first_data :]] == ["包头市甲稀土有限公司", "乌海市乙化工有限公司"]


def test_docx_cell_merged_down_data_rows_gives_its_text_to_each_row(tmp_path):
    header = Header(["序号", "平台名称", "依托单位", "所在盟市"])
    rows = [[1, "稀土材料重点实验室", "甲公司", "包头市"], [2, "储氢材料重点实验室", "乙公司", ""]]
    path = docx_list(tmp_path / "平台.docx", header, rows, title="2024年自治区重点实验室名单")
    doc = Document(str(path))
    table = doc.tables[0]
    table.cell(1, 3).merge(table.cell(2, 3)).text = "包头市"  # 所在盟市 merged down both rows
    doc.save(str(path))
    read = read_roster(path)
    assert [r[3] for r in read.rows[1:]] == ["包头市", "包头市"]


def test_docx_title_inside_the_table_as_a_merged_first_row(tmp_path):
    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "2024年包头市创新引领型民营企业名单"
    for i, name in enumerate(["序号", "单位名称", "统一社会信用代码"]):
        table.cell(1, i).text = name
    for i, value in enumerate(["1", "包头市甲公司", codes(1)[0]]):
        table.cell(2, i).text = value
    path = tmp_path / "内嵌标题.docx"
    doc.save(str(path))
    read = read_roster(path)
    assert read.header_row == 1 and read.headers == ["序号", "单位名称", "统一社会信用代码"]
    assert read.title == "2024年包头市创新引领型民营企业名单"


def test_docx_without_a_table_says_so(tmp_path):
    doc = Document()
    doc.add_paragraph("关于公布2024年高新技术企业名单的通知")
    path = tmp_path / "通知.docx"
    doc.save(str(path))
    with pytest.raises(RosterFileError, match="没有表格"):
        read_roster(path)


@pytest.mark.parametrize(
    "before, title, first_data",
    [((), "2024年第一批高新技术企业名单", 3), (("附件2",), "2024年科技型中小企业名单", 4), ((), "", 2)],
)
def test_xlsx_title_rows_then_merged_two_row_header(tmp_path, before, title, first_data):
    path = xlsx_list(tmp_path / "名单.xlsx", GROUPED, _rows(2), title=title, before=before)
    table = read_roster(path)
    assert table.headers == GROUPED.names
    assert (table.header_rows, table.first_data) == (2, first_data)
    assert table.title == " ".join([*before, title]).strip()
    assert table.rows[first_data][1] == "包头市第1稀土有限公司"


def test_xlsx_group_row_above_whose_first_names_merge_down(tmp_path):
    """企业名称 merged down two rows, 认定情况 over 认定日期 | 文号: the name row scores lower than
    the row below it, yet both rows are the header."""
    header = Header(["企业名称", "认定日期", "文号"], "认定情况", (1, 2))
    path = xlsx_list(
        tmp_path / "名单.xlsx",
        header,
        [["包头市甲公司", "2024-11-08", "内科高企字〔2024〕8号"]],
        title="名单",
    )
    table = read_roster(path)
    assert (table.header_row, table.header_rows) == (1, 2)
    assert table.headers == ["企业名称", "认定日期", "文号"]
    assert table.title == "名单"


def test_wps_et_holding_xls_or_xlsx_opens(tmp_path):
    et = tmp_path / "名录.et"
    shutil.copy(FIXTURES / "units_wps.xls", et)
    assert sniff_type(et) == "xls"
    assert read_roster(et).headers[:2] == read_roster(FIXTURES / "units_wps.xls").headers[:2]
    ett = xlsx_list(tmp_path / "模板.ett", GROUPED, _rows(1), title="名单")
    assert sniff_type(ett) == "xlsx"
    assert read_roster(ett).headers == GROUPED.names


def test_wps_et_in_its_own_format_asks_to_save_as_xlsx(tmp_path):
    et = tmp_path / "名录.et"
    et.write_bytes(b"\x11\x22WPS-ET-private-format" * 20)
    with pytest.raises(RosterFileError, match=r"另存为.*\.xlsx"):
        read_roster(et)


def test_xlsx_cell_merged_down_data_rows_gives_its_text_to_each_row(tmp_path):
    header = Header(["序号", "平台名称", "依托单位", "所在盟市"])
    rows = [
        [1, "稀土材料重点实验室", "甲公司", "包头市"],
        [2, "储氢材料重点实验室", "乙公司", None],
        [3, "煤化工实验室", "丙公司", "乌海市"],
    ]
    path = xlsx_list(tmp_path / "平台.xlsx", header, rows, title="2024年自治区重点实验室名单")
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("D3:D4")  # 所在盟市 merged down the first two data rows
    wb.save(path)
    table = read_roster(path)
    assert [r[3] for r in table.rows[table.first_data :]] == ["包头市", "包头市", "乌海市"]
