"""Hypothesis properties: caps hold, floors hold, amounts never fall when the base grows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kjdesk.policy.catalog import load_builtin
from kjdesk.policy.model import EntitlementStatus, Form, Level, RateTier

from .test_engine_builders import clause, entry, fact, keyed, policy, rec, run, subject, trig, wan

# Money in 元 with 2 decimals, up to 10 亿元.
yuan = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)

RD = clause(
    "P-rd",
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
VOUCHER = clause(
    "P-v",
    Form.RATE_WITH_CAP,
    rate=Decimal("0.5"),
    base_fact="仪器共享费用",
    cap_fen=wan(30),
    repeat="per_year",
)
REGISTRY = clause(
    "P-reg",
    Form.STEP_INCREMENT,
    base_fact="技术合同登记成交额",
    base_year_offset=-1,
    step_size=Decimal("50000000"),
    step_amount_fen=wan(20),
    cap_fen=wan(100),
    repeat="per_year",
)
TALENT = clause(
    "P-t",
    Form.RATE_WITH_CAP,
    rate=Decimal("0.3"),
    base_fact="纳税劳动报酬",
    base_year_offset=-1,
    cap_fen=wan(10),
    cap_scope="per_subject_total",
    repeat="per_year",
)
FLOOR = clause(
    "P-floor",
    Form.ANNUAL_N_YEARS,
    trigger=trig("tic", Level.NATIONAL),
    amount_fen=wan(3000),
    is_floor=True,
    years=5,
    entered=True,
)


def _rd_amount(base: Decimal, size: str) -> int:
    facts = [fact(1, 2023, "加计扣除研发费用", base), fact(2, 2023, "企业规模", text=size)]
    return keyed(run(policy(RD), subject(facts=facts)), "P-rd|year:2024").total_fen


@given(base=yuan, size=st.sampled_from(["小微企业", "其他企业"]))
def test_tiered_amount_never_exceeds_its_cap(base: Decimal, size: str) -> None:
    assert 0 <= _rd_amount(base, size) <= wan(200)


@given(a=yuan, b=yuan, size=st.sampled_from(["小微企业", "其他企业"]))
def test_tiered_amount_never_decreases_when_the_base_grows(a: Decimal, b: Decimal, size: str) -> None:
    lo, hi = sorted((a, b))
    assert _rd_amount(lo, size) <= _rd_amount(hi, size)


@given(a=yuan, b=yuan)
def test_rate_amount_is_capped_and_monotone(a: Decimal, b: Decimal) -> None:
    def amount(base: Decimal) -> int:
        return keyed(
            run(policy(VOUCHER), subject(facts=[fact(1, 2023, "仪器共享费用", base)])), "P-v|year:2023"
        ).total_fen

    lo, hi = sorted((a, b))
    assert 0 <= amount(lo) <= amount(hi) <= wan(30)


@given(prev=yuan, a=yuan, b=yuan)
def test_step_amount_is_capped_and_monotone_in_the_increase(prev: Decimal, a: Decimal, b: Decimal) -> None:
    def amount(cur: Decimal) -> int:
        facts = [fact(1, 2022, "技术合同登记成交额", prev), fact(2, 2023, "技术合同登记成交额", cur)]
        return keyed(run(policy(REGISTRY), subject(facts=facts)), "P-reg|year:2024").total_fen

    lo, hi = sorted((a, b))
    got_lo, got_hi = amount(lo), amount(hi)
    assert 0 <= got_lo <= got_hi <= wan(100)
    assert got_hi % wan(20) == 0


@given(pays=st.lists(yuan, min_size=1, max_size=6))
@settings(max_examples=50)
def test_per_person_total_never_exceeds_the_cap_across_years(pays: list[Decimal]) -> None:
    facts = [fact(i + 1, 2021 + i, "纳税劳动报酬", v) for i, v in enumerate(pays)]
    ents = run(policy(TALENT), subject(facts=facts))
    assert sum(e.total_fen for e in ents) <= wan(10)
    assert all(e.total_fen >= 0 for e in ents)


@given(amounts=st.lists(st.integers(min_value=1, max_value=wan(10000)), min_size=0, max_size=5))
@settings(max_examples=50)
def test_floor_schedule_never_goes_below_the_floor(amounts: list[int]) -> None:
    r = rec(1, "tic", Level.NATIONAL, date(2022, 3, 1))
    entries = [entry(i + 1, "P-floor", 2022 + i, a, recognition_id=1) for i, a in enumerate(amounts)]
    (e,) = run(policy(FLOOR), subject([r], entered=entries))
    if any(a < wan(3000) for a in amounts):
        assert (e.status, e.total_fen) == (EntitlementStatus.NOT_ELIGIBLE, 0)
    else:
        assert e.status == EntitlementStatus.DUE
        assert len(e.instalments) == 5
        assert all(i.amount_fen >= wan(3000) for i in e.instalments)


# --- the real catalogs under random registers ----------------------------------------------


CATALOGS = [load_builtin("baotou"), load_builtin("wuhai")]
TYPES = sorted(
    {c.trigger.recognition for p in CATALOGS for c in p.clauses if c.trigger and c.trigger.recognition}
)
INDICATORS = [
    "加计扣除研发费用",
    "仪器共享费用",
    "技术交易额",
    "年度实际投资",
    "纳税劳动报酬",
    "技术合同登记成交额",
    "高新区年度位次",
    "奖金额度",
    "自治区项目资助额",
]
CLAUSE_IDS = sorted({c.id for p in CATALOGS for c in p.clauses})

recognitions = st.lists(
    st.tuples(
        st.sampled_from(TYPES),
        st.sampled_from(list(Level)),
        st.sampled_from(["", "培育", "优秀", "良好", "续签", "一等奖"]),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    ),
    max_size=6,
)
facts = st.lists(
    st.tuples(st.sampled_from(INDICATORS), st.integers(2019, 2026), yuan, st.sampled_from(["", "A", "B"])),
    max_size=8,
)
entries = st.lists(
    st.tuples(st.sampled_from(CLAUSE_IDS), st.integers(2020, 2026), st.integers(1, wan(5000))), max_size=4
)


@given(recs=recognitions, fs=facts, es=entries, city=st.sampled_from([0, 1]))
@settings(max_examples=150, deadline=None)
def test_catalog_invariants_under_random_registers(recs, fs, es, city) -> None:
    pol = CATALOGS[city]
    subj = subject(
        [rec(i + 1, t, lv, d, stage=sg) for i, (t, lv, sg, d) in enumerate(recs)],
        facts=[fact(i + 1, y, ind, v, item_ref=ref) for i, (ind, y, v, ref) in enumerate(fs)],
        entered=[entry(i + 1, cid, y, a) for i, (cid, y, a) in enumerate(es)],
    )
    ents = run(pol, subj)
    assert len({e.key for e in ents}) == len(ents)
    per_subject: dict[str, int] = {}
    for e in ents:
        clause = pol.clause(e.clause_id)
        live = [i for i in e.instalments if not i.cancelled_reason]
        assert e.total_fen == sum(i.amount_fen for i in live) >= 0
        assert all(i.amount_fen >= 0 for i in e.instalments)
        if e.status != EntitlementStatus.DUE:
            assert e.total_fen == 0
        if clause.cap_fen is not None and clause.cap_scope != "per_subject_total":
            assert all(i.amount_fen <= clause.cap_fen for i in e.instalments)
        if clause.cap_scope == "per_subject_total":
            per_subject[clause.id] = per_subject.get(clause.id, 0) + e.total_fen
            assert per_subject[clause.id] <= (clause.cap_fen or 0)
        if clause.is_floor and e.status == EntitlementStatus.DUE and e.deducted_fen == 0:
            assert all(i.amount_fen >= (clause.amount_fen or 0) for i in e.instalments)
