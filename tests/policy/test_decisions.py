"""The Part I decisions D1–D13 on hand-built clauses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kjdesk.policy.engine import compute_entitlements
from kjdesk.policy.model import EntitlementStatus, Form, Level, RecognitionStatus

from .test_engine_builders import (
    EFFECTIVE,
    clause,
    entry,
    fact,
    keyed,
    only,
    plan,
    policy,
    rec,
    run,
    subject,
    trig,
    wan,
)

DUE = EntitlementStatus.DUE
EXCLUDED = EntitlementStatus.EXCLUDED


def _kl_ladder():
    return policy(
        clause(
            "K-r", Form.ONE_TIME, trigger=trig("kl", Level.REGIONAL), amount_fen=wan(50), exclusion_group="kl"
        ),
        clause(
            "K-n",
            Form.ANNUAL_N_YEARS,
            trigger=trig("kl", Level.NATIONAL),
            amount_fen=wan(1000),
            years=5,
            exclusion_group="kl",
        ),
        clause(
            "K-incub", Form.ONE_TIME, trigger=trig("kl", Level.NATIONAL, stage="培育"), amount_fen=wan(200)
        ),
    )


# --- D1 -----------------------------------------------------------------------------------


def test_d1_same_year_two_levels_pays_only_the_highest() -> None:
    recs = [rec(1, "kl", Level.REGIONAL, date(2023, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2023, 11, 1))]
    ents = run(_kl_ladder(), subject(recs))
    low, high = only(ents, "K-r"), only(ents, "K-n")
    assert (low.status, low.total_fen, low.winner_clause_id) == (EXCLUDED, 0, "K-n")
    assert "不重复享受" in low.explanation[-1]
    assert (high.status, high.total_fen, high.deducted_fen) == (DUE, 5_000_000_000, 0)


def test_d1_later_upgrade_pays_the_difference_from_the_earliest_instalments() -> None:
    recs = [rec(1, "kl", Level.REGIONAL, date(2022, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2024, 5, 1))]
    ents = run(_kl_ladder(), subject(recs))
    assert only(ents, "K-r").total_fen == 50_000_000
    high = only(ents, "K-n")
    assert high.deducted_fen == 50_000_000
    assert high.total_fen == 4_950_000_000
    assert plan(high) == [(2024, 950_000_000)] + [(y, 1_000_000_000) for y in range(2025, 2029)]
    assert any("本次补差" in line and "K-r" in line for line in high.explanation)


def test_d1_difference_larger_than_one_instalment_spills_into_the_next() -> None:
    pol = policy(
        clause(
            "A-low",
            Form.ONE_TIME,
            trigger=trig("tic", Level.REGIONAL),
            amount_fen=wan(500),
            exclusion_group="tic",
        ),
        clause(
            "A-high",
            Form.ANNUAL_N_YEARS,
            trigger=trig("tic", Level.NATIONAL),
            amount_fen=wan(300),
            years=3,
            exclusion_group="tic",
        ),
    )
    recs = [rec(1, "tic", Level.REGIONAL, date(2022, 1, 5)), rec(2, "tic", Level.NATIONAL, date(2023, 1, 5))]
    high = only(run(pol, subject(recs)), "A-high")
    assert plan(high) == [(2023, 0), (2024, 100_000_000), (2025, 300_000_000)]
    assert (high.total_fen, high.deducted_fen) == (400_000_000, 500_000_000)


def test_d1_later_lower_recognition_pays_nothing() -> None:
    recs = [rec(1, "kl", Level.NATIONAL, date(2022, 2, 1)), rec(2, "kl", Level.REGIONAL, date(2023, 5, 1))]
    ents = run(_kl_ladder(), subject(recs))
    low = only(ents, "K-r")
    assert (low.status, low.total_fen, low.winner_clause_id) == (EXCLUDED, 0, "K-n")
    assert "已享受同等或更高支持" in low.explanation[-1]
    assert only(ents, "K-n").total_fen == 5_000_000_000


def test_d1_later_equal_recognition_pays_nothing() -> None:
    pol = policy(
        clause(
            "H-cert",
            Form.ONE_TIME_STAR,
            trigger=trig("hte", Level.NATIONAL),
            amount_fen=wan(30),
            exclusion_group="hte",
        ),
        clause(
            "H-move",
            Form.ONE_TIME,
            trigger=trig("hte_relocate", Level.NATIONAL, requires_valid="hte"),
            amount_fen=wan(30),
            exclusion_group="hte",
        ),
    )
    recs = [
        rec(1, "hte", Level.NATIONAL, date(2021, 10, 1)),
        rec(2, "hte_relocate", Level.NATIONAL, date(2022, 6, 1)),
    ]
    ents = run(pol, subject(recs))
    assert only(ents, "H-cert").total_fen == 30_000_000
    assert only(ents, "H-move").status == EXCLUDED


def test_d1_cultivation_is_outside_the_group_and_both_pay() -> None:
    recs = [
        rec(1, "kl", Level.NATIONAL, date(2022, 2, 1), stage="培育"),
        rec(2, "kl", Level.NATIONAL, date(2023, 5, 1)),
    ]
    ents = run(_kl_ladder(), subject(recs))
    assert only(ents, "K-incub").total_fen == 200_000_000
    assert only(ents, "K-n").total_fen == 5_000_000_000


def _tic_group():
    common = {
        "is_floor": True,
        "years": 5,
        "entered": True,
        "exclusion_group": "tic",
        "amount_fen": wan(3000),
    }
    return policy(
        clause("BT-02-re-tic", Form.ANNUAL_N_YEARS, trigger=trig("re_tic", Level.NATIONAL), **common),
        clause("BT-08-ntic", Form.ANNUAL_N_YEARS, trigger=trig("tic", Level.NATIONAL), **common),
    )


def test_d1_re_tic_with_ntic_same_year_pays_once() -> None:
    recs = [
        rec(1, "re_tic", Level.NATIONAL, date(2022, 3, 1)),
        rec(2, "tic", Level.NATIONAL, date(2022, 3, 1)),
    ]
    ents = run(_tic_group(), subject(recs))
    assert only(ents, "BT-02-re-tic").total_fen == 15_000_000_000
    ntic = only(ents, "BT-08-ntic")
    assert (ntic.status, ntic.winner_clause_id) == (EXCLUDED, "BT-02-re-tic")


def test_d1_re_tic_entered_higher_than_ntic_wins_the_same_year() -> None:
    recs = [
        rec(1, "re_tic", Level.NATIONAL, date(2022, 3, 1)),
        rec(2, "tic", Level.NATIONAL, date(2022, 3, 1)),
    ]
    ents = [entry(1, "BT-08-ntic", 2022, wan(3500), recognition_id=2)]
    out = run(_tic_group(), subject(recs, entered=ents))
    assert only(out, "BT-08-ntic").total_fen == 15_500_000_000
    assert only(out, "BT-02-re-tic").winner_clause_id == "BT-08-ntic"


def test_d1_later_ntic_after_re_tic_pays_nothing() -> None:
    recs = [
        rec(1, "re_tic", Level.NATIONAL, date(2022, 3, 1)),
        rec(2, "tic", Level.NATIONAL, date(2024, 3, 1)),
    ]
    out = run(_tic_group(), subject(recs))
    assert only(out, "BT-08-ntic").status == EXCLUDED


def test_d1_assessment_groups_are_judged_per_assessment_year() -> None:
    common = {"repeat": "once_per_assessment_year", "exclusion_group": "nrdi"}
    pol = policy(
        clause(
            "N-ex",
            Form.ONE_TIME_STAR,
            trigger=trig("nrdi", Level.REGIONAL, stage="优秀"),
            amount_fen=wan(2000),
            **common,
        ),
        clause(
            "N-good",
            Form.ONE_TIME_STAR,
            trigger=trig("nrdi", Level.REGIONAL, stage="良好"),
            amount_fen=wan(1000),
            **common,
        ),
    )
    recs = [
        rec(1, "nrdi", Level.REGIONAL, date(2022, 4, 1), stage="优秀"),
        rec(2, "nrdi", Level.REGIONAL, date(2023, 4, 1), stage="良好"),
        rec(3, "nrdi", Level.REGIONAL, date(2024, 4, 1), stage="优秀"),
    ]
    ents = run(pol, subject(recs))
    assert [(e.clause_id, e.total_fen, e.deducted_fen) for e in ents] == [
        ("N-ex", 2_000_000_000, 0),
        ("N-ex", 2_000_000_000, 0),
        ("N-good", 1_000_000_000, 0),
    ]


def test_d1_city_assessment_repeats_yearly_and_the_upgrade_pays_the_level_difference() -> None:
    pol = policy(
        clause(
            "I-n",
            Form.ONE_TIME,
            trigger=trig("incubator", Level.NATIONAL),
            amount_fen=wan(200),
            exclusion_group="inc",
        ),
        clause(
            "I-r",
            Form.ONE_TIME,
            trigger=trig("incubator", Level.REGIONAL),
            amount_fen=wan(50),
            exclusion_group="inc",
        ),
        clause(
            "I-city",
            Form.ONE_TIME,
            trigger=trig("incubator", Level.CITY, stage="优秀"),
            amount_fen=wan(30),
            repeat="once_per_assessment_year",
            exclusion_group="inc",
        ),
    )
    recs = [
        rec(1, "incubator", Level.CITY, date(2022, 3, 1), stage="优秀"),
        rec(2, "incubator", Level.CITY, date(2023, 3, 1), stage="优秀"),
        rec(3, "incubator", Level.REGIONAL, date(2024, 3, 1)),
        rec(4, "incubator", Level.NATIONAL, date(2025, 3, 1)),
    ]
    got = {e.key: (e.total_fen, e.deducted_fen) for e in run(pol, subject(recs))}
    assert got == {
        "I-city|rec:1": (30_000_000, 0),
        "I-city|rec:2": (30_000_000, 0),
        "I-r|rec:3": (20_000_000, 30_000_000),
        "I-n|rec:4": (150_000_000, 50_000_000),
    }


def test_d1_can_be_switched_off_by_the_catalog() -> None:
    recs = [rec(1, "kl", Level.REGIONAL, date(2023, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2023, 11, 1))]
    pol = _kl_ladder()
    pol = type(pol)(document=pol.document, clauses=pol.clauses, settings={"exclusion_within_policy": False})
    ents = run(pol, subject(recs))
    assert only(ents, "K-r").total_fen == 50_000_000
    assert only(ents, "K-n").total_fen == 5_000_000_000


# --- D3 -----------------------------------------------------------------------------------


def _twice():
    return policy(
        clause(
            "S-twice",
            Form.ONE_TIME_STAR,
            trigger=trig("tsme", Level.NATIONAL, consecutive=2),
            amount_fen=wan(5),
        )
    )


def test_d3_consecutive_entries_across_the_effective_date_pay_once() -> None:
    recs = [
        rec(1, "tsme", Level.NATIONAL, date(2020, 5, 1)),
        rec(2, "tsme", Level.NATIONAL, date(2021, 9, 1)),
        rec(3, "tsme", Level.NATIONAL, date(2022, 5, 1)),
    ]
    ents = run(_twice(), subject(recs))
    paid = keyed(ents, "S-twice|rec:2")
    assert (paid.status, paid.total_fen, plan(paid)) == (DUE, 5_000_000, [(2021, 5_000_000)])
    assert keyed(ents, "S-twice|rec:3").status == EntitlementStatus.NOT_ELIGIBLE
    assert sum(e.total_fen for e in ents) == 5_000_000


def test_d3_first_entry_must_be_in_force_when_the_catalog_says_so() -> None:
    recs = [
        rec(1, "tsme", Level.NATIONAL, date(2020, 5, 1)),
        rec(2, "tsme", Level.NATIONAL, date(2021, 9, 1)),
    ]
    pol = _twice()
    strict = type(pol)(pol.document, pol.clauses, settings={"consecutive_first_may_precede_effective": False})
    (e,) = run(strict, subject(recs))
    assert (e.status, e.total_fen) == (EntitlementStatus.NO_POLICY, 0)


def test_d3_second_entry_before_the_effective_date_is_no_policy() -> None:
    recs = [
        rec(1, "tsme", Level.NATIONAL, date(2020, 5, 1)),
        rec(2, "tsme", Level.NATIONAL, date(2021, 8, 13)),
    ]
    (e,) = run(_twice(), subject(recs))
    assert e.status == EntitlementStatus.NO_POLICY


def test_d3_gap_year_breaks_the_chain() -> None:
    recs = [
        rec(1, "tsme", Level.NATIONAL, date(2021, 9, 1)),
        rec(2, "tsme", Level.NATIONAL, date(2023, 5, 1)),
    ]
    assert run(_twice(), subject(recs)) == []


# --- D4 -----------------------------------------------------------------------------------


def test_d4_revocation_after_two_paid_years_cancels_the_rest() -> None:
    c = clause("Z", Form.ANNUAL_N_YEARS, trigger=trig("kl", Level.NATIONAL), amount_fen=wan(1000), years=5)
    r = rec(
        1,
        "kl",
        Level.NATIONAL,
        date(2022, 6, 1),
        status=RecognitionStatus.REVOKED,
        status_date=date(2024, 3, 1),
    )
    e = only(run(policy(c), subject([r])), "Z")
    assert plan(e) == [(2022, 1_000_000_000), (2023, 1_000_000_000)]
    cancelled = [(i.year, i.cancelled_reason) for i in e.instalments if i.cancelled_reason]
    assert [y for y, _ in cancelled] == [2024, 2025, 2026]
    assert all("撤销" in why and "2024-03-01" in why for _, why in cancelled)
    assert e.total_fen == 2_000_000_000
    assert e.status == DUE


def test_d4_move_out_cancels_later_years_with_that_reason() -> None:
    c = clause("Z", Form.ANNUAL_N_YEARS, trigger=trig("kl", Level.NATIONAL), amount_fen=wan(1000), years=5)
    e = only(
        run(policy(c), subject([rec(1, "kl", Level.NATIONAL, date(2022, 6, 1))], moved_out=date(2024, 3, 1))),
        "Z",
    )
    assert [y for y, _ in plan(e)] == [2022, 2023]
    assert all("迁出" in i.cancelled_reason for i in e.instalments if i.year >= 2024)


def test_d4_cancel_same_year_setting() -> None:
    c = clause("Z", Form.ANNUAL_N_YEARS, trigger=trig("kl", Level.NATIONAL), amount_fen=wan(1000), years=5)
    r = rec(
        1,
        "kl",
        Level.NATIONAL,
        date(2022, 6, 1),
        status=RecognitionStatus.EXPIRED,
        status_date=date(2023, 2, 1),
    )
    e = only(run(policy(c, settings={"cancel_same_year_instalment": False}), subject([r])), "Z")
    assert plan(e) == [(2022, 1_000_000_000), (2023, 1_000_000_000)]
    e = only(run(policy(c), subject([r])), "Z")
    assert plan(e) == [(2022, 1_000_000_000)]


def test_d4_one_time_revoked_before_its_year_is_cancelled() -> None:
    c = clause("O", Form.ONE_TIME, trigger=trig("kl", Level.REGIONAL), amount_fen=wan(50))
    r = rec(
        1,
        "kl",
        Level.REGIONAL,
        date(2022, 6, 1),
        first_year=2024,
        status=RecognitionStatus.REVOKED,
        status_date=date(2023, 1, 1),
    )
    e = only(run(policy(c), subject([r])), "O")
    assert (e.status, e.total_fen) == (EntitlementStatus.CANCELLED, 0)


# --- D10 ----------------------------------------------------------------------------------


def test_d10_one_day_before_the_effective_date_is_no_policy() -> None:
    c = clause("O", Form.ONE_TIME, trigger=trig("incubator", Level.NATIONAL), amount_fen=wan(200))
    before = rec(1, "incubator", Level.NATIONAL, date(2021, 8, 13))
    (e,) = run(policy(c), subject([before]))
    assert (e.status, e.total_fen, e.instalments) == (EntitlementStatus.NO_POLICY, 0, ())
    assert e.explanation[-1] == "结论：无适用政策（早于施行日期）"
    (on_day,) = run(policy(c), subject([rec(1, "incubator", Level.NATIONAL, EFFECTIVE)]))
    assert (on_day.status, on_day.total_fen) == (DUE, 200_000_000)


def test_d10_subject_must_be_in_the_city_on_the_date() -> None:
    c = clause("O", Form.ONE_TIME, trigger=trig("incubator", Level.NATIONAL), amount_fen=wan(200))
    r = rec(1, "incubator", Level.NATIONAL, date(2022, 5, 1))
    (early,) = run(policy(c), subject([r], registered_from=date(2022, 5, 2)))
    assert early.status == EntitlementStatus.NOT_ELIGIBLE
    (gone,) = run(policy(c), subject([r], moved_out=date(2022, 5, 1)))
    assert gone.status == EntitlementStatus.NOT_ELIGIBLE
    (ok,) = run(policy(c), subject([r], registered_from=date(2022, 5, 1)))
    assert ok.status == DUE


def test_d10_status_support_clause_starts_in_the_effective_year() -> None:
    c = clause(
        "Zone", Form.ANNUAL_N_YEARS, trigger=trig("zizhu_zone", Level.NATIONAL), amount_fen=wan(5000), years=5
    )
    pol = policy(c, settings={"status_support_clauses": ["Zone"]})
    e = only(run(pol, subject([rec(1, "zizhu_zone", Level.NATIONAL, date(2018, 2, 1))])), "Zone")
    assert [y for y, _ in plan(e)] == [2021, 2022, 2023, 2024, 2025]
    assert only(
        run(policy(c), subject([rec(1, "zizhu_zone", Level.NATIONAL, date(2018, 2, 1))])), "Zone"
    ).status == (EntitlementStatus.NO_POLICY)


def test_d10_fact_years_before_the_policy_are_no_policy() -> None:
    c = clause(
        "V",
        Form.RATE_WITH_CAP,
        rate=Decimal("0.5"),
        base_fact="仪器共享费用",
        cap_fen=wan(30),
        repeat="per_year",
    )
    ents = run(
        policy(c),
        subject(facts=[fact(1, 2020, "仪器共享费用", "1000"), fact(2, 2021, "仪器共享费用", "1000")]),
    )
    assert [(e.key, e.status) for e in ents] == [
        ("V|year:2020", EntitlementStatus.NO_POLICY),
        ("V|year:2021", DUE),
    ]


# --- D12, D13, keys -----------------------------------------------------------------------


def test_d12_renewal_and_new_station_each_pay() -> None:
    pol = policy(
        clause("W-new", Form.ONE_TIME, trigger=trig("academician_ws", Level.CITY), amount_fen=wan(200)),
        clause(
            "W-renew",
            Form.ONE_TIME,
            trigger=trig("academician_ws", Level.CITY, stage="续签"),
            amount_fen=wan(100),
            repeat="once_per_event",
        ),
    )
    recs = [
        rec(1, "academician_ws", Level.CITY, date(2021, 9, 1)),
        rec(2, "academician_ws", Level.CITY, date(2024, 9, 1), stage="续签"),
        rec(3, "academician_ws", Level.CITY, date(2027, 9, 1), stage="续签"),
    ]
    assert [(e.clause_id, e.total_fen) for e in run(pol, subject(recs))] == [
        ("W-new", 200_000_000),
        ("W-renew", 100_000_000),
        ("W-renew", 100_000_000),
    ]


def test_d13_rounding_half_up_once_at_the_end() -> None:
    c = clause("R", Form.RATE_WITH_CAP, rate=Decimal("0.3"), base_fact="纳税劳动报酬", repeat="per_year")
    # 0.05 元 × 30% = 1.5 分 → 2 分 (one rounding; rounding the 元 first would give 0)
    (e,) = run(policy(c), subject(facts=[fact(1, 2022, "纳税劳动报酬", "0.05")]))
    assert e.total_fen == 2


def test_keys_are_stable_across_recomputations() -> None:
    recs = [rec(1, "kl", Level.REGIONAL, date(2022, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2024, 5, 1))]
    first = [e.key for e in compute_entitlements(_kl_ladder(), subject(recs), as_of=date(2025, 1, 1))]
    again = [e.key for e in compute_entitlements(_kl_ladder(), subject(recs[::-1]), as_of=date(2026, 1, 1))]
    assert first == again == ["K-r|rec:1", "K-n|rec:2"]


def test_explanation_names_clause_quote_record_and_readings() -> None:
    c = clause(
        "BT-X",
        Form.ONE_TIME,
        trigger=trig("kl", Level.REGIONAL),
        amount_fen=wan(50),
        article="（八）",
        title="自治区级重点实验室",
        readings=("按本系统口径：测试口径（D1）",),
    )
    (e,) = run(
        policy(c), subject([rec(1, "kl", Level.REGIONAL, date(2022, 2, 1), doc_number="内科发〔2022〕3号")])
    )
    text = "\n".join(e.explanation)
    for needle in (
        "BT-X",
        "（八）",
        "自治区级重点实验室",
        "“BT-X 的原文”",
        "内科发〔2022〕3号",
        "2022-02-01",
        "500,000.00 元",
    ):
        assert needle in text
    assert e.explanation[-1] == "按本系统口径：测试口径（D1）"
