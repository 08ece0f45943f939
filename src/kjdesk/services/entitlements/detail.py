"""The explanation of one entitlement, read when an officer selects its line.

The one place the 应享资金 page reads an explanation: the page lists its lines without them
(``services/entitlements/pages.py``) and asks here for the selected one. How explanations are
stored may change (clause lines kept once per catalog version); what this returns does not:
the text as ``list_entitlements`` gives it in ``EntitlementLine.explanation``.
"""

from __future__ import annotations

from kjdesk.services.core.app import App
from kjdesk.store.models import Entitlement


def explanation_of(app: App, entitlement_id: int) -> str:
    """The explanation trace of entitlement ``entitlement_id`` ("" when it is gone): its own
    lines joined with its clause's fixed lines (``services/entitlements/texts.py``)."""
    with app.db.session() as s:
        ent = s.get(Entitlement, entitlement_id)
        return ent.explanation if ent is not None else ""
