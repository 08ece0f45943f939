"""年度结账 and 查看完整身份证号, driven as an officer would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt

from kjdesk.services.disbursement.years import list_closed_years
from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from kjdesk.services.safety.audit_log import audit_events
from kjdesk.ui.admin import years as years_dialog
from kjdesk.ui.admin.reveal import RevealIdDialog
from kjdesk.ui.admin.years import YearsDialog
from tests.conftest import make_credit_code, make_id_number
from tests.ui.conftest import open_page, type_text

ID = make_id_number("15020319800101123")
LAST_YEAR = date.today().year - 1


def test_admin_closes_a_year_and_reopens_it_with_a_reason(app, make_window, qtbot, monkeypatch):
    window = make_window()
    page = open_page(window, qtbot, "audit")
    qtbot.mouseClick(page.years_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(YearsDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert (
        dialog.model.total == 0 and dialog.close_button.isEnabled() and not dialog.reopen_button.isEnabled()
    )

    monkeypatch.setattr(years_dialog, "confirm", lambda *a, **k: True)
    dialog.year.setValue(LAST_YEAR)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.total == 1, timeout=5000)
    assert dialog.model.index(0, 0).data() == str(LAST_YEAR)
    assert dialog.model.index(0, 1).data() == "测试员"

    dialog.view.selectRow(0)
    assert dialog.reopen_button.isEnabled()

    def answer(reopen: years_dialog.ReopenDialog) -> int:
        assert not reopen.ok_button.isEnabled()  # no reason yet
        type_text(qtbot, reopen.reason, "补录凭证")
        assert reopen.ok_button.isEnabled()
        return years_dialog.ReopenDialog.DialogCode.Accepted

    monkeypatch.setattr(years_dialog.ReopenDialog, "exec", answer)
    qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.total == 0, timeout=5000)
    assert list_closed_years(app) == []
    ev = audit_events(app, entity="closed_year")
    assert [e.action for e in ev] == ["重新开启年度", "关闭年度"] and "补录凭证" in ev[0].after


def test_year_close_is_disabled_for_a_case_officer(app, make_window, qtbot):
    window = make_window()
    dialog = YearsDialog(replace(app, role="经办人"), window.hub, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert not dialog.close_button.isEnabled() and not dialog.reopen_button.isEnabled()
    assert "管理员" in dialog.note.text()


def _person(app):
    u = add_unit(
        app,
        UnitInput(
            name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), district="昆都仑区"
        ),
    )
    return add_person(app, PersonInput(name="张三", id_number=ID, employer_unit_id=u.id))


def test_reveal_needs_a_reason_shows_the_number_and_audits_it(app, make_window, qtbot):
    p = _person(app)
    window = make_window()
    dialog = RevealIdDialog(app, window.hub, p.id, p.name, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.show_button.isEnabled() and dialog.number.text() == ""
    type_text(qtbot, dialog.reason, "核对账户")
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.number.text() == ID, timeout=5000)
    ev = audit_events(app, action="查看身份证号")
    assert len(ev) == 1 and "核对账户" in ev[0].after and ev[0].entity_id == str(p.id)
    dialog.reject()
    assert dialog.number.text() == ""  # not left on screen


def test_reveal_is_refused_when_read_only(app, db_path, make_window, qtbot):
    from kjdesk.services.safety.startup import open_checked

    p = _person(app)
    window = make_window()
    ro = open_checked(db_path, read_only=True)
    try:
        dialog = RevealIdDialog(ro, window.hub, p.id, p.name, window)
        qtbot.addWidget(dialog)
        assert not dialog.reason.isEnabled() and "只读" in dialog.error.text()
    finally:
        ro.close()
