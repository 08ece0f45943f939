"""What every command-line module shares: the command registry, the Chinese argument
parser, opening the database, printing rows. ``cli.py`` builds the parser and dispatches;
the ``cli_*`` modules define their sub-commands with these pieces.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USER, EXIT_INTERNAL = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}


class UserError(Exception):
    """Raised by a command for a user error; printed in Chinese, exit code 1."""


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        replacements = {
            "the following arguments are required": "缺少必需的参数",
            "invalid choice": "无效的选项",
            "unrecognized arguments": "无法识别的参数",
            "expected one argument": "需要一个参数值",
            "argument": "参数",
            "choose from": "可选",
        }
        for en, zh in replacements.items():
            message = message.replace(en, zh)
        sys.stderr.write(f"错误：{message}\n")
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
    from kjdesk.cli_access import authenticate
    from kjdesk.services.startup import DatabaseLocked, open_checked, sign_lock

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
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([label for _, label in columns])
        for d in dicts:
            writer.writerow([_plain(d[k]) for k, _ in columns])
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
