"""版式与字体 on the 通知书 page: the bureau's layout settings edited in the window, the batch's
layout chosen on the page, the seal outline and the font fall-back in the draft preview."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from PySide6.QtCore import Qt

from kjdesk.services.letters import letter_pdf
from kjdesk.services.letters.print_settings import print_settings
from kjdesk.ui.pages.letters import page as page_mod
from kjdesk.ui.pages.letters import print_settings_dialog as dialog_mod
from tests.letters_data import catalog, seed  # noqa: F401
from tests.ui.pages.letters.test_letters_page import open_letters

pytestmark = pytest.mark.usefixtures("catalog")


def red_text(pdf: bytes) -> str:
    page = pdfplumber.open(io.BytesIO(pdf)).pages[0]
    return "".join(c["text"] for c in page.chars if tuple(c["non_stroking_color"] or ()) == (1, 0, 0))


def test_the_settings_dialog_saves_the_bureau_print_settings(app, make_window, qtbot, monkeypatch):
    seed(app, 1)
    _window, page = open_letters(make_window, qtbot)
    shown = []
    monkeypatch.setattr(dialog_mod.PrintSettingsDialog, "exec", lambda self: shown.append(self) or 0)
    qtbot.mouseClick(page.settings_button, Qt.MouseButton.LeftButton)
    dialog = shown[0]
    assert dialog.fields["letter_organ"].text() == "包头市科学技术局"
    dialog.fields["letter_layout"].setCurrentText("信函")
    dialog.fields["letter_cc"].setText("包头市财政局")
    dialog.fields["letter_offset_x_mm"].setValue(1.5)
    dialog.fields["font_title"].setCurrentText("方正小标宋简体")
    dialog.save()
    qtbot.waitUntil(lambda: print_settings(app).layout.kind == "信函", timeout=10000)
    settings = print_settings(app)
    assert settings.layout.cc == "包头市财政局" and settings.layout.offset_x_mm == 1.5
    assert settings.fonts.title == "方正小标宋简体" and settings.fonts.body == ""  # 自动
    # the page now says the title font chosen is not installed here
    qtbot.waitUntil(lambda: "方正小标宋简体" in page.font_label.text(), timeout=10000)
    assert "未安装" in page.font_label.text()


def test_the_batch_layout_and_the_draft_preview(app, make_window, qtbot, monkeypatch):
    seed(app, 2)
    monkeypatch.setattr(page_mod, "inform", lambda *a, **k: None)
    _window, page = open_letters(make_window, qtbot)
    page.tabs.setCurrentIndex(1)
    page.pending_view.selectRow(0)
    qtbot.waitUntil(lambda: "盖章位置" in page.preview_note.text(), timeout=10000)
    assert "字体提示：本机没有仿宋字体" in page.preview_note.text()
    page.layout_box.setCurrentIndex(page.layout_box.findData("信函"))
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 1, timeout=10000)
    assert red_text(letter_pdf(app, 1)) == "包头市科学技术局"  # 信函: the name without 文件
    page.layout_box.setCurrentIndex(page.layout_box.findData(None))  # back to the bureau's 文件
    page.pending_view.selectRow(0)
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 2, timeout=10000)
    assert red_text(letter_pdf(app, 2)) == "包头市科学技术局文件"


def test_the_test_page_is_shown_with_the_offsets_of_the_form(app, make_window, qtbot, monkeypatch):
    seed(app, 0)
    _window, page = open_letters(make_window, qtbot)
    dialog = dialog_mod.PrintSettingsDialog(app, page.ops, page)
    qtbot.addWidget(dialog)
    previews = []
    monkeypatch.setattr(dialog_mod.letter_print, "print_preview", lambda _p, pdf, title: previews.append(pdf))
    dialog.fields["letter_offset_y_mm"].setValue(-2)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    text = pdfplumber.open(io.BytesIO(previews[0])).pages[0].extract_text().replace(" ", "")
    assert "向下-2毫米" in text and "套打测试页" in text
    assert print_settings(app).layout.offset_y_mm == 0  # not saved by a test print
