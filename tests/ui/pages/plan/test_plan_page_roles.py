"""计划与审批 for each role (issue 18): the 复核人 lands where a batch waits for him; the export
button reads whole."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kjdesk.services.disbursement.approval import propose_batch
from kjdesk.services.disbursement.plan_years import open_years
from tests.ui.conftest import open_page
from tests.ui.pages.plan.test_plan_page import world  # noqa: F401 - the fixture


def test_the_checker_opens_on_the_year_with_a_batch_to_approve(app, world, make_window, qtbot):  # noqa: F811
    _, who = world
    years = [y.year for y in open_years(app)]
    assert len(years) >= 2
    later = years[-1]
    propose_batch(who["jb1"], later)  # waiting for the 复核人, in the last open year
    checker = open_page(make_window(who["fh1"]), qtbot, "plans")
    assert checker.year == later
    assert checker.batch_model.shown == 1
    maker = open_page(make_window(who["jb2"]), qtbot, "plans")
    assert maker.year == years[0]  # the 经办人 still opens on the earliest open year


def test_the_export_button_is_a_push_button_shown_whole(app, world, make_window, qtbot):  # noqa: F811
    _, who = world
    page = open_page(make_window(who["jb1"]), qtbot, "plans")
    button = page.export_button
    assert isinstance(button, QPushButton) and button.menu() is not None
    assert button.width() >= button.sizeHint().width()


def test_at_1280_the_names_are_whole_and_the_amount_and_state_show(app, world, make_window, qtbot):  # noqa: F811
    _, who = world
    window = make_window(who["jb1"])
    window.resize(1280, 760)
    page = open_page(window, qtbot, "plans")
    view, model = page.view, page.model
    titles = [c.title for c in model.columns]
    unit = titles.index("单位")
    names = [model.data(model.index(r, unit)) for r in range(model.rowCount())]
    assert view.columnWidth(unit) >= max(view.fontMetrics().horizontalAdvance(n) for n in names)
    edge = view.viewport().width()
    for title in ("本年金额（元）", "状态"):
        c = titles.index(title)
        assert view.columnViewportPosition(c) + view.columnWidth(c) <= edge, title
