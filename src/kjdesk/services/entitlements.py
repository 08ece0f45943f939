"""Entitlements (应享资金): recompute from the register through the pure engine, and list them.

Recomputing is safe: the same register gives the same rows (nothing is written twice),
and an instalment already proposed, approved or paid is never rewritten — a difference
is recorded beside it (``pending_amount_fen``) and flagged 待复核 with both amounts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.policy.model import (
    EnteredAmount as EnteredRecord,
)
from kjdesk.policy.model import (
    Entitlement as Computed,
)
from kjdesk.policy.model import (
    FactRecord,
    Level,
    Policy,
    RecognitionRecord,
    RecognitionStatus,
    SubjectFacts,
    SubjectKind,
    SubjectRef,
)
from kjdesk.services.app import App
from kjdesk.services.progress import NullProgress, Progress
from kjdesk.services.settings import require_bureau
from kjdesk.store import audit
from kjdesk.store.models import (
    ClauseStandard,
    EnteredAmount,
    Entitlement,
    Fact,
    Instalment,
    Person,
    Platform,
    Recognition,
    Unit,
)

LOCKED_STATES = ("proposed", "approved", "paid")
STATE_LABELS = {
    "planned": "计划",
    "proposed": "已报批",
    "approved": "已审批",
    "paid": "已拨付",
    "cancelled": "已取消",
}


def subject_ref_of(row: Recognition | Fact | EnteredAmount | Entitlement) -> SubjectRef:
    if row.unit_id is not None:
        return SubjectRef(SubjectKind.UNIT, row.unit_id)
    if row.platform_id is not None:
        return SubjectRef(SubjectKind.PLATFORM, row.platform_id)
    assert row.person_id is not None
    return SubjectRef(SubjectKind.PERSON, row.person_id)


def _subject_filter(model: type, refs: Iterable[SubjectRef]) -> list:
    by_kind: dict[SubjectKind, list[int]] = defaultdict(list)
    for ref in refs:
        by_kind[ref.kind].append(ref.id)
    column = {SubjectKind.UNIT: "unit_id", SubjectKind.PLATFORM: "platform_id", SubjectKind.PERSON: "person_id"}
    return [getattr(model, column[k]).in_(ids) for k, ids in by_kind.items()]


def _or(clauses: list):  # noqa: ANN202 - SQL expression
    from sqlalchemy import false, or_

    return or_(*clauses) if clauses else false()


def policy_for(session: Session, city: str) -> Policy:
    """The city's catalog with the officer's yearly standards (D8) merged into its settings."""
    from kjdesk.policy.catalog import load_builtin

    policy = load_builtin(city)
    standards: dict[str, dict[str, str]] = defaultdict(dict)
    for row in session.scalars(select(ClauseStandard)):
        standards[row.clause_id][str(row.year)] = str(row.amount_fen / 1_000_000)
    if not standards:
        return policy
    merged = dict(policy.settings.get("yearly_standards", {}) or {})
    for clause_id, years in standards.items():
        merged[clause_id] = {**merged.get(clause_id, {}), **years}
    return replace(policy, settings={**policy.settings, "yearly_standards": merged})


def load_subject_facts(session: Session, city: str, refs: set[SubjectRef] | None) -> list[SubjectFacts]:
    """Everything the engine needs about the given subjects (all subjects when ``refs`` is None),
    in a handful of queries whatever their number."""

    def where(model: type) -> list:
        return [] if refs is None else [_or(_subject_filter(model, refs))]

    recs: dict[SubjectRef, list[RecognitionRecord]] = defaultdict(list)
    for r in session.scalars(select(Recognition).where(*where(Recognition)).order_by(Recognition.id)):
        ref = subject_ref_of(r)
        recs[ref].append(
            RecognitionRecord(
                id=r.id, subject=ref, type_id=r.type_id, level=Level(r.level), date=r.date,
                doc_number=r.doc_number, stage=r.stage, valid_until=r.valid_until,
                status=RecognitionStatus(r.status), status_date=r.status_date, has_evidence=bool(r.evidence),
                first_year=r.first_year,
            )
        )
    facts: dict[SubjectRef, list[FactRecord]] = defaultdict(list)
    for f in session.scalars(select(Fact).where(*where(Fact)).order_by(Fact.id)):
        ref = subject_ref_of(f)
        facts[ref].append(FactRecord(f.id, ref, f.year, f.indicator, f.value, f.text, f.item_ref))
    entered: dict[SubjectRef, list[EnteredRecord]] = defaultdict(list)
    for e in session.scalars(select(EnteredAmount).where(*where(EnteredAmount)).order_by(EnteredAmount.id)):
        ref = subject_ref_of(e)
        entered[ref].append(
            EnteredRecord(e.id, ref, e.clause_id, e.year, e.amount_fen, e.basis, e.recognition_id, e.item_ref)
        )
    wanted = set(recs) | set(facts) | set(entered) if refs is None else refs
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(_ids(wanted, SubjectKind.UNIT))))}
    platforms = {
        p.id: p for p in session.scalars(select(Platform).where(Platform.id.in_(_ids(wanted, SubjectKind.PLATFORM))))
    }
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(_ids(wanted, SubjectKind.PERSON))))}
    result: list[SubjectFacts] = []
    for ref in sorted(wanted, key=lambda r: (r.kind.value, r.id)):
        if ref.kind == SubjectKind.UNIT:
            host, name, payee = units.get(ref.id), None, ref
        elif ref.kind == SubjectKind.PLATFORM:
            p = platforms.get(ref.id)
            host, name = (p.host, p.name) if p else (None, None)
            payee = SubjectRef(SubjectKind.UNIT, p.host_unit_id) if p else None
        else:
            person = people.get(ref.id)
            host, name = (person.employer, person.name) if person else (None, None)
            payee = SubjectRef(SubjectKind.UNIT, person.employer_unit_id) if person and person.employer_unit_id else None
        if ref.kind == SubjectKind.UNIT and host is None:
            continue  # deleted
        result.append(
            SubjectFacts(
                subject=ref, name=name or (host.name if host else ""), city=city,
                registered_from=host.registered_from if host else None,
                moved_out=host.moved_out if host else None,
                recognitions=tuple(recs.get(ref, ())), facts=tuple(facts.get(ref, ())),
                entered=tuple(entered.get(ref, ())), payee=payee,
            )
        )
    return result


def _ids(refs: Iterable[SubjectRef], kind: SubjectKind) -> list[int]:
    return [r.id for r in refs if r.kind == kind]


@dataclass(frozen=True)
class RecomputeSummary:
    subjects: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    flagged: int = 0  # locked instalments whose recomputed amount differs (待复核)

    def __add__(self, other: RecomputeSummary) -> RecomputeSummary:
        return RecomputeSummary(*(a + b for a, b in zip(self.__dict__.values(), other.__dict__.values(), strict=True)))


def recompute_subjects(
    session: Session, actor: str, city: str, subjects: set[SubjectRef] | None,
    progress: Progress | None = None, as_of: date | None = None,
) -> RecomputeSummary:
    """Recompute the entitlements of ``subjects`` (all when None) inside the caller's transaction."""
    from kjdesk.policy.engine import compute_entitlements

    progress = progress or NullProgress()
    policy = policy_for(session, city)
    facts = load_subject_facts(session, city, subjects)
    stored_q = select(Entitlement)
    if subjects is not None:
        stored_q = stored_q.where(_or(_subject_filter(Entitlement, subjects)))
    stored: dict[str, Entitlement] = {e.key: e for e in session.scalars(stored_q)}
    progress.set_total(len(facts))
    summary = RecomputeSummary(subjects=len(facts))
    computed_keys: set[str] = set()
    for i, subject in enumerate(facts):
        if i % 200 == 0:
            progress.set_value(i)
            progress.check()
        for ent in compute_entitlements(policy, subject, as_of=as_of):
            computed_keys.add(ent.key)
            summary += _apply(session, stored.get(ent.key), ent, city, subject.payee)
    progress.set_value(len(facts))
    for key, row in stored.items():
        if key not in computed_keys:
            summary += _retire(session, row)
    if summary.added or summary.changed or summary.removed or summary.flagged:
        audit.record(
            session, actor, "重算", "entitlements",
            "全部" if subjects is None else ",".join(f"{r.kind.value}:{r.id}" for r in sorted(subjects, key=str)),
            None, {"added": summary.added, "changed": summary.changed, "removed": summary.removed,
                   "flagged": summary.flagged},
        )
    return summary


