"""Binding the money to the audit chain: every row that carries money or its state is sealed.

A seal is the row's content as last written by kjdesk (``money_seals``: table, row id, the
content as canonical JSON, the audit event of that write). The audit chain carries the
*ledger*: the sum (mod 2^256) of the SHA-256 digests of every seal, written into the last
audit event of each transaction that changed such rows (``audit_events.seal``) and so
covered by the event's hash. Verification recomputes each row's content and compares it with
its seal (an edited, inserted or deleted row is named), and the seals with the ledger of the
newest event (a seal rewritten to match an edited row is detected too).

What a transaction wrote is known without asking each service: on SQLite, temporary
triggers (living only in kjdesk's own connections, never in the file) note each touched row
in ``temp.seal_dirty``; elsewhere (PostgreSQL) the ORM's flushes name the rows they wrote, and
a bulk statement on a sealed table has its whole table compared.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, event, func, select, text
from sqlalchemy.orm import Session

from kjdesk.store import audit
from kjdesk.store.concurrency import lock_name
from kjdesk.store.models import AuditEvent

SEALED: dict[str, tuple[str, ...]] = {
    "entitlements": (
        "key",
        "city",
        "clause_id",
        "status",
        "total_fen",
        "deducted_fen",
        "recognition_id",
        "payment_wording",
        "winner_clause_id",
        "payee_unit_id",
        "unit_id",
        "platform_id",
        "person_id",
    ),
    "instalments": (
        "entitlement_id",
        "year",
        "amount_fen",
        "state",
        "cancelled_reason",
        "pending_amount_fen",
        "batch_id",
        "approved_by",
        "approved_at",
        "cancelled_by",
    ),
    "approval_batches": (
        "year",
        "state",
        "proposed_by",
        "proposed_at",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
    ),
    "payments": (
        "instalment_id",
        "paid_on",
        "voucher_no",
        "amount_fen",
        "reverses_id",
        "reason",
        "recorded_by",
        "recorded_at",
    ),
    "letters": (
        "number",
        "year",
        "seq",
        "kind",
        "entitlement_id",
        "instalment_id",
        "unit_id",
        "addressee",
        "amount_fen",
        "issued_on",
        "issued_by",
        "sha256",
        "status",
        "replaces_id",
        "void_reason",
    ),
    "entered_amounts": (
        "clause_id",
        "year",
        "amount_fen",
        "basis",
        "recognition_id",
        "unit_id",
        "platform_id",
        "person_id",
    ),
    "clause_standards": ("clause_id", "year", "amount_fen"),
    "fund_receipts": ("received_on", "amount_fen", "doc_number", "stage", "done_on"),
    "officers": ("username", "role", "active", "password_hash", "must_change_password"),
    "closed_years": ("closed_by",),
}
KEYS = {"closed_years": "year"}  # the primary key where it is not ``id``
# Tables whose seals keep the digest of the content only: an entitlement is derived from the
# register (a recomputation shows what it should be), and its content would be the biggest part
# of the seals. The others keep their content, so a direct edit is shown as 记录为 … 现为 ….
DIGEST_ONLY = frozenset({"entitlements"})
MODULUS = 2**256
CHUNK = 500
BULK = 5000  # more touched rows than this: read the whole table once


def key_of(table: str) -> str:
    return KEYS.get(table, "id")


def _plain(value: Any) -> Any:
    """A value as SQLite stores it (what ``current_rows`` reads raw there), on every engine."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def content_of(values: Iterable[Any]) -> str:
    """The canonical content of a row's sealed columns (the same on SQLite and PostgreSQL)."""
    return _encode([_plain(v) for v in values])


def digest_bytes(table: str, row_id: int, content: str) -> bytes:
    return hashlib.sha256(f"{table}\x1f{row_id}\x1f{content}".encode()).digest()


def digest(table: str, row_id: int, content: str) -> int:
    return int.from_bytes(digest_bytes(table, row_id, content), "big")


