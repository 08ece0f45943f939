"""Officer-entered amounts (D5, D8): DISCRETIONARY, MATCHING, floors and agreement amounts.

An entry carries its basis: a recorded 决定 (``services.decisions``) or a 文号, and the year it
is paid in (the officer's choice). It is refused — and nothing is written — when the engine,
recomputing with it, finds it below a floor or the 1:1 match, or above a stated cap. A batch
(``enter_batch``: one amount, one decision, one payment year for many waiting items) is all
or nothing. ``record_allocation`` records the 自治区 allocation a matching item rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from kjdesk.policy.model import EntitlementStatus, SubjectRef
from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.decisions import decision_label
from kjdesk.services.entitlements import recompute_subjects, subject_ref_of
from kjdesk.store import audit
from kjdesk.store.models import ClauseStandard, Decision, EnteredAmount, Entitlement, Fact, Recognition
from kjdesk.validation import control_errors, normalize_text

MAKERS = ("经办人", "管理员")


@dataclass(frozen=True)
class EnteredInput:
    subject: SubjectRef
    clause_id: str
    year: int  # the year the amount is paid in (the officer's choice; not the recognition's year)
    amount_fen: int
    basis: str = ""  # free text (文号); with ``decision_id`` the decision names itself
    recognition_id: int | None = None
    item_ref: str = ""
    decision_id: int | None = None
    district_fen: int | None = None  # the 区财政 part when city and district both pay


def enter_amount(app: App, data: EnteredInput) -> int:
    """Record an officer's amount for a clause; returns the entry's id."""
    return enter_amounts(app, [data])[0]


def _check(clause, data: EnteredInput, basis: str) -> dict[str, str]:  # noqa: ANN001 - Clause
    errors: dict[str, str] = {}
    if not (clause.entered or clause.is_floor):
        errors["clause_id"] = f"条款 {clause.id} 按公式计算金额，不能录入金额"
    if not basis:
        errors["basis"] = "请选择决定（会议纪要）或填写依据（批复文号）"
    if data.amount_fen <= 0:
        errors["amount_fen"] = "金额须大于零"
    elif data.district_fen is not None and not 0 <= data.district_fen <= data.amount_fen:
        errors["district_fen"] = "区财政承担部分须在 0 与金额之间"
    if not 2000 <= data.year <= 2100:
        errors["year"] = f"拨付年度 {data.year} 不合理"
    errors.update(control_errors(data, {"basis": "依据", "item_ref": "项目编号"}))
    return errors


def enter_amounts(app: App, items: Sequence[EnteredInput]) -> list[int]:
    """Record several amounts in one transaction (a batch): all are kept, or none.

    Each is judged by the engine as it recomputes its subject; the first refusal (below a
    floor or the 1:1 match, above a cap) undoes the whole batch and names the subject."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.core.officers import require_role

    require_role(app, *MAKERS)  # the 复核人 approves what a 经办人 entered (maker–checker)
    city = require_bureau(app).city
    policy = load_builtin(city)
    if not items:
        raise ServiceError("没有选择要录入金额的事项")
    with app.db.session() as s:
        decisions: dict[int, Decision] = {}
        entries: list[tuple[EnteredAmount, EnteredInput]] = []
        for n, data in enumerate(items, 1):
            try:
                clause = policy.clause(data.clause_id)
            except KeyError:
                raise ValidationFailed({"clause_id": f"没有条款“{data.clause_id}”"}) from None
            decision = None
            if data.decision_id is not None:
                decision = decisions.get(data.decision_id) or s.get(Decision, data.decision_id)
                if decision is None:
                    raise ValidationFailed({"decision": f"决定（编号 {data.decision_id}）不存在"})
                decisions[decision.id] = decision
            basis = normalize_text(data.basis) or (
                decision_label(decision.kind, decision.number) if decision is not None else ""
            )
            errors = _check(clause, data, basis)
            if errors:
                if len(items) > 1:
                    errors = {k: f"第 {n} 项：{v}" for k, v in errors.items()}
                raise ValidationFailed(errors)
            cols = {"unit_id": None, "platform_id": None, "person_id": None}
            cols[f"{data.subject.kind.value}_id"] = data.subject.id
            entry = EnteredAmount(
                clause_id=clause.id,
                year=data.year,
                amount_fen=data.amount_fen,
                basis=basis,
                recognition_id=data.recognition_id,
                item_ref=data.item_ref,
                entered_by=app.actor,
                decision_id=data.decision_id,
                district_fen=data.district_fen,
                **cols,
            )
            s.add(entry)
            s.flush()
            entries.append((entry, data))
            audit.record(
                s,
                app.actor,
                "录入金额",
                "entered_amount",
                entry.id,
                None,
                {
                    "clause_id": clause.id,
                    "year": data.year,
                    "amount_fen": data.amount_fen,
                    "basis": entry.basis,
                    "decision_id": data.decision_id,
                    "recognition_id": data.recognition_id,
                    "district_fen": data.district_fen,
                },
            )
        recompute_subjects(s, app.actor, city, {d.subject for _e, d in entries})
        for entry, data in entries:
            _refuse_if_not_taken(s, entry, data, len(items) > 1)
        return [e.id for e, _d in entries]


