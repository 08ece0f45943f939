"""``kjdesk db copy``: move a whole kjdesk database between SQLite and PostgreSQL.

The source is only read (in one transaction, so it is copied as of one moment); the target
must be empty: it is brought to the current schema, filled in one transaction (a failure
leaves it empty) and its audit chain is verified before the copy is reported done. The
copy then records who copied it from where, as the next event of the same chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.store import audit, transfer
from kjdesk.store.db import Database, NotAKjdeskDatabase, SchemaTooNew, check_schema, head_revision
from kjdesk.store.db import database_url as _url

ACTION = "复制数据库"


@dataclass(frozen=True)
class CopyResult:
    source: str  # shown without password
    target: str
    rows: dict[str, int]  # table → rows copied
    audit_events: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def shown(db: str | Path) -> str:
    """A database for messages: the file path, or the URL with its password hidden."""
    url = _url(db)
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _open(db: str | Path, role: str, *, migrate: bool) -> Database:
    try:
        return Database.open(db, migrate=migrate)
    except (SchemaTooNew, NotAKjdeskDatabase) as exc:
        raise ServiceError(f"{role}数据库 {shown(db)}：{exc}") from exc
    except OperationalError as exc:
        raise ServiceError(f"无法连接{role}数据库 {shown(db)}：{exc.orig}") from exc


def _refuse_source(db: str | Path) -> None:
    url = _url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise ServiceError(f"源数据库文件 {shown(db)} 不存在")


def copy_database(
    source: str | Path, target: str | Path, actor: str = "命令行", progress: Progress | None = None
) -> CopyResult:
    """Copy every row of ``source`` into the empty ``target``; refuse in Chinese otherwise."""
    progress = progress or NullProgress()
    if _url(source) == _url(target):
        raise ServiceError("源数据库和目标数据库是同一个，无需复制")
    _refuse_source(source)
    src = _open(source, "源", migrate=False)
    try:
        rev = check_schema(src.engine)
        if rev != head_revision():
            raise ServiceError(
                f"源数据库 {shown(source)} 的结构版本为 {rev or '空'}，与本程序（{head_revision()}）不同；"
                "请先用本程序打开一次源数据库（自动升级），再复制"
            )
        dst = _open(target, "目标", migrate=True)
        try:
            return _copy(src.engine, dst, source, target, actor, progress)
        finally:
            dst.close()
    finally:
        src.close()


def _copy(
    src: Engine, dst: Database, source: str | Path, target: str | Path, actor: str, progress: Progress
) -> CopyResult:
    with dst.engine.connect() as probe:
        filled = {name: n for name, n in transfer.row_counts(probe).items() if n}
    if filled:
        listed = "、".join(f"{name} {n} 行" for name, n in sorted(filled.items()))
        raise ServiceError(f"目标数据库 {shown(target)} 不是空的（{listed}），已拒绝复制，未做任何改动")
    tables = transfer.tables()
    progress.set_total(len(tables))
    done = 0

    def step(name: str, n: int) -> None:
        nonlocal done
        done += 1
        progress.set_status(f"已复制 {name}（{n} 行）")
        progress.set_value(done)
        progress.check()

    options = {"isolation_level": "REPEATABLE READ"} if src.dialect.name == "postgresql" else {}
    with src.connect().execution_options(**options) as sconn, sconn.begin(), dst.engine.begin() as tconn:
        rows = transfer.copy_rows(sconn, tconn, step)
    with dst.session() as s:
        broken = audit.verify_chain(s)
        if broken is not None:
            raise ServiceError(f"复制后的审计链校验未通过：{broken.reason}（源数据库的审计链可能已损坏）")
        event = audit.record(
            s,
            actor,
            ACTION,
            "database",
            "",
            None,
            {"from": shown(source), "to": shown(target), "rows": sum(rows.values())},
        )
        events = event.id
    return CopyResult(shown(source), shown(target), rows, events)
