"""A wrong file given as the database is named for what it is; only the database's own backups are offered."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from kjdesk.services.core.app import App
from kjdesk.services.core.settings import initialize
from kjdesk.services.safety.backups import backup_before
from kjdesk.services.safety.db_identity import backup_of, identity
from kjdesk.services.safety.startup import DatabaseDamaged, WrongDatabaseFile, open_checked
from kjdesk.store.backup import backups_dir


def test_a_workbook_or_a_folder_is_named_and_no_backup_is_offered(tmp_path):
    book = tmp_path / "名单.xlsx"
    openpyxl.Workbook().save(book)
    backups_dir(book).mkdir()
    with pytest.raises(WrongDatabaseFile) as err:
        open_checked(book)
    assert "是 Excel/WPS 工作簿或压缩文件，不是科技兑现台的数据库" in str(err.value)
    assert "restore" not in str(err.value) and "kjdesk --db" not in str(err.value)
    folder = tmp_path / "数据"
    folder.mkdir()
    with pytest.raises(WrongDatabaseFile, match="是一个文件夹"):
        open_checked(folder)


def _db(path, city: str) -> App:
    app = App.open(path)
    initialize(app, city)
    return app


def test_only_backups_of_this_very_database_are_offered(tmp_path):
    ours = tmp_path / "kjdesk.sqlite"
    app = _db(ours, "baotou")
    own_backup = backup_before(app, "daily")
    app.close()
    assert backup_of(ours).backup.path == own_backup
    # another bureau's database whose backups lie in the same folder
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    theirs = _db(other_dir / "kjdesk.sqlite", "wuhai")
    their_backup = backup_before(theirs, "daily")
    theirs.close()
    for b in backups_dir(ours).iterdir():
        b.unlink()
    shutil.copy(their_backup, backups_dir(ours) / their_backup.name)
    assert identity(ours).city == "baotou"
    choice = backup_of(ours)
    assert choice.backup is None and choice.others == "乌海市科学技术局"


def test_a_damaged_database_never_offers_another_databases_backup(tmp_path):
    ours = tmp_path / "kjdesk.sqlite"
    _db(ours, "baotou").close()
    theirs = _db(tmp_path / "other.sqlite", "wuhai")
    backup_before(theirs, "daily")  # into the same backups folder
    theirs.close()
    app = App.open(ours)
    backup_before(app, "daily")
    app.close()
    with open(ours, "r+b") as f:  # the first page gone: the file cannot tell who it is
        f.write(b"\x00" * 100)
    with pytest.raises(DatabaseDamaged) as err:
        open_checked(ours)
    assert err.value.backup is None  # two databases' backups there: none is guessed
    assert "kjdesk --db" not in err.value.window_text
