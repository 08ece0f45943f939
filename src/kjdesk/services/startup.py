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

from kjdesk.services.app import App, ServiceError, default_db_path, refuse_writes
from kjdesk.services.backups import check_backup, daily_backup
from kjdesk.store import audit
from kjdesk.store import backup as files
from kjdesk.store.db import Database, current_revision, database_url, head_revision
from kjdesk.store.lock import STALE_AFTER_SECONDS, DatabaseLocked, WriterLock

__all__ = ["DatabaseDamaged", "DatabaseLocked", "open_checked", "recover_from_backup", "sign_lock"]


class DatabaseDamaged(ServiceError):
    """The database file exists but cannot be read correctly."""

    def __init__(self, path: Path, reason: str, backup: files.BackupFile | None) -> None:
        self.path, self.reason, self.backup = Path(path), reason, backup
        text = f"数据库文件 {self.path} 已损坏（{reason}），程序不会在其位置新建空数据库。"
        if backup is not None:
            text += (
                f"最新的完好备份是 {backup.path}（{backup.made_at:%Y-%m-%d %H:%M}，{backup.reason_label}）。"
                f'可运行 kjdesk --db "{self.path}" restore "{backup.path}" 恢复，或在程序窗口中选择恢复。'
            )
        else:
            text += f"在 {files.backups_dir(self.path)} 中没有找到完好的备份，请联系维护人员。"
        super().__init__(text)


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
        return App(Database.open(db), actor=actor, role=role, read_only=read_only)
    if path.exists():
        reason = files.damage(path)
        if reason is not None:
            raise DatabaseDamaged(path, reason, files.newest_good_backup(path))
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
        app = App(Database.open(path), actor=actor, role=role, writer_lock=lock)
    except BaseException:
        lock.release()
        raise
    lock.on_lost = lambda _holder: make_read_only(app)
    if heartbeat:
        lock.start_heartbeat()
    if backup_daily:
        try:
            daily_backup(app)
        except (OSError, sqlite3.Error, files.BadDatabaseFile) as exc:  # start anyway, and say so
            app.extra["backup_warning"] = f"今日自动备份失败：{exc}"
    return app


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
    from kjdesk.services.audit_anchor import reset_anchor
    from kjdesk.services.restore_checks import check_trail, read_trail

    path = _sqlite_path(db)
    if path is None:
        raise ServiceError("只有 SQLite 数据库文件可以从备份恢复")
    check_backup(backup)
    trail = read_trail(backup)
    override = check_trail(trail, override_reason)
    path.parent.mkdir(parents=True, exist_ok=True)
    with WriterLock(path):  # never under a program that still has the file open
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
