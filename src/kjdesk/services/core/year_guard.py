"""The closed-year safety net every ``App`` installs on its database.

Services that write payments or letters check the year first (``disbursement.years.check_year_open``)
for a clear message before any work; this flush guard refuses, whichever service tries it, to add,
change or delete a payment dated in a closed year or a letter of a closed year.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from kjdesk.services.core.errors import ServiceError
from kjdesk.store.db import Database
from kjdesk.store.models import ClosedYear, Letter, Payment


class YearClosed(ServiceError):
    """A write that touches a closed year."""


def closed_message(year: int, what: str = "拨付记录和通知书") -> str:
    return f"{year} 年度已结账关闭，其{what}为只读；如确需更正，请由管理员重新开启该年度（须填写原因）"


# --- The guard ------------------------------------------------------------------------


def _years_touched(session: Session) -> dict[int, str]:
    """The years of the payments and letters this flush writes, with what they are."""
    years: dict[int, str] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Payment):
            what, now = "拨付记录", obj.paid_on.year if obj.paid_on else None
        elif isinstance(obj, Letter):
            what, now = "通知书", obj.year
        else:
            continue
        for year in (now, _stored_year(obj)):  # an edit may move it out of a closed year
            if year is not None:
                years.setdefault(int(year), what)
    return years


def _stored_year(obj: Payment | Letter) -> int | None:
    attr = "paid_on" if isinstance(obj, Payment) else "year"
    deleted = inspect(obj).attrs[attr].history.deleted
    if not deleted or deleted[0] is None:
        return None
    value = deleted[0]
    return value.year if isinstance(value, date) else int(value)


def _guard(session: Session, _context: object, _instances: object) -> None:
    touched = _years_touched(session)
    if not touched:
        return
    with session.no_autoflush:
        closed = set(session.scalars(select(ClosedYear.year).where(ClosedYear.year.in_(touched))))
    for year in sorted(closed):
        raise YearClosed(closed_message(year, touched[year]))


def install_closed_year_guard(db: Database) -> None:
    """Every session of ``db`` refuses to write a payment or letter of a closed year."""
    if not event.contains(db.factory, "before_flush", _guard):
        event.listen(db.factory, "before_flush", _guard)
