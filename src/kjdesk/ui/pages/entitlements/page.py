"""The 应享资金 page: every instalment the register entitles a unit, platform or person to.

A year selector and filters (条款, 旗县区, 状态, and the instant text filter) narrow the table;
the totals line counts and sums what is visible; the detail pane below the table shows the
selected line's explanation with the policy's own sentence set off as a quotation. Actions:
重新计算 (the whole register, in the background, with progress), 录入金额 (for clauses whose
amount an officer enters) and 年度标准.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App, Changes
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements import RecomputeSummary, recompute_all, recompute_message
from kjdesk.services.entitlements.entered import MAKERS as ENTERING_ROLES
from kjdesk.services.entitlements.entry_context import enterable_clause_ids, entry_context, standard_clauses
from kjdesk.services.entitlements.listing import EntitlementLine, list_entitlements
from kjdesk.services.register.records import facts_to_verify
from kjdesk.ui.pages.entitlements.dialogs import EnterAmountDialog, StandardDialog
from kjdesk.ui.pages.entitlements.table import (
    COLUMNS,
    F_AMOUNT,
    F_REVIEW,
    STATUS_TIPS,
    EntitlementModel,
    clause_words,
    line_html,
    line_row,
)
from kjdesk.ui.table import make_table_view
from kjdesk.ui.table_columns import install_column_chooser
from kjdesk.ui.table_export import export_view, install_export
from kjdesk.ui.workers import Hub, QtProgress
from kjdesk.validation import districts_of

ALL = ""
WATCHES = ("units", "platforms", "people", "recognitions", "facts", "entitlements", "instalments")


@dataclass(frozen=True)
class PageData:
    lines: list[EntitlementLine]
    enterable: frozenset[str]
    districts: tuple[str, ...]


class EntitlementsPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.city = require_bureau(app).city
        self.loaded = False
        self.lines: list[EntitlementLine] = []
        self.enterable: frozenset[str] = frozenset()
        self._select_after: tuple[int, int | None] | None = None
        self._generation = 0

        self.model = EntitlementModel(COLUMNS, self)
        self.view = make_table_view(self.model, self)
        self.view.setObjectName("entitlements")
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.view.doubleClicked.connect(lambda _i: self.enter_amount())

        self.year_box = self._combo("year", "拨付年度")
        self.clause_box = self._combo("clause", "按条款筛选")
        self.district_box = self._combo("district", "按旗县区筛选")
        self.status_box = self._combo("status", "按状态筛选")
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setPlaceholderText(self.tr("筛选：单位、对象或条款（Ctrl+F）"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._text_filter)
        self.recompute_button = QToolButton(self)
        self.recompute_button.setObjectName("recompute")
        self.recompute_button.setText(self.tr("重新计算"))
        self.recompute_button.setToolTip(
            self.tr("按当前名录、认定记录和年度数据重新计算应享资金；记录未变化的对象沿用上次结果")
        )
        self.recompute_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        everything = QMenu(self.recompute_button)
        self.recompute_all_action = everything.addAction(self.tr("全部重新计算（每个对象都重新计算）"))
        self.recompute_all_action.triggered.connect(self.recompute_everything)
        self.recompute_button.setMenu(everything)
        self.enter_button = self._button("enter", "录入金额…", "为一事一议、配套或“不低于”条款录入金额及依据")
        self.standard_button = self._button("standard", "年度标准…", "设置条款的年度标准金额，录入时预填")
        self.verify_button = self._button(
            "verify",
            "核实数据…",
            "须核实的年度数据（如由“研发费用加计扣除额”更名的加计扣除研发费用）：核对后确认（D6）",
        )
        self.verify_button.clicked.connect(self.verify_facts)
        self.batch_button = self._button(
            "batch", "批量录入…", "为同一条款（和年度）的多项待决定事项录入同一金额、同一决定和拨付年度"
        )
        self.pending_button = self._button(
            "pending_sheet", "待决定事项表…", "导出所选年度待录入金额的事项（供局务会研究）"
        )
        self.batch_button.clicked.connect(self.batch_entry)
        self.pending_button.clicked.connect(lambda: self.export_pending())
        self.recompute_button.clicked.connect(lambda: self.recompute())
        self.enter_button.clicked.connect(self.enter_amount)
        self.standard_button.clicked.connect(self.edit_standard)
        # a 复核人 approves what a 经办人 entered (maker–checker): the service refuses him, so the
        # buttons are greyed with the reason rather than enabled and then refused
        self.may_enter = app.role in ENTERING_ROLES
        if not self.may_enter:
            why = self.tr("录入金额由经办人或管理员办理，复核人审批（当前：{role}）").format(role=app.role)
            for button in (self.enter_button, self.batch_button):
                button.setToolTip(why)
            self.batch_button.setEnabled(False)

        bar = QHBoxLayout()
        for label, box in (
            (self.tr("年度"), self.year_box),
            (self.tr("条款"), self.clause_box),
            (self.tr("旗县区"), self.district_box),
            (self.tr("状态"), self.status_box),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(box)
        bar.addWidget(self.filter_box, 1)
        actions = QHBoxLayout()
        self.totals = QLabel(self.tr("正在载入…"), self)
        self.totals.setObjectName("totals")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        actions.addWidget(self.totals, 1)
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("color:#2e6b3a;")
        actions.addWidget(self.notice)
        self.export_button = self._button(
            "export", "导出 Excel…", "把表格中显示的行和列（按当前筛选和排序）导出为 Excel 文件"
        )
        self.export_button.clicked.connect(lambda: self.export())
        install_export(self.view, self.ops, lambda: self.export_title, self)
        install_column_chooser(self.view, "EntitlementsPage")
        for button in (
            self.recompute_button,
            self.enter_button,
            self.batch_button,
            self.standard_button,
            self.pending_button,
            self.verify_button,
            self.export_button,
        ):
            actions.addWidget(button)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName("explanation")
        self.detail.setOpenLinks(False)
        # Table above, explanation below: the table keeps its full width for the money columns.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("entitlements_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([380, 260])
        self.splitter.setChildrenCollapsible(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self._empty_state())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.stack, 1)
        find = QAction(self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (self.filter_box.setFocus(), self.filter_box.selectAll()))
        self.addAction(find)
        self._selection_changed()
        self.reload()

    @property
    def export_title(self) -> str:
        year = self.year_box.currentText().strip()
        return f"应享资金（{year}）" if year and year[0].isdigit() else "应享资金"

    def export(self, path: str | None = None) -> None:
        """导出 Excel: the lines on show, in their filter and order, money in 元."""
        export_view(self, self.ops, self.view, self.export_title, path)

    # --- building -------------------------------------------------------------------------

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setToolTip(self.tr(tip))
        box.setMinimumContentsLength(6)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return box

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(self.tr(text), self)
        button.setObjectName(name)
        button.setToolTip(self.tr(tip))
        return button

    def _empty_state(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.addStretch(2)
        text = QLabel(self.tr("还没有应享资金。\n\n登记认定记录或导入名录后，这里会列出应享资金。"), panel)
        text.setObjectName("empty_text")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 15px; color: #555;")
        layout.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        for label, slot in (
            (self.tr("导入名录"), self.hub.sig_request_import.emit),
            (self.tr("重新计算"), lambda: self.recompute()),
        ):
            button = QPushButton(label, panel)
            button.setMinimumSize(120, 34)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(3)
        return panel

    # --- loading --------------------------------------------------------------------------

    def refresh(self, changes: Changes) -> None:
        if any(getattr(changes, w) for w in WATCHES):
            self.reload()

    def reload(self) -> None:
        line = self.selected_line()
        if line is not None and self._select_after is None:
            self._select_after = (line.entitlement_id, line.year)
        city = self.city
        self._generation += 1
        generation = self._generation

        def fetch(_p: QtProgress) -> PageData:
            return PageData(list_entitlements(self.app), enterable_clause_ids(self.app), districts_of(city))

        self.ops.read(fetch, lambda data: self._loaded(data, generation))

    def _loaded(self, data: PageData, generation: int) -> None:
        if generation != self._generation:  # a newer reload is on its way
            return
        self.lines, self.enterable = data.lines, data.enterable
        years = sorted({ln.year for ln in self.lines if ln.year is not None}, reverse=True)
        clauses = sorted(
            {(ln.clause_id, clause_words(ln.article, ln.clause_title, ln.clause_id)) for ln in self.lines}
        )
        present = {ln.district for ln in self.lines if ln.district}
        districts = [d for d in data.districts if d in present] + sorted(present - set(data.districts))
        statuses = sorted(
            {ln.status for ln in self.lines},
            key=lambda s: list(STATUS_TIPS).index(s) if s in STATUS_TIPS else 99,
        )
        self._fill(self.year_box, "全部年度", [(f"{y} 年", y) for y in years])
        self._fill(self.clause_box, "全部条款", [(words, cid) for cid, words in clauses])
        self._fill(self.district_box, "全部旗县区", [(d, d) for d in districts])
        self._fill(self.status_box, "全部状态", [(s, s) for s in statuses])
        self.loaded = True
        self.stack.setCurrentIndex(0 if self.lines else 1)
        self._apply_filters()

    def _fill(self, box: QComboBox, everything: str, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr(everything), ALL)
        for text, data in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(0, box.findData(current)) if current not in (None, ALL) else 0)
        box.blockSignals(False)

    # --- filtering ------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        if not self.loaded:
            return
        keep = self._select_after
        if keep is None and (line := self.selected_line()) is not None:
            keep = (line.entitlement_id, line.year)
        self._select_after = None
        year, clause = self.year_box.currentData(), self.clause_box.currentData()
        district, status = self.district_box.currentData(), self.status_box.currentData()
        rows = []
        for i, ln in enumerate(self.lines):
            if (year != ALL and ln.year != year) or (clause != ALL and ln.clause_id != clause):
                continue
            if (district != ALL and ln.district != district) or (status != ALL and ln.status != status):
                continue
            rows.append(line_row(i, ln))
        self.model.set_rows(rows)
        self._restore_selection(keep)
        self._update_totals()

    def _text_filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_totals()
        self._selection_changed()

    def _restore_selection(self, key: tuple[int, int | None] | None) -> None:
        if key is None:
            self._selection_changed()
            return
        best = -1
        for r in range(self.model.shown):
            ln = self.lines[self.model.row_id(r)]
            if ln.entitlement_id == key[0] and (ln.year == key[1] or best < 0):
                best = r
                if ln.year == key[1]:
                    break
        if best >= 0:
            while self.model.rowCount() <= best and self.model.canFetchMore(QModelIndex()):
                self.model.fetchMore(QModelIndex())
            self.view.selectRow(best)
            self.view.scrollTo(self.model.index(best, 0))
        self._selection_changed()

    def _update_totals(self) -> None:
        shown = [self.model.row_tuple(r) for r in range(self.model.shown)]
        total = sum(r[F_AMOUNT] for r in shown)
        review = sum(1 for r in shown if r[F_REVIEW])
        text = self.tr("共 {n} 条，合计 <b>{total}</b> 元").format(n=len(shown), total=format_yuan(total))
        if len(shown) != len(self.lines):
            text += self.tr("（全部 {n} 条）").format(n=len(self.lines))
        if review:
            text += self.tr("；<span style='color:#b34700'>待复核 {n} 条</span>").format(n=review)
        undated = sum(1 for ln in self.lines if ln.year is None and ln.status == "待录入金额")
        if self.year_box.currentData() != ALL and undated:
            text += self.tr("；另有 {n} 条待录入金额（未分年度），请选择“全部年度”查看").format(n=undated)
        self.totals.setText(text)

    # --- selection and detail -------------------------------------------------------------

    def selected_line(self) -> EntitlementLine | None:
        selected = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not selected or selected[0].row() >= self.model.rowCount():
            return None
        return self.lines[self.model.row_id(selected[0].row())]

    def _selection_changed(self) -> None:
        line = self.selected_line()
        self.enter_button.setEnabled(self.may_enter and line is not None and line.clause_id in self.enterable)
        if line is None:
            self.detail.setHtml(
                "<p style='color:#666'>"
                + self.tr("选择一行，查看金额的计算说明：条款原文、所用认定和数据、计算过程和本系统口径。")
                + "</p>"
            )
            return
        self.detail.setHtml(line_html(line))

    # --- actions --------------------------------------------------------------------------

    def recompute(self, *, force: bool = False) -> None:
        self.recompute_button.setEnabled(False)

        def done(summary: RecomputeSummary) -> None:
            self.recompute_button.setEnabled(True)
            self.notice.setText(recompute_message(summary))

        def failed(exc: BaseException) -> None:
            self.recompute_button.setEnabled(True)
            self.ops.show_error(exc)

        self.ops.write(
            lambda p: recompute_all(self.app, p, force=force),
            done,
            failed,
            label=self.tr("正在重新计算应享资金…"),
        )

    def recompute_everything(self) -> None:
        self.recompute(force=True)

    def enter_amount(self) -> None:
        line = self.selected_line()
        if line is None or line.clause_id not in self.enterable:
            return
        ent_id = line.entitlement_id
        year = (
            None if line.waiting else line.year
        )  # a waiting item's year is its trigger's, not a payment year
        self._select_after = (ent_id, line.year)
        self.ops.read(lambda _p: entry_context(self.app, ent_id, year), self._open_entry)

    def batch_entry(self) -> None:
        from kjdesk.services.disbursement.decisions import list_decisions
        from kjdesk.services.disbursement.pending import pending_items

        line = self.selected_line()
        clause_id = self.clause_box.currentData() or (line.clause_id if line is not None else "")
        app = self.app
        self.ops.read(
            lambda _p: (pending_items(app), list_decisions(app), standard_clauses(app)),
            lambda found: self._open_batch(found[0], found[1], clause_id, found[2]),
        )

    def _open_batch(self, items: list, decisions: list, clause_id: str, clauses: list | None = None) -> None:
        from kjdesk.ui.pages.entitlements.decision_dialogs import BatchEntryDialog

        if not items:
            self.notice.setText(self.tr("没有待录入金额的事项"))
            return
        standards = {c.clause_id: c.standards for c in clauses or ()}
        dialog = BatchEntryDialog(self.app, self.ops, items, decisions, clause_id, self, standards)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.notice.setText(self.tr("已批量录入 {n} 项").format(n=len(dialog.result_value or [])))
        )
        dialog.open()

    def export_pending(self, path: str | None = None) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from kjdesk.services.disbursement.reports import write_pending

        year = self.year_box.currentData() or None
        if path is None:
            name = f"{year}年度待决定事项表.xlsx" if year else "待决定事项表.xlsx"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("导出待决定事项表"), str(Path.home() / name), "Excel (*.xlsx)"
            )
            if not path:
                return
        app = self.app
        self.ops.read(
            lambda p: write_pending(app, year, path, p),
            lambda r: self.notice.setText(
                self.tr("已导出待决定事项表：{p}（{n} 项）").format(p=r[0], n=r[1])
            ),
            label=self.tr("正在生成待决定事项表…"),
        )

    def _open_entry(self, ctx) -> None:  # noqa: ANN001 - EntryContext
        dialog = EnterAmountDialog(self.app, self.ops, ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def verify_facts(self) -> None:
        """须核实的年度数据 (D6): list them; the officer confirms the checked ones."""
        self.ops.read(lambda _p: facts_to_verify(self.app), self._open_verify)

    def _open_verify(self, facts: list) -> None:
        from kjdesk.ui.pages.entitlements.verify_facts_dialog import VerifyFactsDialog

        dialog = VerifyFactsDialog(self.app, self.ops, facts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def edit_standard(self) -> None:
        line = self.selected_line()
        year = self.year_box.currentData() or (line.year if line and line.year else None)
        clause_id = line.clause_id if line is not None else ""
        self.ops.read(
            lambda _p: standard_clauses(self.app),
            lambda clauses: self._open_standard(clauses, year, clause_id),
        )

    def _open_standard(self, clauses: list, year: int | None, clause_id: str) -> None:
        from datetime import date

        dialog = StandardDialog(self.app, self.ops, clauses, year or date.today().year, clause_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
