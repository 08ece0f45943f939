"""Deadlines and reminders: fund receipts (R4), the officer's holiday table, and what needs attention.

A 上级科技资金支付指标 received on a day must be passed on within 30 official working days
(R4). The due date comes from ``workdays``; for a year whose holidays are unknown the
receipt is kept without a due date and the reason is shown, until the officer enters and
confirms that year's holidays — then the due dates are computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.officers import require_role
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.plan import PlanRow, load_rows
from kjdesk.store import audit
from kjdesk.store.models import CalendarDay, CalendarYear, FundReceipt, Person, Platform, Recognition, Unit
from kjdesk.workdays import CalendarOverrides, CalendarUnknown, due_date

TRANSFER_DAYS = 30  # R4
STAGES = ("市财政", "旗县区财政")
EXPIRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class ReceiptRow:
    id: int
    received_on: date
    amount_fen: int
    doc_number: str
    stage: str
    due_on: date | None
    due_note: str  # why there is no due date (CalendarUnknown message), else ""
    done_on: date | None
    note: str
    overdue: bool


def calendar_overrides(s: Session) -> CalendarOverrides:
    days = [(d.day, d.is_workday) for d in s.scalars(select(CalendarDay))]
    years = list(s.scalars(select(CalendarYear.year)))
    return CalendarOverrides.of(days, years)


def _receipt_row(r: FundReceipt, overrides: CalendarOverrides, today: date) -> ReceiptRow:
    due, why = r.due_on, ""
    if due is None:
        try:
            due = due_date(r.received_on, overrides, TRANSFER_DAYS)
        except CalendarUnknown as exc:
            why = str(exc)
    overdue = bool(due and r.done_on is None and due < today)
    return ReceiptRow(
        r.id, r.received_on, r.amount_fen, r.doc_number, r.stage, due, why, r.done_on, r.note, overdue
    )


def add_receipt(
    app: App, received_on: date, amount_fen: int, doc_number: str, stage: str = "市财政", note: str = ""
) -> ReceiptRow:
    """Record a receipt; its due date is computed now, or left open when the calendar is unknown."""
    require_role(app, "经办人", "复核人", "管理员")
    doc_number = doc_number.strip()
    if not doc_number:
        raise ServiceError("请填写指标文件文号")
    if amount_fen <= 0:
        raise ServiceError("指标金额必须大于零")
    if stage not in STAGES:
        raise ServiceError(f"环节只能是：{'、'.join(STAGES)}")
    with app.db.session() as s:
        overrides = calendar_overrides(s)
        try:
            due = due_date(received_on, overrides, TRANSFER_DAYS)
        except CalendarUnknown:
            due = None
        r = FundReceipt(
            received_on=received_on,
            amount_fen=amount_fen,
            doc_number=doc_number,
            stage=stage,
            due_on=due,
            note=note.strip(),
        )
        s.add(r)
        s.flush()
        audit.record(
            s,
            app.actor,
            "登记指标",
            "fund_receipt",
            r.id,
            None,
            {
                "received_on": received_on,
                "amount_fen": amount_fen,
                "doc_number": doc_number,
                "stage": stage,
                "due_on": due,
            },
        )
        return _receipt_row(r, overrides, date.today())


def mark_receipt_done(app: App, receipt_id: int, done_on: date) -> ReceiptRow:
    require_role(app, "经办人", "复核人", "管理员")
    with app.db.session() as s:
        r = s.get(FundReceipt, receipt_id)
        if r is None:
            raise ServiceError(f"指标记录 {receipt_id} 不存在")
        if done_on < r.received_on:
            raise ServiceError("下达日期不能早于收到日期")
        before = r.done_on
        r.done_on = done_on
        audit.record(s, app.actor, "指标已下达", "fund_receipt", r.id, before, done_on)
        return _receipt_row(r, calendar_overrides(s), date.today())


def list_receipts(app: App, today: date | None = None) -> list[ReceiptRow]:
    with app.db.session() as s:
        overrides = calendar_overrides(s)
        rows = s.scalars(select(FundReceipt).order_by(FundReceipt.received_on, FundReceipt.id))
        return [_receipt_row(r, overrides, today or date.today()) for r in rows]


# --- The officer's holiday table ------------------------------------------------------------


def set_calendar_day(app: App, day: date, is_workday: bool, name: str = "") -> None:
    """Enter one 放假 (is_workday False) or 调休上班 (True) day of a year's notice."""
    require_role(app, "经办人", "复核人", "管理员")
    with app.db.session() as s:
        row = s.get(CalendarDay, day)
        before = None if row is None else {"is_workday": row.is_workday, "name": row.name}
        if row is None:
            s.add(CalendarDay(day=day, is_workday=is_workday, name=name.strip()))
        else:
            row.is_workday, row.name = is_workday, name.strip()
        audit.record(
            s,
            app.actor,
            "录入工作日历",
            "calendar_day",
            day.isoformat(),
            before,
            {"is_workday": is_workday, "name": name},
        )


def confirm_calendar_year(app: App, year: int, source: str) -> int:
    """Confirm that ``year``'s table is complete; compute the due dates it was blocking. Returns how many."""
    require_role(app, "经办人", "复核人", "管理员")
    if not source.strip():
        raise ServiceError("请注明依据（国务院办公厅关于该年部分节假日安排的通知）")
    with app.db.session() as s:
        if s.get(CalendarYear, year) is not None:
            raise ServiceError(f"{year} 年的工作日历已确认")
        s.add(CalendarYear(year=year, confirmed_by=app.actor, source=source.strip()))
        audit.record(s, app.actor, "确认工作日历", "calendar_year", year, None, {"source": source.strip()})
        s.flush()
        overrides = calendar_overrides(s)
        updated = 0
        for r in s.scalars(select(FundReceipt).where(FundReceipt.due_on.is_(None))):
            try:
                r.due_on = due_date(r.received_on, overrides, TRANSFER_DAYS)
            except CalendarUnknown:
                continue
            updated += 1
        return updated


