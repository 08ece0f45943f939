"""The command line: a thin shell over the services (DESIGN.md, "Command line").

Exit codes: 0 success, 1 user error (message in Chinese on stderr), 2 internal error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from kjdesk import APP_TITLE, __version__
from kjdesk.cli.core import (  # noqa: F401 - re-exported for callers of kjdesk.cli
    COMMANDS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USER,
    ChineseArgumentParser,
    UserError,
    command,
    emit,
    open_app,
    path_arg,
)


def add_global_options(p: argparse.ArgumentParser) -> None:
    """The options before any sub-command; with none of the sub-commands they open the window."""
    p.add_argument("--version", action="version", version=f"kjdesk {__version__}", help="显示版本号并退出")
    p.add_argument("--db", help="数据库文件（默认在用户数据目录）或 postgresql:// 地址")
    p.add_argument("--user", default="", help="以哪个账号登录执行（修改数据的命令必须登录；审计记录使用）")
    p.add_argument(
        "--password-env",
        default="KJDESK_PASSWORD",
        help="存放该账号密码的环境变量名（默认 KJDESK_PASSWORD；未设置且在终端中运行时提示输入）",
    )
    p.add_argument("--demo", action="store_true", help="打开演示数据库（不影响正式数据）")
    p.add_argument("--smoke-test", action="store_true", help="打开窗口和每个页面后退出（用于检查安装）")


class _NotTheWindow(Exception):
    pass


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotTheWindow(message)


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when they only say how to open the window (no sub-command, no -h), else None.

    Start-up goes to the window without building the parser of every sub-command (which
    imports their modules); anything else — a sub-command, help, an error — takes the full parser.
    """
    p = _WindowParser(prog="kjdesk", add_help=False)
    add_global_options(p)
    try:
        args, rest = p.parse_known_args(argv)
    except _NotTheWindow:
        return None
    if rest:
        return None
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(prog="kjdesk", description=f"{APP_TITLE}（kjdesk）：科技兴蒙政策资金兑现")
    add_global_options(p)
    sub = p.add_subparsers(dest="command", metavar="命令", title="命令", parser_class=ChineseArgumentParser)

    init = sub.add_parser("init", help="初始化数据库：选择所服务的城市")
    init.add_argument("--city", required=True, choices=["baotou", "wuhai"])
    init.add_argument("--bureau-name", default="", help="科技局全称（默认：××市科学技术局）")

    units = sub.add_parser("units", help="单位名录")
    units_sub = units.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    ul = units_sub.add_parser("list", help="列出单位")
    ul.add_argument("--format", choices=["table", "csv", "json"], default="table")

    people = sub.add_parser("people", help="人员名录（身份证号已遮盖）")
    people_sub = people.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    pl = people_sub.add_parser("list", help="列出人员")
    pl.add_argument("--format", choices=["table", "csv", "json"], default="table")

    ent = sub.add_parser("entitlements", help="应享资金（每个拨付年度一行）")
    ent.add_argument("--year", type=int)
    ent.add_argument("--clause", help="条款编号，如 BT-06-hte-cert")
    ent.add_argument("--district", help="旗县区")
    ent.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ent.add_argument(
        "--recompute", action="store_true", help="先按现有名录重新计算应享资金（跳过记录未变化的对象）"
    )
    ent.add_argument("--force", action="store_true", help="与 --recompute 同用：每个对象都重新计算")

    pol = sub.add_parser("policy", help="政策条款目录")
    pol_sub = pol.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    pol_list = pol_sub.add_parser("list", help="列出条款")
    pol_list.add_argument("--city", choices=["baotou", "wuhai"], help="默认：两市")
    pol_list.add_argument("--format", choices=["table", "csv", "json"], default="table")
    pol_show = pol_sub.add_parser("show", help="显示一个条款")
    pol_show.add_argument("clause_id")
    pol_check = pol_sub.add_parser("check", help="检查政策目录 TOML 文件")
    pol_check.add_argument("file", type=path_arg)

    for add_parsers in _extension_parsers():
        add_parsers(sub)
    return p


def _extension_parsers() -> list[Callable[[Any], None]]:
    """Sub-commands defined in their own modules (import, money, letters)."""
    import importlib

    found = []
    for module, name in (
        ("kjdesk.cli.imports", "add_parsers"),
        ("kjdesk.cli.money", "add_parsers"),
        ("kjdesk.cli.accounts", "add_parsers"),  # accounts, fund receipts, calendar, reminders
        ("kjdesk.cli.amounts", "add_parsers"),
        ("kjdesk.cli.letters", "add_parsers"),
        ("kjdesk.cli.safety", "add_parsers"),
        ("kjdesk.cli.db", "add_parsers"),
        ("kjdesk.cli.conditions", "add_parsers"),
        ("kjdesk.cli.answers", "add_parsers"),
        ("kjdesk.cli.evidence", "add_parsers"),
        ("kjdesk.cli.settings", "add_parsers"),
    ):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return found


