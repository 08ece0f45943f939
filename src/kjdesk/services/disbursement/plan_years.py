"""Where the work is: the years that hold instalments not yet approved (计划 or 已报批).

After a first import the money of the imported recognitions lies in earlier years; the
计划与审批 page opens on the earliest of these years and says which years they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App
from kjdesk.services.disbursement.plan import OWED_STATUSES
from kjdesk.store.models import Entitlement, Instalment

OPEN_STATES = ("planned", "proposed")


@dataclass(frozen=True)
class OpenYear:
    year: int
    count: int
    amount_fen: int
    proposed: int = 0  # of them 已报批, waiting for the 复核人


def open_years(app: App) -> list[OpenYear]:
    """Every year with instalments still to be proposed or approved, earliest first."""
    i, e = Instalment, Entitlement
    q = (
        select(
            i.year,
            func.count(),
            func.coalesce(func.sum(i.amount_fen), 0),
            func.coalesce(func.sum(case((i.state == "proposed", 1), else_=0)), 0),
        )
        .join(e, i.entitlement_id == e.id)
        .where(
            i.state.in_(OPEN_STATES),
            (e.status.in_(OWED_STATUSES)) | (i.state == "proposed"),
        )
        .group_by(i.year)
        .order_by(i.year)
    )
    with app.db.session() as s:
        return [OpenYear(int(y), int(n), int(a), int(p)) for y, n, a, p in s.execute(q)]


def describe_open_years(years: list[OpenYear]) -> str:
    """ "尚未审批的拨付计划在：2022 年 12 笔 360,000.00 元；2023 年 …" (empty when there are none)."""
    if not years:
        return ""
    parts = [f"{y.year} 年 {y.count} 笔 {format_yuan(y.amount_fen)} 元" for y in years]
    return "尚未审批的拨付计划在：" + "；".join(parts)
