"""The 认定记录 page opens with its first screen of records, then swaps in the rest (issue 9).

A bureau keeps many years of 科技型中小企业 recognitions, so this table can hold 100,000 rows.
The page is the register page's two-step loading (``tests/ui/pages/register/test_register_loading.py``) over
``recognition_table``, whose order — newest first, by date then id — is not the order of the
ids: the dates here repeat and jump about, so a first screen that is not the start of the whole
list, or a tie broken differently, shows up.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from kjdesk.services.register.tables import recognition_table
from kjdesk.store.models import Person, Platform, Recognition, Unit
from kjdesk.ui.pages.register.base import FIRST_PAGE
from kjdesk.ui.pages.register.recognitions import RecognitionsPage
from kjdesk.ui.table import BATCH
from tests.ui.pages.register.register_pages import FIRST, Gated, all_ids, let_the_rest_in, open_register_page

N = 3_000
UNITS = 40
DISTRICTS = ("昆都仑区", "青山区", "东河区", "九原区", "稀土高新区")


def day(i: int) -> date:
    """The date of recognition ``i``: about eight records share each of 400 days, out of id order."""
    return date(2015, 1, 1) + timedelta(days=(i * 37) % 400)


def newest_first(ids) -> list[int]:  # noqa: ANN001
    return sorted(ids, key=lambda i: (day(i), i), reverse=True)


def add_recognitions(app, n: int = N) -> None:
    units = [
        {
            "id": u,
            "name": f"测试单位{u:03d}有限公司",
            "credit_code": f"91150{u:07d}MA0N0X",
            "district": DISTRICTS[u % 5],
            "kind": "企业",
        }
        for u in range(1, UNITS + 1)
    ]
    recognitions = [
        {
            "id": i,
            "unit_id": 1 + i % UNITS,
            "type_id": "tsme",
            "level": "国家",
            "date": day(i),
            "doc_number": f"科技型中小企业入库〔{i:05d}〕号",
            "status": "有效",
        }
        for i in range(1, n + 1)
    ]
    with app.db.session() as s:
        s.execute(insert(Unit), units)
        s.execute(insert(Recognition), recognitions)


class GatedRecognitionsPage(Gated, RecognitionsPage):
    """The 认定记录 page with a small first screen, reading the whole set only when let through."""


def make_page(app, qtbot, cls=GatedRecognitionsPage):  # noqa: ANN001, ANN201
    return open_register_page(app, qtbot, cls)


@pytest.fixture
def gated_page(app, qtbot):
    add_recognitions(app)
    page = make_page(app, qtbot)
    yield page
    page.gate.set()
    page.hub.ops.wait()


def test_the_page_opens_with_a_first_screen():
    assert RecognitionsPage.first_page == FIRST_PAGE > 0


def test_the_first_screen_shows_before_the_rest_and_says_it_is_still_loading(gated_page, qtbot):
    page = gated_page
    order = newest_first(range(1, N + 1))
    assert not page.complete
    assert (page.model.total, page.model.rowCount()) == (FIRST, FIRST)
    assert all_ids(page) == order[:FIRST]  # the newest records, in the order of the whole list
    assert page.model.index(0, 4).data() == day(order[0]).isoformat()  # 认定日期
    assert page.count_label.text() == "正在载入其余认定记录……"
    assert page.stack.currentIndex() == 0  # the table, not the empty state

    let_the_rest_in(page, qtbot)
    assert page.model.total == N and page.full_reads == 1
    assert page.model.rowCount() == BATCH  # still lazy: one batch laid out
    assert all_ids(page) == order
    assert page.count_label.text() == f"共 {N} 条"


def test_a_filter_typed_before_the_rest_arrives_gives_the_whole_answer(gated_page, qtbot):
    page = gated_page
    order = newest_first(range(1, N + 1))
    page.filter_box.setText("2〕")  # the 文号 of the ids ending in 2: 300 in all
    early = [i for i in order[:FIRST] if i % 10 == 2]
    assert 0 < len(early) < 300 and all_ids(page) == early
    assert page.count_label.text() == f"已找到 {len(early)} 条，正在载入其余认定记录……"

    let_the_rest_in(page, qtbot)
    expected = [i for i in order if i % 10 == 2]
    assert len(expected) == 300 and all_ids(page) == expected
    assert page.count_label.text() == f"显示 300 / 共 {N} 条"

    page.filter_box.setText("2〕 东河")  # and the next keystrokes filter the whole set
    assert all_ids(page) == [i for i in expected if (1 + i % UNITS) % 5 == 2]


def test_nothing_found_in_the_first_screen_is_not_called_nothing_found(gated_page, qtbot):
    page = gated_page
    order = newest_first(range(1, N + 1))
    late = order[-1]  # the oldest record: never in the first screen
    page.filter_box.setText(f"〔{late:05d}〕")
    assert page.model.shown == 0
    assert "没有符合" not in page.count_label.text() and "正在载入其余认定记录" in page.count_label.text()
    let_the_rest_in(page, qtbot)
    assert all_ids(page) == [late]
    assert page.count_label.text() == f"显示 1 / 共 {N} 条"


def test_selection_and_scroll_position_survive_the_swap(gated_page, qtbot):
    page = gated_page
    order = newest_first(range(1, N + 1))
    page.view.selectRow(40)
    assert page.selected_id() == order[40]
    bar = page.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    position = bar.value()
    assert position > 0

    let_the_rest_in(page, qtbot)
    assert page.selected_id() == order[40] and page.selected_row() == 40
    assert bar.value() == position
    assert page.edit_button.isEnabled() and page.delete_button.isEnabled()


def test_a_reload_while_the_rest_is_loading_drops_the_older_answer(gated_page, qtbot):
    page = gated_page
    order = newest_first(range(1, N + 1))
    page.view.selectRow(3)
    page.reload()  # a change announced meanwhile: the rows on screen stay until the new set
    assert page.model.total == FIRST and page.selected_id() == order[3]
    let_the_rest_in(page, qtbot)
    page.hub.ops.wait()
    qtbot.wait(50)
    assert page.full_reads == 2
    assert page.model.total == N and page.selected_id() == order[3]
    assert all_ids(page) == order


def test_a_few_records_are_read_once(app, qtbot):
    add_recognitions(app, 10)
    page = make_page(app, qtbot)
    assert page.complete and page.model.total == 10 and page.full_reads == 0
    assert all_ids(page) == newest_first(range(1, 11))
    assert page.count_label.text() == "共 10 条"
    page.hub.ops.wait()


def test_the_first_screen_is_the_start_of_the_whole_list(app, qtbot):
    """Units, platforms and people, dates shared among them: every first screen is a prefix."""
    add_recognitions(app, 300)
    with app.db.session() as s:
        s.execute(
            insert(Platform),
            [
                {"id": k, "name": f"平台{k:03d}", "type_id": "kl", "level": "国家", "host_unit_id": 1 + k % 7}
                for k in range(1, 26)
            ],
        )
        s.execute(
            insert(Person),
            [
                {
                    "id": k,
                    "name": f"人员{k:03d}",
                    "id_number": f"15020319900101{k:04d}",
                    "employer_unit_id": 1 + k % 3,
                }
                for k in range(1, 26)
            ],
        )
        s.execute(
            insert(Recognition),
            [
                {"id": 1000 + k, "platform_id": k, "type_id": "kl", "level": "国家", "date": day(k)}
                for k in range(1, 26)
            ]
            + [
                {
                    "id": 2000 + k,
                    "person_id": k,
                    "type_id": "agri_commissioner",
                    "level": "市级",
                    "date": day(k),
                }
                for k in range(1, 26)
            ],
        )
    page = make_page(app, qtbot, RecognitionsPage)
    qtbot.waitUntil(lambda: page.complete, timeout=5000)
    whole = page.fetch(None)
    assert len(whole) == 350 and {r[1] for r in whole} == {"单位", "平台", "人员"}
    dates = {r[0]: r[5] for r in whole}  # newest first, ties by id: not the order of the ids
    assert [r[0] for r in whole] == sorted(dates, key=lambda i: (dates[i], i), reverse=True) != sorted(dates)
    for limit in (1, 7, 25, 200, 350, 400):
        assert page.fetch_first(None, limit) == whole[:limit]
    for unit_id in (1, 2, 3):  # the unit detail's list: with a limit, its start too
        of_unit = recognition_table(app, unit_id=unit_id)
        assert of_unit and recognition_table(app, unit_id=unit_id, limit=5) == of_unit[:5]
    page.hub.ops.wait()
