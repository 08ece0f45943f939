"""Reading letters and the instalments waiting for one, as plain rows for tables and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from kjdesk.services.app import App
from kjdesk.services.letter_content import payee_of
from kjdesk.store.models import Entitlement, Instalment, Letter, Unit


@dataclass(frozen=True)
class LetterRow:
    id: int
    number: str
    year: int  # the year of the number (the year it was issued)
    seq: int
    kind: str
    addressee: str
    district: str
    clause_id: str
    budget_year: int  # the instalment's year (the issue year for a whole-entitlement letter)
    amount_fen: int
    issued_on: date
    issued_by: str
    status: str  # 有效 / 已作废
    void_reason: str
    replaces_number: str
    replaced_by_number: str
    sha256: str
    instalment_id: int | None
    entitlement_id: int


@dataclass(frozen=True)
class PendingLetter:
    """An approved instalment without a valid letter."""

    instalment_id: int
    entitlement_id: int
    year: int
    clause_id: str
    addressee: str
    district: str
    amount_fen: int


def letter_row(s: Session, letter: Letter) -> LetterRow:
    ent = s.get(Entitlement, letter.entitlement_id)
    unit = s.get(Unit, letter.unit_id) if letter.unit_id else None
    inst = s.get(Instalment, letter.instalment_id) if letter.instalment_id else None
    replaces = s.get(Letter, letter.replaces_id) if letter.replaces_id else None
    replaced_by = s.scalars(select(Letter.number).where(Letter.replaces_id == letter.id)).first()
    return LetterRow(
        id=letter.id,
        number=letter.number,
        year=letter.year,
        seq=letter.seq,
        kind=letter.kind,
        addressee=letter.addressee,
        district=unit.district if unit else "",
        clause_id=ent.clause_id if ent else "",
        budget_year=inst.year if inst else letter.year,
        amount_fen=letter.amount_fen,
        issued_on=letter.issued_on,
        issued_by=letter.issued_by,
        status=letter.status,
        void_reason=letter.void_reason,
        replaces_number=replaces.number if replaces else "",
        replaced_by_number=replaced_by or "",
        sha256=letter.sha256,
        instalment_id=letter.instalment_id,
        entitlement_id=letter.entitlement_id,
    )


def pending_rows(
    s: Session,
    year: int | None,
    states: tuple[str, ...],
    *,
    clause_id: str | None = None,
    district: str | None = None,
) -> list[PendingLetter]:
    lettered = set(
        s.scalars(
            select(Letter.instalment_id).where(Letter.status == "有效", Letter.instalment_id.is_not(None))
        )
    )
    q = (
        select(Instalment)
        .join(Entitlement)
        .where(Instalment.state.in_(states), Instalment.amount_fen > 0)
        .where(Instalment.pending_amount_fen.is_(None))
        .options(selectinload(Instalment.entitlement))
        .order_by(Entitlement.clause_id, Instalment.id)
    )
    if year is not None:
        q = q.where(Instalment.year == year)
    if clause_id:
        q = q.where(Entitlement.clause_id == clause_id)
    rows = []
    for inst in s.scalars(q):
        if inst.id in lettered:
            continue
        payee = payee_of(s, inst.entitlement)
        unit_district = payee.unit.district if payee.unit else ""
        if district and unit_district != district:
            continue
        rows.append(
            PendingLetter(
                inst.id,
                inst.entitlement_id,
                inst.year,
                inst.entitlement.clause_id,
                payee.addressee,
                unit_district,
                inst.amount_fen,
            )
        )
    return rows


def list_letters(
    app: App,
    year: int | None = None,
    *,
    budget_year: int | None = None,
    clause_id: str | None = None,
    district: str | None = None,
    status: str | None = None,
) -> list[LetterRow]:
    """Issued letters in number order. ``year`` is the year of the number, ``budget_year``
    the year of the instalment paid."""
    with app.db.session() as s:
        q = select(Letter).options(defer(Letter.pdf)).order_by(Letter.year, Letter.seq)
        if year is not None:
            q = q.where(Letter.year == year)
        if status:
            q = q.where(Letter.status == status)
        rows = [letter_row(s, letter) for letter in s.scalars(q)]
    return [
        r
        for r in rows
        if (budget_year is None or r.budget_year == budget_year)
        and (not clause_id or r.clause_id == clause_id)
        and (not district or r.district == district)
    ]
