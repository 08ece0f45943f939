"""帮助: the user manual window (text, every screenshot found and fitted) and the 关于 box."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from kjdesk import __version__
from kjdesk.ui import help as help_module
from kjdesk.ui.help import about_dialog, about_html, manual_path, open_manual

DOCS = Path(__file__).resolve().parents[2] / "docs"


def image_names(markdown: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)


def test_the_manual_covers_the_officers_work_and_every_image_exists():
    text = (DOCS / "使用手册.md").read_text(encoding="utf-8")
    for chapter in (
        "首次使用",
        "导入名录",
        "核对应享资金",
        "报批与审批",
        "登记拨付",
        "通知书",
        "财务报表",
        "备份与恢复",
    ):
        assert f"{chapter}" in text, chapter
    images = image_names(text)
    assert len(images) >= 10
    for name in images:
        path = DOCS / name
        assert path.is_file(), name
        assert path.stat().st_size < 400_000, f"{name} is too large for the manual"


def test_manual_window_shows_the_text_and_fits_every_screenshot(qtbot):
    dialog = open_manual(None)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.path == manual_path()
    text = dialog.browser.toPlainText()
    assert "科技兑现台 使用手册" in text and "报批与审批" in text
    expected = image_names(dialog.path.read_text(encoding="utf-8"))
    assert dialog.images == len(expected)  # every image resolved relative to the manual
    widths = []
    block = dialog.browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                widths.append(fmt.toImageFormat().width())
            it += 1
        block = block.next()
    assert len(widths) == len(expected)
    assert max(widths) == help_module.IMAGE_MAX_WIDTH  # the 1200 px screenshots were shrunk
    dialog.close()


def test_asking_again_brings_the_same_window_back(qtbot):
    from PySide6.QtWidgets import QWidget

    main = QWidget()
    qtbot.addWidget(main)
    first = open_manual(main)
    first.close()
    assert not first.isVisible()
    again = open_manual(main)
    assert again is first and again.isVisible()
    again.close()


def test_installed_manual_is_found_in_the_resources(tmp_path, monkeypatch, qtbot):
    """As in the wheel and the bundle: resources/docs/使用手册.md with its images beside it."""
    installed = tmp_path / "resources"
    (installed / "docs").mkdir(parents=True)
    shutil.copy(DOCS / "使用手册.md", installed / "docs" / "使用手册.md")
    shutil.copytree(DOCS / "images", installed / "docs" / "images")
    monkeypatch.setattr(help_module, "resources_dir", lambda: installed)
    assert manual_path() == installed / "docs" / "使用手册.md"
    dialog = open_manual(None)
    qtbot.addWidget(dialog)
    assert dialog.images == len(image_names((DOCS / "使用手册.md").read_text(encoding="utf-8")))


def test_missing_manual_is_said_in_chinese(tmp_path, monkeypatch, qtbot):
    monkeypatch.setattr(help_module, "resources_dir", lambda: tmp_path / "resources")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    assert open_manual(None) is None
    assert shown and "找不到使用手册" in shown[0]


def test_about_names_the_version_and_both_policy_documents(qtbot):
    html = about_html("baotou")
    assert __version__ in html
    assert "包党发〔2021〕24号" in html and "2021-08-14 起施行" in html
    assert "乌海政发〔2021〕21号" in html
    assert html.count("（本局）") == 1
    box = about_dialog(None, "wuhai")
    qtbot.addWidget(box)
    assert box.isVisible() and "乌海政发〔2021〕21号" in box.text()
    box.close()
