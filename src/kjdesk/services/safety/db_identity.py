"""What a file offered as the database is, and which backups are *its* backups.

A wrong file given as the database (a folder, an Excel workbook, another program's
database, the file of another bureau) is named for what it is and never "restored" from
backups that belong to some other database. A database is known by its identity: its city,
its bureau and the first event of its audit chain (which no other database shares); a backup
is offered only when its identity is the database's own.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kjdesk.store import backup as files
from kjdesk.validation import CITIES

SIGNATURES = (
    (b"PK\x03\x04", "是 Excel/WPS 工作簿或压缩文件"),
    (b"\xd0\xcf\x11\xe0", "是旧版 Excel（.xls）或 Word（.doc）文件"),
    (b"%PDF", "是 PDF 文件"),
    (b"{\\rtf", "是 RTF 文档"),
)


@dataclass(frozen=True)
class Identity:
    city: str
    bureau_name: str
    genesis: str  # the hash of the first audit event

    @property
    def label(self) -> str:
        city = str(CITIES.get(self.city, {}).get("name", self.city))
        return self.bureau_name or city or "未初始化的数据库"


def what_it_is(path: Path) -> str | None:
    """Why ``path`` is not a database file at all ("是一个文件夹", "是 Excel/WPS 工作簿…"), or None."""
    path = Path(path)
    if path.is_dir():
        return "是一个文件夹，不是数据库文件"
    if not path.is_file():
        return None
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            block = f.read(4096)
        head = block[:16]
    except OSError:
        return None
    if size == 0 or head == files.SQLITE_HEADER:
        return None  # an empty file or a database: the damage check says more
    for magic, what in SIGNATURES:
        if head.startswith(magic):
            return what
    if b"\x00" in block:
        return None  # binary and unknown: perhaps a database whose first bytes were damaged
    try:
        block.decode("utf-8", errors="strict") if len(block) < 4096 else block[:4000].decode(
            "utf-8", errors="ignore"
        )
    except UnicodeDecodeError:
        return None
    return "是文本文件"


def identity(path: Path) -> Identity | None:
    """The identity of the kjdesk database at ``path`` (read only), or None when it cannot be read."""
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            settings = dict(con.execute("SELECT key, value FROM settings").fetchall())
            row = con.execute("SELECT hash FROM audit_events ORDER BY id LIMIT 1").fetchone()
        finally:
            con.close()
    except (sqlite3.Error, OSError):
        return None
    return Identity(settings.get("city", ""), settings.get("bureau_name", ""), row[0] if row else "")


@dataclass(frozen=True)
class BackupChoice:
    backup: files.BackupFile | None  # the newest good backup of this very database
    others: str  # the bureau(s) whose backups lie in the folder but were not offered


def backup_of(db_path: Path) -> BackupChoice:
    """The newest good backup that belongs to the database at ``db_path``.

    When the damaged file still tells who it is, only backups with the same identity count.
    When it tells nothing (its first pages are gone), the newest backup is offered only if
    every backup in the folder belongs to one and the same database.
    """
    own = identity(db_path)
    good: list[tuple[files.BackupFile, Identity | None]] = []
    for b in files.list_backup_files(files.backups_dir(db_path)):
        try:
            files.check_database_file(b.path)
        except files.BadDatabaseFile:
            continue
        theirs = identity(b.path)
        if own is not None and own.genesis and theirs is not None and theirs.genesis == own.genesis:
            return BackupChoice(b, "")
        good.append((b, theirs))
    # a backup taken before the first audit event (a blank new database) belongs to nobody yet
    known = [(b, t) for b, t in good if t is not None and t.genesis]
    labels = sorted({t.label for _, t in known})
    if own is None and len({t.genesis for _, t in known}) == 1:
        return BackupChoice(known[0][0], "")
    return BackupChoice(None, "、".join(labels))
