"""The officer's own account in the window: change the password, switch user / sign out.

``ChangePasswordDialog`` asks for the old password and the new one twice; ``forced=True``
(after a 管理员 reset the password) offers no way round it but quitting. ``switch_user``
signs the current officer out — the pages are closed — and shows the sign-in dialog again;
cancelling it closes the program, as at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kjdesk.ui.dialogs import BaseDialog

if TYPE_CHECKING:
    from kjdesk.services.core.app import App
    from kjdesk.ui.main_window import MainWindow


class ChangePasswordDialog(BaseDialog):
    def __init__(self, app: App, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(self.tr("修改密码"))
        self.setMinimumWidth(380)
        intro = QLabel(self)
        intro.setWordWrap(True)
        intro.setObjectName("intro")
        if forced:
            intro.setText(
                self.tr("账号“{u}”的密码已由管理员重置。请先设置只有您自己知道的新密码，再开始工作。").format(
                    u=app.actor
                )
            )
        else:
            intro.setText(self.tr("为账号“{u}”设置新密码（至少 8 位）。").format(u=app.actor))
        self.old_edit, self.new_edit, self.again_edit = (QLineEdit(self) for _ in range(3))
        for edit, name in ((self.old_edit, "old"), (self.new_edit, "new"), (self.again_edit, "again")):
            edit.setObjectName(name)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b03a48;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("原密码"), self.old_edit)
        form.addRow(self.tr("新密码（至少 8 位）"), self.new_edit)
        form.addRow(self.tr("再次输入新密码"), self.again_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("修改密码"))
        if forced:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出程序"))
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def change(self) -> None:
        from kjdesk.services.core.app import ServiceError
        from kjdesk.services.core.officers import change_own_password

        if self.new_edit.text() != self.again_edit.text():
            self.error.setText(self.tr("两次输入的新密码不一致"))
            return
        try:
            change_own_password(self.app, self.old_edit.text(), self.new_edit.text())
        except ServiceError as exc:
            self.error.setText(str(getattr(exc, "errors", {}).get("password") or exc))
            return
        self.accept()


def sign_in_again(app: App, parent: QWidget | None) -> App | None:
    """The sign-in dialog, then the forced password change when a 管理员 reset it; None if cancelled."""
    from kjdesk.services.core.officers import must_change_password
    from kjdesk.ui.start.sign_in import SignInDialog

    dialog = SignInDialog(app, parent)
    dialog.exec()
    signed = dialog.signed_in
    forced = signed is not None and must_change_password(signed)
    if (
        forced
        and ChangePasswordDialog(signed, parent, forced=True).exec()
        != ChangePasswordDialog.DialogCode.Accepted
    ):
        return None
    return signed


def switch_user(window: MainWindow) -> None:
    """注销 the current officer (the pages close) and sign in again; cancelled: the program closes."""
    from kjdesk.services.safety.startup import sign_lock

    if window.app is None:
        return
    if window.hub is not None and window.hub.ops.busy:
        window.hub.ops.wait()
    window.sign_out()
    signed = sign_in_again(window.app, window)
    if signed is None:
        window.close()
        return
    sign_lock(signed)
    window.sign_in_as(signed)


def change_password(window: MainWindow) -> None:
    if window.app is None:
        return
    if ChangePasswordDialog(window.app, window).exec() == ChangePasswordDialog.DialogCode.Accepted:
        window.statusBar().showMessage(window.tr("密码已修改"), 10000)
