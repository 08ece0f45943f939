"""Entitlements (应享资金): recompute from the register through the pure engine, and list them.

Recomputing is safe: the same register gives the same rows (nothing is written twice),
and an instalment already proposed, approved or paid is never rewritten — a difference
is recorded beside it (``pending_amount_fen``) and flagged 待复核 with both amounts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.money import format_wan_plain
from kjdesk.policy.model import (
    Policy,
    SubjectKind,
    SubjectRef,
)
from kjdesk.services.core.app import App
from kjdesk.services.core.collector import collector_paused
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import subject_inputs
from kjdesk.services.entitlements.sync import Sync, load_stored, stored_key, subject_of_key
from kjdesk.services.entitlements.texts import Splitter
from kjdesk.store import audit
from kjdesk.store.models import (
    ClauseStandard,
    EnteredAmount,
    Entitlement,
    Fact,
    Recognition,
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


def policy_for(session: Session, city: str) -> Policy:
    """The city's catalog with the officer's yearly standards (D8) merged into its settings."""
    from kjdesk.policy.catalog import load_builtin

    policy = load_builtin(city)
    standards: dict[str, dict[str, str]] = defaultdict(dict)
    for row in session.scalars(select(ClauseStandard)):
        standards[row.clause_id][str(row.year)] = format_wan_plain(row.amount_fen)
    if not standards:
        return policy
    merged = dict(policy.settings.get("yearly_standards", {}) or {})
    for clause_id, years in standards.items():
        merged[clause_id] = {**merged.get(clause_id, {}), **years}
    return replace(policy, settings={**policy.settings, "yearly_standards": merged})


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
    (``subject_inputs``); ``force`` computes every one regardless."""
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
    common = subject_inputs.stamp(policy, as_of)
    inputs = subject_inputs.read_inputs(session, subjects, common)
    now = inputs.digests
    recorded, complete = subject_inputs.load(session, subjects)
    everything = subjects is None and (force or not complete)
    candidates = set(now) | set(recorded) if subjects is None else subjects
    digests = {r: now.get(r) or subject_inputs.empty_digest(r, common) for r in candidates}
    todo = candidates if everything or force else {r for r in candidates if digests[r] != recorded.get(r)}
    seen = len(now)
    if not todo:
        progress.set_total(1)
        progress.set_value(1)
        return RecomputeSummary(seen)
    facts = subject_inputs.subject_facts(inputs, todo, city)
    # Most of the register: read everything once and leave out the rest, not 20,000 ids in IN lists.
    whole = subjects is None and (everything or len(todo) > 1000)
    stored = load_stored(session, [] if whole else [subject_inputs.subject_filter(Entitlement, todo)])
    if whole and not everything:
        stored = {k: v for k, v in stored.items() if subject_of_key(k) in todo}
    progress.set_total(len(facts))
    sync = Sync(city, Splitter(session, policy))
    computed_keys: set[str] = set()
    apply, found = sync.apply, stored.get
    for i, subject in enumerate(facts):
        if i % 200 == 0:
            progress.set_value(i)
            progress.check()
        ref, payee = subject.subject, subject.payee
        prefix = f"{subject_inputs.subject_key(ref)}|"  # ``stored_key`` of the subject's entitlements
        for ent in compute_entitlements(policy, subject, as_of=as_of):
            key = prefix + ent.key if ent.subject is ref else stored_key(ent)
            computed_keys.add(key)
            apply(found(key), ent, payee, key)
    progress.set_value(len(facts))
    for key, row in stored.items():
        if key not in computed_keys:
            sync.retire(row)
    sync.flush(session)
    subject_inputs.save(session, {r: digests[r] for r in todo}, complete=subjects is None, every=everything)
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
