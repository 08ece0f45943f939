"""The command line signs in (cli_access): the tests' officers and the password in the environment."""

from __future__ import annotations

import pytest

PASSWORD = "cli-pass-2026"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("KJDESK_PASSWORD", PASSWORD)


def add_officers(db, *others: tuple[str, str]) -> None:
    """The first 管理员 ``admin`` (if none yet), and ``others`` as (username, role), all with PASSWORD."""
    from kjdesk.services.app import App
    from kjdesk.services.officers import create_officer, ensure_first_admin, sign_in

    app = App.open(db)
    try:
        ensure_first_admin(app, "admin", PASSWORD)
        admin = sign_in(app, "admin", PASSWORD)
        for name, role in others:
            create_officer(admin, name, name, role, PASSWORD)
    finally:
        app.close()
