"""Writing an import's ``Ops`` inside the caller's transaction, in bulk.

Inserts go through ``session.execute(insert(Model), rows)`` and updates through the ORM's
bulk update by primary key; subjects the same file registers are resolved to their new ids
with one query per table. One audit event records the whole import (ids added, before and
after of every update); the touched subjects' entitlements are recomputed in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.imports.match import Ops
from kjdesk.store import audit
from kjdesk.store.bulk import insert_rows
from kjdesk.store.models import Fact, Person, Platform, Recognition, Unit, utcnow

SUBJECT_COLUMNS = {"unit": "unit_id", "platform": "platform_id", "person": "person_id"}
KIND_OF = {"unit": SubjectKind.UNIT, "platform": SubjectKind.PLATFORM, "person": SubjectKind.PERSON}
CHUNK = 20_000


@dataclass
class Written:
    added: dict[str, int]
    updated: dict[str, int]
    subjects: set[SubjectRef]
    audit_after: dict[str, Any]
    audit_before: dict[str, Any]


class _Resolver:
    """Pending subject keys ("new:CODE", "new:CODE|NAME") → the ids the inserts gave them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.units: dict[str, int] = {}
        self.platforms: dict[tuple[int, str], int] = {}
        self.people: dict[str, int] = {}
        self.known: dict[tuple[str, Any], tuple[int | None, int | None, int | None]] = {}  # ``columns``

    def refresh_units(self) -> None:
        self.units = {c: i for c, i in self.session.execute(select(Unit.credit_code, Unit.id))}

    def refresh_platforms(self) -> None:
        rows = self.session.execute(select(Platform.host_unit_id, Platform.name, Platform.id))
        self.platforms = {(h, n): i for h, n, i in rows}

    def refresh_people(self) -> None:
        self.people = {n: i for n, i in self.session.execute(select(Person.id_number, Person.id))}

    def unit(self, ref: tuple[str, Any]) -> int:
        return ref[1] if isinstance(ref[1], int) else self.units[ref[1][4:]]

    def columns(self, ref: tuple[str, Any]) -> tuple[int | None, int | None, int | None]:
        """(unit_id, platform_id, person_id) of a subject key."""
        got = self.known.get(ref)
        if got is None:
            kind, sid = self.subject(ref)
            got = self.known[ref] = (
                sid if kind == "unit" else None,
                sid if kind == "platform" else None,
                sid if kind == "person" else None,
            )
        return got

    def subject(self, ref: tuple[str, Any]) -> tuple[str, int]:
        kind, key = ref
        if isinstance(key, int):
            return kind, key
        if kind == "unit":
            return kind, self.units[key[4:]]
        if kind == "platform":
            code, name = key[4:].split("|", 1)
            return kind, self.platforms[(self.units[code], name)]
        return kind, self.people[key[4:]]


def _max_id(session: Session, model: type) -> int:
    return session.scalar(select(func.max(model.id))) or 0


def _bulk_insert(
    session: Session,
    model: type,
    rows: list[dict[str, Any]],
    check,  # noqa: ANN001
    subjects: _Resolver | None = None,
) -> tuple[int, int] | None:
    """Insert ``rows``; return the (first, last) ids they received, or None.

    With ``subjects``, each row's "subject" (a registered or pending subject key) is written
    as its unit_id, platform_id and person_id."""
    if not rows:
        return None
    before = _max_id(session, model)
    now = utcnow()
    table = model.__table__
    own = [k for k in rows[0] if k != "subject"]
    names = [*own, *(SUBJECT_COLUMNS.values() if subjects is not None else ()), "created_at", "updated_at"]
    fill = _defaults(table, names)  # columns the rows leave out: their defaults, as SQLAlchemy gives them
    names += fill
    tail = (now, now, *fill.values())
    one = own[0]
    get = itemgetter(*own) if len(own) > 1 else (lambda r: (r[one],))
    for start in range(0, len(rows), CHUNK):
        check()
        chunk = rows[start : start + CHUNK]
        try:
            if subjects is None:
                values = [get(r) + tail for r in chunk]
            else:
                columns, known = subjects.columns, subjects.known
                values = [get(r) + (known.get(r["subject"]) or columns(r["subject"])) + tail for r in chunk]
        except KeyError:  # rows of different shapes: SQLAlchemy says what is missing, as it always has
            chunk = [_subject_row(subjects, row) for row in chunk] if subjects is not None else chunk
            session.execute(insert(table), [{**r, "created_at": now, "updated_at": now} for r in chunk])
            continue
        insert_rows(session, table, names, values)
    return before + 1, _max_id(session, model)


def _defaults(table, names: list[str]) -> dict[str, Any]:  # noqa: ANN001 - a sqlalchemy Table
    """The columns of ``table`` not in ``names`` with what an INSERT leaving them out would store:
    a scalar Python default, or NULL for a nullable column without any default (so that the
    insert can hand the driver every column at once, ``store.bulk.insert_rows``)."""
    out: dict[str, Any] = {}
    for c in table.columns:
        if c.primary_key or c.key in names:
            continue
        if c.default is not None and c.default.is_scalar:
            out[c.key] = c.default.arg
        elif c.default is None and c.server_default is None and c.nullable:
            out[c.key] = None
    return out


