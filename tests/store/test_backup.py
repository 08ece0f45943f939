import os
import sqlite3
import time
from datetime import datetime

import pytest

from kjdesk.store import backup as files
from kjdesk.store.db import Database, head_revision
from kjdesk.store.models import Unit
from tests.conftest import make_credit_code


def _units(n: int, start: int = 0) -> list[Unit]:
    return [
        Unit(name=f"单位{i}", credit_code=make_credit_code(f"91150203MA{i:07d}"), district="昆都仑区")
        for i in range(start, start + n)
    ]


@pytest.fixture
def db(tmp_path):
    d = Database.open(tmp_path / "kjdesk.sqlite")
    with d.session() as s:
        s.add_all(_units(3))
    yield d
    d.close()


def _count(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        con.close()


def test_backup_is_a_checked_kjdesk_file_without_wal(db, tmp_path):
    dest = tmp_path / "out" / "copy.sqlite"
    files.copy_database(db.path, dest)
    assert _count(dest) == 3
    check = files.check_database_file(dest)
    assert check.revision == head_revision()
    assert not os.path.exists(f"{dest}-wal")
    assert [p.name for p in dest.parent.iterdir()] == ["copy.sqlite"]  # no temporary file left


def test_the_backup_is_on_the_disk_before_it_takes_its_name(db, tmp_path, monkeypatch):
    """Written without SQLite's own syncs, the copy is synced once (while it is checked): the
    sync sees the whole checked file; a sync that fails leaves no backup and no part behind."""
    synced = []

    def fsync(path):
        synced.append((path.name, path.stat().st_size, _count(path)))

    monkeypatch.setattr(files, "_fsync", fsync)
    dest = tmp_path / "out" / "copy.sqlite"
    files.copy_database(db.path, dest)
    assert len(synced) == 1 and synced[0][0].endswith(".part") and synced[0][1:] == (dest.stat().st_size, 3)

    def full(path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(files, "_fsync", full)
    with pytest.raises(OSError):
        files.copy_database(db.path, tmp_path / "out" / "second.sqlite")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["copy.sqlite"]


def test_backup_during_an_open_write_transaction_holds_only_committed_data(db, tmp_path):
    writer = sqlite3.connect(db.path, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    writer.executemany(
        "INSERT INTO units (name, credit_code, kind, district, size_class, industry, address, contact, phone,"
        " former_names, note, created_at, updated_at) VALUES (?, ?, '企业', '', '', '', '', '', '', '', '',"
        " '2026-01-01', '2026-01-01')",
        [(f"未提交{i}", make_credit_code(f"91150203MB{i:07d}")) for i in range(2000)],
    )
    try:
        dest = tmp_path / "during.sqlite"
        files.copy_database(db.path, dest)
    finally:
        writer.rollback()
        writer.close()
    assert files.damage(dest, thorough=True) is None
    assert _count(dest) == 3


def test_backup_sees_committed_wal_content(db, tmp_path):
    with db.session() as s:
        s.add_all(_units(2, start=10))
    assert os.path.exists(f"{db.path}-wal")  # still in the WAL, the engine holds it open
    dest = tmp_path / "wal.sqlite"
    files.copy_database(db.path, dest)
    assert _count(dest) == 5


def test_named_backups_newest_kept(db):
    made = [files.make_backup(db.path, "manual", keep=3) for _ in range(5)]
    kept = files.list_backup_files(files.backups_dir(db.path))
    assert len(kept) == 3
    assert [b.path for b in kept] == list(reversed(made[-3:]))
    assert kept[0].reason == "manual" and kept[0].reason_label == "手动"
    assert kept[0].path.name.startswith(f"kjdesk-{datetime.now():%Y%m%d}-")
    assert kept[0].path.parent == db.path.parent / "backups"


def test_keep_count_reads_the_setting(db):
    assert files.keep_count(db.path) == files.DEFAULT_KEEP
    con = sqlite3.connect(db.path)
    con.execute("INSERT INTO settings (key, value) VALUES ('backup_keep', '2')")
    con.commit()
    con.close()
    assert files.keep_count(db.path) == 2
    for _ in range(4):
        files.make_backup(db.path, "daily")
    assert len(files.list_backup_files(files.backups_dir(db.path))) == 2


def test_check_refuses_a_file_that_is_not_sqlite(tmp_path):
    p = tmp_path / "roster.sqlite"
    p.write_bytes(b"PK\x03\x04" + b"x" * 500)
    with pytest.raises(files.BadDatabaseFile, match="不是 SQLite 数据库文件"):
        files.check_database_file(p)


def test_check_refuses_another_programs_database(tmp_path):
    p = tmp_path / "other.sqlite"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(files.BadDatabaseFile, match="不是科技兑现台的数据库"):
        files.check_database_file(p)


def test_check_refuses_a_newer_schema(db, tmp_path):
    dest = tmp_path / "newer.sqlite"
    files.copy_database(db.path, dest)
    con = sqlite3.connect(dest)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    with pytest.raises(files.BadDatabaseFile, match="更新版本"):
        files.check_database_file(dest)


def corrupt(path, offset: int = 4096, length: int = 4096) -> None:
    """Overwrite a page in the middle of the file with garbage (a bad sector, a bad copy)."""
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(b"\xa5" * length)


def test_damage_is_detected(db, tmp_path):
    dest = tmp_path / "bad.sqlite"
    files.copy_database(db.path, dest)
    assert files.damage(dest) is None
    size = dest.stat().st_size
    corrupt(dest, offset=size // 2)
    assert files.is_damaged(dest, thorough=True)
    with pytest.raises(files.BadDatabaseFile, match="已拒绝"):
        files.check_database_file(dest)


def test_empty_and_headerless_files_count_as_damaged(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert "为空" in files.damage(empty)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00" * 8192)
    assert "文件头" in files.damage(junk)


def test_replace_database_swaps_atomically_and_drops_old_wal(db, tmp_path):
    other = tmp_path / "other.sqlite"
    files.copy_database(db.path, other)
    con = sqlite3.connect(other)
    con.execute("DELETE FROM units")
    con.commit()
    con.close()
    db.engine.dispose()
    # a leftover WAL of the old file must not be replayed into the new one
    with open(f"{db.path}-wal", "wb") as f:
        f.write(b"stale wal")
    files.replace_database(db.path, other)
    assert not os.path.exists(f"{db.path}-wal")
    assert _count(db.path) == 0
    assert files.damage(db.path, thorough=True) is None
    assert not [p for p in db.path.parent.iterdir() if p.name.endswith(".restore")]


def test_newest_good_backup_skips_a_damaged_one(db):
    good = files.make_backup(db.path, "daily")
    time.sleep(1.05)
    bad = files.make_backup(db.path, "daily")
    corrupt(bad, offset=0, length=100)
    assert files.newest_good_backup(db.path).path == good


def test_migration_of_an_existing_database_backs_it_up_first(tmp_path, monkeypatch):
    from kjdesk.store import db as dbmod

    path = tmp_path / "old.sqlite"
    d = Database.open(path)
    with d.session() as s:
        s.add_all(_units(2))
    d.close()
    # This program now knows a newer schema than the file has: a migration will run.
    ran = []
    monkeypatch.setattr(dbmod, "head_revision", lambda: "0002_next")
    monkeypatch.setattr(dbmod.command, "upgrade", lambda cfg, target: ran.append(target))
    Database.open(path).close()
    assert ran == ["head"]
    backups = files.list_backup_files(files.backups_dir(path))
    assert [b.reason for b in backups] == ["migration"]
    assert _count(backups[0].path) == 2


def test_a_new_database_is_not_backed_up(tmp_path):
    Database.open(tmp_path / "new.sqlite").close()
    assert not (tmp_path / "backups").exists()
