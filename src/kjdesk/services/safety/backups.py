"""Backing up and restoring the database (SQLite only; PostgreSQL has its own tools).

Automatic backups: once a day at start (``daily_backup``), before every migration
(``store.db.upgrade``), before every import commit (``backup_before(app, "import")``) and
before every restore. A restore checks the file first, backs up the database it replaces,
swaps the file in atomically and records an audit event in the restored database.
"""

from __future__ import annotations

import contextlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kjdesk.faults import UNCHANGED, describe
from kjdesk.services.core.app import App, Changes, ServiceError, require_writable
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.core.roles import require
from kjdesk.services.core.settings import write_setting
from kjdesk.store import audit
from kjdesk.store import backup as files
from kjdesk.store.backup import backups_dir as backups_dir  # offered to the window
from kjdesk.store.db import current_revision, upgrade


@dataclass(frozen=True)
class BackupRow:
    path: Path
    name: str
    made_at: datetime
    reason: str
    reason_label: str  # 每日自动 / 手动 / 升级前 / 导入前 / 恢复前
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_backup: Path  # the copy of the database that was replaced
    revision: str
    changes: Changes


REASON_STEPS = {"import": "导入", "restore": "恢复", "migration": "升级"}
ALL_CHANGED = Changes(**{f: True for f in Changes.__dataclass_fields__})


def db_file(app: App) -> Path:
    """The SQLite file of ``app``; a PostgreSQL database is refused with a Chinese message."""
    path = app.db.path
    if path is None:
        raise ServiceError(
            "PostgreSQL 数据库请使用数据库服务器自身的备份工具（pg_dump），本程序只备份 SQLite 文件"
        )
    return path


def keep_count(app: App) -> int:
    return files.keep_count(db_file(app))


def backup(app: App, path: Path | None = None, progress: Progress | None = None) -> Path:
    """Back up now: to ``path``, or to the backups folder (``…-manual.sqlite``). Returns the file."""
    progress = progress or NullProgress()
    db = db_file(app)
    progress.set_status("正在备份数据库…")
    if path is None:
        return files.make_backup(db, "manual")
    path = Path(path)
    if path.resolve() == db.resolve():
        raise ServiceError("备份文件不能与数据库是同一个文件")
    if path.is_dir():
        path = path / files.backup_name("manual")
    files.copy_database(db, path)
    return path


@dataclass(frozen=True)
class CheckedBackup:
    path: Path
    problems: tuple[str, ...]  # what verification found; empty when the trail is intact

    @property
    def warning(self) -> str:
        if not self.problems:
            return ""
        return "警告：数据库的审计记录校验未通过，备份已做，但该备份不作为可信的审计链锚点：\n" + "\n".join(
            f"  {p}" for p in self.problems
        )


def backup_checked(app: App, path: Path | None = None, progress: Progress | None = None) -> CheckedBackup:
    """Back up now, after verifying the trail: a database failing verification is still backed up
    (with a loud warning) but never replaces the last good anchor (services/safety/audit_anchor.py).

    The copy (SQLite's online backup and the copy's ``quick_check``, C code that lets other
    threads run) is made on a helper thread while this one verifies the trail: the verification
    is the same as ``verify_audit``'s, every check of it, only no longer waiting for the copy or
    the copy for it. The newest earlier backup (an anchor of the trail) is read before the new one
    can appear beside it."""
    from kjdesk.services.safety.audit_anchor import head_of, write_anchor
    from kjdesk.services.safety.audit_log import backup_anchor_break, trail_break
    from kjdesk.services.safety.audit_money import verify_all

    progress = progress or NullProgress()
    progress.set_status("正在校验审计记录并备份数据库…")
    backup_break = backup_anchor_break(app)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kjdesk-backup") as pool:
        copying = pool.submit(backup, app, path, NullProgress())
        try:
            problems = verify_all(app.db)
        finally:
            made = copying.result()  # the copy's own failure (a full disk …) is raised here
    broken = trail_break(backup_break, problems)
    if broken is not None:
        return CheckedBackup(made, broken.details or (broken.reason,))
    with app.db.session() as s:
        head = head_of(s)
    write_anchor(app.db, head)
    return CheckedBackup(made, ())


def backup_before(app: App, reason: str) -> Path | None:
    """The automatic backup before a risky step (``"import"``, …); None for PostgreSQL."""
    if app.db.path is None:
        return None
    try:
        return files.make_backup(app.db.path, reason)
    except (OSError, sqlite3.Error) as exc:  # a full disk, a backups folder that cannot be written
        what = REASON_STEPS.get(reason, "该操作")
        told = describe(exc, "自动备份") or str(exc)
        raise ServiceError(
            f"{what}须先自动备份数据库，但备份失败：{told.removesuffix(UNCHANGED)}"
            f"{what}未进行，数据库未改动。备份文件夹：{files.backups_dir(app.db.path)}"
            "（可删除其中较旧的备份，或在“备份”中减少保留份数）"
        ) from exc


