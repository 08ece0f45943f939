"""The check page at 1280×800 (issue 18): names shown whole, the often empty 变化 column narrow,
a column chooser on each of its tables whose choices outlive the wizard."""

import pytest

from kjdesk.ui.pages.import_wizard.wizard import ImportWizard
from kjdesk.ui.table_columns import has_column_chooser, set_column_visible
from tests.rosters import CODE_A, CODE_B, xlsx
from tests.ui.pages.import_wizard.steps import next_page

LONG = "包头市稀土高新技术产业开发区北方稀土功能材料研究院有限责任公司"  # 30 characters


def _wizard(app, qtbot):
    w = ImportWizard(app)
    qtbot.addWidget(w)
    w.resize(1280 - 150, 800 - 80)  # the wizard as large as a 1280×800 screen allows
    w.show()
    return w


def _check(app, qtbot, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "所属旗县区"],
        [LONG, CODE_A, "稀土高新区"],
        ["包头市乙机械有限公司", CODE_B, "青山区"],
    ]
    wizard = _wizard(app, qtbot)
    wizard.file_page.path_edit.setText(str(xlsx(tmp_path / "新增企业.xlsx", rows)))
    next_page(qtbot, wizard, lambda: wizard.sheet_page.isComplete())
    next_page(qtbot, wizard, lambda: wizard.mapping_page.isComplete())
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    return wizard


def test_names_are_whole_and_the_empty_change_column_stays_narrow(app, qtbot, tmp_path):
    wizard = _check(app, qtbot, tmp_path)
    page = wizard.check_page
    page.tabs.setCurrentIndex(1)
    view, model = page.items_view, page.items_model
    titles = [c.title for c in model.columns]
    name, change = titles.index("名称"), titles.index("变化")
    names = [model.data(model.index(r, name)) for r in range(model.rowCount())]
    assert any(LONG in n for n in names)
    widest = max(view.fontMetrics().horizontalAdvance(n) for n in names)
    assert view.columnWidth(name) >= widest  # the longest name is not cut
    assert all(not model.data(model.index(r, change)) for r in range(model.rowCount()))
    assert view.columnWidth(change) < 120  # was the rest of the table, half its width
    assert not view.horizontalHeader().stretchLastSection()
    wizard.ops.wait()


def test_each_check_table_has_a_chooser_and_a_hidden_column_stays_hidden(app, qtbot, tmp_path):
    wizard = _check(app, qtbot, tmp_path)
    page = wizard.check_page
    for view in (page.errors_view, page.items_view, page.notes_view):
        assert has_column_chooser(view)
    set_column_visible(page.items_view, "ImportCheckItems", 2, False)  # 对象
    wizard.ops.wait()
    wizard.close()
    again = _check(app, qtbot, tmp_path)
    assert again.check_page.items_view.isColumnHidden(2)
    assert not again.check_page.items_view.isColumnHidden(3)
    again.ops.wait()


@pytest.fixture(autouse=True)
def _baotou(app):
    return app
