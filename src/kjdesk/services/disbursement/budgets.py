"""Budgets: a yearly ceiling of the bureau (and optionally of one clause), and the money against it.

``set_budget`` records a ceiling (audited); ``budget_status(app, year)`` gives the ceiling and
what is planned, proposed, approved and paid against it (for 总览, the plan page and the 汇总
sheet); ``over_budget(session, city, year, adding_fen, clause_ids)`` tells a proposal that
would pass a ceiling, which then needs a written reason (``approval.propose_batch``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjdesk.money import format_wan
from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.plan import PlanRow, load_rows
from kjdesk.store import audit
from kjdesk.store.models import Budget
from kjdesk.validation import normalize_text

COMMITTED = ("proposed", "approved", "paid")  # money a proposal has put forward


@dataclass(frozen=True)
class BudgetLine:
    clause_id: str  # "" for the whole bureau
    label: str
    ceiling_fen: int | None
    planned_fen: int  # every instalment of the year not cancelled
    proposed_fen: int  # proposed, approved or paid (what a proposal has put forward)
    approved_fen: int  # approved or paid
    paid_fen: int
    note: str = ""

    @property
    def left_fen(self) -> int | None:
        """What the ceiling leaves after what was proposed (None without a ceiling)."""
        return None if self.ceiling_fen is None else self.ceiling_fen - self.proposed_fen

    @property
    def over(self) -> bool:
        return self.ceiling_fen is not None and self.planned_fen > self.ceiling_fen

    def text(self) -> str:
        """One line for 总览, the plan page and the sheet."""
        if self.ceiling_fen is None:
            return (
                f"{self.label}：未设预算上限；已列计划 {format_wan(self.planned_fen, places=2)} 万元，"
                f"已审批 {format_wan(self.approved_fen, places=2)} 万元，已拨付 {format_wan(self.paid_fen, places=2)} 万元"
            )
        over = "（计划已超出上限）" if self.over else ""
        return (
            f"{self.label}：预算上限 {format_wan(self.ceiling_fen, places=2)} 万元；已列计划 {format_wan(self.planned_fen, places=2)} 万元"
            f"{over}，已报批 {format_wan(self.proposed_fen, places=2)} 万元，已审批 {format_wan(self.approved_fen, places=2)} 万元，"
            f"已拨付 {format_wan(self.paid_fen, places=2)} 万元，可用余额 {format_wan(self.left_fen or 0, places=2)} 万元"
        )


@dataclass(frozen=True)
class BudgetStatus:
    year: int
    total: BudgetLine
    clauses: tuple[BudgetLine, ...]  # the clauses with a ceiling of their own


def set_budget(app: App, year: int, amount_fen: int, clause_id: str = "", note: str = "") -> None:
    """Record (or change) the ceiling of ``year`` for the bureau, or for one clause."""
    from kjdesk.policy.catalog import load_builtin

    city = require_bureau(app).city
    errors: dict[str, str] = {}
    if amount_fen <= 0:
        errors["amount"] = "预算上限须大于零"
    if not 2000 <= year <= 2100:
        errors["year"] = f"年度 {year} 不合理"
    if clause_id:
        try:
            load_builtin(city).clause(clause_id)
        except KeyError:
            errors["clause"] = f"本市政策中没有条款“{clause_id}”"
    if errors:
        raise ValidationFailed(errors)
    with app.db.session() as s:
        row = s.scalar(select(Budget).where(Budget.year == year, Budget.clause_id == clause_id))
        before = None if row is None else {"amount_fen": row.amount_fen, "note": row.note}
        if row is None:
            row = Budget(year=year, clause_id=clause_id, amount_fen=amount_fen, note=normalize_text(note))
            s.add(row)
        else:
            row.amount_fen, row.note = amount_fen, normalize_text(note)
        s.flush()
        audit.record(
            s,
            app.actor,
            "设置预算上限",
            "budget",
            f"{year}/{clause_id or '全局'}",
            before,
            {"amount_fen": amount_fen, "note": row.note},
        )


def _line(clause_id: str, label: str, ceiling: Budget | None, rows: Iterable[PlanRow]) -> BudgetLine:
    live = [r for r in rows if r.state != "cancelled"]
    return BudgetLine(
        clause_id=clause_id,
        label=label,
        ceiling_fen=ceiling.amount_fen if ceiling is not None else None,
        planned_fen=sum(r.amount_fen for r in live),
        proposed_fen=sum(r.amount_fen for r in live if r.state in COMMITTED),
        approved_fen=sum(r.amount_fen for r in live if r.state in ("approved", "paid")),
        paid_fen=sum(r.paid_fen for r in live),
        note=ceiling.note if ceiling is not None else "",
    )


def status_in(session: Session, city: str, year: int, rows: list[PlanRow] | None = None) -> BudgetStatus:
    if rows is None:
        rows = load_rows(session, city, [year])
    ceilings = {b.clause_id: b for b in session.scalars(select(Budget).where(Budget.year == year))}
    total = _line("", f"{year} 年度全局", ceilings.get(""), rows)
    clauses = tuple(
        _line(cid, f"{year} 年度 {cid}", b, [r for r in rows if r.clause_id == cid])
        for cid, b in sorted(ceilings.items())
        if cid
    )
    return BudgetStatus(year, total, clauses)


def budget_status(app: App, year: int, rows: list[PlanRow] | None = None) -> BudgetStatus:
    city = require_bureau(app).city
    with app.db.session() as s:
        return status_in(s, city, year, rows)


def over_budget(session: Session, city: str, year: int, adding: list[PlanRow]) -> list[str]:
    """Why proposing ``adding`` would pass a ceiling of ``year`` (one line per ceiling), or []."""
    status = status_in(session, city, year)
    problems = []
    add_total = sum(r.amount_fen for r in adding)
    if (
        status.total.ceiling_fen is not None
        and status.total.proposed_fen + add_total > status.total.ceiling_fen
    ):
        problems.append(
            f"{year} 年度预算上限 {format_wan(status.total.ceiling_fen, places=2)} 万元，已报批 "
            f"{format_wan(status.total.proposed_fen, places=2)} 万元，本次 {format_wan(add_total, places=2)} 万元，"
            f"超出 {format_wan(status.total.proposed_fen + add_total - status.total.ceiling_fen, places=2)} 万元"
        )
    for line in status.clauses:
        add = sum(r.amount_fen for r in adding if r.clause_id == line.clause_id)
        if add and line.ceiling_fen is not None and line.proposed_fen + add > line.ceiling_fen:
            problems.append(
                f"条款 {line.clause_id} 的 {year} 年度预算上限 {format_wan(line.ceiling_fen, places=2)} 万元，"
                f"已报批 {format_wan(line.proposed_fen, places=2)} 万元，本次 {format_wan(add, places=2)} 万元"
            )
    return problems


def require_reason(problems: list[str], reason: str) -> str:
    """The written reason a proposal beyond a ceiling needs; refuses without one."""
    reason = normalize_text(reason)
    if problems and not reason:
        raise ServiceError("报批金额超出预算上限，须写明理由：" + "；".join(problems))
    return reason if problems else ""


def proposal_problems(app: App, year: int, instalment_ids: list[int] | None) -> list[str]:
    """What proposing these planned instalments (all planned ones when None) would pass, or []."""
    city = require_bureau(app).city
    with app.db.session() as s:
        if instalment_ids is None:
            rows = [r for r in load_rows(s, city, [year]) if r.state == "planned"]
        else:
            rows = [r for r in load_rows(s, city, ids=instalment_ids) if r.state == "planned"]
        return over_budget(s, city, year, rows)
