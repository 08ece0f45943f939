"""Writing recomputed entitlements: compare with what is stored, then bulk insert / update / delete.

Works on plain records read with two Core queries, so recomputing 20,000 subjects does not
load 100,000 ORM objects or issue a query per entitlement. The rules: a new entitlement is
inserted with its instalments; a changed one is updated; an instalment already proposed,
approved or paid is never rewritten — the recomputed amount is recorded beside it and
flagged 待复核; one the register no longer supports is deleted if nothing was committed to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Table, Update, bindparam, delete, func, select
from sqlalchemy.orm import Session

from kjdesk.money import format_yuan
from kjdesk.policy.model import Entitlement as Computed
from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.entitlements.texts import Splitter
from kjdesk.store.bulk import insert_rows
from kjdesk.store.models import Entitlement, Instalment, utcnow

LOCKED_STATES = ("proposed", "approved", "paid")
ENTITLEMENT_FIELDS = (
    "clause_id",
    "status",
    "total_fen",
    "explanation",  # this entitlement's own lines (or their figures): see services/entitlements/texts.py
    "texts_id",
    "shape_id",
    "recognition_id",
    "payment_wording",
    "winner_clause_id",
    "deducted_fen",
    "payee_unit_id",
    "basis",
    "entered_amount_id",
    "waiting_year",
)
INSTALMENT_FIELDS = ("state", "amount_fen", "cancelled_reason", "pending_amount_fen", "review_note")
PLANNED = ("entitlement_id", "year", "amount_fen", "state", "cancelled_reason")  # a new instalment's own
NEW_INSTALMENT = {  # the columns a new instalment starts with, besides what the engine gives
    "state": "planned",
    "cancelled_reason": "",
    "pending_amount_fen": None,
    "review_note": "",
    "batch_id": None,
    "approved_by": "",
    "approved_at": None,
    "cancelled_by": "",
}


@dataclass
class StoredInstalment:
    id: int | None
    year: int
    amount_fen: int
    state: str
    cancelled_reason: str = ""
    pending_amount_fen: int | None = None
    review_note: str = ""
    cancelled_by: str = ""


@dataclass
class StoredEntitlement:
    id: int
    key: str
    values: tuple  # of ENTITLEMENT_FIELDS
    instalments: dict[int, StoredInstalment] = field(default_factory=dict)


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    removed: int = 0
    flagged: int = 0


def stored_key(ent: Computed) -> str:
    """The engine's key is stable per subject; the stored key adds the subject to be unique."""
    return f"{ent.subject.kind.value}:{ent.subject.id}|{ent.key}"


def load_stored(session: Session, where: list) -> dict[str, StoredEntitlement]:
    cols = [Entitlement.__table__.c[f] for f in ENTITLEMENT_FIELDS]
    stored: dict[str, StoredEntitlement] = {}
    by_id: dict[int, StoredEntitlement] = {}
    for row in session.execute(select(Entitlement.id, Entitlement.key, *cols).where(*where)):
        ent = StoredEntitlement(row[0], row[1], tuple(row[2:]))
        stored[ent.key] = by_id[ent.id] = ent
    if not by_id:
        return stored
    q = select(
        Instalment.id,
        Instalment.entitlement_id,
        Instalment.year,
        Instalment.amount_fen,
        Instalment.state,
        Instalment.cancelled_reason,
        Instalment.pending_amount_fen,
        Instalment.review_note,
        Instalment.cancelled_by,
    )
    if where:
        q = q.where(Instalment.entitlement_id.in_(list(by_id)))
    for iid, eid, year, amount, state, reason, pending, note, by in session.execute(q):
        owner = by_id.get(eid)
        if owner is not None:
            owner.instalments[year] = StoredInstalment(iid, year, amount, state, reason, pending, note, by)
    return stored