@dataclass(frozen=True)
class Seal:
    """A stored seal: the content (empty for a table of DIGEST_ONLY), its digest, the event."""

    content: str
    digest: int
    event_id: int

    @classmethod
    def of(cls, table: str, row_id: int, content: str, stored: bytes | None, event_id: int) -> Seal:
        if stored is not None and (table in DIGEST_ONLY or not content):
            return cls(content, int.from_bytes(stored, "big"), event_id)
        return cls(content, digest(table, row_id, content), event_id)


def ledger_text(total: int, rows: int) -> str:
    return f"{total:064x}:{rows}"


def parse_ledger(seal: str) -> tuple[int, int]:
    total, _, rows = seal.partition(":")
    return int(total, 16), int(rows or 0)


def _table(conn: Connection, name: str):  # noqa: ANN202 - sqlalchemy Table
    from kjdesk.store.models import Base

    return Base.metadata.tables[name]


def current_rows(conn: Connection, table: str, ids: list[int] | None = None) -> dict[int, str]:
    """{row id: content} of ``table`` (all rows, or those of ``ids``).

    On SQLite the values are read raw (text dates, 0/1 booleans): 80,000 entitlements and
    their instalments are read in about a second; elsewhere through their types, made plain."""
    if conn.dialect.name == "sqlite":
        if ids is None:  # a whole table: the contents made by SQLite where it writes them the same
            made = _contents_in_sql(conn.connection.dbapi_connection, table)
            if made is not None:
                return made
        cols = ", ".join(f'"{c}"' for c in (key_of(table), *SEALED[table]))
        sql = f'SELECT {cols} FROM "{table}"'
        cur = conn.connection.dbapi_connection.cursor()
        try:
            if ids is None:
                rows = cur.execute(sql).fetchall()
            else:
                rows = []
                for start in range(0, len(ids), CHUNK):
                    part = ids[start : start + CHUNK]
                    rows += cur.execute(
                        f'{sql} WHERE "{key_of(table)}" IN ({",".join("?" * len(part))})', part
                    ).fetchall()
        finally:
            cur.close()
        encode = _encode
        return {row[0]: encode(row[1:]) for row in rows}
    t = _table(conn, table)
    key = t.c[key_of(table)]
    q = select(key, *(t.c[c] for c in SEALED[table]))
    out: dict[int, str] = {}
    if ids is None:
        for row in conn.execute(q):
            out[row[0]] = content_of(row[1:])
        return out
    for start in range(0, len(ids), CHUNK):
        for row in conn.execute(q.where(key.in_(ids[start : start + CHUNK]))):
            out[row[0]] = content_of(row[1:])
    return out


def sealed_rows(conn: Connection, table: str, ids: list[int] | None = None) -> dict[int, Seal]:
    """{row id: seal} of the seals of ``table``."""
    if ids is None:
        return {rid: Seal.of(table, rid, content, d, ev) for rid, content, d, ev in _raw_seals(conn, table)}
    q = "SELECT row_id, content, digest, event_id FROM money_seals WHERE tbl = :t"
    if conn.dialect.name == "sqlite":
        cur = conn.connection.dbapi_connection.cursor()
        try:
            rows = []
            for start in range(0, len(ids), CHUNK):
                part = ids[start : start + CHUNK]
                rows += cur.execute(
                    q.replace(":t", "?") + f" AND row_id IN ({','.join('?' * len(part))})", (table, *part)
                ).fetchall()
        finally:
            cur.close()
        return {rid: Seal.of(table, rid, content, d, ev) for rid, content, d, ev in rows}
    out: dict[int, Seal] = {}
    stmt = text(q + " AND row_id IN :ids").bindparams(bindparam("ids", expanding=True))
    for start in range(0, len(ids), CHUNK):
        for rid, content, d, ev in conn.execute(stmt, {"t": table, "ids": ids[start : start + CHUNK]}):
            out[rid] = Seal.of(table, rid, content, d, ev)
    return out


