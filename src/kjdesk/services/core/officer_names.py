"""People's names where people are meant: an officer's 姓名 in place of the login name."""

from __future__ import annotations

from sqlalchemy import select

from kjdesk.services.core.app import App
from kjdesk.store.models import Officer


def officer_names(app: App) -> dict[str, str]:
    """Login name → the officer's name (only accounts that have one)."""
    with app.db.session() as s:
        return {u: n for u, n in s.execute(select(Officer.username, Officer.display_name)) if n and n != u}


def name_of(names: dict[str, str], login: str) -> str:
    return names.get(login, login)
