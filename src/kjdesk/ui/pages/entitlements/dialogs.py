"""The dialogs of the 应享资金 page: 录入金额 (an officer's amount with its basis) and 年度标准.

Both are ``FormDialog``s: they check as the officer types (``services.entry_context``) and
save through one service call on the write thread. When ``enter_amount`` refuses the amount
(below a floor, above a cap, as the engine judges it), its reason is shown beside the field.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from kjdesk.money import AmountError, format_wan_plain, format_wan_short, format_yuan, parse_amount_fen
from kjdesk.services.core.app import App, ServiceError, ValidationFailed
from kjdesk.services.entitlements.entered import (
    enter_amount,
    input_for_entitlement,
    record_allocation,
    set_standard,
)
from kjdesk.services.entitlements.entry_context import EntryContext, StandardClause, check_entry
from kjdesk.ui.form import FormDialog
from kjdesk.ui.workers import Operations, QtProgress

BASIS_HINT = "批复文号或会议纪要，如：市科技局党组会议纪要〔2023〕12号"
FIRST_YEAR, LAST_YEAR = 2021, 2100


class AmountField(QWidget):
    """An amount typed in 元 or 万元; ``value_fen()`` is the amount in 分, or None if unreadable."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("amount_text")
        self.edit.setPlaceholderText(self.tr("如 100000 或 10万"))
        self.unit = QComboBox(self)
        self.unit.setObjectName("amount_unit")
        self.unit.addItems(["元", "万元"])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.unit)
        self.edit.textEdited.connect(lambda _t: self.changed.emit())
        self.unit.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def value_fen(self) -> int | None:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return parse_amount_fen(text, self.unit.currentText())
        except AmountError:
            return None

    def set_fen(self, fen: int) -> None:
        """Show an amount in 万元 (as standards are written)."""
        self.unit.setCurrentText("万元")
        self.edit.setText(format_wan_plain(fen))


