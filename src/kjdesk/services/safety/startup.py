"""Opening the database safely at start: integrity, the writer lock, the daily backup.

``open_checked`` is what the GUI and the CLI call instead of ``App.open``:

* a damaged file is never opened, never replaced by an empty new database: it raises
  ``DatabaseDamaged`` naming the newest good backup (the GUI offers it, the CLI prints it
  and exits 1); ``recover_from_backup`` sets the damaged file aside and puts the backup in
  its place;
* a writer takes ``<db>.lock``; a second kjdesk gets ``DatabaseLocked`` (who, since when)
  and may open read-only instead (``read_only=True``), where every write is refused;
* a writer makes the day's first backup.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from kjdesk.faults import describe
from kjdesk.services.core.app import App, ServiceError, default_db_path, refuse_writes
from kjdesk.services.safety.backups import check_backup, daily_backup
from kjdesk.services.safety.db_identity import backup_of, what_it_is
from kjdesk.store import audit
from kjdesk.store import backup as files
from kjdesk.store.db import Database as Database  # offered to the command line (another database's accounts)
from kjdesk.store.db import (
    NotAKjdeskDatabase as NotAKjdeskDatabase,  # offered to the window and the command line
)
from kjdesk.store.db import SchemaTooNew as SchemaTooNew
from kjdesk.store.db import current_revision, head_revision
from kjdesk.store.db import database_url as database_url
from kjdesk.store.lock import STALE_AFTER_SECONDS, WriterLock, pid_alive
from kjdesk.store.lock import DatabaseLocked as DatabaseLocked

__all__ = [
    "DatabaseDamaged",
    "DatabaseLocked",
    "WrongDatabaseFile",
    "open_checked",
    "recover_from_backup",
    "sign_lock",
]


class DatabaseDamaged(ServiceError):
    """The database file exists but cannot be read correctly."""

    def __init__(self, path: Path, reason: str, backup: files.BackupFile | None, others: str = "") -> None:
        self.path, self.reason, self.backup, self.others = Path(path), reason, backup, others
        text = self.window_text
        if backup is not None:
            text += f'（命令行：kjdesk --db "{self.path}" restore "{backup.path}"）'
        super().__init__(text)

    @property
    def window_text(self) -> str:
        """What the window says: no command to type."""
        text = f"数据库文件 {self.path} 已损坏（{self.reason}），程序不会在其位置新建空数据库。"
        if self.backup is not None:
            b = self.backup
            text += (
                f"本数据库最新的完好备份是 {b.path.name}（{b.made_at:%Y-%m-%d %H:%M}，{b.reason_label}）。"
            )
        else:
            text += f"在 {files.backups_dir(self.path)} 中没有找到完好的备份，请联系维护人员。"
            if self.others:
                text += f"该文件夹中的备份属于：{self.others}；无法确认其中哪一份是本数据库的，不能用来恢复。"
        return text


class WrongDatabaseFile(ServiceError):
    """The file given as the database is not one (a folder, a workbook …); nothing is offered."""

    def __init__(self, path: Path, what: str) -> None:
        self.path, self.what = Path(path), what
        super().__init__(
            f"“{self.path}”{what}，不是科技兑现台的数据库。请选择正确的数据库文件"
            "（通常名为 kjdesk.sqlite）；该文件未被改动。"
        )


def _sqlite_path(db: str | Path) -> Path | None:
    url = database_url(db)
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def open_checked(
    db: str | Path | None = None,
    *,
    actor: str = "系统",
    role: str = "管理员",
    read_only: bool = False,
    stale_after: float = STALE_AFTER_SECONDS,
    heartbeat: bool = True,
    backup_daily: bool = True,
) -> App:
    """Open the database for this program, checked and (unless ``read_only``) as its one writer.

    Raises ``DatabaseDamaged``, ``DatabaseLocked`` (when another kjdesk writes and
    ``read_only`` is False), or the schema errors of ``Database.open``.
    """
    db = db or default_db_path()
    path = _sqlite_path(db)
    if path is None:  # PostgreSQL: no file to check or lock
        if not read_only:
            _clean_leftovers(None)
        return App(Database.open(db), actor=actor, role=role, read_only=read_only)
    if path.exists():
        what = what_it_is(path)
        if what is not None:
            raise WrongDatabaseFile(path, what)
        reason = files.damage(path)
        if reason is not None:
            choice = backup_of(path)
            raise DatabaseDamaged(path, reason, choice.backup, choice.others)
    elif read_only:
        raise ServiceError(f"数据库文件 {path} 不存在")
    if read_only:
        database = Database.open(path, migrate=False)
        if current_revision(database.engine) != head_revision():
            database.close()
            raise ServiceError("数据库需要升级结构，只读方式无法打开；请在正在编辑该数据库的程序关闭后再打开")
        return App(database, actor=actor, role=role, read_only=True)
    lock = WriterLock(path, officer=actor if actor != "系统" else "", stale_after=stale_after).acquire()
    try:
        database = Database.open(path)
        try:
            lock.hold_file()  # a database created just now is held from now on
        except DatabaseLocked:
            database.close()
            raise
        app = App(database, actor=actor, role=role, writer_lock=lock)
    except BaseException:
        lock.release()
        raise
    lock.on_lost = lambda _holder: make_read_only(app)
    _clean_leftovers(path)
    if heartbeat:
        lock.start_heartbeat()
    if backup_daily:
        try:
            daily_backup(app)
        except (OSError, sqlite3.Error, files.BadDatabaseFile) as exc:  # start anyway, and say so
            told = describe(exc, "今日自动备份") if not isinstance(exc, files.BadDatabaseFile) else None
            app.extra["backup_warning"] = told or f"今日自动备份失败：{exc}"
    return app


def _clean_leftovers(path: Path | None) -> None:
    """The ``.part`` files of killed runs (exports, backups, restores), now that no other writer runs."""
    from kjdesk import atomic

    if path is not None:
        with contextlib.suppress(OSError):
            files.clean_leftovers(path)
    atomic.clean_leftovers(pid_alive)


def make_read_only(app: App) -> None:
    """From now on refuse every write (the writer lock was lost to a colleague)."""
    app.read_only = True
    refuse_writes(app.db)


def sign_lock(app: App) -> None:
    """After sign-in: name the officer in the lock file, so a colleague sees who holds it."""
    if app.writer_lock is not None:
        app.writer_lock.set_officer(app.actor)


def recover_from_backup(db: str | Path, backup: Path, actor: str = "系统", override_reason: str = "") -> Path:
    """Replace a damaged (or missing) database by ``backup``: checked first, the damaged file kept aside.

    Returns where the damaged file now is. Nothing is changed when the backup fails a check;
    a backup whose audit trail fails verification needs a 管理员's ``override_reason``
    (recorded in the recovered database: the damaged one cannot be written).
    """
    from kjdesk.services.safety.audit_anchor import reset_anchor
    from kjdesk.services.safety.restore_checks import check_trail, read_trail

    path = _sqlite_path(db)
    if path is None:
        raise ServiceError("只有 SQLite 数据库文件可以从备份恢复")
    check_backup(backup)
    trail = read_trail(backup)
    override = check_trail(trail, override_reason)
    path.parent.mkdir(parents=True, exist_ok=True)
    with WriterLock(path) as lock:  # never under a program that still has the file open
        lock.let_go_of_file()  # the damaged file is renamed aside below (Windows refuses an open file)
        staged = files.stage_copy(path, backup)
        try:
            aside = files.set_aside(path) if path.exists() else path
            files.swap_in(path, staged)
        finally:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
        database = Database.open(path)  # an older backup is migrated (and backed up) here
        try:
            with database.session() as s:
                after = {"from": str(backup), "damaged_file": aside.name if aside != path else ""}
                if override:
                    after |= {"override_reason": override, "problems": list(trail.problems[:20])}
                audit.record(s, actor, "恢复备份", "database", "", None, after)
            reset_anchor(database)
        finally:
            database.close()
    return aside
