"""The README matches the program: the account step, every command of the parser, its sign-in."""

from __future__ import annotations

import argparse
from pathlib import Path

from kjdesk.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_every_command_and_the_sign_in():
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = [
        name for name in commands.choices if f"kjdesk {name}" not in README and f"| {name}" not in README
    ]
    assert missing == []
    assert "--user" in README and "KJDESK_PASSWORD" in README and "--password-env" in README


def test_the_readme_tells_the_account_step_and_the_demo_accounts():
    from kjdesk.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    assert "管理员账号" in README and "经办人" in README and "复核人" in README
    assert DEMO_PASSWORD in README and all(login in README for login, _n, _r in DEMO_ACCOUNTS)
    assert "不会新建空文件" in README