def _year_box(year: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(FIRST_YEAR, LAST_YEAR)
    box.setValue(min(max(year, FIRST_YEAR), LAST_YEAR))
    return box


class _AmountForm(FormDialog):
    """A form with an ``amount`` field that counts as touched when typed in."""

    def add_amount(self, tip: str) -> AmountField:
        field = self.add_row("amount", "金额", AmountField(), tip=tip, required=True)
        field.changed.connect(self._amount_typed)
        return field

    def _amount_typed(self) -> None:
        if self._ready:
            self._touched.add("amount")
            self.revalidate()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            exc = ValidationFailed({"amount" if k == "amount_fen" else k: v for k, v in exc.errors.items()})
            super()._failed(exc)
        elif isinstance(exc, ServiceError):  # the engine refused the amount: say so beside it
            self._saving = False
            self.ok_button.setEnabled(True)
            self.show_errors({"amount": str(exc)})
        else:
            super()._failed(exc)


class EnterAmountDialog(_AmountForm):
    """录入金额: the amount, the year it is paid in, the decision it rests on; for a matching item
    the 自治区 allocation (recorded here when missing) and the 1:1 floor, checked as you type."""

    def __init__(self, app: App, ops: Operations, ctx: EntryContext, parent: QWidget | None = None) -> None:
        super().__init__(ops, "录入金额", parent)
        self.app, self.ctx = app, ctx
        self.about = QLabel(self)
        self.about.setObjectName("about")
        self.about.setWordWrap(True)
        self.form.insertRow(0, self.about)
        tip = "这笔金额列入哪一年的拨付计划（默认今年）"
        if ctx.trigger_year is not None:
            tip += f"；认定年度为 {ctx.trigger_year} 年"
        self.year = self.add_row("year", "拨付年度", _year_box(ctx.year), tip=tip)
        self.allocation: AmountField | None = None
        self.allocation_doc: QLineEdit | None = None
        if ctx.matching:
            self.allocation = self.add_row(
                "allocation", ctx.base_fact, AmountField(), tip=f"配套的基数：{ctx.base_fact}", required=True
            )
            self.allocation_doc = self.add_row(
                "allocation_doc",
                "下达文件",
                QLineEdit(),
                tip=f"{ctx.base_fact}的下达文件文号",
                required=ctx.needs_document,
            )
            self.allocation_doc.setPlaceholderText("如 内财教〔2024〕12号")
            if ctx.allocation_fen is not None:
                self.allocation.set_fen(ctx.allocation_fen)
            self.allocation_doc.setText(ctx.allocation_doc)
            self.allocation.changed.connect(self._allocation_typed)
            self.allocation_doc.textChanged.connect(lambda _t: self._show_about())
        self.amount = self.add_amount("可填元或万元；有年度标准的已按标准预填")
        self.standard_note = QLabel(self)
        self.standard_note.setObjectName("standard_note")
        self.standard_note.setStyleSheet("color:#44607a;")
        self.standard_note.setWordWrap(True)
        self.form.addRow("", self.standard_note)
        self.decision = self.add_row(
            "decision", "决定", QComboBox(), tip="这笔金额所依据的会议决定（局务会、主任办公会纪要）"
        )
        self.decision.addItem(self.tr("（不选决定，填写依据文号）"), None)
        for d in ctx.decisions:
            self.decision.addItem(f"{d.label}  {d.day.isoformat()}  {d.title}", d.id)
        self.new_decision = QPushButton(self.tr("新建决定…"), self)
        self.new_decision.setObjectName("new_decision")
        self.new_decision.clicked.connect(self._add_decision)
        self.form.addRow("", self.new_decision)
        self.basis = self.add_row("basis", "依据文号", QLineEdit(), tip=BASIS_HINT)
        self.basis.setPlaceholderText(BASIS_HINT)
        self.district = self.add_row(
            "district", "其中区财政", AmountField(), tip="市、区共同支付时，区财政承担的部分（可不填）"
        )
        self.district.changed.connect(lambda: self.revalidate())
        self.decision.currentIndexChanged.connect(lambda _i: self.revalidate())
        self.year.valueChanged.connect(lambda _v: self._prefill())
        self._show_about()
        if ctx.entered_fen is not None:  # correcting an amount entered before: start from it
            self.amount.set_fen(ctx.entered_fen)
            self._touched.add("amount")
            if ctx.entered_decision_id is not None and self.decision.findData(ctx.entered_decision_id) >= 0:
                self.decision.setCurrentIndex(self.decision.findData(ctx.entered_decision_id))
            self.basis.setText(ctx.entered_basis)
            if ctx.entered_district_fen is not None:
                self.district.set_fen(ctx.entered_district_fen)
        self._prefill()
        self.finish()

    def _allocation_typed(self) -> None:
        if self._ready:
            self._touched.add("allocation")
        self._show_about()
        self.revalidate()

    def typed_allocation(self) -> int | None:
        """The allocation typed in the form (None when the field is empty or unreadable)."""
        return self.allocation.value_fen() if self.allocation is not None else None

    def _show_about(self) -> None:
        ctx = self.ctx
        lines = [f"<b>{ctx.subject_name}</b>", f"{ctx.clause_id} {ctx.clause_title}（{ctx.form_label}）"]
        lines.append(f"现应享：{format_yuan(ctx.current_fen)} 元")
        limits = []
        if ctx.cap_fen is not None:
            limits.append(f"上限 {format_wan_short(ctx.cap_fen)}")
        if ctx.floor_fen is not None:
            limits.append(f"不低于 {format_wan_short(ctx.floor_fen)}")
        if ctx.matching:
            typed = self.typed_allocation()
            if typed is not None:
                floor = ctx.match_floor(typed)
                doc = self.allocation_doc.text().strip() if self.allocation_doc else ""
                recorded = (
                    "" if ctx.allocation_fen == typed and doc == ctx.allocation_doc else "（将一并登记）"
                )
                limits.append(
                    f"{ctx.base_fact} {format_wan_short(typed)}（{doc or '文件未填'}）{recorded}，"
                    f"配套不低于 {format_wan_short(floor or 0)}（1:1）"
                )
            else:
                limits.append(f"{ctx.base_fact}尚未登记：请在下方填写金额和下达文件，配套不低于其 1:1")
        if limits:
            lines.append("，".join(limits))
        self.about.setText("<br>".join(lines))

    def _prefill(self) -> None:
        """The 年度标准 of the recognition's year (what applies to it), else of the payment year."""
        trigger = self.ctx.trigger_year
        standard = (self.ctx.standard_for(trigger) if trigger is not None else None) or self.ctx.standard_for(
            self.year.value()
        )
        if standard is None:
            self.standard_note.setText(self.tr("{y} 年没有设置年度标准").format(y=self.year.value()))
            return
        self.standard_note.setText(
            self.tr("{y} 年度标准：{amount}（依据：{basis}），已预填").format(
                y=standard.year, amount=format_wan_short(standard.amount_fen), basis=standard.basis or "未填"
            )
        )
        if "amount" not in self._touched:
            self.amount.set_fen(standard.amount_fen)
        if "basis" not in self._touched and not self.basis.text() and standard.basis:
            self.basis.setText(standard.basis)

    def _add_decision(self) -> None:
        from kjdesk.ui.pages.entitlements.decision_dialog import DecisionDialog

        dialog = DecisionDialog(self.app, self.ops, self)
        dialog.accepted.connect(lambda: self.add_decision_choice(dialog.result_value))
        dialog.open()

    def add_decision_choice(self, d) -> None:  # noqa: ANN001 - DecisionRow
        """A decision just recorded becomes the chosen one."""
        if d is None:
            return
        self.decision.addItem(f"{d.label}  {d.day.isoformat()}  {d.title}", d.id)
        self.decision.setCurrentIndex(self.decision.count() - 1)

    def check(self) -> dict[str, str]:
        if not self.ctx.enterable:
            return {"": self.ctx.refusal}
        district = self.district.value_fen() if self.district.edit.text().strip() else None
        return check_entry(
            self.ctx,
            self.amount.value_fen(),
            self.basis.text(),
            self.decision.currentData(),
            self.typed_allocation(),
            self.allocation_doc.text() if self.allocation_doc is not None else None,
            district,
        )

    def save(self, progress: QtProgress) -> int:
        c = self.ctx
        typed = self.typed_allocation()
        if c.matching and self.allocation_doc is not None and typed is not None:
            doc = self.allocation_doc.text().strip()
            if typed != c.allocation_fen or doc != c.allocation_doc:
                record_allocation(self.app, c.entitlement_id, typed, doc)
        district = self.district.value_fen() if self.district.edit.text().strip() else None
        data = input_for_entitlement(
            self.app,
            c.entitlement_id,
            self.amount.value_fen() or 0,
            self.year.value(),
            decision_id=self.decision.currentData(),
            basis=self.basis.text(),
            district_fen=district,
        )
        return enter_amount(self.app, data)


class StandardDialog(_AmountForm):
    """年度标准: the amount a clause pays in a year unless the officer enters another."""

    def __init__(
        self,
        app: App,
        ops: Operations,
        clauses: list[StandardClause],
        year: int,
        clause_id: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, "年度标准", parent)
        self.app, self.clauses = app, clauses
        self.clause = self.add_row("clause", "条款", QComboBox(), required=True)
        for c in clauses:
            self.clause.addItem(f"{c.article}{c.title}", c.clause_id)
            self.clause.setItemData(
                self.clause.count() - 1, f"条款编号：{c.clause_id}", Qt.ItemDataRole.ToolTipRole
            )
        if clause_id:
            self.clause.setCurrentIndex(max(0, self.clause.findData(clause_id)))
        self.year = self.add_row("year", "年度", _year_box(year))
        self.amount = self.add_amount("该年度新录入的金额按此标准预填，经办人仍可改动")
        self.basis = self.add_row("basis", "依据", QLineEdit(), tip="确定标准的文号或会议纪要", required=True)
        self.basis.setPlaceholderText(BASIS_HINT)
        self.existing = QLabel(self)
        self.existing.setObjectName("existing")
        self.existing.setWordWrap(True)
        self.existing.setStyleSheet("color:#44607a;")
        self.form.addRow(self.tr("已设标准："), self.existing)
        self.clause.currentIndexChanged.connect(lambda _i: self._show_existing())
        self.year.valueChanged.connect(lambda _v: self._show_existing())
        self._show_existing()
        self.finish()

    def current(self) -> StandardClause | None:
        i = self.clause.currentIndex()
        return self.clauses[i] if 0 <= i < len(self.clauses) else None

    def _show_existing(self) -> None:
        c = self.current()
        if c is None:
            self.existing.setText(self.tr("本市政策中没有需要录入金额的条款"))
            return
        lines = [
            f"{s.year} 年：{format_wan_short(s.amount_fen)}（{s.basis or '未填依据'}）" for s in c.standards
        ]
        self.existing.setText("<br>".join(lines) or self.tr("尚未设置"))
        same = next((s for s in c.standards if s.year == self.year.value()), None)
        if same is not None:
            self.amount.set_fen(same.amount_fen)
            self.basis.setText(same.basis)

    def check(self) -> dict[str, str]:
        c = self.current()
        if c is None:
            return {"clause": "请选择条款"}
        errors: dict[str, str] = {}
        fen = self.amount.value_fen()
        if fen is None:
            errors["amount"] = "请填写金额，如 100000 或 10万元"
        elif fen <= 0:
            errors["amount"] = "金额须大于零"
        elif c.cap_fen is not None and fen > c.cap_fen:
            errors["amount"] = f"超过条款上限 {format_wan_short(c.cap_fen)}"
        if not self.basis.text().strip():
            errors["basis"] = "请填写依据（文号或会议纪要）"
        return errors

    def save(self, progress: QtProgress) -> None:
        c = self.current()
        assert c is not None
        set_standard(
            self.app, c.clause_id, self.year.value(), self.amount.value_fen() or 0, self.basis.text().strip()
        )
