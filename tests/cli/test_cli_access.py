"""One sign-in rule for every door: the whole command table, walked from the parser itself.

Every leaf command of ``kjdesk`` is run with plausible arguments (each optional flag in turn
too, so ``entitlements --recompute`` and ``import FILE`` are covered): a command that writes
must be refused without a signed-in officer, before it changes anything, and refused for a
role the window refuses; a command that only reads must leave the database as it was. A
command added later is walked automatically (and, absent from ``cli_access.NEEDS``, needs a
signed-in officer).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
from pathlib import Path

import pytest

from kjdesk.cli import build_parser, main
from kjdesk.cli.access import NEEDS, command_path, need_of
from kjdesk.services.core.roles import ACTS, ROLES
from tests.cli.conftest import PASSWORD, add_officers


def _leaves(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if sub is None or not sub.required:  # ``letters`` runs bare too
        yield prefix, parser
    if sub is not None:
        for name, child in sub.choices.items():
            yield from _leaves(child, (*prefix, name))


def _value(action: argparse.Action, tmp: Path) -> str:
    if action.choices:
        return str(next(iter(action.choices)))
    if action.dest in ("source", "target"):  # db copy: from the bureau's own database
        return str(tmp / ("k.sqlite" if action.dest == "source" else "copy.sqlite"))
    kind = getattr(action.type, "__name__", "")
    if action.type is int or kind in ("_ids",):
        return "1"
    if "date" in kind:
        return "2025-06-01"
    if "yuan" in kind:
        return "100"
    if "path" in kind or action.dest in ("file", "output"):
        return str(tmp / ("x.xlsx" if action.dest == "output" else "x.sqlite"))
    return "值1"


def _argv(path: tuple[str, ...], parser: argparse.ArgumentParser, tmp: Path, flag: str | None) -> list[str]:
    argv = list(path)
    positionals = [
        a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)
    ]
    for a in positionals:
        if a.dest != "help":
            argv.append(_value(a, tmp))
    grouped = {id(a) for g in parser._mutually_exclusive_groups for a in g._group_actions}
    for a in parser._actions:
        if a.option_strings and a.required and id(a) not in grouped:
            argv += [a.option_strings[-1], _value(a, tmp)]
    for g in parser._mutually_exclusive_groups:
        if g.required:
            a = g._group_actions[0]
            argv.append(a.option_strings[-1])
            if a.nargs != 0:
                argv.append(_value(a, tmp))
    if flag:
        argv.append(flag)
    return argv


def _variants(parser: argparse.ArgumentParser) -> list[str | None]:
    grouped = {id(a) for g in parser._mutually_exclusive_groups for a in g._group_actions}
    flags = [
        a.option_strings[-1]
        for a in parser._actions
        if a.option_strings
        and a.nargs == 0
        and not a.required
        and id(a) not in grouped
        and a.dest not in ("help", "version", "demo", "smoke_test")
    ]
    return [None, *flags]


def _every_command(tmp: Path) -> list[list[str]]:
    parser = build_parser()
    out = []
    for path, leaf in _leaves(parser):
        if not path:
            continue
        for flag in _variants(leaf):
            out.append(_argv(path, leaf, tmp, flag))
    return out


def _state(db: Path) -> str:
    """Everything in the database but its audit anchor files: the rows of every table."""
    con = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()


@pytest.fixture
def bureau(tmp_path, capsys):
    db = tmp_path / "k.sqlite"
    assert main(["--db", str(db), "init", "--city", "baotou"]) == 0
    add_officers(db, ("jb", "经办人"), ("fh", "复核人"))
    capsys.readouterr()
    return db


def _parsed(argv: list[str]) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.path = command_path(parser, args)
    return args


def test_the_table_names_every_command_the_parser_has(tmp_path):
    paths = {_parsed(argv).path for argv in _every_command(tmp_path)}
    assert paths - set(NEEDS) == set(), "a command missing from cli_access.NEEDS (it then needs sign-in)"
    assert {"restore", "year close", "year reopen", "people-reveal", "letters void", "backups keep"} <= {
        p for p, n in NEEDS.items() if n is not None
    }


def test_no_writing_command_runs_without_a_signed_in_officer(bureau, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("值1", "a-new-password")  # --new-password-env 值1: the new account's password is there
    writing = reading = 0
    for argv in _every_command(tmp_path):
        args = _parsed(argv)
        need = need_of(args.path, args)
        before = _state(bureau)
        try:
            code = main(["--db", str(bureau), *argv])
        except SystemExit as stop:  # an argument the parser itself refuses
            code = stop.code
        err = capsys.readouterr().err
        assert _state(bureau) == before, f"kjdesk {' '.join(argv)} changed the database without signing in"
        if need is not None:
            writing += 1
            assert code == 1 and "须以账号登录" in err, (argv, err)
        else:
            reading += 1
    assert writing >= 25 and reading >= 20


def test_a_wrong_role_is_refused_for_every_writing_command(bureau, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("值1", "a-new-password")
    refused = 0
    for argv in _every_command(tmp_path):
        args = _parsed(argv)
        need = need_of(args.path, args)
        if need is None:
            continue
        wrong = [r for r in ROLES if r not in ACTS[need.act]]
        if not wrong:
            continue
        user = {"经办人": "jb", "复核人": "fh", "管理员": "admin"}[wrong[0]]
        before = _state(bureau)
        code = main(["--db", str(bureau), "--user", user, *argv])
        err = capsys.readouterr().err
        assert code == 1 and "无权" in err, (argv, err)
        assert _state(bureau) == before
        refused += 1
    assert refused >= 10  # propose, approve, return, accept, pay, reverse, restore, year, officers …


def test_user_without_the_right_password_is_refused_even_for_reading(bureau, capsys, monkeypatch):
    monkeypatch.setenv("KJDESK_PASSWORD", "not-the-password")
    assert main(["--db", str(bureau), "--user", "admin", "units", "list"]) == 1
    assert "用户名或密码不正确" in capsys.readouterr().err
    monkeypatch.delenv("KJDESK_PASSWORD")
    assert main(["--db", str(bureau), "--user", "fh", "year", "list"]) == 1
    assert "缺少账号“fh”的密码" in capsys.readouterr().err
    monkeypatch.setenv("FH_PW", PASSWORD)
    assert main(["--db", str(bureau), "--user", "fh", "--password-env", "FH_PW", "year", "list"]) == 0


def test_the_audit_actor_is_the_signed_in_officer(bureau, capsys):
    assert main(["--db", str(bureau), "--user", "admin", "year", "close", "2024"]) == 0
    capsys.readouterr()
    assert main(["--db", str(bureau), "audit", "list", "--entity", "closed_year", "--format", "json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert [(r["actor"], r["action"]) for r in rows] == [("admin", "关闭年度")]


def test_before_any_account_only_init_the_first_admin_and_reading(tmp_path, capsys, monkeypatch):
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "init", "--city", "wuhai"]) == 0
    assert main(["--db", str(db), "year", "close", "2024"]) == 1
    assert "尚无任何账号时，请先创建第一个管理员" in capsys.readouterr().err
    assert main(["--db", str(db), "units", "list"]) == 0
    monkeypatch.setenv("NEWPW", "first-admin-1")
    assert (
        main(["--db", str(db), "officers", "add", "boss", "--role", "管理员", "--new-password-env", "NEWPW"])
        == 0
    )
    # now init, too, is the 管理员's
    assert main(["--db", str(db), "init", "--city", "wuhai", "--bureau-name", "乌海市科技局"]) == 1
    assert "须以账号登录" in capsys.readouterr().err
    monkeypatch.setenv("KJDESK_PASSWORD", "first-admin-1")
    assert (
        main(["--db", str(db), "--user", "boss", "init", "--city", "wuhai", "--bureau-name", "乌海市科技局"])
        == 0
    )


def test_a_reset_forces_a_change_of_password_first(bureau, capsys, monkeypatch):
    monkeypatch.setenv("NEWPW", "reset-pass-1")
    assert (
        main(
            [
                "--db",
                str(bureau),
                "--user",
                "admin",
                "officers",
                "reset-password",
                "jb",
                "--new-password-env",
                "NEWPW",
            ]
        )
        == 0
    )
    monkeypatch.setenv("KJDESK_PASSWORD", "reset-pass-1")
    assert main(["--db", str(bureau), "--user", "jb", "plan", "--year", "2025"]) == 1
    assert "须先修改密码" in capsys.readouterr().err
    monkeypatch.setenv("NEWPW", "my-own-pass-2")
    assert (
        main(["--db", str(bureau), "--user", "jb", "officers", "passwd", "--new-password-env", "NEWPW"]) == 0
    )
    monkeypatch.setenv("KJDESK_PASSWORD", "my-own-pass-2")
    assert main(["--db", str(bureau), "--user", "jb", "plan", "--year", "2025"]) == 0
