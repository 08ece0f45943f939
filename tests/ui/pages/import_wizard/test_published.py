"""The import wizard with a published list (issue 23 items 4–6): a Word notice whose list is its
second table, the title shown, notes and 建议修改 in the check page, then the import."""

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kjdesk.services.imports import commit, preview
from kjdesk.store.models import Recognition
from kjdesk.ui.pages.import_wizard.wizard import ImportWizard
from tests.published_lists import Header, docx_list
from tests.rosters import CODE_A, CODE_B, units_rows, xlsx
from tests.ui.pages.import_wizard.steps import next_page

HEADER = Header(
    ["序号", "企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "状态"], "认定情况", (5, 6)
)


@pytest.fixture
def wizard(app, qtbot):
    w = ImportWizard(app)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.ops.wait()


@pytest.fixture
def units(app, tmp_path):
    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    return app


def _rows(model):
    return [model.row_tuple(i)[1:] for i in range(model.shown)]


def _to_check(qtbot, wizard, path):
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard, lambda: wizard.sheet_page.isComplete())
    next_page(
        qtbot, wizard, lambda: wizard.mapping_page.isComplete() or bool(wizard.mapping_page.message.text())
    )


def test_word_notice_picks_its_list_table_shows_the_title_and_imports(units, wizard, qtbot, tmp_path):
    rows = [
        [1, "包头市甲稀土有限公司", CODE_A, "瞪羚企业", "省级", "2024-11-08", "有效"],
        [2, "包头市乙机械有限公司", CODE_B, "高新技术企业", "", "2020-12-01", "已过期"],
    ]
    path = docx_list(tmp_path / "通知.docx", HEADER, rows, title="2024年瞪羚企业名单", extra_tables=1)
    _to_check(qtbot, wizard, path)
    sheets = [wizard.sheet_page.sheet_combo.itemText(i) for i in range(wizard.sheet_page.sheet_combo.count())]
    assert sheets == ["表格1", "表格2"] and wizard.sheet_page.sheet() == "表格2"
    summary = wizard.mapping_page.summary.text()
    assert "工作表“表格2”，表头在第 1 行" in summary and "名单标题：2024年瞪羚企业名单" in summary
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    check = wizard.check_page
    assert wizard.plan.ok
    assert check.tabs.tabText(2) == "提示（1）"
    assert _rows(check.notes_model) == [
        (4, "G 状态", "已过期", "状态“过期”未填状态日期，按有效期至 2023-12-01 记为过期日期")
    ]
    next_page(qtbot, wizard, lambda: wizard.commit_page.isComplete())
    assert wizard.result is not None and wizard.result.added == 2
    with units.db.session() as s:
        got = sorted((r.type_id, r.level, r.status) for r in s.scalars(select(Recognition)))
    assert got == [("gazelle", "自治区", "有效"), ("hte", "国家", "过期")]


def test_check_page_shows_the_suggested_fix_of_each_error(units, wizard, qtbot, tmp_path):
    rows = [[1, "包头市甲稀土有限公司", CODE_A, "高薪技术企业", "", "2024-11-08", "有效"]]
    _to_check(qtbot, wizard, docx_list(tmp_path / "名单.docx", HEADER, rows, title="名单"))
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    errors = _rows(wizard.check_page.errors_model)
    assert [(r, c, v, fix) for r, c, v, _reason, fix in errors] == [
        (3, "D 认定类型", "高薪技术企业", "高新技术企业")
    ]
    assert wizard.check_page.errors_model.headerData(3, Qt.Orientation.Horizontal) == "建议修改"
