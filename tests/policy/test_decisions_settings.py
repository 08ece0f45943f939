"""The catalog's [settings] switch the readings of Part I; the engine holds no constant for them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kjdesk.policy.model import EntitlementStatus, Form, Level

from .test_engine_builders import clause, entry, fact, only, plan, policy, rec, run, subject, trig, wan

DUE = EntitlementStatus.DUE
LADDER = (
    clause(
        "L-r", Form.ONE_TIME, trigger=trig("kl", Level.REGIONAL), amount_fen=wan(50), exclusion_group="kl"
    ),
    clause(
        "L-n",
        Form.ANNUAL_N_YEARS,
        trigger=trig("kl", Level.NATIONAL),
        amount_fen=wan(30),
        years=3,
        exclusion_group="kl",
    ),
)
UPGRADE = [rec(1, "kl", Level.REGIONAL, date(2022, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2023, 2, 1))]
FLOOR = clause(
    "F",
    Form.ANNUAL_N_YEARS,
    trigger=trig("tic", Level.NATIONAL),
    amount_fen=wan(3000),
    is_floor=True,
    years=2,
)


def test_deduct_from_latest() -> None:
    high = only(run(policy(*LADDER, settings={"deduct_from": "latest"}), subject(UPGRADE)), "L-n")
    assert plan(high) == [(2023, 30_000_000), (2024, 10_000_000), (2025, 0)]
    assert high.deducted_fen == 50_000_000


def test_upgrade_in_full_when_difference_is_off() -> None:
    high = only(run(policy(*LADDER, settings={"upgrade_pays_difference": False}), subject(UPGRADE)), "L-n")
    assert (high.total_fen, high.deducted_fen) == (90_000_000, 0)


def test_lower_still_pays_when_the_setting_says_so() -> None:
    recs = [rec(1, "kl", Level.NATIONAL, date(2022, 2, 1)), rec(2, "kl", Level.REGIONAL, date(2023, 2, 1))]
    low = only(run(policy(*LADDER, settings={"equal_or_lower_pays_nothing": False}), subject(recs)), "L-r")
    assert (low.status, low.total_fen) == (DUE, 50_000_000)


def test_same_year_both_pay_when_the_setting_is_off() -> None:
    recs = [rec(1, "kl", Level.REGIONAL, date(2023, 2, 1)), rec(2, "kl", Level.NATIONAL, date(2023, 9, 1))]
    ents = run(policy(*LADDER, settings={"same_year_highest_only": False}), subject(recs))
    assert [e.status for e in ents] == [DUE, DUE]


def test_schedule_first_year_next_year_and_no_officer_deferral() -> None:
    r = rec(1, "kl", Level.NATIONAL, date(2022, 2, 1), first_year=2025)
    e = only(run(policy(LADDER[1], settings={"schedule_first_year": "next_year"}), subject([r])), "L-n")
    assert [y for y, _ in plan(e)] == [2025, 2026, 2027]
    e = only(run(policy(LADDER[1], settings={"officer_may_defer_first_year": False}), subject([r])), "L-n")
    assert [y for y, _ in plan(e)] == [2022, 2023, 2024]


def test_floor_without_default_waits_for_the_approved_amount() -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 2, 1))
    e = only(run(policy(FLOOR, settings={"floor_default_is_floor": False}), subject([r])), "F")
    assert (e.status, e.total_fen) == (EntitlementStatus.AWAITING_AMOUNT, 0)
    ents = [
        entry(1, "F", 2022, wan(3100), recognition_id=1),
        entry(2, "F", 2023, wan(3000), recognition_id=1),
    ]
    e = only(run(policy(FLOOR, settings={"floor_default_is_floor": False}), subject([r], entered=ents)), "F")
    assert e.total_fen == wan(6100)


def test_city_registration_check_can_be_switched_off() -> None:
    c = clause("O", Form.ONE_TIME, trigger=trig("incubator", Level.NATIONAL), amount_fen=wan(200))
    subj = subject([rec(1, "incubator", Level.NATIONAL, date(2022, 5, 1))], registered_from=date(2023, 1, 1))
    assert only(run(policy(c), subj), "O").status == EntitlementStatus.NOT_ELIGIBLE
    assert only(run(policy(c, settings={"require_registered_in_city": False}), subj), "O").status == DUE


def test_matching_exact_when_exceeding_is_not_allowed() -> None:
    c = clause(
        "M",
        Form.MATCHING,
        trigger=trig("regional_project", Level.REGIONAL),
        base_fact="自治区项目资助额",
        match_ratio_min=Decimal(1),
        entered=True,
        repeat="once_per_event",
    )
    subj = subject(
        [rec(1, "regional_project", Level.REGIONAL, date(2022, 5, 1))],
        facts=[fact(1, 2022, "自治区项目资助额", "100000")],
        entered=[entry(1, "M", 2022, 10_000_001, recognition_id=1)],
    )
    assert only(run(policy(c), subj), "M").status == DUE
    assert only(run(policy(c, settings={"matching_may_exceed_min": False}), subj), "M").status == (
        EntitlementStatus.NOT_ELIGIBLE
    )


def test_cap_on_entered_amounts_can_be_switched_off() -> None:
    c = clause("P", Form.DISCRETIONARY, entered=True, cap_fen=wan(1000))
    subj = subject(entered=[entry(1, "P", 2023, wan(1000) + 1)])
    assert only(run(policy(c), subj), "P").status == EntitlementStatus.NOT_ELIGIBLE
    assert only(run(policy(c, settings={"enforce_caps_on_entered": False}), subj), "P").status == DUE


def test_discretionary_placeholder_can_be_switched_off() -> None:
    c = clause("D", Form.DISCRETIONARY, trigger=trig("gazelle"), entered=True)
    subj = subject([rec(1, "gazelle", Level.NONE, date(2022, 5, 1))])
    assert only(run(policy(c), subj), "D").status == EntitlementStatus.AWAITING_AMOUNT
    assert run(policy(c, settings={"discretionary_placeholder": False}), subj) == []


def test_any_stage_clause_matches_every_grade() -> None:
    c = clause("A", Form.DISCRETIONARY, trigger=trig("regional_sci_award", Level.REGIONAL), entered=True)
    subj = subject([rec(1, "regional_sci_award", Level.REGIONAL, date(2022, 5, 1), stage="三等奖")])
    assert run(policy(c), subj) == []
    assert only(run(policy(c, settings={"any_stage_clauses": ["A"]}), subj), "A").status == (
        EntitlementStatus.AWAITING_AMOUNT
    )
