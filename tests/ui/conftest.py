"""GUI fixtures: per-PC settings in a temporary folder, a main window on the test database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path):
    """QSettings (window geometry, last page) go to tmp_path, never to the tester's profile."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield


@pytest.fixture
def make_window(app, qtbot):
    """Opens the main window on ``app`` (call it after the test has written its data)."""
    from kjdesk.services.core.settings import bureau
    from kjdesk.ui.main_window import MainWindow

    windows = []

    def make(on_app=None):
        w = MainWindow(on_app or app, bureau(on_app or app))
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.hub.ops.wait()


def open_page(window, qtbot, key: str):
    page = window.page(key)
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    return page


def type_text(qtbot, widget, text: str) -> None:
    """Type like an officer: ASCII key by key, Chinese as the input method commits it."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    run = ""
    for ch in text + "\0":
        if ch.isascii() and ch != "\0":
            if run:
                event = QInputMethodEvent()
                event.setCommitString(run)
                QApplication.sendEvent(widget, event)
                run = ""
            qtbot.keyClicks(widget, ch)
        elif ch != "\0":
            run += ch
        elif run:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)