def _refuse_if_not_taken(s, entry: EnteredAmount, data: EnteredInput, batch: bool) -> None:  # noqa: ANN001
    """Undo (by raising) when the engine refused or did not take the entry."""
    column = getattr(Entitlement, f"{data.subject.kind.value}_id")
    refused = s.scalars(
        select(Entitlement).where(
            Entitlement.clause_id == entry.clause_id,
            Entitlement.status == EntitlementStatus.NOT_ELIGIBLE.value,
            column == data.subject.id,
        )
    ).all()
    marker = f"录入记录号 {entry.id}）"
    for ent in refused:
        lines = ent.explanation.splitlines()
        mine = any(marker in ln for ln in lines) or f"entered:{entry.id}" in ent.key
        if mine or (not batch and "录入金额" in ent.explanation):
            reason = next((ln for ln in reversed(lines) if ln.startswith("结论：")), "")
            who = f"（{_subject_text(s, data)}）" if batch else ""
            raise ServiceError(f"录入金额未被接受{who}：{reason.removeprefix('结论：')}")


def _subject_text(s, data: EnteredInput) -> str:  # noqa: ANN001 - Session
    from kjdesk.services.register.records import describe_subject

    return describe_subject(s, data.subject)[0] or f"{data.subject.kind.value}:{data.subject.id}"


def input_for_entitlement(
    app: App,
    entitlement_id: int,
    amount_fen: int,
    year: int | None = None,
    *,
    decision_id: int | None = None,
    basis: str = "",
    district_fen: int | None = None,
) -> EnteredInput:
    """The entry for one stored entitlement (as ``kjdesk entitlements`` lists it): its subject,
    clause and recognition; paid in ``year`` (default: the current year, never silently the
    recognition's year)."""
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError(f"应享资金 {entitlement_id} 不存在（可能已重新计算），请重新列出后再试")
        item_ref = ""
        if ent.recognition_id is None and ent.entered_amount_id is not None:
            prior = s.get(EnteredAmount, ent.entered_amount_id)
            item_ref = prior.item_ref if prior is not None else ""
        elif ent.recognition_id is None and "|item:" in ent.key:
            item_ref = ent.key.split("|item:", 1)[1].rsplit("|", 1)[0]
        return EnteredInput(
            subject=subject_ref_of(ent),
            clause_id=ent.clause_id,
            year=year if year is not None else date.today().year,
            amount_fen=amount_fen,
            basis=basis,
            recognition_id=ent.recognition_id,
            item_ref=item_ref,
            decision_id=decision_id,
            district_fen=district_fen,
        )


