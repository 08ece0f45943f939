"""Several officers writing at once: the engine-specific parts, kept below the services.

On PostgreSQL many kjdesk programs write to one server at the same time. Services lock the
rows they decide on with ``session.get(Model, id, with_for_update=True)`` (SQLite ignores
``FOR UPDATE``: its one-writer lock already serialises the programs) and take a named
transaction lock (``lock_name``) where no row exists to lock, such as the next letter number
of a year or the end of the audit chain. The lock is released by the commit or rollback.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def _key(name: str) -> int:
    """A stable signed 64-bit key of ``name`` for ``pg_advisory_xact_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def lock_name(session: Session, name: str) -> None:
    """Wait until no other transaction holds ``name``, then hold it until this one ends.

    A no-op on SQLite, where only one transaction writes at a time anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _key(name)})


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
