"""What every command-line module shares: the command registry, the Chinese argument
parser, opening the database, printing rows. ``cli.py`` builds the parser and dispatches;
the ``cli_*`` modules define their sub-commands with these pieces.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kjdesk.cli.errors import UserError as UserError  # every command module takes it from here

EXIT_OK, EXIT_USER, EXIT_INTERNAL = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}


# argparse's own words (Python 3.11), as an officer reads them. argparse looks ``_`` and
# ``ngettext`` up at call time, so replacing them translates usage, help and every error.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "expected one argument": "须跟一个值",
    "expected at most one argument": "最多跟一个值",
    "expected at least one argument": "至少跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”无效（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令“%(parser_name)s”（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
TYPE_NAMES = {"int": "整数", "float": "数字", "str": "文字"}


def _zh(text: str) -> str:
    return ARGPARSE_ZH.get(text, text)


def _zh_n(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return "须跟 %s 个值"
    return singular if n == 1 else plural


def install_argparse_chinese() -> None:
    """Make argparse speak Chinese (usage, section titles, -h, every error message)."""
    argparse._ = _zh  # type: ignore[attr-defined]
    argparse.ngettext = _zh_n  # type: ignore[attr-defined]


# What an option means when its module gave no help text: every option has Chinese help.
DEFAULT_HELP = {
    "year": "年度，如 2025",
    "format": "输出格式：table（表格，默认）、csv（Excel 可直接打开）或 json",
    "city": "城市：baotou（包头）或 wuhai（乌海）",
    "batch": "报批批次编号",
    "instalment": "拨付计划编号",
    "reason": "原因（必填，记入审计日志）",
    "date": "日期，如 2025-09-26",
    "file": "文件路径",
    "clause_id": "条款编号（可用 kjdesk policy list 查看）",
    "count": "保留的份数",
    "day": "日期，如 2025-10-08",
    "kind": "报表种类",
    "note": "说明",
    "off": "这一天放假",
    "work": "这一天上班（调休）",
    "receipt": "到账记录编号",
    "role": "角色：经办人、复核人或管理员",
    "stage": "资金批次（如 第一批）",
    "username": "账号的用户名",
    "amount_yuan": "金额（元），如 300000 或 30万",
    "output": "输出文件",
    "user": "以哪个账号执行",
}


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse in Chinese: its own messages translated, help on every option, errors exit 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install_argparse_chinese()
        super().__init__(*args, **kwargs)

    def _add_action(self, action: argparse.Action) -> argparse.Action:
        if action.help is None and not isinstance(action, argparse._SubParsersAction):
            action.help = DEFAULT_HELP.get(action.dest)
        return super()._add_action(action)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            name = getattr(action.type, "__name__", "")
            if name in TYPE_NAMES:
                raise argparse.ArgumentError(action, f"“{arg_string}”不是{TYPE_NAMES[name]}") from exc
            raise

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = "、".join(str(c) for c in action.choices)
            raise argparse.ArgumentError(action, f"“{value}”无效（可选：{choices}）")

    def format_help(self) -> str:
        # section headings ("选项:") end with a full-width colon, as Chinese text does
        return re.sub(r"^(\S[^\n]*?):$", r"\1：", super().format_help(), flags=re.MULTILINE)

    def error(self, message: str) -> None:  # type: ignore[override]
        message = re.sub(
            r"缺少必需的参数：(action|command)$", "缺少要执行的操作（见上面用法中 {…} 所列）", message
        )
        if message.startswith("须给出以下参数之一："):
            head, names = message.split("：", 1)
            message = f"{head}：{' 或 '.join(names.split())}"
        self.print_usage(sys.stderr)
        sys.stderr.write(f"错误：{message}\n（用 {self.prog} -h 查看说明）\n")
        sys.exit(EXIT_USER)


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn

    return register


def open_app(args: argparse.Namespace, *, write: bool = True):  # noqa: ANN201 - App
    """Open the database checked (integrity, schema) and as its one writer, signed in as the
    command requires (``cli_access``: the officer of ``--user``, or an anonymous reader).

    A command that only reads (``write=False``) falls back to read-only when another
    kjdesk holds the database; a writing command then stops with who holds it and since when.
    """
    from kjdesk.cli.access import authenticate
    from kjdesk.services.safety.startup import DatabaseLocked, open_checked, sign_lock

    refuse_missing_database(args)
    try:
        app = open_checked(args.db, actor="命令行", heartbeat=False)
    except DatabaseLocked:
        if write:
            raise
        app = open_checked(args.db, actor="命令行", read_only=True)
    try:
        signed = authenticate(args, app)
    except BaseException:
        app.close()
        raise
    if signed.role != "未登录":
        sign_lock(signed)
    return signed


def refuse_missing_database(args: argparse.Namespace) -> None:
    """Only ``init`` creates a database: any other command on a missing file stops (exit 1), creating nothing."""
    from kjdesk.services.core.app import default_db_path

    if getattr(args, "command", None) == "init":
        return
    db = args.db or default_db_path()
    if "://" in str(db):
        return  # a server: nothing to create by accident
    path = Path(db).expanduser()
    if not path.exists():
        raise UserError(
            f'数据库文件 {path} 不存在：请先用 kjdesk --db "{path}" init --city baotou（或 wuhai）初始化，'
            "或用 --db 指定已有的数据库"
        )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def emit(rows: Sequence[Any], fmt: str, columns: Sequence[tuple[str, str]], out=None) -> None:  # noqa: ANN001
    """Print dataclass rows as an aligned table, CSV (with header labels) or a JSON array."""
    import csv  # here, not at the top: the window starts through this module too
    import io
    import json

    out = out or sys.stdout
    dicts = [asdict(r) if is_dataclass(r) else dict(r) for r in rows]
    if fmt == "json":
        json.dump(
            [{k: _json_value(d[k]) for k, _ in columns} for d in dicts], out, ensure_ascii=False, indent=2
        )
        out.write("\n")
        return
    if fmt == "csv":  # UTF-8 with a BOM: Excel opens it with the Chinese intact on a double-click
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        from kjdesk.safe_text import formula_safe  # a cell a spreadsheet would run gets a leading '

        writer.writerow([label for _, label in columns])
        for d in dicts:
            writer.writerow([formula_safe(_plain(d[k])) for k, _ in columns])
        out.write(buf.getvalue())
        return
    table = [[label for _, label in columns]] + [[str(_plain(d[k])) for k, _ in columns] for d in dicts]
    widths = [max(_width(row[i]) for row in table) for i in range(len(columns))]
    for row in table:
        out.write(
            "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip() + "\n"
        )
    if not dicts:
        out.write("（无记录）\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def path_arg(text: str) -> Path:
    return Path(text).expanduser()


def output_arg(text: str) -> Path:
    """An output file: its folder must exist (said at once, in Chinese, before any work is done)."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"“{path}”是一个文件夹，请写出文件名，如 {path / '报表.xlsx'}")
    folder = path.parent
    if not folder.exists():
        raise argparse.ArgumentTypeError(f"文件夹不存在：{folder}（请先建好该文件夹，或换一个位置）")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"“{folder}”不是文件夹")
    return path
