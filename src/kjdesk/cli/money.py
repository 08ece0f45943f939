"""Command line for the money side: the yearly plan, approval, payments, reversals, the sheets.

Every command that writes acts as a signed-in account: ``--user NAME`` (before or after
the command) and the password in the environment variable named by ``--password-env``
(default ``KJDESK_PASSWORD``) — never on the command line, where it would stay in the
shell history. ``cli.build_parser`` adds these sub-commands through ``add_parsers``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kjdesk.cli.core import EXIT_OK, UserError, command, emit, open_app, output_arg
from kjdesk.money import AmountError, format_wan, format_yuan, parse_amount_fen

PASSWORD_ENV = "KJDESK_PASSWORD"

PLAN_COLUMNS = [
    ("instalment_id", "编号"),
    ("district", "旗县区"),
    ("unit_name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("clause", "条款"),
    ("payment_wording", "支持方式"),
    ("amount_yuan", "金额（元）"),
    ("paid_yuan", "已拨（元）"),
    ("state_label", "状态"),
    ("batch_id", "批次"),
    ("note", "备注"),
    ("basis", "依据"),
]
PLAN_JSON = [
    ("instalment_id", "instalment_id"),
    ("entitlement_id", "entitlement_id"),
    ("year", "year"),
    ("district", "district"),
    ("unit_name", "unit_name"),
    ("credit_code", "credit_code"),
    ("clause_id", "clause_id"),
    ("clause", "clause"),
    ("payment_wording", "payment_wording"),
    ("amount_fen", "amount_fen"),
    ("paid_fen", "paid_fen"),
    ("open_fen", "open_fen"),
    ("state", "state"),
    ("state_label", "state_label"),
    ("batch_id", "batch_id"),
    ("note", "note"),
    ("basis", "basis"),
    ("basis_kind", "basis_kind"),
    ("decision_id", "decision_id"),
    ("district_fen", "district_fen"),
]
BATCH_COLUMNS = [
    ("id", "批次"),
    ("year", "年度"),
    ("state_label", "状态"),
    ("count", "笔数"),
    ("amount_yuan", "金额（元）"),
    ("proposed_by_name", "报批人"),  # people's names; the logins stay in JSON (proposed_by, reviewed_by)
    ("reviewed_by_name", "复核人"),
    ("return_reason", "退回原因"),
]
BATCH_LOGINS = [("proposed_by", "报批人账号"), ("reviewed_by", "复核人账号")]  # for scripts (JSON)
PAYMENT_COLUMNS = [
    ("id", "编号"),
    ("instalment_id", "拨付计划"),
    ("paid_on", "日期"),
    ("voucher_no", "凭证号"),
    ("amount_yuan", "金额（元）"),
    ("reverses_id", "冲销记录"),
    ("reason", "原因"),
    ("recorded_by_name", "登记人"),  # the login stays in JSON (recorded_by)
]
PAYMENT_LOGINS = [("recorded_by", "登记人账号")]


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 2025-09-26") from None


def yuan_arg(text: str) -> int:
    try:
        return parse_amount_fen(text, "元")
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _ids(text: str) -> list[int]:
    try:
        return [int(x) for x in text.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"编号“{text}”应写作 1,2,3") from None


def account_args(p: argparse.ArgumentParser) -> None:
    """``--user`` and ``--password-env`` after the sub-command too (the global ones otherwise)."""
    p.add_argument("--user", default=argparse.SUPPRESS, help="以哪个账号登录执行")
    p.add_argument(
        "--password-env",
        default=argparse.SUPPRESS,
        help=f"存放该账号密码的环境变量名（默认 {PASSWORD_ENV}）",
    )


def add_parsers(sub: argparse._SubParsersAction) -> None:
    sp = sub.add_parser("plan", help="年度拨付计划（该年度的每笔拨付，及按条款、旗县区、支持方式的合计）")
    sp.add_argument("--year", type=int, required=True)
    sp.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sp.add_argument("--with-cancelled", action="store_true", help="同时列出已取消的")

    pr = sub.add_parser("propose", help="经办人报批：把某年度的拨付计划编成一个批次")
    pr.add_argument("--year", type=int, required=True)
    which = pr.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="该年度全部“计划”状态的拨付")
    which.add_argument("--ids", type=_ids, help="拨付计划编号，如 12,15,18")
    pr.add_argument("--note", default="", help="说明")
    pr.add_argument("--over-budget-reason", default="", help="超出年度预算上限时须写明的理由")
    account_args(pr)

    ap = sub.add_parser("approve", help="复核人审批一个报批批次")
    ap.add_argument("batch", type=int)
    account_args(ap)
    rt = sub.add_parser("return", help="复核人退回一个报批批次（须写原因）")
    rt.add_argument("batch", type=int)
    rt.add_argument("--reason", required=True)
    account_args(rt)
    bl = sub.add_parser("batches", help="列出报批批次")
    bl.add_argument("--year", type=int)
    bl.add_argument("--format", choices=["table", "csv", "json"], default="table")

    pay = sub.add_parser("pay", help="登记财政拨付（可部分拨付）")
    pay.add_argument("instalment", type=int, help="拨付计划编号")
    pay.add_argument("--date", type=date_arg, required=True)
    pay.add_argument("--voucher", required=True, help="凭证号")
    pay.add_argument("--amount-yuan", type=yuan_arg, required=True, help="金额（元），如 300000 或 30万")
    account_args(pay)
    rv = sub.add_parser("reverse", help="冲销一笔拨付记录（须写原因；原记录不改不删）")
    rv.add_argument("payment", type=int, help="拨付记录编号")
    rv.add_argument("--reason", required=True)
    rv.add_argument("--date", type=date_arg, help="冲销日期（默认今天）")
    account_args(rv)
    pl = sub.add_parser("payments", help="列出拨付记录")
    pl.add_argument("--year", type=int)
    pl.add_argument("--instalment", type=int)
    pl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    cn = sub.add_parser("cancel", help="取消一笔拨付计划（须写原因）")
    cn.add_argument("instalment", type=int)
    cn.add_argument("--reason", required=True)
    account_args(cn)

    ac = sub.add_parser("accept", help="复核人接受重新计算后的金额（标为“待复核”的拨付计划）")
    ac.add_argument("instalment", type=int)
    account_args(ac)

    rep = sub.add_parser("report", help="导出财务报表（Excel，可直接打印）")
    rep.add_argument(
        "kind", choices=["disbursement", "summary", "commitments", "indicators", "targets", "pending"]
    )
    rep.add_argument("--year", type=int, required=True)
    rep.add_argument("-o", "--output", type=output_arg, required=True, help="输出文件 .xlsx")
    rep.add_argument(
        "--unit",
        choices=["元", "万元"],
        default="元",
        help="金额单位：默认元（到分）；万元只用于 summary 汇总表",
    )


def signed_in(args: argparse.Namespace):  # noqa: ANN201 - App
    """Open the database signed in as ``--user`` (cli_access: the password from the environment
    variable named by ``--password-env``, or asked on a terminal)."""
    return open_app(args)


@command("plan")
def cmd_plan(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.plan import year_plan

    app = open_app(args, write=False)
    try:
        plan = year_plan(app, args.year, include_cancelled=args.with_cancelled)
    finally:
        app.close()
    rows = [
        {
            **r.__dict__,
            "clause": f"{r.article}{r.clause_title}",
            "amount_yuan": format_yuan(r.amount_fen),
            "paid_yuan": format_yuan(r.paid_fen),
        }
        for r in plan.rows
    ]
    if args.format == "json":
        emit(rows, "json", PLAN_JSON)
        return EXIT_OK
    emit(rows, args.format, PLAN_COLUMNS)
    if args.format == "table":
        print(
            f"\n{plan.year} 年合计 {format_yuan(plan.total_fen)} 元（{format_wan(plan.total_fen)} 万元）；"
            f"已审批 {format_yuan(plan.approved_fen)} 元；已拨付 {format_yuan(plan.paid_fen)} 元"
        )
        for title, totals in (
            ("按条款", plan.by_clause),
            ("按旗县区", plan.by_district),
            ("按支持方式", plan.by_wording),
        ):
            print(f"{title}：")
            for t in totals:
                print(f"  {t.key}  {t.count} 笔  {format_yuan(t.amount_fen)} 元")
    return EXIT_OK


def _batch_dict(b, names: dict[str, str] | None = None) -> dict:  # noqa: ANN001 - BatchRow
    names = names or {}
    return {
        **b.__dict__,
        "amount_yuan": format_yuan(b.amount_fen),
        "proposed_by_name": names.get(b.proposed_by, b.proposed_by),
        "reviewed_by_name": names.get(b.reviewed_by, b.reviewed_by) if b.reviewed_by else "",
    }


@command("propose")
def cmd_propose(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.approval import propose_batch

    app = signed_in(args)
    try:
        b = propose_batch(app, args.year, None if args.all else args.ids, args.note, args.over_budget_reason)
    finally:
        app.close()
    print(f"已报批：批次 {b.id}，{b.count} 笔，{format_yuan(b.amount_fen)} 元，待复核人审批")
    return EXIT_OK


@command("approve")
def cmd_approve(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.approval import approve_batch

    app = signed_in(args)
    try:
        b = approve_batch(app, args.batch)
    finally:
        app.close()
    print(f"已审批：批次 {b.id}，{b.count} 笔，{format_yuan(b.amount_fen)} 元（复核人 {b.reviewed_by}）")
    return EXIT_OK


@command("return")
def cmd_return(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.approval import return_batch

    app = signed_in(args)
    try:
        b = return_batch(app, args.batch, args.reason)
    finally:
        app.close()
    print(f"已退回：批次 {b.id}，原因：{b.return_reason}")
    return EXIT_OK


@command("batches")
def cmd_batches(args: argparse.Namespace) -> int:
    from kjdesk.services.core.officer_names import officer_names
    from kjdesk.services.disbursement.approval import list_batches

    app = open_app(args, write=False)
    try:
        names = officer_names(app)
        columns = BATCH_COLUMNS + (BATCH_LOGINS if args.format == "json" else [])
        emit([_batch_dict(b, names) for b in list_batches(app, args.year)], args.format, columns)
    finally:
        app.close()
    return EXIT_OK


def _payment_dict(p, names: dict[str, str] | None = None) -> dict:  # noqa: ANN001 - PaymentRow
    names = names or {}
    return {
        **p.__dict__,
        "amount_yuan": format_yuan(p.amount_fen),
        "recorded_by_name": names.get(p.recorded_by, p.recorded_by),
    }


@command("pay")
def cmd_pay(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.payments import record_payment

    app = signed_in(args)
    try:
        p = record_payment(app, args.instalment, args.date, args.voucher, args.amount_yuan)
    finally:
        app.close()
    print(
        f"已登记拨付：记录 {p.id}，拨付计划 {p.instalment_id}，{format_yuan(p.amount_fen)} 元，凭证号 {p.voucher_no}"
    )
    return EXIT_OK


@command("reverse")
def cmd_reverse(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.payments import reverse_payment

    app = signed_in(args)
    try:
        p = reverse_payment(app, args.payment, args.reason, args.date)
    finally:
        app.close()
    print(f"已冲销：记录 {p.reverses_id} 冲销 {format_yuan(-p.amount_fen)} 元（冲销记录 {p.id}）")
    return EXIT_OK


@command("payments")
def cmd_payments(args: argparse.Namespace) -> int:
    from kjdesk.services.core.officer_names import officer_names
    from kjdesk.services.disbursement.payments import list_payments

    app = open_app(args, write=False)
    try:
        rows = list_payments(app, args.instalment, args.year)
        names = officer_names(app)
    finally:
        app.close()
    columns = PAYMENT_COLUMNS + (PAYMENT_LOGINS if args.format == "json" else [])
    emit([_payment_dict(p, names) for p in rows], args.format, columns)
    return EXIT_OK


@command("cancel")
def cmd_cancel(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.approval import cancel_instalment

    app = signed_in(args)
    try:
        cancel_instalment(app, args.instalment, args.reason)
    finally:
        app.close()
    print(f"已取消拨付计划 {args.instalment}")
    return EXIT_OK


@command("accept")
def cmd_accept(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.approval import accept_recomputed_amount

    app = signed_in(args)
    try:
        accept_recomputed_amount(app, args.instalment)
    finally:
        app.close()
    print(f"已接受拨付计划 {args.instalment} 的重算金额")
    return EXIT_OK


@command("report")
def cmd_report(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.reports import REPORTS, write_report

    if args.output.suffix.lower() != ".xlsx":
        raise UserError("输出文件须为 .xlsx")
    app = open_app(args, write=False)
    try:
        result = write_report(app, args.kind, args.year, args.output, in_wan=args.unit == "万元")
    finally:
        app.close()
    total = f"，合计 {format_yuan(result.total_fen)} 元" if result.total_fen else ""
    sys.stdout.write(f"已生成{REPORTS[args.kind]}：{result.path}（{result.rows} 行{total}）\n")
    return EXIT_OK
