import json
import sqlite3

import pytest
from openpyxl import load_workbook

from kjdesk.cli import main
from kjdesk.services.core.app import App
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from kjdesk.store.lock import WriterLock
from tests.conftest import make_credit_code, make_id_number

ID = make_id_number("15020319800101123")


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "kjdesk.sqlite"
    assert main(["--db", str(path), "init", "--city", "baotou"]) == 0
    a = App.open(path, actor="张经办")
    u = add_unit(
        a,
        UnitInput(
            name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), district="昆都仑区"
        ),
    )
    add_person(a, PersonInput(name="张三", id_number=ID, employer_unit_id=u.id))
    add_unit(
        a, UnitInput(name="包头钢铁", credit_code=make_credit_code("91150203MA0N00002"), district="青山区")
    )
    a.close()
    from tests.cli.conftest import add_officers

    add_officers(path)
    capsys.readouterr()
    return path


def run(db, *argv):
    return main(["--db", str(db), "--user", "admin", *argv])


def exits(db, *argv) -> int:
    """The exit code of a command refused by the argument parser (it raises SystemExit)."""
    with pytest.raises(SystemExit) as stop:
        run(db, *argv)
    return stop.value.code


def _sql(db, statement, *params):
    con = sqlite3.connect(db)
    con.execute(statement, params)
    con.commit()
    con.close()


def test_audit_verify_passes_then_names_an_edited_row(db, capsys):
    assert run(db, "audit", "verify") == 0
    assert "审计链完整" in capsys.readouterr().out
    _sql(db, "UPDATE audit_events SET after = replace(after, '青山区', '东河区') WHERE id = 6")
    assert run(db, "audit", "verify") == 1
    err = capsys.readouterr().err
    assert "审计事件 #6 的内容被改动" in err and "张经办" in err


def test_audit_verify_names_a_deleted_row(db, capsys):
    _sql(db, "DELETE FROM audit_events WHERE id = 4")
    assert run(db, "audit", "verify") == 1
    assert "审计事件 #4 缺失" in capsys.readouterr().err


def test_audit_list_filters_and_masks(db, capsys):
    assert run(db, "audit", "list", "--officer", "张经办", "--entity", "person", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1 and rows[0]["action"] == "新增" and rows[0]["entity_label"] == "人员"
    assert ID not in rows[0]["after"] and ID[:6] + "********" + ID[-4:] in rows[0]["after"]
    assert run(db, "audit", "list", "--entity", "单位", "--format", "json") == 0
    assert [r["entity_label"] for r in json.loads(capsys.readouterr().out)] == ["单位", "单位"]
    assert run(db, "audit", "list", "--from", "2000-01-01", "--to", "2000-12-31") == 0
    assert "（无记录）" in capsys.readouterr().out
    assert exits(db, "audit", "list", "--from", "2000-13-01") == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_audit_export_writes_the_filtered_events(db, tmp_path, capsys):
    out = tmp_path / "审计.xlsx"
    assert run(db, "audit", "export", "--entity", "unit", "-o", str(out)) == 0
    assert "已导出 2 条" in capsys.readouterr().out
    ws = load_workbook(out).active
    assert [ws.cell(r, 5).value for r in (4, 5)] == ["单位", "单位"]
    assert {ws.cell(r, 3).value for r in (4, 5)} == {"张经办"}


def test_backup_list_and_restore(db, tmp_path, capsys):
    copy = tmp_path / "copy.sqlite"
    assert run(db, "backup", "-o", str(copy)) == 0
    assert str(copy) in capsys.readouterr().out
    assert run(db, "backup") == 0
    capsys.readouterr()
    _sql(db, "DELETE FROM people")
    assert run(db, "restore", str(copy)) == 0
    out = capsys.readouterr().out
    assert "被替换的数据库已备份为" in out
    assert run(db, "people", "list", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "张三"
    assert run(db, "backups", "list", "--format", "json") == 0
    kinds = [r["reason_label"] for r in json.loads(capsys.readouterr().out)]
    assert kinds[0] == "恢复前" and "手动" in kinds
    assert run(db, "audit", "verify") == 0


def test_restore_refuses_a_file_that_is_not_kjdesk(db, tmp_path, capsys):
    other = tmp_path / "other.sqlite"
    _sql(other, "CREATE TABLE t (x)")
    before = db.read_bytes()
    assert run(db, "restore", str(other)) == 1
    assert "不是科技兑现台的数据库" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_a_second_writer_is_refused_naming_the_holder(db, capsys):
    with WriterLock(db, officer="李复核"):
        assert run(db, "year", "close", "2025") == 1
        err = capsys.readouterr().err
        assert "李复核" in err and "自 " in err and "只读" in err
        assert run(db, "audit", "verify") == 0  # reading is still allowed


def test_year_close_and_reopen_with_a_reason(db, capsys):
    assert run(db, "year", "close", "2025") == 0
    assert run(db, "year", "list") == 0
    assert "2025" in capsys.readouterr().out
    assert exits(db, "year", "reopen", "2025") == 1  # --reason is required
    assert run(db, "year", "reopen", "2025", "--reason", " ") == 1
    assert "原因" in capsys.readouterr().err
    assert run(db, "year", "reopen", "2025", "--reason", "补录凭证") == 0
    assert "已重新开启" in capsys.readouterr().out
    assert run(db, "audit", "list", "--entity", "closed_year", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in rows] == ["重新开启年度", "关闭年度"] and "补录凭证" in rows[0]["after"]


def test_people_reveal_prints_the_whole_number_and_is_audited(db, capsys):
    assert exits(db, "people", "reveal", "1") == 1  # --reason is required
    capsys.readouterr()
    assert run(db, "people", "reveal", "1", "--reason", "核对银行账户") == 0
    assert capsys.readouterr().out.strip() == ID
    assert run(db, "audit", "list", "--action", "查看身份证号", "--format", "json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["entity_id"] == "1" and "核对银行账户" in rows[0]["after"] and ID not in rows[0]["after"]


def test_a_damaged_database_names_the_backup_and_restore_recovers(db, capsys):
    assert run(db, "backup") == 0
    backup = capsys.readouterr().out.split("已备份到 ")[1].split("（")[0]
    with open(db, "r+b") as f:
        f.write(b"\x00" * 100)
    assert run(db, "people", "reveal", "1", "--reason", "核对") == 1
    err = capsys.readouterr().err
    assert "已损坏" in err and backup in err and "不会在其位置新建空数据库" in err
    assert run(db, "restore", backup) == 0
    assert "损坏的文件已移至" in capsys.readouterr().out
    assert run(db, "audit", "verify") == 0
    assert list(db.parent.glob("kjdesk.sqlite.damaged-*"))


def test_restore_onto_a_new_pc_creates_no_empty_database_first(db, tmp_path, capsys):
    copy = tmp_path / "u盘.sqlite"
    assert run(db, "backup", "-o", str(copy)) == 0
    fresh = tmp_path / "new-pc" / "kjdesk.sqlite"
    assert run(fresh, "restore", str(copy)) == 0
    # nothing to back up: there was no database (the folder holds only the audit anchor)
    assert not list((fresh.parent / "backups").glob("*.sqlite"))
    capsys.readouterr()
    assert run(fresh, "people", "list", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "张三"
