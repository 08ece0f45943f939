"""Register pages held at their first screen until a test lets the rest of the rows through."""

from __future__ import annotations

import threading

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget

from kjdesk.ui.workers import Hub, Operations

FIRST = 60  # a small first screen, so that a few thousand rows show the two steps


class Gated:
    """Mixed in before a register page: a first screen of ``FIRST`` rows; the whole set is
    read only once ``gate`` is set (``full_reads`` counts the reads)."""

    first_page = FIRST

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.gate = threading.Event()
        self.full_reads = 0
        super().__init__(*args, **kwargs)

    def fetch(self, progress):  # noqa: ANN001, ANN201
        assert self.gate.wait(10), "the test never let the rest through"
        self.full_reads += 1
        return super().fetch(progress)


def open_register_page(app, qtbot, cls, *, until: str = "loaded", size: tuple[int, int] = (1200, 700)):  # noqa: ANN001, ANN201
    """A page of ``cls`` on a shown host widget, once ``page.<until>`` is true."""
    host = QWidget()
    host.resize(*size)
    qtbot.addWidget(host)
    hub = Hub(host)
    hub.ops = Operations(hub, host)
    page = cls(app, hub, host)
    page.resize(*size)
    host.show()
    qtbot.waitUntil(lambda: getattr(page, until), timeout=5000)
    return page


def all_ids(page) -> list[int]:  # noqa: ANN001
    """The ids of every row the page's model shows, fetching the lazy rest first."""
    model = page.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.row_id(r) for r in range(model.rowCount())]


def let_the_rest_in(page, qtbot) -> None:  # noqa: ANN001
    page.gate.set()
    qtbot.waitUntil(lambda: page.complete, timeout=10000)
