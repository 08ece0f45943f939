"""What a write changed, read from what it wrote (after Anki's ``OpChanges``).

Every writing service reports its changes, without a hand-kept list per function that could
go stale: the database engine tells this module the table of every INSERT, UPDATE and DELETE
it sends, and ``recording()`` turns the tables written inside it into ``Changes``. The window's
worker runs each write inside ``recording()`` and announces what it returns, so a page refreshes
from what was written, never from a guess of the page. (A restore replaces the whole file and
returns its own ``Changes``.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import event

from kjdesk.services.core.errors import ServiceError
from kjdesk.store.db import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What a service changed, so open pages refresh only what they show."""

    units: bool = False
    platforms: bool = False
    people: bool = False
    recognitions: bool = False
    facts: bool = False
    entitlements: bool = False
    instalments: bool = False
    letters: bool = False
    settings: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__})

    def __bool__(self) -> bool:
        return any(getattr(self, k) for k in self.__dataclass_fields__)


# Which pages care about a table. Tables not named here (audit events, digests, import history)
# change nothing an open page shows by itself.
TABLE_CHANGES: dict[str, Changes] = {
    "units": Changes(units=True),
    "platforms": Changes(platforms=True),
    "people": Changes(people=True),
    "recognitions": Changes(recognitions=True),
    "facts": Changes(facts=True),
    "entered_amounts": Changes(entitlements=True),
    "clause_standards": Changes(entitlements=True),
    "entitlements": Changes(entitlements=True),
    "instalments": Changes(instalments=True),
    "approval_batches": Changes(instalments=True),
    "payments": Changes(instalments=True),
    "fund_receipts": Changes(instalments=True),
    "calendar_days": Changes(instalments=True),
    "calendar_years": Changes(instalments=True),
    "closed_years": Changes(instalments=True, letters=True),
    "letters": Changes(letters=True),
    "settings": Changes(settings=True),
    "officers": Changes(settings=True),
    "decisions": Changes(entitlements=True, instalments=True),
    "budgets": Changes(instalments=True),
    "target_notes": Changes(settings=True),
    "import_answers": Changes(settings=True),
}

_WRITE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_recording = threading.local()


def changes_of_tables(tables: set[str] | frozenset[str]) -> Changes:
    found = Changes()
    for table in tables:
        found = found | TABLE_CHANGES.get(table.lower(), Changes())
    return found


def install_change_recorder(db: Database) -> None:
    """Let ``recording()`` see what this database's engine writes (once per engine)."""
    if not event.contains(db.engine, "before_cursor_execute", _note):
        event.listen(db.engine, "before_cursor_execute", _note)


def _note(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
    tables = getattr(_recording, "tables", None)
    if tables is not None:
        m = _WRITE.match(statement)
        if m:
            tables.add(m.group(1))


@dataclass
class Recorded:
    tables: set[str] = field(default_factory=set)

    @property
    def changes(self) -> Changes:
        return changes_of_tables(self.tables)


@contextmanager
def recording() -> Iterator[Recorded]:
    """Collect the tables written in this thread while the block runs (nested blocks see their own)."""
    outer = getattr(_recording, "tables", None)
    recorded = Recorded()
    _recording.tables = recorded.tables
    try:
        yield recorded
    finally:
        _recording.tables = outer
        if outer is not None:
            outer.update(recorded.tables)


def changed_by(call: Callable[[], T]) -> tuple[T, Changes]:
    """Run a writing service call and return its result with what it changed."""
    with recording() as recorded:
        result = call()
    if isinstance(result, Changes):
        return result, result | recorded.changes
    return result, recorded.changes


__all__ = [
    "Changes",
    "ServiceError",
    "changed_by",
    "changes_of_tables",
    "install_change_recorder",
    "recording",
]
