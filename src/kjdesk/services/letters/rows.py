"""Reading letters and the instalments waiting for one, as plain rows for tables and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import Session, aliased

from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.register.subject_names import SubjectNames
from kjdesk.store.models import Entitlement, Instalment, Letter, Unit

FEW = 100  # up to this many letters, their replacements are looked up by id


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


@cache
def _select() -> Select:
    """The columns of a letter's row, joined to its unit, entitlement, instalment and the letter
    it replaces (built once: a select this size takes longer to build than to run for one letter)."""
    replacing = aliased(Letter)
    return (
        select(
            Letter.id, Letter.number, Letter.year, Letter.seq, Letter.kind, Letter.addressee,
            Unit.district, Entitlement.clause_id, Instalment.year, Letter.amount_fen,
            Letter.issued_on, Letter.issued_by, Letter.status, Letter.void_reason,
            replacing.number, Letter.sha256, Letter.instalment_id, Letter.entitlement_id,
        )
        .outerjoin(Unit, Unit.id == Letter.unit_id)
        .outerjoin(Entitlement, Entitlement.id == Letter.entitlement_id)
        .outerjoin(Instalment, Instalment.id == Letter.instalment_id)
        .outerjoin(replacing, replacing.id == Letter.replaces_id)
        .order_by(Letter.year, Letter.seq)
    )  # fmt: skip


def _rows(s: Session, where: Sequence[ColumnElement[bool]]) -> list[LetterRow]:
    """Letters as rows in number order: one joined query, and one for the letters replacing them."""
    q = _select().where(*where)
    found = s.execute(q).all()
    ids = {r[0] for r in found}
    replaced_by: dict[int, str] = {}
    newer = (
        select(Letter.replaces_id, Letter.number).where(Letter.replaces_id.is_not(None)).order_by(Letter.id)
    )
    if len(ids) <= FEW:  # one letter (just issued, voided): look for its own replacement only
        newer = newer.where(Letter.replaces_id.in_(ids))
    for old_id, number in s.execute(newer):
        if old_id in ids:
            replaced_by.setdefault(old_id, number)  # the first letter issued in its place
    return [
        LetterRow(
            id=r[0],
            number=r[1],
            year=r[2],
            seq=r[3],
            kind=r[4],
            addressee=r[5],
            district=r[6] or "",
            clause_id=r[7] or "",
            budget_year=r[8] if r[8] is not None else r[2],
            amount_fen=r[9],
            issued_on=r[10],
            issued_by=r[11],
            status=r[12],
            void_reason=r[13],
            replaces_number=r[14] or "",
            replaced_by_number=replaced_by.get(r[0], ""),
            sha256=r[15],
            instalment_id=r[16],
            entitlement_id=r[17],
        )
        for r in found
    ]


def letter_rows(s: Session, where: Sequence[ColumnElement[bool]]) -> list[LetterRow]:
    """The letters matching ``where`` as rows, in number order (one query)."""
    return _rows(s, where)


def letter_row(s: Session, letter: Letter) -> LetterRow:
    (row,) = _rows(s, [Letter.id == letter.id])
    return row


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
    i, e = Instalment, Entitlement
    q = (
        select(
            i.id, i.entitlement_id, i.year, e.clause_id, i.amount_fen,
            e.unit_id, e.platform_id, e.person_id, e.payee_unit_id,
        )
        .join(e, e.id == i.entitlement_id)
        .where(i.state.in_(states), i.amount_fen > 0, i.pending_amount_fen.is_(None))
        .order_by(e.clause_id, i.id)
    )  # fmt: skip
    if year is not None:
        q = q.where(i.year == year)
    if clause_id:
        q = q.where(e.clause_id == clause_id)
    found = [r for r in s.execute(q) if r.id not in lettered]
    names = SubjectNames.read(s, found)
    rows = []
    for r in found:
        unit_id, addressee = _addressed(names, r)
        unit_district = names.units[unit_id][2] if unit_id is not None else ""
        if district and unit_district != district:
            continue
        rows.append(
            PendingLetter(r.id, r.entitlement_id, r.year, r.clause_id, addressee, unit_district, r.amount_fen)
        )
    return rows


def _addressed(names: SubjectNames, r: Row) -> tuple[int | None, str]:
    """The unit a letter goes to and its 主送, as ``letter_content.payee_of`` decides them."""
    if r.person_id is not None and r.payee_unit_id is None:
        name, employer, _number = names.people[r.person_id]
        return employer, f"{name}同志"
    if r.platform_id is not None:
        unit_id = r.payee_unit_id or names.platforms[r.platform_id][1]
        return unit_id, names.units[unit_id][0]
    unit_id = r.payee_unit_id or r.unit_id
    if unit_id is None or unit_id not in names.units:
        raise ServiceError(f"应享资金 {r.entitlement_id} 没有可主送的单位")
    return unit_id, names.units[unit_id][0]


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
    where: list[ColumnElement[bool]] = []
    if year is not None:
        where.append(Letter.year == year)
    if status:
        where.append(Letter.status == status)
    with app.db.session() as s:
        rows = _rows(s, where)
    return [
        r
        for r in rows
        if (budget_year is None or r.budget_year == budget_year)
        and (not clause_id or r.clause_id == clause_id)
        and (not district or r.district == district)
    ]
