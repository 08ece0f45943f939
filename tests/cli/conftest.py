"""The command line signs in (cli_access): the tests' officers and the password in the environment."""

from __future__ import annotations

import pytest

PASSWORD = "cli-pass-2026"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("KJDESK_PASSWORD", PASSWORD)


def add_officers(db, *others: tuple[str, str]) -> None:
    """The first 管理员 ``admin`` (if none yet), and ``others`` as (username, role), all with PASSWORD."""
    from kjdesk.services.core.app import App
    from kjdesk.services.core.officers import create_officer, ensure_first_admin, sign_in

    app = App.open(db)
    try:
        ensure_first_admin(app, "admin", PASSWORD)
        admin = sign_in(app, "admin", PASSWORD)
        for name, role in others:
            create_officer(admin, name, name, role, PASSWORD)
    finally:
        app.close()


def signed_main(argv: list[str]) -> int:
    """``kjdesk.cli.main`` as an officer would call it: after ``init`` the first 管理员 ``admin`` is
    created, and a command without ``--user`` runs as ``admin`` (the tests of the sign-in rule
    itself call ``main`` directly, in tests/cli/test_cli_access.py)."""
    from pathlib import Path

    from kjdesk.cli import main

    argv = [str(a) for a in argv]
    db = argv[argv.index("--db") + 1] if "--db" in argv else None
    if "init" in argv[:4]:
        code = main(argv)
        if code == 0 and db is not None:
            add_officers(db)
        return code
    if db is not None and "--user" not in argv and Path(db).exists():
        _first_admin(db)
        i = argv.index("--db")
        argv[i + 2 : i + 2] = ["--user", "admin"]
    return main(argv)


def _first_admin(db: str) -> None:
    """A database the test built without accounts gets the first 管理员 ``admin``."""
    from kjdesk.services.core.app import App
    from kjdesk.services.core.officers import has_officers

    app = App.open(db)
    try:
        missing = not has_officers(app)
    finally:
        app.close()
    if missing:
        add_officers(db)
