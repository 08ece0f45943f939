"""Every table an officer reads has the column chooser, and what it hides stays hidden (issue 18)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from kjdesk.ui.table_columns import has_column_chooser, set_column_visible
from tests.ui.conftest import open_page


def _tables(widget):
    return [v for v in widget.findChildren(QTableView) if v.model() is not None]


def test_every_table_on_every_page_has_the_chooser(app, make_window, qtbot):
    window = make_window()
    seen = []
    for page in window.pages:
        widget = window.page(page.key)
        qtbot.waitUntil(lambda w=widget: getattr(w, "loaded", True), timeout=10000)
        for view in _tables(widget):
            seen.append((page.key, view.objectName()))
            assert has_column_chooser(view), (page.key, view.objectName())
    keys = {k for k, _ in seen}
    assert {"units", "letters", "audit", "import_answers", "plans", "entitlements"} <= keys
    assert len([1 for k, _ in seen if k == "letters"]) == 2  # 已签发 and 待签发


def test_the_admin_and_other_dialogs_have_it(app, make_window, qtbot):
    from kjdesk.ui.admin.backups import BackupsDialog
    from kjdesk.ui.admin.officers import OfficersDialog
    from kjdesk.ui.admin.years import YearsDialog
    from kjdesk.ui.pages.overview.targets_dialog import TargetsDialog
    from kjdesk.ui.pages.plan.calendar_dialog import CalendarDialog

    window = make_window()
    hub = window.hub
    for dialog in (
        BackupsDialog(app, hub, window),
        YearsDialog(app, hub, window),
        OfficersDialog(app, hub, window),
        TargetsDialog(app, hub.ops, window),
        CalendarDialog(app, hub, window),
    ):
        qtbot.addWidget(dialog)
        views = _tables(dialog)
        assert views, type(dialog).__name__
        assert all(has_column_chooser(v) for v in views), type(dialog).__name__
    hub.ops.wait()


def test_a_column_hidden_on_the_audit_page_stays_hidden_in_the_next_window(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "audit")
    titles = [
        str(page.view.model().headerData(c, Qt.Orientation.Horizontal))
        for c in range(page.view.model().columnCount())
    ]
    hidden = titles.index("操作人")
    set_column_visible(page.view, "AuditPage", hidden, False)
    again = open_page(make_window(), qtbot, "audit")
    assert again.view.isColumnHidden(hidden)
    assert not again.view.isColumnHidden(titles.index("时间"))


def test_a_letters_column_hidden_stays_hidden_and_widths_are_kept(app, make_window, qtbot):
    page = open_page(make_window(), qtbot, "letters")
    set_column_visible(page.pending_view, "LettersPending", 2, False)
    page.letter_view.setColumnWidth(1, 287)
    qtbot.wait(400)  # saved once the resize settles
    again = open_page(make_window(), qtbot, "letters")
    assert again.pending_view.isColumnHidden(2)
    assert again.letter_view.columnWidth(1) == 287


def test_columns_the_program_hides_do_not_stop_the_fitting(app, make_window, qtbot):
    from kjdesk.ui.table_columns import USER_WIDTHS, content_widths

    page = open_page(make_window(), qtbot, "audit")  # hides its 技术详情 columns as it opens
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    qtbot.wait(50)
    assert not page.view.property(USER_WIDTHS)
    fitted = content_widths(page.view)
    shown = [c for c in range(len(fitted)) if not page.view.isColumnHidden(c)]
    assert [page.view.columnWidth(c) for c in shown] == [fitted[c] for c in shown]


def test_an_empty_table_does_not_stretch_its_last_column(qtbot):
    from kjdesk.ui.table import Column, RowTableModel, make_table_view

    model = RowTableModel([Column(0, "批次", width=56), Column(1, "退回原因", width=260)])
    view = make_table_view(model)
    qtbot.addWidget(view)
    view.resize(1200, 300)
    view.show()
    qtbot.waitExposed(view)
    assert view.columnWidth(1) == 260  # not the rest of the 1,200 px