def enter_batch(
    app: App,
    entitlement_ids: Sequence[int],
    amount_fen: int,
    year: int,
    *,
    decision_id: int | None = None,
    basis: str = "",
) -> list[int]:
    """One amount, one decision, one payment year for many waiting items (all or none)."""
    if not entitlement_ids:
        raise ServiceError("请至少选择一项待决定事项")
    items = [
        input_for_entitlement(app, eid, amount_fen, year, decision_id=decision_id, basis=basis)
        for eid in dict.fromkeys(entitlement_ids)
    ]
    return enter_amounts(app, items)


def record_allocation(app: App, entitlement_id: int, amount_fen: int, document: str) -> None:
    """Record the 自治区 allocation a matching item rests on (figure and 文号), then recompute it."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.core.officers import require_role

    require_role(app, *MAKERS)
    city = require_bureau(app).city
    document = normalize_text(document)
    errors: dict[str, str] = {}
    if amount_fen <= 0:
        errors["allocation"] = "自治区资助额须大于零"
    if not document:
        errors["allocation_doc"] = "请填写自治区下达资金的文件文号"
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError(f"应享资金 {entitlement_id} 不存在（可能已重新计算），请刷新后再试")
        clause = load_builtin(city).clause(ent.clause_id)
        rec = s.get(Recognition, ent.recognition_id) if ent.recognition_id else None
        if clause.base_fact is None or rec is None:
            raise ServiceError(f"条款 {clause.id} 不是按认定项目配套的条款，不能登记自治区资助额")
        year = rec.date.year + clause.base_year_offset
        item_ref = rec.doc_number or str(rec.id)
        ref = subject_ref_of(ent)
        column = f"{ref.kind.value}_id"
        fact = s.scalar(
            select(Fact).where(
                getattr(Fact, column) == ref.id,
                Fact.year == year,
                Fact.indicator == clause.base_fact,
                Fact.item_ref == item_ref,
            )
        )
        before = None if fact is None else {"value": str(fact.value), "reference": fact.reference}
        value = Decimal(amount_fen) / 100
        if fact is None:
            fact = Fact(
                year=year, indicator=clause.base_fact, item_ref=item_ref, unit_label="元", **{column: ref.id}
            )
            s.add(fact)
        fact.value, fact.reference = value, document
        s.flush()
        audit.record(
            s,
            app.actor,
            "登记自治区资助额",
            "fact",
            fact.id,
            before,
            {"value": str(value), "reference": document, "item_ref": item_ref, "year": year},
        )
        recompute_subjects(s, app.actor, city, {ref})


def set_standard(app: App, clause_id: str, year: int, amount_fen: int, basis: str) -> None:
    """A yearly standard per clause that pre-fills entered amounts (e.g. 乌海 2023 年新认定高企 10 万元)."""
    from kjdesk.policy.catalog import load_builtin

    city = require_bureau(app).city
    clause = load_builtin(city).clause(clause_id)
    if not clause.entered:
        raise ServiceError(f"条款 {clause_id} 按公式计算金额，不需要年度标准")
    if clause.cap_fen is not None and amount_fen > clause.cap_fen:
        raise ServiceError("年度标准超过条款上限")
    with app.db.session() as s:
        row = s.scalar(
            select(ClauseStandard).where(ClauseStandard.clause_id == clause_id, ClauseStandard.year == year)
        )
        before = None if row is None else {"amount_fen": row.amount_fen, "basis": row.basis}
        if row is None:
            row = ClauseStandard(clause_id=clause_id, year=year, amount_fen=amount_fen, basis=basis)
            s.add(row)
        else:
            row.amount_fen, row.basis = amount_fen, basis
        s.flush()
        audit.record(
            s,
            app.actor,
            "设置年度标准",
            "clause_standard",
            f"{clause_id}/{year}",
            before,
            {"amount_fen": amount_fen, "basis": basis},
        )
        recompute_subjects(s, app.actor, city, None)


def entitlement_clause(app: App, entitlement_id: int) -> str:
    """The clause of a stored entitlement (as ``kjdesk entitlements`` lists it)."""
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        if ent is None:
            raise ServiceError(f"应享资金 {entitlement_id} 不存在（可能已重新计算），请重新列出后再试")
        return ent.clause_id
