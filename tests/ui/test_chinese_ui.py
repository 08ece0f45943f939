"""Chinese throughout the window: Qt's standard dialogs and the field messages of the first-run dialog."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel

from kjdesk.ui.app import make_qapplication
from kjdesk.ui.start.sign_in import FirstAdminDialog
from tests.ui.conftest import type_text


def test_qt_standard_dialogs_speak_chinese(qtbot):
    make_qapplication()
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {w.text() for w in dialog.findChildren(QLabel) if w.text()}
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
    assert not [t for t in labels if re.search(r"[A-Za-z]{3,}", t)]


def test_first_admin_dialog_names_no_field_in_english(app, qtbot):
    dialog = FirstAdminDialog(app)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.user_edit, "admin")
    type_text(qtbot, dialog.password_edit, "short")
    type_text(qtbot, dialog.again_edit, "short")
    dialog.create()
    text = dialog.error.text()
    assert "8" in text and "密码" in text
    assert not re.search(r"[A-Za-z_]{4,}", text), text


def test_field_problems_read_without_code_names(app):
    from kjdesk.services.core.app import ValidationFailed

    exc = ValidationFailed({"password": "密码至少 8 位", "username": "用户名不能为空"})
    assert str(exc) == "密码至少 8 位；用户名不能为空"
