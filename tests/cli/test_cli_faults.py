"""Faults end clearly (issue 17, item 6): a full disk, a read-only or locked file, a missing
folder, a database server gone — a Chinese message saying what to do, exit 1 (never 2), no
traceback, no ``.part`` left, the database as it was."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from kjdesk.services.register import list_units
from tests.cli.conftest import add_officers
from tests.cli.conftest import signed_main as main
from tests.rosters import units_rows, xlsx
from tests.services.disbursement.disbursement_data import seed_plan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # a bad argument is refused while the command line is read
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "k.sqlite")
    app = App.open(path)
    initialize(app, "baotou")
    seed_plan(app)
    app.close()
    add_officers(path)
    return path


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


def test_a_report_into_a_missing_folder_says_the_folder_does_not_exist(db, tmp_path, capsys):
    target = tmp_path / "nonexistent" / "dir" / "x.xlsx"
    code, _, err = run(capsys, "--db", db, "report", "disbursement", "--year", "2025", "-o", str(target))
    assert code == 1
    assert "文件夹不存在" in err and str(target.parent) in err
    assert ".part" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间已满"),
        (OSError(errno.EROFS, "Read-only file system"), "只读"),
        (OSError(errno.EBUSY, "Device or resource busy"), "正被其他程序占用"),
        (PermissionError(errno.EACCES, "Permission denied"), "没有权限写入"),
        (OSError(errno.EHOSTDOWN, "Host is down"), "网络共享文件夹无法访问"),
    ],
    ids=["disk-full", "read-only", "locked", "no-permission", "share-gone"],
)
def test_a_write_fault_is_told_in_chinese_and_leaves_nothing_behind(
    db, tmp_path, capsys, monkeypatch, fault, words
):
    target = tmp_path / "out" / "明细.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"the sheet of yesterday")

    real_save = Workbook.save

    def failing_save(self, filename):  # noqa: ANN001 - as openpyxl's Workbook.save
        real_save(self, filename)  # the part is written, then the disk (or share, or lock) fails
        fault.filename = str(filename)
        raise fault

    monkeypatch.setattr(Workbook, "save", failing_save)
    code, _, err = run(capsys, "--db", db, "report", "disbursement", "--year", "2025", "-o", str(target))
    assert code == 1, err
    assert words in err and "Traceback" not in err and ".part" not in err
    assert _parts(tmp_path) == []
    assert target.read_bytes() == b"the sheet of yesterday"


def test_a_full_disk_under_the_pre_import_backup_explains_itself(db, tmp_path, capsys, monkeypatch):
    import kjdesk.store.backup as store_backup

    def full(*_args, **_kw):  # noqa: ANN002, ANN003
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store_backup, "copy_database", full)
    roster = xlsx(tmp_path / "u.xlsx", units_rows())
    code, _, err = run(capsys, "--db", db, "import", str(roster))
    assert code == 1
    assert "导入须先自动备份数据库，但备份失败" in err and "磁盘空间已满" in err
    assert "导入未进行，数据库未改动" in err and "Traceback" not in err
    app = App.open(db)
    try:
        assert len(list_units(app)) == 4  # the four seeded units, none imported
    finally:
        app.close()


@pytest.mark.parametrize(
    ("sqlite_says", "words"),
    [
        ("database or disk is full", "磁盘空间已满"),
        ("attempt to write a readonly database", "数据库文件是只读的"),
        ("database is locked", "正被另一个程序锁定"),
        ("disk I/O error", "网络共享文件夹可能已断开"),
    ],
    ids=["disk-full", "read-only", "locked", "share-gone"],
)
def test_a_fault_under_the_database_rolls_back_and_exits_1(
    db, tmp_path, capsys, monkeypatch, sqlite_says, words
):
    from sqlalchemy import event

    import kjdesk.store.db as store_db

    real = store_db.make_engine

    def engine_whose_disk_fills(url):  # noqa: ANN001
        engine = real(url)

        @event.listens_for(engine, "before_cursor_execute")
        def _full(conn, cursor, statement, *_):  # noqa: ANN001, ANN002
            if statement.lstrip().upper().startswith("INSERT INTO UNITS"):
                raise sqlite3.OperationalError(sqlite_says)

        return engine

    monkeypatch.setattr(store_db, "make_engine", engine_whose_disk_fills)
    monkeypatch.setattr("kjdesk.services.safety.backups.backup_before", lambda *_: None)
    roster = xlsx(tmp_path / "u.xlsx", units_rows())
    code, _, err = run(capsys, "--db", db, "import", str(roster))
    assert code == 1, err
    assert words in err and "数据库未改动" in err and "Traceback" not in err
    monkeypatch.undo()
    app = App.open(db)
    try:
        assert len(list_units(app)) == 4
    finally:
        app.close()


def test_a_database_server_that_goes_away_is_exit_1_with_what_to_do(db, capsys, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import kjdesk.cli

    def gone(_args):  # noqa: ANN001
        raise OperationalError(
            "INSERT ...",
            {},
            Exception("server closed the connection unexpectedly"),
            connection_invalidated=True,
        )

    monkeypatch.setitem(kjdesk.cli.COMMANDS, "units", gone)
    code, _, err = run(capsys, "--db", db, "units", "list")
    assert code == 1
    assert "与数据库服务器的连接中断" in err and "请检查网络和数据库服务器后再试" in err
    assert "Traceback" not in err


def test_a_second_path_to_the_same_database_is_locked_out(db, tmp_path, capsys):
    from kjdesk.services.safety.startup import open_checked
    from kjdesk.store.lock import DatabaseLocked

    hard = tmp_path / "elsewhere" / "same.sqlite"
    hard.parent.mkdir()
    hard.hardlink_to(db)
    soft = tmp_path / "link.sqlite"
    soft.symlink_to(db)
    app = open_checked(db, heartbeat=False, backup_daily=False)
    try:
        for other in (hard, soft):
            with pytest.raises(DatabaseLocked, match="正由"):
                open_checked(other, heartbeat=False, backup_daily=False)
        code, _, err = run(capsys, "--db", str(hard), "import", str(xlsx(tmp_path / "u.xlsx", units_rows())))
        assert code == 1 and "另一路径" in err
    finally:
        app.close()
    open_checked(hard, heartbeat=False, backup_daily=False).close()  # free once the first is closed
