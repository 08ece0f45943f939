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

from kjdesk.policy.model import (
    EnteredAmount as EnteredRecord,
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
from kjdesk.services import recompute_digest
from kjdesk.services.app import App
from kjdesk.services.collector import collector_paused
from kjdesk.services.entitlement_sync import Sync, load_stored, stored_key, subject_of_key
from kjdesk.services.progress import NullProgress, Progress
from kjdesk.services.settings import require_bureau
from kjdesk.store import audit
from kjdesk.store.models import (
    ClauseStandard,
    EnteredAmount,
    Entitlement,
    Fact,
    Person,
    Platform,
    Recognition,
    Unit,
)

STATE_LABELS = {
    "planned": "计划",
    "proposed": "已报批",
    "approved": "已审批",
    "paid": "已拨付",
    "cancelled": "已取消",
}


def subject_ref_of(row: Recognition | Fact | EnteredAmount | Entitlement) -> SubjectRef:
    return _ref(row.unit_id, row.platform_id, row.person_id)


def _ref(unit_id: int | None, platform_id: int | None, person_id: int | None) -> SubjectRef:
    if unit_id is not None:
        return SubjectRef(SubjectKind.UNIT, unit_id)
    if platform_id is not None:
        return SubjectRef(SubjectKind.PLATFORM, platform_id)
    assert person_id is not None
    return SubjectRef(SubjectKind.PERSON, person_id)


def _subject_filter(model: type, refs: Iterable[SubjectRef]) -> list:
    by_kind: dict[SubjectKind, list[int]] = defaultdict(list)
    for ref in refs:
        by_kind[ref.kind].append(ref.id)
    column = {
        SubjectKind.UNIT: "unit_id",
        SubjectKind.PLATFORM: "platform_id",
        SubjectKind.PERSON: "person_id",
    }
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

    # Plain Core rows, not ORM objects: this runs over every record when recomputing all.
    recs: dict[SubjectRef, list[RecognitionRecord]] = defaultdict(list)
    r = Recognition
    q = select(r.id, r.unit_id, r.platform_id, r.person_id, r.type_id, r.level, r.date, r.doc_number, r.stage,
               r.valid_until, r.status, r.status_date, r.evidence, r.first_year).where(*where(r)).order_by(r.id)
    for rid, u, p, pe, type_id, level, day, doc, stage, valid_until, status, status_date, evidence, first in (
        session.execute(q)
    ):
        ref = _ref(u, p, pe)
        recs[ref].append(RecognitionRecord(
            id=rid, subject=ref, type_id=type_id, level=Level(level), date=day, doc_number=doc, stage=stage,
            valid_until=valid_until, status=RecognitionStatus(status), status_date=status_date,
            has_evidence=bool(evidence), first_year=first,
        ))
    facts: dict[SubjectRef, list[FactRecord]] = defaultdict(list)
    f = Fact
    q = select(f.id, f.unit_id, f.platform_id, f.person_id, f.year, f.indicator, f.value, f.text, f.item_ref)
    for fid, u, p, pe, year, indicator, value, text, item in session.execute(q.where(*where(f)).order_by(f.id)):
        ref = _ref(u, p, pe)
        facts[ref].append(FactRecord(fid, ref, year, indicator, value, text, item))
    entered: dict[SubjectRef, list[EnteredRecord]] = defaultdict(list)
    e = EnteredAmount
    q = select(e.id, e.unit_id, e.platform_id, e.person_id, e.clause_id, e.year, e.amount_fen, e.basis,
               e.recognition_id, e.item_ref)
    for eid, u, p, pe, clause_id, year, amount, basis, rec_id, item in session.execute(
        q.where(*where(e)).order_by(e.id)
    ):
        ref = _ref(u, p, pe)
        entered[ref].append(EnteredRecord(eid, ref, clause_id, year, amount, basis, rec_id, item))
    wanted = set(recs) | set(facts) | set(entered) if refs is None else refs
    everyone = refs is None

    def rows(columns: list, id_column, kind: SubjectKind) -> dict[int, tuple]:  # noqa: ANN001
        q = select(*columns)
        if not everyone:
            q = q.where(id_column.in_(_ids(wanted, kind)))
        return {row[0]: tuple(row[1:]) for row in session.execute(q)}

    units = rows([Unit.id, Unit.name, Unit.registered_from, Unit.moved_out], Unit.id, SubjectKind.UNIT)
    platforms = rows([Platform.id, Platform.name, Platform.host_unit_id], Platform.id, SubjectKind.PLATFORM)
    people = rows([Person.id, Person.name, Person.employer_unit_id], Person.id, SubjectKind.PERSON)
    hosts = {hid for _, hid in platforms.values()} | {eid for _, eid in people.values() if eid}
    missing = [h for h in hosts if h not in units]
    if missing:
        units.update({row[0]: tuple(row[1:]) for row in session.execute(
            select(Unit.id, Unit.name, Unit.registered_from, Unit.moved_out).where(Unit.id.in_(missing)))})
    result: list[SubjectFacts] = []
    for ref in sorted(wanted, key=lambda r: (r.kind.value, r.id)):
        payee: SubjectRef | None
        if ref.kind == SubjectKind.UNIT:
            if ref.id not in units:
                continue  # deleted
            name, host_id = units[ref.id][0], ref.id
        elif ref.kind == SubjectKind.PLATFORM:
            name, host_id = platforms.get(ref.id, ("", None))
        else:
            name, host_id = people.get(ref.id, ("", None))
        host = units.get(host_id) if host_id else None
        payee = SubjectRef(SubjectKind.UNIT, host_id) if host_id else None
        result.append(
            SubjectFacts(
                subject=ref, name=name, city=city,
                registered_from=host[1] if host else None, moved_out=host[2] if host else None,
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
    computed: int = 0  # subjects computed again (the others' records had not changed)

    def __add__(self, other: RecomputeSummary) -> RecomputeSummary:
        return RecomputeSummary(
            *(a + b for a, b in zip(self.__dict__.values(), other.__dict__.values(), strict=True))
        )


def recompute_message(summary: RecomputeSummary) -> str:
    """The officer's one-line account of a recomputation."""
    text = (
        f"重新计算完成：{summary.subjects} 个对象，新增 {summary.added} 条，变更 {summary.changed} 条，"
        f"删除 {summary.removed} 条，待复核 {summary.flagged} 条"
    )
    skipped = summary.subjects - summary.computed
    if skipped > 0:
        text += f"（其中 {skipped} 个对象的记录自上次计算后未变化，结果沿用）"
    return text


def recompute_subjects(
    session: Session,
    actor: str,
    city: str,
    subjects: set[SubjectRef] | None,
    progress: Progress | None = None,
    as_of: date | None = None,
    *,
    force: bool = False,
) -> RecomputeSummary:
    """Recompute the entitlements of ``subjects`` (all when None) inside the caller's transaction.

    A subject whose records, policy and year are those of its last computation is skipped
    (``recompute_digest``); ``force`` computes every one regardless."""
    with collector_paused():
        return _recompute(session, actor, city, subjects, progress or NullProgress(), as_of, force)


def _recompute(
    session: Session,
    actor: str,
    city: str,
    subjects: set[SubjectRef] | None,
    progress: Progress,
    as_of: date | None,
    force: bool,
) -> RecomputeSummary:
    from kjdesk.policy.engine import compute_entitlements

    as_of = as_of or date.today()
    policy = policy_for(session, city)
    session.flush()
    common = recompute_digest.stamp(policy, as_of)
    inputs = recompute_digest.read_inputs(session, subjects, common)
    now = inputs.digests
    recorded, complete = recompute_digest.load(session, subjects)
    everything = subjects is None and (force or not complete)
    candidates = set(now) | set(recorded) if subjects is None else subjects
    digests = {r: now.get(r) or recompute_digest.empty_digest(r, common) for r in candidates}
    todo = candidates if everything or force else {r for r in candidates if digests[r] != recorded.get(r)}
    seen = len(now)
    if not todo:
        progress.set_total(1)
        progress.set_value(1)
        return RecomputeSummary(seen)
    facts = recompute_digest.subject_facts(inputs, todo, city)
    # Most of the register: read everything once and leave out the rest, not 20,000 ids in IN lists.
    whole = subjects is None and (everything or len(todo) > 1000)
    stored = load_stored(session, [] if whole else [_or(_subject_filter(Entitlement, todo))])
    if whole and not everything:
        stored = {k: v for k, v in stored.items() if subject_of_key(k) in todo}
    progress.set_total(len(facts))
    sync = Sync(city)
    computed_keys: set[str] = set()
    for i, subject in enumerate(facts):
        if i % 200 == 0:
            progress.set_value(i)
            progress.check()
        for ent in compute_entitlements(policy, subject, as_of=as_of):
            key = stored_key(ent)
            computed_keys.add(key)
            sync.apply(stored.get(key), ent, subject.payee)
    progress.set_value(len(facts))
    for key, row in stored.items():
        if key not in computed_keys:
            sync.retire(row)
    sync.flush(session)
    recompute_digest.save(session, {r: digests[r] for r in todo}, complete=subjects is None)
    c = sync.counts
    summary = RecomputeSummary(max(seen, len(facts)), c.added, c.changed, c.removed, c.flagged, len(facts))
    if c.added or c.changed or c.removed or c.flagged:
        target = (
            "全部"
            if subjects is None
            else ",".join(f"{r.kind.value}:{r.id}" for r in sorted(subjects, key=str))
        )
        audit.record(
            session,
            actor,
            "重算",
            "entitlements",
            target,
            None,
            {"added": c.added, "changed": c.changed, "removed": c.removed, "flagged": c.flagged},
        )
    return summary


def recompute_all(app: App, progress: Progress | None = None, *, force: bool = False) -> RecomputeSummary:
    """Recompute every subject whose records changed since its last computation (all with ``force``)."""
    city = require_bureau(app).city
    with app.db.session() as s:
        return recompute_subjects(s, app.actor, city, None, progress, force=force)