def _apply(session: Session, row: Entitlement | None, ent: Computed, city: str,
           payee: SubjectRef | None) -> RecomputeSummary:
    explanation = "\n".join(ent.explanation)
    values = {
        "clause_id": ent.clause_id, "status": ent.status.value, "total_fen": ent.total_fen,
        "explanation": explanation, "recognition_id": ent.recognition_id, "payment_wording": ent.payment_wording,
        "winner_clause_id": ent.winner_clause_id, "deducted_fen": ent.deducted_fen,
        "payee_unit_id": payee.id if payee and payee.kind == SubjectKind.UNIT else None,
    }
    if row is None:
        cols = {"unit_id": None, "platform_id": None, "person_id": None}
        cols[{SubjectKind.UNIT: "unit_id", SubjectKind.PLATFORM: "platform_id",
              SubjectKind.PERSON: "person_id"}[ent.subject.kind]] = ent.subject.id
        row = Entitlement(key=ent.key, city=city, **cols, **values)
        row.instalments = [
            Instalment(year=p.year, amount_fen=p.amount_fen,
                       state="cancelled" if p.cancelled_reason else "planned",
                       cancelled_reason=p.cancelled_reason)
            for p in ent.instalments
        ]
        session.add(row)
        return RecomputeSummary(added=1)
    changed = False
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
            changed = True
    flagged = 0
    by_year = {i.year: i for i in row.instalments}
    new_years = {p.year for p in ent.instalments}
    for p in ent.instalments:
        inst = by_year.get(p.year)
        if inst is None:
            row.instalments.append(Instalment(year=p.year, amount_fen=p.amount_fen,
                                              state="cancelled" if p.cancelled_reason else "planned",
                                              cancelled_reason=p.cancelled_reason))
            changed = True
            continue
        c, f = _update_instalment(inst, p.amount_fen, p.cancelled_reason)
        changed, flagged = changed or c, flagged + f
    for year, inst in by_year.items():
        if year not in new_years:
            c, f = _update_instalment(inst, 0, "重算后该年度不再应享")
            changed, flagged = changed or c, flagged + f
    return RecomputeSummary(changed=int(changed), flagged=flagged)


