"""Dialogs of the 计划与审批 page: a reason (退回, 取消, 冲销), a payment, a fund receipt.

Each dialog only collects and checks what the officer typed; the page calls the service.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import AmountError, format_yuan, parse_amount_fen
from kjdesk.ui.dialogs import BaseDialog


def _date_edit(parent: QWidget, value: date | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    d = value or date.today()
    edit.setDate(QDate(d.year, d.month, d.day))
    return edit


def _to_date(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


class _FormDialog(BaseDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b03a48;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro, self)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def check(self) -> str:
        """The Chinese reason the input is not acceptable, or "" to accept."""
        return ""

    def _try_accept(self) -> None:
        problem = self.check()
        self.error.setText(problem)
        if not problem:
            self.accept()


class ReasonDialog(_FormDialog):
    """退回 / 取消 / 冲销 need a reason; the dialog refuses an empty one."""

    def __init__(self, title: str, intro: str, label: str = "原因", parent: QWidget | None = None) -> None:
        super().__init__(title, intro, parent)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setFixedHeight(80)
        self.form.addRow(self.tr(label), self.reason_edit)

    def check(self) -> str:
        return "" if self.reason.strip() else self.tr("请填写原因")

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()


class ReverseDialog(ReasonDialog):
    """Choose which payment of the instalment to reverse, and why."""

    def __init__(self, payments: list, parent: QWidget | None = None) -> None:  # PaymentRow
        super().__init__(
            "冲销拨付记录", "冲销不修改、不删除原记录，而是登记一笔负数的冲销记录。", parent=parent
        )
        self.payment_box = QComboBox(self)
        self.payment_box.setObjectName("payment")
        for p in payments:
            self.payment_box.addItem(
                f"{p.paid_on}  凭证号 {p.voucher_no}  {format_yuan(p.amount_fen)} 元", p.id
            )
        self.form.insertRow(0, self.tr("拨付记录"), self.payment_box)
        self.date_edit = _date_edit(self)
        self.form.insertRow(1, self.tr("冲销日期"), self.date_edit)

    @property
    def payment_id(self) -> int:
        return int(self.payment_box.currentData())

    @property
    def on(self) -> date:
        return _to_date(self.date_edit)


class PayDialog(_FormDialog):
    """Record what finance paid: date, 凭证号, amount (元; 30万 is understood)."""

    def __init__(self, unit: str, clause: str, open_fen: int, parent: QWidget | None = None) -> None:
        super().__init__(
            "登记拨付",
            f"{unit}\n{clause}\n尚未拨付：{format_yuan(open_fen)} 元（可部分拨付）",
            parent,
        )
        self.open_fen = open_fen
        self.date_edit = _date_edit(self)
        self.date_edit.setObjectName("paid_on")
        self.voucher_edit = QLineEdit(self)
        self.voucher_edit.setObjectName("voucher")
        self.amount_edit = QLineEdit(format_yuan(open_fen).replace(",", ""), self)
        self.amount_edit.setObjectName("amount")
        self.form.addRow(self.tr("拨付日期"), self.date_edit)
        self.form.addRow(self.tr("凭证号"), self.voucher_edit)
        self.form.addRow(self.tr("金额（元）"), self.amount_edit)
        self.amount_fen = 0

    def check(self) -> str:
        if not self.voucher_edit.text().strip():
            return self.tr("请填写凭证号")
        try:
            self.amount_fen = parse_amount_fen(self.amount_edit.text(), "元")
        except AmountError as exc:
            return str(exc)
        if self.amount_fen <= 0:
            return self.tr("金额必须大于零")
        if self.amount_fen > self.open_fen:
            return f"金额超过尚未拨付的 {format_yuan(self.open_fen)} 元"
        return ""

    @property
    def paid_on(self) -> date:
        return _to_date(self.date_edit)

    @property
    def voucher(self) -> str:
        return self.voucher_edit.text().strip()


class ReceiptDialog(_FormDialog):
    """A 上级科技资金支付指标 received: its due date is computed 30 working days later."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "登记收到的资金指标", "到期日按收到日期后第 30 个法定工作日计算（收到当天不计）。", parent
        )
        self.date_edit = _date_edit(self)
        self.date_edit.setObjectName("received_on")
        self.amount_edit = QLineEdit(self)
        self.amount_edit.setObjectName("amount")
        self.amount_edit.setPlaceholderText("如 1000000 或 100万")
        self.doc_edit = QLineEdit(self)
        self.doc_edit.setObjectName("doc")
        self.stage_box = QComboBox(self)
        self.stage_box.addItems(["市财政", "旗县区财政"])
        self.form.addRow(self.tr("收到日期"), self.date_edit)
        self.form.addRow(self.tr("金额（元）"), self.amount_edit)
        self.form.addRow(self.tr("指标文号"), self.doc_edit)
        self.form.addRow(self.tr("环节"), self.stage_box)
        self.amount_fen = 0

    def check(self) -> str:
        if not self.doc_edit.text().strip():
            return self.tr("请填写指标文件文号")
        try:
            self.amount_fen = parse_amount_fen(self.amount_edit.text(), "元")
        except AmountError as exc:
            return str(exc)
        return "" if self.amount_fen > 0 else self.tr("金额必须大于零")

    @property
    def received_on(self) -> date:
        return _to_date(self.date_edit)

    @property
    def doc(self) -> str:
        return self.doc_edit.text().strip()

    @property
    def stage(self) -> str:
        return self.stage_box.currentText()
