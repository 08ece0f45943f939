import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from kjdesk.services.app import App, ReadOnlyDatabase, ServiceError
from kjdesk.services.audit_log import AuditFilter, audit_choices, audit_events, export_audit, verify_audit
from kjdesk.services.backups import (
    backup,
    backup_before,
    daily_backup,
    list_backups,
    restore,
    set_backup_keep,
)
from kjdesk.services.privacy import mask_in_text, reveal_id_number
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit, update_unit
from kjdesk.services.startup import (
    DatabaseDamaged,
    DatabaseLocked,
    open_checked,
    recover_from_backup,
    sign_lock,
)
from kjdesk.services.years import YearClosed, check_year_open, close_year, list_closed_years, reopen_year
from kjdesk.store.lock import lock_path, read_lock
from kjdesk.store.models import AuditEvent, Entitlement, Instalment, Letter, Payment, Unit
from tests.conftest import make_credit_code, make_id_number

ID = make_id_number("15020319800101123")


def _unit(app, n=1, name="包头稀土研究院"):
    return add_unit(
        app, UnitInput(name=name, credit_code=make_credit_code(f"91150203MA0N{n:05d}"), district="昆都仑区")
    )


def _count_units(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        con.close()


# --- Audit trail ---------------------------------------------------------------------------


def test_every_service_write_is_audited_with_officer_and_before_after(app):
    u = _unit(app)
    update_unit(app, u.id, replace(UnitInput(u.name, u.credit_code, "青山区"), phone="0472-1234567"))
    rows = audit_events(app, entity="unit")
    assert [r.action for r in rows] == ["修改", "新增"]  # newest first
    assert all(r.actor == "测试员" and r.entity_label == "单位" and r.entity_id == str(u.id) for r in rows)
    assert '"district": "昆都仑区"' in rows[0].before and '"district": "青山区"' in rows[0].after
    assert rows[1].before == ""


def test_audit_filters_by_officer_action_and_date(app):
    _unit(app)
    other = replace(app, actor="李复核")
    _unit(other, 2, "包头钢铁")
    assert {r.actor for r in audit_events(app, officer="李复核")} == {"李复核"}
    assert len(audit_events(app, officer="李复核", entity="unit", action="新增")) == 1
    today = date.today()
    assert len(audit_events(app, entity="unit", date_from=today, date_to=today)) == 2
    assert audit_events(app, date_from=today + timedelta(days=1)) == []
    assert audit_events(app, date_to=today - timedelta(days=1)) == []
    choices = audit_choices(app)
    assert {"测试员", "李复核"} <= set(choices.officers) and "unit" in choices.entities
    with pytest.raises(ServiceError, match="晚于"):
        audit_events(app, date_from=today, date_to=today - timedelta(days=1))


def test_chain_verifies_then_an_edited_row_is_named(app, db_path):
    _unit(app)
    _unit(app, 2, "包头钢铁")
    assert verify_audit(app) is None
    with app.db.session() as s:
        target = s.scalar(select(AuditEvent.id).where(AuditEvent.entity == "unit").order_by(AuditEvent.id))
    con = sqlite3.connect(db_path)
    con.execute("UPDATE audit_events SET actor = '别人' WHERE id = ?", (target,))
    con.commit()
    con.close()
    broken = verify_audit(app)
    assert broken is not None and broken.event_id == target and "被改动" in broken.reason


def test_a_deleted_audit_row_is_named(app, db_path):
    _unit(app)
    _unit(app, 2, "包头钢铁")
    _unit(app, 3, "北方重工")
    with app.db.session() as s:
        ids = list(s.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM audit_events WHERE id = ?", (ids[-2],))
    con.commit()
    con.close()
    broken = verify_audit(app)
    assert broken.event_id == ids[-2] and "缺失" in broken.reason


def test_id_numbers_are_masked_in_the_audit_log_and_its_export(app, tmp_path):
    u = _unit(app)
    add_person(app, PersonInput(name="张三", id_number=ID, employer_unit_id=u.id))
    rows = audit_events(app, entity="person")
    assert ID not in rows[0].after and ID[-4:] in rows[0].after
    out = tmp_path / "audit.xlsx"
    n = export_audit(app, out, AuditFilter(entity="person"))
    assert n == 1
    ws = load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert "对象：人员" in values[0][0] and "审计链校验：完整" in values[1][0]
    assert values[2] == ["编号", "时间", "操作人", "操作", "对象", "对象编号", "修改前", "修改后"]
    assert values[3][2:5] == ["测试员", "新增", "人员"]
    assert all(ID not in str(v) for row in values for v in row)
    assert mask_in_text(f"x {ID} y") == f"x {ID[:6]}********{ID[-4:]} y"
    assert mask_in_text("91150203MA0N00001X") == "91150203MA0N00001X"  # a credit code is left alone


def test_reveal_id_number_needs_a_reason_and_is_audited_without_the_number(app):
    u = _unit(app)
    p = add_person(app, PersonInput(name="张三", id_number=ID, employer_unit_id=u.id))
    with pytest.raises(ServiceError, match="用途"):
        reveal_id_number(app, p.id, " ")
    assert reveal_id_number(app, p.id, "核对拨付账户") == ID
    ev = audit_events(app, action="查看身份证号")[0]
    assert ev.actor == "测试员" and ev.entity_id == str(p.id) and "核对拨付账户" in ev.after
    with app.db.session() as s:
        raw = s.scalar(select(AuditEvent.after).where(AuditEvent.action == "查看身份证号"))
    assert ID not in raw


# --- Backups and restore -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_backup_now_and_to_a_chosen_file(app, tmp_path):
    _unit(app)
    made = backup(app)
    assert made.parent == app.db.path.parent / "backups" and made.name.endswith("-manual.sqlite")
    chosen = backup(app, tmp_path / "u盘" / "kjdesk-copy.sqlite")
    assert _count_units(chosen) == 1
    assert [b.reason_label for b in list_backups(app)] == ["手动"]


@pytest.mark.sqlite_only
def test_daily_backup_once_a_day(app):
    assert daily_backup(app) is not None
    assert daily_backup(app) is None
    assert daily_backup(app, today=date.today() + timedelta(days=1)) is not None
    assert [b.reason for b in list_backups(app)] == ["daily", "daily"]


@pytest.mark.sqlite_only
def test_backup_keep_setting_limits_the_folder(app):
    set_backup_keep(app, 2)
    for _ in range(4):
        backup_before(app, "import")
    rows = list_backups(app)
    assert len(rows) == 2 and rows[0].reason_label == "导入前"
    with pytest.raises(ServiceError):
        set_backup_keep(app, 0)


@pytest.mark.sqlite_only
def test_restore_replaces_the_database_and_backs_up_the_one_it_replaces(app, tmp_path):
    _unit(app)
    saved = backup(app, tmp_path / "saved.sqlite")
    _unit(app, 2, "包头钢铁")
    result = restore(app, saved)
    assert _count_units(app.db.path) == 1
    with app.db.session() as s:  # the same App works on the restored file
        assert s.scalar(select(func.count()).select_from(Unit)) == 1
    assert result.previous_backup.name.endswith("-restore.sqlite")
    assert _count_units(result.previous_backup) == 2
    ev = audit_events(app, action="恢复备份")[0]
    assert "saved.sqlite" in ev.after and result.previous_backup.name in ev.after
    assert verify_audit(app) is None


def _refused(app, path, match):
    before = app.db.path.read_bytes()
    with pytest.raises(ServiceError, match=match):
        restore(app, path)
    assert list_backups(app) == []  # nothing replaced, nothing backed up
    assert app.db.path.read_bytes() == before


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_kjdesk(app, tmp_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _refused(app, other, "不是科技兑现台的数据库")
    text = tmp_path / "notes.sqlite"
    text.write_text("hello" * 100)
    _refused(app, text, "不是 SQLite")


@pytest.mark.sqlite_only
def test_restore_refuses_a_newer_schema_and_a_damaged_file(app, tmp_path):
    newer = backup(app, tmp_path / "newer.sqlite")
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    con.commit()
    con.close()
    _refused(app, newer, "更新版本")
    damaged = backup(app, tmp_path / "damaged.sqlite")
    with open(damaged, "r+b") as f:
        f.seek(damaged.stat().st_size // 2)
        f.write(b"\xa5" * 4096)
    _refused(app, damaged, "已拒绝")


@pytest.mark.sqlite_only
def test_restore_needs_the_admin_role(app, tmp_path):
    saved = backup(app, tmp_path / "saved.sqlite")
    with pytest.raises(ServiceError, match="管理员"):
        restore(replace(app, role="经办人"), saved)


# --- Year-end close ------------------------------------------------------------------------


def _approved_instalment(app, year=2025) -> int:
    u = _unit(app)
    with app.db.session() as s:
        e = Entitlement(
            key="k1", city="baotou", clause_id="BT-06", status="应享", unit_id=u.id, total_fen=10_000_00
        )
        s.add(e)
        s.flush()
        inst = Instalment(entitlement_id=e.id, year=year, amount_fen=10_000_00, state="approved")
        s.add(inst)
        s.flush()
        return inst.id


def _pay(app, inst_id, on=date(2025, 6, 1)):
    with app.db.session() as s:
        check_year_open(s, on.year)
        s.add(
            Payment(
                instalment_id=inst_id, paid_on=on, voucher_no="记-1", amount_fen=5_000_00, recorded_by="x"
            )
        )


def test_a_closed_year_refuses_payments_and_letters_until_an_admin_reopens_it(app):
    inst = _approved_instalment(app)
    _pay(app, inst)
    close_year(app, 2025)
    assert [r.year for r in list_closed_years(app)] == [2025]
    with pytest.raises(YearClosed, match="2025 年度已结账关闭"):
        _pay(app, inst)
    # the safety net: a service that forgot check_year_open is refused at flush
    with pytest.raises(YearClosed), app.db.session() as s:
        s.add(
            Payment(
                instalment_id=inst, paid_on=date(2025, 7, 1), voucher_no="记-2", amount_fen=1, recorded_by="x"
            )
        )
    with pytest.raises(YearClosed, match="通知书"), app.db.session() as s:
        s.add(
            Letter(
                number="包科兑〔2025〕9号",
                year=2025,
                seq=9,
                kind="资金支持通知书",
                entitlement_id=1,
                addressee="x",
                amount_fen=1,
                issued_on=date(2025, 7, 1),
                issued_by="x",
                pdf=b"%PDF",
                sha256="0",
            )
        )
    with app.db.session() as s:  # an existing payment cannot be edited or deleted either
        p = s.scalar(select(Payment))
        p.voucher_no = "改"
        with pytest.raises(YearClosed):
            s.flush()
        s.rollback()
    _pay(app, inst, on=date(2026, 1, 5))  # the next year is open
    with pytest.raises(ServiceError, match="管理员"):
        reopen_year(replace(app, role="复核人"), 2025, "更正凭证号")
    with pytest.raises(ServiceError, match="原因"):
        reopen_year(app, 2025, "")
    reopen_year(app, 2025, "更正凭证号")
    _pay(app, inst)
    ev = audit_events(app, entity="closed_year")
    assert [e.action for e in ev] == ["重新开启年度", "关闭年度"]
    assert "更正凭证号" in ev[0].after and ev[0].actor == "测试员"


def test_close_year_is_for_admins_only(app):
    with pytest.raises(ServiceError, match="管理员"):
        close_year(replace(app, role="经办人"), 2025)
    with pytest.raises(ServiceError, match="尚未开始"):
        close_year(app, date.today().year + 1)


def test_payments_service_refuses_a_closed_year(app):
    payments = pytest.importorskip("kjdesk.services.payments")
    inst = _approved_instalment(app)
    close_year(app, 2025)
    with pytest.raises(ServiceError, match="2025 年度已结账关闭"):
        payments.record_payment(app, inst, date(2025, 6, 1), "记-1", 1_000_00)


# --- Opening: integrity, one writer, read-only ---------------------------------------------


def test_a_second_writer_is_refused_and_may_open_read_only(app, db_path):
    app.close()
    first = open_checked(db_path, actor="张经办")
    sign_lock(first)
    try:
        with pytest.raises(DatabaseLocked) as err:
            open_checked(db_path, actor="李复核")
        assert "张经办" in str(err.value) and read_lock(lock_path(db_path)).since[:10] in str(err.value)
        second = open_checked(db_path, actor="李复核", read_only=True)
        assert second.read_only
        with pytest.raises(ReadOnlyDatabase, match="只读"):
            _unit(second)
        with pytest.raises(ReadOnlyDatabase), second.db.session() as s:  # bulk writes bypass the flush
            s.execute(insert(Unit), [{"name": "x", "credit_code": make_credit_code("91150203MA0N00009")}])
        con = second.db.engine.raw_connection()  # SQL written past the services is refused too
        with pytest.raises(sqlite3.OperationalError):
            con.execute("DELETE FROM units")
        con.close()
        assert audit_events(second)  # reading works
        second.close()
        _unit(first)
    finally:
        first.close()
    assert not lock_path(db_path).exists()


def test_open_checked_makes_the_daily_backup(app, db_path):
    app.close()
    a = open_checked(db_path, heartbeat=False)
    try:
        assert [b.reason for b in list_backups(a)] == ["daily"]
    finally:
        a.close()


def test_a_damaged_database_is_never_replaced_by_an_empty_one(app, db_path):
    _unit(app)
    good = backup_before(app, "daily")
    app.close()
    with open(db_path, "r+b") as f:
        f.write(b"\x00" * 100)  # the header is gone
    damaged_bytes = db_path.read_bytes()
    with pytest.raises(DatabaseDamaged) as err:
        open_checked(db_path)
    assert err.value.backup.path == good and str(good) in str(err.value)
    assert db_path.read_bytes() == damaged_bytes  # untouched, no new database in its place
    aside = recover_from_backup(db_path, good)
    assert aside.read_bytes() == damaged_bytes
    a = open_checked(db_path, heartbeat=False, backup_daily=False)
    try:
        assert _count_units(db_path) == 1 and verify_audit(a) is None
    finally:
        a.close()


def test_an_empty_file_in_place_of_the_database_is_refused(tmp_path):
    path = tmp_path / "kjdesk.sqlite"
    path.write_bytes(b"")
    with pytest.raises(DatabaseDamaged, match="没有找到完好的备份"):
        open_checked(path)
    assert path.read_bytes() == b""


def test_app_open_still_works_for_a_plain_app(db_path):
    a = App.open(db_path)
    assert not a.read_only and a.writer_lock is None
    a.close()


def test_a_writer_that_lost_its_lock_stops_writing(app, db_path):
    import json
    import time

    app.close()
    a = open_checked(db_path, actor="张经办", heartbeat=False, backup_daily=False)
    try:
        # this PC slept past the stale age and a colleague took the lock over
        info = {
            "user": "li",
            "officer": "李复核",
            "host": "OTHER-PC",
            "pid": 1,
            "since": "2026-01-05T08:00:00",
        }
        lock_path(db_path).write_text(json.dumps({**info, "token": "theirs"}), encoding="utf-8")
        a.writer_lock.start_heartbeat(interval=0.05)
        deadline = time.monotonic() + 5
        while not a.read_only and time.monotonic() < deadline:
            time.sleep(0.02)
        assert a.read_only
        with pytest.raises(ReadOnlyDatabase):
            _unit(a)
    finally:
        a.close()
    assert read_lock(lock_path(db_path)).token == "theirs"  # their lock is left alone


def test_deleting_the_last_events_is_caught_against_the_newest_backup(app, db_path):
    _unit(app)
    _unit(app, 2, "包头钢铁")
    backup_before(app, "daily")
    with app.db.session() as s:
        last = s.scalar(select(func.max(AuditEvent.id)))
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM audit_events WHERE id = ?", (last,))  # the chain alone cannot see this
    con.commit()
    con.close()
    broken = verify_audit(app)
    assert broken is not None and broken.event_id == last and "缺失" in broken.reason
    assert "kjdesk-" in broken.reason  # names the backup that still holds it


def test_recovering_an_older_backup_raises_no_false_alarm(app, db_path):
    import time

    _unit(app)
    older = backup_before(app, "daily")
    time.sleep(1.05)
    _unit(app, 2, "包头钢铁")
    backup_before(app, "daily")  # newer, holds events the older one lacks
    app.close()
    with open(db_path, "r+b") as f:
        f.write(b"\x00" * 100)
    recover_from_backup(db_path, older, "张管理")
    a = open_checked(db_path, heartbeat=False, backup_daily=False)
    try:
        assert verify_audit(a) is None
        ev = audit_events(a, action="恢复备份")
        assert ev[0].actor == "张管理" and older.name in ev[0].after
    finally:
        a.close()


def test_every_audited_entity_has_a_chinese_label():
    """The 审计日志 shows 对象 in Chinese: each entity name written by a service has a label."""
    import re
    from pathlib import Path

    from kjdesk.services.audit_log import ENTITY_LABELS

    services = Path(__file__).resolve().parents[2] / "src" / "kjdesk" / "services"
    pattern = re.compile(r'audit\.record\(\s*\w+,\s*[\w.]+,\s*(?:"[^"]*"|\w+),\s*"([a-z_]+)"', re.S)
    used = {m.group(1) for f in services.glob("*.py") for m in pattern.finditer(f.read_text(encoding="utf-8"))}
    assert used, "no audit.record calls found"
    assert used <= set(ENTITY_LABELS), sorted(used - set(ENTITY_LABELS))
