"""The official Chinese working-day calendar (R4: 30 个工作日).

A day is a working day when the State Council's yearly notice says so: Monday to Friday
unless it is a statutory holiday, plus the make-up Saturdays and Sundays (调休上班).
The ``chinese_calendar`` package carries those notices for the years it covers; for any
other year the officer enters the holidays and make-up days from the notice and confirms
the year. A year that neither covers is never guessed: ``CalendarUnknown`` says so.

Pure Python: no Qt, no SQLAlchemy. The services pass the officer's table in as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import chinese_calendar


class CalendarUnknown(ValueError):
    """The holidays of a year are not known, so a working-day date cannot be computed."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的法定节假日安排尚未录入，无法计算到期日。"
            f"请在“工作日历”中按国务院办公厅的通知录入 {year} 年的放假和调休上班日期并确认该年度。"
        )


@dataclass(frozen=True)
class CalendarOverrides:
    """The officer-entered table: ``days`` maps a date to True (调休上班) or False (放假);
    ``confirmed_years`` are the years whose table is complete."""

    days: Mapping[date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls, days: Iterable[tuple[date, bool]] = (), confirmed_years: Iterable[int] = ()
    ) -> CalendarOverrides:
        return cls(dict(days), frozenset(confirmed_years))


NO_OVERRIDES = CalendarOverrides()


@cache
def package_years() -> frozenset[int]:
    """The years whose holiday notice the installed chinese_calendar carries."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return frozenset(years)


def year_is_known(year: int, overrides: CalendarOverrides = NO_OVERRIDES) -> bool:
    return year in package_years() or year in overrides.confirmed_years


def is_working_day(day: date, overrides: CalendarOverrides = NO_OVERRIDES) -> bool:
    """Whether ``day`` is an official working day; raises ``CalendarUnknown`` for an unknown year."""
    if day in overrides.days:
        return overrides.days[day]
    if day.year in overrides.confirmed_years and day.year not in package_years():
        return day.weekday() < 5
    if day.year not in package_years():
        raise CalendarUnknown(day.year)
    if day in chinese_calendar.workdays:
        return True
    if day in chinese_calendar.holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: date, n: int, overrides: CalendarOverrides = NO_OVERRIDES) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is not counted.

    ``add_working_days(receipt, 30)`` is the last day of the 30-working-day limit of R4.
    """
    if n < 1:
        raise ValueError("工作日天数必须是正整数")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            counted += 1
    return day


def working_days_between(start: date, end: date, overrides: CalendarOverrides = NO_OVERRIDES) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, overrides):
            count += 1
    return count


def due_date(received_on: date, overrides: CalendarOverrides = NO_OVERRIDES, days: int = 30) -> date:
    """The deadline of R4: ``days`` official working days after the receipt date."""
    return add_working_days(received_on, days, overrides)
