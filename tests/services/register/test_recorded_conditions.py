"""D14 and D6 through the services: roster columns, forms' services, approval, the CLI's verbs.

“工商注册和纳税所在地均在我市” (包头（十二）): the tax seat is recorded on the unit — imported as the
roster column 纳税地在本市 or set like the other fields — and the item waits (须核实) until it is.
“上年度符合税法规定已进行加计扣除的研发费用” (包头（五）): a column or indicator named after the
加计扣除额 is refused for this fact, with the difference in words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import ServiceError, ValidationFailed
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.imports import commit, preview
from kjdesk.services.register import conditions, get_unit
from kjdesk.services.register.condition_edits import set_recognition_conditions, set_unit_conditions
from kjdesk.services.register.records import FactInput, RecognitionInput, add_recognition, upsert_fact
from kjdesk.store.models import Entitlement, Unit
from tests.rosters import CODE_A, CODE_B, CODE_C, xlsx
from tests.services.disbursement.disbursement_data import officers


def _import(app, path):  # noqa: ANN001, ANN202
    plan = preview(app, path)
    assert plan.ok, [e.line() for e in plan.errors]
    return commit(app, plan)


def _statuses(app, clause_id: str) -> dict[int, tuple[str, int]]:  # noqa: ANN001
    with app.db.session() as s:
        rows = s.scalars(select(Entitlement).where(Entitlement.clause_id == clause_id))
        return {e.unit_id: (e.status, e.total_fen) for e in rows}


UNITS = [
    ["单位名称", "统一社会信用代码", "旗县区", "纳税地在本市"],
    ["包头市甲稀土有限公司", CODE_A, "昆都仑区", "是"],
    ["包头市乙机械有限公司", CODE_B, "稀土高新区", ""],
    ["包头市丙公司", CODE_C, "青山区", "否"],
]
PURCHASES = [
    ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位", "事项编号"],
    ["包头市甲稀土有限公司", CODE_A, 2023, "技术交易额", "100", "万元", "HT-1"],
    ["包头市乙机械有限公司", CODE_B, 2023, "技术交易额", "100", "万元", "HT-2"],
    ["包头市丙公司", CODE_C, 2023, "技术交易额", "100", "万元", "HT-3"],
]


def test_tax_seat_column_records_the_condition_and_the_item_follows(app, tmp_path):
    """纳税地在本市 是 → 应享; blank → 须核实 with nothing to plan; 否 → 不符合条件."""
    _import(app, xlsx(tmp_path / "units.xlsx", UNITS))
    with app.db.session() as s:
        recorded = {u.credit_code: u.conditions for u in s.scalars(select(Unit))}
    assert recorded == {
        CODE_A: '{"tax_seat_in_city": "是"}',
        CODE_B: "",
        CODE_C: '{"tax_seat_in_city": "否"}',
    }
    _import(app, xlsx(tmp_path / "facts.xlsx", PURCHASES))
    got = _statuses(app, "BT-12-patent-purchase")
    assert got == {1: ("应享", 50_000_000), 2: ("须核实", 0), 3: ("不符合条件", 0)}
    # a second roster that names only unit B's tax seat: a blank cell keeps what is recorded
    again = [UNITS[0], UNITS[1][:3] + [""], UNITS[2][:3] + ["是"]]
    plan = preview(app, xlsx(tmp_path / "units2.xlsx", again))
    assert [(i.action, i.detail) for i in plan.items] == [
        ("不变", ""),
        ("更新", '登记条件：（空） → {"tax_seat_in_city": "是"}'),
    ]
    commit(app, plan)
    assert _statuses(app, "BT-12-patent-purchase")[2] == ("应享", 50_000_000)


def test_a_condition_cell_outside_its_choices_is_a_row_error(app, tmp_path):
    rows = [UNITS[0], ["包头市甲稀土有限公司", CODE_A, "昆都仑区", "大概是"]]
    plan = preview(app, xlsx(tmp_path / "u.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "D 纳税地在本市")]
    assert plan.errors[0].reason == "纳税地在本市“大概是”无法识别（可选：是、否）"


@pytest.mark.parametrize("name", ["研发费用加计扣除额", "加计扣除额", "研发费用加计扣除金额", "加计扣除金额"])
def test_an_indicator_named_after_the_deduction_is_refused_with_the_difference(app, tmp_path, name):
    """“加计扣除额” is the extra 75%/100% deduction, not the expense the text pays on."""
    _import(app, xlsx(tmp_path / "units.xlsx", UNITS))
    rows = [PURCHASES[0], ["包头市甲稀土有限公司", CODE_A, 2023, name, "356.78", "万元", ""]]
    plan = preview(app, xlsx(tmp_path / "f.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "D 指标")]
    reason = plan.errors[0].reason
    assert reason.startswith(
        f"“{name}”在税务口径中指研发费用按 75% 或 100% 额外扣除的金额（加计扣除额），不是研发费用本身"
    )
    assert "请改用指标“加计扣除研发费用”" in reason


def test_a_wide_column_named_after_the_deduction_is_refused_cell_by_cell(app, tmp_path):
    _import(app, xlsx(tmp_path / "units.xlsx", UNITS))
    rows = [
        ["企业名称", "统一社会信用代码", "年度", "研发费用加计扣除额（万元）", "加计扣除研发费用（万元）"],
        ["包头市甲稀土有限公司", CODE_A, 2023, 10, 40],
    ]
    plan = preview(app, xlsx(tmp_path / "wide.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "D 研发费用加计扣除额（万元）")]
    assert "不是研发费用本身" in plan.errors[0].reason
    ok = [rows[0][:3] + [rows[0][4]], rows[1][:3] + [40]]
    _import(app, xlsx(tmp_path / "wide2.xlsx", ok))
    with app.db.session() as s:
        from kjdesk.store.models import Fact

        assert [(f.indicator, f.value) for f in s.scalars(select(Fact))] == [
            ("加计扣除研发费用", Decimal("400000"))
        ]


def test_a_fact_entered_under_the_deduction_name_is_refused(app, tmp_path):
    _import(app, xlsx(tmp_path / "units.xlsx", UNITS))
    with pytest.raises(ValidationFailed) as caught:
        upsert_fact(app, FactInput(SubjectKind.UNIT, 1, 2023, "研发费用加计扣除额", Decimal(1)))
    assert "不是研发费用本身" in caught.value.errors["indicator"]


def test_recognition_conditions_through_the_form_service_and_the_cli_verb(wuhai_app, tmp_path):
    """“对经我市提名并获得自治区科学技术进步奖的第一完成单位，给予一定支持”."""
    app = wuhai_app
    rows = [["单位名称", "统一社会信用代码", "旗县区"], ["乌海甲公司", CODE_A, "海勃湾区"]]
    _import(app, xlsx(tmp_path / "units.xlsx", rows))
    rec = add_recognition(
        app,
        RecognitionInput(
            SubjectKind.UNIT,
            1,
            "regional_sci_award",
            "自治区",
            date(2023, 5, 10),
            title="自治区科学技术进步奖",
            conditions=conditions.encode({"first_completer": "是"}),
        ),
    )
    assert _statuses(app, "WH-18-r-sci-award") == {1: ("须核实", 0)}
    with pytest.raises(ValidationFailed) as caught:
        set_recognition_conditions(app, rec.id, {"city_nominated": "也许"})
    assert caught.value.errors["conditions"] == "“经我市提名”只能填写：是、否（填写的是“也许”）"
    row = set_recognition_conditions(app, rec.id, {"city_nominated": "是"})
    assert conditions.decode(row.conditions) == {"city_nominated": "是", "first_completer": "是"}
    assert row.title == "自治区科学技术进步奖"  # the title the category is read from is kept
    assert _statuses(app, "WH-18-r-sci-award") == {1: ("待录入金额", 0)}
    set_recognition_conditions(app, rec.id, {"first_completer": "否"})
    assert _statuses(app, "WH-18-r-sci-award") == {1: ("不符合条件", 0)}


def test_an_approved_item_whose_condition_is_cleared_cannot_be_approved(app, tmp_path):
    """While a condition is unknown the item “cannot be approved”: a proposed instalment whose
    entitlement turns 须核实 is refused by the 复核人, with the reason."""
    who = officers(app)
    _import(app, xlsx(tmp_path / "units.xlsx", UNITS[:2]))
    _import(app, xlsx(tmp_path / "facts.xlsx", PURCHASES[:2]))
    batch = propose_batch(who["jb1"], 2023)
    set_unit_conditions(app, CODE_A, {"tax_seat_in_city": ""})
    assert get_unit(app, 1).conditions == ""
    with pytest.raises(ServiceError) as caught:
        approve_batch(who["fh1"], batch.id)
    assert "（BT-12-patent-purchase）须核实：工商注册和纳税所在地均在我市" in str(caught.value)


def test_wuhai_platform_target_counts_every_regional_platform_type(wuhai_app, tmp_path):
    """“到2025年，新增各类自治区级创新平台10家”: a 自治区级 孵化器 and a 自治区级 国际科技合作基地
    count as well as the five types （七） names; a 国家级 one does not (a 自治区级 target)."""
    from kjdesk.services.disbursement.indicators import target_progress
    from kjdesk.services.register import PlatformInput, add_platform

    app = wuhai_app
    _import(
        app,
        xlsx(
            tmp_path / "units.xlsx",
            [["单位名称", "统一社会信用代码", "旗县区"], ["乌海甲公司", CODE_A, "海勃湾区"]],
        ),
    )
    for n, (type_id, level) in enumerate(
        (("incubator", "自治区"), ("intl_base", "自治区"), ("kl", "自治区"), ("incubator", "国家")), start=1
    ):
        p = add_platform(app, PlatformInput(f"平台{n}", type_id, level, 1))
        add_recognition(app, RecognitionInput(SubjectKind.PLATFORM, p.id, type_id, level, date(2023, 3, n)))
    target = next(t for t in target_progress(app, date(2025, 6, 30)) if t.id == "WH-T-07-r-platforms")
    assert target.current == 3


def test_importing_a_figure_again_confirms_it(app, tmp_path):
    """D6: a figure marked 须核实 that the officer imports again (same value or corrected) is confirmed."""
    from sqlalchemy import update

    from kjdesk.store.models import Fact

    _import(app, xlsx(tmp_path / "units.xlsx", UNITS))
    rows = [PURCHASES[0], ["包头市甲稀土有限公司", CODE_A, 2023, "加计扣除研发费用", "356.78", "万元", ""]]
    _import(app, xlsx(tmp_path / "f.xlsx", rows))
    with app.db.session() as s:
        s.execute(update(Fact).values(to_verify="原指标名已更名，请核对"))
    plan = preview(app, xlsx(tmp_path / "f2.xlsx", rows))
    assert [(i.action, i.detail) for i in plan.items] == [("更新", "须核实：原指标名已更名，请核对 → （空）")]
    commit(app, plan)
    with app.db.session() as s:
        assert [f.to_verify for f in s.scalars(select(Fact))] == [""]
