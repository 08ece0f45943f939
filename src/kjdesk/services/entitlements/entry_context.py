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
from decimal import Decimal

from sqlalchemy import select

from kjdesk.money import format_wan_short, round_fen
from kjdesk.policy.model import Clause, Form, SubjectRef, form_label
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.decisions import DecisionRow, list_decisions
from kjdesk.services.entitlements import subject_ref_of
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
    # Matching (自治区项目 不低于 1:1): the allocation the floor is computed from, when recorded.
    matching: bool = False
    base_fact: str = ""
    match_ratio: Decimal | None = None
    allocation_fen: int | None = None
    allocation_doc: str = ""
    decisions: tuple[DecisionRow, ...] = field(default=())
    trigger_year: int | None = None  # the recognition's year (the year a waiting item belongs to)
    needs_document: bool = False  # the base figure needs its document (乌海: matching_default_needs_document)
    # the entry in force, when the amount was entered before (the dialog then corrects it)
    entered_fen: int | None = None
    entered_basis: str = ""
    entered_decision_id: int | None = None
    entered_district_fen: int | None = None

    def match_floor(self, allocation_fen: int | None = None) -> int | None:
        """The least amount the match allows, from the recorded (or the typed) allocation."""
        base = allocation_fen if allocation_fen is not None else self.allocation_fen
        if not self.matching or self.match_ratio is None or base is None:
            return None
        return round_fen(Decimal(base) * self.match_ratio)

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


def _settings(app: App) -> dict:
    from kjdesk.policy.catalog import load_builtin

    return dict(load_builtin(require_bureau(app).city).settings)


def entry_context(app: App, entitlement_id: int, year: int | None = None) -> EntryContext:
    """What the 录入金额 dialog needs. The payment year offered: the year already decided for the
    entitlement's entry, else (for a decided amount) the current year — never silently the
    recognition's year; a floor's schedule keeps the year of its instalment."""
    decisions = tuple(list_decisions(app))
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError("这条应享资金已不存在（可能已重新计算），请刷新后重试")
        clause = _clause(app, ent.clause_id)
        ref = subject_ref_of(ent)
        rec = s.get(Recognition, ent.recognition_id) if ent.recognition_id else None
        entry = s.get(EnteredAmount, ent.entered_amount_id) if ent.entered_amount_id else None
        if clause.entered and not clause.is_floor:
            year = entry.year if entry is not None else date.today().year
        elif year is None:
            years = [i.year for i in ent.instalments]
            year = years[0] if years else rec.date.year if rec is not None else date.today().year
        enterable = clause.entered or clause.is_floor
        refusal = "" if enterable else f"{clause.article}{clause.title}按公式计算金额，不能录入金额"
        matching = clause.form == Form.MATCHING and clause.base_fact is not None and rec is not None
        allocation_fen, allocation_doc = None, ""
        if matching and rec is not None and clause.base_fact is not None:
            # as the engine reads the base: the figures named by the 认定文号, else an unambiguous year figure
            facts = s.scalars(
                select(Fact).where(
                    getattr(Fact, f"{ref.kind.value}_id") == ref.id,
                    Fact.year == rec.date.year + clause.base_year_offset,
                    Fact.indicator == clause.base_fact,
                    Fact.value.is_not(None),
                )
            ).all()
            named = [f for f in facts if f.item_ref and f.item_ref in (rec.doc_number, str(rec.id))]
            used = named or (facts if len({f.item_ref for f in facts}) <= 1 else [])
            if used:
                allocation_fen = round_fen(sum((f.value for f in used), Decimal(0)) * 100)
                allocation_doc = "、".join(dict.fromkeys(f.reference for f in used if f.reference))
        return EntryContext(
            entitlement_id=ent.id,
            subject=ref,
            subject_name=_subject_name(s, ref),
            clause_id=clause.id,
            clause_title=clause.title,
            article=clause.article,
            form_label=form_label(clause),
            year=year,
            recognition_id=ent.recognition_id,
            enterable=enterable,
            refusal=refusal,
            cap_fen=clause.cap_fen,
            floor_fen=clause.amount_fen if clause.is_floor else None,
            current_fen=ent.total_fen,
            standards=_standards(s, clause.id),
            matching=matching,
            base_fact=clause.base_fact or "",
            match_ratio=clause.match_ratio_min,
            allocation_fen=allocation_fen,
            allocation_doc=allocation_doc,
            decisions=decisions,
            trigger_year=rec.date.year if rec is not None else None,
            needs_document=bool(_settings(app).get("matching_default_needs_document", False)),
            entered_fen=entry.amount_fen if entry is not None else None,
            entered_basis=entry.basis if entry is not None and entry.decision_id is None else "",
            entered_decision_id=entry.decision_id if entry is not None else None,
            entered_district_fen=entry.district_fen if entry is not None else None,
        )


def check_entry(
    ctx: EntryContext,
    amount_fen: int | None,
    basis: str,
    decision_id: int | None = None,
    allocation_fen: int | None = None,
    allocation_doc: str | None = None,
    district_fen: int | None = None,
) -> dict[str, str]:
    """Field → reason, for the values typed so far (``amount_fen`` None: not a readable amount).

    For a matching item the floor is the recorded allocation × ratio, or the typed one
    (``allocation_fen``) when none is recorded yet; an allocation needs its document."""
    errors: dict[str, str] = {}
    if ctx.matching:
        base = allocation_fen if allocation_fen is not None else ctx.allocation_fen
        doc = allocation_doc if allocation_doc is not None else ctx.allocation_doc
        if base is None:
            errors["allocation"] = f"请填写{ctx.base_fact}（配套下限按其比例计算）"
        elif base <= 0:
            errors["allocation"] = f"{ctx.base_fact}须大于零"
        if ctx.needs_document and not (doc or "").strip():
            errors["allocation_doc"] = f"请填写{ctx.base_fact}的下达文件文号"
    match_floor = ctx.match_floor(allocation_fen)
    if amount_fen is None:
        errors["amount"] = "请填写金额，如 100000 或 10万元"
    elif amount_fen <= 0:
        errors["amount"] = "金额须大于零"
    elif ctx.cap_fen is not None and amount_fen > ctx.cap_fen:
        errors["amount"] = f"超过条款上限 {format_wan_short(ctx.cap_fen)}"
    elif ctx.floor_fen is not None and amount_fen < ctx.floor_fen:
        errors["amount"] = f"低于条款规定的下限 {format_wan_short(ctx.floor_fen)}（不低于）"
    elif match_floor is not None and amount_fen < match_floor:
        errors["amount"] = f"低于配套下限 {format_wan_short(match_floor)}（不低于{ctx.base_fact}的 1:1）"
    if district_fen is not None and amount_fen is not None and not 0 <= district_fen <= amount_fen:
        errors["district"] = "区财政承担部分须在 0 与金额之间"
    if not basis.strip() and decision_id is None:
        errors["basis"] = "请选择决定（会议纪要），或填写依据文号"
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
