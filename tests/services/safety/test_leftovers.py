"""After a killed run (issue 17, item 6): its ``.part`` files are cleaned at the next start;
backups are readable by their owner only."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import kjdesk.atomic as atomic
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from kjdesk.services.safety.backups import backup
from kjdesk.services.safety.startup import open_checked
from kjdesk.store import backup as files


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "k.sqlite"
    app = App.open(path)
    initialize(app, "baotou")
    app.close()
    return path


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_the_parts_of_a_killed_run_are_removed_at_the_next_start(db, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    killed = exports / "明细表.xlsx.part"  # an export killed half-way, noted by its dead process
    killed.write_bytes(b"half")
    (atomic.registry_dir()).mkdir(parents=True, exist_ok=True)
    (atomic.registry_dir() / f"{_dead_pid()}-abc.txt").write_text(str(killed), encoding="utf-8")
    running = exports / "汇总表.xlsx.part"  # another export still being written by a live process
    running.write_bytes(b"busy")
    (atomic.registry_dir() / f"{os.getpid()}-def.txt").write_text(str(running), encoding="utf-8")
    folder = files.backups_dir(db)
    folder.mkdir(exist_ok=True)  # the audit anchor may already be kept there
    backup_part = folder / ".kjdesk-20260101-120000-daily.sqlite.1a2b3c4d.part"
    backup_part.write_bytes(b"half")
    staged = db.with_name(f".{db.name}.5e6f7a8b.restore")
    staged.write_bytes(b"half")

    open_checked(db, heartbeat=False, backup_daily=False).close()

    assert not killed.exists() and not backup_part.exists() and not staged.exists()
    assert running.exists()
    assert list(atomic.registry_dir().glob("*.txt")) == [atomic.registry_dir() / f"{os.getpid()}-def.txt"]


def test_a_failed_write_removes_its_part_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "x.pdf"
    target.write_bytes(b"old")
    with pytest.raises(OSError), atomic.replacing(target) as part:
        part.write_bytes(b"new, half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
    assert list(atomic.registry_dir().glob("*.txt")) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_backups_are_readable_by_their_owner_only(db, tmp_path):
    os.umask(0o022)
    auto = files.make_backup(db, "manual")
    assert stat.S_IMODE(auto.stat().st_mode) == 0o600
    assert stat.S_IMODE(auto.parent.stat().st_mode) == 0o700
    app = App.open(db)
    try:
        chosen = backup(app, tmp_path / "拷贝.sqlite")
    finally:
        app.close()
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600
    old = files.backups_dir(db) / "kjdesk-20250101-120000-daily.sqlite"  # made by an earlier version
    old.write_bytes(auto.read_bytes())
    old.chmod(0o644)
    open_checked(db, heartbeat=False, backup_daily=False).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_restored_database_keeps_its_own_permissions(db, tmp_path):
    from kjdesk.services.safety.backups import restore

    db.chmod(0o640)
    copy = files.make_backup(db, "manual")
    app = open_checked(db, heartbeat=False, backup_daily=False)
    try:
        restore(app, copy)
    finally:
        app.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o640


def test_a_full_disk_at_the_daily_backup_starts_anyway_and_says_why(db, monkeypatch):
    def full(*_args, **_kw):  # noqa: ANN002, ANN003
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "copy_database", full)
    app = open_checked(db, heartbeat=False)
    try:
        warning = app.extra["backup_warning"]
    finally:
        app.close()
    assert warning.startswith("今日自动备份失败：磁盘空间已满") and "请清理磁盘空间" in warning
    assert not list(files.backups_dir(db).glob("*.part"))