def latest_ledger(conn: Connection) -> tuple[int, int, int | None]:
    """(ledger, sealed rows, event id) of the newest event carrying a ledger; (0, 0, None) if none."""
    row = conn.execute(
        text("SELECT id, seal FROM audit_events WHERE seal <> '' ORDER BY id DESC LIMIT 1")
    ).first()
    if row is None:
        return 0, 0, None
    total, rows = parse_ledger(row[1])
    return total, rows, row[0]


@dataclass
class Delta:
    total: int = 0  # added to the ledger (mod 2^256)
    rows: int = 0
    written: int = 0  # seals written or removed

    @property
    def empty(self) -> bool:
        return self.written == 0


def reseal(conn: Connection, table: str, ids: list[int] | None, event_id: int) -> Delta:
    """Bring the seals of ``table`` (the rows ``ids``, or all) in line with its rows."""
    if ids is not None and len(ids) > BULK:  # a recomputation's many rows: one scan is quicker
        wanted = set(ids)
        now = {k: v for k, v in current_rows(conn, table).items() if k in wanted}
        before = {k: v for k, v in sealed_rows(conn, table).items() if k in wanted}
    else:
        now = current_rows(conn, table, ids)
        before = sealed_rows(conn, table, ids)
    delta = Delta()
    gone = [rid for rid in before if rid not in now]
    only_digest = table in DIGEST_ONLY
    changed: list[tuple[int, str, int]] = []  # (row id, content, its digest)
    for rid, c in now.items():
        old = before.get(rid)
        if old is not None and not only_digest and old.content == c:
            continue
        d = digest(table, rid, c)
        if old is None or old.digest != d:
            changed.append((rid, c, d))
    for rid in gone:
        delta.total -= before[rid].digest
        delta.rows -= 1
    for rid, _c, d in changed:
        if rid in before:
            delta.total -= before[rid].digest
        else:
            delta.rows += 1
        delta.total += d
    stale = gone + [rid for rid, _c, _d in changed if rid in before]
    rows = [
        (table, rid, "" if only_digest else c, d.to_bytes(32, "big") if only_digest else None, event_id)
        for rid, c, d in changed
    ]
    delete = text("DELETE FROM money_seals WHERE tbl = :t AND row_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        raw.executemany(
            "DELETE FROM money_seals WHERE tbl = ? AND row_id = ?", [(table, rid) for rid in stale]
        )
        raw.executemany(
            "INSERT INTO money_seals (tbl, row_id, content, digest, event_id) VALUES (?, ?, ?, ?, ?)", rows
        )
    else:
        for start in range(0, len(stale), CHUNK):
            conn.execute(delete, {"t": table, "ids": stale[start : start + CHUNK]})
        if rows:
            conn.execute(
                text(
                    "INSERT INTO money_seals (tbl, row_id, content, digest, event_id) VALUES (:t, :r, :c, :d, :e)"
                ),
                [{"t": t, "r": rid, "c": c, "d": d, "e": e} for t, rid, c, d, e in rows],
            )
    delta.written = len(gone) + len(changed)
    delta.total %= MODULUS
    return delta


# --- Knowing what a transaction wrote --------------------------------------------------------------

_TRIGGERS_READY = "kjdesk_seal_triggers"
_TOUCHED = "kjdesk_sealed_rows"  # Session.info where triggers are not used: {table: ids, or None for all}
_WHOLE = "kjdesk_sealed_tables"  # Session.info: tables a bulk insert wrote, compared whole
TRIGGERS = True  # False: track through the ORM on SQLite too (as on PostgreSQL; the tests use it)


def _by_trigger(conn: Connection) -> bool:
    return TRIGGERS and conn.dialect.name == "sqlite"


