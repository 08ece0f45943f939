"""总览's chart as officers read it (issue 18): the amounts over the bars in 万元 with separators
and two decimals, the axis in whole ticks with separators; no stray button over the cards."""

from types import SimpleNamespace

from PySide6.QtCore import Qt

from kjdesk.ui.pages.overview.page import OverviewPage
from tests.ui.conftest import open_page


def _draw(page: OverviewPage, by_year_fen: dict[int, int]) -> None:
    year = min(by_year_fen)
    page._draw_chart(SimpleNamespace(year=year, commitments=[SimpleNamespace(by_year_fen=by_year_fen)]))


def test_bar_labels_read_wan_with_separators_and_the_axis_whole_ticks(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "overview")
    _draw(page, {2026: 17_195_003_000, 2027: 6_000_000_000, 2028: 0, 2029: 12_345, 2030: 0})
    assert page.bar_labels.texts() == ["17,195.00", "6,000.00", "0.01"]
    assert not page.chart.series()[0].isLabelsVisible()  # Qt's own "17195" labels are off
    [y_axis] = [a for a in page.chart.axes() if a.orientation() == Qt.Orientation.Vertical]
    labels = y_axis.categoriesLabels()
    values = [int(label.replace(",", "")) for label in labels]
    assert "," in labels[-1] and all(label.replace(",", "").isdigit() for label in labels)
    assert values[-1] >= 17_195 and len({b - a for a, b in zip(values, values[1:], strict=False)}) == 1
    # each label sits over its bar: centred on the category, above the bar's top
    chart, series = page.chart, page.chart.series()[0]
    from PySide6.QtCore import QPointF

    for item, (x, y) in zip(page.bar_labels.items, page.bar_labels.points, strict=True):
        top = chart.mapToPosition(QPointF(x, y), series)
        box = item.mapRectToScene(item.boundingRect())
        assert abs(box.center().x() - top.x()) < 2 and box.bottom() <= top.y()


def test_small_amounts_give_whole_ticks_not_half_ones(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "overview")
    _draw(page, {2026: 3_000_000, 2027: 1_000_000, 2028: 0, 2029: 0, 2030: 0})  # 3 and 1 万元
    [y_axis] = [a for a in page.chart.axes() if a.orientation() == Qt.Orientation.Vertical]
    labels = y_axis.categoriesLabels()
    assert labels == sorted(set(labels), key=lambda t: int(t.replace(",", "")))  # "0, 1, 1, 2" was shown
    assert page.bar_labels.texts() == ["3.00", "1.00"]


def test_the_targets_button_is_not_over_the_cards_in_baotou(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "overview")
    assert not page.targets_box.isVisibleTo(page)
    assert not page.targets_button.isVisibleTo(page)
