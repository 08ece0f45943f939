"""The Excel sheets for finance: the data from the database as plain rows, written by io/.

``write_report(app, kind, year, path)`` writes one of ``REPORTS`` to an .xlsx file and
returns a ``ReportResult`` with the figures it printed (so callers and tests can compare).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kjdesk.io.excel_out import TableSheet, write_workbook
from kjdesk.io.finance_sheets import (
    ClauseSummaryLine,
    CommitmentLine,
    DisbursementLine,
    DistrictCountLine,
    PlatformCountLine,
    TargetLine,
    commitments_sheet,
    disbursement_sheet,
    indicators_sheet,
    summary_sheet,
    targets_sheet,
)
from kjdesk.money import format_yuan
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.indicators import indicator_counts, target_progress
from kjdesk.services.disbursement.plan import PlanRow, article_order, commitments, year_plan
from kjdesk.validation import districts_of

REPORTS = {
    "disbursement": "年度资金拨付明细表",
    "summary": "应享资金汇总表",
    "commitments": "多年度资金承诺表",
    "indicators": "科技创新指标统计表",
    "targets": "目标完成情况表",
    "pending": "待决定事项表",
}


@dataclass(frozen=True)
class ReportResult:
    path: Path
    kind: str
    rows: int
    total_fen: int  # the grand total of the main money column (0 for count sheets)


def disbursement_lines(app: App, year: int) -> list[DisbursementLine]:
    """The rows of the 明细表: this year's instalments not cancelled, by 旗县区 in the city's order."""
    city = require_bureau(app).city
    order = {d: i for i, d in enumerate(districts_of(city))}
    rows: list[PlanRow] = year_plan(app, year).rows
    rows = sorted(
        rows,
        key=lambda r: (
            order.get(r.district, 99),
            r.district,
            r.unit_name,
            article_order(r.article),
            r.instalment_id,
        ),
    )
    banks = payee_banks(app, rows)
    return [
        DisbursementLine(
            district=r.district,
            unit_name=r.unit_name,
            credit_code=r.credit_code,
            clause=f"{r.article}{r.clause_title}",
            wording=r.payment_wording,
            amount_fen=r.amount_fen,
            paid_fen=r.entitlement_paid_fen,
            status=r.state_label,
            note="；".join(x for x in (r.note, _basis_note(r)) if x),
            bank_name=banks.get(r.entitlement_id, ("", ""))[0],
            bank_account=banks.get(r.entitlement_id, ("", ""))[1],
        )
        for r in rows
    ]


def payee_banks(app: App, rows: list[PlanRow]) -> dict[int, tuple[str, str]]:
    """entitlement id → (开户银行, 账号) of whoever is paid: the person paid in person, else the unit."""
    from sqlalchemy import select

    from kjdesk.store.models import Entitlement, Person, Unit

    ids = sorted({r.entitlement_id for r in rows})
    codes = sorted({r.credit_code for r in rows if r.credit_code})
    out: dict[int, tuple[str, str]] = {}
    with app.db.session() as s:
        by_code = {
            c: (n, a)
            for c, n, a in s.execute(
                select(Unit.credit_code, Unit.bank_name, Unit.bank_account).where(Unit.credit_code.in_(codes))
            )
        }
        people = {
            e: (n, a)
            for e, n, a in s.execute(
                select(Entitlement.id, Person.bank_name, Person.bank_account)
                .join(Person, Entitlement.person_id == Person.id)
                .where(Entitlement.id.in_(ids), Entitlement.payee_unit_id.is_(None))
            )
        }
    for r in rows:
        bank = people.get(r.entitlement_id) or by_code.get(r.credit_code)
        if bank and (bank[0] or bank[1]):
            out[r.entitlement_id] = bank
    return out


def _basis_note(r: PlanRow) -> str:
    """The 依据 of a decided amount for the sheet's 备注 (a fixed amount rests on the text itself)."""
    if not r.basis or r.basis_kind == "政策原文":
        return ""
    split = ""
    if r.district_fen is not None:
        split = (
            f"（市级 {format_yuan(r.amount_fen - r.district_fen)} 元，区级 {format_yuan(r.district_fen)} 元）"
        )
    return f"依据：{r.basis}{split}"


def summary_lines(app: App, year: int) -> list[ClauseSummaryLine]:
    groups: dict[tuple[str, str], list[PlanRow]] = defaultdict(list)
    for r in year_plan(app, year).rows:
        groups[(r.article, r.clause_title)].append(r)
    lines = []
    for (article, title), rows in sorted(groups.items(), key=lambda kv: (article_order(kv[0][0]), kv[0][1])):
        lines.append(
            ClauseSummaryLine(
                clause=f"{article}{title}",
                wording=rows[0].payment_wording,
                count=len(rows),
                amount_fen=sum(r.amount_fen for r in rows),
                approved_fen=sum(r.amount_fen for r in rows if r.state in ("approved", "paid")),
                paid_fen=sum(r.paid_fen for r in rows),
            )
        )
    return lines


