"""Year-end close: a closed year's payments and letters are read-only until a 管理员 reopens it.

Services that write payments or letters call ``check_year_open(session, year)`` first, for a
clear message before any work. As a safety net every ``App`` also installs a flush guard
(``install_closed_year_guard``) that refuses to add, change or delete a payment dated in a
closed year, or a letter of a closed year, whichever service tries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.services.core.app import App, ServiceError, require_writable
from kjdesk.services.core.year_guard import YearClosed, closed_message, install_closed_year_guard
from kjdesk.store import audit
from kjdesk.store.models import ClosedYear, utcnow

ADMIN = "管理员"

__all__ = [
    "ClosedYearRow",
    "YearClosed",
    "check_year_open",
    "close_year",
    "closed_message",
    "install_closed_year_guard",
    "list_closed_years",
    "reopen_year",
]


@dataclass(frozen=True)
class ClosedYearRow:
    year: int
    closed_by: str
    closed_at: datetime


def check_year_open(session: Session, year: int, what: str = "拨付记录和通知书") -> None:
    """Raise ``YearClosed`` when ``year`` is closed. Payments pass the year of ``paid_on``; letters their ``year``."""
    with session.no_autoflush:
        if session.get(ClosedYear, int(year)) is not None:
            raise YearClosed(closed_message(int(year), what))


def _require_admin(app: App) -> None:
    if app.role != ADMIN:
        raise ServiceError(f"当前账号（{app.actor}，{app.role}）无权执行此操作：需要管理员")


def close_year(app: App, year: int) -> ClosedYearRow:
    """Close ``year`` (管理员): its payments and letters become read-only. Audited."""
    _require_admin(app)
    require_writable(app)
    year = int(year)
    if year > date.today().year:
        raise ServiceError(f"{year} 年度尚未开始，不能关闭")
    with app.db.session() as s:
        if s.get(ClosedYear, year) is not None:
            raise ServiceError(f"{year} 年度已经关闭")
        row = ClosedYear(year=year, closed_by=app.actor, closed_at=utcnow())
        s.add(row)
        audit.record(s, app.actor, "关闭年度", "closed_year", year, None, {"year": year})
        return ClosedYearRow(row.year, row.closed_by, row.closed_at)


def reopen_year(app: App, year: int, reason: str) -> None:
    """Reopen a closed year (管理员, with a reason). Audited with the reason."""
    _require_admin(app)
    require_writable(app)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ServiceError("重新开启年度必须填写原因（至少 2 个字）")
    year = int(year)
    with app.db.session() as s:
        row = s.get(ClosedYear, year)
        if row is None:
            raise ServiceError(f"{year} 年度没有关闭，无需重新开启")
        before = {"year": year, "closed_by": row.closed_by, "closed_at": row.closed_at}
        s.delete(row)
        audit.record(
            s, app.actor, "重新开启年度", "closed_year", year, before, {"year": year, "reason": reason}
        )


def list_closed_years(app: App) -> list[ClosedYearRow]:
    """The closed years, oldest first; ``closed_at`` in local time."""
    with app.db.session() as s:
        return [
            ClosedYearRow(
                r.year, r.closed_by, r.closed_at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)
            )
            for r in s.scalars(select(ClosedYear).order_by(ClosedYear.year))
        ]
