"""People's names where people are meant (issue 18): who closed a year, who confirmed a calendar."""

from kjdesk.services.core.officers import create_officer, ensure_first_admin, sign_in
from kjdesk.services.disbursement.deadlines import confirm_calendar_year
from kjdesk.services.disbursement.years import close_year
from kjdesk.ui.admin.years import YearsDialog
from kjdesk.ui.pages.plan.calendar_dialog import CalendarDialog

PASSWORD = "test-pass-123"


def _people(app):
    ensure_first_admin(app, "zhanggl", PASSWORD, "张国梁")
    admin = sign_in(app, "zhanggl", PASSWORD)
    create_officer(admin, "wangjb", "王建波", "经办人", PASSWORD)
    return admin, sign_in(app, "wangjb", PASSWORD)


def test_the_years_dialog_names_who_closed_a_year(app, make_window, qtbot):
    admin, _ = _people(app)
    close_year(admin, 2023)
    window = make_window(admin)
    dialog = YearsDialog(admin, window.hub, window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert dialog.model.row_tuple(0)[2] == "张国梁"


def test_the_calendar_names_who_confirmed_a_year(app, make_window, qtbot):
    admin, maker = _people(app)
    confirm_calendar_year(maker, 2031, "国办发明电〔2030〕7号")
    window = make_window(maker)
    dialog = CalendarDialog(maker, window.hub, window)
    qtbot.addWidget(dialog)
    dialog.year_box.setValue(2031)
    qtbot.waitUntil(lambda: "2031 年已由" in dialog.status.text(), timeout=5000)
    assert "王建波 确认" in dialog.status.text() and "wangjb" not in dialog.status.text()