def update_instalment(inst: StoredInstalment, amount_fen: int, cancelled_reason: str) -> tuple[bool, int]:
    """Bring one stored instalment in line; returns (changed, flagged)."""
    if inst.state == "paid" and cancelled_reason:
        return False, 0  # D4: a revocation cancels what is unpaid; paid money stays as it was
    if inst.state == "cancelled" and inst.cancelled_by:
        return (
            False,
            0,
        )  # cancelled by an officer (with a reason, or accepting 0): stays as the officer left it
    if inst.state in LOCKED_STATES:
        differs = amount_fen != inst.amount_fen or bool(cancelled_reason)
        pending = (0 if cancelled_reason else amount_fen) if differs else None
        note = ""
        if differs:
            note = (
                f"待复核：原金额 {format_yuan(inst.amount_fen)} 元，重算金额 {format_yuan(pending or 0)} 元"
                + (f"（{cancelled_reason}）" if cancelled_reason else "")
            )
        if inst.pending_amount_fen == pending and inst.review_note == note:
            return False, 0
        inst.pending_amount_fen, inst.review_note = pending, note
        return True, int(differs)
    if cancelled_reason:
        if inst.state == "cancelled" and inst.cancelled_reason == cancelled_reason:
            return False, 0
        inst.state, inst.cancelled_reason = "cancelled", cancelled_reason
        return True, 0
    if inst.state == "planned" and inst.amount_fen == amount_fen:
        return False, 0
    inst.state, inst.amount_fen, inst.cancelled_reason = "planned", amount_fen, ""
    return True, 0