def _bulk_update(session: Session, model: type, changes: dict[int, tuple[dict, dict]]) -> None:
    if not changes:
        return
    now = utcnow()
    session.execute(
        update(model), [{"id": i, **after, "updated_at": now} for i, (_b, after) in changes.items()]
    )


def _subject_row(resolver: _Resolver, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "subject"}
    kind, sid = resolver.subject(row["subject"])
    out.update(unit_id=None, platform_id=None, person_id=None)
    out[SUBJECT_COLUMNS[kind]] = sid
    return out


def write_ops(session: Session, ops: Ops, check) -> Written:  # noqa: ANN001
    """Apply every insert and update of ``ops``; ``check`` is called between chunks (cancel)."""
    r = _Resolver(session)
    added: dict[str, Any] = {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}

    def note_updates(name: str, changes: dict[int, tuple[dict, dict]]) -> None:
        if changes:
            before[name] = {str(i): b for i, (b, _a) in changes.items()}
            after[name] = {str(i): a for i, (_b, a) in changes.items()}

    added["units"] = _bulk_insert(session, Unit, list(ops.unit_inserts.values()), check)
    _bulk_update(session, Unit, ops.unit_updates)
    note_updates("units", ops.unit_updates)
    r.refresh_units()
    if ops.platform_inserts:
        rows = [
            {k: v for k, v in p.items() if k != "host"} | {"host_unit_id": r.unit(p["host"])}
            for p in ops.platform_inserts.values()
        ]
        added["platforms"] = _bulk_insert(session, Platform, rows, check)
    _bulk_update(session, Platform, ops.platform_updates)
    note_updates("platforms", ops.platform_updates)
    r.refresh_platforms()
    added["people"] = _bulk_insert(session, Person, list(ops.person_inserts.values()), check)
    _bulk_update(session, Person, ops.person_updates)
    note_updates("people", ops.person_updates)
    if ops.person_inserts:
        r.refresh_people()
    check()
    added["recognitions"] = _bulk_insert(session, Recognition, ops.recognition_inserts, check, r)
    _bulk_update(session, Recognition, ops.recognition_updates)
    note_updates("recognitions", ops.recognition_updates)
    added["facts"] = _bulk_insert(session, Fact, ops.fact_inserts, check, r)
    _bulk_update(session, Fact, ops.fact_updates)
    note_updates("facts", ops.fact_updates)
    subjects = set()
    for ref in ops.touched:
        kind, sid = r.subject(ref)
        subjects.add(SubjectRef(KIND_OF[kind], sid))
    counts_added = {
        "units": len(ops.unit_inserts),
        "platforms": len(ops.platform_inserts),
        "people": len(ops.person_inserts),
        "recognitions": len(ops.recognition_inserts),
        "facts": len(ops.fact_inserts),
    }
    counts_updated = {
        "units": len(ops.unit_updates),
        "platforms": len(ops.platform_updates),
        "people": len(ops.person_updates),
        "recognitions": len(ops.recognition_updates),
        "facts": len(ops.fact_updates),
    }
    audit_after = {"added_ids": {k: list(v) for k, v in added.items() if v}, "updated": after}
    return Written(counts_added, counts_updated, subjects, audit_after, before)


def record_audit(
    session: Session, actor: str, import_id: int, summary: dict[str, Any], written: Written
) -> None:
    audit.record(
        session,
        actor,
        "导入",
        "imports",
        import_id,
        written.audit_before or None,
        {**summary, **written.audit_after},
    )


RECOMPUTE_CHUNK = 5000  # subjects per recompute call: memory stays bounded on a 100,000-row roster


class _ChunkProgress:
    """One progress bar across the chunks: ``value`` of a chunk is offset by the subjects before it."""

    def __init__(self, outer, total: int) -> None:  # noqa: ANN001 - a Progress
        self.outer, self.offset = outer, 0
        outer.set_total(total)

    def set_total(self, total: int) -> None:
        pass

    def set_value(self, value: int) -> None:
        self.outer.set_value(self.offset + value)

    def set_status(self, text: str) -> None:
        self.outer.set_status(text)

    def is_cancelled(self) -> bool:
        return self.outer.is_cancelled()

    def check(self) -> None:
        self.outer.check()


def recompute(session: Session, actor: str, city: str, subjects: set[SubjectRef], progress) -> str:  # noqa: ANN001
    """Recompute the entitlements of the touched subjects in this transaction; a short summary.

    Large imports are recomputed a chunk of subjects at a time, the session emptied after
    each (everything is flushed, nothing committed), so memory does not grow with the roster."""
    if not subjects:
        return ""
    from kjdesk.services.entitlements import RecomputeSummary, recompute_subjects

    progress.set_status("正在重算应享资金")
    refs = sorted(subjects, key=lambda r: (r.kind.value, r.id))
    chunked = _ChunkProgress(progress, len(refs))
    total = RecomputeSummary()
    for start in range(0, len(refs), RECOMPUTE_CHUNK):
        chunked.offset = start
        total += recompute_subjects(session, actor, city, set(refs[start : start + RECOMPUTE_CHUNK]), chunked)
        if len(refs) > RECOMPUTE_CHUNK:
            session.flush()
            session.expunge_all()
    return (
        f"重算 {total.subjects} 个对象的应享资金：新增 {total.added}、变化 {total.changed}、"
        f"撤销 {total.removed}、待复核 {total.flagged}"
    )