def commitment_lines(app: App, first_year: int, years: int = 5) -> list[CommitmentLine]:
    span = range(first_year, first_year + years)
    return [
        CommitmentLine(f"{c.article}{c.clause_title}", c.count, [c.by_year_fen[y] for y in span])
        for c in commitments(app, first_year, years)
    ]


def build_sheet(
    app: App, kind: str, year: int, today: date | None = None, *, in_wan: bool = False
) -> tuple[TableSheet, int, int]:
    """(sheet, number of data rows, grand total in 分) for one report kind, in the bureau's sheet font."""
    from dataclasses import replace

    from kjdesk.services.letters.print_settings import print_settings

    sheet, rows, total = _build_sheet(app, kind, year, today, in_wan)
    return replace(sheet, font=print_settings(app).sheet_font), rows, total


def as_of_for(year: int, today: date) -> date:
    """The day a year's figures are counted to: today for this year (or later), else 31 December."""
    return today if year >= today.year else date(year, 12, 31)


def _build_sheet(
    app: App, kind: str, year: int, today: date | None, in_wan: bool
) -> tuple[TableSheet, int, int]:
    bureau = require_bureau(app)
    if kind == "disbursement":
        lines = disbursement_lines(app, year)
        from kjdesk.services.safety.audit_anchor import chain_head

        sheet = disbursement_sheet(year, bureau.name, lines, chain_head(app).short)
        return sheet, len(lines), sum(r.amount_fen for r in lines)
    if kind == "summary":
        from kjdesk.services.disbursement.budgets import budget_status

        slines = summary_lines(app, year)
        sheet = summary_sheet(year, bureau.name, slines, in_wan=in_wan)
        status = budget_status(app, year)
        sheet.notes = (
            *sheet.notes,
            "预算：" + status.total.text(),
            *("预算：" + c.text() for c in status.clauses),
        )
        return sheet, len(slines), sum(r.amount_fen for r in slines)
    if kind == "pending":
        from kjdesk.io.pending_sheet import PendingLine, pending_sheet
        from kjdesk.services.disbursement.pending import pending_items

        plines = [
            PendingLine(
                p.year,
                p.district,
                p.unit_name + (f"（{p.subject_name}）" if p.subject_name else ""),
                f"{p.article}{p.clause_title}",
                p.quote,
                p.recognition,
                p.suggested,
                p.entitlement_id,
            )
            for p in pending_items(app, year)
        ]
        return pending_sheet(year, bureau.name, plines), len(plines), 0
    if kind == "commitments":
        clines = commitment_lines(app, year)
        return (
            commitments_sheet(year, bureau.name, clines),
            len(clines),
            sum(sum(c.by_year_fen) for c in clines),
        )
    if kind == "indicators":
        ind = indicator_counts(app, year)
        plats = [
            PlatformCountLine(
                p.type_name, p.by_level["国家"], p.by_level["自治区"], p.by_level["市级"], p.by_level["其他"]
            )
            for p in ind.platforms
        ]
        dists = [
            DistrictCountLine(
                d.district, d.hte, d.tsme, d.platforms, d.national_platforms, d.regional_platforms
            )
            for d in ind.districts
        ]
        basis = "依据包党发〔2021〕24号第（二十五）条考核指标" if bureau.city == "baotou" else ""
        return indicators_sheet(year, bureau.name, plats, dists, basis), len(plats) + len(dists), 0
    if kind == "targets":
        today = as_of_for(year, today or date.today())  # --year: the figures as at the end of that year
        progress = target_progress(app, today)
        if not progress:
            raise ServiceError(
                f"{bureau.city_name}的政策没有量化目标，无目标完成情况表（目标见乌海政发〔2021〕21号）"
            )
        tlines = [
            TargetLine(t.article, t.metric, t.target_text, t.kind_label, t.current, t.progress, t.note)
            for t in progress
        ]
        return (
            targets_sheet(f"{today.year}年{today.month}月{today.day}日", bureau.name, tlines),
            len(tlines),
            0,
        )
    raise ServiceError(f"未知报表“{kind}”：可选 {'、'.join(REPORTS)}")


def write_report(
    app: App,
    kind: str,
    year: int,
    path: str | Path,
    progress: Progress | None = None,
    today: date | None = None,
    *,
    in_wan: bool = False,
) -> ReportResult:
    progress = progress or NullProgress()
    progress.set_status(f"正在生成{REPORTS.get(kind, kind)}…")
    if in_wan and kind != "summary":
        raise ServiceError("万元列示只用于应享资金汇总表；明细表、承诺表按元列示到分")
    sheet, rows, total = build_sheet(app, kind, year, today, in_wan=in_wan)
    progress.check()
    out = write_workbook(path, [sheet], progress)
    return ReportResult(out, kind, rows, total)


def write_pending(
    app: App, year: int | None, path: str | Path, progress: Progress | None = None
) -> tuple[Path, int]:
    """The 待决定事项表 (.xlsx) of ``year`` (every year when None); returns (file, rows)."""
    from kjdesk.io.excel_out import write_workbook

    progress = progress or NullProgress()
    progress.set_status("正在生成待决定事项表…")
    sheet, rows, _total = build_sheet(app, "pending", year)  # type: ignore[arg-type]
    return write_workbook(path, [sheet], progress), rows
