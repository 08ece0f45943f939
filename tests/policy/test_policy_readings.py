"""The readings of issue 21 on the real catalogs: D1 floors, D2 一次性, D6 base, D14 conditions.

Each test quotes, in its docstring, the sentence of the policy text it holds the program to.
"""

from __future__ import annotations

from datetime import date

import pytest

from kjdesk.policy.catalog import load_builtin
from kjdesk.policy.engine import Availability, eligibility
from kjdesk.policy.model import EntitlementStatus, Level

from .test_engine_builders import entry, fact, keyed, only, plan, rec, run, subject, wan

DUE = EntitlementStatus.DUE
AWAIT = EntitlementStatus.AWAITING_AMOUNT
VERIFY = EntitlementStatus.TO_VERIFY
REFUSED = EntitlementStatus.NOT_ELIGIBLE
N, R, C = Level.NATIONAL, Level.REGIONAL, Level.CITY
BT, WH = load_builtin("baotou"), load_builtin("wuhai")


def _text(ent) -> str:  # noqa: ANN001 - Entitlement
    return "\n".join(ent.explanation)


# --- D1 as amended: a top-up never breaks a floor -------------------------------------------


def test_floor_ladder_regional_500_then_national_floor_pays_500_plus_15000() -> None:
    """“获批建设自治区技术创新中心，一次性给予 500 万元资金支持” then “获批建设国家技术创新中心，
    每年给予不低于 3000 万元资金支持，连续支持 5 年”: the floors are paid in full, the 500 stays
    paid, nothing is deducted — 500 + 15,000 in all."""
    recs = [rec(1, "tic", R, date(2022, 3, 1)), rec(2, "tic", N, date(2023, 6, 1))]
    ents = run(BT, subject(recs))
    regional, national = only(ents, "BT-08-r-tic"), only(ents, "BT-08-ntic")
    assert (regional.status, regional.total_fen) == (DUE, wan(500))
    assert national.status == DUE
    assert plan(national) == [(y, wan(3000)) for y in range(2023, 2028)]
    assert (national.total_fen, national.deducted_fen) == (wan(15000), 0)
    assert regional.total_fen + national.total_fen == wan(15500)
    text = _text(national)
    assert "是下限（D5），只能扣减各期超出下限的部分" in text
    assert "其余 5,000,000.00 元（500万元） 不扣减" in text


def test_floor_ladder_deducts_only_what_an_instalment_holds_above_its_floor() -> None:
    """“每年给予不低于 3000 万元”: an approved 3200 in the first year holds 200 above its floor;
    only that 200 of the earlier 500 can be deducted, the rest is not deducted."""
    recs = [rec(1, "tic", R, date(2022, 3, 1)), rec(2, "tic", N, date(2023, 6, 1))]
    approved = [entry(1, "BT-08-ntic", 2023, wan(3200), recognition_id=2)]
    national = only(run(BT, subject(recs, entered=approved)), "BT-08-ntic")
    assert plan(national) == [(2023, wan(3000))] + [(y, wan(3000)) for y in range(2024, 2028)]
    assert (national.total_fen, national.deducted_fen) == (wan(15000), wan(200))
    assert "可扣减 2,000,000.00 元（200万元），其余 3,000,000.00 元（300万元） 不扣减" in _text(national)


def test_fixed_ladder_regional_50_then_national_1000_a_year_pays_5000_in_all() -> None:
    """“认定为自治区级…重点实验室…分别一次性给予 50 万元后补助资金支持” then “获批建设国家重点
    实验室…每年分别给予 1000 万元资金支持，连续支持 5 年”: a fixed yearly amount is not a floor,
    the 50 is taken off the first instalment — 5,000 in all."""
    recs = [rec(1, "kl", R, date(2022, 3, 1)), rec(2, "kl", N, date(2024, 3, 1))]
    ents = run(BT, subject(recs))
    regional, national = only(ents, "BT-08-r-kl"), only(ents, "BT-08-nkl")
    assert plan(national) == [(2024, wan(950))] + [(y, wan(1000)) for y in range(2025, 2029)]
    assert regional.total_fen + national.total_fen == wan(5000)
    assert "本条为固定金额，不是下限，已享受金额从最早的拨付期起扣减（D1）" in _text(national)


# --- D2: 一次性 in an assessment item ------------------------------------------------------


@pytest.mark.parametrize(
    ("clause_id", "type_id", "amount"),
    [("BT-09-city-incubator", "incubator", 30), ("BT-17-agri-commissioner", "agri_commissioner", 20)],
)
def test_one_time_assessment_pays_a_lump_sum_per_assessment_and_says_so(clause_id, type_id, amount) -> None:
    """“…且考核为优秀等次，一次性给予 30 万元后补助资金支持” / “评为包头市优秀农业科技特派员的，
    一次性给予 20 万元后补助资金支持”: a lump sum for that assessment, again for a later one."""
    recs = [
        rec(1, type_id, C, date(2022, 12, 1), stage="优秀"),
        rec(2, type_id, C, date(2023, 12, 1), stage="优秀"),
    ]
    ents = [e for e in run(BT, subject(recs)) if e.clause_id == clause_id]
    assert [(e.status, e.total_fen) for e in ents] == [(DUE, wan(amount)), (DUE, wan(amount))]
    assert "原文“一次性给予”指对 2022 年度这一次考核（评选）结果一次性给予，不是每个主体终身一次" in _text(
        ents[0]
    )


