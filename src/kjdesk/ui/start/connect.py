"""连接数据库服务器: the bureau's shared PostgreSQL database instead of this PC's file.

Host, port, database and account are remembered for this PC; the password never is — it is
asked at each start (or taken from the server's own password file, ``pgpass.conf``, when the
officer leaves it empty), and lives only in memory for the session.
"""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kjdesk.ui import settings
from kjdesk.ui.dialogs import BaseDialog

SERVER = settings.Option("database/server", "", str)  # postgresql://user@host:port/db — no password


def server_url(host: str, port: int, database: str, user: str, password: str = "") -> str:
    auth = quote(user, safe="") + (":" + quote(password, safe="") if password else "")
    return f"postgresql://{auth}@{host}:{port}/{quote(database, safe='')}"


def remembered_server() -> str:
    return str(settings.get(SERVER) or "")


def forget_server() -> None:
    settings.put(SERVER, "")


class ConnectDialog(BaseDialog):
    """Ask for the server; ``url()`` includes the password, ``remembered`` never does."""

    def __init__(self, parent: QWidget | None = None, *, previous: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("连接局里的数据库服务器"))
        self.host = QLineEdit(self)
        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("kjdesk", self)
        self.user = QLineEdit(self)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("不保存；留空则使用服务器密码文件"))
        self._fill(previous)
        form = QFormLayout()
        form.addRow(self.tr("服务器地址"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库名"), self.database)
        form.addRow(self.tr("账号"), self.user)
        form.addRow(self.tr("密码"), self.password)
        note = QLabel(
            self.tr(
                "多位经办人同时使用时，请连接局里统一的 PostgreSQL 服务器。"
                "地址和账号会记住，密码不会保存在本机。"
            ),
            self,
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update_ok)
        self._update_ok()

    def _fill(self, previous: str) -> None:
        from urllib.parse import unquote, urlsplit

        if not previous:
            return
        parts = urlsplit(previous)
        self.host.setText(parts.hostname or "")
        self.port.setValue(parts.port or 5432)
        self.database.setText(unquote(parts.path.lstrip("/")) or "kjdesk")
        self.user.setText(unquote(parts.username or ""))

    def _update_ok(self) -> None:
        ready = all(f.text().strip() for f in (self.host, self.database, self.user))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def _parts(self) -> tuple[str, int, str, str]:
        return (
            self.host.text().strip(),
            self.port.value(),
            self.database.text().strip(),
            self.user.text().strip(),
        )

    @property
    def remembered(self) -> str:
        return server_url(*self._parts())

    def url(self) -> str:
        return server_url(*self._parts(), self.password.text())

    def accept(self) -> None:
        settings.put(SERVER, self.remembered)
        super().accept()
