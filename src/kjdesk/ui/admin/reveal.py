"""查看完整身份证号: the officer states why; the service returns the number and audits the request.

The number is shown in a selectable field only in this dialog, and is cleared when the
dialog closes. Pages open it with ``RevealIdDialog(app, hub, person_id, name, parent).open()``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from kjdesk.services.core.app import App
from kjdesk.services.core.privacy import MIN_REASON, reveal_id_number
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.workers import Hub


class RevealIdDialog(BaseDialog):
    def __init__(self, app: App, hub: Hub, person_id: int, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.ops, self.person_id = app, hub.ops, person_id
        self.setWindowTitle(self.tr("查看完整身份证号：{n}").format(n=name))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("如：核对拨付账户户名"))
        self.number = QLineEdit(self)
        self.number.setObjectName("number")
        self.number.setReadOnly(True)
        self.number.setPlaceholderText(self.tr("填写用途后点“显示”"))
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b00020;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.show_button = buttons.addButton(self.tr("显示"), QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button.setObjectName("show")
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self.reveal)
        self.reason.textChanged.connect(lambda t: self.show_button.setEnabled(len(t.strip()) >= MIN_REASON))
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        note = QLabel(
            self.tr("身份证号属于个人信息。查看完整号码须填写用途，操作人、时间和用途将记入审计日志。"), self
        )
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(self.tr("用途"), self.reason)
        form.addRow(self.tr("身份证号"), self.number)
        form.addRow(self.error)
        form.addRow(buttons)
        if app.read_only:
            self.reason.setEnabled(False)
            self.error.setText(self.tr("只读方式打开时无法记录审计日志，因此不能查看完整身份证号。"))

    def reveal(self) -> None:
        reason = self.reason.text()
        self.show_button.setEnabled(False)
        self.ops.write(
            lambda _p: reveal_id_number(self.app, self.person_id, reason), self._shown, self._failed
        )

    def _shown(self, number: str) -> None:
        self.error.clear()
        self.number.setText(number)
        self.number.selectAll()

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc))
        self.show_button.setEnabled(True)

    def done(self, result: int) -> None:
        self.number.clear()
        super().done(result)
