"""导入名录: the import wizard — file and kind → sheet → column mapping → check → commit.

Every step that reads the file or the database runs off the UI thread through
``ui/workers.Operations`` (the main window's, or the wizard's own), with a progress bar and
a 取消 button in the page; cancelling changes nothing. The wizard only calls services:
``sheet_names``, ``inspect_roster``, ``preview``, ``save_error_workbook`` and ``commit``.

Entry point: ``ImportWizard(app, parent).exec()`` (the main window opens it with Ctrl+I).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
    QWizard,
)

from kjdesk.services.core.app import App
from kjdesk.services.core.progress import Cancelled
from kjdesk.services.imports import KINDS, ImportPlan, ImportResult, RosterLayout
from kjdesk.ui import settings
from kjdesk.ui.dialogs import PreserveGeometry
from kjdesk.ui.pages.import_wizard.work_page import WorkPage
from kjdesk.ui.workers import Hub, Operations

FILE_FILTER = "表格文件 (*.xlsx *.xls *.et *.ett *.ods *.csv *.docx);;所有文件 (*)"


class FilePage(WorkPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("选择文件和名单类型"))
        self.setSubTitle(
            self.tr(
                "支持 .xlsx、.xls（WPS/旧版 Excel）、.et（WPS 表格）、.ods、.csv（UTF-8 或 GBK），"
                "以及含名单表格的 Word 文档（.docx，每个表格可作为一个工作表选择）。"
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("要导入的名单文件"))
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self.browse)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("自动判断"), None)
        for key, kind in KINDS.items():
            self.kind_combo.addItem(kind.label, key)
        self.template_button = QPushButton(self.tr("下载空白模板…"))
        self.template_button.setToolTip(
            self.tr("带表头、下拉选项（旗县区、级别、认定类型、企业规模）和示例行的名单模板")
        )
        self.template_button.clicked.connect(self.ask_template)
        self.kind_combo.currentIndexChanged.connect(
            lambda _i: self.template_button.setEnabled(self.kind() is not None)
        )
        self.template_button.setEnabled(False)
        self.note = QLabel()
        self.note.setWordWrap(True)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_combo, 1)
        kind_row.addWidget(self.template_button)
        form = QFormLayout(self)
        form.addRow(self.tr("文件："), file_row)
        form.addRow(self.tr("名单类型："), kind_row)
        form.addRow(self.note)
        form.addRow(self.message)
        form.addRow(self.busy)

    def browse(self) -> None:
        folder = str(settings.get(settings.LAST_FOLDER)) or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择要导入的名单"), folder, FILE_FILTER)
        if name:
            self.path_edit.setText(name)
            settings.put(settings.LAST_FOLDER, str(Path(name).parent))

    def ask_template(self) -> None:
        kind = self.kind()
        if kind is None:
            return
        folder = str(settings.get(settings.LAST_FOLDER)) or str(Path.home())
        default = str(Path(folder) / f"{KINDS[kind].label}模板.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存名单模板"), default, "Excel 工作簿 (*.xlsx)")
        if name:
            self.save_template(Path(name if name.lower().endswith(".xlsx") else name + ".xlsx"))

    def save_template(self, path: Path) -> None:
        """Write a blank roster of the chosen kind to ``path`` (off the UI thread)."""
        from kjdesk.services.imports.roster_files import write_roster_template

        kind, app = self.kind(), self.wiz.app
        assert kind is not None
        self.note.clear()
        self.run(
            lambda _p: write_roster_template(app, kind, path),
            lambda saved: self.note.setText(
                self.tr("模板已保存：{path}（填写后在此导入）").format(path=saved)
            ),
        )

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def kind(self) -> str | None:
        return self.kind_combo.currentData()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        text = self.path_edit.text().strip()
        return self.idle() and bool(text) and Path(text).is_file()


class SheetPage(WorkPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("选择工作表"))
        self.setSubTitle(self.tr("表头行可自动查找（标题行、合并单元格的横幅会被跳过），也可指定。"))
        self.sheet_combo = QComboBox()
        self.header_spin = QSpinBox()
        self.header_spin.setRange(0, 30)
        self.header_spin.setSpecialValueText(self.tr("自动查找"))
        form = QFormLayout(self)
        form.addRow(self.tr("工作表："), self.sheet_combo)
        form.addRow(self.tr("表头所在行："), self.header_spin)
        form.addRow(self.message)
        form.addRow(self.busy)
        self._for: Path | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        path = self.wiz.file_page.path()
        if path == self._for and self.sheet_combo.count():
            return
        from kjdesk.services.imports import sheet_choice

        self._for = path
        self.sheet_combo.clear()
        self.run(lambda _p: sheet_choice(path), self._loaded)

    def _loaded(self, choice: tuple[list[str], str | None]) -> None:
        names, preferred = choice
        self.sheet_combo.addItems(names)
        if preferred in names:  # a Word notice whose list is not its first table
            self.sheet_combo.setCurrentIndex(names.index(preferred))

    def failed(self, exc: BaseException) -> None:
        self._for = None

    def sheet(self) -> str | None:
        return self.sheet_combo.currentText() or None

    def header_row(self) -> int | None:
        return self.header_spin.value() or None

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.idle() and self.sheet_combo.count() > 0


class ImportWizard(PreserveGeometry, QWizard):
    """导入名录. ``ops`` defaults to the parent window's ``hub.ops``, else the wizard's own."""

    def __init__(self, app: App, parent: QWidget | None = None, ops: Operations | None = None) -> None:
        super().__init__(parent)
        from kjdesk.ui.pages.import_wizard.check import CheckPage, CommitPage, MappingPage
        from kjdesk.ui.pages.import_wizard.whole import WholeListPage

        self.app = app
        hub = getattr(parent, "hub", None)
        self.ops: Operations = ops or getattr(hub, "ops", None) or Operations(Hub(self), self)
        self.closed = False
        self.layout_info: RosterLayout | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.setWindowTitle(self.tr("导入名录"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.whole_page = WholeListPage(self)
        self.check_page = CheckPage(self)
        self.commit_page = CommitPage(self)
        pages = (self.file_page, self.sheet_page, self.mapping_page, self.whole_page, self.check_page)
        for page in (*pages, self.commit_page):
            self.addPage(page)
        self.resize(900, 620)
        self.restore_geometry()

    def work_pages(self) -> list[WorkPage]:
        return [
            self.file_page,
            self.sheet_page,
            self.mapping_page,
            self.whole_page,
            self.check_page,
            self.commit_page,
        ]

    def nextId(self) -> int:  # noqa: N802 - Qt override
        """整份名单的取值 only for a recognitions list without 认定类型 or 认定日期 columns."""
        if self.currentPage() is self.mapping_page and not self.whole_page.needed():
            return self.pageIds()[self.pageIds().index(self.currentId()) + 2]
        return super().nextId()

    def busy(self) -> bool:
        return any(not p.idle() for p in self.work_pages())

    def reject(self) -> None:
        """取消 or Esc: stop what is running (a commit rolls back) and close."""
        for page in self.work_pages():
            page.cancel_task()
        self.closed = True
        self.save_geometry()
        super().reject()

    def done(self, result: int) -> None:
        self.closed = True
        self.save_geometry()
        super().done(result)


def cancelled(exc: BaseException) -> bool:
    return isinstance(exc, Cancelled)
