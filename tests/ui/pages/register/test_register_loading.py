"""A large register opens with its first screen of rows, then swaps in the rest (issue 9).

The page under test reads its whole set only when the test opens a gate, so what the officer
sees between the first screen and the rest can be checked: the rows of the first screen,
the "still loading" label, a filter typed meanwhile (exact once the rest is there), the
selection, the scroll position, a header sort and the detail panel.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from kjdesk.store.models import Person, Platform, Unit
from kjdesk.ui.pages.register.people import PeoplePage
from kjdesk.ui.pages.register.platforms import PlatformsPage
from kjdesk.ui.pages.register.units import UnitsPage
from kjdesk.ui.table import BATCH
from tests.ui.pages.register.register_pages import FIRST, Gated, all_ids, let_the_rest_in, open_register_page

N = 3_000
DISTRICTS = ("昆都仑区", "青山区", "东河区", "九原区", "稀土高新区")


def add_units(app, n: int = N) -> None:
    rows = [
        {
            "name": f"测试单位{i:05d}有限公司",
            "credit_code": f"91150{i:07d}MA0N0X",
            "district": DISTRICTS[i % 5],
            "kind": "企业",
        }
        for i in range(1, n + 1)
    ]
    with app.db.session() as s:
        s.execute(insert(Unit), rows)


class GatedUnitsPage(Gated, UnitsPage):
    """The 单位 page with a small first screen, reading the whole set only when let through."""


@pytest.fixture
def gated_page(app, qtbot):
    add_units(app)
    page = open_register_page(app, qtbot, GatedUnitsPage)
    yield page
    page.gate.set()
    page.hub.ops.wait()


def test_the_first_screen_shows_before_the_rest_and_says_it_is_still_loading(gated_page, qtbot):
    page = gated_page
    assert not page.complete
    assert (page.model.total, page.model.rowCount()) == (FIRST, FIRST)
    assert all_ids(page) == list(range(1, FIRST + 1))  # the start of the register, in its order
    assert page.model.index(0, 0).data() == "测试单位00001有限公司"
    assert page.count_label.text() == "正在载入其余单位……"
    assert page.stack.currentIndex() == 0  # the table, not the empty state

    let_the_rest_in(page, qtbot)
    assert page.model.total == N and page.full_reads == 1
    assert page.model.rowCount() == BATCH  # still lazy: one batch laid out
    assert all_ids(page) == list(range(1, N + 1))
    assert page.count_label.text() == f"共 {N} 条"


def test_a_filter_typed_before_the_rest_arrives_gives_the_whole_answer(gated_page, qtbot):
    page = gated_page
    page.filter_box.setText("2有限")  # the ids ending in 2: six in the first screen, 300 in all
    assert all_ids(page) == [2, 12, 22, 32, 42, 52]
    assert page.count_label.text() == "已找到 6 条，正在载入其余单位……"  # never "显示 6 / 共 60 条"

    let_the_rest_in(page, qtbot)
    expected = list(range(2, N + 1, 10))
    assert all_ids(page) == expected
    assert page.count_label.text() == f"显示 300 / 共 {N} 条"

    page.filter_box.setText("2有限 东河")  # and the next keystrokes filter the whole set
    assert all_ids(page) == [i for i in expected if i % 5 == 2]


def test_nothing_found_in_the_first_screen_is_not_called_nothing_found(gated_page, qtbot):
    page = gated_page
    page.filter_box.setText("单位02999")
    assert page.model.shown == 0
    assert "没有符合" not in page.count_label.text() and "正在载入其余单位" in page.count_label.text()
    let_the_rest_in(page, qtbot)
    assert all_ids(page) == [2999]
    assert page.count_label.text() == f"显示 1 / 共 {N} 条"


def test_selection_scroll_position_and_detail_survive_the_swap(gated_page, qtbot):
    page = gated_page
    page.view.selectRow(40)
    qtbot.waitUntil(lambda: "测试单位00041有限公司" in page.detail.header.text(), timeout=5000)
    bar = page.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    position = bar.value()
    assert position > 0
    reads = []  # the selection does not change: the detail panel is not read again
    real_show_unit = page.detail.show_unit
    page.detail.show_unit = lambda unit_id: (reads.append(unit_id), real_show_unit(unit_id))

    let_the_rest_in(page, qtbot)
    assert page.selected_id() == 41 and page.selected_row() == 40
    assert bar.value() == position
    assert reads == []
    assert "测试单位00041有限公司" in page.detail.header.text()
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()


def test_a_header_sort_before_the_rest_arrives_sorts_the_whole_set_and_keeps_the_selection(gated_page, qtbot):
    page = gated_page
    page.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # 单位名称, as a header click does
    assert page.model.row_id(0) == FIRST
    page.view.selectRow(5)
    assert page.selected_id() == FIRST - 5

    let_the_rest_in(page, qtbot)
    assert page.model.row_id(0) == N  # the top of the whole register, sorted
    assert all_ids(page) == list(range(N, 0, -1))
    assert page.selected_id() == FIRST - 5  # found again after the reset
    qtbot.waitUntil(lambda: f"测试单位{FIRST - 5:05d}有限公司" in page.detail.header.text(), timeout=5000)

    page.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # 旗县区: still sortable afterwards
    districts = [page.model.index(r, 2).data() for r in range(page.model.rowCount())]
    assert districts == sorted(districts)


def test_a_reload_while_the_rest_is_loading_drops_the_older_answer(gated_page, qtbot):
    page = gated_page
    page.view.selectRow(3)
    page.reload()  # a change announced meanwhile: the rows on screen stay until the new set
    assert page.model.total == FIRST and page.selected_id() == 4
    let_the_rest_in(page, qtbot)
    page.hub.ops.wait()
    qtbot.wait(50)
    assert page.full_reads == 2
    assert page.model.total == N and page.selected_id() == 4
    assert all_ids(page) == list(range(1, N + 1))


def test_a_small_register_is_read_once(app, qtbot):
    add_units(app, 10)
    page = open_register_page(app, qtbot, GatedUnitsPage)
    assert page.complete and page.model.total == 10 and page.full_reads == 0
    assert page.count_label.text() == "共 10 条"


@pytest.mark.parametrize("page_class", [UnitsPage, PlatformsPage, PeoplePage])
def test_the_first_screen_is_the_start_of_the_whole_set(app, qtbot, page_class):
    add_units(app, 30)
    with app.db.session() as s:
        s.execute(
            insert(Platform),
            [
                {"name": f"平台{i:03d}", "type_id": "kl", "level": "国家", "host_unit_id": 30 - i % 7}
                for i in range(25)
            ],
        )
        s.execute(
            insert(Person),
            [
                {"name": f"人员{i:03d}", "id_number": f"15020319900101{i:04d}", "employer_unit_id": 1 + i % 3}
                for i in range(25)
            ],
        )
    assert page_class.first_page > 0  # the three large registers open with a first screen
    page = open_register_page(app, qtbot, page_class, until="complete")
    whole = page.fetch(None)
    assert len(whole) >= 25
    for limit in (1, 7, 25):
        assert page.fetch_first(None, limit) == whole[:limit]
    page.hub.ops.wait()
