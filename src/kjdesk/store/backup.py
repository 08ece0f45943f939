"""Backups of the SQLite file: made with SQLite's online backup API, checked, restored atomically.

A backup is consistent while the program runs (it reads one committed snapshot, whatever
another connection is writing). It is written to a temporary file in the target folder and
renamed into place, so a half-written file never looks like a backup. Automatic backups live
in ``<db dir>/backups/kjdesk-YYYYmmdd-HHMMSS-<reason>.sqlite``; the newest N are kept.

A file is checked before it replaces the database (``check_database_file``): an SQLite
header, ``PRAGMA integrity_check`` = ok, a schema revision this program knows, kjdesk's tables.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kjdesk import atomic
from kjdesk.store.alembic_setup import alembic_config

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_PART = ".restore"
DEFAULT_KEEP = 30
KEEP_SETTING = "backup_keep"
# Tables every kjdesk database has had since its first schema.
KJDESK_TABLES = frozenset({"alembic_version", "settings", "units", "people", "audit_events"})
REASONS = {
    "daily": "每日自动",
    "manual": "手动",
    "migration": "升级前",
    "import": "导入前",
    "restore": "恢复前",
}
_NAME = re.compile(r"^kjdesk-(\d{8})-(\d{6})(?:-(\d+))?-([a-z0-9_]+)\.sqlite$")


class BadDatabaseFile(Exception):
    """A file that must not replace the database; the message says why, in Chinese."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime  # local time, from the file name
    reason: str  # daily / manual / migration / import / restore
    size: int
    seq: int = 1  # 2, 3 … for further backups within the same second

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class FileCheck:
    revision: str
    tables: int


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def sidecars(db_path: Path) -> list[Path]:
    return [Path(f"{db_path}-wal"), Path(f"{db_path}-shm"), Path(f"{db_path}-journal")]


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def copy_database(source: Path, dest: Path) -> None:
    """Copy ``source`` to ``dest`` with the online backup API; ``dest`` appears only when complete.

    The copy is a self-contained file (rollback journal, no -wal beside it) and passes
    ``PRAGMA quick_check``.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = _connect(source, read_only=True)
    try:
        with atomic.replacing(dest, unique=True, doing="备份数据库") as tmp:
            _create_owner_only(tmp)
            out = sqlite3.connect(tmp)
            try:
                # Written without SQLite's own syncs: the file is made durable once, by the fsync
                # below, on a helper thread while the copy is checked, before it takes its name.
                out.execute("PRAGMA synchronous=OFF")
                src.backup(out)  # one step: a single consistent snapshot
                out.execute("PRAGMA journal_mode=DELETE")
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kjdesk-fsync") as pool:
                    synced = pool.submit(_fsync, tmp)
                    ok = out.execute("PRAGMA quick_check").fetchone()[0]
                    synced.result()  # a failed write to the disk is raised here
                if ok != "ok":
                    raise BadDatabaseFile(f"备份副本校验未通过：{ok}")
            finally:
                out.close()
    finally:
        src.close()


def _fsync(path: Path) -> None:
    """Everything written to ``path`` is on the disk when this returns."""
    fd = os.open(path, os.O_RDONLY if os.name != "nt" else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_owner_only(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600 on POSIX): a backup
    holds every 身份证号 of the register. SQLite then writes into the file as created."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    if os.name != "nt":
        os.chmod(path, 0o600)  # whatever the umask


def backup_name(reason: str, when: datetime | None = None) -> str:
    when = when or datetime.now()
    return f"kjdesk-{when:%Y%m%d-%H%M%S}-{reason}.sqlite"


def make_backup(db_path: Path, reason: str, keep: int | None = None) -> Path:
    """A new automatic backup of ``db_path`` in its backups folder; older ones beyond ``keep`` go."""
    folder = backups_dir(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = datetime.now().replace(microsecond=0)
    same_second = [b.seq for b in list_backup_files(folder) if b.made_at == now]
    if same_second:  # numbered after the last one of that second, so it sorts as the newest
        dest = folder / f"kjdesk-{now:%Y%m%d-%H%M%S}-{max(same_second) + 1}-{reason}.sqlite"
    else:
        dest = folder / backup_name(reason, now)
    copy_database(db_path, dest)
    prune(folder, keep if keep is not None else keep_count(db_path))
    return dest


def list_backup_files(folder: Path) -> list[BackupFile]:
    """The automatic backups in ``folder``, newest first."""
    found = []
    if not folder.is_dir():
        return []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or not p.is_file():
            continue
        made = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        found.append(BackupFile(p, made, m.group(4), p.stat().st_size, int(m.group(3) or 1)))
    found.sort(key=lambda b: (b.made_at, b.seq), reverse=True)
    return found


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the automatic backups beyond the newest ``keep``; returns what was deleted."""
    keep = max(int(keep), 1)
    removed = []
    for b in list_backup_files(folder)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            b.path.unlink()
            removed.append(b.path)
    return removed


def keep_count(db_path: Path) -> int:
    """The ``backup_keep`` setting of the database, or the default 30."""
    try:
        con = _connect(db_path, read_only=True)
        try:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (KEEP_SETTING,)).fetchone()
        finally:
            con.close()
        return max(int(row[0]), 1) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError, TypeError):
        return DEFAULT_KEEP


# --- Checks --------------------------------------------------------------------------------


def header_ok(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16) == SQLITE_HEADER


