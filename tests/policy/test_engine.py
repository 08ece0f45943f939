"""The engine's public API: the 可享政策 view, purity, order and keys."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

from kjdesk.policy.engine import Availability, compute_entitlements, eligibility, requirements
from kjdesk.policy.model import Form, Level

from .test_engine_builders import clause, entry, fact, policy, rec, subject, trig, wan

AS_OF = date(2026, 6, 30)


def _policy():
    return policy(
        clause("E-hte", Form.ONE_TIME_STAR, trigger=trig("hte", Level.NATIONAL), amount_fen=wan(30)),
        clause(
            "E-giant",
            Form.ONE_TIME_STAR,
            trigger=trig("little_giant", Level.CITY, requires_valid="hte"),
            amount_fen=wan(50),
        ),
        clause("E-wh", Form.DISCRETIONARY, trigger=trig("gazelle"), entered=True),
        clause(
            "E-rd",
            Form.RATE_WITH_CAP,
            rate=Decimal("0.05"),
            base_fact="加计扣除研发费用",
            base_year_offset=-1,
            cap_fen=wan(200),
            repeat="per_year",
        ),
        clause("E-tax", Form.TAX, trigger=trig("hte", Level.NATIONAL), cash=False),
        clause("E-prio", Form.PRIORITY, cash=False),
        clause("E-old", Form.ONE_TIME, trigger=trig("incubator", Level.NATIONAL), amount_fen=wan(200)),
    )


def _statuses(subj):
    return {s.clause_id: s for s in eligibility(_policy(), subj, as_of=AS_OF)}


def test_eligibility_lists_every_clause_in_catalog_order() -> None:
    got = eligibility(_policy(), subject(), as_of=AS_OF)
    assert [s.clause_id for s in got] == [c.id for c in _policy().clauses]


def test_eligibility_owed_awaiting_refused_open_and_non_cash() -> None:
    recs = [
        rec(1, "hte", Level.NATIONAL, date(2022, 3, 1)),
        rec(2, "gazelle", Level.NONE, date(2022, 3, 1)),
        rec(3, "incubator", Level.NATIONAL, date(2021, 8, 13)),
    ]
    s = _statuses(subject(recs))
    assert (s["E-hte"].availability, s["E-hte"].amount_fen) == (Availability.OWED, 30_000_000)
    assert s["E-hte"].entitlement_keys == ("E-hte|rec:1",)
    assert s["E-wh"].availability == Availability.AWAITING
    assert s["E-wh"].missing == ("经办人录入金额及依据（文号或会议纪要）",)
    assert s["E-old"].availability == Availability.REFUSED
    assert "早于施行日期" in s["E-old"].reasons[0]
    assert s["E-giant"].availability == Availability.OPEN
    assert any("科技“小巨人”企业" in m for m in s["E-giant"].missing)
    assert any("持有有效的高新技术企业资格" in m for m in s["E-giant"].missing)
    assert s["E-rd"].availability == Availability.OPEN
    assert any("上年度“加计扣除研发费用”" in m for m in s["E-rd"].missing)
    assert s["E-tax"].availability == Availability.NON_CASH
    assert any("已有高新技术企业认定记录" in r for r in s["E-tax"].reasons)
    assert s["E-prio"].availability == Availability.NON_CASH


def test_eligibility_owed_sums_every_year() -> None:
    facts = [fact(1, 2022, "加计扣除研发费用", "1000000"), fact(2, 2023, "加计扣除研发费用", "2000000")]
    s = _statuses(subject(facts=facts))
    assert (s["E-rd"].availability, s["E-rd"].amount_fen) == (Availability.OWED, 15_000_000)


def test_eligibility_entered_amount_turns_awaiting_into_owed() -> None:
    recs = [rec(2, "gazelle", Level.NONE, date(2022, 3, 1))]
    s = _statuses(subject(recs, entered=[entry(1, "E-wh", 2022, wan(8), recognition_id=2)]))
    assert (s["E-wh"].availability, s["E-wh"].amount_fen) == (Availability.OWED, 8_000_000)


def test_requirements_of_a_consecutive_trigger() -> None:
    c = clause(
        "S", Form.ONE_TIME_STAR, trigger=trig("tsme", Level.NATIONAL, consecutive=2), amount_fen=wan(5)
    )
    assert requirements(policy(c), c) == [
        "连续 2 年国家级 科技型中小企业（评价入库），后一次在 2021-08-14 及以后"
    ]


def test_output_follows_catalog_order_then_record_order() -> None:
    recs = [rec(5, "hte", Level.NATIONAL, date(2024, 3, 1)), rec(4, "gazelle", Level.NONE, date(2022, 3, 1))]
    keys = [e.key for e in compute_entitlements(_policy(), subject(recs), as_of=AS_OF)]
    assert keys == ["E-hte|rec:5", "E-wh|rec:4"]


def test_engine_imports_neither_qt_nor_sqlalchemy() -> None:
    code = (
        "import sys, kjdesk.policy.engine\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sqlalchemy', 'openpyxl')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
