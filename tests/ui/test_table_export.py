"""导出 Excel: every register table exports what it shows — rows in its filter and order, visible
columns in their on-screen order — money in 元 with two decimals, ID numbers masked."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from tests.conftest import make_credit_code, make_id_number
from tests.ui.conftest import open_page, type_text
from tests.ui.pages.entitlements.test_entitlements_page import choose, register  # noqa: F401 - fixture

HEADER_ROW = 3  # title, then 编制单位 / 单位 line, then the header


def sheet_rows(path) -> list[list[object]]:
    ws = load_workbook(path).active
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW, values_only=True)]


def export(page, qtbot, path) -> None:
    page.last_export = None
    page.export(str(path))
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=10000)


def test_units_export_follows_filter_sort_and_column_order(app, make_window, qtbot, tmp_path):
    for n, (name, district) in enumerate(
        (("包头稀土科技公司", "稀土高新区"), ("青山装备制造公司", "青山区"), ("昆区云数据公司", "昆都仑区"))
    ):
        add_unit(
            app,
            UnitInput(name=name, credit_code=make_credit_code(f"9115020{n}MA0N0000{n}"), district=district),
        )
    page = open_page(make_window(), qtbot, "units")
    titles = [c.title for c in page.model.columns]
    name_col, district_col = titles.index("单位名称"), titles.index("旗县区")
    type_text(qtbot, page.filter_box, "公司")
    page.view.sortByColumn(district_col, Qt.SortOrder.DescendingOrder)
    header = page.view.horizontalHeader()
    header.moveSection(header.visualIndex(district_col), 0)  # 旗县区 dragged to the front
    hidden = [i for i in range(len(titles)) if i not in (name_col, district_col)][0]
    header.hideSection(hidden)
    type_text(qtbot, page.filter_box, " 区")  # "公司 区": all three contain both words
    export(page, qtbot, tmp_path / "units.xlsx")
    rows = sheet_rows(tmp_path / "units.xlsx")
    shown = [
        [page.model.index(r, c).data() for c in range(page.model.columnCount())]
        for r in range(page.model.rowCount())
    ]
    expected_titles = [
        titles[header.logicalIndex(v)]
        for v in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(v))
    ]
    assert rows[0] == expected_titles
    assert rows[0][0] == "旗县区"
    assert titles[hidden] not in rows[0]
    assert [r[0] for r in rows[1:]] == [s[district_col] for s in shown]
    assert [r[0] for r in rows[1:]] == sorted((r[0] for r in rows[1:]), reverse=True)
    assert len(rows) == 1 + page.model.shown == 4
    assert page.last_export.rows == 3


def test_entitlements_export_money_in_yuan_with_two_decimals(app, register, make_window, qtbot, tmp_path):  # noqa: F811
    page = open_page(make_window(), qtbot, "entitlements")
    choose(page.year_box, "2022 年")
    export(page, qtbot, tmp_path / "ent.xlsx")
    wb = load_workbook(tmp_path / "ent.xlsx")
    ws = wb.active
    assert ws.cell(1, 1).value == "应享资金（2022 年）"
    header = [c.value for c in ws[HEADER_ROW]]
    col = header.index("金额（元）") + 1
    cells = [ws.cell(r, col) for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert sorted(Decimal(str(c.value)) for c in cells) == [
        Decimal("37037.04"),
        Decimal("300000"),
        Decimal("10000000"),
    ]
    assert {c.number_format for c in cells} == {"#,##0.00"}
    assert "单位：元" in [c.value for c in ws[2] if c.value]


def test_people_export_masks_the_id_number(app, make_window, qtbot, tmp_path):
    unit = add_unit(
        app,
        UnitInput(
            name="包头稀土科技公司", credit_code=make_credit_code("91150203MA0N00001"), district="稀土高新区"
        ),
    )
    number = make_id_number("15020219800101123")
    add_person(app, PersonInput("王五", number, unit.id, "人才"))
    page = open_page(make_window(), qtbot, "people")
    export(page, qtbot, tmp_path / "people.xlsx")
    text = repr(sheet_rows(tmp_path / "people.xlsx"))
    assert "王五" in text and number not in text and number[-4:] in text


def test_hidden_columns_and_widths_are_remembered_and_the_export_follows(app, make_window, qtbot, tmp_path):
    from kjdesk.ui.table_columns import set_column_visible

    add_unit(
        app,
        UnitInput(
            name="包头稀土科技公司", credit_code=make_credit_code("91150203MA0N00001"), district="稀土高新区"
        ),
    )
    window = make_window()
    page = open_page(window, qtbot, "units")
    titles = [c.title for c in page.model.columns]
    hidden = titles.index("旗县区")
    set_column_visible(page.view, "UnitsPage", hidden, False)
    page.view.setColumnWidth(1, 333)
    qtbot.wait(400)  # the width is saved once the resize settles
    export(page, qtbot, tmp_path / "u.xlsx")
    assert "旗县区" not in sheet_rows(tmp_path / "u.xlsx")[0]
    # a new window (the next start) shows the table as the officer left it
    again = open_page(make_window(), qtbot, "units")
    assert again.view.isColumnHidden(hidden) and again.view.columnWidth(1) == 333
