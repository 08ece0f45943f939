"""The application context that every service receives: the database and who is acting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from kjdesk.store.db import Database
from kjdesk.store.lock import WriterLock


def default_data_dir() -> Path:
    return Path(user_data_dir("kjdesk", appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / "kjdesk.sqlite"


class ServiceError(Exception):
    """A user error a service reports in Chinese (bad argument, refused action)."""


class ValidationFailed(ServiceError):
    """Field-by-field problems: ``errors`` maps a field name to its Chinese reason."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))


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
        from kjdesk.services.years import install_closed_year_guard  # years imports this module

        install_closed_year_guard(self.db)
        if self.read_only:
            refuse_writes(self.db)
        else:
            from kjdesk.services import audit_anchor

            audit_anchor.install(self.db)

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: str = "系统") -> App:
        return cls(Database.open(db or default_db_path()), actor=actor)

    def close(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.release()
        self.db.close()


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
