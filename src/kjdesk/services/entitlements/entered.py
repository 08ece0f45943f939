"""Officer-entered amounts (D5, D8): DISCRETIONARY, MATCHING, floors and agreement amounts.

An entry carries its basis (文号 or 会议纪要). It is refused — and nothing is written —
when the engine, recomputing with it, finds it below a floor or above a stated cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kjdesk.policy.model import EntitlementStatus, SubjectRef
from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import recompute_subjects
from kjdesk.store import audit
from kjdesk.store.models import ClauseStandard, EnteredAmount, Entitlement
from kjdesk.validation import control_errors, normalize_text


@dataclass(frozen=True)
class EnteredInput:
    subject: SubjectRef
    clause_id: str
    year: int
    amount_fen: int
    basis: str
    recognition_id: int | None = None
    item_ref: str = ""


def enter_amount(app: App, data: EnteredInput) -> int:
    """Record an officer's amount for a clause; returns the entry's id."""
    from kjdesk.policy.catalog import load_builtin

    city = require_bureau(app).city
    policy = load_builtin(city)
    try:
        clause = policy.clause(data.clause_id)
    except KeyError:
        raise ValidationFailed({"clause_id": f"没有条款“{data.clause_id}”"}) from None
    errors: dict[str, str] = {}
    if not (clause.entered or clause.is_floor):
        errors["clause_id"] = f"条款 {clause.id} 按公式计算金额，不能录入金额"
    if not normalize_text(data.basis):
        errors["basis"] = "请填写依据（批复文号或会议纪要）"
    if data.amount_fen <= 0:
        errors["amount_fen"] = "金额须大于零"
    errors.update(control_errors(data, {"basis": "依据", "item_ref": "项目编号"}))
    if errors:
        raise ValidationFailed(errors)
    cols = {"unit_id": None, "platform_id": None, "person_id": None}
    cols[f"{data.subject.kind.value}_id"] = data.subject.id
    with app.db.session() as s:
        entry = EnteredAmount(
            clause_id=clause.id,
            year=data.year,
            amount_fen=data.amount_fen,
            basis=normalize_text(data.basis),
            recognition_id=data.recognition_id,
            item_ref=data.item_ref,
            entered_by=app.actor,
            **cols,
        )
        s.add(entry)
        s.flush()
        audit.record(
            s,
            app.actor,
            "录入金额",
            "entered_amount",
            entry.id,
            None,
            {"clause_id": clause.id, "year": data.year, "amount_fen": data.amount_fen, "basis": entry.basis},
        )
        recompute_subjects(s, app.actor, city, {data.subject})
        refused = s.scalars(
            select(Entitlement).where(
                Entitlement.clause_id == clause.id,
                Entitlement.status == EntitlementStatus.NOT_ELIGIBLE.value,
                getattr(Entitlement, f"{data.subject.kind.value}_id") == data.subject.id,
            )
        ).all()
        for ent in refused:
            if "录入金额" in ent.explanation:
                reason = next((ln for ln in reversed(ent.explanation.splitlines()) if "录入金额" in ln), "")
                raise ServiceError(f"录入金额未被接受：{reason}")
        return entry.id


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