def install_sqlite_triggers(dbapi_connection) -> bool:  # noqa: ANN001 - sqlite3.Connection
    """Temporary triggers on this connection noting every sealed row written through it."""
    cur = dbapi_connection.cursor()
    try:
        have = {r[0] for r in cur.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}
        if "money_seals" not in have:
            return False
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS seal_dirty (tbl TEXT NOT NULL, rid INTEGER NOT NULL, "
            "PRIMARY KEY (tbl, rid)) WITHOUT ROWID"
        )
        for table in SEALED:
            if table not in have:
                continue
            for when in ("INSERT", "UPDATE", "DELETE"):
                cur.execute(_trigger_sql(table, when))
        return True
    finally:
        cur.close()


def _trigger_sql(table: str, when: str) -> str:
    """The temporary trigger noting the rows ``when`` (INSERT / UPDATE / DELETE) writes in ``table``."""
    k = key_of(table)
    refs = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}[when]
    body = " ".join(f"INSERT OR IGNORE INTO seal_dirty VALUES ('{table}', {r}.{k});" for r in refs)
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS seal_{when.lower()}_{table} AFTER {when} "
        f"ON main.{table} BEGIN {body} END"
    )


def _after_begin(session: Session, _transaction, connection: Connection) -> None:  # noqa: ANN001
    if not _by_trigger(connection):
        return
    info = connection.connection.info  # the DBAPI connection's: triggers live as long as it
    if not info.get(_TRIGGERS_READY):
        try:
            info[_TRIGGERS_READY] = install_sqlite_triggers(connection.connection.dbapi_connection)
        except Exception:  # noqa: BLE001 - a read-only connection: it writes nothing to seal
            info[_TRIGGERS_READY] = False


