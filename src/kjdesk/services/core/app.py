"""The application context that every service receives: the database and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from kjdesk.services.core.changes import Changes, install_change_recorder
from kjdesk.services.core.errors import ServiceError, ValidationFailed
from kjdesk.services.core.year_guard import install_closed_year_guard
from kjdesk.store.db import Database
from kjdesk.store.lock import WriterLock

__all__ = ["App", "Changes", "ServiceError", "ValidationFailed"]


def default_data_dir() -> Path:
    return Path(user_data_dir("kjdesk", appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / "kjdesk.sqlite"


class ReadOnlyDatabase(ServiceError):
    """A write was attempted on a database opened read-only (another kjdesk holds the writer lock)."""


READ_ONLY_MESSAGE = "数据库以只读方式打开（另一位同事正在编辑），不能保存修改；请待其关闭程序后重新打开"


@dataclass
class App:
    db: Database
    actor: str = "系统"
    role: str = "管理员"
    extra: dict[str, object] = field(default_factory=dict)
    read_only: bool = False
    writer_lock: WriterLock | None = None  # held while this program is the database's writer

    def __post_init__(self) -> None:
        install_closed_year_guard(self.db)
        install_change_recorder(self.db)
        if self.read_only:
            refuse_writes(self.db)
        else:
            from kjdesk.services.safety import audit_anchor

            audit_anchor.install(self.db)

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: str = "系统") -> App:
        return cls(Database.open(db or default_db_path()), actor=actor)

    def close(self) -> None:
        self.db.close()  # first: the lock's hold on the file is given back once no connection is open
        if self.writer_lock is not None:
            self.writer_lock.release()


def require_writable(app: App) -> None:
    """Refuse a write in Chinese when the database was opened read-only."""
    if app.read_only:
        raise ReadOnlyDatabase(READ_ONLY_MESSAGE)


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    raise ReadOnlyDatabase(READ_ONLY_MESSAGE)


def _refuse_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # bulk writes bypass the flush
        raise ReadOnlyDatabase(READ_ONLY_MESSAGE)


def refuse_writes(db: Database) -> None:
    """Make every session of ``db`` refuse to write (the services need no change to be safe)."""
    if not event.contains(db.factory, "before_flush", _refuse_flush):
        event.listen(db.factory, "before_flush", _refuse_flush)
        event.listen(db.factory, "do_orm_execute", _refuse_statement)
    if db.is_sqlite and not event.contains(db.engine, "connect", _query_only):
        event.listen(db.engine, "connect", _query_only)  # SQL written past the ORM is refused too
        db.engine.dispose()


def _query_only(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    dbapi_connection.execute("PRAGMA query_only=ON")
