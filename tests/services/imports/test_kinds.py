"""Importing facts, people and platforms rosters, the committed .xls/.ods fixtures, and bad files."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.imports import commit, preview
from kjdesk.services.imports.roster_files import save_error_workbook, write_roster_template
from kjdesk.store.models import Fact, Person, Platform, Recognition, Unit
from tests.rosters import CODE_A, CODE_B, CODE_C, ID_A, csv_file, snapshot, units_rows, xlsx

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _import(app, path, **kw):
    plan = preview(app, path, **kw)
    assert plan.ok, [e.line() for e in plan.errors]
    return commit(app, plan)


@pytest.fixture
def units(app, tmp_path):
    _import(app, xlsx(tmp_path / "units.xlsx", units_rows()))
    return app


def _facts(app):
    with app.db.session() as s:
        return sorted(
            (f.unit_id, f.year, f.indicator, f.value, f.text, f.unit_label, f.item_ref)
            for f in s.scalars(select(Fact))
        )


def test_facts_roster_money_in_wan_or_yuan_stored_in_yuan(units, tmp_path):
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位", "事项编号"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "加计扣除研发费用", "356.78", "万元", ""],
        ["包头市甲稀土有限公司", CODE_A, "2023年", "企业规模", "小型", "", ""],
        [
            "包头市乙机械有限公司",
            CODE_B,
            2023,
            "技术合同登记成交额",
            "１，２３４，５６７．８９",
            "元",
            "HT-001",
        ],
        ["包头市乙机械有限公司", CODE_B, 2023, "高新区年度位次", 12, "", ""],
    ]
    path = xlsx(tmp_path / "facts.xlsx", rows)
    plan = preview(units, path)
    assert plan.kind == "facts" and plan.added == 4
    result = commit(units, plan)
    assert result.changes.facts and result.changes.entitlements
    assert _facts(units) == [
        (1, 2023, "企业规模", None, "小微企业", "", ""),
        (1, 2023, "加计扣除研发费用", Decimal("3567800"), "", "元", ""),
        (2, 2023, "技术合同登记成交额", Decimal("1234567.89"), "", "元", "HT-001"),
        (2, 2023, "高新区年度位次", Decimal("12"), "", "位", ""),
    ]
    assert preview(units, path).unchanged == 4
    rows[1][4] = "400"
    plan = preview(units, xlsx(tmp_path / "facts2.xlsx", rows))
    assert (plan.updated, plan.unchanged) == (1, 3)
    assert plan.items[0].detail == "数值：3567800.00 → 4000000"


def test_facts_unit_from_the_header(units, tmp_path):
    rows = [
        ["单位名称", "统一社会信用代码", "年度", "指标", "金额（万元）"],
        ["包头市甲稀土有限公司", CODE_A, 2022, "加计扣除研发费用", 12.5],
    ]
    _import(units, xlsx(tmp_path / "f.xlsx", rows))
    assert _facts(units)[0][3] == Decimal("125000")


def test_fact_errors_unknown_unit_missing_money_unit_and_conflicting_rows(units, tmp_path):
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"],
        ["包头市丙公司", CODE_C, 2023, "加计扣除研发费用", 10, "万元"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "加计扣除研发费用", 10, ""],
        ["包头市甲稀土有限公司", CODE_A, 2023, "研发经费", 10, "万元"],
        ["包头市乙机械有限公司", CODE_B, 2023, "技术交易额", 10, "万元"],
        ["包头市乙机械有限公司", CODE_B, 2023, "技术交易额", 11, "万元"],
    ]
    before = snapshot(units)
    plan = preview(units, xlsx(tmp_path / "bad.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [
        (2, "B 统一社会信用代码"),
        (3, "E 数值"),
        (4, "D 指标"),
        (6, "E 数值"),
    ]
    assert plan.errors[1].reason.startswith("未注明金额单位")
    assert plan.errors[2].reason.startswith("未知指标“研发经费”，最接近的是：")
    assert plan.errors[3].reason.startswith("与第 5 行是同一条记录，但内容不同")
    assert "未登记，不能导入它的年度数据" in plan.errors[0].reason
    assert "加计扣除研发费用" in plan.errors[2].reason
    assert snapshot(units) == before


def test_people_roster_by_id_number(units, tmp_path):
    rows = [["姓名", "身份证号码", "工作单位统一社会信用代码", "身份"], ["张三", ID_A, CODE_A, "技术经纪人"]]
    _import(units, xlsx(tmp_path / "p.xlsx", rows))
    rows[1][0] = "张叁"
    plan = preview(units, xlsx(tmp_path / "p2.xlsx", rows))
    assert plan.updated == 1 and "姓名" not in plan.items[0].detail and "张三 → 张叁" in plan.items[0].detail
    commit(units, plan)
    with units.db.session() as s:
        p = s.scalars(select(Person)).one()
        assert (p.name, p.id_number, p.employer.credit_code, p.role) == ("张叁", ID_A, CODE_A, "技术经纪人")
    rec = [["姓名", "身份证号", "认定类型", "认定日期"], ["张叁", ID_A, "优秀农业科技特派员", "2023-09-10"]]
    _import(units, xlsx(tmp_path / "r.xlsx", rec))
    with units.db.session() as s:
        r = s.scalars(select(Recognition)).one()
        assert (r.person_id, r.type_id, r.stage) == (1, "agri_commissioner", "优秀")


def test_platforms_roster(units, tmp_path):
    rows = [
        ["平台名称", "平台类型", "级别", "依托单位统一社会信用代码"],
        ["稀土冶金中试基地", "中试公共服务平台", "市级", CODE_A],
        ["乙机械院士工作站", "院士工作站", "", CODE_B],
        ["丙公司院士工作站", "院士工作站", "市级", CODE_C],
    ]
    plan = preview(units, xlsx(tmp_path / "pl.xlsx", rows))
    # issue 23: a platform row may leave 级别 empty (the level comes from its recognitions)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "D 依托单位统一社会信用代码")]
    del rows[3:]
    _import(units, xlsx(tmp_path / "pl2.xlsx", rows))
    with units.db.session() as s:
        got = [
            (p.name, p.type_id, p.level, p.host_unit_id)
            for p in s.scalars(select(Platform).order_by(Platform.id))
        ]
    assert got == [
        ("稀土冶金中试基地", "pilot_platform", "市级", 1),
        ("乙机械院士工作站", "academician_ws", "", 2),
    ]


def test_xls_from_wps_then_ods_recognitions_end_to_end(app):
    plan = preview(app, FIXTURES / "units_wps.xls")
    assert plan.ok and plan.added == 3, [e.line() for e in plan.errors]
    commit(app, plan)
    with app.db.session() as s:
        got = {(u.name, u.district, u.registered_from) for u in s.scalars(select(Unit))}
    assert ("包头市达茂草业科技有限公司", "达尔罕茂明安联合旗", date(2021, 8, 1)) in got
    assert ("包头市固阳风电设备有限公司", "固阳县", date(2020, 3, 1)) in got
    plan = preview(app, FIXTURES / "hte_2022.ods")
    assert plan.ok and plan.added == 3
    commit(app, plan)
    with app.db.session() as s:
        assert {(r.type_id, r.date, r.valid_until) for r in s.scalars(select(Recognition))} == {
            ("hte", date(2022, 12, 1), date(2025, 12, 1))
        }


def test_formula_errors_are_row_errors(app):
    before = snapshot(app)
    plan = preview(app, FIXTURES / "formulas_na.xlsx")
    assert [(e.row, e.column, e.value) for e in plan.errors] == [(3, "B 统一社会信用代码", "#N/A")]
    assert "公式错误值 #N/A" in plan.errors[0].reason
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "文件是空的"),
        (lambda p: xlsx(p, [["这是一份说明"], ["没有表头"]]), "找不到表头"),
        (lambda p: p.write_bytes((FIXTURES / "password_1234.xlsx").read_bytes()), "密码"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 200), "损坏"),
    ],
    ids=["empty", "no-header", "password", "corrupt"],
)
def test_bad_files_get_a_clear_message_and_change_nothing(units, tmp_path, make, message):
    path = tmp_path / "bad.xlsx"
    make(path)
    before = snapshot(units)
    with pytest.raises(ServiceError, match=message):
        preview(units, path)
    assert snapshot(units) == before


def test_gbk_csv(units, tmp_path):
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值（万元）"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "项目总投资", "12000"],
    ]
    _import(units, csv_file(tmp_path / "f.csv", rows, "gbk"))
    assert _facts(units)[0][2:4] == ("项目总投资", Decimal("120000000"))


def test_template_filled_in_and_imported(app, tmp_path):
    path = write_roster_template(app, "recognitions", tmp_path / "认定模板.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["单位名称", "统一社会信用代码", "身份证号", "平台名称"]
    assert str(ws["A2"].value).startswith("（示例）")
    lists = wb["选项"]
    assert lists.sheet_state == "hidden"
    formulas = {str(dv.sqref)[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    from openpyxl.utils import get_column_letter

    letter = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}
    # 认定类型, 级别, 状态, 旗县区, and the D14 conditions 奖励类别, 第一完成单位, 经我市提名, 工程中心类别
    listed = ("认定类型", "级别", "状态", "旗县区", "奖励类别", "第一完成单位", "经我市提名", "工程中心类别")
    assert set(formulas) == {letter[h] for h in listed}
    assert "证明材料" in headers and headers.index("证明材料") == headers.index("文号") + 1
    first_completer = formulas[letter["第一完成单位"]].split("$")[1]
    assert [c.value for c in lists[first_completer][1:] if c.value] == ["是", "否"]
    district_col = formulas[letter["旗县区"]].split("$")[1]
    title_col = formulas[letter["认定类型"]].split("$")[1]
    titles = [c.value for c in lists[title_col][1:] if c.value]
    # the bureau's own types, one name each: no 乌海 types, no near-duplicates
    assert "高新技术企业" in titles and "国家高新技术企业" not in titles and "高企" not in titles
    assert len(titles) == len(set(titles)) < 60
    districts = [c.value for c in lists[district_col][1:] if c.value]
    assert districts[0] == "昆都仑区" and "稀土高新区" in districts
    plan = preview(app, path)
    assert plan.rows == 0 and not plan.ok  # the example row alone is never imported
    col = {h: i + 1 for i, h in enumerate(headers)}
    ws.cell(row=3, column=col["单位名称"], value="包头市丙科技有限公司")
    ws.cell(row=3, column=col["统一社会信用代码"], value=CODE_C)
    ws.cell(row=3, column=col["认定类型"], value="高新技术企业")
    ws.cell(row=3, column=col["认定日期"], value=date(2023, 11, 20))
    ws.cell(row=3, column=col["旗县区"], value="九原区")
    wb.save(path)
    result = _import(app, path)
    assert result.added == 1 and result.new_units == 1


def test_error_workbook_marks_bad_cells(units, tmp_path):
    rows = units_rows()
    rows[2][3] = "火星区"
    rows.append([3, "", CODE_C, "九原区"])
    plan = preview(units, xlsx(tmp_path / "u.xlsx", rows, title="名录"))
    out = save_error_workbook(plan, tmp_path / "u-错误.xlsx")
    ws = openpyxl.load_workbook(out).active
    assert ws.cell(row=2, column=5).value == "错误说明"
    assert ws.cell(row=4, column=4).fill.fgColor.rgb.endswith("FFC7CE")
    assert "不是包头市的旗县区" in ws.cell(row=4, column=5).value
    assert "D列" in ws.cell(row=4, column=5).value
    assert "单位名称不能为空" in ws.cell(row=5, column=5).value
    assert ws.cell(row=3, column=5).value is None
    csv_plan = preview(
        units, csv_file(tmp_path / "u.csv", rows[1:] if False else units_rows()[:1] + rows[2:])
    )
    out2 = save_error_workbook(csv_plan, tmp_path / "csv-错误.xlsx")
    assert openpyxl.load_workbook(out2).active.cell(row=1, column=5).value == "错误说明"


def test_wide_facts_roster_one_column_per_indicator(units, tmp_path):
    rows = [
        [
            "企业名称",
            "统一社会信用代码",
            "年度",
            "加计扣除研发费用（万元）",
            "企业规模",
            "2022年技术合同登记成交额（元）",
        ],
        ["包头市甲稀土有限公司", CODE_A, 2023, 120.5, "小微企业", "1,000,000"],
        ["包头市乙机械有限公司", CODE_B, 2023, "", "中型", "abc"],
    ]
    plan = preview(units, xlsx(tmp_path / "wide.xlsx", rows, title="2023年度研发投入统计表"))
    assert plan.kind == "facts"
    assert [(e.row, e.column, e.value) for e in plan.errors] == [
        (4, "F 2022年技术合同登记成交额（元）", "abc")
    ]
    rows[2][5] = 2000000
    plan = preview(units, xlsx(tmp_path / "wide2.xlsx", rows))
    assert plan.ok and plan.added == 5
    commit(units, plan)
    assert _facts(units) == [
        (1, 2022, "技术合同登记成交额", Decimal("1000000"), "", "元", ""),
        (1, 2023, "企业规模", None, "小微企业", "", ""),
        (1, 2023, "加计扣除研发费用", Decimal("1205000.0"), "", "元", ""),
        (2, 2022, "技术合同登记成交额", Decimal("2000000"), "", "元", ""),
        (2, 2023, "企业规模", None, "其他企业", "", ""),
    ]


def test_formula_errors_in_title_level_indicator_and_unit_are_row_errors(units, tmp_path):
    """A VLOOKUP that found nothing leaves #N/A in the cell: each is a row error naming its column."""
    before = snapshot(units)
    rows = [
        ["单位名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "文号"],
        ["包头市甲稀土有限公司", CODE_A, "#N/A", "国家", "2023-06-01", "国科火字〔2023〕1号"],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "#N/A", "2023-06-01", "国科火字〔2023〕2号"],
    ]
    plan = preview(units, xlsx(tmp_path / "recs.xlsx", rows), kind="recognitions")
    assert [(e.row, e.column, e.value) for e in plan.errors] == [
        (2, "C 认定类型", "#N/A"),
        (3, "D 级别", "#N/A"),
    ]
    assert all("公式错误值 #N/A" in e.reason for e in plan.errors)
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "#N/A", "356.78", "万元"],
        ["包头市乙机械有限公司", CODE_B, 2023, "加计扣除研发费用", "356.78", "#VALUE!"],
    ]
    plan = preview(units, xlsx(tmp_path / "facts.xlsx", rows), kind="facts")
    assert [(e.row, e.column, e.value) for e in plan.errors] == [
        (2, "D 指标", "#N/A"),
        (3, "F 单位", "#VALUE!"),
    ]
    assert "公式错误值 #VALUE!" in plan.errors[1].reason
    assert snapshot(units) == before
