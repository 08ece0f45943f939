"""The 通知书 lists at 1280×800 (issue 18): beside the preview, the addressee and the money show
without scrolling; the model's columns keep their order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.letters_data import catalog, seed  # noqa: F401
from tests.ui.conftest import open_page

pytestmark = pytest.mark.usefixtures("catalog")


def test_the_pending_list_shows_addressee_and_amount_at_1280(app, make_window, qtbot):
    seed(app, 3)
    window = make_window()
    window.resize(1280, 760)
    page = open_page(window, qtbot, "letters")
    page.tabs.setCurrentIndex(1)
    qtbot.wait(50)
    view, model = page.pending_view, page.pending_model
    titles = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    assert titles[4] == "金额（元）"  # the model is as it was: only the shown order changes
    edge = view.viewport().width()
    for title in ("主送单位", "金额（元）"):
        c = titles.index(title)
        assert view.columnViewportPosition(c) + view.columnWidth(c) <= edge, title
    issued = page.letter_view.horizontalHeader()
    shown = [
        str(page.letter_model.headerData(issued.logicalIndex(v), Qt.Orientation.Horizontal)) for v in range(4)
    ]
    assert shown == ["发文字号", "主送单位", "金额（元）", "状态"]
