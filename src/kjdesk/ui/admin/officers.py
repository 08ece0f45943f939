"""账号管理 (管理员): list the officer accounts, add one, reset a password, stop or restart an account."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core import officers
from kjdesk.services.core.app import App
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

COLUMNS = [
    Column(0, "编号", width=50),
    Column(1, "用户名", width=110),
    Column(2, "姓名", width=110),
    Column(3, "角色", width=80),
    Column(4, "状态", width=60),
]


def _password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class OfficersDialog(BaseDialog):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.ops = app, hub.ops
        self.loaded = False
        self.setWindowTitle(self.tr("账号管理"))
        self.setMinimumSize(560, 560)
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, sortable=False, name="OfficersDialog")
        self.view.setObjectName("officers")

        add_box = QGroupBox(self.tr("新增账号"), self)
        self.user_edit = QLineEdit(add_box)
        self.user_edit.setObjectName("username")
        self.name_edit = QLineEdit(add_box)
        self.name_edit.setObjectName("display_name")
        self.role_box = QComboBox(add_box)
        self.role_box.setObjectName("role")
        self.role_box.addItems(list(officers.ROLES))
        self.password_edit = _password_edit(add_box, "password")
        self.again_edit = _password_edit(add_box, "password_again")
        self.add_button = QPushButton(self.tr("新增"), add_box)
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add)
        form = QFormLayout(add_box)
        form.addRow(self.tr("用户名"), self.user_edit)
        form.addRow(self.tr("姓名"), self.name_edit)
        form.addRow(self.tr("角色"), self.role_box)
        form.addRow(self.tr("初始密码（至少 8 位）"), self.password_edit)
        form.addRow(self.tr("再次输入"), self.again_edit)
        form.addRow("", self.add_button)

        self.reset_edit = _password_edit(self, "new_password")
        self.reset_edit.setPlaceholderText(self.tr("所选账号的新密码"))
        self.reset_button = QPushButton(self.tr("重置密码"), self)
        self.reset_button.setObjectName("reset")
        self.reset_button.clicked.connect(self.reset)
        self.toggle_button = QPushButton(self.tr("停用/启用"), self)
        self.toggle_button.setObjectName("toggle")
        self.toggle_button.clicked.connect(self.toggle)
        row = QHBoxLayout()
        row.addWidget(self.reset_edit, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.toggle_button)
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(add_box)
        layout.addWidget(self.notice)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        self.loaded = False
        self.ops.read(lambda _p: officers.list_officers(self.app), self._loaded)

    def _loaded(self, rows: list) -> None:
        self.model.set_rows(
            [(o.id, o.username, o.display_name, o.role, "启用" if o.active else "停用") for o in rows]
        )
        self.loaded = True

    def _say(self, text: str, error: bool = False) -> None:
        self.notice.setStyleSheet("color:#b03a48;" if error else "color:#2e6b3a;")
        self.notice.setText(text)

    def _selected(self) -> tuple | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_tuple(rows[0].row()) if rows else None

    def _write(self, call, text: str) -> None:  # noqa: ANN001 - a Progress → result function
        def done(_r: object) -> None:
            self._say(text)
            self.reload()

        self.ops.write(call, done, lambda exc: self._say(str(exc), error=True))

    def add(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            self._say(self.tr("两次输入的密码不一致"), error=True)
            return
        app, user, name = self.app, self.user_edit.text(), self.name_edit.text()
        role, password = self.role_box.currentText(), self.password_edit.text()
        self._write(
            lambda _p: officers.create_officer(app, user, name, role, password),
            f"已新增账号“{user.strip()}”（{role}）",
        )

    def reset(self) -> None:
        row = self._selected()
        if row is None:
            self._say(self.tr("请先选择账号"), error=True)
            return
        app, password = self.app, self.reset_edit.text()
        self._write(lambda _p: officers.reset_password(app, row[1], password), f"已重置账号“{row[1]}”的密码")

    def toggle(self) -> None:
        row = self._selected()
        if row is None:
            return
        app, active = self.app, row[4] != "启用"
        self._write(
            lambda _p: officers.set_active(app, row[1], active),
            f"已{'启用' if active else '停用'}账号“{row[1]}”",
        )
