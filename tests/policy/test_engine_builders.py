"""Small builders for engine tests: hand-made clauses, policies, records and subjects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kjdesk.money import wan_to_fen
from kjdesk.policy.engine import compute_entitlements
from kjdesk.policy.model import (
    Clause,
    EnteredAmount,
    Entitlement,
    FactRecord,
    Form,
    Level,
    Policy,
    PolicyDocument,
    RecognitionRecord,
    SubjectFacts,
    SubjectKind,
    SubjectRef,
    Trigger,
)

EFFECTIVE = date(2021, 8, 14)
AS_OF = date(2026, 6, 30)
UNIT = SubjectRef(SubjectKind.UNIT, 1)
DOC = PolicyDocument(
    city="baotou",
    title="测试政策措施",
    issuer="测试市人民政府",
    doc_number="测发〔2021〕1号",
    issued=EFFECTIVE,
    effective=EFFECTIVE,
)


def wan(text: str | int) -> int:
    return wan_to_fen(Decimal(str(text)))


def clause(cid: str, form: Form, **kw: object) -> Clause:
    base: dict[str, object] = {
        "id": cid,
        "city": "baotou",
        "article": "（测）",
        "title": f"测试条款 {cid}",
        "beneficiary": "enterprise",
        "form": form,
        "quote": f"{cid} 的原文",
        "payment_wording": "后补助",
    }
    base.update(kw)
    return Clause(**base)  # type: ignore[arg-type]


def trig(recognition: str, *levels: Level, **kw: object) -> Trigger:
    return Trigger(recognition=recognition, levels=tuple(levels), **kw)  # type: ignore[arg-type]


def policy(*clauses: Clause, settings: dict[str, object] | None = None, doc: PolicyDocument = DOC) -> Policy:
    return Policy(document=doc, clauses=tuple(clauses), settings=dict(settings or {}))


def rec(rid: int, type_id: str, level: Level, day: date, **kw: object) -> RecognitionRecord:
    kw.setdefault("doc_number", f"测认〔{day.year}〕{rid}号")
    return RecognitionRecord(id=rid, subject=UNIT, type_id=type_id, level=level, date=day, **kw)  # type: ignore[arg-type]


def fact(fid: int, year: int, indicator: str, value: str | int | None = None, **kw: object) -> FactRecord:
    v = None if value is None else Decimal(str(value))
    return FactRecord(id=fid, subject=UNIT, year=year, indicator=indicator, value=v, **kw)  # type: ignore[arg-type]


def entry(eid: int, clause_id: str, year: int, amount_fen: int, **kw: object) -> EnteredAmount:
    kw.setdefault("basis", f"测会纪〔{year}〕{eid}号")
    return EnteredAmount(id=eid, subject=UNIT, clause_id=clause_id, year=year, amount_fen=amount_fen, **kw)  # type: ignore[arg-type]


def subject(recs=(), facts=(), entered=(), **kw: object) -> SubjectFacts:
    return SubjectFacts(
        subject=UNIT,
        name="测试科技有限公司",
        city="baotou",
        recognitions=tuple(recs),
        facts=tuple(facts),
        entered=tuple(entered),
        **kw,  # type: ignore[arg-type]
    )


def run(pol: Policy, subj: SubjectFacts, as_of: date = AS_OF) -> list[Entitlement]:
    return compute_entitlements(pol, subj, as_of=as_of)


def only(ents: list[Entitlement], clause_id: str) -> Entitlement:
    mine = [e for e in ents if e.clause_id == clause_id]
    assert len(mine) == 1, [e.key for e in mine]
    return mine[0]


def keyed(ents: list[Entitlement], key: str) -> Entitlement:
    mine = [e for e in ents if e.key == key]
    assert len(mine) == 1, [e.key for e in ents]
    return mine[0]


def plan(ent: Entitlement) -> list[tuple[int, int]]:
    """The live instalments as (year, 分)."""
    return [(i.year, i.amount_fen) for i in ent.instalments if not i.cancelled_reason]


def test_builders_make_a_valid_policy() -> None:
    pol = policy(clause("X-1", Form.ONE_TIME, trigger=trig("hte", Level.NATIONAL), amount_fen=wan(30)))
    assert pol.clause("X-1").amount_fen == 30_000_000
