"""The official working-day calendar: 30 个工作日 across holidays and make-up days (R4)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from kjdesk.workdays import CalendarOverrides, CalendarUnknown, add_working_days, due_date, is_working_day


def test_national_day_2025_with_its_make_up_days():
    # chinese_calendar's own data: 10-01 … 10-08 off, Sunday 09-28 and Saturday 10-11 worked.
    assert all(date(2025, 10, d) in chinese_calendar.holidays for d in range(1, 9))
    assert date(2025, 9, 28) in chinese_calendar.workdays and date(2025, 10, 11) in chinese_calendar.workdays
    assert is_working_day(date(2025, 10, 11)) and not is_working_day(date(2025, 10, 8))
    # Receipt on Friday 26 September (not counted): 28, 29, 30 Sep = 3; 9, 10, 11 Oct = 6;
    # 13–17 = 11; 20–24 = 16; 27–31 = 21; 3–7 Nov = 26; 10, 11, 12, 13 Nov = 30.
    assert due_date(date(2025, 9, 26)) == date(2025, 11, 13)


def test_due_date_agrees_with_a_count_over_chinese_calendar():
    start = date(2025, 9, 26)
    days = [start + timedelta(days=i) for i in range(1, 80)]
    working = [d for d in days if chinese_calendar.is_workday(d)]
    assert due_date(start) == working[29]


def test_the_day_of_receipt_is_not_counted():
    assert add_working_days(date(2025, 11, 3), 1) == date(2025, 11, 4)  # Monday → Tuesday
    assert add_working_days(date(2025, 11, 7), 1) == date(2025, 11, 10)  # Friday → Monday


def test_a_year_without_holiday_data_refuses_to_guess():
    with pytest.raises(CalendarUnknown) as err:
        due_date(date(2027, 3, 1))
    assert "2027 年的法定节假日安排尚未录入，无法计算到期日" in str(err.value)
    # A receipt in December 2026 whose 30 days run into 2027 is refused too.
    with pytest.raises(CalendarUnknown, match="2027"):
        due_date(date(2026, 12, 20))


def test_an_entered_and_confirmed_year_then_computes():
    entered = CalendarOverrides.of(
        [(date(2027, 1, 1), False), (date(2027, 2, 6), True)]  # 元旦 off; a make-up Saturday
        + [(date(2027, 2, d), False) for d in range(8, 15)],  # 春节 (as the notice would say)
        confirmed_years=[2027],
    )
    # From Monday 1 February: 2–5 Feb = 4, Sat 6 Feb = 5, 8–14 off, 15–19 = 10, 22–26 = 15,
    # 1–5 Mar = 20, 8–12 = 25, 15–19 Mar = 30.
    assert due_date(date(2027, 2, 1), entered) == date(2027, 3, 19)
    unconfirmed = CalendarOverrides.of([(date(2027, 1, 1), False)])
    with pytest.raises(CalendarUnknown):
        due_date(date(2027, 2, 1), unconfirmed)
