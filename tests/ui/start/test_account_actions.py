"""The officer's own account in the window: 修改密码, 切换用户（注销）, the forced change after a reset;
a backup whose trail fails is restored only with a 管理员's written reason."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kjdesk.services.core.officers import reset_password, sign_in
from kjdesk.ui.start.account_actions import ChangePasswordDialog, sign_in_again
from kjdesk.ui.start.sign_in import SignInDialog
from tests.services.disbursement.disbursement_data import PASSWORD, officers, seed_plan
from tests.ui.conftest import open_page


@pytest.fixture
def who(app):
    seed_plan(app)
    return officers(app)


def when_shown(kind, act) -> None:
    """Act on the next visible dialog of ``kind`` (it is modal: polled from the event loop)."""

    def poll() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, kind) and w.isVisible():
                act(w)
                return
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _sign(dialog: SignInDialog, user: str, password: str) -> None:
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.try_sign_in()


def test_switch_user_signs_out_and_goes_on_as_the_other_officer(app, who, make_window, qtbot):
    window = make_window(who["jb1"])
    page = open_page(window, qtbot, "plans")
    assert page.buttons["propose_all"].isEnabled() and window._who.text() == "当前用户：jb1（经办人）"
    when_shown(SignInDialog, lambda d: _sign(d, "fh1", PASSWORD))
    window.switch_user()
    assert window.app.actor == "fh1" and window.app.role == "复核人"
    assert window._who.text() == "当前用户：fh1（复核人）"
    page = open_page(window, qtbot, "plans")  # the page is made anew for the 复核人
    assert page.app.actor == "fh1" and not page.buttons["propose_all"].isEnabled()


def test_cancelling_the_sign_in_after_sign_out_closes_the_window(app, who, make_window, qtbot):
    window = make_window(who["jb1"])
    open_page(window, qtbot, "plans")
    when_shown(SignInDialog, lambda d: d.reject())
    window.switch_user()
    assert not window.isVisible() and window.page_widgets == {}


def test_an_officer_changes_his_own_password_in_the_window(app, who, qtbot):
    dialog = ChangePasswordDialog(who["jb1"])
    qtbot.addWidget(dialog)
    dialog.old_edit.setText("not-mine")
    dialog.new_edit.setText("brand-new-1")
    dialog.again_edit.setText("brand-new-1")
    dialog.change()
    assert (
        dialog.error.text() == "原密码不正确" and dialog.result() != ChangePasswordDialog.DialogCode.Accepted
    )
    dialog.old_edit.setText(PASSWORD)
    dialog.change()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert sign_in(app, "jb1", "brand-new-1").actor == "jb1"


def test_after_a_reset_the_sign_in_asks_for_a_new_password_first(app, who, qtbot):
    reset_password(who["admin"], "jb2", "temporary-9")

    def change(d: ChangePasswordDialog) -> None:
        assert "已由管理员重置" in d.findChild(type(d.error), "intro").text()
        d.old_edit.setText("temporary-9")
        d.new_edit.setText("only-i-know-1")
        d.again_edit.setText("only-i-know-1")
        d.change()

    when_shown(
        SignInDialog, lambda d: (_sign(d, "jb2", "temporary-9"), when_shown(ChangePasswordDialog, change))
    )
    signed = sign_in_again(app, None)
    assert signed is not None and signed.actor == "jb2"
    assert sign_in(app, "jb2", "only-i-know-1").actor == "jb2"


def test_a_failing_backup_is_restored_only_with_a_written_reason(
    app, who, db_path, tmp_path, qtbot, monkeypatch
):
    from kjdesk.services.disbursement.approval import approve_batch, propose_batch
    from kjdesk.services.disbursement.payments import record_payment
    from kjdesk.services.disbursement.plan import year_plan
    from kjdesk.services.safety.audit_log import audit_events
    from kjdesk.services.safety.backups import backup
    from kjdesk.ui.admin import backups as backups_dialog
    from kjdesk.ui.admin.backups import BackupsDialog
    from kjdesk.ui.workers import Hub, Operations

    iid = next(r.instalment_id for r in year_plan(app, 2025).rows if r.payment_wording == "资金支持")
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 100)
    copy = backup(app, tmp_path / "copy.sqlite")
    con = sqlite3.connect(copy)
    con.execute("UPDATE payments SET amount_fen = 100000")
    con.commit()
    con.close()
    hub = Hub()
    hub.ops = Operations(hub)
    dialog = BackupsDialog(who["admin"], hub)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(backups_dialog, "confirm", lambda *a, **k: True)
    asked = []

    def answer(_parent, title, text, *a, **k):  # noqa: ANN001, ANN002, ANN003
        asked.append(text)
        return ("", False) if len(asked) == 1 else ("原电脑硬盘损坏，只有这份备份", True)

    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(answer))
    dialog.restore_path(copy, "copy.sqlite")
    qtbot.waitUntil(lambda: len(asked) == 1 and not hub.ops.busy, timeout=5000)
    assert "拨付记录 #1" in asked[0] and dialog.last_result is None  # 取消: nothing restored
    dialog.restore_path(copy, "copy.sqlite")
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10000)
    events = audit_events(app, action="恢复备份")
    assert "原电脑硬盘损坏" in events[0].after
