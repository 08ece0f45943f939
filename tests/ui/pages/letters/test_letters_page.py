"""The 通知书 page driven as an officer would: issue, preview, batch with cancel, void, print, open."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter

from kjdesk.services.letters import letter_pdf
from kjdesk.services.letters.rows import list_letters
from kjdesk.ui.pages.letters import actions as letter_actions
from kjdesk.ui.pages.letters import page as page_mod
from kjdesk.ui.pages.letters import printing as letter_print
from tests.letters_data import catalog, seed  # noqa: F401
from tests.ui.conftest import open_page, type_text

pytestmark = pytest.mark.usefixtures("catalog")


def letters_shown(page) -> list[tuple[str, str, str]]:
    m = page.letter_model
    return [(m.index(r, 0).data(), m.index(r, 1).data(), m.index(r, 7).data()) for r in range(m.rowCount())]


def open_letters(make_window, qtbot):
    window = make_window()
    page = open_page(window, qtbot, "letters")
    page.date_edit.setDate(QDate(2026, 11, 23))
    return window, page


def test_issue_one_then_preview_it(app, make_window, qtbot, monkeypatch):
    seed(app, 2)
    monkeypatch.setattr(page_mod, "inform", lambda *a, **k: None)
    window, page = open_letters(make_window, qtbot)
    assert page.letter_model.rowCount() == 0 and page.pending_model.rowCount() == 2
    # fonts by name (the files only in the tooltip); clauses as the policy names them
    assert "正文：" in page.font_label.text() and "/" not in page.font_label.text()
    assert ".tt" not in page.font_label.text() and ".tt" in page.font_label.toolTip()
    clauses = {page.pending_model.index(r, 2).data() for r in range(page.pending_model.rowCount())}
    assert clauses == {"（六）国家高新技术企业认定"}, clauses
    boxes = [page.clause_box.itemText(i) for i in range(1, page.clause_box.count())]
    assert boxes and all(b.startswith("（") for b in boxes)

    page.tabs.setCurrentIndex(1)
    page.pending_view.selectRow(0)
    assert page.issue_button.isEnabled()
    # the draft is previewed before any number is taken
    qtbot.waitUntil(lambda: bool(page.preview.findChildren(page_mod.QLabel, "preview_page")), timeout=10000)
    assert "草稿" in page.preview_note.text() and list_letters(app) == []
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 1, timeout=10000)
    assert page.pending_model.rowCount() == 1
    assert letters_shown(page) == [("包科字〔2026〕1号", "包头市测试1号科技有限公司", "有效")]
    assert page.letter_model.index(0, 5).data() == "300,000.00"

    page.tabs.setCurrentIndex(0)
    page.letter_view.selectRow(0)
    qtbot.waitUntil(lambda: bool(page.preview.findChildren(page_mod.QLabel, "preview_page")), timeout=10000)
    label = page.preview.findChildren(page_mod.QLabel, "preview_page")[0]  # a 文件 letter: two pages
    pixmap = label.pixmap()
    assert pixmap.width() >= 300 and abs(pixmap.height() / pixmap.width() - 297 / 210) < 0.01


def test_batch_cancelled_half_way_keeps_numbers_without_gap(app, make_window, qtbot, monkeypatch):
    seed(app, 4)
    messages = []
    monkeypatch.setattr(page_mod, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(page_mod, "inform", lambda _p, _t, text, **k: messages.append(text))
    window, page = open_letters(make_window, qtbot)
    page.year_box.setCurrentIndex(page.year_box.findData(2026))
    assert page.batch_button.isEnabled()

    real = page_mod.issue_letters

    def cancel_after_two(app_, year, **kw):
        progress = kw["progress"]
        original = progress.set_value

        def set_value(v):
            original(v)
            if v >= 2:
                progress.cancel()  # the officer presses 取消 in the progress dialog

        progress.set_value = set_value
        return real(app_, year, **kw)

    monkeypatch.setattr(page_mod, "issue_letters", cancel_after_two)
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    assert "已取消：已签发 2 份" in messages[0] and "其余 2 份未签发" in messages[0]
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 2, timeout=10000)
    assert [r.seq for r in list_letters(app)] == [1, 2]
    assert page.pending_model.rowCount() == 2

    monkeypatch.setattr(page_mod, "issue_letters", real)
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 4, timeout=20000)
    assert [r.seq for r in list_letters(app)] == [1, 2, 3, 4]
    assert page.pending_model.rowCount() == 0


def test_void_with_correction(app, make_window, qtbot, monkeypatch):
    seed(app, 1)
    monkeypatch.setattr(page_mod, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(page_mod, "inform", lambda *a, **k: None)
    window, page = open_letters(make_window, qtbot)
    page.year_box.setCurrentIndex(page.year_box.findData(2026))
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 1, timeout=10000)
    page.letter_view.selectRow(0)
    assert page.void_button.isEnabled()

    def fill_dialog(dialog):
        assert not dialog.ok_button.isEnabled()  # a reason is required
        type_text(qtbot, dialog.reason, "单位名称有误")
        assert dialog.reissue.isChecked()
        return 1

    monkeypatch.setattr(page_mod.VoidDialog, "exec", lambda self: fill_dialog(self))
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.letter_model.rowCount() == 2, timeout=10000)
    assert letters_shown(page) == [
        ("包科字〔2026〕1号", "包头市测试1号科技有限公司", "已作废"),
        ("包科字〔2026〕2号", "包头市测试1号科技有限公司", "有效"),
    ]
    assert "作废：单位名称有误" in page.letter_model.index(0, 8).data()
    assert page.letter_model.index(1, 8).data() == "替代包科字〔2026〕1号"


def test_printing_paints_the_archived_pages_on_a4(app, qtbot, tmp_path):
    from kjdesk.services.letters import issue_letters

    seed(app, 2)
    issue_letters(app, 2026)
    pdf = letter_pdf(app, 1)
    printer = letter_print.a4_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert letter_print.paint_pdf(printer, pdf) == pages
    reader = PdfReader(io.BytesIO((tmp_path / "printed.pdf").read_bytes()))
    box = reader.pages[0].mediabox
    assert (
        len(reader.pages) == pages
        and abs(float(box.width) - 595.3) < 1
        and abs(float(box.height) - 841.9) < 1
    )


def test_open_with_default_viewer_writes_the_stored_bytes(app, make_window, qtbot, monkeypatch):
    seed(app, 1)
    from kjdesk.services.letters import issue_letters

    issue_letters(app, 2026)
    opened = []
    monkeypatch.setattr(
        letter_print.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    window, page = open_letters(make_window, qtbot)
    page.letter_view.selectRow(0)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    with open(opened[0], "rb") as f:
        assert f.read() == letter_pdf(app, 1)


def test_export_each_into_a_folder(app, make_window, qtbot, monkeypatch, tmp_path):
    seed(app, 2)
    from kjdesk.services.letters import issue_letters

    issue_letters(app, 2026)
    done = []
    monkeypatch.setattr(letter_actions, "inform", lambda _p, _t, text, **k: done.append(text))
    monkeypatch.setattr(
        letter_actions.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "out")
    )
    window, page = open_letters(make_window, qtbot)
    page.export_dir_action.trigger()
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "包科字〔2026〕1号_包头市测试1号科技有限公司.pdf",
        "包科字〔2026〕2号_包头市测试2号科技有限公司.pdf",
    ]


def test_no_font_is_shown_in_red(app, make_window, qtbot, monkeypatch):
    from kjdesk.io import fonts

    monkeypatch.setattr(fonts, "system_faces", lambda: [])
    window, page = open_letters(make_window, qtbot)
    assert "找不到可嵌入 PDF 的中文 TrueType 字体" in page.font_label.text()
    assert "b00020" in page.font_label.styleSheet()