# --- D6: the base by its right name --------------------------------------------------------


def test_rd_base_is_the_expense_that_was_deducted_by_its_name() -> None:
    """“上年度符合税法规定已进行加计扣除的研发费用”: the base is fact 加计扣除研发费用, the expense
    itself; a figure under the old name 研发费用加计扣除额 is not the base and pays nothing."""
    clause = BT.clause("BT-05-rd-expense")
    assert clause.base_fact == "加计扣除研发费用"
    facts = [fact(1, 2023, "加计扣除研发费用", "10000000"), fact(2, 2023, "企业规模", text="小微企业")]
    e = keyed(run(BT, subject(facts=facts)), "BT-05-rd-expense|year:2024")
    assert (e.status, e.total_fen) == (DUE, 50_000_000)
    assert "计算：加计扣除研发费用 2023 年 10,000,000.00 元 × 5%（小微企业）" in _text(e)
    old = [fact(1, 2023, "研发费用加计扣除额", "10000000")]
    assert [x for x in run(BT, subject(facts=old)) if x.clause_id == clause.id] == []


def test_a_figure_marked_to_verify_holds_its_item_back() -> None:
    """D6 migration: “values kept under the new name, each such fact marked 须核实 with the reason”:
    the entitlement says what it will be and cannot be planned until the figure is confirmed."""
    why = "原指标名已更名，请核对"
    facts = [fact(1, 2023, "加计扣除研发费用", "10000000", to_verify=why)]
    e = keyed(run(BT, subject(facts=facts)), "BT-05-rd-expense|year:2024")
    assert (e.status, e.total_fen, e.instalments) == (VERIFY, 0, ())
    text = _text(e)
    assert f"须核实：2023 年加计扣除研发费用（记录号 1）——{why}" in text
    assert "核实后应享：300,000.00 元（30万元）（2024 年拨付）" in text


# --- D14: conditions recorded, not assumed -------------------------------------------------


def _priority(attributes=()):  # noqa: ANN001, ANN202
    statuses = eligibility(BT, subject([rec(1, "hte", N, date(2023, 5, 10))], attributes=tuple(attributes)))
    return next(s for s in statuses if s.clause_id == "BT-06-hte-priority")


def test_hte_priority_field_unknown_met_and_not_met() -> None:
    """“电子新材料、生物医药、医疗器械等高技术产业领域的国家高新技术企业给予优先培育重点支持”:
    a 高企 of another or unrecorded field is 须核实; a named field or a recorded 是 qualifies;
    a recorded 否 is 不符合条件."""
    unknown = _priority([("industry", "机械制造")])
    assert unknown.availability == Availability.VERIFY
    assert "须核实：电子新材料、生物医药、医疗器械等高技术产业领域" in unknown.reasons[-1]
    assert _priority([("industry", "生物医药")]).availability == Availability.NON_CASH
    recorded = _priority([("industry", "新能源"), ("high_tech_field", "是")])
    assert recorded.availability == Availability.NON_CASH
    assert any("可按本条享受" in r for r in recorded.reasons)
    no = _priority([("industry", "新能源"), ("high_tech_field", "否")])
    assert no.availability == Availability.REFUSED
    assert "不符合条件：不符合“电子新材料、生物医药、医疗器械等高技术产业领域”" in no.reasons[-1]


def _award(**attrs: str):  # noqa: ANN202
    r = rec(
        1,
        "regional_sci_award",
        R,
        date(2023, 5, 10),
        title="自治区科学技术奖",
        attributes=tuple(sorted(attrs.items())),
    )
    paid = [entry(1, "WH-18-r-sci-award", 2023, wan(10), recognition_id=1)]
    return only(run(WH, subject([r], entered=paid)), "WH-18-r-sci-award")


