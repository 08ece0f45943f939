"""Who may run which command: one sign-in rule for every door of the command line.

Once any officer account exists, every command that changes data, issues or voids documents,
restores, closes or reopens years, or reveals personal data runs as a signed-in officer:
``--user NAME`` with the password from ``KJDESK_PASSWORD`` (or the variable named by
``--password-env``), or asked on the terminal when stdin is one. The role required is the
one the window requires for the same act (services/core/roles.py); the audit actor is the
officer. ``--user`` with a wrong or missing password is refused, whatever the command.
Listings stay open (ID numbers masked). Before any account exists only ``init``, creating
the first 管理员 and reading are possible.

``NEEDS`` names every command; a command missing from it (a new one) needs a signed-in
officer, so nothing new is ever open by mistake. ``tests/cli/test_cli_access.py`` walks the
whole parser and proves it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

from kjdesk.cli.errors import UserError

PASSWORD_ENV = "KJDESK_PASSWORD"
NOT_SIGNED_IN = "未登录"


@dataclass(frozen=True)
class Need:
    """A command that writes: the act it performs (services/roles.ACTS)."""

    act: str
    when: Callable[[argparse.Namespace], bool] | None = None  # writes only when this holds
    before_accounts: bool = False  # allowed while no account exists (init, the first 管理员)

    def applies(self, args: argparse.Namespace) -> bool:
        return self.when is None or bool(self.when(args))


def _flag(name: str, value: bool = True) -> Callable[[argparse.Namespace], bool]:
    return lambda a: bool(getattr(a, name, False)) is value


NEEDS: dict[str, Need | None] = {
    "init": Need("accounts", before_accounts=True),
    "units list": None,
    "people list": None,
    "people-reveal": Need("reveal"),
    "entitlements": Need("edit", when=_flag("recompute")),
    "policy list": None,
    "policy show": None,
    "policy check": None,
    "import": Need("edit", when=lambda a: a.file is not None and not (a.dry_run or a.history)),
    "imports list": None,
    "template": None,
    "plan": None,
    "propose": Need("propose"),
    "approve": Need("review"),
    "return": Need("review"),
    "accept": Need("review"),
    "batches": None,
    "pay": Need("pay"),
    "reverse": Need("pay"),
    "payments": None,
    "cancel": Need("cancel"),
    "report": None,
    "officers add": Need("accounts", before_accounts=True),
    "officers list": None,
    "officers reset-password": Need("accounts"),
    "officers passwd": Need("own_password"),
    "receipts add": Need("edit"),
    "receipts done": Need("edit"),
    "receipts list": None,
    "calendar day": Need("edit"),
    "calendar confirm": Need("edit"),
    "reminders": None,
    "letters": Need("edit", when=_flag("no_issue", False)),
    "letters list": None,
    "letters void": Need("edit"),
    "letters reprint": None,
    "backup": Need("backup"),
    "restore": Need("restore"),
    "backups list": None,
    "backups keep": Need("backup_settings"),
    "audit verify": None,
    "audit list": None,
    "audit export": None,
    "year close": Need("years"),
    "year reopen": Need("years"),
    "year list": None,
    "db copy": Need("copy_database"),
    "answers list": None,
    "answers add-name": Need("edit"),
    "answers add-title": Need("edit"),
    "answers change": Need("edit"),
    "answers delete": Need("edit"),
    "conditions set": Need("edit"),
    "facts to-verify": None,
    "facts confirm": Need("edit"),
    "recognitions missing": None,
    "recognitions evidence": Need("edit"),
    "letters test-print": None,
    "settings": None,
    "settings list": None,
    "settings set": Need("edit"),
    "settings fonts": None,
    "decisions add": Need("propose"),  # the 经办人 records the meeting's decision the amounts rest on
    "decisions list": None,
    "amounts enter": Need("propose"),  # the 复核人 approves what a 经办人 entered (maker–checker)
    "amounts allocation": Need("propose"),
    "budget set": Need("edit"),  # as in the window (services.disbursement.budgets.set_budget)
    "budget show": None,
}
UNKNOWN = Need("edit")  # a command not in NEEDS writes until shown otherwise


def command_path(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """``officers add``, ``letters``, ``people-reveal``: the sub-commands chosen, by name."""
    parts: list[str] = []
    p = parser
    while True:
        sub = next((a for a in p._actions if isinstance(a, argparse._SubParsersAction)), None)
        name = getattr(args, sub.dest, None) if sub is not None else None
        if sub is None or name is None:
            break
        if name not in sub.choices:  # a sub-command that renamed itself (people reveal → people-reveal)
            return name
        parts.append(name)
        p = sub.choices[name]
    return " ".join(parts)


def need_of(path: str, args: argparse.Namespace) -> Need | None:
    need = NEEDS.get(path, UNKNOWN)
    return need if need is not None and need.applies(args) else None


SIGN_IN_HINT = "请加 --user 用户名，密码放在环境变量 {var} 中（或用 --password-env 指定变量名；在终端中运行时会提示输入）"


def precheck(args: argparse.Namespace) -> None:
    """Before anything is opened: a writing command without ``--user`` stops here."""
    need = getattr(args, "need", None)
    if need is None or need.before_accounts or args.user:
        return
    var = args.password_env or PASSWORD_ENV
    raise UserError(
        "此操作须以账号登录：" + SIGN_IN_HINT.format(var=var) + "。"
        "尚无任何账号时，请先创建第一个管理员：kjdesk officers add 用户名 --role 管理员 --new-password-env 变量名"
    )


def read_password(args: argparse.Namespace, user: str) -> str:
    var = args.password_env or PASSWORD_ENV
    password = os.environ.get(var)
    if password is None:
        if sys.stdin is not None and sys.stdin.isatty():
            password = getpass.getpass(f"账号“{user}”的密码：")
        else:
            raise UserError(
                f"缺少账号“{user}”的密码：请把密码放在环境变量 {var} 中（或在终端中运行，以便输入密码）"
            )
    if not password:
        raise UserError(f"账号“{user}”的密码为空")
    return password


def authenticate(args: argparse.Namespace, app):  # noqa: ANN001, ANN201 - App
    """The ``App`` the command runs as: the signed-in officer, or an anonymous reader.

    Raises ``UserError`` (the ``app`` is left open: the caller closes it)."""
    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.core.officers import has_officers, must_change_password, sign_in
    from kjdesk.services.core.roles import allowed, refusal

    need: Need | None = getattr(args, "need", None)
    user = (args.user or "").strip()
    if user:
        try:
            signed = sign_in(app, user, read_password(args, user), record=False)
        except ServiceError as exc:
            raise UserError(f"登录失败：{exc}") from exc
        if must_change_password(signed) and getattr(args, "path", "") != "officers passwd":
            raise UserError(
                f"账号“{signed.actor}”的密码已由管理员重置，须先修改密码："
                f"kjdesk --user {signed.actor} officers passwd --new-password-env 新密码变量名"
            )
        if need is not None and not allowed(signed.role, need.act):
            raise UserError(refusal(signed.actor, signed.role, need.act))
        return signed
    anonymous = replace(app, actor="命令行", role=NOT_SIGNED_IN, extra=dict(app.extra))
    if need is None:
        return anonymous
    if need.before_accounts and not has_officers(app):
        return anonymous
    precheck(argparse.Namespace(**{**vars(args), "need": replace(need, before_accounts=False)}))
    raise AssertionError("unreachable")  # pragma: no cover


def signed_in_file(args: argparse.Namespace, db) -> str:  # noqa: ANN001 - a file or URL
    """Check ``--user`` against the accounts of another database (a backup to restore, the
    source of a copy); return the officer's name. Its role must allow the command."""
    from pathlib import Path

    from kjdesk.services.core.app import App
    from kjdesk.services.safety.startup import Database, database_url

    url = database_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise UserError(f"源数据库文件 {db} 不存在")
    try:
        database = Database.open(db, migrate=False)
    except Exception as exc:  # noqa: BLE001 - an unreadable file: the command's own check says why
        raise UserError(f"无法读取 {db} 中的账号，不能登录：{exc}") from exc
    app = App(database, read_only=True)
    try:
        return authenticate(args, app).actor
    finally:
        app.close()
