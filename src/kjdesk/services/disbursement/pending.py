"""Waiting items (待录入金额): what the 局务会 still has to decide, by year.

Each waiting item belongs to the year of its trigger (the recognition's year) until an amount
is decided for it. ``pending_items(app, year)`` lists them with the clause's text, the
recognition and a suggested basis (the year's 年度标准, the 1:1 match of the 自治区 allocation,
or “待研究决定”); ``pending_counts`` counts them per year for 总览; ``write_pending``
exports the 待决定事项表 (.xlsx) for the meeting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from kjdesk.money import format_wan_short
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements.texts import Texts
from kjdesk.services.register.subject_names import SubjectNames
from kjdesk.store.models import ClauseStandard, Entitlement
from kjdesk.validation import districts_of

WAITING = "待录入金额"


@dataclass(frozen=True)
class PendingItem:
    entitlement_id: int
    year: int | None  # the year it would be paid in (its trigger's)
    district: str
    unit_name: str
    subject_name: str  # the platform or person when not the unit itself
    credit_code: str
    clause_id: str
    article: str
    clause_title: str
    quote: str
    recognition: str  # 认定记录：… (type, level, date, 文号)
    suggested: str  # the suggested basis
    suggested_fen: int | None  # the amount that basis gives (None: to be decided)
    reason: str  # why it waits


def _line(lines: list[str], prefix: str) -> str:
    return next((ln for ln in lines if ln.startswith(prefix)), "")


def pending_items(app: App, year: int | None = None, clause_id: str | None = None) -> list[PendingItem]:
    """The waiting items (of one year / clause), by year, 旗县区, unit and article."""
    from kjdesk.policy.catalog import load_builtin

    city = require_bureau(app).city
    clauses = {c.id: c for c in load_builtin(city).clauses}
    e = Entitlement
    q = select(
        e.id,
        e.unit_id,
        e.platform_id,
        e.person_id,
        e.payee_unit_id,
        e.clause_id,
        e.waiting_year,
        e.explanation_body,
        e.texts_id,
        e.shape_id,
    ).where(e.status == WAITING)
    if year is not None:
        q = q.where(e.waiting_year == year)
    if clause_id:
        q = q.where(e.clause_id == clause_id)
    with app.db.session() as s:
        rows = s.execute(q).all()
        names = SubjectNames.read(s, rows)
        texts = Texts(s)
        standards = {
            (c, y): (a, b)
            for c, y, a, b in s.execute(
                select(
                    ClauseStandard.clause_id,
                    ClauseStandard.year,
                    ClauseStandard.amount_fen,
                    ClauseStandard.basis,
                )
            )
        }
    out = []
    for r in rows:
        name, unit_name, code, _masked, district = names.subject(r)
        clause = clauses.get(r.clause_id)
        lines = texts.whole(r.texts_id, r.shape_id, r.explanation_body).splitlines()
        reason = _line(lines, "结论：").removeprefix("结论：").removeprefix(f"{WAITING}——")
        standard = standards.get((r.clause_id, r.waiting_year))
        floor = _line(lines, "配套下限：")
        if standard is not None:
            amount, basis = standard
            suggested = f"{r.waiting_year} 年度标准 {format_wan_short(amount)}" + (
                f"（{basis}）" if basis else ""
            )
            suggested_fen: int | None = amount
        elif floor:
            suggested = floor.removeprefix("配套下限：") + "（不低于1:1；须登记自治区资助额下达文件）"
            suggested_fen = None
        elif "缺少" in reason:
            suggested = "先登记自治区下达本项目的资助额及文件，再按不低于1:1确定"
            suggested_fen = None
        else:
            suggested = "待局务会研究决定金额（政策未定金额）"
            suggested_fen = None
        out.append(
            PendingItem(
                entitlement_id=r.id,
                year=r.waiting_year,
                district=district,
                unit_name=unit_name,
                subject_name=name if name != unit_name else "",
                credit_code=code,
                clause_id=r.clause_id,
                article=clause.article if clause else "",
                clause_title=clause.title if clause else r.clause_id,
                quote=clause.quote if clause else "",
                recognition=_line(lines, "认定记录：").removeprefix("认定记录："),
                suggested=suggested,
                suggested_fen=suggested_fen,
                reason=reason,
            )
        )
    order = {d: i for i, d in enumerate(districts_of(city))}
    out.sort(key=lambda p: (p.year or 0, order.get(p.district, 99), p.unit_name, p.article, p.entitlement_id))
    return out


def pending_counts(app: App) -> dict[int | None, int]:
    """How many items wait for a decision, per year (None: a waiting item without a year)."""
    with app.db.session() as s:
        years = s.scalars(select(Entitlement.waiting_year).where(Entitlement.status == WAITING)).all()
    return dict(sorted(Counter(years).items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))
