"""Several officers writing at once: the engine-specific parts, kept below the services.

On PostgreSQL many kjdesk programs write to one server at the same time. Every writing
transaction first takes the bureau's writer lock (a transaction-level advisory lock, taken
by ``serialize_writers`` at its first write, its first ``SELECT … FOR UPDATE`` or its first
named lock, and released by the commit or rollback): writers take turns, each seeing every
change committed before it, and since the writer lock is always the first lock a writer
takes, two writers can never deadlock. Reading never waits.

Services still lock the rows they decide on (``session.get(Model, id, with_for_update=True)``)
and take named locks (``lock_name``) where no row exists, such as the next letter number of
a year or the end of the audit chain: that is the rule, should the writer lock ever become
finer. SQLite ignores both: its one-writer lock already serialises the programs.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


def _key(name: str) -> int:
    """A stable signed 64-bit key of ``name`` for ``pg_advisory_xact_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


WRITER = "kjdesk-writer"


def _advisory(session: Session, name: str) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key(name)})


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def take_writer_lock(session: Session) -> None:
    """Hold the bureau's writer lock until this transaction ends (once per transaction)."""
    if not _is_postgresql(session):
        return
    session.connection()  # begins the transaction if the statement being run has not yet
    tx = session.get_transaction()
    if session.info.get(WRITER) is tx:
        return
    session.info[WRITER] = tx  # set first: the lock's own statement passes do_orm_execute
    _advisory(session, WRITER)


def lock_name(session: Session, name: str) -> None:
    """Wait until no other transaction holds ``name``, then hold it until this one ends.

    A no-op on SQLite, where only one transaction writes at a time anyway.
    """
    if _is_postgresql(session):
        take_writer_lock(session)
        _advisory(session, name)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        take_writer_lock(session)


def _before_statement(state: ORMExecuteState) -> None:
    locking = state.is_select and getattr(state.statement, "_for_update_arg", None) is not None
    if locking or state.is_insert or state.is_update or state.is_delete:
        take_writer_lock(state.session)


def serialize_writers(factory: sessionmaker[Session]) -> None:
    """Make every writing session of ``factory`` take the writer lock first (PostgreSQL)."""
    if not event.contains(factory, "before_flush", _before_flush):
        event.listen(factory, "before_flush", _before_flush)
        event.listen(factory, "do_orm_execute", _before_statement)


def is_unique_violation(exc: IntegrityError, table: str, *names: str) -> bool:
    """Did ``exc`` come from one of ``table``'s unique keys (``names``: columns or constraint names)?

    SQLite names the columns (``UNIQUE constraint failed: letters.seq``); PostgreSQL names
    the constraint (``uq_letter_seq``, ``letters_number_key``).
    """
    message = str(exc.orig)
    for name in names:
        if f"{table}.{name}" in message or f'"{name}"' in message or f'"{table}_{name}_key"' in message:
            return True
    return False
