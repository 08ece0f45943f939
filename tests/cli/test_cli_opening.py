"""The command line opens the database checked, as its one writer, and backs up before an import."""

import sqlite3

from kjdesk.cli import main
from kjdesk.services.safety.startup import open_checked
from kjdesk.store.backup import backups_dir, list_backup_files
from tests.cli.conftest import add_officers
from tests.rosters import units_rows, xlsx


def test_import_makes_a_backup_first(tmp_path, capsys):
    db = tmp_path / "k.sqlite"
    assert main(["--db", str(db), "init", "--city", "baotou"]) == 0
    add_officers(db)
    roster = xlsx(tmp_path / "名录.xlsx", units_rows())
    assert main(["--db", str(db), "--user", "admin", "import", str(roster), "--kind", "units"]) == 0
    reasons = [b.path.name for b in list_backup_files(backups_dir(db))]
    assert any("import" in name for name in reasons), reasons


def test_writing_command_refused_while_another_kjdesk_writes(tmp_path, capsys):
    db = tmp_path / "k.sqlite"
    assert main(["--db", str(db), "init", "--city", "baotou"]) == 0
    add_officers(db)
    holder = open_checked(db, actor="张三", heartbeat=False)
    try:
        capsys.readouterr()
        roster = xlsx(tmp_path / "名录.xlsx", units_rows())
        assert main(["--db", str(db), "--user", "admin", "import", str(roster), "--kind", "units"]) == 1
        assert "正由" in capsys.readouterr().err
        # reading still works, read-only
        assert main(["--db", str(db), "units", "list", "--format", "json"]) == 0
        assert capsys.readouterr().out.strip() == "[]"
    finally:
        holder.close()


def test_damaged_database_is_named_not_replaced(tmp_path, capsys):
    db = tmp_path / "k.sqlite"
    assert main(["--db", str(db), "init", "--city", "baotou"]) == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    data[:16] = b"garbage garbage!"
    db.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["--db", str(db), "units", "list"]) == 1
    assert "已损坏" in capsys.readouterr().err
    assert db.read_bytes()[:16] == b"garbage garbage!"
