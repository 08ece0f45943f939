"""The audit trail covers the money: direct SQL edits of money rows, a cut chain, checked restores,
and the roles the services enforce (经办人 proposes and pays, 复核人 approves and never pays)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import initialize
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.payments import record_payment, reverse_payment
from kjdesk.services.safety.audit_anchor import chain_head, read_anchors
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.services.safety.backups import backup, backup_checked, restore
from kjdesk.services.safety.startup import recover_from_backup
from tests.letters_data import catalog, seed  # noqa: F401
from tests.services.disbursement.disbursement_data import officers, seed_plan

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def paid(app, db_path):
    """2025: 青山智造's 重点实验室 instalment approved by fh1, 1 万元 paid by jb1."""
    data = seed_plan(app)
    who = officers(app)
    iid = data.instalment_ids["c/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    pay = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 1_000_000)
    assert verify_audit(app) is None
    return data, who, iid, pay


def _sql(db_path, statement, *params):
    con = sqlite3.connect(db_path)
    con.execute(statement, params)
    con.commit()
    con.close()


def _problems(app) -> str:
    broken = verify_audit(app)
    assert broken is not None, "the edit was not detected"
    return "\n".join(broken.details)


def test_a_payment_multiplied_by_ten_is_named_with_what_the_event_recorded(app, db_path, paid):
    _sql(db_path, "UPDATE payments SET amount_fen = amount_fen * 10")
    text = _problems(app)
    assert "拨付记录 #1（青山智造股份有限公司" in text and "凭证号 记-001" in text
    assert "金额：记录为 10,000.00 元，现为 100,000.00 元" in text
    assert "登记拨付" in text and "jb1" in text  # the event that recorded it


def test_an_instalment_amount_changed_is_detected(app, db_path, paid):
    data, _who, _iid, _pay = paid
    _sql(db_path, "UPDATE instalments SET amount_fen = 1 WHERE id = ?", data.instalment_ids["a/2025"])
    text = _problems(app)
    assert "拨付计划 #" in text and "包头稀土新材料有限公司" in text
    assert "金额：记录为 300,000.00 元，现为 0.01 元" in text


def test_a_plan_row_set_approved_is_detected_and_cannot_hide(app, db_path, paid):
    data, _who, _iid, _pay = paid
    iid = data.instalment_ids["b/2025"]
    _sql(db_path, "UPDATE instalments SET state = 'approved', approved_by = 'fh1' WHERE id = ?", iid)
    assert "状态：记录为 计划，现为 已审批" in _problems(app)
    # rewriting the seal to match is caught by the ledger the audit chain carries
    con = sqlite3.connect(db_path)
    content = con.execute(
        "SELECT content FROM money_seals WHERE tbl='instalments' AND row_id=?", (iid,)
    ).fetchone()[0]
    con.execute(
        "UPDATE money_seals SET content = ? WHERE tbl='instalments' AND row_id=?",
        (content.replace('"planned",""', '"approved","fh1"').replace('"planned"', '"approved"'), iid),
    )
    con.commit()
    con.close()
    assert "资金封存记录被改动" in _problems(app)


def test_a_payment_inserted_or_deleted_is_detected(app, db_path, paid):
    _data, _who, iid, _pay = paid
    _sql(
        db_path,
        "INSERT INTO payments (instalment_id, paid_on, voucher_no, amount_fen, reason, recorded_by, recorded_at) "
        "VALUES (?, '2025-07-01', '假-9', 4000000, '', 'jb1', '2025-07-01 00:00:00')",
        iid,
    )
    text = _problems(app)
    assert "拨付记录 #2" in text and "被直接插入数据库" in text and "凭证号 假-9" in text
    _sql(db_path, "DELETE FROM payments")
    text = _problems(app)
    assert "拨付记录 #1" in text and "被直接从数据库删除" in text and "金额 10,000.00 元" in text


def test_entitlement_batch_and_officer_rows_are_bound_too(app, db_path, paid):
    _sql(db_path, "UPDATE entitlements SET total_fen = total_fen * 2 WHERE id = 1")
    _sql(db_path, "UPDATE approval_batches SET state = 'approved', reviewed_by = 'jb1'")
    _sql(db_path, "UPDATE officers SET role = '复核人' WHERE username = 'jb2'")
    text = _problems(app)
    assert "应享资金 #1" in text and "应享总额" in text
    assert "报批批次 #1" in text and "复核人：记录为 fh1，现为 jb1" in text
    assert "账号“jb2”" in text and "角色：记录为 经办人，现为 复核人" in text


def test_letters_are_bound(app, db_path, catalog):  # noqa: F811
    from kjdesk.services.letters import issue_letters

    seed(app, 2)
    issue_letters(app, 2026, issued_on=date(2026, 11, 23))
    assert verify_audit(app) is None
    import io

    from pypdf import PdfReader

    from kjdesk.services.letters import letter_pdf
    from kjdesk.services.letters.export import merged_pdf
    from kjdesk.services.letters.rows import list_letters

    letters = list_letters(app, budget_year=2026)
    own = sum(len(PdfReader(io.BytesIO(letter_pdf(app, r.number))).pages) for r in letters)
    pages = PdfReader(io.BytesIO(merged_pdf(app, letters))).pages
    assert len(pages) == own  # the batch line sits on the last letter's page, adding none
    assert f"审计链头 {chain_head(app).short}" in pages[-1].extract_text()
    _sql(db_path, "UPDATE letters SET amount_fen = 99 WHERE seq = 2")
    text = _problems(app)
    assert "通知书 包科字〔2026〕2号" in text and "金额：记录为 300,000.00 元，现为 0.99 元" in text


def test_a_truncated_chain_is_detected_against_the_anchor_outside_the_file(app, db_path, paid):
    head = chain_head(app)
    assert {a.where for a in read_anchors(app.db)} == {"备份文件夹", "本机设置"}
    assert all(a.event_id == head.event_id for a in read_anchors(app.db))
    _sql(db_path, "DELETE FROM audit_events WHERE id > ?", head.event_id - 3)
    text = _problems(app)
    assert f"审计事件 #{head.event_id} 缺失（被删除）" in text and "本机设置" in text
    # the next commit does not move the anchor onto the cut chain …
    record_payment(paid[1]["jb1"], paid[2], date(2025, 6, 2), "记-002", 1_000)
    assert all(a.event_id == head.event_id for a in read_anchors(app.db))
    # … nor does a backup, which warns loudly
    made = backup_checked(app)
    assert made.problems and "警告" in made.warning and made.path.exists()
    assert all(a.event_id == head.event_id for a in read_anchors(app.db))
    assert "缺失" in _problems(app)


def test_truncating_the_whole_audit_table_is_detected(app, db_path, paid):
    _sql(db_path, "DELETE FROM audit_events")
    text = _problems(app)
    assert "缺失（被删除）" in text and "资金封存记录被改动" in text


def test_the_head_is_printed_on_the_disbursement_sheet(app, paid, tmp_path):
    from openpyxl import load_workbook

    from kjdesk.services.disbursement.reports import write_report

    write_report(app, "disbursement", 2025, tmp_path / "d.xlsx")
    cells = [c.value for row in load_workbook(tmp_path / "d.xlsx").active.iter_rows() for c in row if c.value]
    assert any(isinstance(v, str) and f"审计链头：{chain_head(app).short}" in v for v in cells)


def test_recomputation_is_sealed_in_bulk(app, paid):
    from kjdesk.services.entitlements import recompute_all
    from kjdesk.store.models import AuditEvent

    with app.db.session() as s:
        before = s.query(AuditEvent).count()
    recompute_all(app, force=True)
    assert verify_audit(app) is None
    with app.db.session() as s:
        events = s.query(AuditEvent).filter(AuditEvent.id > before).all()
    assert len(events) <= 2 and events[-1].seal  # one event (or so) binds every row it wrote


def test_without_triggers_the_orm_names_the_rows_written(app, db_path, monkeypatch):
    """PostgreSQL has no temporary triggers: the ORM's flushes and bulk statements say what was written."""
    from kjdesk.services.entitlements import recompute_all
    from kjdesk.store import seal

    monkeypatch.setattr(seal, "TRIGGERS", False)
    data = seed_plan(app)
    who = officers(app)
    iid = data.instalment_ids["c/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    pay = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 1_000_000)
    reverse_payment(who["jb2"], pay.id, "录错")
    recompute_all(app, force=True)
    assert verify_audit(app) is None
    from kjdesk.policy.model import SubjectKind
    from kjdesk.services.register import UnitInput, add_unit
    from kjdesk.services.register.records import RecognitionInput, add_recognition
    from kjdesk.store.models import Entitlement
    from tests.conftest import make_credit_code

    unit = add_unit(
        app,
        UnitInput(
            name="九原新材料有限公司", credit_code=make_credit_code("91150207MA0N00077"), district="九原区"
        ),
    )
    with app.db.session() as s:
        before = s.query(Entitlement).count()
    # new entitlements and instalments, inserted in bulk past the ORM (the subject is recomputed)
    add_recognition(
        app,
        RecognitionInput(SubjectKind.UNIT, unit.id, "hte", "国家", date(2025, 3, 1), "国科火字〔2025〕9号"),
    )
    recompute_all(app)
    with app.db.session() as s:
        assert s.query(Entitlement).count() > before
    assert verify_audit(app) is None
    _sql(db_path, "UPDATE payments SET amount_fen = 7 WHERE id = 1")
    assert "拨付记录 #1" in _problems(app)


# --- Roles -----------------------------------------------------------------------------------


def test_a_checker_never_pays_and_an_approver_never_pays_what_he_approved(app, paid):
    data, who, iid, pay = paid
    with pytest.raises(ServiceError, match="无权登记或冲销拨付：需要经办人或管理员"):
        record_payment(who["fh1"], iid, date(2025, 6, 2), "记-002", 1_000)
    with pytest.raises(ServiceError, match="无权登记或冲销拨付"):
        reverse_payment(who["fh1"], pay.id, "录错")
    # a 管理员 may do a 经办人's work, but not on what he approved himself
    from dataclasses import replace

    admin_who_approved = replace(who["admin"], actor="fh1")
    with pytest.raises(ServiceError, match="审批人不能登记自己审批的拨付"):
        record_payment(admin_who_approved, iid, date(2025, 6, 2), "记-002", 1_000)
    with pytest.raises(ServiceError, match="无权审批或退回"):
        approve_batch(who["admin"], propose_batch(who["jb1"], 2025, [data.instalment_ids["d/2025"]]).id)


def test_a_reset_forces_a_change_and_the_officer_changes_his_own(app, paid):
    from kjdesk.services.core.officers import (
        change_own_password,
        must_change_password,
        reset_password,
        sign_in,
    )
    from tests.services.disbursement.disbursement_data import PASSWORD

    _data, who, _iid, _pay = paid
    reset_password(who["admin"], "jb2", "temporary-1")
    jb2 = sign_in(app, "jb2", "temporary-1")
    assert must_change_password(jb2)
    with pytest.raises(ServiceError, match="原密码不正确"):
        change_own_password(jb2, PASSWORD, "mine-and-only-mine")
    change_own_password(jb2, "temporary-1", "mine-and-only-mine")
    assert not must_change_password(jb2)
    assert not must_change_password(sign_in(app, "jb2", "mine-and-only-mine"))


# --- Restore -----------------------------------------------------------------------------------


def test_restore_refuses_another_city_naming_both(app, db_path, tmp_path, paid):
    other = App.open(tmp_path / "wuhai.sqlite")
    initialize(other, "wuhai")
    copy = backup(other, tmp_path / "乌海备份.sqlite")
    other.close()
    before = db_path.read_bytes()
    with pytest.raises(ServiceError) as err:
        restore(paid[1]["admin"], copy)
    assert "乌海市科学技术局（乌海市）" in str(err.value) and "包头市科学技术局（包头市）" in str(err.value)
    assert db_path.read_bytes() == before


def test_restore_refuses_another_bureau_of_the_same_city(app, tmp_path, paid):
    other = App.open(tmp_path / "b2.sqlite")
    initialize(other, "baotou", "包头市青山区科学技术局")
    copy = backup(other, tmp_path / "青山.sqlite")
    other.close()
    with pytest.raises(ServiceError, match="包头市青山区科学技术局"):
        restore(paid[1]["admin"], copy)


def test_a_backup_whose_trail_fails_needs_an_admins_written_reason(app, db_path, tmp_path, paid):
    copy = backup(app, tmp_path / "copy.sqlite")
    _sql(copy, "UPDATE payments SET amount_fen = 1")  # the backup was tampered with
    admin = paid[1]["admin"]
    with pytest.raises(ServiceError, match="审计记录校验未通过.*拨付记录 #1.*--override-reason"):
        restore(admin, copy)
    with pytest.raises(ServiceError, match="无权恢复数据库"):
        restore(paid[1]["jb1"], copy, override_reason="急用")
    restore(admin, copy, override_reason="原库硬盘损坏，只有此份备份")
    from kjdesk.services.safety.audit_log import audit_events

    actions = [(e.action, e.after) for e in audit_events(app, action="恢复备份")]
    assert actions and "原库硬盘损坏" in actions[0][1] and "override_reason" in actions[0][1]
    # the replaced database recorded the override too (its copy is the pre-restore backup)
    from kjdesk.store.backup import backups_dir, list_backup_files

    replaced = next(b.path for b in list_backup_files(backups_dir(db_path)) if b.reason == "restore")
    con = sqlite3.connect(replaced)
    rows = con.execute("SELECT actor, after FROM audit_events WHERE action = '强制恢复备份'").fetchall()
    con.close()
    assert rows and rows[0][0] == "admin" and "原库硬盘损坏" in rows[0][1]


def test_recovering_a_new_pc_from_a_failing_backup_needs_a_reason(app, tmp_path, paid):
    copy = backup(app, tmp_path / "copy.sqlite")
    _sql(copy, "DELETE FROM audit_events WHERE id = 3")
    fresh = tmp_path / "pc2" / "kjdesk.sqlite"
    with pytest.raises(ServiceError, match="审计事件 #3 缺失"):
        recover_from_backup(fresh, copy, "admin")
    assert not fresh.exists()
    shutil.copy(copy, tmp_path / "again.sqlite")
    recover_from_backup(fresh, tmp_path / "again.sqlite", "admin", override_reason="旧电脑报废")
    assert fresh.exists()


def test_a_backup_reports_what_verification_finds_against_the_backup_before_it(app, db_path, paid):
    """备份 copies while it verifies (services/safety/backups.py): the newest earlier backup is
    still the anchor it compares with, and it reports every problem ``verify_audit`` finds."""
    older = backup(app)
    head = chain_head(app)
    _sql(db_path, "DELETE FROM audit_events WHERE id = ?", head.event_id)
    _sql(db_path, "UPDATE payments SET amount_fen = amount_fen * 10")
    expected = verify_audit(app)
    assert expected is not None
    made = backup_checked(app)
    assert made.path.exists() and made.path != older
    assert made.problems == expected.details
    assert made.problems[0] == f"审计事件 #{head.event_id} 缺失（被删除）：备份 {older.name} 中有该事件"
    assert any("拨付记录" in p for p in made.problems)
    assert all(a.event_id == head.event_id for a in read_anchors(app.db))  # the anchor did not move


def test_a_sound_trail_is_backed_up_and_anchored_at_its_head(app, db_path, paid, tmp_path):
    record_payment(paid[1]["jb1"], paid[2], date(2025, 6, 2), "记-002", 1_000)
    head = chain_head(app)
    made = backup_checked(app, tmp_path / "copy.sqlite")
    assert made.problems == () and made.warning == ""
    con = sqlite3.connect(made.path)
    try:
        assert con.execute("SELECT max(id), sum(amount_fen) FROM payments").fetchone() == (2, 1_001_000)
        assert (
            con.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()[0] == head.hash
        )
    finally:
        con.close()
    assert {a.event_id for a in read_anchors(app.db)} == {head.event_id}