def test_regional_award_conditions_unknown_met_and_not_met() -> None:
    """“对经我市提名并获得自治区科学技术进步奖的第一完成单位，给予一定支持”: 进步奖, 第一完成单位
    and 经我市提名 must each be recorded; unknown → 须核实, any not met → 不符合条件."""
    met = _award(award_category="科学技术进步奖", first_completer="是", city_nominated="是")
    assert (met.status, met.total_fen) == (DUE, wan(10))
    unknown = _award(award_category="科学技术进步奖", first_completer="是")
    assert (unknown.status, unknown.total_fen, unknown.instalments) == (VERIFY, 0, ())
    assert "结论：须核实：经我市提名；核实前不列入拨付计划，不能审批" in unknown.explanation
    nothing = _award()
    assert "须核实：自治区科学技术进步奖；第一完成单位；经我市提名" in _text(nothing)
    for attrs, words in (
        (
            {"award_category": "自然科学奖", "first_completer": "是", "city_nominated": "是"},
            "自治区科学技术进步奖",
        ),
        (
            {"award_category": "科学技术进步奖", "first_completer": "否", "city_nominated": "是"},
            "第一完成单位",
        ),
        ({"award_category": "科学技术进步奖", "first_completer": "是", "city_nominated": "否"}, "经我市提名"),
    ):
        no = _award(**attrs)
        assert (no.status, no.total_fen) == (REFUSED, 0)
        assert f"结论：不符合条件——不符合“{words}”" in _text(no)


def test_regional_award_category_is_read_from_the_title_when_it_says() -> None:
    """“自治区科学技术进步奖”: a recognition titled so needs no separate 奖励类别."""
    r = rec(
        1,
        "regional_sci_award",
        R,
        date(2023, 5, 10),
        title="自治区科学技术进步奖",
        attributes=(("city_nominated", "是"), ("first_completer", "是")),
    )
    e = only(run(WH, subject([r])), "WH-18-r-sci-award")
    assert e.status == AWAIT
    assert "奖励类别：科学技术进步奖（认定名称“自治区科学技术进步奖”），符合" in _text(e)


@pytest.mark.parametrize("clause_id", ["BT-12-patent-purchase", "BT-12-tech-equity"])
def test_bt12_tax_seat_unknown_met_and_not_met(clause_id: str) -> None:
    """“工商注册和纳税所在地均在我市”: the tax seat is recorded, not implied by registration."""
    indicator, item = {
        "BT-12-patent-purchase": ("技术交易额", "HT-1"),
        "BT-12-tech-equity": ("技术入股作价", "RG-1"),
    }[clause_id]
    facts = [fact(1, 2023, indicator, "1000000", item_ref=item)]
    key = f"{clause_id}|item:{item}|2023"

    def one(attrs):  # noqa: ANN001, ANN202
        return keyed(run(BT, subject(facts=facts, attributes=attrs)), key)

    unknown = one(())
    assert (unknown.status, unknown.total_fen) == (VERIFY, 0)
    assert "须核实：工商注册和纳税所在地均在我市" in _text(unknown)
    assert "核实后应享：500,000.00 元（50万元）（2023 年拨付）" in _text(unknown)
    met = one((("tax_seat_in_city", "是"),))
    assert (met.status, met.total_fen) == (DUE, 50_000_000)
    no = one((("tax_seat_in_city", "否"),))
    assert (no.status, no.total_fen) == (REFUSED, 0)
    assert "纳税地在本市为“否”" in _text(no)


@pytest.mark.parametrize("clause_id", ["WH-07-n-etrc", "WH-07-r-etrc"])
def test_wuhai_etrc_is_the_science_series_only(clause_id: str) -> None:
    """乌海（七）“对新获批的国家、自治区级重点实验室、工程技术研究中心…给予一定支持”: 工程技术
    研究中心 only — 发改委's 工程研究中心 is not it; an undecidable title is 须核实."""
    level = N if clause_id == "WH-07-n-etrc" else R
    word = "国家" if level == N else "自治区"

    def one(title: str, attrs=()):  # noqa: ANN001, ANN202
        r = rec(1, "erc", level, date(2023, 5, 10), title=title, attributes=attrs)
        return only(run(WH, subject([r])), clause_id)

    assert one(f"{word}工程技术研究中心").status == AWAIT
    ndrc = one(f"{word}工程研究中心")
    assert (ndrc.status, ndrc.total_fen) == (REFUSED, 0)
    assert "工程中心类别为“工程研究中心”" in _text(ndrc)
    assert one(f"{word}级工程（技术）研究中心").status == VERIFY
    assert one(f"{word}级工程（技术）研究中心", (("erc_series", "工程技术研究中心"),)).status == AWAIT
    assert one("", (("erc_series", "工程研究中心"),)).status == REFUSED


def test_baotou_erc_alias_stays() -> None:
    """包头（八）“国家级工程（技术）研究中心”: both series trigger BT-08-nerc (D12), no condition."""
    for title in ("国家工程研究中心", "国家工程技术研究中心"):
        r = rec(1, "erc", N, date(2023, 5, 10), title=title)
        assert only(run(BT, subject([r])), "BT-08-nerc").total_fen == wan(5000)


def test_wuhai_platform_target_counts_every_regional_platform_type() -> None:
    """“到2025年，新增各类自治区级创新平台10家”: every 自治区级 platform type counts (D14)."""
    target = next(t for t in WH.targets if t.id == "WH-T-07-r-platforms")
    assert target.all_platform_types
