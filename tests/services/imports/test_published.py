"""Importing lists as a 科技局 receives them (issue 23 items 4–6): Word and Excel published lists
with title rows and merged headers, wording as officers write it, codes in the other code's
column, letter-first credit codes, and the error workbook's 建议修改 re-imported after a fix."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from kjdesk.services.imports import commit, preview
from kjdesk.services.imports.roster_files import save_error_workbook
from kjdesk.store.models import Fact, Person, Platform, Recognition, Unit
from kjdesk.validation import mask_id_number
from kjdesk.vocab import wording_key
from tests.conftest import make_id_number
from tests.published_lists import Header, codes, docx_list, letter_first_code, xlsx_list
from tests.rosters import snapshot

TODAY = date(2026, 11, 23)
C = codes(6, "91150200MA0R")
N_CODE = letter_first_code("N2150207MF0000451")  # a 农民专业合作社, registered by 农业农村
Y_CODE = letter_first_code("Y1150200MC0000772")
PERSON_A = make_id_number("15020219800101123")
PERSON_B = make_id_number("15030319760505234")


def _import(app, path, **kw):
    plan = preview(app, path, today=TODAY, **kw)
    assert plan.ok, [e.line() for e in plan.errors]
    commit(app, plan)
    return plan


@pytest.fixture
def units(app, tmp_path):
    """Six enterprises registered from a published-style list: title, two-row merged header,
    districts, sizes and kinds worded as officers write them."""
    header = Header(
        ["序号", "企业名称", "统一社会信用代码", "所属旗县区", "企业规模", "单位性质"], "企业基本情况", (1, 2)
    )
    rows = [
        [1, "包头市甲稀土有限公司", C[0], "稀土高新技术产业开发区", "中型企业", "民营企业"],
        [2, "包头市乙机械有限公司", C[1], "包头市昆都仑区", "规上企业", "有限责任公司"],
        [3, "包头市丙材料有限公司", C[2], "九原", "小型企业", ""],
        [4, "包头稀土研究院", C[3], "内蒙古自治区包头市青山区", "", "科研院所"],
        [5, "包头市丁科技有限公司", C[4], "昆区", "大型企业", "企业"],
        [6, "包头市戊合作社", N_CODE, "土右旗", "小微", "其它"],
    ]
    plan = _import(app, xlsx_list(tmp_path / "名录.xlsx", header, rows, title="2024年包头市科技型企业名录"))
    assert plan.kind == "units" and plan.added == 6 and plan.title == "2024年包头市科技型企业名录"
    return app


def test_units_from_a_published_list_read_every_wording(units):
    with units.db.session() as s:
        got = [
            (u.credit_code, u.district, u.size_class, u.size_written, u.kind)
            for u in s.scalars(select(Unit).order_by(Unit.id))
        ]
    assert got == [
        (C[0], "稀土高新区", "其他企业", "中型企业", "企业"),
        (C[1], "昆都仑区", "其他企业", "规上企业", "企业"),
        (C[2], "九原区", "小微企业", "小型企业", "企业"),
        (C[3], "青山区", "", "", "高校院所"),
        (C[4], "昆都仑区", "其他企业", "大型企业", "企业"),
        (N_CODE, "土默特右旗", "小微企业", "小微", "其他"),
    ]


def test_a_size_written_as_its_class_clears_the_written_size(units, tmp_path):
    rows = [["企业名称", "统一社会信用代码", "企业规模"], ["包头市甲稀土有限公司", C[0], "其他企业"]]
    plan = _import(units, xlsx_list(tmp_path / "u.xlsx", Header(rows[0]), rows[1:]))
    assert [i.detail for i in plan.items] == ["企业规模（原文）：中型企业 → （空）"]
    with units.db.session() as s:
        assert s.scalar(select(Unit.size_written).where(Unit.credit_code == C[0])) == ""


def test_recognitions_in_a_word_table_with_a_merged_two_row_header(units, tmp_path):
    header = Header(
        ["序号", "企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "文号"], "认定情况", (5, 6)
    )
    rows = [
        [1, "包头市甲稀土有限公司", C[0], "瞪羚企业", "省级", "2024-11-08", "内科发〔2024〕8号"],
        [2, "包头市乙机械有限公司", C[1], "瞪羚企业", "区级", "2024-11-08", "内科发〔2024〕8号"],
        [3, "包头市丙材料有限公司", C[2], "瞪羚企业", "包头市", "2024年6月1日", "包科发〔2024〕3号"],
        [4, "包头市丁科技有限公司", C[4], "瞪羚企业", "市本级", "2024/6/1", "包科发〔2024〕3号"],
        [5, "包头市戊合作社", N_CODE, "高新技术企业", "国家", "2023-12-20", "国科火字〔2024〕1号"],
    ]
    path = docx_list(
        tmp_path / "附件.docx", header, rows, title="2024年瞪羚企业及高新技术企业名单", extra_tables=1
    )
    plan = _import(units, path)
    assert (plan.kind, plan.sheet, plan.header_row, plan.added) == ("recognitions", "表格2", 1, 5)
    assert plan.title == "2024年瞪羚企业及高新技术企业名单"
    with units.db.session() as s:
        got = [
            (r.unit_id, r.type_id, r.level, r.date, r.doc_number)
            for r in s.scalars(select(Recognition).order_by(Recognition.id))
        ]
    assert got == [
        (1, "gazelle", "自治区", date(2024, 11, 8), "内科发〔2024〕8号"),
        (2, "gazelle", "自治区", date(2024, 11, 8), "内科发〔2024〕8号"),
        (3, "gazelle", "市级", date(2024, 6, 1), "包科发〔2024〕3号"),
        (5, "gazelle", "市级", date(2024, 6, 1), "包科发〔2024〕3号"),
        (6, "hte", "国家", date(2023, 12, 20), "国科火字〔2024〕1号"),
    ]


def test_platforms_without_a_level_column_take_their_level_from_recognitions(units, tmp_path):
    header = Header(["序号", "平台名称", "平台类型", "依托单位统一社会信用代码"])
    rows = [
        [1, "甲稀土企业技术中心", "企业技术中心", C[0]],
        [2, "乙机械重点实验室", "重点实验室", C[1]],
    ]
    _import(units, docx_list(tmp_path / "平台.docx", header, rows, title="创新平台名录"))
    with units.db.session() as s:
        assert [(p.name, p.type_id, p.level) for p in s.scalars(select(Platform).order_by(Platform.id))] == [
            ("甲稀土企业技术中心", "etc", ""),
            ("乙机械重点实验室", "kl", ""),
        ]
    rec = [
        ["平台名称", "依托单位统一社会信用代码", "认定类型", "级别", "认定日期"],
        ["乙机械重点实验室", C[1], "重点实验室", "自治区", "2024-03-01"],
    ]
    _import(units, xlsx_list(tmp_path / "认定.xlsx", Header(rec[0]), rec[1:]))
    # a platform list without 级别 read again does not erase the level its recognition gave
    plan = _import(units, docx_list(tmp_path / "平台2.docx", header, rows, title="创新平台名录"))
    assert (plan.added, plan.updated, plan.unchanged) == (0, 0, 2)
    with units.db.session() as s:
        assert s.scalar(select(Platform.level).where(Platform.name == "乙机械重点实验室")) == "自治区"


def test_people_categories_as_officers_write_them(units, tmp_path):
    rows = [
        ["姓名", "身份证号", "人员类别", "工作单位统一社会信用代码"],
        ["张三", PERSON_A, "柔性引进高端人才", C[0]],
        ["李四", PERSON_B, "技术经理人", C[1]],
    ]
    _import(units, xlsx_list(tmp_path / "人员.xlsx", Header(rows[0]), rows[1:]))
    with units.db.session() as s:
        assert [(p.name, p.role) for p in s.scalars(select(Person).order_by(Person.id))] == [
            ("张三", "人才"),
            ("李四", "技术经纪人"),
        ]


def test_a_persons_id_in_the_code_column_of_yearly_data_is_read_as_the_person(units, tmp_path):
    people = [["姓名", "身份证号", "身份"], ["张三", PERSON_A, "技术经纪人"]]
    _import(units, xlsx_list(tmp_path / "人员.xlsx", Header(people[0]), people[1:]))
    rows = [
        ["名称", "统一社会信用代码", "年度", "指标", "数值（万元）"],
        ["张三", PERSON_A, 2025, "技术交易额", 12],
        ["包头市甲稀土有限公司", C[0], 2025, "加计扣除研发费用", 100],
    ]
    plan = _import(units, xlsx_list(tmp_path / "年度.xlsx", Header(rows[0]), rows[1:], title="2025年度数据"))
    assert [(n.row, n.column, n.reason) for n in plan.notes] == [
        (3, "B 统一社会信用代码", "统一社会信用代码列中是身份证号，已按个人（身份证号）读取")
    ]
    with units.db.session() as s:
        got = {(f.person_id, f.unit_id, f.indicator, f.value) for f in s.scalars(select(Fact))}
    assert got == {
        (None, 1, "加计扣除研发费用", Decimal("1000000")),
        (1, None, "技术交易额", Decimal("120000")),
    }


def test_a_credit_code_in_the_id_column_is_read_as_the_unit(units, tmp_path):
    rows = [
        ["名称", "身份证号", "认定类型", "级别", "认定日期"],
        ["包头市乙机械有限公司", C[1], "瞪羚企业", "自治区级", "2024-05-06"],
    ]
    plan = _import(units, xlsx_list(tmp_path / "r.xlsx", Header(rows[0]), rows[1:]))
    assert [n.reason for n in plan.notes] == [
        "身份证号列中是统一社会信用代码，已按单位（统一社会信用代码）读取"
    ]
    with units.db.session() as s:
        assert s.scalar(select(Recognition.unit_id)) == 2


def test_an_id_in_a_unit_recognition_and_in_a_units_list_is_refused_naming_it(units, tmp_path):
    rows = [
        ["名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["张三", PERSON_A, "高新技术企业", "2024-05-06"],
    ]
    plan = preview(units, xlsx_list(tmp_path / "r.xlsx", Header(rows[0]), rows[1:]), today=TODAY)
    assert [e.reason for e in plan.errors] == [
        f"“{mask_id_number(PERSON_A)}”是身份证号，不是统一社会信用代码；该认定的对象是单位，请填写统一社会信用代码"
    ]
    rows = [["单位名称", "统一社会信用代码", "旗县区"], ["张三", PERSON_A, "九原区"]]
    plan = preview(units, xlsx_list(tmp_path / "u.xlsx", Header(rows[0]), rows[1:]), today=TODAY)
    assert plan.errors[0].reason.startswith(f"“{mask_id_number(PERSON_A)}”是身份证号，不是统一社会信用代码")


def test_letter_first_credit_codes_register_and_match(app, tmp_path):
    rows = [
        ["单位名称", "统一社会信用代码", "旗县区"],
        ["包头市某合作社", N_CODE, "固阳县"],
        ["某协会", Y_CODE, "东河区"],
    ]
    _import(app, xlsx_list(tmp_path / "u.xlsx", Header(rows[0]), rows[1:]))
    plan = _import(app, xlsx_list(tmp_path / "u2.xlsx", Header(rows[0]), rows[1:]))
    assert plan.unchanged == 2
    with app.db.session() as s:
        assert sorted(s.scalars(select(Unit.credit_code))) == sorted([N_CODE, Y_CODE])


def test_expired_without_a_status_date_takes_the_valid_until(units, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "有效期至", "状态"],
        ["甲", C[0], "高新技术企业", "", "2020-12-01", "2023-11-30", "已过期"],
        ["乙", C[1], "高新技术企业", "", "2020-12-01", "", "过期"],  # 3 years from its date
        ["丙", C[2], "瞪羚企业", "市级", "2020-12-01", "", "到期"],  # no term known
    ]
    plan = _import(units, xlsx_list(tmp_path / "r.xlsx", Header(rows[0]), rows[1:]))
    assert [(n.row, n.reason) for n in plan.notes] == [
        (2, "状态“过期”未填状态日期，按有效期至 2023-11-30 记为过期日期"),
        (3, "状态“过期”未填状态日期，按有效期至 2023-12-01 记为过期日期"),
        (4, "状态“过期”未填状态日期，也不知有效期至；状态日期留空"),
    ]
    with units.db.session() as s:
        got = [
            (r.unit_id, r.status, r.status_date)
            for r in s.scalars(select(Recognition).order_by(Recognition.id))
        ]
    assert got == [(1, "过期", date(2023, 11, 30)), (2, "过期", date(2023, 12, 1)), (3, "过期", None)]


def test_remembered_wordings_let_a_list_through(units, tmp_path):
    rows = [["姓名", "身份证号", "人员类别"], ["张三", PERSON_A, "科技副总"]]
    path = xlsx_list(tmp_path / "人员.xlsx", Header(rows[0]), rows[1:])
    plan = preview(units, path, today=TODAY)
    assert [e.reason for e in plan.errors] == [
        "身份“科技副总”无法识别（可选：技术经纪人、人才、科技特派员、其他）"
    ]
    remembered = {"role": {wording_key("科技副总"): "人才"}}
    plan = preview(units, path, today=TODAY, remembered=remembered)
    assert plan.ok
    commit(units, plan)
    with units.db.session() as s:
        assert s.scalar(select(Person.role)) == "人才"


def _sheet_rows(path):
    ws = openpyxl.load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_error_workbook_suggests_fixes_and_the_corrected_workbook_imports(units, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "状态", "状态日期", "旗县区"],
        ["包头市甲稀土有限公司", C[0], "高薪技术企业", "", "2024-11-08", "有效", "", "稀土高新区"],
        ["包头市乙机械有限公司", C[1], "瞪羚企业", "国加级", "2024-11-08", "有效", "", "昆都仑区"],
        ["包头市丙材料有限公司", C[2], "瞪羚企业", "市级", "2024-11-08", "已撤消", "2025-03-01", "九原区"],
        [
            "包头市己新材料有限公司",
            C[5].replace("0", "O", 1),
            "瞪羚企业",
            "市级",
            "2024-11-08",
            "有效",
            "",
            "昆都伦区",
        ],
    ]
    path = xlsx_list(tmp_path / "名单.xlsx", Header(rows[0]), rows[1:], title="2024年认定名单")
    before = snapshot(units)
    plan = preview(units, path, today=TODAY)
    assert [(e.row, e.column, e.suggestion) for e in plan.errors] == [
        (3, "C 认定类型", "高新技术企业"),
        (4, "D 级别", "国家级"),
        (5, "F 状态", "撤销"),
        (6, "B 统一社会信用代码", C[5]),
        (6, "H 旗县区", "昆都仑区"),
    ]
    out = save_error_workbook(plan, tmp_path / "名单-错误说明.xlsx")
    sheet = _sheet_rows(out)
    assert sheet[1][8:10] == ["错误说明", "建议修改"]
    assert sheet[2][9] == "C列：高新技术企业"
    assert sheet[5][9] == "B列：" + C[5] + "\nH列：昆都仑区"
    assert snapshot(units) == before
    # the officer follows each suggestion in the error workbook itself and imports it again
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    for e in plan.errors:
        if e.suggestion == "国家级":  # 瞪羚企业 has no 国家级: the officer picks 市级 instead
            ws.cell(row=e.row, column=e.col + 1, value="市级")
            continue
        ws.cell(row=e.row, column=e.col + 1, value=e.suggestion)
    wb.save(out)
    plan = _import(units, out)
    assert (plan.added, plan.new_units) == (4, 1) and plan.title == "2024年认定名单"
    with units.db.session() as s:
        assert sorted(s.scalars(select(Recognition.status))) == ["撤销", "有效", "有效", "有效"]


def test_error_workbook_of_a_word_list_is_a_workbook_that_imports_once_fixed(units, tmp_path):
    header = Header(
        ["序号", "企业名称", "统一社会信用代码", "认定类型", "认定日期", "文号"], "认定情况", (4, 5)
    )
    rows = [
        [1, "包头市甲稀土有限公司", C[0], "高新技术企业", "2024-11-08", "国科火字〔2024〕8号"],
        [2, "包头市乙机械有限公司", C[1], "科技型中小企", "2024-05-10", ""],
    ]
    path = docx_list(tmp_path / "名单.docx", header, rows, title="2024年名单")
    plan = preview(units, path, today=TODAY)
    assert [(e.row, e.column, e.suggestion) for e in plan.errors] == [(4, "D 认定类型", "科技型中小企业")]
    out = save_error_workbook(plan, tmp_path / "名单-错误说明.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert [ws.cell(row=1, column=c).value for c in (7, 8)] == ["错误说明", "建议修改"]
    assert ws.cell(row=4, column=8).value == "D列：科技型中小企业"
    ws.cell(row=4, column=4, value="科技型中小企业")
    wb.save(out)
    plan = _import(units, out)
    assert (plan.header_row, plan.added) == (1, 2)
    with units.db.session() as s:
        got = sorted((r.unit_id, r.type_id, r.doc_number) for r in s.scalars(select(Recognition)))
    assert got == [(1, "hte", "国科火字〔2024〕8号"), (2, "tsme", "")]


def test_an_unregistered_code_suggests_the_code_of_the_unit_registered_under_that_name(units, tmp_path):
    wrong = codes(1, "91150200MA0X")[0]  # a valid code no unit has
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期"],
        ["包头市乙机械有限公司", wrong, "瞪羚企业", "市级", "2024-05-06"],
        ["某某不相干的公司", codes(1, "91150200MA0Y")[0], "瞪羚企业", "市级", "2024-05-06"],
    ]
    plan = preview(units, xlsx_list(tmp_path / "r.xlsx", Header(rows[0]), rows[1:]), today=TODAY)
    assert [(e.row, e.suggestion) for e in plan.errors] == [(2, C[1]), (3, "")]
    assert plan.errors[0].reason.startswith(f"统一社会信用代码 {wrong} 的单位未登记")


def test_closest_names_are_searched_for_a_bounded_number_of_names(units, tmp_path, monkeypatch):
    import kjdesk.services.imports.match as import_match

    monkeypatch.setattr(import_match, "SUGGEST_LIMIT", 1)
    new = codes(3, "91150200MA0X")
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期"],
        ["包头市乙机械有限责任公司", new[0], "瞪羚企业", "市级", "2024-05-06"],  # close: searched
        ["包头市丙材料有限责任公司", new[1], "瞪羚企业", "市级", "2024-05-06"],  # close, past the bound
        ["包头市甲稀土有限公司", new[2], "瞪羚企业", "市级", "2024-05-06"],  # exact: always found
    ]
    plan = preview(units, xlsx_list(tmp_path / "r.xlsx", Header(rows[0]), rows[1:]), today=TODAY)
    assert [(e.row, e.suggestion) for e in plan.errors] == [(2, C[1]), (3, ""), (4, C[0])]
