"""What the 录入金额 and 年度标准 dialogs need to know before the officer types.

``entry_context(app, entitlement_id, year)`` names the entitlement's subject, clause and
year, whether the clause takes an entered amount at all (DISCRETIONARY, MATCHING, floors),
its stated cap and floor, and the yearly standards that pre-fill the amount.
``check_entry`` is the form's check as you type (the same limits ``enter_amount`` enforces;
the engine's own refusal still comes from ``enter_amount`` when the officer saves).
``standard_clauses(app)`` lists the clauses a yearly standard can be set for, with the
standards already set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from kjdesk.money import format_wan_short
from kjdesk.policy.model import FORM_LABELS, Clause, SubjectRef
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import subject_ref_of
from kjdesk.store.models import ClauseStandard, Entitlement, Person, Platform, Recognition, Unit


@dataclass(frozen=True)
class Standard:
    year: int
    amount_fen: int
    basis: str


@dataclass(frozen=True)
class EntryContext:
    entitlement_id: int
    subject: SubjectRef
    subject_name: str
    clause_id: str
    clause_title: str
    form_label: str
    year: int  # the year the amount is for, by default
    recognition_id: int | None
    enterable: bool
    refusal: str  # why no amount can be entered (when not enterable)
    cap_fen: int | None
    floor_fen: int | None
    current_fen: int  # what the entitlement amounts to now
    standards: tuple[Standard, ...] = field(default=())
    article: str = ""  # （六）: with the title, the clause as the policy names it

    def standard_for(self, year: int) -> Standard | None:
        return next((s for s in self.standards if s.year == year), None)


@dataclass(frozen=True)
class StandardClause:
    clause_id: str
    title: str
    cap_fen: int | None
    standards: tuple[Standard, ...]
    article: str = ""


def _standards(session, clause_id: str) -> tuple[Standard, ...]:  # noqa: ANN001 - Session
    rows = session.scalars(
        select(ClauseStandard).where(ClauseStandard.clause_id == clause_id).order_by(ClauseStandard.year)
    )
    return tuple(Standard(r.year, r.amount_fen, r.basis) for r in rows)


def _subject_name(session, ref: SubjectRef) -> str:  # noqa: ANN001 - Session
    model = {"unit": Unit, "platform": Platform, "person": Person}[ref.kind.value]
    row = session.get(model, ref.id)
    return row.name if row is not None else ""


def _clause(app: App, clause_id: str) -> Clause:
    from kjdesk.policy.catalog import load_builtin

    try:
        return load_builtin(require_bureau(app).city).clause(clause_id)
    except KeyError:
        raise ServiceError(f"本市政策中没有条款“{clause_id}”") from None


def entry_context(app: App, entitlement_id: int, year: int | None = None) -> EntryContext:
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError("这条应享资金已不存在（可能已重新计算），请刷新后重试")
        clause = _clause(app, ent.clause_id)
        ref = subject_ref_of(ent)
        if year is None:
            years = [i.year for i in ent.instalments]
            rec = s.get(Recognition, ent.recognition_id) if ent.recognition_id else None
            year = years[0] if years else rec.date.year if rec is not None else date.today().year
        enterable = clause.entered or clause.is_floor
        refusal = "" if enterable else f"{clause.article}{clause.title}按公式计算金额，不能录入金额"
        return EntryContext(
            entitlement_id=ent.id,
            subject=ref,
            subject_name=_subject_name(s, ref),
            clause_id=clause.id,
            clause_title=clause.title,
            article=clause.article,
            form_label=FORM_LABELS.get(clause.form, clause.form.value),
            year=year,
            recognition_id=ent.recognition_id,
            enterable=enterable,
            refusal=refusal,
            cap_fen=clause.cap_fen,
            floor_fen=clause.amount_fen if clause.is_floor else None,
            current_fen=ent.total_fen,
            standards=_standards(s, clause.id),
        )


def check_entry(ctx: EntryContext, amount_fen: int | None, basis: str) -> dict[str, str]:
    """Field → reason, for the values typed so far (``amount_fen`` None: not a readable amount)."""
    errors: dict[str, str] = {}
    if amount_fen is None:
        errors["amount"] = "请填写金额，如 100000 或 10万元"
    elif amount_fen <= 0:
        errors["amount"] = "金额须大于零"
    elif ctx.cap_fen is not None and amount_fen > ctx.cap_fen:
        errors["amount"] = f"超过条款上限 {format_wan_short(ctx.cap_fen)}"
    elif ctx.floor_fen is not None and amount_fen < ctx.floor_fen:
        errors["amount"] = f"低于条款规定的下限 {format_wan_short(ctx.floor_fen)}（不低于）"
    if not basis.strip():
        errors["basis"] = "请填写依据（批复文号或会议纪要）"
    return errors


def standard_clauses(app: App) -> list[StandardClause]:
    """The clauses of the city whose amount is entered (a yearly standard can pre-fill them)."""
    from kjdesk.policy.catalog import load_builtin

    policy = load_builtin(require_bureau(app).city)
    with app.db.session() as s:
        return [
            StandardClause(c.id, c.title, c.cap_fen, _standards(s, c.id), c.article)
            for c in policy.clauses
            if c.entered
        ]


def enterable_clause_ids(app: App) -> frozenset[str]:
    """The clauses of the city that take an officer's amount (DISCRETIONARY, MATCHING, floors)."""
    from kjdesk.policy.catalog import load_builtin

    policy = load_builtin(require_bureau(app).city)
    return frozenset(c.id for c in policy.clauses if c.entered or c.is_floor)