def damage(path: Path, *, thorough: bool = False) -> str | None:
    """Why the database file at ``path`` is damaged, or None when it reads correctly.

    ``thorough`` runs ``PRAGMA integrity_check`` instead of the quicker ``quick_check``.
    An empty (0-byte) file counts as damaged: it is never taken for a new database.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return "文件为空（0 字节）"
        if size < 100 or not header_ok(path):
            return "文件头不是 SQLite 数据库"
        con = _connect(path)
        try:
            rows = con.execute("PRAGMA integrity_check" if thorough else "PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"无法读取数据库：{exc}"
    except OSError as exc:
        return f"无法读取文件：{exc}"
    if [r[0] for r in rows] != ["ok"]:
        return "完整性检查未通过：" + "；".join(str(r[0]) for r in rows[:3])
    return None


def is_damaged(path: Path, *, thorough: bool = False) -> bool:
    return damage(path, thorough=thorough) is not None


def check_database_file(path: Path) -> FileCheck:
    """Refuse (``BadDatabaseFile``) a file that is not a sound kjdesk database this program can open.

    The file is only read: opened read-only, never migrated, never written.
    """
    path = Path(path)
    if not path.is_file():
        raise BadDatabaseFile(f"找不到文件 {path}")
    if path.stat().st_size < 100 or not header_ok(path):
        raise BadDatabaseFile(f"{path.name} 不是 SQLite 数据库文件，已拒绝，当前数据库未改动")
    try:
        con = _connect(path, read_only=True)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BadDatabaseFile(f"{path.name} 已损坏，无法读取（{exc}），已拒绝，当前数据库未改动") from exc
    if rows != ["ok"]:
        raise BadDatabaseFile(
            f"{path.name} 未通过完整性检查（{'；'.join(rows[:3])}），已拒绝，当前数据库未改动"
        )
    missing = KJDESK_TABLES - tables
    if missing or revision is None:
        raise BadDatabaseFile(
            f"{path.name} 不是科技兑现台的数据库（缺少 {'、'.join(sorted(missing)) or '版本信息'}），已拒绝"
        )
    from alembic.script import ScriptDirectory  # only here: start-up does not pay for Alembic

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception as exc:  # alembic raises several kinds for an unknown revision
        raise BadDatabaseFile(
            f"{path.name} 由更新版本的科技兑现台创建（结构版本 {revision}），本程序无法识别，已拒绝"
        ) from exc
    return FileCheck(revision, len(tables))


def newest_good_backup(db_path: Path) -> BackupFile | None:
    """The newest automatic backup that passes ``check_database_file``."""
    for b in list_backup_files(backups_dir(db_path)):
        try:
            check_database_file(b.path)
        except BadDatabaseFile:
            continue
        return b
    return None


# --- Replacing the database ----------------------------------------------------------------


def stage_copy(db_path: Path, source: Path) -> Path:
    """Copy ``source`` beside ``db_path`` (same folder, so the later rename is atomic)."""
    db_path = Path(db_path)
    staged = db_path.with_name(f".{db_path.name}.{uuid.uuid4().hex[:8]}{RESTORE_PART}")
    copy_database(source, staged)
    if db_path.exists() and os.name != "nt":  # the database keeps its own permissions, not a backup's
        os.chmod(staged, db_path.stat().st_mode & 0o777)
    return staged


def clean_leftovers(db_path: Path) -> list[Path]:
    """After a killed backup or restore: remove the parts and staged copies it left (the caller holds
    the writer lock, so none is in use), and make older backups owner-only (0600 on POSIX)."""
    db_path = Path(db_path)
    removed: list[Path] = []
    folder = backups_dir(db_path)
    leftovers = list(db_path.parent.glob(f".{db_path.name}.*{RESTORE_PART}"))
    leftovers += list(db_path.parent.glob(f".{db_path.name}.*{atomic.PART}"))
    if folder.is_dir():
        leftovers += list(folder.glob(".kjdesk-*.sqlite.*" + atomic.PART))
    for p in leftovers:
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    if os.name != "nt" and folder.is_dir():
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
        for b in list_backup_files(folder):
            with contextlib.suppress(OSError):
                if b.path.stat().st_mode & 0o077:
                    b.path.chmod(0o600)
    return removed


def swap_in(db_path: Path, staged: Path) -> None:
    """Put the staged copy in place of ``db_path`` atomically.

    The caller has closed every connection to ``db_path`` and made its backup. The old
    -wal/-shm are removed first (an old WAL must never be replayed into the new file).
    """
    for side in sidecars(db_path):
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
    os.replace(staged, db_path)


def replace_database(db_path: Path, source: Path) -> None:
    """Replace ``db_path`` by a copy of ``source`` (stage, then swap)."""
    staged = stage_copy(db_path, source)
    try:
        swap_in(db_path, staged)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()


def checkpoint(db_path: Path) -> None:
    """Write the WAL back into the main file so nothing lives only in ``-wal``."""
    con = _connect(db_path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def set_aside(db_path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) out of the way; it is never deleted."""
    db_path = Path(db_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    os.replace(db_path, aside)
    for side in sidecars(db_path):
        if side.exists():
            os.replace(side, Path(f"{aside}{side.name.removeprefix(db_path.name)}"))
    return aside


def backup_before_migration(db_path: Path, revision: str) -> Path:
    """Called by ``store.db.upgrade`` before Alembic changes an existing database."""
    return make_backup(db_path, "migration")
