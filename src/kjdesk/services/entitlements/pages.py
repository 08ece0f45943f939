"""Reading entitlements for the 应享资金 page: the lines without their explanations, the first
screen first.

``services/entitlements/listing.py`` reads every line with its explanation (sheets, the CLI,
letters); the page shows 80,000 lines and more at a city's scale, and the explanation (three
quarters of the database) only of the line selected (``services/entitlements/detail.py``). So
the page reads here: ``first_lines`` the lines of the first entitlements (a screen and more, at
once), ``page_lines`` every line (on the read pool). Both in the order ``list_entitlements``
gives (by entitlement, year, instalment), with the same fields; ``explanation`` is left empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kjdesk.services.core.app import App
from kjdesk.services.disbursement.decisions import basis_of
from kjdesk.services.entitlements import STATE_LABELS
from kjdesk.services.entitlements.listing import PERSON, PLATFORM, UNIT, EntitlementLine
from kjdesk.services.register.subject_names import SubjectNames
from kjdesk.store.models import Entitlement, Instalment


@dataclass(frozen=True)
class FirstLines:
    lines: list[EntitlementLine]
    more: bool  # entitlements beyond these are still to be read


def first_lines(app: App, entitlements: int) -> FirstLines:
    """The lines of the first ``entitlements`` entitlements (by id): the page's first screen."""
    with app.db.session() as s:
        ids = list(s.scalars(select(Entitlement.id).order_by(Entitlement.id).limit(entitlements + 1)))
    if not ids:
        return FirstLines([], False)
    more = len(ids) > entitlements
    return FirstLines(_read(app, ids[:entitlements][-1]), more)


def page_lines(app: App) -> list[EntitlementLine]:
    """Every line, as ``list_entitlements(app)`` reads them but without the explanations."""
    return _read(app, None)


def _read(app: App, last_id: int | None) -> list[EntitlementLine]:
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.services.core.settings import require_bureau

    policy = load_builtin(require_bureau(app).city)
    clauses = {c.id: (c.title, c.article) for c in policy.clauses}
    e, i = Entitlement, Instalment
    q = (
        select(
            e.id, e.unit_id, e.platform_id, e.person_id, e.payee_unit_id, e.clause_id, e.total_fen,
            e.status, e.payment_wording, e.waiting_year, e.basis, e.entered_amount_id,
            i.id.label("instalment_id"), i.year, i.amount_fen, i.state, i.pending_amount_fen,
            i.review_note, i.cancelled_reason,
        )
        .select_from(e)
        .outerjoin(i, i.entitlement_id == e.id)
        .order_by(e.id, i.year, i.id)
    )  # fmt: skip
    if last_id is not None:
        q = q.where(e.id <= last_id)
    with app.db.session() as s:
        rows = s.execute(q).all()
        names = SubjectNames.read(s, rows)
        due = {r[0]: (r[10], r[11]) for r in rows if r[7] == "应享"}
        bases = basis_of(s, due, due)
    lines: list[EntitlementLine] = []
    append = lines.append
    no_clause = ("", "")
    for r in rows:
        (ent_id, u, pf, _pe, _payee, cid, total, ent_status, wording, waiting_year) = r[:10]
        (inst_id, inst_year, amount, state, pending, review, cancelled) = r[12:]
        waiting = inst_id is None and waiting_year is not None
        basis = bases.get(ent_id)
        name, unit_name, code, masked, dist = names.subject(r)
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
                explanation="",
                basis=basis.text if basis is not None else "",
                waiting=waiting,
            )
        )
    return lines
