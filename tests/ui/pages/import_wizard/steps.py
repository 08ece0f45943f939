"""Walking the import wizard as an officer does: 下一步 once it is enabled, then wait for the page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard


def next_page(qtbot, wizard, page_done) -> None:  # noqa: ANN001 - qtbot, ImportWizard, a condition
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page_done, timeout=10000)
