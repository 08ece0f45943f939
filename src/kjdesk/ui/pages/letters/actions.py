"""The output actions of the 通知书 page: print preview, print, open, export, choose the font.

A mixin of ``LettersPage``: it uses the page's ``app``, ``ops``, ``selected_letter``,
``shown_valid_letters``, ``font_path`` and ``reload``. What is printed or written is always
the archived PDF of each letter.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from kjdesk.services.letters import NoFontFound, find_letter_fonts, letter_pdf
from kjdesk.services.letters.export import export_letters, file_name, merged_pdf
from kjdesk.services.letters.rows import LetterRow
from kjdesk.ui import settings
from kjdesk.ui.dialogs import inform
from kjdesk.ui.pages.letters import printing as letter_print

FONT_PATH = settings.Option("letters/font_path", "", str)


class LetterOutputActions(QWidget):
    """Printing and exporting stored letters (mixed into ``LettersPage``)."""

    @property
    def font_path(self) -> str:
        return str(settings.get(FONT_PATH))

    def _with_pdf(self, then, label: str) -> None:  # noqa: ANN001
        """Fetch the selected letter's PDF, or all shown valid letters merged, then call ``then``."""
        letter = self.selected_letter()
        rows = [letter] if letter is not None else self.shown_valid_letters()
        if not rows:
            return
        title = rows[0].number if len(rows) == 1 else self.tr("通知书 {n} 份").format(n=len(rows))
        name = file_name(rows[0]) if len(rows) == 1 else "通知书.pdf"
        self.ops.read(
            lambda p: merged_pdf(self.app, rows, progress=p), lambda pdf: then(pdf, title, name), label=label
        )

    def print_preview(self) -> None:
        self._with_pdf(
            lambda pdf, title, _n: letter_print.print_preview(self, pdf, title), self.tr("正在准备打印")
        )

    def print_direct(self) -> None:
        self._with_pdf(
            lambda pdf, title, _n: letter_print.print_with_dialog(self, pdf, title), self.tr("正在准备打印")
        )

    def open_external(self) -> None:
        letter = self.selected_letter()
        if letter is not None:
            self.ops.read(
                lambda _p: letter_pdf(self.app, letter.id),
                lambda pdf: letter_print.open_with_default_viewer(pdf, file_name(letter)),
            )

    def export(self, merged: bool) -> None:
        """The valid letters shown: merged into one PDF, or one file each into a folder."""
        rows = self.shown_valid_letters()
        if not rows:
            return
        start = str(settings.get(settings.LAST_FOLDER))
        if merged:
            target, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("导出通知书（合并为一个 PDF）"),
                start + "/通知书.pdf",
                self.tr("PDF 文件 (*.pdf)"),
            )
        else:
            target = QFileDialog.getExistingDirectory(
                self, self.tr("导出通知书到文件夹（每份一个文件）"), start
            )
        if not target:
            return
        if merged and not target.lower().endswith(".pdf"):
            target += ".pdf"
        self.export_to(rows, Path(target))

    def export_to(self, rows: list[LetterRow], target: Path) -> None:
        settings.put(settings.LAST_FOLDER, str(target.parent if target.suffix else target))
        self.ops.read(
            lambda p: export_letters(self.app, rows, target, progress=p),
            lambda r: inform(self, self.tr("导出通知书"), r.message),
            label=self.tr("正在导出通知书"),
        )

    def choose_font(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择通知书正文字体（如 C:\\Windows\\Fonts\\simfang.ttf 仿宋）"),
            self.font_path or "C:/Windows/Fonts",
            self.tr("TrueType 字体 (*.ttf *.ttc *.TTF *.TTC)"),
        )
        if not path:
            return
        try:
            find_letter_fonts(path)
        except NoFontFound as exc:
            inform(self, self.tr("选择字体"), str(exc), warning=True)
            return
        settings.put(FONT_PATH, path)
        self.reload()
