"""Every rule form on hand-built clauses, amounts asserted to the 分."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kjdesk.policy.model import (
    EntitlementStatus,
    FactCondition,
    Form,
    Level,
    RateTier,
    RecognitionStatus,
)

from .test_engine_builders import clause, entry, fact, keyed, only, plan, policy, rec, run, subject, trig, wan

DUE = EntitlementStatus.DUE

# --- ONE_TIME / ONE_TIME* -----------------------------------------------------------------


def test_one_time_pays_the_amount_in_the_recognition_year() -> None:
    c = clause("T-once", Form.ONE_TIME, trigger=trig("single_champion", Level.NATIONAL), amount_fen=wan(200))
    e = only(run(policy(c), subject([rec(1, "single_champion", Level.NATIONAL, date(2023, 5, 6))])), "T-once")
    assert e.status == DUE
    assert e.total_fen == 200_000_000
    assert plan(e) == [(2023, 200_000_000)]
    assert e.key == "T-once|rec:1"
    assert e.recognition_id == 1


def test_one_time_ignores_other_levels_and_stages() -> None:
    c = clause("T-r", Form.ONE_TIME, trigger=trig("incubator", Level.REGIONAL), amount_fen=wan(50))
    recs = [
        rec(1, "incubator", Level.NATIONAL, date(2023, 1, 1)),
        rec(2, "incubator", Level.REGIONAL, date(2023, 1, 1), stage="培育"),
    ]
    assert run(policy(c), subject(recs)) == []


def test_one_time_star_pays_once_per_subject_and_not_on_re_recognition() -> None:
    c = clause("T-hte", Form.ONE_TIME_STAR, trigger=trig("hte", Level.NATIONAL), amount_fen=wan(30))
    recs = [
        rec(1, "hte", Level.NATIONAL, date(2021, 12, 1)),
        rec(2, "hte", Level.NATIONAL, date(2024, 12, 1)),
    ]
    first, again = run(policy(c), subject(recs))
    assert (first.status, first.total_fen) == (DUE, 30_000_000)
    assert again.status == EntitlementStatus.NOT_ELIGIBLE
    assert again.total_fen == 0
    assert "已享受过本条款支持" in again.explanation[-1]


def test_once_per_assessment_year_pays_each_year_once() -> None:
    c = clause(
        "T-svc",
        Form.ONE_TIME_STAR,
        trigger=trig("service_agency", Level.CITY, stage="优秀"),
        amount_fen=wan(30),
        repeat="once_per_assessment_year",
    )
    recs = [
        rec(1, "service_agency", Level.CITY, date(2022, 3, 1), stage="优秀"),
        rec(2, "service_agency", Level.CITY, date(2022, 9, 1), stage="优秀"),
        rec(3, "service_agency", Level.CITY, date(2023, 3, 1), stage="优秀"),
    ]
    ents = run(policy(c), subject(recs))
    assert [(e.status, e.total_fen) for e in ents] == [
        (DUE, 30_000_000),
        (EntitlementStatus.NOT_ELIGIBLE, 0),
        (DUE, 30_000_000),
    ]


def test_once_per_event_pays_every_renewal() -> None:
    c = clause(
        "T-renew",
        Form.ONE_TIME,
        trigger=trig("academician_ws", Level.CITY, stage="续签"),
        amount_fen=wan(100),
        repeat="once_per_event",
    )
    recs = [
        rec(1, "academician_ws", Level.CITY, date(2022, 6, 1), stage="续签"),
        rec(2, "academician_ws", Level.CITY, date(2025, 6, 1), stage="续签"),
    ]
    assert [e.total_fen for e in run(policy(c), subject(recs))] == [100_000_000, 100_000_000]


def test_requires_valid_hte_on_the_date() -> None:
    c = clause(
        "T-giant",
        Form.ONE_TIME_STAR,
        trigger=trig("little_giant", Level.CITY, requires_valid="hte"),
        amount_fen=wan(50),
    )
    pol = policy(c)
    hte = rec(1, "hte", Level.NATIONAL, date(2019, 11, 1))  # valid 3 years by default: to 2022-11-01
    ok = only(run(pol, subject([hte, rec(2, "little_giant", Level.CITY, date(2022, 10, 31))])), "T-giant")
    assert (ok.status, ok.total_fen) == (DUE, 50_000_000)
    late = only(run(pol, subject([hte, rec(2, "little_giant", Level.CITY, date(2022, 11, 2))])), "T-giant")
    assert late.status == EntitlementStatus.NOT_ELIGIBLE
    assert "高新技术企业" in late.explanation[-1]
    revoked = rec(
        1,
        "hte",
        Level.NATIONAL,
        date(2021, 11, 1),
        status=RecognitionStatus.REVOKED,
        status_date=date(2022, 1, 1),
    )
    gone = only(run(pol, subject([revoked, rec(2, "little_giant", Level.CITY, date(2022, 3, 1))])), "T-giant")
    assert gone.status == EntitlementStatus.NOT_ELIGIBLE


# --- ANNUAL_N_YEARS -----------------------------------------------------------------------


def test_annual_n_years_gives_n_instalments_from_the_recognition_year() -> None:
    c = clause(
        "T-zone",
        Form.ANNUAL_N_YEARS,
        trigger=trig("hitech_zone", Level.REGIONAL),
        amount_fen=wan(300),
        years=3,
    )
    e = only(run(policy(c), subject([rec(1, "hitech_zone", Level.REGIONAL, date(2022, 12, 30))])), "T-zone")
    assert plan(e) == [(2022, 300_000_000), (2023, 300_000_000), (2024, 300_000_000)]
    assert e.total_fen == 900_000_000


def test_annual_first_year_moved_by_the_officer_keeps_count_and_size() -> None:
    c = clause(
        "T-zone",
        Form.ANNUAL_N_YEARS,
        trigger=trig("hitech_zone", Level.REGIONAL),
        amount_fen=wan(300),
        years=3,
    )
    r = rec(1, "hitech_zone", Level.REGIONAL, date(2022, 12, 30), first_year=2023)
    e = only(run(policy(c), subject([r])), "T-zone")
    assert plan(e) == [(2023, 300_000_000), (2024, 300_000_000), (2025, 300_000_000)]
    assert any("首期年度经办人调整为 2023 年" in line for line in e.explanation)


def test_annual_without_n_pays_each_year_of_the_appointment() -> None:
    c = clause(
        "T-comm",
        Form.ANNUAL_N_YEARS,
        trigger=trig("industrial_commissioner", Level.CITY),
        amount_fen=wan(30),
        years=0,
        repeat="once_per_event",
    )
    r = rec(1, "industrial_commissioner", Level.CITY, date(2022, 3, 1), valid_until=date(2024, 2, 28))
    e = only(run(policy(c), subject([r])), "T-comm")
    assert plan(e) == [(2022, 30_000_000), (2023, 30_000_000)]


def test_annual_without_n_and_without_validity_runs_to_the_current_year() -> None:
    c = clause(
        "T-park",
        Form.ANNUAL_N_YEARS,
        trigger=trig("agri_park", Level.NATIONAL),
        amount_fen=wan(1000),
        years=0,
    )
    e = only(
        run(
            policy(c),
            subject([rec(1, "agri_park", Level.NATIONAL, date(2023, 4, 1))]),
            as_of=date(2025, 1, 10),
        ),
        "T-park",
    )
    assert [y for y, _ in plan(e)] == [2023, 2024, 2025]


def test_annual_without_n_stops_at_revocation() -> None:
    c = clause(
        "T-park",
        Form.ANNUAL_N_YEARS,
        trigger=trig("agri_park", Level.NATIONAL),
        amount_fen=wan(1000),
        years=0,
    )
    r = rec(
        1,
        "agri_park",
        Level.NATIONAL,
        date(2022, 4, 1),
        status=RecognitionStatus.REVOKED,
        status_date=date(2024, 6, 1),
    )
    e = only(run(policy(c), subject([r]), as_of=date(2026, 1, 1)), "T-park")
    assert plan(e) == [(2022, 1_000_000_000), (2023, 1_000_000_000)]
    assert [i.year for i in e.instalments if i.cancelled_reason] == [2024, 2025, 2026]


# --- floors (D5) ---------------------------------------------------------------------------


def _floor_clause() -> object:
    return clause(
        "T-ntic",
        Form.ANNUAL_N_YEARS,
        trigger=trig("tic", Level.NATIONAL),
        amount_fen=wan(3000),
        is_floor=True,
        years=5,
        entered=True,
    )


def test_floor_defaults_to_the_floor() -> None:
    e = only(
        run(policy(_floor_clause()), subject([rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))])), "T-ntic"
    )
    assert plan(e) == [(y, 3_000_000_000) for y in range(2022, 2027)]
    assert e.total_fen == 15_000_000_000


def test_floor_entered_higher_amount_replaces_that_year() -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))
    ents = [entry(9, "T-ntic", 2023, wan(3000) + 1, recognition_id=1)]
    e = only(run(policy(_floor_clause()), subject([r], entered=ents)), "T-ntic")
    assert plan(e)[1] == (2023, 3_000_000_001)
    assert e.total_fen == 15_000_000_001


def test_floor_entered_one_fen_below_is_refused() -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))
    ents = [entry(9, "T-ntic", 2023, wan(3000) - 1)]
    e = only(run(policy(_floor_clause()), subject([r], entered=ents)), "T-ntic")
    assert e.status == EntitlementStatus.NOT_ELIGIBLE
    assert e.total_fen == 0
    assert "低于下限" in e.explanation[-1]


def test_floor_entered_exactly_the_floor_is_accepted() -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))
    e = only(
        run(policy(_floor_clause()), subject([r], entered=[entry(9, "T-ntic", 2022, wan(3000))])), "T-ntic"
    )
    assert e.status == DUE
    assert e.total_fen == 15_000_000_000


# --- RATE_WITH_CAP ---------------------------------------------------------------------------


def _voucher(**kw: object) -> object:
    base = {
        "rate": Decimal("0.5"),
        "base_fact": "仪器共享费用",
        "cap_fen": wan(30),
        "cap_scope": "per_year",
        "repeat": "per_year",
    }
    base.update(kw)
    return clause("T-voucher", Form.RATE_WITH_CAP, **base)


@pytest.mark.parametrize(
    ("cost_yuan", "expected_fen"),
    [
        ("123456.78", 6_172_839),  # 61,728.39 元
        ("0.01", 1),  # half a 分 rounds up
        ("599999.98", 29_999_999),
        ("600000.00", 30_000_000),  # exactly at the cap
        ("600000.02", 30_000_000),  # one 分 of award over the cap
        ("5000000", 30_000_000),
    ],
)
def test_rate_with_cap_per_year(cost_yuan: str, expected_fen: int) -> None:
    e = only(run(policy(_voucher()), subject(facts=[fact(1, 2023, "仪器共享费用", cost_yuan)])), "T-voucher")
    assert e.total_fen == expected_fen
    assert plan(e) == [(2023, expected_fen)]
    assert e.key == "T-voucher|year:2023"


def test_rate_with_cap_says_when_the_cap_applies() -> None:
    e = only(run(policy(_voucher()), subject(facts=[fact(1, 2023, "仪器共享费用", "700000")])), "T-voucher")
    assert any("超过上限" in line and "按 30万元计" in line for line in e.explanation)
    assert any("仪器共享费用 2023 年 700,000.00 元 × 50%" in line for line in e.explanation)


def test_rate_per_item_caps_each_contract() -> None:
    c = clause(
        "T-patent",
        Form.RATE_WITH_CAP,
        rate=Decimal("0.5"),
        base_fact="技术交易额",
        per_item=True,
        cap_fen=wan(200),
        cap_scope="per_item",
        repeat="once_per_event",
    )
    facts = [
        fact(1, 2023, "技术交易额", "3000000", item_ref="HT-1"),
        fact(2, 2023, "技术交易额", "5000000", item_ref="HT-2"),
    ]
    ents = run(policy(c), subject(facts=facts))
    assert {e.key: e.total_fen for e in ents} == {
        "T-patent|item:HT-1|2023": 1_500_000_00,
        "T-patent|item:HT-2|2023": 200_000_000,
    }


def test_rate_per_subject_total_subtracts_earlier_years() -> None:
    c = clause(
        "T-talent",
        Form.RATE_WITH_CAP,
        beneficiary="person",
        rate=Decimal("0.3"),
        base_fact="纳税劳动报酬",
        base_year_offset=-1,
        cap_fen=wan(10),
        cap_scope="per_subject_total",
        repeat="per_year",
    )
    facts = [
        fact(1, 2022, "纳税劳动报酬", "200000"),
        fact(2, 2023, "纳税劳动报酬", "200000"),
        fact(3, 2024, "纳税劳动报酬", "200000"),
    ]
    ents = run(policy(c), subject(facts=facts))
    assert [(e.key, e.total_fen) for e in ents] == [
        ("T-talent|year:2023", 6_000_000),
        ("T-talent|year:2024", 4_000_000),
        ("T-talent|year:2025", 0),
    ]
    assert ents[2].status == EntitlementStatus.NOT_ELIGIBLE


def _attract(cid: str, rate: str, cap: int, op: str) -> object:
    return clause(
        cid,
        Form.RATE_WITH_CAP,
        beneficiary="project",
        rate=Decimal(rate),
        base_fact="年度实际投资",
        per_item=True,
        condition=FactCondition("项目总投资", op, Decimal("100000000")),
        cap_fen=wan(cap),
        cap_scope="per_item",
        repeat="per_year",
    )


@pytest.mark.parametrize(
    ("total_yuan", "winner", "expected_fen"),
    [
        ("100000000", "T-ge", 150_000_000),
        ("99999999.99", "T-lt", 90_000_000),
        ("250000000", "T-ge", 150_000_000),
    ],
)
def test_condition_tiers_split_at_exactly_one_yi(total_yuan: str, winner: str, expected_fen: int) -> None:
    pol = policy(_attract("T-ge", "0.05", 300, ">="), _attract("T-lt", "0.03", 200, "<"))
    facts = [
        fact(1, 2023, "项目总投资", total_yuan, item_ref="XM-1"),
        fact(2, 2023, "年度实际投资", "30000000", item_ref="XM-1"),
    ]
    ents = run(pol, subject(facts=facts))
    assert [(e.clause_id, e.total_fen) for e in ents] == [(winner, expected_fen)]


def test_attract_cap_is_per_project_per_year() -> None:
    pol = policy(_attract("T-ge", "0.05", 300, ">="))
    facts = [
        fact(1, 2023, "项目总投资", "500000000", item_ref="XM-1"),
        fact(2, 2023, "年度实际投资", "80000000", item_ref="XM-1"),
        fact(3, 2024, "年度实际投资", "80000000", item_ref="XM-1"),
    ]
    assert [e.total_fen for e in run(pol, subject(facts=facts))] == [300_000_000, 300_000_000]


# --- TIERED_RATE ----------------------------------------------------------------------------


def _rd() -> object:
    return clause(
        "T-rd",
        Form.TIERED_RATE,
        tiers=(
            RateTier(Decimal("0.05"), fact="企业规模", equals="小微企业", label="小微企业"),
            RateTier(Decimal("0.03"), label="其他企业"),
        ),
        base_fact="加计扣除研发费用",
        base_year_offset=-1,
        cap_fen=wan(200),
        cap_scope="per_year",
        repeat="per_year",
    )


def test_tiered_rate_small_firm_five_percent_paid_next_year() -> None:
    facts = [fact(1, 2023, "加计扣除研发费用", "12345678"), fact(2, 2023, "企业规模", text="小微企业")]
    e = only(run(policy(_rd()), subject(facts=facts)), "T-rd")
    assert e.total_fen == 61_728_390
    assert plan(e) == [(2024, 61_728_390)]
    assert e.key == "T-rd|year:2024"
    assert any(
        "加计扣除研发费用 2023 年 12,345,678.00 元 × 5%（小微企业）= 617,283.90 元" in line
        for line in e.explanation
    )


def test_tiered_rate_other_firm_three_percent_and_size_of_the_base_year() -> None:
    facts = [
        fact(1, 2023, "加计扣除研发费用", "10000000.50"),
        fact(2, 2023, "企业规模", text="其他企业"),
        fact(3, 2024, "企业规模", text="小微企业"),
    ]
    e = only(run(policy(_rd()), subject(facts=facts)), "T-rd")
    assert e.total_fen == 30_000_002  # 300,000.015 元 rounds half-up to 300,000.02


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("40000000", 200_000_000),
        ("40000000.20", 200_000_000),
        ("39999999.80", 199_999_999),
        ("39999999.90", 200_000_000),
    ],
)
def test_tiered_rate_cap_edge(base: str, expected: int) -> None:
    facts = [fact(1, 2023, "加计扣除研发费用", base), fact(2, 2023, "企业规模", text="小微企业")]
    assert only(run(policy(_rd()), subject(facts=facts)), "T-rd").total_fen == expected


def test_tiered_rate_without_size_takes_the_default_tier_and_says_so() -> None:
    e = only(run(policy(_rd()), subject(facts=[fact(1, 2023, "加计扣除研发费用", "1000000")])), "T-rd")
    assert e.total_fen == 3_000_000
    assert any("按“其他企业”档计" in line for line in e.explanation)


# --- STEP_INCREMENT -------------------------------------------------------------------------


def _rank() -> object:
    return clause(
        "T-rank",
        Form.STEP_INCREMENT,
        beneficiary="park",
        base_fact="高新区年度位次",
        base_year_offset=-1,
        step_size=Decimal(5),
        step_amount_fen=wan(500),
        lower_is_better=True,
        repeat="per_year",
    )


@pytest.mark.parametrize(
    ("prev", "cur", "expected"),
    [(80, 75, 500_000_000), (80, 76, 0), (80, 66, 1_000_000_000), (80, 58, 2_000_000_000), (70, 75, 0)],
)
def test_ranking_steps(prev: int, cur: int, expected: int) -> None:
    facts = [fact(1, 2022, "高新区年度位次", prev), fact(2, 2023, "高新区年度位次", cur)]
    e = keyed(run(policy(_rank()), subject(facts=facts)), "T-rank|year:2024")
    assert e.total_fen == expected
    assert e.key == "T-rank|year:2024"
    assert e.status == (DUE if expected else EntitlementStatus.NOT_ELIGIBLE)


def _registry() -> object:
    return clause(
        "T-reg",
        Form.STEP_INCREMENT,
        beneficiary="registry",
        base_fact="技术合同登记成交额",
        base_year_offset=-1,
        step_size=Decimal("50000000"),
        step_amount_fen=wan(20),
        cap_fen=wan(100),
        cap_scope="per_year",
        repeat="per_year",
    )


@pytest.mark.parametrize(
    ("increase", "expected"),
    [
        ("49999999.99", 0),
        ("50000000", 20_000_000),
        ("149999999", 40_000_000),
        ("249999999.99", 80_000_000),
        ("250000000", 100_000_000),
        ("900000000", 100_000_000),
        ("0", 0),
        ("-10000000", 0),
    ],
)
def test_registry_steps_with_cap_per_year(increase: str, expected: int) -> None:
    prev = Decimal("300000000")
    facts = [
        fact(1, 2022, "技术合同登记成交额", prev),
        fact(2, 2023, "技术合同登记成交额", prev + Decimal(increase)),
    ]
    e = keyed(run(policy(_registry()), subject(facts=facts)), "T-reg|year:2024")
    assert e.total_fen == expected


def test_registry_first_year_without_previous_figure_pays_nothing() -> None:
    e = only(
        run(policy(_registry()), subject(facts=[fact(1, 2023, "技术合同登记成交额", "900000000")])), "T-reg"
    )
    assert e.status == EntitlementStatus.NOT_ELIGIBLE
    assert "缺少 2022 年" in e.explanation[-1]


# --- MATCHING -------------------------------------------------------------------------------


def _award(**kw: object) -> object:
    base = {
        "trigger": trig("national_sci_award", Level.NATIONAL),
        "base_fact": "奖金额度",
        "match_ratio_min": Decimal(1),
        "entered": True,
        "repeat": "once_per_event",
    }
    base.update(kw)
    return clause("T-award", Form.MATCHING, **base)


def test_matching_award_defaults_to_the_prize_money() -> None:
    subj = subject(
        [rec(1, "national_sci_award", Level.NATIONAL, date(2023, 6, 1))],
        facts=[fact(1, 2023, "奖金额度", "150000.50")],
    )
    e = only(run(policy(_award()), subj), "T-award")
    assert (e.status, e.total_fen) == (DUE, 15_000_050)


def test_matching_without_the_base_fact_waits() -> None:
    e = only(
        run(policy(_award()), subject([rec(1, "national_sci_award", Level.NATIONAL, date(2023, 6, 1))])),
        "T-award",
    )
    assert (e.status, e.total_fen) == (EntitlementStatus.AWAITING_AMOUNT, 0)


def test_matching_equal_amount_refuses_more_when_a_max_ratio_is_set() -> None:
    subj = subject(
        [rec(1, "national_sci_award", Level.NATIONAL, date(2023, 6, 1))],
        facts=[fact(1, 2023, "奖金额度", "150000")],
        entered=[entry(5, "T-award", 2023, 15_000_001, recognition_id=1)],
    )
    assert (
        only(run(policy(_award(match_ratio_max=Decimal(1))), subj), "T-award").status
        == EntitlementStatus.NOT_ELIGIBLE
    )
    assert only(run(policy(_award()), subj), "T-award").total_fen == 15_000_001


def _regional_match() -> object:
    return clause(
        "T-match",
        Form.MATCHING,
        beneficiary="project",
        trigger=trig("regional_project", Level.REGIONAL),
        base_fact="自治区项目资助额",
        per_item=True,
        match_ratio_min=Decimal(1),
        entered=True,
        repeat="once_per_event",
    )


@pytest.mark.parametrize(
    ("entered_fen", "status", "total"),
    [
        (None, DUE, 50_000_000),
        (50_000_000, DUE, 50_000_000),
        (60_000_000, DUE, 60_000_000),
        (49_999_999, EntitlementStatus.NOT_ELIGIBLE, 0),
    ],
)
def test_matching_at_least_one_to_one(entered_fen: int | None, status: EntitlementStatus, total: int) -> None:
    r = rec(1, "regional_project", Level.REGIONAL, date(2022, 5, 1), doc_number="内科发〔2022〕7号")
    ents = [] if entered_fen is None else [entry(3, "T-match", 2022, entered_fen, recognition_id=1)]
    subj = subject(
        [r], facts=[fact(1, 2022, "自治区项目资助额", "500000", item_ref="内科发〔2022〕7号")], entered=ents
    )
    e = only(run(policy(_regional_match()), subj), "T-match")
    assert (e.status, e.total_fen) == (status, total)


def test_matching_without_base_or_trigger_is_one_entitlement_per_entered_amount() -> None:
    c = clause("T-zone-match", Form.MATCHING, entered=True, repeat="once_per_event")
    subj = subject(entered=[entry(1, "T-zone-match", 2023, wan(80)), entry(2, "T-zone-match", 2024, wan(20))])
    ents = run(policy(c), subj)
    assert [(e.key, e.total_fen) for e in ents] == [
        ("T-zone-match|entered:1", 80_000_000),
        ("T-zone-match|entered:2", 20_000_000),
    ]


# --- DISCRETIONARY / non-cash ---------------------------------------------------------------


def test_discretionary_waits_for_an_amount_then_takes_it() -> None:
    c = clause("T-wh", Form.DISCRETIONARY, trigger=trig("hte", Level.NATIONAL), entered=True)
    r = rec(1, "hte", Level.NATIONAL, date(2023, 3, 3))
    waiting = only(run(policy(c), subject([r])), "T-wh")
    assert (waiting.status, waiting.total_fen, waiting.instalments) == (
        EntitlementStatus.AWAITING_AMOUNT,
        0,
        (),
    )
    paid = only(
        run(policy(c), subject([r], entered=[entry(1, "T-wh", 2023, wan(10), recognition_id=1)])), "T-wh"
    )
    assert (paid.status, paid.total_fen, plan(paid)) == (DUE, 10_000_000, [(2023, 10_000_000)])
    assert paid.key == waiting.key


def test_discretionary_yearly_standard_prefills() -> None:
    c = clause("T-wh", Form.DISCRETIONARY, trigger=trig("hte", Level.NATIONAL), entered=True)
    pol = policy(c, settings={"yearly_standards": {"T-wh": {"2023": "10"}}})
    assert (
        only(run(pol, subject([rec(1, "hte", Level.NATIONAL, date(2023, 3, 3))])), "T-wh").total_fen
        == 10_000_000
    )


@pytest.mark.parametrize(
    ("amount", "status"), [(wan(1000), DUE), (wan(1000) + 1, EntitlementStatus.NOT_ELIGIBLE)]
)
def test_discretionary_cap_is_enforced(amount: int, status: EntitlementStatus) -> None:
    c = clause("T-park", Form.DISCRETIONARY, entered=True, cap_fen=wan(1000), cap_scope="per_event")
    e = only(run(policy(c), subject(entered=[entry(1, "T-park", 2023, amount)])), "T-park")
    assert e.status == status


def test_entered_amount_without_basis_is_refused() -> None:
    c = clause("T-park", Form.DISCRETIONARY, entered=True)
    e = only(run(policy(c), subject(entered=[entry(1, "T-park", 2023, wan(5), basis="")])), "T-park")
    assert e.status == EntitlementStatus.NOT_ELIGIBLE
    assert "依据" in e.explanation[-1]


@pytest.mark.parametrize("form", [Form.TAX, Form.PRIORITY, Form.OTHER])
def test_non_cash_clauses_never_create_money(form: Form) -> None:
    c = clause("T-nc", form, trigger=trig("hte", Level.NATIONAL), amount_fen=wan(30), cash=False)
    assert run(policy(c), subject([rec(1, "hte", Level.NATIONAL, date(2023, 1, 1))])) == []


def test_other_with_an_agreement_amount_is_entered() -> None:
    c = clause("T-nrdi", Form.OTHER, trigger=trig("nrdi"), entered=True, repeat="once_per_event")
    r = rec(1, "nrdi", Level.REGIONAL, date(2023, 1, 1))
    assert only(run(policy(c), subject([r])), "T-nrdi").status == EntitlementStatus.AWAITING_AMOUNT
    e = only(
        run(policy(c), subject([r], entered=[entry(1, "T-nrdi", 2023, wan(800), recognition_id=1)])), "T-nrdi"
    )
    assert e.total_fen == 800_000_000


def test_matching_base_is_the_item_named_by_the_recognition_document() -> None:
    recs = [
        rec(1, "regional_project", Level.REGIONAL, date(2022, 5, 1), doc_number="内科发〔2022〕7号"),
        rec(2, "regional_project", Level.REGIONAL, date(2022, 6, 1), doc_number="内科发〔2022〕8号"),
    ]
    facts = [
        fact(1, 2022, "自治区项目资助额", "500000", item_ref="内科发〔2022〕7号"),
        fact(2, 2022, "自治区项目资助额", "300000", item_ref="内科发〔2022〕8号"),
    ]
    ents = run(policy(_regional_match()), subject(recs, facts=facts))
    assert [(e.key, e.total_fen) for e in ents] == [
        ("T-match|rec:1", 50_000_000),
        ("T-match|rec:2", 30_000_000),
    ]


def test_matching_with_ambiguous_unnamed_items_waits() -> None:
    r = rec(1, "regional_project", Level.REGIONAL, date(2022, 5, 1), doc_number="内科发〔2022〕7号")
    facts = [
        fact(1, 2022, "自治区项目资助额", "500000", item_ref="XM-A"),
        fact(2, 2022, "自治区项目资助额", "300000", item_ref="XM-B"),
    ]
    e = only(run(policy(_regional_match()), subject([r], facts=facts)), "T-match")
    assert (e.status, e.total_fen) == (EntitlementStatus.AWAITING_AMOUNT, 0)


def test_a_negative_base_pays_nothing() -> None:
    e = only(run(policy(_voucher()), subject(facts=[fact(1, 2023, "仪器共享费用", "-500")])), "T-voucher")
    assert (e.status, e.total_fen, e.instalments) == (EntitlementStatus.NOT_ELIGIBLE, 0, ())


def test_an_entered_amount_without_its_recognition_is_flagged() -> None:
    c = clause("T-wh", Form.DISCRETIONARY, trigger=trig("hte", Level.NATIONAL), entered=True)
    r = rec(1, "hte", Level.NATIONAL, date(2023, 3, 3))
    ents = run(policy(c), subject([r], entered=[entry(7, "T-wh", 2024, wan(10), recognition_id=99)]))
    assert [(e.key, e.status) for e in ents] == [
        ("T-wh|rec:1", EntitlementStatus.AWAITING_AMOUNT),
        ("T-wh|entered:7", EntitlementStatus.NOT_ELIGIBLE),
    ]
    assert "记录号 99" in ents[1].explanation[-1]
    (lone,) = run(policy(c), subject(entered=[entry(7, "T-wh", 2024, wan(10))]))
    assert lone.status == EntitlementStatus.NOT_ELIGIBLE


def test_floor_entry_outside_the_schedule_and_fixed_entry_are_flagged() -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))
    ents = run(
        policy(_floor_clause()), subject([r], entered=[entry(4, "T-ntic", 2030, wan(4000), recognition_id=1)])
    )
    assert [(e.key, e.status) for e in ents] == [
        ("T-ntic|rec:1", DUE),
        ("T-ntic|entered:4", EntitlementStatus.NOT_ELIGIBLE),
    ]
    c = clause("T-once", Form.ONE_TIME, trigger=trig("single_champion", Level.NATIONAL), amount_fen=wan(200))
    subj = subject(
        [rec(1, "single_champion", Level.NATIONAL, date(2023, 5, 6))], entered=[entry(5, "T-once", 2023, 1)]
    )
    fixed, flagged = run(policy(c), subj)
    assert fixed.total_fen == 200_000_000
    assert "金额固定" in flagged.explanation[-1]
