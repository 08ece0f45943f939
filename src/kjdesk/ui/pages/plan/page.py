"""The 计划与审批 page: the instalments of a year, the approval batches, payments, the sheets.

A 经办人 selects planned instalments and 报批 them as a batch; a 复核人 approves the batch or
sends it back with a reason; payments are recorded against approved instalments and
corrected by reversals. Every button calls one service through ``hub.ops``; the page
computes nothing itself and refreshes when the services report changed instalments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import format_wan, format_yuan
from kjdesk.services.core.app import App, Changes
from kjdesk.services.core.officer_names import officer_names
from kjdesk.services.core.roles import ACTS
from kjdesk.services.disbursement import approval, payments
from kjdesk.services.disbursement.approval import BatchRow, list_batches
from kjdesk.services.disbursement.budgets import BudgetStatus, budget_status, proposal_problems
from kjdesk.services.disbursement.decisions import basis_detail
from kjdesk.services.disbursement.plan import YearPlan, year_plan
from kjdesk.services.disbursement.plan_years import OpenYear, describe_open_years, open_years
from kjdesk.services.disbursement.reports import REPORTS, write_report
from kjdesk.services.register.evidence import MissingItem, missing_items
from kjdesk.ui.dialogs import confirm
from kjdesk.ui.pages.plan.dialogs import PayDialog, ReasonDialog, ReverseDialog
from kjdesk.ui.pages.register.evidence_dialog import EvidenceDialog
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.table_columns import install_column_chooser
from kjdesk.ui.table_export import export_view, install_export
from kjdesk.ui.workers import Hub, QtProgress

ALL = ""
STATES = ("计划", "已报批", "已审批", "部分拨付", "已拨付", "已取消")
MAKERS, CHECKERS = ACTS["propose"], ACTS["review"]

# Row tuple: (instalment id, district, unit, clause, wording, amount, paid, open, state label, batch, note,
#             state, pending amount)
(
    I_DISTRICT,
    I_UNIT,
    I_CLAUSE,
    I_WORDING,
    I_AMOUNT,
    I_PAID,
    I_OPEN,
    I_STATE,
    I_BATCH,
    I_NOTE,
    I_CODE,
    I_PENDING,
    I_BASIS,
    I_ENTITLEMENT,
) = range(1, 15)
MONEY = (I_AMOUNT, I_PAID, I_OPEN)
# 单位, 条款 and the money first: at 1280×800, with the names whole, the amounts and the state
# still show without scrolling; 旗县区, 支持方式 and 依据 follow (the detail below repeats 依据).
INSTALMENT_COLUMNS = [
    Column(0, "编号", "拨付计划编号（命令行 kjdesk pay 使用）", width=56),
    Column(I_UNIT, "单位", "受款单位", width=210, searchable=True),
    Column(I_CLAUSE, "条款", width=230, searchable=True),
    Column(I_AMOUNT, "本年金额（元）", width=120, align_right=True),
    Column(I_PAID, "已拨（元）", width=110, align_right=True),
    Column(I_OPEN, "未拨（元）", width=110, align_right=True),
    Column(I_STATE, "状态", "计划 → 已报批 → 已审批 → 已拨付，或已取消", width=76),
    Column(I_WORDING, "支持方式", "后补助须有认定文号和佐证材料才能审批", width=76),
    Column(I_DISTRICT, "旗县区", width=90, searchable=True),
    Column(
        I_BASIS,
        "依据",
        "金额所依据的决定（会议纪要）、年度标准、自治区资助额或政策原文",
        width=240,
        searchable=True,
    ),
    Column(I_BATCH, "批次", width=50),
    Column(I_NOTE, "备注", width=220, searchable=True),
]
B_STATE, B_COUNT, B_AMOUNT, B_BY, B_REVIEWER, B_REASON = range(1, 7)
BATCH_COLUMNS = [
    Column(0, "批次", width=56),
    Column(B_STATE, "状态", width=70),
    Column(B_COUNT, "笔数", width=56, align_right=True),
    Column(B_AMOUNT, "金额（元）", width=130, align_right=True),
    Column(B_BY, "报批人", width=90),
    Column(B_REVIEWER, "复核人", width=90),
    Column(B_REASON, "退回原因", width=260),
]


class MoneyModel(RowTableModel):
    """Rows whose money fields are 分, shown as 元; cancelled rows grey, returned batches marked."""

    def __init__(self, columns: list[Column], money: tuple[int, ...], parent=None) -> None:  # noqa: ANN001
        super().__init__(columns, parent)
        self.money = money
        self.money_fields = money

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        row = self.row_tuple(index.row())
        field = self.columns[index.column()].field
        if role == Qt.ItemDataRole.DisplayRole and field in self.money:
            return format_yuan(row[field])
        if role == Qt.ItemDataRole.ForegroundRole and ("已取消" in row or "已退回" in row):
            return QBrush(QColor("#888888"))
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and field in (I_NOTE, I_BASIS)
            and len(row) > field
            and row[field]
        ):
            return row[field]
        return super().data(index, role)


@dataclass(frozen=True)
class PlanData:
    plan: YearPlan
    batches: list[BatchRow]
    open_years: list[OpenYear] = field(default_factory=list)
    officers: dict[str, str] = field(default_factory=dict)  # login → name
    budget: BudgetStatus | None = None


def work_year(years: list[OpenYear], checker: bool) -> int:
    """The year the page opens on: the earliest with open items; a 复核人's, the earliest to approve."""
    waiting = [y.year for y in years if y.proposed]
    return waiting[0] if checker and waiting else years[0].year


class PlanPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False
        self.data: PlanData | None = None

        self.year_box = QSpinBox(self)
        self.year_box.setObjectName("year")
        self.year_box.setRange(2021, 2100)
        self.year_box.setValue(date.today().year)
        self.year_box.valueChanged.connect(lambda _v: self.reload())
        self.state_box = QComboBox(self)
        self.state_box.setObjectName("state")
        self.state_box.addItem(self.tr("全部状态"), ALL)
        for s in STATES:
            self.state_box.addItem(s, s)
        self.state_box.currentIndexChanged.connect(lambda _i: self._fill())
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setPlaceholderText(self.tr("筛选：单位、旗县区或条款"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(lambda t: self.model.set_filter(t))

        self.model = MoneyModel(INSTALMENT_COLUMNS, MONEY, self)
        self.view = make_table_view(self.model, self)
        self.view.setObjectName("instalments")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.batch_model = MoneyModel(BATCH_COLUMNS, (B_AMOUNT,), self)
        self.batch_view = make_table_view(self.batch_model, self, name="PlanBatches")
        self.batch_view.setObjectName("batches")
        self.batch_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("年度"), self))
        bar.addWidget(self.year_box)
        bar.addWidget(QLabel(self.tr("状态"), self))
        bar.addWidget(self.state_box)
        bar.addWidget(self.filter_box, 1)
        actions = QHBoxLayout()
        for name, text, tip, slot in (
            (
                "propose",
                "报批所选",
                "把所选“计划”状态的拨付编为一个报批批次，交复核人审批",
                self.propose_selected,
            ),
            ("propose_all", "全部报批", "把本年度全部“计划”状态的拨付编为一个批次", self.propose_all),
            (
                "evidence",
                "登记佐证材料…",
                "为缺少证明材料或认定文号的后补助登记同一份证明材料（所选的，未选时为本年度全部待审批的）",
                self.register_evidence,
            ),
            ("approve", "审批批次", "复核人审批下方所选批次（不能审批本人报批的批次）", self.approve),
            ("return", "退回批次…", "复核人退回所选批次，须写原因", self.return_batch),
            ("pay", "登记拨付…", "登记财政拨付：日期、凭证号、金额（可部分拨付）", self.pay),
            ("reverse", "冲销…", "冲销一笔拨付记录（须写原因，原记录保留）", self.reverse),
            ("cancel", "取消计划…", "取消一笔尚未拨付的计划（须写原因）", self.cancel),
            (
                "accept",
                "接受重算金额",
                "复核人确认重新计算后的金额（备注中标为“待复核”的计划）",
                self.accept_adjustment,
            ),
        ):
            button = QPushButton(self.tr(text), self)
            button.setObjectName(name)
            button.setToolTip(self.tr(tip))
            button.clicked.connect(slot)
            self.buttons[name] = button
            actions.addWidget(button)
        budget = QPushButton(self.tr("预算上限…"), self)
        budget.setObjectName("budget")
        budget.setToolTip(self.tr("设置本年度的预算上限（全局或某一条款）；报批超出上限须写明理由"))
        budget.clicked.connect(self.edit_budget)
        self.buttons["budget"] = budget
        actions.addWidget(budget)
        actions.addStretch(1)
        # a push button with its menu, as 导出… on the letters page: the tool button's arrow was
        # drawn over its text
        self.export_button = QPushButton(self.tr("导出报表"), self)
        self.export_button.setObjectName("export")
        menu = QMenu(self.export_button)
        for kind, title in REPORTS.items():
            menu.addAction(title, lambda k=kind: self.export(k))
            if kind == "summary":  # 万元 only as an option of the summary (two decimals, unit stated)
                menu.addAction(title + "（万元）", lambda: self.export("summary", in_wan=True))
        menu.addSeparator()
        menu.addAction(
            self.tr("当前表格（按筛选和排序）"),
            lambda: export_view(self, self.ops, self.view, f"{self.year}年拨付计划"),
        )
        install_export(self.view, self.ops, lambda: f"{self.year}年拨付计划", self)
        install_column_chooser(self.view, "PlanItems")  # columns reordered: a fresh key
        self.export_button.setMenu(menu)
        actions.addWidget(self.export_button)

        self.where = QLabel(self)
        self.where.setObjectName("open_years")
        self.where.setWordWrap(True)
        self.where.setStyleSheet("color:#8a5a00;")
        self._opened = False  # the first load moves to where the work is
        self.totals = QLabel(self.tr("正在载入…"), self)
        self.totals.setObjectName("totals")
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("color:#2e6b3a;")
        self.notice.setWordWrap(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("plan_splitter")
        splitter.addWidget(self.view)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(QLabel(self.tr("报批批次"), lower))
        lower_layout.addWidget(self.batch_view)
        splitter.addWidget(lower)
        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("detail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText(
            self.tr("选中一笔拨付计划，这里显示其依据（决定、年度标准或政策原文）和计算说明")
        )
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(bar)
        layout.addWidget(self.totals)
        layout.addWidget(self.where)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        self._update_buttons()
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.year_box.value()

    def refresh(self, changes: Changes) -> None:
        if changes.instalments or changes.entitlements or changes.recognitions or changes.units:
            self.reload()

    def reload(self) -> None:
        app, year = self.app, self.year
        first = not self._opened
        checker = app.role in CHECKERS

        def fetch(_p: QtProgress) -> PlanData:
            years = open_years(app)
            # the page opens where the work is: the earliest year with items not yet approved,
            # for a 复核人 the earliest with a batch waiting for him
            shown = work_year(years, checker) if first and years else year
            plan = year_plan(app, shown, include_cancelled=True)
            return PlanData(
                plan,
                list_batches(app, shown),
                years,
                officer_names(app),
                budget_status(app, shown, plan.rows),
            )

        self.ops.read(fetch, self._loaded)

    def _loaded(self, data: PlanData) -> None:
        if not self._opened:
            self._opened = True
            if data.plan.year != self.year:
                self.year_box.blockSignals(True)
                self.year_box.setValue(data.plan.year)
                self.year_box.blockSignals(False)
        if data.plan.year != self.year:  # the officer moved on to another year meanwhile
            return
        self.where.setText(describe_open_years(data.open_years))
        self.where.setVisible(bool(data.open_years))
        self.data = data
        self._fill()
        who = data.officers
        self.batch_model.set_rows(
            [
                (
                    b.id,
                    b.state_label,
                    b.count,
                    b.amount_fen,
                    who.get(b.proposed_by, b.proposed_by),
                    who.get(b.reviewed_by, b.reviewed_by),
                    b.return_reason,
                )
                for b in data.batches
            ]
        )
        p = data.plan
        self.totals.setText(
            f"{p.year} 年计划 <b>{format_yuan(p.total_fen)}</b> 元（{len([r for r in p.rows if r.state != 'cancelled'])} 笔）；"
            f"已审批 <b>{format_yuan(p.approved_fen)}</b> 元；已拨付 <b>{format_yuan(p.paid_fen)}</b> 元；"
            f"尚未拨付 {format_yuan(p.total_fen - p.paid_fen)} 元"
            + "".join(
                f"<br>{escape(line.text())}"
                for line in ((data.budget.total, *data.budget.clauses) if data.budget is not None else ())
            )
        )
        self.loaded = True
        self._update_buttons()

    def _fill(self) -> None:
        if self.data is None:
            return
        wanted = self.state_box.currentData()
        rows = []
        for r in self.data.plan.rows:
            if wanted not in (ALL, None) and r.state_label != wanted:
                continue
            rows.append(
                (
                    r.instalment_id,
                    r.district,
                    r.unit_name,
                    f"{r.article}{r.clause_title}",
                    r.payment_wording,
                    r.amount_fen,
                    r.paid_fen,
                    r.open_fen,
                    r.state_label,
                    r.batch_id,
                    r.note,
                    r.state,
                    r.pending_amount_fen,
                    r.basis,
                    r.entitlement_id,
                )
            )
        self.model.set_rows(rows)

    def _show_detail(self) -> None:
        rows = self.selected_rows() if self.loaded else []
        if len(rows) != 1:
            self.detail.setPlainText("")
            return
        row, app = rows[0], self.app
        head = f"{row[I_UNIT]}　{row[I_CLAUSE]}　{format_yuan(row[I_AMOUNT])} 元（{row[I_STATE]}）\n"
        self.ops.read(
            lambda _p: basis_detail(app, row[I_ENTITLEMENT]),
            lambda text: self.detail.setPlainText(head + text),
        )

    # --- selection ----------------------------------------------------------------------------

    def selected_rows(self) -> list[tuple]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_tuple(r) for r in rows]

    def selected_batch(self) -> tuple | None:
        rows = self.batch_view.selectionModel().selectedRows()
        return self.batch_model.row_tuple(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        rows = self.selected_rows() if self.loaded else []
        one = rows[0] if len(rows) == 1 else None
        batch = self.selected_batch() if self.loaded else None
        role = self.app.role
        pending = batch is not None and batch[B_STATE] == "待复核"
        self.buttons["propose"].setEnabled(
            role in MAKERS and bool(rows) and all(r[I_CODE] == "planned" for r in rows)
        )
        self.buttons["propose_all"].setEnabled(role in MAKERS and self.loaded)
        self.buttons["evidence"].setEnabled(self.loaded and not self.app.read_only)
        self.buttons["approve"].setEnabled(role in CHECKERS and pending)
        self.buttons["return"].setEnabled(role in CHECKERS and pending)
        self.buttons["pay"].setEnabled(role in ACTS["pay"] and one is not None and one[I_CODE] == "approved")
        self.buttons["reverse"].setEnabled(role in ACTS["pay"] and one is not None and one[I_PAID] > 0)
        self.buttons["accept"].setEnabled(role in CHECKERS and one is not None and one[I_PENDING] is not None)
        self.buttons["cancel"].setEnabled(
            one is not None and one[I_CODE] in ("planned", "approved") and one[I_PAID] == 0
        )

    # --- actions ------------------------------------------------------------------------------

    def _done(self, text: str):  # noqa: ANN202 - a result → None function
        return lambda _result: self.notice.setText(text)

    def propose_selected(self) -> None:
        self._propose([r[0] for r in self.selected_rows()])

    def propose_all(self) -> None:
        """报批 every 计划 of the year, after saying how many and how much."""
        if self.data is None:
            return
        year = self.year
        planned = [r for r in self.data.plan.rows if r.state == "planned"]
        if not planned:
            self.notice.setText(self.tr("{year} 年没有“计划”状态的拨付可以报批").format(year=year))
            return
        total = sum(r.amount_fen for r in planned)
        text = self.tr(
            "把 {year} 年全部“计划”状态的拨付编为一个报批批次：\n共 {n} 笔，合计 {yuan} 元（{wan} 万元）。\n"
            "报批后金额不再随重算改变，交复核人审批。"
        ).format(year=year, n=len(planned), yuan=format_yuan(total), wan=format_wan(total, places=2))
        if not confirm(self, self.tr("全部报批"), text, yes=self.tr("报批 {n} 笔").format(n=len(planned))):
            return
        self._propose(None)

    def _propose(self, ids: list[int] | None) -> None:
        """Propose; beyond the year's budget ceiling, first ask the written reason."""
        app, year = self.app, self.year

        def write(reason: str) -> None:
            self.ops.write(
                lambda _p: approval.propose_batch(app, year, ids, over_budget_reason=reason),
                lambda b: self.notice.setText(
                    f"已报批：批次 {b.id}，{b.count} 笔，{format_yuan(b.amount_fen)} 元，待复核人审批"
                    + (f"（超出预算上限，理由：{b.over_budget_reason}）" if b.over_budget_reason else "")
                ),
            )

        def checked(problems: list[str]) -> None:
            if not problems:
                write("")
                return
            dialog = ReasonDialog(
                "超出预算上限", "\n".join(problems) + "\n报批须写明理由。", "超出理由", self
            )
            dialog.setObjectName("over_budget")
            dialog.accepted.connect(lambda: write(dialog.reason))
            dialog.open()

        self.ops.read(lambda _p: proposal_problems(app, year, ids), checked)

    def approve(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        app = self.app
        self.ops.write(
            lambda _p: approval.approve_batch(app, batch[0]),
            lambda b: self.notice.setText(f"已审批批次 {b.id}：{b.count} 笔，{format_yuan(b.amount_fen)} 元"),
            self._approve_failed,
        )

    def _approve_failed(self, exc: BaseException) -> None:
        """A refusal for missing 文号/证明材料 lists them and offers to register the evidence here."""
        if not isinstance(exc, approval.MissingForApproval) or not exc.items:
            self.ops.show_error(exc)
            return
        box = QMessageBox(self)
        box.setObjectName("missing_evidence")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("不能审批"))
        box.setText(
            self.tr("后补助须有认定文号和证明材料才能审批。以下 {n} 项须先补齐：").format(n=len(exc.items))
        )
        box.setDetailedText(str(exc))
        lines = [f"{m.unit_name}：{m.clause}，缺少{m.lacks}" for m in exc.items[:12]]
        if len(exc.items) > 12:
            lines.append(f"……另有 {len(exc.items) - 12} 项")
        box.setInformativeText("\n".join(lines))
        fix = box.addButton(self.tr("登记佐证材料…"), QMessageBox.ButtonRole.AcceptRole)
        fix.setObjectName("fix")
        close = box.addButton(self.tr("关闭"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(fix)
        box.setEscapeButton(close)
        items = list(exc.items)
        fix.clicked.connect(lambda: self._open_evidence(items, "未能审批的批次中缺少材料的记录"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.refusal = box
        box.open()

    def register_evidence(self) -> None:
        """登记佐证材料 for the selected 后补助 items lacking it, else for every such item of the year."""
        if self.data is None:
            return
        chosen = {r[0] for r in self.selected_rows()}
        rows = [r for r in self.data.plan.rows if r.state in ("planned", "proposed")]
        if chosen:
            rows = [r for r in self.data.plan.rows if r.instalment_id in chosen]
        items = missing_items(rows)
        if not items:
            self.notice.setText(
                self.tr("所选的拨付计划不缺证明材料和认定文号")
                if chosen
                else self.tr("{year} 年待审批的后补助都已有认定文号和证明材料").format(year=self.year)
            )
            return
        what = "所选拨付计划中缺少材料的记录" if chosen else f"{self.year} 年待审批的后补助中缺少材料的记录"
        self._open_evidence(items, what)

    def _open_evidence(self, items: list[MissingItem], what: str) -> None:
        ids = list(dict.fromkeys(m.recognition_id for m in items))
        lacking_doc = len({m.recognition_id for m in items if m.lacks_doc})
        dialog = EvidenceDialog(self.app, self.ops, ids, what, self, lacking_doc=lacking_doc)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.evidence_dialog = dialog
        dialog.open()

    def return_batch(self) -> None:
        batch = self.selected_batch()
        if batch is None:
            return
        dialog = ReasonDialog(
            "退回报批批次", f"退回批次 {batch[0]}，其中的拨付回到“计划”状态。", "退回原因", self
        )
        app = self.app

        def go() -> None:
            self.ops.write(
                lambda _p: approval.return_batch(app, batch[0], dialog.reason),
                self._done(f"已退回批次 {batch[0]}"),
            )

        dialog.accepted.connect(go)
        dialog.open()

    def pay(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        row = rows[0]
        dialog = PayDialog(row[I_UNIT], row[I_CLAUSE], row[I_OPEN], self)
        app = self.app

        def go() -> None:
            self.ops.write(
                lambda _p: payments.record_payment(
                    app, row[0], dialog.paid_on, dialog.voucher, dialog.amount_fen
                ),
                lambda p: self.notice.setText(
                    f"已登记拨付 {format_yuan(p.amount_fen)} 元（凭证号 {p.voucher_no}）"
                ),
            )

        dialog.accepted.connect(go)
        dialog.open()

    def reverse(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        iid, app = rows[0][0], self.app

        def show(found: list) -> None:
            open_payments = [p for p in found if p.amount_fen > 0 and p.reversed_by_id is None]
            if not open_payments:
                self.notice.setText(self.tr("该计划没有可冲销的拨付记录"))
                return
            dialog = ReverseDialog(open_payments, self)

            def go() -> None:
                self.ops.write(
                    lambda _p: payments.reverse_payment(app, dialog.payment_id, dialog.reason, dialog.on),
                    lambda p: self.notice.setText(f"已冲销 {format_yuan(-p.amount_fen)} 元"),
                )

            dialog.accepted.connect(go)
            dialog.open()

        self.ops.read(lambda _p: payments.list_payments(app, iid), show)

    def cancel(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        row, app = rows[0], self.app
        dialog = ReasonDialog(
            "取消拨付计划", f"{row[I_UNIT]}\n{row[I_CLAUSE]}\n{format_yuan(row[I_AMOUNT])} 元", parent=self
        )

        def go() -> None:
            self.ops.write(
                lambda _p: approval.cancel_instalment(app, row[0], dialog.reason),
                self._done(f"已取消拨付计划 {row[0]}"),
            )

        dialog.accepted.connect(go)
        dialog.open()

    def accept_adjustment(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        iid, app = rows[0][0], self.app
        self.ops.write(
            lambda _p: approval.accept_recomputed_amount(app, iid),
            self._done(f"已接受拨付计划 {iid} 的重算金额"),
        )

    def edit_budget(self) -> None:
        from kjdesk.services.core.settings import require_bureau
        from kjdesk.services.disbursement.plan import clause_infos
        from kjdesk.ui.pages.entitlements.decision_dialogs import BudgetDialog

        infos = clause_infos(require_bureau(self.app).city)
        clauses = [(i.id, f"{i.article}{i.title}") for i in infos.values()]
        dialog = BudgetDialog(self.app, self.ops, self.year, clauses, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def export(self, kind: str, path: str | None = None, *, in_wan: bool = False) -> None:
        title = REPORTS[kind]
        if path is None:
            suggested = str(Path.home() / f"{self.year}年{title}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出") + title, suggested, "Excel (*.xlsx)")
            if not path:
                return
        app, year = self.app, self.year
        self.ops.read(
            lambda p: write_report(app, kind, year, path, p, in_wan=in_wan),
            lambda r: self.notice.setText(f"已导出{title}：{r.path}"),
            label=f"正在生成{title}…",
        )
