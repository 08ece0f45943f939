"""Command line for decided amounts (乌海's way): decisions, entering amounts, budgets.

    kjdesk decisions add --kind 局务会 --number 纪要〔2026〕3号 --date 2026-03-10 --title … [--file …]
    kjdesk decisions list [--format table|csv|json]
    kjdesk amounts enter --entitlement ID [--year Y] --amount-yuan X --decision NUMBER
    kjdesk amounts enter --clause C --year Y --amount-yuan X --decision NUMBER [--waiting-year W]
    kjdesk amounts allocation --entitlement ID --amount-yuan X --doc 文号
    kjdesk budget set --year Y --amount-yuan X [--clause C] [--note …]
    kjdesk budget show --year Y

Writing commands follow the one sign-in rule of ``cli/access.py`` (applied by ``open_app``): once an officer account
exists, ``--user NAME`` with the password in ``--password-env`` (default KJDESK_PASSWORD).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kjdesk.cli.core import EXIT_OK, UserError, command, emit, open_app
from kjdesk.cli.money import account_args, date_arg, yuan_arg
from kjdesk.money import format_wan, format_yuan

DECISION_COLUMNS = [
    ("id", "编号"),
    ("kind", "类型"),
    ("number", "纪要编号"),
    ("day", "日期"),
    ("title", "议题"),
    ("file_ref", "文件"),
    ("amounts", "笔数"),
    ("amount_yuan", "金额（元）"),
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from kjdesk.services.disbursement.decisions import DECISION_KINDS

    dp = sub.add_parser("decisions", help="决定（会议纪要、局务会、主任办公会）：录入一次，多笔金额选用")
    dsub = dp.add_subparsers(dest="action", required=True)
    da = dsub.add_parser("add", help="录入一个决定")
    da.add_argument("--kind", choices=DECISION_KINDS, default="局务会", help="类型（默认 局务会）")
    da.add_argument("--number", required=True, help="纪要编号，如 纪要〔2026〕3号")
    da.add_argument("--date", type=date_arg, required=True, help="会议日期，如 2026-03-10")
    da.add_argument("--title", required=True, help="议题或标题")
    da.add_argument("--file", default="", help="文件存放位置或档案号（可选）")
    account_args(da)
    dl = dsub.add_parser("list", help="列出决定")
    dl.add_argument("--format", choices=["table", "csv", "json"], default="table")

    ap = sub.add_parser("amounts", help="录入决定的金额（一事一议、给予一定支持、配套）")
    asub = ap.add_subparsers(dest="action", required=True)
    ae = asub.add_parser("enter", help="为一项（--entitlement）或某条款的全部待决定事项（--clause）录入金额")
    which = ae.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--entitlement", type=int, help="应享资金编号（entitlements --format json 的 entitlement_id）"
    )
    which.add_argument(
        "--clause", help="条款编号：该条款全部待录入金额的事项（可用 --waiting-year 限定所属年度）"
    )
    ae.add_argument("--year", type=int, help="拨付年度（默认今年；与 --clause 同用时必填）")
    ae.add_argument("--waiting-year", type=int, help="与 --clause 同用：只录入该所属年度的待决定事项")
    ae.add_argument("--amount-yuan", type=yuan_arg, help="金额（元），如 100000 或 10万")
    basis = ae.add_mutually_exclusive_group()
    basis.add_argument("--decision", help="决定的纪要编号（先用 decisions add 录入）")
    basis.add_argument("--basis", help="没有会议决定时的依据文号")
    basis.add_argument(
        "--standard",
        action="store_true",
        help="按拨付年度（--year）的年度标准录入金额和依据（适用于以前年度的认定）",
    )
    ae.add_argument("--district-yuan", type=yuan_arg, help="其中区财政承担的金额（市、区共同支付时）")
    account_args(ae)
    al = asub.add_parser("allocation", help="登记配套事项的自治区资助额及其下达文件（不低于1:1配套的基数）")
    al.add_argument("--entitlement", type=int, required=True, help="应享资金编号")
    al.add_argument("--amount-yuan", type=yuan_arg, required=True, help="自治区资助额（元），如 200万")
    al.add_argument("--doc", required=True, help="自治区下达资金的文件文号")
    account_args(al)

    bp = sub.add_parser("budget", help="年度预算上限（全局或某条款）")
    bsub = bp.add_subparsers(dest="action", required=True)
    bs = bsub.add_parser("set", help="设置某年度的预算上限")
    bs.add_argument("--year", type=int, required=True)
    bs.add_argument("--amount-yuan", type=yuan_arg, required=True, help="上限金额（元），如 5000000 或 500万")
    bs.add_argument("--clause", default="", help="条款编号（不填为全局上限）")
    bs.add_argument("--note", default="", help="说明（如 预算批复文号）")
    account_args(bs)
    bw = bsub.add_parser("show", help="某年度预算上限及已列计划、已审批、已拨付")
    bw.add_argument("--year", type=int, required=True)


@command("decisions")
def cmd_decisions(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.decisions import DecisionInput, add_decision, list_decisions

    if args.action == "add":
        app = open_app(args)
        try:
            d = add_decision(app, DecisionInput(args.kind, args.number, args.date, args.title, args.file))
        finally:
            app.close()
        print(f"已录入决定：{d.label}（{d.day.isoformat()}，{d.title}），编号 {d.id}")
        return EXIT_OK
    app = open_app(args, write=False)
    try:
        rows = list_decisions(app)
    finally:
        app.close()
    emit(
        [{**r.__dict__, "amount_yuan": format_yuan(r.amounts_fen)} for r in rows],
        args.format,
        DECISION_COLUMNS,
    )
    return EXIT_OK


@command("amounts")
def cmd_amounts(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.decisions import decision_id_of
    from kjdesk.services.disbursement.pending import pending_items
    from kjdesk.services.entitlements.entered import enter_amounts, input_for_entitlement

    if args.action == "allocation":
        from kjdesk.services.entitlements.entered import record_allocation

        app = open_app(args)
        try:
            record_allocation(app, args.entitlement, args.amount_yuan, args.doc)
        finally:
            app.close()
        print(
            f"已登记自治区资助额 {format_yuan(args.amount_yuan)} 元（{args.doc}），配套不低于 1:1 已重新计算"
        )
        return EXIT_OK
    app = open_app(args)  # who may enter amounts is checked before what was typed
    try:
        if args.clause and args.year is None:
            raise UserError("与 --clause 同用时须用 --year 指明拨付年度")
        if not (args.decision or args.basis or args.standard):
            raise UserError(
                "请用 --decision 指明决定的纪要编号，或 --basis 写明依据文号，或 --standard 按年度标准"
            )
        if args.amount_yuan is None and not args.standard:
            raise UserError("请用 --amount-yuan 写明金额（或用 --standard 按年度标准）")
        year = args.year if args.year is not None else date.today().year
        if args.standard:
            args.amount_yuan, args.basis = _standard(app, args, year)
        decision_id = decision_id_of(app, args.decision) if args.decision else None
        if args.entitlement is not None:
            ids = [args.entitlement]
        else:
            items = pending_items(app, args.waiting_year, args.clause)
            if not items:
                when = f"所属 {args.waiting_year} 年度的" if args.waiting_year else ""
                raise UserError(f"条款 {args.clause} 没有{when}待录入金额的事项")
            ids = [p.entitlement_id for p in items]
        inputs = [
            input_for_entitlement(
                app,
                eid,
                args.amount_yuan,
                year,
                decision_id=decision_id,
                basis=args.basis or "",
                district_fen=args.district_yuan,
            )
            for eid in ids
        ]
        entry_ids = enter_amounts(app, inputs)
    finally:
        app.close()
    total = args.amount_yuan * len(entry_ids)
    print(
        f"已录入 {len(entry_ids)} 笔，每笔 {format_yuan(args.amount_yuan)} 元，合计 {format_yuan(total)} 元，"
        f"列入 {year} 年拨付计划（录入记录 {'、'.join(map(str, entry_ids))}）"
    )
    return EXIT_OK


def _standard(app, args: argparse.Namespace, year: int) -> tuple[int, str]:  # noqa: ANN001 - App
    """(amount, basis) of the payment year's 年度标准 of the clause entered."""
    from kjdesk.services.entitlements.entered import entitlement_clause
    from kjdesk.services.entitlements.entry_context import standard_clauses

    clause_id = args.clause if args.clause is not None else entitlement_clause(app, args.entitlement)
    found = next((c for c in standard_clauses(app) if c.clause_id == clause_id), None)
    standard = next((s for s in found.standards if s.year == year), None) if found else None
    if standard is None:
        raise UserError(f"条款 {clause_id} 没有 {year} 年度标准（可在“应享资金”页“年度标准…”中设置）")
    return standard.amount_fen, f"{year} 年度标准" + (f"（{standard.basis}）" if standard.basis else "")


@command("budget")
def cmd_budget(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.budgets import budget_status, set_budget

    if args.action == "set":
        app = open_app(args)
        try:
            set_budget(app, args.year, args.amount_yuan, args.clause, args.note)
            status = budget_status(app, args.year)
        finally:
            app.close()
        which = f"条款 {args.clause}" if args.clause else "全局"
        print(f"已设置 {args.year} 年度{which}预算上限 {format_wan(args.amount_yuan)} 万元")
        print(status.total.text())
        return EXIT_OK
    app = open_app(args, write=False)
    try:
        status = budget_status(app, args.year)
    finally:
        app.close()
    print(status.total.text())
    for line in status.clauses:
        print(line.text())
    sys.stdout.flush()
    return EXIT_OK
