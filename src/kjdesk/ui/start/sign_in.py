"""Sign-in at start: the officer's account and password; at first run, the first 管理员.

``sign_in_at_start(app, parent)`` shows the right dialog and returns an ``App`` acting as
the signed-in officer, or None when the officer cancelled (the program then quits).
The services are imported when a dialog acts, not with this module: start-up shows the main
window before the database (and SQLAlchemy) is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kjdesk.ui.dialogs import BaseDialog

if TYPE_CHECKING:
    from kjdesk.services.core.app import App


class SignInDialog(BaseDialog):
    """用户名 + 密码; a wrong pair keeps the dialog open with the reason."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.signed_in: App | None = None
        self.setWindowTitle(self.tr("登录科技兑现台"))
        self.setMinimumWidth(360)
        self.user_edit = QLineEdit(self)
        self.user_edit.setObjectName("username")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b03a48;")
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.user_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_sign_in(self) -> None:
        from kjdesk.services.core import officers
        from kjdesk.services.core.app import ServiceError

        try:
            self.signed_in = officers.sign_in(self.app, self.user_edit.text(), self.password_edit.text())
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()


class FirstAdminDialog(BaseDialog):
    """At first run no account exists: create the first 管理员 (who then creates the others)."""

    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.signed_in: App | None = None
        self.setWindowTitle(self.tr("创建管理员账号"))
        self.setMinimumWidth(400)
        intro = QLabel(
            self.tr("首次使用：请创建管理员账号。管理员可新增经办人、复核人账号并重置密码。"), self
        )
        intro.setWordWrap(True)
        self.user_edit = QLineEdit(self)
        self.user_edit.setObjectName("username")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("display_name")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(self)
        self.again_edit.setObjectName("password_again")
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b03a48;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.user_edit)
        form.addRow(self.tr("姓名"), self.name_edit)
        form.addRow(self.tr("密码（至少 8 位）"), self.password_edit)
        form.addRow(self.tr("再次输入密码"), self.again_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def create(self) -> None:
        from kjdesk.services.core import officers
        from kjdesk.services.core.app import ServiceError, ValidationFailed

        username, password = self.user_edit.text().strip(), self.password_edit.text()
        if password != self.again_edit.text():
            self.error.setText(self.tr("两次输入的密码不一致"))
            return
        try:
            officers.ensure_first_admin(self.app, username, password, self.name_edit.text())
            self.signed_in = officers.sign_in(self.app, username, password)
        except ValidationFailed as exc:  # field by field: the reasons, not the field names
            self.error.setText("；".join(exc.errors.values()))
            return
        except ServiceError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


def sign_in_at_start(app: App, parent: QWidget | None = None) -> App | None:
    """Ask for the account (or create the first 管理员); None when the officer cancelled."""
    from kjdesk.services.core import officers

    dialog = SignInDialog(app, parent) if officers.has_officers(app) else FirstAdminDialog(app, parent)
    dialog.exec()
    return dialog.signed_in