def daily_backup(app: App, today: date | None = None) -> Path | None:
    """At start: a backup when the newest one is older than today. Returns it, or None."""
    if app.db.path is None or not app.db.path.exists():
        return None
    today = today or date.today()
    newest = files.list_backup_files(files.backups_dir(app.db.path))
    if newest and newest[0].made_at.date() >= today:
        return None
    return files.make_backup(app.db.path, "daily")


def list_backups(app: App) -> list[BackupRow]:
    """The automatic backups beside the database, newest first."""
    return [
        BackupRow(b.path, b.path.name, b.made_at, b.reason, b.reason_label, b.size)
        for b in files.list_backup_files(files.backups_dir(db_file(app)))
    ]


def set_backup_keep(app: App, keep: int) -> None:
    """How many automatic backups are kept (setting ``backup_keep``)."""
    if not 1 <= int(keep) <= 1000:
        raise ServiceError("保留的备份份数应在 1 到 1000 之间")
    require(app, "backup_settings")
    require_writable(app)
    with app.db.session() as s:
        write_setting(s, app.actor, files.KEEP_SETTING, str(int(keep)))


def check_backup(path: Path) -> files.FileCheck:
    """Check a file as ``restore`` would; raise ``ServiceError`` naming the problem."""
    try:
        return files.check_database_file(Path(path))
    except files.BadDatabaseFile as exc:
        raise ServiceError(str(exc)) from exc


def restore(
    app: App, path: Path, progress: Progress | None = None, override_reason: str = ""
) -> RestoreResult:
    """Replace the database by the backup ``path`` (管理员).

    Nothing is replaced unless the file passes every check: a sound kjdesk database, of this
    bureau (services/safety/restore_checks.py), whose audit trail verifies — or, when it does not,
    a 管理员's written ``override_reason``, recorded in both databases. The current database
    is backed up first (``…-restore.sqlite``); an older schema is migrated after the swap.
    """
    from kjdesk.services.core.settings import bureau
    from kjdesk.services.safety.audit_anchor import reset_anchor
    from kjdesk.services.safety.restore_checks import check_same_bureau, check_trail, read_trail

    progress = progress or NullProgress()
    require(app, "restore")
    require_writable(app)
    db = db_file(app)
    source = Path(path)
    if source.resolve() == db.resolve():
        raise ServiceError("不能用数据库文件自身来恢复")
    progress.set_status("正在检查备份文件…")
    check_backup(source)
    trail = read_trail(source)
    here = bureau(app)
    check_same_bureau(here.city if here else "", here.name if here else "", trail)
    override = check_trail(trail, override_reason)
    if override:  # recorded in the database being replaced, before it is replaced
        with app.db.session() as s:
            audit.record(
                s,
                app.actor,
                "强制恢复备份",
                "database",
                "",
                None,
                {"from": str(source), "reason": override, "problems": list(trail.problems[:20])},
            )
    # Staged before the safety backup, whose pruning could otherwise delete the source.
    staged = files.stage_copy(db, source)
    try:
        progress.set_status("正在备份当前数据库…")
        previous = files.make_backup(db, "restore")
        progress.check()
        progress.set_status("正在替换数据库…")
        app.db.engine.dispose()
        files.checkpoint(db)
        app.db.engine.dispose()
        if app.writer_lock is not None:
            app.writer_lock.let_go_of_file()  # held again on the new file below
        try:
            files.swap_in(db, staged)
        except OSError as exc:  # Windows: another program still has the file open
            raise ServiceError(
                f"无法替换数据库文件（{exc}）：是否有其他程序（如另一个只读窗口）正打开该数据库？"
                "请关闭后重试；当前数据库未改动"
            ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
    # A reader on another thread may have connected to the old file meanwhile: drop every
    # pooled connection so nothing keeps reading (or writing) the replaced file.
    app.db.engine.dispose()
    if app.writer_lock is not None:
        app.writer_lock.hold_file()
    upgrade(app.db.engine)
    revision = current_revision(app.db.engine) or ""
    with app.db.session() as s:
        audit.record(
            s,
            app.actor,
            "恢复备份",
            "database",
            "",
            None,
            {
                "from": str(source),
                "previous_backup": previous.name,
                "revision": revision,
                **({"override_reason": override, "problems": list(trail.problems[:20])} if override else {}),
            },
        )
    reset_anchor(app.db)  # the restored chain is now the one to extend
    return RestoreResult(source, previous, revision, ALL_CHANGED)
