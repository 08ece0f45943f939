"""Reading entitlements for the 应享资金 page: the lines without their explanations, the first
screen first.

``services/entitlements/listing.py`` reads every line with its explanation (sheets, the CLI,
letters); the page shows 80,000 lines and more at a city's scale, and the explanation (three
quarters of the database) only of the line selected (``services/entitlements/detail.py``). So
the page reads here: ``first_lines`` the lines of the first entitlements (a screen and more, at
once), ``page_lines`` every line (on the read pool). Both in the order ``list_entitlements``
gives (by entitlement, year, instalment), with the same fields; ``explanation`` is left empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kjdesk.services.core.app import App
from kjdesk.services.entitlements.listing import EntitlementLine, read_lines
from kjdesk.store.models import Entitlement


@dataclass(frozen=True)
class FirstLines:
    lines: list[EntitlementLine]
    more: bool  # entitlements beyond these are still to be read


def first_lines(app: App, entitlements: int) -> FirstLines:
    """The lines of the first ``entitlements`` entitlements (by id): the page's first screen."""
    with app.db.session() as s:
        ids = list(s.scalars(select(Entitlement.id).order_by(Entitlement.id).limit(entitlements + 1)))
    if not ids:
        return FirstLines([], False)
    more = len(ids) > entitlements
    return FirstLines(_read(app, ids[:entitlements][-1]), more)


def page_lines(app: App) -> list[EntitlementLine]:
    """Every line, as ``list_entitlements(app)`` reads them but without the explanations."""
    return _read(app, None)


def _read(app: App, last_id: int | None) -> list[EntitlementLine]:
    return read_lines(app, [] if last_id is None else [Entitlement.id <= last_id])
