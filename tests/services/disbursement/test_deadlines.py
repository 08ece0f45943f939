"""Fund receipts with their 30-working-day due dates (R4), the officer's holiday table, reminders, accounts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError, ValidationFailed
from kjdesk.services.core.officers import create_officer, ensure_first_admin, reset_password, sign_in
from kjdesk.services.disbursement.deadlines import (
    add_receipt,
    confirm_calendar_year,
    list_receipts,
    mark_receipt_done,
    reminders,
    set_calendar_day,
)
from kjdesk.store.models import AuditEvent, Officer, Recognition
from tests.services.disbursement.disbursement_data import PASSWORD, officers, seed_plan


def test_receipt_due_date_across_national_day(app):
    who = officers(app)
    r = add_receipt(who["jb1"], date(2025, 9, 26), 100_000_000, "内财教〔2025〕88号")
    assert r.due_on == date(2025, 11, 13) and r.due_note == ""
    [listed] = list_receipts(app, today=date(2025, 11, 14))
    assert listed.overdue
    mark_receipt_done(who["jb1"], r.id, date(2025, 11, 10))
    assert not list_receipts(app, today=date(2025, 11, 14))[0].overdue


def test_unknown_year_is_kept_without_a_due_date_until_the_officer_enters_it(app):
    who = officers(app)
    r = add_receipt(who["jb1"], date(2027, 4, 28), 5_000_000, "内财教〔2027〕1号")
    assert r.due_on is None and "2027 年的法定节假日安排尚未录入" in r.due_note
    # 劳动节 2027 as a notice might set it: 1–5 May off, Saturday 8 May worked.
    for d in range(1, 6):
        set_calendar_day(who["jb1"], date(2027, 5, d), False, "劳动节")
    set_calendar_day(who["jb1"], date(2027, 5, 8), True, "劳动节调休")
    assert list_receipts(app)[0].due_on is None  # not confirmed yet: still no guess
    with pytest.raises(ServiceError, match="依据"):
        confirm_calendar_year(who["jb1"], 2027, " ")
    assert confirm_calendar_year(who["jb1"], 2027, "国办发明电〔2026〕X号") == 1
    # After 28 April (Wed): 29, 30 Apr = 2; 6, 7 = 4; Sat 8 = 5; 10–14 = 10; … 7–11 Jun = 30.
    assert list_receipts(app)[0].due_on == date(2027, 6, 11)


def test_reminders_list_expiring_recognitions_unapproved_instalments_and_overdue_receipts(app):
    data = seed_plan(app)
    who = officers(app)
    today = date(2025, 11, 20)
    with app.db.session() as s:
        # 高企 granted 2022-12-01 is valid 3 years: until 2025-11-30, 10 days left.
        s.add(
            Recognition(
                unit_id=data.unit_ids["青山智造股份有限公司"],
                type_id="hte",
                level="国家",
                date=date(2022, 12, 1),
                doc_number="国科火字〔2022〕1号",
            )
        )
        s.add(
            Recognition(
                unit_id=data.unit_ids["昆区云数据有限公司"],
                type_id="hte",
                level="国家",
                date=date(2023, 12, 1),
            )
        )  # a year left: not listed
    add_receipt(who["jb1"], date(2025, 9, 26), 1_000_000, "内财教〔2025〕88号")
    add_receipt(who["jb1"], date(2025, 11, 3), 1_000_000, "内财教〔2025〕95号")
    r = reminders(app, today)
    assert [(e.subject_name, e.type_name, e.valid_until, e.days_left) for e in r.expiring] == [
        ("青山智造股份有限公司", "高新技术企业", date(2025, 11, 30), 10)
    ]
    assert (r.unapproved_count, r.unapproved_fen) == (4, 66_234_567)
    assert [x.doc_number for x in r.receipts_overdue] == ["内财教〔2025〕88号"]
    assert r.receipts_due_soon == []
    soon = reminders(app, date(2025, 12, 10))
    assert [x.doc_number for x in soon.receipts_due_soon] == ["内财教〔2025〕95号"]
    assert soon.receipts_due_soon[0].due_on == date(2025, 12, 15)


def test_passwords_are_salted_scrypt_hashes_and_sign_in_checks_them(app):
    ensure_first_admin(app, "admin", PASSWORD)
    assert ensure_first_admin(app, "other", PASSWORD) is None  # only when no officer exists
    admin = sign_in(app, "admin", PASSWORD)
    create_officer(admin, "jb1", "张经办", "经办人", "first-pass-1")
    create_officer(admin, "jb2", "李经办", "经办人", "first-pass-1")
    with app.db.session() as s:
        hashes = {o.username: o.password_hash for o in s.scalars(select(Officer))}
    assert hashes["jb1"].startswith("scrypt$16384$8$1$") and "first-pass-1" not in hashes["jb1"]
    assert hashes["jb1"] != hashes["jb2"]  # salted
    with pytest.raises(ServiceError, match="用户名或密码不正确"):
        sign_in(app, "jb1", "wrong-pass")
    jb1 = sign_in(app, "jb1", "first-pass-1")
    assert (jb1.actor, jb1.role) == ("jb1", "经办人")
    with pytest.raises(ServiceError, match="无权"):
        reset_password(jb1, "jb2", "hijacked-1")
    with pytest.raises(ValidationFailed, match="至少 8 位"):
        create_officer(admin, "fh1", "", "复核人", "short")
    reset_password(admin, "jb1", "second-pass-2")
    sign_in(app, "jb1", "second-pass-2")
    with app.db.session() as s:
        actions = [
            (e.actor, e.action) for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "officer"))
        ]
    assert ("admin", "重置密码") in actions and ("admin", "新增账号") in actions


def test_due_soon_window_is_ten_days(app):
    who = officers(app)
    add_receipt(who["jb1"], date(2025, 3, 3), 1, "X")
    due = list_receipts(app)[0].due_on
    assert [x.doc_number for x in reminders(app, due - timedelta(days=10)).receipts_due_soon] == ["X"]
    assert reminders(app, due - timedelta(days=11)).receipts_due_soon == []
