"""The base dialog that remembers its size (after Picard's ``PreserveGeometry``), and small prompts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QSplitter, QWidget

from kjdesk.ui import settings


class PreserveGeometry:
    """Restores a window's size and its splitters' positions; saves them when it closes."""

    def geometry_name(self) -> str:
        return type(self).__name__

    def restore_geometry(self) -> None:
        geometry = settings.get(settings.geometry_key(self.geometry_name()))
        if not geometry.isEmpty():  # type: ignore[union-attr]
            self.restoreGeometry(geometry)  # type: ignore[attr-defined]
        self.restore_splitters(self)  # type: ignore[arg-type]

    def restore_splitters(self, within: QWidget) -> None:
        """Restore the named splitters inside ``within`` (a page created later calls this too)."""
        for splitter in within.findChildren(QSplitter):
            if splitter.objectName():
                state = settings.get(settings.geometry_key(f"{self.geometry_name()}.{splitter.objectName()}"))
                if not state.isEmpty():  # type: ignore[union-attr]
                    splitter.restoreState(state)

    def save_geometry(self) -> None:
        settings.put(settings.geometry_key(self.geometry_name()), self.saveGeometry())  # type: ignore[attr-defined]
        for splitter in self.findChildren(QSplitter):  # type: ignore[attr-defined]
            if splitter.objectName():
                key = settings.geometry_key(f"{self.geometry_name()}.{splitter.objectName()}")
                settings.put(key, splitter.saveState())


class BaseDialog(PreserveGeometry, QDialog):
    """Every kjdesk dialog: remembers its size; ``done`` saves it whether accepted or not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._restored = False

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        if not self._restored:
            self._restored = True
            self.restore_geometry()
        super().showEvent(event)

    def done(self, result: int) -> None:
        self.save_geometry()
        super().done(result)


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "删除") -> bool:
    """Ask before a destructive action; the safe choice (取消) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes_button


def inform(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()  # window-modal, but the caller carries on
    return box