@command("init")
def cmd_init(args: argparse.Namespace) -> int:
    from kjdesk.services.core.settings import initialize

    app = open_app(args)
    try:
        b = initialize(app, args.city, args.bureau_name)
    finally:
        app.close()
    print(
        f"已初始化：{b.name}（{b.city_name}），数据库 {app.db.engine.url.render_as_string(hide_password=True).removeprefix('sqlite:///')}"
    )
    return EXIT_OK


UNIT_COLUMNS = [
    ("id", "编号"),
    ("name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("district", "旗县区"),
    ("kind", "单位类型"),
    ("size_class", "企业规模"),
    ("industry", "所属行业"),
    ("contact", "联系人"),
    ("phone", "电话"),
]
PERSON_COLUMNS = [
    ("id", "编号"),
    ("name", "姓名"),
    ("id_masked", "身份证号"),
    ("employer_name", "工作单位"),
    ("role", "身份"),
    ("phone", "电话"),
]


@command("units")
def cmd_units(args: argparse.Namespace) -> int:
    from kjdesk.services.register import list_units

    app = open_app(args, write=False)
    try:
        emit(list_units(app), args.format, UNIT_COLUMNS)
    finally:
        app.close()
    return EXIT_OK


@command("people")
def cmd_people(args: argparse.Namespace) -> int:
    from kjdesk.services.register import list_people

    app = open_app(args, write=False)
    try:
        emit(list_people(app), args.format, PERSON_COLUMNS)
    finally:
        app.close()
    return EXIT_OK


ENTITLEMENT_COLUMNS = [
    ("entitlement_id", "应享编号"),
    ("instalment_id", "拨付编号"),
    ("unit_name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("person_id_masked", "身份证号"),
    ("subject_name", "对象"),
    ("district", "旗县区"),
    ("clause_id", "条款"),
    ("year", "年度"),
    ("amount_fen", "金额（分）"),
    ("status", "状态"),
    ("state", "拨付状态"),
    ("basis", "依据"),
    ("explanation", "计算说明"),
]


@command("entitlements")
def cmd_entitlements(args: argparse.Namespace) -> int:
    from kjdesk.money import format_yuan
    from kjdesk.services.entitlements import recompute_all, recompute_message
    from kjdesk.services.entitlements.listing import list_entitlements
    from kjdesk.services.entitlements.rule_words import plain_clauses, plain_rules

    if args.force and not args.recompute:
        raise UserError("--force 须与 --recompute 同用")
    app = open_app(args, write=args.recompute)
    try:
        if args.recompute:
            summary = recompute_all(app, force=args.force)
            print(recompute_message(summary), file=sys.stderr)
        lines = list_entitlements(app, year=args.year, clause_id=args.clause, district=args.district)
    finally:
        app.close()
    # tables and csv name a clause as the policy does; json keeps the catalog id (clause_id)
    words = [("clause", "条款") if k == "clause_id" else (k, t) for k, t in ENTITLEMENT_COLUMNS]
    if args.format == "table":
        cols = [
            c
            for c in words
            if c[0] not in ("explanation", "amount_fen", "person_id_masked", "basis", "instalment_id")
        ]
        rows = [
            {**asdict(line), "amount": format_yuan(line.amount_fen), "clause": _clause_words(line)}
            for line in lines
        ]
        emit(rows, "table", [*cols[:-2], ("amount", "金额（元）"), *cols[-2:], ("basis", "依据")])
        total = sum(line.amount_fen for line in lines if line.state != "已取消")
        print(f"合计 {len(lines)} 行，金额 {format_yuan(total)} 元（不含已取消）")
    elif args.format == "csv":  # money in 元 (a spreadsheet reads 分 as 元, 100× off)
        rows = [
            {
                **asdict(line),
                "amount_yuan": yuan_plain(line.amount_fen),
                "clause": _clause_words(line),
                "explanation": "\n".join(
                    plain_clauses(plain_rules(x)) for x in line.explanation.splitlines()
                ),
            }
            for line in lines
        ]
        emit(rows, "csv", [("amount_yuan", "金额（元）") if k == "amount_fen" else (k, t) for k, t in words])
    else:  # json keeps 分, named so
        emit(lines, args.format, ENTITLEMENT_COLUMNS)
    return EXIT_OK


def _clause_words(line: Any) -> str:
    return f"{line.article}{line.clause_title}" if line.clause_title else line.clause_id


def yuan_plain(fen: int) -> str:
    """元 with two decimals and no separators, as a spreadsheet reads a number: 300000.00."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


@command("policy")
def cmd_policy(args: argparse.Namespace) -> int:
    from kjdesk.policy import catalog

    if args.action == "check":
        problems = catalog.check_file(args.file)
        for p in problems:
            sys.stderr.write(f"{args.file}:{p.line}: {p.clause_id or '-'}: {p.message}\n")
        if problems:
            sys.stderr.write(f"共 {len(problems)} 个问题\n")
            return EXIT_USER
        print(f"{args.file}：检查通过")
        return EXIT_OK
    policies = catalog.builtin_policies()
    if args.action == "list":
        rows = [
            {
                "id": c.id,
                "article": c.article,
                "title": c.title,
                "form": c.form.value,
                "amount": _clause_amount(c),
                "wording": c.payment_wording,
                "city": p.document.city,
            }
            for p in policies
            if not args.city or p.document.city == args.city
            for c in p.clauses
        ]
        emit(
            rows,
            args.format,
            [
                ("id", "条款编号"),
                ("article", "条"),
                ("title", "名称"),
                ("form", "形式"),
                ("amount", "金额"),
                ("wording", "支持方式"),
            ],
        )
        return EXIT_OK
    for p in policies:
        for c in p.clauses:
            if c.id == args.clause_id:
                _print_clause(p, c)
                return EXIT_OK
    raise UserError(f"找不到条款“{args.clause_id}”（可用 kjdesk policy list 查看全部条款）")


def _clause_amount(c: Any) -> str:
    from kjdesk.money import format_wan_short

    parts = []
    if c.amount_fen is not None:
        parts.append(
            ("不低于" if c.is_floor else "")
            + format_wan_short(c.amount_fen)
            + ("/年" if c.years is not None else "")
        )
    if c.years:
        parts.append(f"连续{c.years}年")
    if c.rate is not None:
        parts.append(f"{c.rate * 100:g}%")
    if c.tiers:
        parts.append("/".join(f"{t.rate * 100:g}%" for t in c.tiers))
    if c.step_amount_fen is not None:
        parts.append(f"每档{format_wan_short(c.step_amount_fen)}")
    if c.cap_fen is not None:
        parts.append(f"上限{format_wan_short(c.cap_fen)}")
    if c.entered:
        parts.append("录入金额")
    return "，".join(parts) or "—"


def _print_clause(policy: Any, c: Any) -> None:
    from kjdesk.policy.model import form_label
    from kjdesk.services.entitlements.rule_words import plain_rules

    doc = policy.document
    print(f"{c.id}  {c.article}{c.title}")
    print(f"政策：{doc.title}（{doc.doc_number}，{doc.effective.isoformat()} 起施行）")
    print(
        f"形式：{form_label(c)}（{c.form.value}）；金额：{_clause_amount(c)}；支持方式：{c.payment_wording or '—'}"
    )
    print(f"原文：“{c.quote}”")
    if c.exclusion_group:
        print(f"从新从高不重复分组：{c.exclusion_group}")
    for line in c.readings:
        print(plain_rules(line))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    window = window_args(argv)
    if window is not None:  # the window first: SQLAlchemy and the services load behind it
        from kjdesk.ui.app import run_gui

        return run_gui(window)

    import sqlite3
    from pathlib import Path

    from sqlalchemy.exc import DBAPIError, OperationalError

    from kjdesk.cli.access import command_path, need_of, precheck
    from kjdesk.faults import Fault, describe_db_error, describe_os_error
    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.safety.startup import DatabaseLocked, NotAKjdeskDatabase, SchemaTooNew

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from kjdesk.ui.app import run_gui

        return run_gui(args)
    try:
        args.path = command_path(parser, args)
        args.need = need_of(args.path, args)
        precheck(args)  # a command that writes: signed in, or stopped here
        return COMMANDS[args.command](args)
    except (UserError, ServiceError, SchemaTooNew, NotAKjdeskDatabase, DatabaseLocked) as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return EXIT_USER
    except IsADirectoryError as exc:
        sys.stderr.write(f"错误：{exc.filename or exc} 是一个文件夹，请写出文件名\n")
        return EXIT_USER
    except BrokenPipeError:  # the output went to `head` or a closed pager: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Fault as exc:  # a fault of the machine, already told in Chinese
        sys.stderr.write(f"错误：{exc}\n")
        return EXIT_USER
    except FileNotFoundError as exc:
        folder = Path(exc.filename).parent if isinstance(exc.filename, str) else None
        if folder is not None and str(folder) not in ("", ".") and not folder.exists():
            sys.stderr.write(f"错误：{describe_os_error(exc)}\n")
        else:
            sys.stderr.write(f"错误：找不到文件 {exc.filename or exc}\n")
        return EXIT_USER
    except OSError as exc:  # a full disk, a read-only or locked file, a network share gone
        sys.stderr.write(f"错误：{describe_os_error(exc)}\n")
        return EXIT_USER
    except (DBAPIError, sqlite3.Error) as exc:  # a full disk under the database, a server gone away
        told = describe_db_error(exc)
        if told is None and isinstance(exc, OperationalError):  # cannot reach the server, a locked file
            told = (
                f"无法打开数据库（{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}）。"
                "请检查数据库地址、网络和账号。"
            )
        if told is None:
            return _internal_error()
        sys.stderr.write(f"错误：{told}\n")
        return EXIT_USER
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        return EXIT_USER
    except Exception:  # the last line of defence: report, never a silent failure
        return _internal_error()


def _internal_error() -> int:
    sys.stderr.write("内部错误（请把以下信息发给维护人员）：\n")
    traceback.print_exc()
    return EXIT_INTERNAL
