"""The 应享资金 page: every instalment the register entitles a unit, platform or person to.

A year selector and filters (条款, 旗县区, 状态, and the instant text filter) narrow the table;
the totals line counts and sums what is visible; the detail pane below the table shows the
selected line's explanation with the policy's own sentence set off as a quotation (read for
that line when it is selected: ``services/entitlements/detail.py``). Actions:
重新计算 (the whole register, in the background, with progress), 录入金额 (for clauses whose
amount an officer enters) and 年度标准.

At a city's scale (80,000 lines and more) the page opens as the register pages do: the lines of
the first entitlements are read and shown at once, then every line is read on the read pool,
with its table row, the filter index and the filter choices, and appended below the rows on
show (the scroll position and the selection stay). Meanwhile the rows can be selected, read in
the detail pane and filtered by text; the 年度/条款/旗县区/状态 choices and the totals line
wait for every line (the totals line says the rest is loading).
"""

from __future__ import annotations

from operator import itemgetter

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
from kjdesk.services.entitlements.detail import explanation_of
from kjdesk.services.entitlements.entered import MAKERS as ENTERING_ROLES
from kjdesk.services.entitlements.entry_context import enterable_clause_ids, entry_context, standard_clauses
from kjdesk.services.entitlements.listing import EntitlementLine
from kjdesk.services.entitlements.pages import first_lines, page_lines
from kjdesk.services.register.records import facts_to_verify
from kjdesk.ui.pages.entitlements.data import FIRST_ENTITLEMENTS, PageData, page_data
from kjdesk.ui.pages.entitlements.dialogs import EnterAmountDialog, StandardDialog
from kjdesk.ui.pages.entitlements.table import (
    COLUMNS,
    F_AMOUNT,
    F_CLAUSE_ID,
    F_DISTRICT,
    F_REVIEW,
    F_STATUS,
    F_YEAR,
    EntitlementModel,
    line_html,
)
from kjdesk.ui.table import make_table_view
from kjdesk.ui.table_columns import install_column_chooser
from kjdesk.ui.table_export import export_view, install_export
from kjdesk.ui.workers import Hub, QtProgress
from kjdesk.validation import districts_of

ALL = ""
WATCHES = ("units", "platforms", "people", "recognitions", "facts", "entitlements", "instalments")


class EntitlementsPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.city = require_bureau(app).city
        self.loaded = False  # the first screen of lines (or the empty state) is shown
        self.complete = False  # every line is there, with the filter choices and the totals
        self.data = page_data([], frozenset(), (), True)
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
        self._filter_boxes = (self.year_box, self.clause_box, self.district_box, self.status_box)
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
        """Read the lines on the read pool. Nothing on show yet: the first entitlements' lines
        first (shown at once), then every line; else the new set replaces the one on show."""
        line = self.selected_line()
        if line is not None and self._select_after is None:
            self._select_after = (line.entitlement_id, line.year)
        app, city = self.app, self.city
        self._generation += 1
        generation = self._generation
        if not self.lines:  # nothing read yet (or nothing there): the first screen first
            first = FIRST_ENTITLEMENTS

            def fetch_first(_p: QtProgress) -> PageData:
                got = first_lines(app, first)
                return page_data(got.lines, enterable_clause_ids(app), districts_of(city), not got.more)

            self.ops.read(fetch_first, lambda data: self._first_loaded(data, generation))
        else:
            self.ops.read(self._read_all, lambda data: self._loaded(data, generation))

    def _read_all(self, _p: QtProgress) -> PageData:
        """Every line, its table row, the filter index and the filter choices (on the read pool)."""
        app = self.app
        return page_data(page_lines(app), enterable_clause_ids(app), districts_of(self.city), True)

    def _first_loaded(self, data: PageData, generation: int) -> None:
        if generation != self._generation:  # a newer reload is on its way
            return
        self._loaded(data, generation)
        if not data.complete:
            self.ops.read(
                self._read_all,
                lambda rest: self._rest_loaded(rest, generation),
                lambda exc: self._rest_failed(exc, generation),
            )

    def _rest_failed(self, exc: BaseException, generation: int) -> None:
        if generation == self._generation:
            self.totals.setText(self.tr("其余应享资金未能载入"))
            self.ops.show_error(exc)

    def _rest_loaded(self, data: PageData, generation: int) -> None:
        """Every line after the first screen: the rows on show are its start, so they are appended
        (no reset: the scroll position and the selection stay); the filters open."""
        if generation != self._generation:
            return
        before = self.selected_line()
        self._take(data)
        if not self.model.replace_rows(list(data.rows), list(data.index)):  # a sort or a text filter
            self._restore_selection((before.entitlement_id, before.year) if before is not None else None)
        self._fill_filters(data)
        self._update_totals()

    def _loaded(self, data: PageData, generation: int) -> None:
        if generation != self._generation:  # a newer reload is on its way
            return
        self._take(data)
        self._fill_filters(data)
        self.loaded = True
        self.stack.setCurrentIndex(0 if self.lines else 1)
        self._apply_filters()

    def _take(self, data: PageData) -> None:
        self.data = data
        self.lines, self.enterable, self.complete = data.lines, data.enterable, data.complete
        for box in self._filter_boxes:
            box.setEnabled(data.complete)  # the choices are those of every line: known when all are read
        self.export_button.setEnabled(data.complete)  # never a sheet of the first screen alone

    def _fill_filters(self, data: PageData) -> None:
        self._fill(self.year_box, "全部年度", [(f"{y} 年", y) for y in data.years])
        self._fill(self.clause_box, "全部条款", [(words, cid) for cid, words in data.clauses])
        self._fill(self.district_box, "全部旗县区", [(d, d) for d in data.districts])
        self._fill(self.status_box, "全部状态", [(s, s) for s in data.statuses])

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
        rows, index = self.data.rows, self.data.index
        if (year, clause, district, status) != (ALL, ALL, ALL, ALL):
            keep_row = [
                k
                for k, r in enumerate(rows)
                if (year == ALL or r[F_YEAR] == year)
                and (clause == ALL or r[F_CLAUSE_ID] == clause)
                and (district == ALL or r[F_DISTRICT] == district)
                and (status == ALL or r[F_STATUS] == status)
            ]
            rows, index = [rows[k] for k in keep_row], [index[k] for k in keep_row]
        self.model.set_rows(list(rows), list(index))
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
        for r, row in enumerate(self.model.shown_rows()):
            ln = self.lines[row[0]]
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
        shown = self.model.shown_rows()
        if not self.complete:
            text = self.tr("已载入 {n} 条，正在载入其余应享资金……").format(n=len(self.lines))
            if self.model.filtering:
                text = self.tr("已找到 {shown} 条，").format(shown=len(shown)) + text
            self.totals.setText(text)
            return
        total = sum(map(itemgetter(F_AMOUNT), shown))  # at each keystroke, over 80,000 rows and more
        review = len(shown) - list(map(itemgetter(F_REVIEW), shown)).count("")
        text = self.tr("共 {n} 条，合计 <b>{total}</b> 元").format(n=len(shown), total=format_yuan(total))
        if len(shown) != len(self.lines):
            text += self.tr("（全部 {n} 条）").format(n=len(self.lines))
        if review:
            text += self.tr("；<span style='color:#b34700'>待复核 {n} 条</span>").format(n=review)
        undated = self.data.undated
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
        # One row, read now (the UI thread reads no more than one row): the selected line's own
        # explanation, never all of them up front.
        self.detail.setHtml(line_html(line, explanation_of(self.app, line.entitlement_id)))

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
