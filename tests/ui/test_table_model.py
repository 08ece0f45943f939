"""The register table model at 100,000 rows: lazy fetching, instant filter, sorting."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from kjdesk.ui.pages.register.units import UnitsPage
from kjdesk.ui.table import BATCH, RowTableModel

DISTRICTS = ("昆都仑区", "青山区", "东河区", "九原区", "稀土高新区")


def unit_rows(n: int) -> list[tuple]:
    return [
        (i, f"测试单位{i:06d}有限公司", f"91150{i:07d}MA0N0X", DISTRICTS[i % 5], "企业", "", "", "", "")
        for i in range(1, n + 1)
    ]


def shown_ids(model: RowTableModel) -> list[int]:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.row_id(r) for r in range(model.rowCount())]


def test_a_hundred_thousand_units_are_fetched_in_batches_and_filtered_exactly(qtbot):
    rows = unit_rows(100_000)
    model = RowTableModel(UnitsPage.columns)
    model.set_rows(rows)
    assert (model.total, model.rowCount()) == (100_000, BATCH)  # the view lays out one batch only
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * BATCH

    model.set_filter("青山")  # 旗县区
    assert model.shown == 20_000 and model.rowCount() == BATCH
    model.set_filter("9115000012")  # the start of a credit code
    assert shown_ids(model) == list(range(1200, 1300))
    model.set_filter("青山 单位0001")  # every word must match, in any of the columns
    assert shown_ids(model) == [i for i in range(1, 100_001) if i % 5 == 1 and f"{i:06d}".startswith("0001")]
    model.set_filter("ma0n0x 单位00000")  # case does not matter
    assert shown_ids(model) == list(range(1, 10))
    model.set_filter("")
    assert model.shown == 100_000

    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "测试单位100000有限公司"
    model.set_filter("昆都仑")  # the filter keeps the sort order
    assert model.index(0, 0).data() == "测试单位100000有限公司" and model.index(0, 2).data() == "昆都仑区"
    model.set_filter("")
    row = model.row_of_id(1)
    assert row == 99_999 and model.rowCount() == 100_000  # fetched up to it, so it can be selected


def test_a_new_view_keeps_the_order_the_service_gave(qtbot):
    from kjdesk.ui.table import make_table_view

    model = RowTableModel(UnitsPage.columns)
    view = make_table_view(model)
    qtbot.addWidget(view)
    model.set_rows(list(reversed(unit_rows(5))))
    assert [model.row_id(r) for r in range(5)] == [5, 4, 3, 2, 1]
    # names in neither order of the ids: no column sorts them until a header is clicked
    rows = [(i, f"单位{(i * 3) % 5}", "", "", "", "", "", "", "") for i in range(5)]
    model.set_rows(rows)
    assert [model.row_id(r) for r in range(5)] == [0, 1, 2, 3, 4]
    assert view.horizontalHeader().sortIndicatorSection() == -1
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [model.row_id(r) for r in range(5)] == [0, 2, 4, 1, 3]


def test_swapping_in_the_whole_set_appends_to_the_first_screen_and_keeps_the_selection(qtbot):
    from kjdesk.ui.table import haystacks, make_table_view

    rows = unit_rows(3_000)
    model = RowTableModel(UnitsPage.columns)
    view = make_table_view(model)
    qtbot.addWidget(view)
    model.set_rows(rows[:100])
    assert (model.total, model.rowCount(), model.canFetchMore(QModelIndex())) == (100, 100, False)
    view.selectRow(42)
    selected = view.selectionModel().selectedRows()[0]
    inserted, resets = [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: resets.append(1))

    assert model.replace_rows(rows, haystacks(UnitsPage.columns, rows)) is True
    assert resets == [] and inserted == [(100, BATCH - 1)]  # appended, not reset
    assert selected.isValid() and view.selectionModel().selectedRows()[0].row() == 42
    assert model.total == 3_000 and shown_ids(model) == list(range(1, 3_001))

    model.set_rows(rows[:100])  # a filter typed before the rest arrived is applied to all of it
    model.set_filter("单位0001")
    assert shown_ids(model) == list(range(100, 101))
    assert model.replace_rows(rows) is True
    assert shown_ids(model) == list(range(100, 200))

    model.set_filter("")
    model.set_rows(rows[:100])
    model.sort(0, Qt.SortOrder.DescendingOrder)  # sorted before the rest arrived: the top changes
    assert model.row_id(0) == 100
    assert model.replace_rows(rows) is False
    assert model.row_id(0) == 3_000 and model.total == 3_000


def test_a_filter_index_that_does_not_match_the_rows_is_refused(qtbot):
    import pytest

    model = RowTableModel(UnitsPage.columns)
    with pytest.raises(ValueError):
        model.set_rows(unit_rows(3), ["only one"])


def test_recognition_titles_name_the_level_once():
    from kjdesk.services.register.tables import recognition_title

    assert recognition_title("高新技术企业", "国家", "") == "国家高新技术企业"
    assert recognition_title("国家科学技术奖", "国家", "") == "国家科学技术奖"
    assert recognition_title("自治区科学技术奖", "自治区", "一等奖") == "自治区科学技术奖（一等奖）"
    assert recognition_title("技术创新中心", "国家", "培育") == "国家技术创新中心（培育）"
    assert recognition_title("瞪羚企业", "", "") == "瞪羚企业"


def test_a_picker_tells_apart_two_records_that_read_the_same(qtbot):
    from kjdesk.ui.form import ChoicePicker

    picker = ChoicePicker("输入名称")
    qtbot.addWidget(picker)
    picker.set_choices([(3, "王伟", "150203********1234"), (9, "王伟", "150203********1234")])
    picker.setText("王伟（150203********1234）")
    assert picker.value() == 3
    picker.setText("王伟（150203********1234） #9")
    assert picker.value() == 9
    picker.set_value(9)
    assert picker.text().endswith("#9")
