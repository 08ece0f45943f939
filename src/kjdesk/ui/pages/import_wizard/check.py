"""The later pages of the import wizard: column mapping, the check (dry run), the commit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from kjdesk.services.imports import ImportPlan, ImportResult, RosterLayout
from kjdesk.ui import settings
from kjdesk.ui.pages.import_wizard.work_page import WorkPage
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.table_columns import fit_columns, install_column_chooser

if TYPE_CHECKING:
    from kjdesk.ui.pages.import_wizard.wizard import ImportWizard

NOT_MAPPED = -1


class MappingPage(WorkPage):
    """预览与列对应: each field of the roster kind with the sheet column it reads (editable)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("预览与列对应"))
        self.setSubTitle(self.tr("已按表头自动对应各列；如有不对，请在右侧改选。带 * 的为必填。"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_host)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(scroll, 1)
        box.addWidget(self.message)
        box.addWidget(self.busy)
        self.combos: dict[str, QComboBox] = {}
        self._key: tuple | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from kjdesk.services.imports import inspect_roster

        fp, sp = self.wiz.file_page, self.wiz.sheet_page
        key = (fp.path(), fp.kind(), sp.sheet(), sp.header_row())
        if key == self._key and self.combos:
            return
        self._key = key
        self._clear()
        path, kind, sheet, header_row = key
        self.run(lambda p: inspect_roster(path, kind, sheet, header_row, p), self._show)

    def failed(self, exc: BaseException) -> None:
        self._key = None

    def _clear(self) -> None:
        self.combos.clear()
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.summary.clear()

    def _show(self, layout: RosterLayout) -> None:
        self.wiz.layout_info = layout
        auto = self.tr("（自动判断）") if self.wiz.file_page.kind() is None else ""
        self.summary.setText(
            self.tr("类型：{kind}{auto}；工作表“{sheet}”，表头在第 {row} 行，共 {n} 列。").format(
                kind=layout.kind_label,
                auto=auto,
                sheet=layout.sheet,
                row=layout.header_row,
                n=len(layout.headers),
            )
            + (self.tr("\n名单标题：{title}").format(title=layout.title) if layout.title else "")
        )
        for col, title in enumerate((self.tr("字段"), self.tr("对应的列"), self.tr("第一行的内容"))):
            head = QLabel(f"<b>{title}</b>")
            self.grid.addWidget(head, 0, col)
        first = layout.samples[0] if layout.samples else []
        for r, (key, label, required) in enumerate(layout.fields, start=1):
            self.grid.addWidget(QLabel(f"{label} *" if required else label), r, 0)
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), NOT_MAPPED)
            for i, header in enumerate(layout.headers):
                combo.addItem(header, i)
            idx = layout.mapping.get(key)
            combo.setCurrentIndex(0 if idx is None else idx + 1)
            sample = QLabel()
            combo.currentIndexChanged.connect(lambda _i, c=combo, s=sample: self._sample(c, s, first))
            self._sample(combo, sample, first)
            self.grid.addWidget(combo, r, 1)
            self.grid.addWidget(sample, r, 2)
            self.combos[key] = combo
        self.grid.setRowStretch(len(layout.fields) + 1, 1)

    @staticmethod
    def _sample(combo: QComboBox, label: QLabel, first: list[str]) -> None:
        idx = combo.currentData()
        label.setText(first[idx] if idx is not None and 0 <= idx < len(first) else "")

    def mapping(self) -> dict[str, int | None]:
        return {
            k: (None if c.currentData() == NOT_MAPPED else c.currentData()) for k, c in self.combos.items()
        }

    def set_column(self, key: str, header_index: int | None) -> None:
        """Choose the sheet column a field reads (``None``: not imported)."""
        combo = self.combos[key]
        combo.setCurrentIndex(0 if header_index is None else header_index + 1)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.idle() and self.wiz.layout_info is not None and bool(self.combos)


