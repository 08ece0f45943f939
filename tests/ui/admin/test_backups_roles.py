"""备份与恢复 by role (issue 18): restoring is the 管理员's; the others see why it is greyed."""

from kjdesk.services.safety.backups import backup
from kjdesk.ui.admin.backups import BackupsDialog
from tests.services.disbursement.disbursement_data import officers


def _dialog(app, make_window, qtbot):
    window = make_window(app)
    dialog = BackupsDialog(app, window.hub, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: getattr(dialog, "loaded", False), timeout=5000)
    dialog.view.selectRow(0)
    return dialog


def test_a_maker_may_back_up_but_not_restore(app, make_window, qtbot):
    who = officers(app)
    backup(who["admin"])
    dialog = _dialog(who["jb1"], make_window, qtbot)
    assert dialog.selected() is not None
    assert dialog.backup_button.isEnabled()
    assert not dialog.restore_button.isEnabled() and not dialog.restore_file_button.isEnabled()
    assert "管理员" in dialog.restore_file_button.toolTip()


def test_the_admin_may_restore(app, make_window, qtbot):
    who = officers(app)
    backup(who["admin"])
    dialog = _dialog(who["admin"], make_window, qtbot)
    assert dialog.restore_button.isEnabled() and dialog.restore_file_button.isEnabled()