class Sync:
    """Collects the writes of one recomputation and performs them in bulk."""

    def __init__(self, city: str, texts: Splitter) -> None:
        self.city = city
        self.texts = texts
        self.counts = Counts()
        self._new: list[tuple] = []  # (key, city, unit, platform, person, *ENTITLEMENT_FIELDS)
        self._planned: dict[str, list[tuple]] = {}  # a new entitlement's instalments, by its key
        self._ent_updates: list[dict] = []
        self._inst_updates: list[dict] = []
        self._inst_inserts: list[tuple] = []  # of PLANNED
        self._deletes: list[int] = []

    def apply(
        self,
        stored: StoredEntitlement | None,
        ent: Computed,
        payee: SubjectRef | None,
        key: str | None = None,
    ) -> None:
        texts_id, shape_id, body = self.texts.split(ent)
        values = (  # in the order of ENTITLEMENT_FIELDS; a StrEnum's str() is its value
            ent.clause_id,
            str(ent.status),
            ent.total_fen,
            body,
            texts_id,
            shape_id,
            ent.recognition_id,
            ent.payment_wording,
            ent.winner_clause_id,
            ent.deducted_fen,
            payee.id if payee is not None and payee.kind == SubjectKind.UNIT else None,
            ent.basis,
            ent.entered_id,
            ent.waiting_year,
        )
        planned = [  # (year, amount, state, cancelled reason): PLANNED without the entitlement
            (p.year, p.amount_fen, "cancelled" if p.cancelled_reason else "planned", p.cancelled_reason)
            for p in ent.instalments
        ]
        if stored is None:
            key = key or stored_key(ent)
            kind, subject_id = ent.subject.kind, ent.subject.id
            self._new.append(
                (
                    key,
                    self.city,
                    subject_id if kind == SubjectKind.UNIT else None,
                    subject_id if kind == SubjectKind.PLATFORM else None,
                    subject_id if kind == SubjectKind.PERSON else None,
                    *values,
                )
            )
            if planned:
                self._planned[key] = planned
            self.counts.added += 1
            return
        changed = values != stored.values
        if changed:
            self._ent_updates.append(
                {"row_id": stored.id, **dict(zip(ENTITLEMENT_FIELDS, values, strict=True))}
            )
        new_years = set()
        for year, amount, state, reason in planned:
            new_years.add(year)
            inst = stored.instalments.get(year)
            if inst is None:
                self._inst_inserts.append((stored.id, year, amount, state, reason))
                changed = True
                continue
            changed |= self._update(inst, amount, reason)
        for year, inst in stored.instalments.items():
            if year not in new_years:
                changed |= self._update(inst, 0, "重算后该年度不再应享")
        self.counts.changed += int(changed)

    def _update(self, inst: StoredInstalment, amount_fen: int, reason: str) -> bool:
        changed, flagged = update_instalment(inst, amount_fen, reason)
        self.counts.flagged += flagged
        if changed:
            self._inst_updates.append({"row_id": inst.id, **{f: getattr(inst, f) for f in INSTALMENT_FIELDS}})
        return changed

    def retire(self, stored: StoredEntitlement) -> None:
        """An entitlement the register no longer supports."""
        if any(i.state in LOCKED_STATES for i in stored.instalments.values()):
            for inst in stored.instalments.values():
                self._update(inst, 0, "认定或数据已变更，重算后不再应享")
            return
        self._deletes.append(stored.id)
        self.counts.removed += 1

    def flush(self, session: Session) -> None:
        # Core statements on the tables with every column given: the ORM's bulk paths split an
        # executemany wherever a row's None columns differ and call the default per row
        # (measured: 7,900 statements for 20,000 entitlements, half the time of a first compute).
        now = utcnow()
        stamps = {"created_at": now, "updated_at": now}
        entitlements, instalments = Entitlement.__table__, Instalment.__table__
        if self._new:
            # A plain executemany, then the new ids by key: INSERT … RETURNING over many rows is
            # quadratic in SQLAlchemy's result splicing (measured: 20 s for 8,000 rows).
            names = ["key", "city", "unit_id", "platform_id", "person_id", *ENTITLEMENT_FIELDS, *stamps]
            highest = session.scalar(select(func.max(Entitlement.id))) or 0
            insert_rows(session, entitlements, names, [(*row, now, now) for row in self._new])
            # the new rows are those above the highest id before (ids are never given): one range read
            found = session.execute(
                select(Entitlement.id, Entitlement.key).where(Entitlement.id > highest)
            ).all()
            missing = {row[0] for row in self._new} - {key for _eid, key in found}
            for chunk in _chunks(sorted(missing), 500):  # a server whose sequence lags its ids
                found += session.execute(
                    select(Entitlement.id, Entitlement.key).where(Entitlement.key.in_(chunk))
                ).all()
            planned_by_key = self._planned
            for eid, key in found:
                planned = planned_by_key.get(key)
                if planned:
                    self._inst_inserts.extend((eid, *p) for p in planned)
        if self._ent_updates:
            session.execute(_update_by_id(entitlements, ENTITLEMENT_FIELDS), self._ent_updates)
        if self._inst_updates:
            session.execute(_update_by_id(instalments, INSTALMENT_FIELDS), self._inst_updates)
        if self._inst_inserts:
            # each new instalment: the engine's values (PLANNED), then the columns every one starts with
            fixed = {k: v for k, v in {**NEW_INSTALMENT, **stamps}.items() if k not in PLANNED}
            names = [*PLANNED, *fixed]
            rest = tuple(fixed.values())
            insert_rows(session, instalments, names, [(*row, *rest) for row in self._inst_inserts])
        for chunk in _chunks(self._deletes, 500):
            session.execute(delete(Instalment).where(Instalment.entitlement_id.in_(chunk)))
            session.execute(delete(Entitlement).where(Entitlement.id.in_(chunk)))
        session.expire_all()


def _update_by_id(table: Table, fields: tuple[str, ...]) -> Update:
    """``UPDATE table SET f = :f, …, updated_at = now WHERE id = :id`` for an executemany of dicts."""
    values = {f: bindparam(f) for f in fields}
    return table.update().where(table.c.id == bindparam("row_id")).values(**values, updated_at=utcnow())


def _chunks(items: list, n: int) -> list[list]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def subject_of_key(key: str) -> SubjectRef:
    """The subject of a stored key (``unit:12|…``)."""
    kind, _, rest = key.partition(":")
    return SubjectRef(SubjectKind(kind), int(rest.partition("|")[0]))


def group_by_subject(stored: dict[str, StoredEntitlement]) -> dict[SubjectRef, list[StoredEntitlement]]:
    out: dict[SubjectRef, list[StoredEntitlement]] = defaultdict(list)
    for key, ent in stored.items():
        out[subject_of_key(key)].append(ent)
    return out
