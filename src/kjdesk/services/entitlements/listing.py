"""Reading entitlements: one line per instalment for tables, sheets and ``kjdesk entitlements``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import App
from kjdesk.services.disbursement.decisions import basis_of
from kjdesk.services.entitlements import STATE_LABELS
from kjdesk.services.entitlements.texts import Texts
from kjdesk.services.register.subject_names import SubjectNames
from kjdesk.store.models import Entitlement, Instalment


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
    basis: str = (
        ""  # what the amount rests on (a decision, a 年度标准, the allocation); "" for the text's own
    )
    waiting: bool = False  # 待录入金额: ``year`` is the year it would be paid in (its trigger's)


UNIT, PLATFORM, PERSON = SubjectKind.UNIT.value, SubjectKind.PLATFORM.value, SubjectKind.PERSON.value


def list_entitlements(
    app: App,
    year: int | None = None,
    clause_id: str | None = None,
    district: str | None = None,
    status: str | None = None,
    unit_id: int | None = None,
) -> list[EntitlementLine]:
    """One line per instalment (one line for an entitlement without any), by entitlement and year,
    each with its explanation."""
    e, i = Entitlement, Instalment
    where = []
    if clause_id:
        where.append(e.clause_id == clause_id)
    if status:
        where.append(e.status == status)
    if unit_id is not None:
        where.append(e.payee_unit_id == unit_id)
    if year is not None:  # a waiting item belongs to the year of its trigger until decided
        where.append(or_(i.year == year, and_(i.id.is_(None), e.waiting_year == year)))
    return read_lines(app, where, district=district, explanations=True)


def read_lines(
    app: App, where: list, *, district: str | None = None, explanations: bool = False
) -> list[EntitlementLine]:
    """The lines of the entitlements ``where`` selects (over entitlements ``e`` joined with their
    instalments ``i``), by entitlement, year and instalment; ``explanation`` filled only when
    ``explanations`` (the 应享资金 page reads the selected line's alone, ``detail.py``).

    Read as plain rows in one joined query (80,000 lines and more at a city's scale), with each
    subject's names read once."""
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.core.settings import require_bureau

    policy = load_builtin(require_bureau(app).city)
    clauses = {c.id: (c.title, c.article) for c in policy.clauses}
    e, i = Entitlement, Instalment
    told = (e.explanation_body, e.texts_id, e.shape_id) if explanations else ()
    q = (
        select(
            e.id, e.unit_id, e.platform_id, e.person_id, e.payee_unit_id, e.clause_id, e.total_fen,
            e.status, e.payment_wording, e.waiting_year, e.basis, e.entered_amount_id,
            i.id.label("instalment_id"), i.year, i.amount_fen, i.state, i.pending_amount_fen,
            i.review_note, i.cancelled_reason, *told,
        )
        .select_from(e)
        .outerjoin(i, i.entitlement_id == e.id)
        .where(*where)
        .order_by(e.id, i.year, i.id)
    )  # fmt: skip
    with app.db.session() as s:
        rows = s.execute(q).all()
        names = SubjectNames.read(s, rows)
        due = {r[0]: (r[10], r[11]) for r in rows if r[7] == "应享"}
        bases = basis_of(s, due, due)
        texts = Texts(s) if explanations else None
    lines: list[EntitlementLine] = []
    append = lines.append
    no_clause = ("", "")
    last_id, explanation = None, ""
    for r in rows:
        (ent_id, u, pf, _pe, _payee, cid, total, ent_status, wording, waiting_year) = r[:10]
        (inst_id, inst_year, amount, state, pending, review, cancelled) = r[12:19]
        name, unit_name, code, masked, dist = names.subject(r)
        if district and dist != district:
            continue
        if texts is not None and ent_id != last_id:  # the lines of one entitlement share one copy
            last_id, explanation = ent_id, texts.whole(r[20], r[21], r[19])
        waiting = inst_id is None and waiting_year is not None
        basis = bases.get(ent_id)
        title, article = clauses.get(cid, no_clause)
        append(
            EntitlementLine(
                entitlement_id=ent_id,
                instalment_id=inst_id,
                subject_kind=UNIT if u is not None else PLATFORM if pf is not None else PERSON,
                subject_name=name,
                unit_name=unit_name,
                credit_code=code,
                person_id_masked=masked,
                district=dist,
                clause_id=cid,
                clause_title=title,
                article=article,
                year=waiting_year if waiting else inst_year,
                amount_fen=amount if inst_id is not None else 0,
                total_fen=total,
                status=ent_status,
                state=STATE_LABELS.get(state, state) if inst_id is not None else "",
                payment_wording=wording,
                pending_amount_fen=pending,
                review_note=(review or cancelled) if inst_id is not None else "",
                explanation=explanation,
                basis=basis.text if basis is not None else "",
                waiting=waiting,
            )
        )
    return lines