def _update_instalment(inst: Instalment, amount_fen: int, cancelled_reason: str) -> tuple[bool, int]:
    """Bring one stored instalment in line; a locked one is flagged, never rewritten."""
    if inst.state == "paid" and cancelled_reason:
        return False, 0  # D4: a revocation cancels what is unpaid; paid money stays as it was
    if inst.state in LOCKED_STATES:
        differs = amount_fen != inst.amount_fen or bool(cancelled_reason)
        pending = (0 if cancelled_reason else amount_fen) if differs else None
        note = ""
        if differs:
            note = (f"待复核：原金额 {format_yuan(inst.amount_fen)} 元，重算金额 {format_yuan(pending or 0)} 元"
                    + (f"（{cancelled_reason}）" if cancelled_reason else ""))
        if inst.pending_amount_fen == pending and inst.review_note == note:
            return False, 0
        inst.pending_amount_fen, inst.review_note = pending, note
        return True, int(differs)
    if cancelled_reason:
        if inst.state == "cancelled" and inst.cancelled_reason == cancelled_reason:
            return False, 0
        inst.state, inst.cancelled_reason = "cancelled", cancelled_reason
        return True, 0
    if inst.state == "cancelled" and inst.cancelled_by:
        return False, 0  # cancelled by an officer with a reason: stays cancelled
    if inst.state == "planned" and inst.amount_fen == amount_fen:
        return False, 0
    inst.state, inst.amount_fen, inst.cancelled_reason = "planned", amount_fen, ""
    return True, 0


def _retire(session: Session, row: Entitlement) -> RecomputeSummary:
    """An entitlement the register no longer supports: deleted if nothing was committed to it."""
    if any(i.state in LOCKED_STATES for i in row.instalments):
        flagged = sum(_update_instalment(i, 0, "认定或数据已变更，重算后不再应享")[1] for i in row.instalments)
        return RecomputeSummary(flagged=flagged)
    session.delete(row)
    return RecomputeSummary(removed=1)


def recompute_all(app: App, progress: Progress | None = None) -> RecomputeSummary:
    city = require_bureau(app).city
    with app.db.session() as s:
        return recompute_subjects(s, app.actor, city, None, progress)