def _note_flush(session: Session, _context) -> None:  # noqa: ANN001 - UOWTransaction
    """The rows an ORM flush wrote (where no trigger notes them)."""
    if _by_trigger(session.connection()):
        return
    touched = session.info.setdefault(_TOUCHED, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in SEALED and touched.get(table, set()) is not None:
            touched.setdefault(table, set()).add(getattr(obj, key_of(table)))
    if any(getattr(o, "__tablename__", None) == "entitlements" for o in session.deleted):
        touched["instalments"] = None  # deleted with their entitlement (cascade)


def _note_statement(state) -> None:  # noqa: ANN001 - ORMExecuteState
    """An INSERT / UPDATE / DELETE statement on a sealed table: its whole table is compared."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in SEALED and not _by_trigger(state.session.connection()):
        touched = state.session.info.setdefault(_TOUCHED, {})
        touched[table] = None
        if table == "entitlements" and state.is_delete:
            touched["instalments"] = None


@contextmanager
def bulk_insert(session: Session, table: str, rows: int) -> Iterator[None]:
    """Rows inserted in bulk (``store.bulk.insert_rows``, which never gives ids): noted at once.

    A temporary trigger costs about as much as the insert itself, row by row (measured: 0.9 s
    more for 140,000 rows). Inserted rows without ids take ids above the highest there was, so
    the trigger is dropped for the statement and the new ids noted in one statement after; more
    rows than ``BULK`` have their whole table compared at commit (one scan), nothing noted."""
    conn = session.connection()
    if table not in SEALED or not _by_trigger(conn) or not conn.connection.info.get(_TRIGGERS_READY):
        yield
        return
    table = str.__str__(table)  # a plain str (a Table's name is a subclass the driver inspects per row)
    key = key_of(table)
    highest = conn.exec_driver_sql(f'SELECT coalesce(max("{key}"), 0) FROM main."{table}"').scalar()
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS temp.seal_insert_{table}")
    try:
        yield
    finally:
        if rows > BULK:
            session.info.setdefault(_WHOLE, set()).add(table)
        else:
            conn.exec_driver_sql(
                f'INSERT OR IGNORE INTO temp.seal_dirty SELECT \'{table}\', "{key}" FROM main."{table}"'
                f' WHERE "{key}" > ?',
                (highest,),
            )
        conn.exec_driver_sql(_trigger_sql(table, "INSERT"))


def note_table(session: Session, table: str) -> None:
    """Writes that pass by the ORM (``store.bulk.insert_rows``): compare the whole table."""
    if table in SEALED and not _by_trigger(session.connection()):
        session.info.setdefault(_TOUCHED, {})[table] = None


def dirty_rows(session: Session) -> dict[str, list[int] | None]:
    """{table: touched row ids (None: compare the whole table)} of this transaction."""
    conn = session.connection()
    if _by_trigger(conn):
        if not conn.connection.info.get(_TRIGGERS_READY):
            return {}
        out: dict[str, list[int] | None] = dict.fromkeys(session.info.get(_WHOLE, ()))
        for tbl, rid in conn.exec_driver_sql("SELECT tbl, rid FROM temp.seal_dirty"):
            ids = out.setdefault(tbl, [])
            if ids is not None:
                ids.append(rid)
        return out
    return {t: (None if ids is None else sorted(ids)) for t, ids in session.info.get(_TOUCHED, {}).items()}


def clear_dirty(session: Session) -> None:
    conn = session.connection()
    if _by_trigger(conn):
        conn.exec_driver_sql("DELETE FROM temp.seal_dirty")
    session.info.pop(_TOUCHED, None)
    session.info.pop(_WHOLE, None)


def _before_commit(session: Session) -> None:
    if session.get_transaction() is None or session.info.get("kjdesk_read_only"):
        return
    session.flush()
    if not _has_seal_table(session):
        return
    touched = dirty_rows(session)
    if not touched:
        return
    seal_transaction(session, touched)
    clear_dirty(session)


def _has_seal_table(session: Session) -> bool:
    conn = session.connection()
    key = "kjdesk_has_seal_table"
    known = conn.connection.info.get(key)
    if known is None:
        from sqlalchemy import inspect

        known = conn.connection.info[key] = inspect(conn).has_table("money_seals")
    return bool(known)


def _forget_events(session: Session) -> None:
    session.info.pop("kjdesk_audit_events", None)
    session.info.pop(_TOUCHED, None)
    session.info.pop(_WHOLE, None)


def install(factory, engine) -> None:  # noqa: ANN001 - sessionmaker, Engine
    """Seal every transaction of the sessions of ``factory``."""
    event.listen(factory, "after_begin", _after_begin)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_commit", _forget_events)
    event.listen(factory, "after_rollback", _forget_events)
    event.listen(factory, "after_flush", _note_flush)
    event.listen(factory, "do_orm_execute", _note_statement)


def seal_everything(conn: Connection, actor: str = "系统") -> int:
    """Seal every money row as it is now, bound by a new event 封存 (a database from before seals).

    Returns the number of rows sealed."""
    from kjdesk.store.audit import event_hash
    from kjdesk.store.models import AuditEvent, utcnow

    last = conn.execute(text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).first()
    next_id = (last[0] if last else 0) + 1
    total, rows = 0, 0
    conn.execute(text("DELETE FROM money_seals"))
    for table in SEALED:
        delta = reseal(conn, table, None, next_id)
        total, rows = (total + delta.total) % MODULUS, rows + delta.rows
    if rows == 0 and last is None:
        return 0
    ledger = ledger_text(total, rows)
    at, after = utcnow(), json.dumps({"rows": rows}, ensure_ascii=False, sort_keys=True)
    prev = last[1] if last else ""
    conn.execute(
        AuditEvent.__table__.insert().values(
            id=next_id,
            at=at,
            actor=actor,
            action="封存",
            entity="seal",
            entity_id="",
            before="",
            after=after,
            prev_hash=prev,
            seal=ledger,
            hash=event_hash(prev, at, actor, "封存", "seal", "", "", after, ledger),
        )
    )
    return rows


@dataclass(frozen=True)
class SealProblem:
    """A money row that differs from its seal, or seals that differ from the chain's ledger."""

    kind: str  # changed / inserted / deleted / ledger
    table: str
    row_id: int | None
    recorded: list[Any] | None  # the sealed values (columns of SEALED[table]); None: digest only
    current: list[Any] | None
    event_id: int | None  # the audit event that sealed the row (or carries the ledger)


def check(conn: Connection) -> list[SealProblem]:
    """Every money row against its seal, and the seals against the newest ledger of the chain.

    On SQLite the common answer (nothing wrong) is proved first in bulk (``all_sound``); when it
    cannot be, every row is compared one by one, and each problem named, as before."""
    if conn.dialect.name == "sqlite" and all_sound(conn):
        return []
    return check_each(conn)


def check_each(conn: Connection) -> list[SealProblem]:
    """``check`` row by row, on every engine: each problem found, in the order of the seals."""
    problems: list[SealProblem] = []
    total, rows = 0, 0
    for table in SEALED:
        now = current_rows(conn, table)
        seals = _raw_seals(conn, table)
        only_digest = table in DIGEST_ONLY
        for rid, content, stored, ev in seals:  # the seals as read: no object per row
            # a content seal's digest is recomputed from it (a content rewritten shows in the ledger)
            by_digest = only_digest or not content
            d = (
                int.from_bytes(stored, "big")
                if stored is not None and by_digest
                else digest(table, rid, content)
            )
            total += d
            here = now.pop(rid, None)
            if here is None:
                problems.append(SealProblem("deleted", table, rid, _loads(content), None, ev))
            elif (digest(table, rid, here) != d) if by_digest else (here != content):
                problems.append(SealProblem("changed", table, rid, _loads(content), json.loads(here), ev))
        rows += len(seals)
        for rid, content in now.items():  # rows without a seal
            problems.append(SealProblem("inserted", table, rid, None, json.loads(content), None))
    expected, expected_rows, event_id = latest_ledger(conn)
    if total % MODULUS != expected or rows != expected_rows:
        problems.append(SealProblem("ledger", "money_seals", None, [expected_rows], [rows], event_id))
    return problems


def _raw_seals(conn: Connection, table: str) -> list[tuple[int, str, bytes | None, int]]:
    """(row id, content, stored digest, event id) of every seal of ``table``."""
    q = "SELECT row_id, content, digest, event_id FROM money_seals WHERE tbl = :t"
    if conn.dialect.name == "sqlite":
        cur = conn.connection.dbapi_connection.cursor()
        try:
            return cur.execute(q.replace(":t", "?"), (table,)).fetchall()
        finally:
            cur.close()
    return [tuple(r) for r in conn.execute(text(q), {"t": table})]


# --- The bulk proof (SQLite) -------------------------------------------------------------------
#
# SQLite's ``json_array`` writes a row's sealed columns exactly as ``content_of`` does (compact,
# non-ASCII as is; the quote, the backslash and the control characters escaped, \b \t \n \f \r
# short and the others as \u00xx in lower case) for the values those columns hold: integers,
# NULL and text (dates and times are text there, booleans 0/1). Two kinds are written otherwise
# or not at all: a REAL (``%!.15g`` against Python's shortest repr) leaves its table "not proved",
# and a BLOB stops the statement (then nothing is proved). Whatever is not proved is checked
# row by ``check_each`` (tests/store/test_seal_bulk.py holds the byte-for-byte equality).


def _may_hold_real(declared: str) -> bool:
    """Whether a column of this declared type can store a REAL (SQLite's affinity rules: a TEXT
    column turns any number into text; INTEGER keeps a real that is not a whole number)."""
    d = declared.upper()
    return "INT" in d or not any(k in d for k in ("CHAR", "CLOB", "TEXT"))


def _reals_sql(raw, table: str) -> str:  # noqa: ANN001 - sqlite3.Connection
    """A condition on row ``t`` of ``table``: true when a sealed column of it may hold a REAL.

    One sum of the columns that may hold a REAL: not an integer when one does (a REAL makes the
    sum a REAL, two infinities a NULL; text counts as its leading number, an overflow as a REAL)."""
    declared = {r[1]: r[2] or "" for r in raw.execute(f'PRAGMA main.table_info("{table}")')}
    numbers = [f't."{c}"' for c in SEALED[table] if _may_hold_real(declared.get(c, ""))]
    return f"typeof({' + '.join(f'coalesce({c}, 0)' for c in numbers)}) <> 'integer'" if numbers else "0"


def _contents_in_sql(raw, table: str) -> dict[int, str] | None:  # noqa: ANN001 - sqlite3.Connection
    """{row id: content} of every row of ``table``, the content written by SQLite's ``json_array``
    (the same text as ``content_of``; a third of the time); None where it may not be the same:
    a REAL in a sealed column, a BLOB, a SQLite without ``json_array``."""
    key = key_of(table)
    columns = ", ".join(f't."{c}"' for c in SEALED[table])
    try:
        if raw.execute(
            f'SELECT 1 FROM main."{table}" AS t WHERE {_reals_sql(raw, table)} LIMIT 1'
        ).fetchone():
            return None
        return dict(raw.execute(f'SELECT t."{key}", json_array({columns}) FROM main."{table}" AS t'))
    except sqlite3.Error:
        return None


def _pairs_sql(raw, table: str) -> str:  # noqa: ANN001 - sqlite3.Connection
    """One statement over the rows of ``table`` joined to their seals (keys in (?3, ?4]): how many
    pairs, the message each is proved by (one a line), the stored digests end to end and the
    kind of each pair ("d" or "c", one character each).

    A pair is proved by its digest ("d": a table of DIGEST_ONLY, or a seal without content):
    the row's message (as ``digest_bytes`` hashes it), whose hash must be the stored digest. Or
    by its content ("c"): the seal's content equals the row's, and the seal's message is hashed
    for the ledger. The message is NULL where the pair is not proved: a REAL in a sealed column
    (``json_array`` would write it otherwise than Python), a stored digest that is not 32 bytes,
    a content that differs. Messages cannot hold a line break (JSON escapes it)."""
    key = key_of(table)
    columns = ", ".join(f't."{c}"' for c in SEALED[table])
    values = f"json_array({columns})"
    reals = _reals_sql(raw, table)
    by_digest = "1" if table in DIGEST_ONLY else "s.content = ''"
    message = (
        f"CASE WHEN {reals} THEN NULL"
        f" WHEN {by_digest} THEN CASE WHEN typeof(s.digest) = 'blob' AND length(s.digest) = 32"
        f' THEN CAST(?1 || t."{key}" || char(31) || {values} AS BLOB) END'
        f" WHEN s.content = {values} THEN CAST(?1 || s.row_id || char(31) || s.content AS BLOB) END"
    )
    return (
        # each of m, d and k named once: the subquery is flattened, a second mention computes it again
        "SELECT count(*), CAST(group_concat(m, char(10)) AS BLOB), CAST(group_concat(d, '') AS BLOB),"
        " group_concat(k, '')"
        f" FROM (SELECT {message} AS m, CASE WHEN {by_digest} THEN s.digest END AS d,"
        f" CASE WHEN {by_digest} THEN 'd' ELSE 'c' END AS k"
        f' FROM main."{table}" AS t JOIN money_seals AS s ON s.tbl = ?2 AND s.row_id = t."{key}"'
        f' WHERE t."{key}" > ?3 AND t."{key}" <= ?4)'
    )


PROOF_CHUNK = 100_000  # rows per statement of the bulk proof (bounds the text it builds)
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1  # below and at the top of every key


def _slice_end(raw, table: str, low: int, left: int) -> int | None:  # noqa: ANN001 - sqlite3.Connection
    """The highest key of the next slice after ``low`` (the top of all keys for the last one)."""
    if left <= PROOF_CHUNK:
        return _HIGHEST
    key = key_of(table)
    return raw.execute(
        f'SELECT max(k) FROM (SELECT "{key}" AS k FROM main."{table}" WHERE "{key}" > ? ORDER BY "{key}" LIMIT ?)',
        (low, PROOF_CHUNK),
    ).fetchone()[0]


def _table_sound(raw, table: str) -> tuple[int, int] | None:  # noqa: ANN001 - sqlite3.Connection
    """(sum of the digests of ``table``'s seals, their number) when every row equals its seal and
    every seal has its row; None when that is not proved (``check_each`` then names why).

    The rows are joined to their seals in slices of keys; the pairs of every slice must all be
    proved and, together, be every row and every seal."""
    rows = raw.execute(f'SELECT count(*) FROM main."{table}"').fetchone()[0]
    seals = raw.execute("SELECT count(*) FROM money_seals WHERE tbl = ?", (table,)).fetchone()[0]
    if rows != seals:
        return None
    sql, sha = _pairs_sql(raw, table), hashlib.sha256
    total, pairs, low = 0, 0, _LOWEST
    while pairs < rows:
        high = _slice_end(raw, table, low, rows - pairs)
        if high is None:
            return None
        n, messages, stored, kinds = raw.execute(sql, (f"{table}\x1f", table, low, high)).fetchone()
        if not n or messages is None:  # group_concat leaves out what is NULL: every pair must be there
            return None
        made = [sha(m).digest() for m in messages.split(b"\n")]
        if len(made) != n:
            return None
        if "d" in kinds:  # the digests of the pairs proved by their digest, in the same order
            by_digest = (
                made if "c" not in kinds else [d for d, k in zip(made, kinds, strict=True) if k == "d"]
            )
            if b"".join(by_digest) != stored:
                return None
        total += sum(map(int.from_bytes, made))
        pairs += n
        low = high
    return (total, pairs) if pairs == rows else None


def all_sound(conn: Connection) -> bool:
    """True when every money row equals its seal and the seals sum to the newest ledger (SQLite).

    Proved in bulk: each table joined to its seals by one statement per slice of keys, the
    content made by SQLite (``json_array``), then one SHA-256 a row here. False says only "not
    proved": ``check_each`` then finds and names what is wrong, row by row."""
    raw = conn.connection.dbapi_connection
    total, rows = 0, 0
    try:
        for table in SEALED:
            found = _table_sound(raw, table)
            if found is None:
                return False
            total, rows = total + found[0], rows + found[1]
    except sqlite3.Error:  # no json_array (an old SQLite), a BLOB, text that is not UTF-8 …
        return False
    expected, expected_rows, _event = latest_ledger(conn)
    return total % MODULUS == expected and rows == expected_rows


def _loads(content: str) -> list[Any] | None:
    return json.loads(content) if content else None


def seal_transaction(session: Session, touched: dict[str, list[int] | None]) -> AuditEvent | None:
    """Seal the money rows this transaction wrote and put the new ledger on its last event.

    Called before commit (store/seal.py). When the transaction recorded no event (a write
    without one would be a bug, but the money must still be bound), an event 封存 is added.
    """
    lock_name(session, "audit-chain")
    conn = session.connection()
    events = [e for e in session.info.get(audit.EVENTS_KEY, []) if e in session]
    last = events[-1] if events else None
    if last is not None:
        newest = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        if newest != last.id:
            last = None
    next_id = last.id if last is not None else (session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    total, rows, _ev = latest_ledger(conn)
    written = 0
    for table, ids in touched.items():
        if table not in SEALED:
            continue
        delta = reseal(conn, table, ids, next_id)
        total, rows, written = (
            (total + delta.total) % MODULUS,
            rows + delta.rows,
            written + delta.written,
        )
    if not written:
        return None
    ledger = ledger_text(total, rows)
    if last is None:
        last = audit.record(
            session, session.info.get(audit.ACTOR_KEY, "系统"), "封存", "seal", "", None, {"rows": written}
        )
        assert last.id == next_id
    last.seal = ledger
    last.hash = audit.event_hash(
        last.prev_hash,
        last.at,
        last.actor,
        last.action,
        last.entity,
        last.entity_id,
        last.before,
        last.after,
        ledger,
    )
    session.flush()
    session.info[audit.EVENTS_KEY] = []
    return last
