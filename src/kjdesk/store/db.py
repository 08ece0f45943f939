"""One engine factory, one session context manager, migrations at start-up.

Nothing is created at import time: ``Database.open(url)`` makes the engine, checks the
schema version and upgrades it with Alembic; services then use ``db.session()``.
Alembic is imported only when a migration runs or the version is not the plain known case:
reading the revision ids of the migration files is enough to open a database that is at head.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from kjdesk.store.alembic_setup import MIGRATIONS_DIR, alembic_config

__all__ = ["MIGRATIONS_DIR", "Database", "alembic_config"]


def __getattr__(name: str):  # noqa: ANN202 - ``db.command`` is alembic.command, imported when asked
    if name == "command":
        from alembic import command

        return command
    raise AttributeError(name)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer kjdesk; it is refused and left untouched."""


class NotAKjdeskDatabase(RuntimeError):
    """The file holds tables, but not kjdesk's."""


def database_url(db: str | Path) -> str:
    """``--db`` accepts a file path or a SQLAlchemy URL (``postgresql://…`` uses the psycopg driver)."""
    text = str(db)
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text.removeprefix(plain)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI types
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(None|\"[^\"]*\"|'[^']*')", re.M)


@cache
def _script_revisions() -> tuple[frozenset[str], frozenset[str]] | None:
    """(every revision id, the heads) read from the migration files, or None when unsure."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = dict(m.group(1, 2) for m in _REVISION.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found or found["revision"] == "None":
            return None  # an unusual file: let Alembic read it
        revisions.add(found["revision"][1:-1])
        if found["down_revision"] != "None":
            downs.add(found["down_revision"][1:-1])
    return frozenset(revisions), frozenset(revisions - downs)


def head_revision() -> str:
    known = _script_revisions()
    if known is not None and len(known[1]) == 1:
        return next(iter(known[1]))
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
        if len(versions) == 1:
            return versions[0]
        from alembic.runtime.migration import MigrationContext  # none or several: Alembic decides

        return MigrationContext.configure(conn).get_current_revision()


def check_schema(engine: Engine) -> str | None:
    """Refuse a database that is newer than this program or not a kjdesk database."""
    rev = current_revision(engine)
    known = _script_revisions()
    if rev is not None and known is not None and rev in known[0]:
        return rev
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    if rev is None:
        tables = set(inspect(engine).get_table_names())
        if tables:
            raise NotAKjdeskDatabase("该文件不是科技兑现台的数据库（没有版本信息），已拒绝打开，文件未改动。")
        return None
    try:
        script.get_revision(rev)
    except Exception as exc:  # alembic raises several kinds for an unknown revision
        raise SchemaTooNew(
            f"该数据库由更新版本的科技兑现台创建（结构版本 {rev}），本程序无法识别。"
            "请升级程序后再打开；数据库未做任何改动。"
        ) from exc
    return rev


def upgrade(engine: Engine) -> bool:
    """Bring the schema to head (backing up an existing database first). Returns True when a migration ran."""
    before = check_schema(engine)
    if before == head_revision():
        return False
    if before is not None and engine.dialect.name == "sqlite" and engine.url.database:
        from kjdesk.store.backup import backup_before_migration  # backup imports this module

        backup_before_migration(Path(engine.url.database), before)
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    if before is not None and engine.dialect.name == "sqlite":
        compact(engine)
    return True


def compact(engine: Engine) -> None:
    """Give the pages a migration freed back to the disk (VACUUM; seconds for a city's file, once)."""
    with engine.connect() as conn:
        free = conn.exec_driver_sql("PRAGMA freelist_count").scalar() or 0
    if free:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")


@dataclass
class Database:
    url: str
    engine: Engine
    factory: sessionmaker[Session]

    @classmethod
    def open(cls, db: str | Path, *, migrate: bool = True) -> Database:
        url = database_url(db)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        else:
            check_schema(engine)
        factory = sessionmaker(engine, expire_on_commit=False)
        from kjdesk.store import seal

        seal.install(factory, engine)  # the money rows of every transaction bound to the audit chain
        if engine.dialect.name == "postgresql":
            from kjdesk.store.concurrency import serialize_writers

            serialize_writers(factory)  # officers on one server write one after another
        return cls(url, engine, factory)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return Path(self.url.removeprefix("sqlite:///")) if self.is_sqlite else None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        session = self.factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
