"""Command line for data safety: backups, restore, the audit log, year-end close, ID reveal.

``kjdesk backup [-o FILE]``, ``kjdesk restore FILE``, ``kjdesk backups list``,
``kjdesk audit verify | list | export -o FILE.xlsx``, ``kjdesk year close Y | reopen Y --reason …
| list``, ``kjdesk people reveal ID --reason …``. Commands that only read open the database
read-only (they work while a colleague's window holds it); commands that write take the
writer lock and refuse, naming the holder, when another kjdesk has it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from kjdesk.cli.core import (
    EXIT_OK,
    EXIT_USER,
    ChineseArgumentParser,
    UserError,
    command,
    emit,
    output_arg,
    path_arg,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 YYYY-MM-DD") from exc


def add_parsers(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("backup", help="立即备份数据库（默认存入数据库旁的 backups 文件夹）")
    b.add_argument("-o", "--output", type=path_arg, help="备份到此文件（或文件夹）")

    r = sub.add_parser("restore", help="用备份文件恢复数据库（先检查文件，并先备份当前数据库）")
    r.add_argument("file", type=path_arg)
    r.add_argument(
        "--override-reason",
        default="",
        help="备份的审计记录校验未通过时，管理员强制恢复的原因（记入两个数据库的审计日志）",
    )

    bs = sub.add_parser("backups", help="自动备份")
    bs_sub = bs.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    bl = bs_sub.add_parser("list", help="列出 backups 文件夹中的备份（最新在前）")
    bl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    bk = bs_sub.add_parser("keep", help="设置保留的自动备份份数（默认 30）")
    bk.add_argument("count", type=int)

    a = sub.add_parser("audit", help="审计日志")
    a_sub = a.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    a_sub.add_parser("verify", help="校验审计链，指出第一条被改动或删除的事件")
    for name, helptext in (("list", "列出审计事件（最新在前）"), ("export", "导出审计事件到 Excel")):
        p = a_sub.add_parser(name, help=helptext)
        p.add_argument("--officer", help="操作人（账号）")
        p.add_argument("--entity", help="对象类型，如 单位、人员、拨付记录（或 unit、person、payment）")
        p.add_argument("--action", dest="event_action", help="操作，如 新增、修改、删除")
        p.add_argument("--from", dest="date_from", type=_date, help="起始日期 YYYY-MM-DD")
        p.add_argument("--to", dest="date_to", type=_date, help="截止日期 YYYY-MM-DD（含）")
        if name == "list":
            p.add_argument("--format", choices=["table", "csv", "json"], default="table")
            p.add_argument("--limit", type=int, help="最多列出多少条")
        else:
            p.add_argument("-o", "--output", required=True, type=output_arg, help="保存为 .xlsx 文件")

    y = sub.add_parser("year", help="年度结账（关闭后该年度的拨付记录和通知书只读）")
    y_sub = y.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    yc = y_sub.add_parser("close", help="关闭年度（管理员）")
    yc.add_argument("year", type=int)
    yr = y_sub.add_parser("reopen", help="重新开启年度（管理员，须填写原因）")
    yr.add_argument("year", type=int)
    yr.add_argument("--reason", required=True, help="重新开启的原因（记入审计日志）")
    y_sub.add_parser("list", help="列出已关闭的年度")

    _add_people_reveal(sub)


def _add_people_reveal(sub: argparse._SubParsersAction) -> None:
    """``kjdesk people reveal ID --reason …``: added to the ``people`` command of cli.py."""
    people = sub.choices.get("people")
    if people is None:
        people = sub.add_parser("people", help="人员名录（身份证号已遮盖）")
        people.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    actions = next(a for a in people._actions if isinstance(a, argparse._SubParsersAction))
    rv = actions.add_parser("reveal", help="显示某人的完整身份证号（须填写用途，记入审计日志）")
    rv.add_argument("person_id", type=int, help="人员编号")
    rv.add_argument("--reason", required=True, help="查看用途")
    rv.set_defaults(command="people-reveal")


# --- Opening ---------------------------------------------------------------------------------


def _open(args: argparse.Namespace, *, write: bool):  # noqa: ANN202 - App
    """Read-only for commands that only read; the writer lock for commands that write.
    Signed in as the command requires (cli_access)."""
    from kjdesk.cli.access import authenticate
    from kjdesk.services.safety.startup import DatabaseLocked, open_checked, sign_lock

    try:
        app = open_checked(args.db, actor="命令行", read_only=not write, heartbeat=write)
    except DatabaseLocked as exc:
        raise UserError(str(exc)) from exc
    try:
        signed = authenticate(args, app)
    except BaseException:
        app.close()
        raise
    if write and signed.role != "未登录":
        sign_lock(signed)
    return signed


def _sqlite_file(args: argparse.Namespace) -> Path | None:
    from kjdesk.services.core.app import default_db_path
    from kjdesk.services.safety.startup import database_url

    url = database_url(args.db or default_db_path())
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


# --- Backups -----------------------------------------------------------------------------------


@command("backup")
def cmd_backup(args: argparse.Namespace) -> int:
    from kjdesk.services.safety.backups import backup_checked

    app = _open(args, write=False)
    try:
        made = backup_checked(app, args.output)
    finally:
        app.close()
    path = made.path
    print(f"已备份到 {path}（{path.stat().st_size / 1024 / 1024:.1f} MB）")
    if made.problems:
        sys.stderr.write("!" * 60 + "\n" + made.warning + "\n" + "!" * 60 + "\n")
    return EXIT_OK


@command("restore")
def cmd_restore(args: argparse.Namespace) -> int:
    from kjdesk.cli.access import signed_in_file
    from kjdesk.services.safety.backups import check_backup, restore
    from kjdesk.services.safety.startup import DatabaseDamaged, recover_from_backup

    target = _sqlite_file(args)
    if target is not None and not target.exists():  # a new PC: never create an empty database first
        check_backup(args.file)
        actor = signed_in_file(args, args.file)  # a 管理员 of the data being brought in
        recover_from_backup(target, args.file, actor, args.override_reason)
        print(f"已用 {args.file} 恢复数据库 {target}")
        return EXIT_OK
    try:
        app = _open(args, write=True)
    except DatabaseDamaged as exc:  # the very case restore is for: set the damaged file aside
        check_backup(args.file)
        actor = signed_in_file(args, args.file)
        aside = recover_from_backup(exc.path, args.file, actor, args.override_reason)
        print(f"已用 {args.file} 恢复数据库；损坏的文件已移至 {aside}（未删除）")
        return EXIT_OK
    try:
        result = restore(app, args.file, override_reason=args.override_reason)
    finally:
        app.close()
    print(f"已用 {result.restored_from} 恢复数据库（结构版本 {result.revision}）")
    print(f"被替换的数据库已备份为 {result.previous_backup}")
    return EXIT_OK


BACKUP_COLUMNS = [
    ("made_at", "备份时间"),
    ("reason_label", "类型"),
    ("size_mb", "大小（MB）"),
    ("path", "文件"),
]


@command("backups")
def cmd_backups(args: argparse.Namespace) -> int:
    from kjdesk.services.safety.backups import keep_count, list_backups, set_backup_keep

    if args.action == "keep":
        app = _open(args, write=True)
        try:
            set_backup_keep(app, args.count)
        finally:
            app.close()
        print(f"今后保留最新的 {args.count} 份自动备份")
        return EXIT_OK
    app = _open(args, write=False)
    try:
        rows, keep = list_backups(app), keep_count(app)
    finally:
        app.close()
    emit(
        [
            {
                "made_at": f"{r.made_at:%Y-%m-%d %H:%M:%S}",
                "reason_label": r.reason_label,
                "size_mb": f"{r.size / 1024 / 1024:.1f}",
                "path": str(r.path),
            }
            for r in rows
        ],
        args.format,
        BACKUP_COLUMNS,
    )
    if args.format == "table":
        print(f"共 {len(rows)} 份，保留最新 {keep} 份")
    return EXIT_OK


# --- Audit -------------------------------------------------------------------------------------

AUDIT_COLUMNS = [
    ("id", "编号"),
    ("at", "时间"),
    ("actor", "操作人"),
    ("action", "操作"),
    ("entity_label", "对象"),
    ("entity_id", "对象编号"),
    ("before", "修改前"),
    ("after", "修改后"),
]


def _filter(args: argparse.Namespace):  # noqa: ANN202 - AuditFilter
    from kjdesk.services.safety.audit_log import ENTITY_LABELS, AuditFilter

    by_label = {label: code for code, label in ENTITY_LABELS.items()}
    entity = by_label.get(args.entity, args.entity)  # 人员 or person
    return AuditFilter(args.officer, entity, args.event_action, args.date_from, args.date_to)


@command("audit")
def cmd_audit(args: argparse.Namespace) -> int:
    from kjdesk.services.safety.audit_log import export_audit, filtered, verify_audit

    app = _open(args, write=False)
    try:
        if args.action == "verify":
            return _verify(app, verify_audit(app))
        if args.action == "export":
            n = export_audit(app, args.output, _filter(args))
            print(f"已导出 {n} 条审计事件到 {args.output}")
            return EXIT_OK
        rows = filtered(app, _filter(args), args.limit)
    finally:
        app.close()
    if args.format == "table":
        shown = [{**r.__dict__, "at": f"{r.at:%Y-%m-%d %H:%M:%S}"} for r in rows]
        emit(shown, "table", AUDIT_COLUMNS[:6])
    else:
        emit(
            [{**r.__dict__, "at": r.at.isoformat(timespec="seconds")} for r in rows],
            args.format,
            AUDIT_COLUMNS,
        )
    return EXIT_OK


def _verify(app, broken) -> int:  # noqa: ANN001 - App, ChainBreak | None
    from kjdesk.services.safety.audit_log import describe_event, event_count

    if broken is None:
        from kjdesk.services.safety.audit_anchor import chain_head

        print(
            f"审计链完整：共 {event_count(app)} 条事件，逐条校验通过；资金记录与审计记录一致；链头 {chain_head(app).short}"
        )
        return EXIT_OK
    sys.stderr.write(f"审计链校验未通过：{broken.reason}\n")
    for more in broken.details[1:]:
        sys.stderr.write(f"　　另：{more}\n")
    described = describe_event(app, broken.event_id) if "审计事件" in broken.reason else None
    if described is not None:
        sys.stderr.write(f"该事件现记录为：{described}\n")
    return EXIT_USER


# --- Year-end close and personal data ------------------------------------------------------------


@command("year")
def cmd_year(args: argparse.Namespace) -> int:
    from kjdesk.services.disbursement.years import close_year, list_closed_years, reopen_year

    if args.action == "list":
        app = _open(args, write=False)
        try:
            rows = list_closed_years(app)
        finally:
            app.close()
        emit(
            [
                {"year": r.year, "closed_by": r.closed_by, "closed_at": f"{r.closed_at:%Y-%m-%d %H:%M}"}
                for r in rows
            ],
            "table",
            [("year", "年度"), ("closed_by", "关闭人"), ("closed_at", "关闭时间")],
        )
        return EXIT_OK
    app = _open(args, write=True)
    try:
        if args.action == "close":
            close_year(app, args.year)
            print(f"{args.year} 年度已关闭：该年度的拨付记录和通知书今后只读")
        else:
            reopen_year(app, args.year, args.reason)
            print(f"{args.year} 年度已重新开启（原因：{args.reason.strip()}），已记入审计日志")
    finally:
        app.close()
    return EXIT_OK


@command("people-reveal")
def cmd_people_reveal(args: argparse.Namespace) -> int:
    from kjdesk.services.core.privacy import reveal_id_number

    app = _open(args, write=True)
    try:
        number = reveal_id_number(app, args.person_id, args.reason)
    finally:
        app.close()
    print(number)
    return EXIT_OK
