"""Command line for accounts, fund receipts (R4), the working-day calendar and reminders.

Added to ``kjdesk`` by ``cli.build_parser``. Commands that write sign in as an account:
``--user NAME`` and the password in the environment variable named by ``--password-env``.
"""

from __future__ import annotations

import argparse
import os

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, UserError, command, emit, open_app
from kjdesk.cli.money import account_args, date_arg, signed_in, yuan_arg
from kjdesk.money import format_yuan

OFFICER_COLUMNS = [
    ("id", "编号"),
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("role", "角色"),
    ("active", "启用"),
]
RECEIPT_COLUMNS = [
    ("id", "编号"),
    ("received_on", "收到日期"),
    ("doc_number", "指标文号"),
    ("stage", "环节"),
    ("amount_yuan", "金额（元）"),
    ("due", "到期日（30个工作日）"),
    ("done_on", "下达日期"),
    ("flag", "提示"),
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    off = sub.add_parser("officers", help="账号：add / list / reset-password")
    off_sub = off.add_subparsers(dest="officers_action", required=True, parser_class=ChineseArgumentParser)
    oa = off_sub.add_parser("add", help="新增账号（管理员操作；尚无任何账号时创建第一个管理员）")
    oa.add_argument("username")
    oa.add_argument("--role", required=True, choices=["经办人", "复核人", "管理员"])
    oa.add_argument("--name", default="", help="姓名")
    oa.add_argument("--new-password-env", required=True, help="存放新账号密码的环境变量名")
    account_args(oa)
    ol = off_sub.add_parser("list", help="列出账号")
    ol.add_argument("--format", choices=["table", "csv", "json"], default="table")
    orp = off_sub.add_parser("reset-password", help="重置密码（管理员操作）")
    orp.add_argument("username")
    orp.add_argument("--new-password-env", required=True, help="存放新密码的环境变量名")
    account_args(orp)
    opw = off_sub.add_parser("passwd", help="修改本人密码（原密码同登录密码；管理员重置后须先改密码）")
    opw.add_argument("--new-password-env", help="存放新密码的环境变量名（不给出时在终端中输入两次）")
    account_args(opw)

    rc = sub.add_parser("receipts", help="上级科技资金支付指标：add / list / done（30个工作日到期）")
    rc_sub = rc.add_subparsers(dest="receipts_action", required=True, parser_class=ChineseArgumentParser)
    ra = rc_sub.add_parser("add", help="登记收到的指标")
    ra.add_argument("--date", type=date_arg, required=True, help="收到日期")
    ra.add_argument("--amount-yuan", type=yuan_arg, required=True)
    ra.add_argument("--doc", required=True, help="指标文件文号")
    ra.add_argument("--stage", default="市财政", choices=["市财政", "旗县区财政"])
    ra.add_argument("--note", default="")
    account_args(ra)
    rl = rc_sub.add_parser("list", help="列出指标及到期日")
    rl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    rd = rc_sub.add_parser("done", help="登记指标已下达")
    rd.add_argument("receipt", type=int)
    rd.add_argument("--date", type=date_arg, required=True)
    account_args(rd)

    cal = sub.add_parser("calendar", help="工作日历：录入 chinese-calendar 未覆盖年度的放假和调休")
    cal_sub = cal.add_subparsers(dest="calendar_action", required=True, parser_class=ChineseArgumentParser)
    cd = cal_sub.add_parser("day", help="录入一天：--off 放假，--work 调休上班")
    cd.add_argument("day", type=date_arg)
    kind = cd.add_mutually_exclusive_group(required=True)
    kind.add_argument("--off", action="store_true")
    kind.add_argument("--work", action="store_true")
    cd.add_argument("--name", default="", help="节日名称")
    account_args(cd)
    cc = cal_sub.add_parser("confirm", help="确认某年度已录入完整")
    cc.add_argument("year", type=int)
    cc.add_argument("--source", required=True, help="依据（国务院办公厅通知文号）")
    account_args(cc)

    sub.add_parser("reminders", help="提醒：即将到期的认定、本年未审批的拨付、逾期的指标")


def _env_password(var: str) -> str:
    value = os.environ.get(var)
    if value is None:
        raise UserError(f"环境变量 {var} 未设置（新密码从环境变量读取，不写在命令行上）")
    return value


@command("officers")
def cmd_officers(args: argparse.Namespace) -> int:
    from kjdesk.services.core import officers as svc

    if args.officers_action == "list":
        app = open_app(args)
        try:
            emit(svc.list_officers(app), args.format, OFFICER_COLUMNS)
        finally:
            app.close()
        return EXIT_OK
    if args.officers_action == "passwd":
        return _passwd(args)
    new_password = _env_password(args.new_password_env)
    if args.officers_action == "add":
        app = open_app(args)
        try:
            if not svc.has_officers(app):
                if args.role != "管理员":
                    raise UserError("尚无任何账号：第一个账号必须是管理员（--role 管理员）")
                row = svc.ensure_first_admin(app, args.username, new_password, args.name)
                print(f"已创建第一个管理员账号：{row.username}")
                return EXIT_OK
        finally:
            app.close()
    app = signed_in(args)
    try:
        if args.officers_action == "add":
            row = svc.create_officer(app, args.username, args.name, args.role, new_password)
            print(f"已创建账号：{row.username}（{row.role}）")
        else:
            svc.reset_password(app, args.username, new_password)
            print(f"已重置账号“{args.username}”的密码")
    finally:
        app.close()
    return EXIT_OK


def _passwd(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from kjdesk.cli.access import read_password
    from kjdesk.services.core import officers as svc

    if args.new_password_env:
        new_password = _env_password(args.new_password_env)
    elif sys.stdin is not None and sys.stdin.isatty():
        new_password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次新密码：") != new_password:
            raise UserError("两次输入的新密码不一致，密码未修改")
    else:
        raise UserError("请用 --new-password-env 给出存放新密码的环境变量名（或在终端中运行以便输入）")
    app = open_app(args)
    try:
        svc.change_own_password(app, read_password(args, app.actor), new_password)
    finally:
        app.close()
    print(f"账号“{app.actor}”的密码已修改")
    return EXIT_OK


def _receipt_dict(r) -> dict:  # noqa: ANN001 - ReceiptRow
    flag = "已逾期" if r.overdue else (r.due_note if r.due_on is None else "")
    return {
        **r.__dict__,
        "amount_yuan": format_yuan(r.amount_fen),
        "due": r.due_on.isoformat() if r.due_on else "无法计算",
        "flag": flag,
    }


@command("receipts")
def cmd_receipts(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement import deadlines

    if args.receipts_action == "list":
        app = open_app(args)
        try:
            emit([_receipt_dict(r) for r in deadlines.list_receipts(app)], args.format, RECEIPT_COLUMNS)
        finally:
            app.close()
        return EXIT_OK
    app = signed_in(args)
    try:
        if args.receipts_action == "add":
            r = deadlines.add_receipt(app, args.date, args.amount_yuan, args.doc, args.stage, args.note)
        else:
            r = deadlines.mark_receipt_done(app, args.receipt, args.date)
    finally:
        app.close()
    if r.due_on is None:
        print(f"已登记指标 {r.id}。{r.due_note}")
    else:
        print(f"指标 {r.id}：收到 {r.received_on}，应于 {r.due_on} 前下达（30个工作日）")
    return EXIT_OK


@command("calendar")
def cmd_calendar(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement import deadlines

    app = signed_in(args)
    try:
        if args.calendar_action == "day":
            deadlines.set_calendar_day(app, args.day, bool(args.work), args.name)
            print(f"已录入 {args.day}：{'调休上班' if args.work else '放假'}")
        else:
            n = deadlines.confirm_calendar_year(app, args.year, args.source)
            print(f"已确认 {args.year} 年工作日历；补算了 {n} 个指标的到期日")
    finally:
        app.close()
    return EXIT_OK


@command("reminders")
def cmd_reminders(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.deadlines import reminders

    app = open_app(args, write=False)
    try:
        r = reminders(app)
    finally:
        app.close()
    print(
        f"本年（{r.today.year}）尚未审批的拨付：{r.unapproved_count} 笔，{format_yuan(r.unapproved_fen)} 元"
    )
    for rec in r.receipts_overdue:
        print(f"逾期：指标 {rec.doc_number}（收到 {rec.received_on}）应于 {rec.due_on} 前下达")
    for rec in r.receipts_due_soon:
        print(f"即将到期：指标 {rec.doc_number} 应于 {rec.due_on} 前下达")
    for rec in r.receipts_unknown:
        print(f"无法计算到期日：指标 {rec.doc_number}。{rec.due_note}")
    for e in r.expiring:
        print(
            f"认定即将到期：{e.subject_name} {e.level}{e.type_name} 有效期至 {e.valid_until}（还有 {e.days_left} 天）"
        )
    return EXIT_OK
