"""Reading entitlements: one line per instalment for tables, sheets and ``kjdesk entitlements``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kjdesk.policy.model import SubjectKind
from kjdesk.services.app import App
from kjdesk.services.entitlements import STATE_LABELS, subject_ref_of
from kjdesk.store.models import Entitlement, Instalment, Person, Platform, Unit
from kjdesk.validation import mask_id_number


@dataclass(frozen=True)
class EntitlementLine:
    entitlement_id: int
    instalment_id: int | None
    subject_kind: str
    subject_name: str
    unit_name: str  # the unit paid (the platform's host, the person's employer)
    credit_code: str
    person_id_masked: str
    district: str
    clause_id: str
    clause_title: str
    article: str
    year: int | None
    amount_fen: int
    total_fen: int
    status: str  # 应享 / 不重复享受 / …
    state: str  # 计划 / 已审批 / … (instalment)
    payment_wording: str
    pending_amount_fen: int | None
    review_note: str
    explanation: str


def _subject_info(session: Session, ent: Entitlement, cache: dict) -> tuple[str, str, str, str, str]:
    """(subject name, unit name, credit code, masked ID, district) of an entitlement's subject."""
    ref = subject_ref_of(ent)
    if ref in cache:
        return cache[ref]
    if ref.kind == SubjectKind.UNIT:
        u = session.get(Unit, ref.id)
        info = (u.name, u.name, u.credit_code, "", u.district)
    elif ref.kind == SubjectKind.PLATFORM:
        p = session.get(Platform, ref.id)
        info = (p.name, p.host.name, p.host.credit_code, "", p.host.district)
    else:
        person = session.get(Person, ref.id)
        emp = person.employer
        info = (
            person.name,
            emp.name if emp else "",
            emp.credit_code if emp else "",
            mask_id_number(person.id_number),
            emp.district if emp else "",
        )
    cache[ref] = info
    return info


def list_entitlements(
    app: App,
    year: int | None = None,
    clause_id: str | None = None,
    district: str | None = None,
    status: str | None = None,
    unit_id: int | None = None,
) -> list[EntitlementLine]:
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.settings import require_bureau

    policy = load_builtin(require_bureau(app).city)
    clauses = {c.id: c for c in policy.clauses}
    lines: list[EntitlementLine] = []
    cache: dict = {}
    with app.db.session() as s:
        q = select(Entitlement).options(selectinload(Entitlement.instalments)).order_by(Entitlement.id)
        if clause_id:
            q = q.where(Entitlement.clause_id == clause_id)
        if status:
            q = q.where(Entitlement.status == status)
        if unit_id is not None:
            q = q.where(Entitlement.payee_unit_id == unit_id)
        for ent in s.scalars(q):
            name, unit_name, code, masked, dist = _subject_info(s, ent, cache)
            if district and dist != district:
                continue
            clause = clauses.get(ent.clause_id)
            base = dict(
                entitlement_id=ent.id,
                subject_kind=subject_ref_of(ent).kind.value,
                subject_name=name,
                unit_name=unit_name,
                credit_code=code,
                person_id_masked=masked,
                district=dist,
                clause_id=ent.clause_id,
                clause_title=clause.title if clause else "",
                article=clause.article if clause else "",
                total_fen=ent.total_fen,
                status=ent.status,
                payment_wording=ent.payment_wording,
                explanation=ent.explanation,
            )
            instalments: list[Instalment] = list(ent.instalments)
            if not instalments:
                if year is None:
                    lines.append(
                        EntitlementLine(
                            instalment_id=None,
                            year=None,
                            amount_fen=0,
                            state="",
                            pending_amount_fen=None,
                            review_note="",
                            **base,
                        )
                    )
                continue
            for inst in instalments:
                if year is not None and inst.year != year:
                    continue
                lines.append(
                    EntitlementLine(
                        instalment_id=inst.id,
                        year=inst.year,
                        amount_fen=inst.amount_fen,
                        state=STATE_LABELS.get(inst.state, inst.state),
                        pending_amount_fen=inst.pending_amount_fen,
                        review_note=inst.review_note or inst.cancelled_reason,
                        **base,
                    )
                )
    return lines
