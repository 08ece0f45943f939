"""The base of the import wizard's pages: service calls in the background, complete when idle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
    QWizardPage,
)

from kjdesk.ui.workers import QtProgress, Task, error_text

if TYPE_CHECKING:
    from kjdesk.ui.pages.import_wizard.wizard import ImportWizard


class BusyBar(QWidget):
    """A progress bar with its status line and a 取消 button, shown while a page works."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        self.progress: QtProgress | None = None
        self.setVisible(False)

    def attach(self, progress: QtProgress) -> None:
        self.progress = progress
        self.bar.setRange(0, 0)
        self.status.setText(self.tr("请稍候…"))
        self.cancel_button.setEnabled(True)
        progress.listener = self._show
        self.setVisible(True)

    def _show(self, value: int, total: int, status: str) -> None:
        self.bar.setRange(0, max(total, 0))
        if total:
            self.bar.setValue(min(value, total))
        if status:
            self.status.setText(status)

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()
            self.status.setText(self.tr("正在取消…"))
            self.cancel_button.setEnabled(False)

    def done(self) -> None:
        self.progress = None
        self.setVisible(False)


class WorkPage(QWizardPage):
    """A wizard page that runs service calls in the background and is complete when idle."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.busy = BusyBar()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #9c0006")
        self.task: Task | None = None

    def run(
        self, call: Callable[[QtProgress], Any], done: Callable[[Any], None], *, write: bool = False
    ) -> None:
        self.message.clear()

        def ok(result: object) -> None:
            self.task = None
            if self.wiz.closed:
                return
            self.busy.done()
            done(result)
            self.completeChanged.emit()

        def failed(exc: BaseException) -> None:
            self.task = None
            if self.wiz.closed:
                return
            self.busy.done()
            self.message.setText(error_text(exc))
            self.failed(exc)
            self.completeChanged.emit()

        start = self.wiz.ops.write if write else self.wiz.ops.read
        self.task = start(call, ok, failed)
        self.busy.attach(self.task.progress)
        self.completeChanged.emit()

    def failed(self, exc: BaseException) -> None:
        """A page may react to a failed call (the message is already shown)."""

    def cancel_task(self) -> None:
        if self.task is not None:
            self.task.progress.cancel()

    def idle(self) -> bool:
        return self.task is None