class CheckPage(WorkPage):
    """检查: the dry run — what would be added, updated, unchanged, and every error."""

    ERROR_COLUMNS = [
        Column(1, "行", width=50, align_right=True),
        Column(2, "列", width=160),
        Column(3, "内容", width=180, searchable=True),
        Column(5, "建议修改", width=180, searchable=True),
        Column(4, "原因", searchable=True),
    ]
    NOTE_COLUMNS = [
        Column(1, "行", width=50, align_right=True),
        Column(2, "列", width=160),
        Column(3, "内容", width=180, searchable=True),
        Column(4, "提示", searchable=True),
    ]
    ITEM_COLUMNS = [
        Column(1, "行", width=50, align_right=True),
        Column(2, "处理", width=60),
        Column(3, "对象", width=70),
        Column(4, "名称", width=320, max_width=720, searchable=True),
        Column(5, "变化", max_width=480),
    ]

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("检查"))
        self.setSubTitle(
            self.tr("只检查、不写入。全部无误才能导入；有错误时可保存标出错误的名单，改好后重新导入。")
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9c5700")
        self.errors_model = RowTableModel(self.ERROR_COLUMNS, self)
        self.items_model = RowTableModel(self.ITEM_COLUMNS, self)
        self.errors_view = make_table_view(self.errors_model, sortable=False)
        self.items_view = make_table_view(self.items_model, sortable=False)
        self.notes_model = RowTableModel(self.NOTE_COLUMNS, self)
        self.notes_view = make_table_view(self.notes_model, sortable=False)
        for view, name in (
            (self.errors_view, "ImportCheckErrors"),
            (self.items_view, "ImportCheckItems"),
            (self.notes_view, "ImportCheckNotes"),
        ):
            install_column_chooser(view, name)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.errors_view, self.tr("错误"))
        self.tabs.addTab(self.items_view, self.tr("将导入"))
        self.tabs.addTab(self.notes_view, self.tr("提示"))
        self._names_tab()
        self.save_errors = QPushButton(self.tr("保存错误表…"))
        self.save_errors.clicked.connect(self.ask_save_errors)
        self.save_errors.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_errors)
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.warning)
        box.addWidget(self.tabs, 1)
        box.addLayout(buttons)
        box.addWidget(self.message)
        box.addWidget(self.busy)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from kjdesk.services.imports import preview

        layout = self.wiz.layout_info
        assert layout is not None
        self.wiz.plan = None
        self.summary.clear()
        self.warning.clear()
        self.errors_model.set_rows([])
        self.items_model.set_rows([])
        self.notes_model.set_rows([])
        self.save_errors.setEnabled(False)
        mapping = self.wiz.mapping_page.mapping()
        app, header_row = self.wiz.app, self.wiz.sheet_page.header_row()
        whole = self.wiz.whole_page.whole()
        if self._answers_for != (layout.path, layout.sheet):
            self.answers, self.type_answers = {}, {}
            self._answers_for = (layout.path, layout.sheet)
        answers, type_answers = dict(self.answers), dict(self.type_answers)

        def call(progress):  # noqa: ANN001, ANN202
            return preview(
                app,
                layout.path,
                layout.kind,
                layout.sheet,
                mapping,
                progress,
                header_row=header_row,
                whole=whole,
                answers=answers,
                type_answers=type_answers,
            )

        self.run(call, self._show)

    def _names_tab(self) -> None:
        from kjdesk.ui.pages.import_wizard.whole import NameResolver, TitleResolver

        self.answers: dict = {}
        self.type_answers: dict = {}
        self._answers_for: tuple | None = None
        self.resolver = NameResolver(())
        self.title_resolver = TitleResolver()
        self.recheck = QPushButton(self.tr("按所选重新检查"))
        self.recheck.setEnabled(False)
        self.recheck.clicked.connect(self.apply_answers)
        self.resolver.sig_changed.connect(self._answerable)
        self.title_resolver.sig_changed.connect(self._answerable)
        host = QWidget()
        box = QVBoxLayout(host)
        note = QLabel(
            self.tr(
                "以下认定类型的写法无法识别，或名称在单位名录中找不到、有重名。请选择它对应的认定类型；"
                "对每个名称选择对应的单位、新登记单位（须填信用代码和旗县区）或跳过这些行。"
                "导入后这些对应关系会记住，下次同样的写法不再询问（可在“导入对照”页修改）。"
            )
        )
        note.setWordWrap(True)
        inner = QWidget()
        inner_box = QVBoxLayout(inner)
        inner_box.addWidget(self.title_resolver)
        inner_box.addWidget(self.resolver, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        box.addWidget(note)
        box.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.recheck)
        box.addLayout(row)
        self.names_index = self.tabs.addTab(host, self.tr("待确认"))

    def _answerable(self) -> None:
        ready = self.resolver.answers() is not None and self.title_resolver.answers() is not None
        self.recheck.setEnabled(ready)

    def apply_answers(self) -> None:
        """Check the list again with the officer's answers (nothing is written until 导入)."""
        answers, type_answers = self.resolver.answers(), self.title_resolver.answers()
        if answers is None or type_answers is None:
            return
        self.answers.update(answers)
        self.type_answers.update(type_answers)
        self.initializePage()

    def _show(self, plan: ImportPlan) -> None:
        self.wiz.plan = plan
        self.summary.setText(plan.summary())
        self.warning.setText("\n".join(plan.warnings()))
        self.errors_model.set_rows(
            [(n, e.row, e.column, e.value, e.reason, e.suggestion) for n, e in enumerate(plan.errors)]
        )
        self.notes_model.set_rows([(n, e.row, e.column, e.value, e.reason) for n, e in enumerate(plan.notes)])
        self.tabs.setTabText(2, self.tr("提示（{n}）").format(n=len(plan.notes)))
        self.items_model.set_rows(
            [
                (n, i.row, i.action, i.entity, i.label, i.detail)
                for n, i in enumerate(plan.items)
                if i.action != "不变"
            ]
        )
        if plan.questions and not self.resolver.districts:
            from kjdesk.services.core.settings import require_bureau
            from kjdesk.validation import districts_of

            self.resolver.districts = districts_of(require_bureau(self.wiz.app).city)
        self.resolver.set_questions(plan.questions)
        self.title_resolver.set_wordings(plan.unknown_titles)
        self.recheck.setEnabled(False)
        asked = len(plan.questions) + len(plan.unknown_titles)
        self.tabs.setTabText(self.names_index, self.tr("待确认（{n}）").format(n=asked))
        self.tabs.setTabVisible(self.names_index, bool(asked))
        if plan.whole_notes:
            self.warning.setText("\n".join([*plan.warnings(), *plan.whole_notes]))
        self.tabs.setTabText(0, self.tr("错误（{n}）").format(n=len(plan.errors)))
        self.tabs.setTabText(1, self.tr("将新增或更新（{n}）").format(n=plan.added + plan.updated))
        first = self.names_index if asked else 0 if plan.errors else 1
        self.tabs.setCurrentIndex(first)
        for view in (self.errors_view, self.items_view, self.notes_view):
            fit_columns(view)  # each list its own widths (unless the officer set them)
        self.save_errors.setEnabled(bool(plan.errors))
        self.wiz.setButtonText(
            QWizard.WizardButton.NextButton, self.tr("导入") if plan.ok else self.tr("下一步 >")
        )

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.wiz.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))

    def ask_save_errors(self) -> None:
        plan = self.wiz.plan
        if plan is None:
            return
        folder = str(settings.get(settings.LAST_FOLDER)) or str(plan.path.parent)
        default = Path(folder) / f"{plan.path.stem}-错误说明.xlsx"
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存错误表"), str(default), "Excel 工作簿 (*.xlsx)"
        )
        if name:
            self.save_error_workbook(Path(name if name.lower().endswith(".xlsx") else name + ".xlsx"))

    def save_error_workbook(self, path: Path) -> None:
        from kjdesk.services.imports.roster_files import save_error_workbook

        plan = self.wiz.plan
        assert plan is not None
        self.run(
            lambda _p: save_error_workbook(plan, path),
            lambda saved: self.warning.setText(self.tr("已保存错误表：{path}").format(path=saved)),
        )

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        plan = self.wiz.plan
        return self.idle() and plan is not None and plan.ok and plan.rows > 0


class CommitPage(WorkPage):
    """导入: writes the checked plan in one transaction; cancelling rolls it back."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("导入"))
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.result_label)
        box.addStretch(1)
        box.addWidget(self.message)
        box.addWidget(self.busy)
        self.finished_work = False

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from kjdesk.services.imports import commit

        plan = self.wiz.plan
        assert plan is not None
        self.finished_work = False
        self.result_label.setText(self.tr("正在写入数据库（全部成功才生效）…"))
        app = self.wiz.app
        self.run(lambda progress: commit(app, plan, progress), self._done, write=True)

    def _done(self, result: ImportResult) -> None:
        self.wiz.result = result
        self.finished_work = True
        self.result_label.setText(result.summary())

    def failed(self, exc: BaseException) -> None:
        self.finished_work = True
        self.result_label.setText(self.tr("导入未完成，数据库未做任何改动。"))

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.idle() and self.finished_work
