"""Dialogs of decided amounts: 新建决定 (a 会议纪要 entered once) and 批量录入 (one amount, one
decision, one payment year for the waiting items of one clause, with the total before saving)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QWidget

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App
from kjdesk.services.disbursement.decisions import (
    DecisionRow,
)
from kjdesk.services.disbursement.pending import PendingItem
from kjdesk.services.entitlements.entered import enter_batch
from kjdesk.ui.pages.entitlements.decision_dialog import DecisionDialog
from kjdesk.ui.pages.entitlements.dialogs import AmountField, _AmountForm, _year_box
from kjdesk.ui.workers import Operations, QtProgress

ALL_YEARS = None


class BatchEntryDialog(_AmountForm):
    """批量录入: the waiting items of one clause (and year) get one amount, one decision, one payment year."""

    def __init__(
        self,
        app: App,
        ops: Operations,
        items: list[PendingItem],
        decisions: list[DecisionRow],
        clause_id: str = "",
        parent: QWidget | None = None,
        standards: dict[str, tuple] | None = None,
    ) -> None:
        super().__init__(ops, "批量录入金额", parent)
        self.app, self.items = app, items
        self.standards = standards or {}  # clause id → its 年度标准 (services.entry_context.Standard)
        self.setMinimumWidth(640)
        self.clause = self.add_row("clause", "条款", QComboBox(), required=True)
        seen: dict[str, str] = {}
        for p in items:
            seen.setdefault(p.clause_id, f"{p.article}{p.clause_title}")
        for cid, label in seen.items():
            self.clause.addItem(f"{cid} {label}", cid)
        if clause_id and self.clause.findData(clause_id) >= 0:
            self.clause.setCurrentIndex(self.clause.findData(clause_id))
        self.waiting_year = self.add_row("waiting_year", "所属年度", QComboBox(), tip="事项的认定年度")
        self.list = QListWidget(self)
        self.list.setObjectName("items")
        self.list.setMinimumHeight(160)
        self.form.addRow(self.tr("事项："), self.list)
        self.year = self.add_row("year", "拨付年度", _year_box(date.today().year), tip="列入哪一年的拨付计划")
        self.amount = self.add_amount("每项金额，可填元或万元")
        self.decision = self.add_row("decision", "决定", QComboBox(), tip="这批金额所依据的会议决定")
        self.decision.addItem(self.tr("（不选决定，填写依据文号）"), None)
        for d in decisions:
            self.decision.addItem(f"{d.label}  {d.day.isoformat()}  {d.title}", d.id)
        self.new_decision = QPushButton(self.tr("新建决定…"), self)
        self.new_decision.setObjectName("new_decision")
        self.new_decision.clicked.connect(self._add_decision)
        self.form.addRow("", self.new_decision)
        self.basis = self.add_row("basis", "依据文号", QLineEdit(), tip="没有会议决定时的依据文号")
        self.standard_note = QLabel(self)
        self.standard_note.setObjectName("standard_note")
        self.standard_note.setStyleSheet("color:#44607a;")
        self.standard_note.setWordWrap(True)
        self.form.addRow("", self.standard_note)
        self.total = QLabel(self)
        self.total.setObjectName("total")
        self.total.setStyleSheet("font-weight:bold; color:#1f3b63;")
        self.form.addRow(self.tr("合计："), self.total)
        self.clause.currentIndexChanged.connect(lambda _i: self._fill_years())
        self.waiting_year.currentIndexChanged.connect(lambda _i: self._fill_items())
        self.list.itemChanged.connect(lambda _i: self._update_total())
        self.amount.changed.connect(self._update_total)
        self.decision.currentIndexChanged.connect(lambda _i: self.revalidate())
        self.year.valueChanged.connect(lambda _v: self._prefill())
        self.clause.currentIndexChanged.connect(lambda _i: self._prefill())
        self._fill_years()
        self._prefill()
        self.finish()

    def _prefill(self) -> None:
        """The 年度标准 of the payment year applies to earlier recognitions too: fill it in."""
        year = self.year.value()
        found = next((s for s in self.standards.get(self.clause.currentData(), ()) if s.year == year), None)
        if found is None:
            self.standard_note.setText(self.tr("{y} 年没有设置该条款的年度标准").format(y=year))
            return
        self.standard_note.setText(
            self.tr("按 {y} 年度标准 {amount} 元预填（依据：{basis}）").format(
                y=year, amount=format_yuan(found.amount_fen), basis=found.basis or "未填"
            )
        )
        if "amount" not in self._touched:
            self.amount.set_fen(found.amount_fen)
        if "basis" not in self._touched:
            self.basis.setText(f"{year} 年度标准" + (f"（{found.basis}）" if found.basis else ""))
        self._update_total()

    def _fill_years(self) -> None:
        cid = self.clause.currentData()
        years = sorted({p.year for p in self.items if p.clause_id == cid and p.year is not None})
        self.waiting_year.blockSignals(True)
        self.waiting_year.clear()
        self.waiting_year.addItem(self.tr("全部年度"), ALL_YEARS)
        for y in years:
            self.waiting_year.addItem(f"{y} 年", y)
        self.waiting_year.blockSignals(False)
        self._fill_items()

    def _fill_items(self) -> None:
        cid, year = self.clause.currentData(), self.waiting_year.currentData()
        self.list.blockSignals(True)
        self.list.clear()
        for p in self.items:
            if p.clause_id != cid or (year is not None and p.year != year):
                continue
            who = p.unit_name + (f"（{p.subject_name}）" if p.subject_name else "")
            item = QListWidgetItem(f"{p.year or ''}  {p.district}  {who}  {p.recognition}")
            item.setData(Qt.ItemDataRole.UserRole, p.entitlement_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._update_total()

    def chosen(self) -> list[int]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def total_fen(self) -> int:
        return (self.amount.value_fen() or 0) * len(self.chosen())

    def _update_total(self) -> None:
        n, each = len(self.chosen()), self.amount.value_fen() or 0
        self.total.setText(
            self.tr("{n} 项 × {each} 元 = {total} 元").format(
                n=n, each=format_yuan(each), total=format_yuan(each * n)
            )
        )
        self.revalidate()

    def _add_decision(self) -> None:
        dialog = DecisionDialog(self.app, self.ops, self)

        def chosen() -> None:
            d = dialog.result_value
            if d is not None:
                self.decision.addItem(f"{d.label}  {d.day.isoformat()}  {d.title}", d.id)
                self.decision.setCurrentIndex(self.decision.count() - 1)

        dialog.accepted.connect(chosen)
        dialog.open()

    def check(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.chosen():
            errors["clause"] = "请至少勾选一项待决定事项"
        fen = self.amount.value_fen()
        if fen is None:
            errors["amount"] = "请填写金额，如 100000 或 10万元"
        elif fen <= 0:
            errors["amount"] = "金额须大于零"
        if self.decision.currentData() is None and not self.basis.text().strip():
            errors["basis"] = "请选择决定（会议纪要），或填写依据文号"
        return errors

    def save(self, progress: QtProgress) -> list[int]:
        return enter_batch(
            self.app,
            self.chosen(),
            self.amount.value_fen() or 0,
            self.year.value(),
            decision_id=self.decision.currentData(),
            basis=self.basis.text(),
        )


__all__ = ["AmountField", "BatchEntryDialog", "DecisionDialog"]


class BudgetDialog(_AmountForm):
    """预算上限: the year's ceiling for the bureau, or for one clause."""

    def __init__(
        self,
        app: App,
        ops: Operations,
        year: int,
        clauses: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, "年度预算上限", parent)
        self.app = app
        self.year = self.add_row("year", "年度", _year_box(year))
        self.clause = self.add_row("clause", "范围", QComboBox(), tip="全局上限，或某一条款的上限")
        self.clause.addItem(self.tr("全局（本局全部条款）"), "")
        for cid, title in clauses:
            self.clause.addItem(f"{cid} {title}", cid)
        self.amount = self.add_amount("可填元或万元，如 500万")
        self.note = self.add_row("note", "说明", QLineEdit(), tip="如 预算批复文号")
        self.finish()

    def check(self) -> dict[str, str]:
        fen = self.amount.value_fen()
        if fen is None:
            return {"amount": "请填写金额，如 5000000 或 500万元"}
        if fen <= 0:
            return {"amount": "预算上限须大于零"}
        return {}

    def save(self, progress: QtProgress) -> None:
        from kjdesk.services.disbursement.budgets import set_budget

        set_budget(
            self.app,
            self.year.value(),
            self.amount.value_fen() or 0,
            self.clause.currentData(),
            self.note.text(),
        )