def remove_calendar_day(app: App, day: date) -> None:
    """Take back a day entered by mistake (a confirmed year's due dates are not recomputed)."""
    require_role(app, "经办人", "复核人", "管理员")
    with app.db.session() as s:
        row = s.get(CalendarDay, day)
        if row is None:
            raise ServiceError(f"{day} 没有录入")
        if s.get(CalendarYear, day.year) is not None:
            raise ServiceError(f"{day.year} 年的工作日历已确认，不能再删除其中的日期")
        before = {"is_workday": row.is_workday, "name": row.name}
        s.delete(row)
        audit.record(s, app.actor, "删除工作日历", "calendar_day", day.isoformat(), before, None)


@dataclass(frozen=True)
class CalendarStatus:
    year: int
    from_package: bool  # the installed chinese_calendar carries the year's notice
    confirmed_by: str  # the officer who confirmed the entered table, or ""
    source: str


def calendar_status(app: App, year: int) -> CalendarStatus:
    from kjdesk.workdays import package_years

    with app.db.session() as s:
        row = s.get(CalendarYear, year)
        return CalendarStatus(
            year, year in package_years(), row.confirmed_by if row else "", row.source if row else ""
        )


def calendar_days(app: App, year: int) -> list[tuple[date, bool, str]]:
    with app.db.session() as s:
        q = select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
        return [(d.day, d.is_workday, d.name) for d in s.scalars(q.order_by(CalendarDay.day))]


# --- Reminders ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpiringRecognition:
    recognition_id: int
    subject_name: str
    type_id: str
    type_name: str
    level: str
    doc_number: str
    valid_until: date
    days_left: int


@dataclass(frozen=True)
class Reminders:
    today: date
    expiring: list[ExpiringRecognition]
    unapproved_count: int  # this year's instalments still 计划 or 已报批
    unapproved_fen: int
    receipts_due_soon: list[ReceiptRow]  # due within 10 calendar days, not done
    receipts_overdue: list[ReceiptRow]
    receipts_unknown: list[ReceiptRow]  # no due date: the calendar year is missing


def valid_until_of(type_id: str, recognised_on: date, valid_until: date | None) -> date | None:
    if valid_until is not None:
        return valid_until
    from kjdesk.policy.titles import builtin_titles

    rtype = builtin_titles().types.get(type_id)
    years = rtype.valid_years if rtype else None  # 高新技术企业: 3 years from the certificate date
    if not years:
        return None
    try:
        end = recognised_on.replace(year=recognised_on.year + years)
    except ValueError:  # 29 February
        end = recognised_on.replace(year=recognised_on.year + years, day=28)
    return end - timedelta(days=1)


def reminders(app: App, today: date | None = None, year_rows: list[PlanRow] | None = None) -> Reminders:
    """What is due or expiring; ``year_rows`` are this year's plan rows when the caller has read them."""
    from kjdesk.policy.titles import type_name

    today = today or date.today()
    city = require_bureau(app).city
    with app.db.session() as s:
        names = {
            "unit": dict(tuple(r) for r in s.execute(select(Unit.id, Unit.name))),
            "platform": dict(tuple(r) for r in s.execute(select(Platform.id, Platform.name))),
            "person": dict(tuple(r) for r in s.execute(select(Person.id, Person.name))),
        }
        expiring = []
        valid = select(
            Recognition.id, Recognition.type_id, Recognition.date, Recognition.valid_until,
            Recognition.unit_id, Recognition.platform_id, Recognition.person_id,
            Recognition.level, Recognition.doc_number,
        ).where(Recognition.status == "有效")  # fmt: skip
        for rec_id, type_id, day, until, unit_id, platform_id, person_id, level, doc in s.execute(valid):
            end = valid_until_of(type_id, day, until)
            if end is None or not today <= end <= today + timedelta(days=EXPIRY_WINDOW_DAYS):
                continue
            if unit_id is not None:
                name = names["unit"].get(unit_id, "")
            elif platform_id is not None:
                name = names["platform"].get(platform_id, "")
            else:
                name = names["person"].get(person_id or 0, "")
            expiring.append(
                ExpiringRecognition(
                    rec_id, name, type_id, type_name(type_id), level, doc, end, (end - today).days
                )
            )
        expiring.sort(key=lambda e: e.valid_until)
        rows = year_rows if year_rows is not None else load_rows(s, city, [today.year])
        waiting = [r for r in rows if r.year == today.year and r.state in ("planned", "proposed")]
        overrides = calendar_overrides(s)
        receipts = [
            _receipt_row(r, overrides, today)
            for r in s.scalars(select(FundReceipt).where(FundReceipt.done_on.is_(None)))
        ]
    return Reminders(
        today=today,
        expiring=expiring,
        unapproved_count=len(waiting),
        unapproved_fen=sum(r.amount_fen for r in waiting),
        receipts_due_soon=[
            r for r in receipts if r.due_on and today <= r.due_on <= today + timedelta(days=10)
        ],
        receipts_overdue=[r for r in receipts if r.overdue],
        receipts_unknown=[r for r in receipts if r.due_on is None],
    )
