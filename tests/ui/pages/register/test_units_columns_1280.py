"""The 单位 page at 1280×800 (issue 18): every name of the first screen whole, a cut text whole
on hover, the register's empty columns narrow."""

from PySide6.QtCore import Qt

from kjdesk.services.register import UnitInput, add_unit
from tests.conftest import make_credit_code
from tests.ui.conftest import open_page

NAMES = [
    "包头市鹿城科技有限公司",
    "内蒙古包头稀土高新区北方稀土功能材料研究院有限公司",  # 25 characters, as real ones run
    "包头市阴山鹿城化工技术有限责任公司",
]


def test_the_longest_name_shows_whole_and_empty_columns_stay_narrow(app, make_window, qtbot):
    for n, name in enumerate(NAMES, start=1):
        add_unit(
            app,
            UnitInput(name=name, credit_code=make_credit_code(f"9115020{n}MA0N0000{n}"), district="青山区"),
        )
    window = make_window()
    window.resize(1280, 760)
    page = open_page(window, qtbot, "units")
    view, model = page.view, page.model
    titles = [c.title for c in model.columns]
    name = titles.index("单位名称")
    widest = max(view.fontMetrics().horizontalAdvance(n) for n in NAMES)
    assert view.columnWidth(name) >= widest
    empty = [
        c for c in range(model.columnCount()) if not any(model.data(model.index(r, c)) for r in range(3))
    ]
    assert empty  # 企业规模, 行业, 联系人 … none recorded here
    for c in empty:  # as wide as the title, no more
        title_width = view.horizontalHeader().fontMetrics().horizontalAdvance(titles[c])
        assert view.columnWidth(c) <= title_width + 40, titles[c]
    row = next(r for r in range(3) if model.data(model.index(r, name)) == NAMES[1])
    assert model.data(model.index(row, name), Qt.ItemDataRole.ToolTipRole) == NAMES[1]
