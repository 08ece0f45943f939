"""The tables and the void dialog of the 通知书 page (``ui/pages/letters/page.py``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from kjdesk.money import format_yuan
from kjdesk.services.letters.rows import LetterRow
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.table import Column, RowTableModel

# issued row: (index, number, addressee, district, clause, budget year, amount, date, status, note)
LETTER_COLUMNS = [
    Column(1, "发文字号", width=150, searchable=True),
    Column(2, "主送单位", width=220, searchable=True),
    Column(3, "旗县区", width=90, searchable=True),
    Column(4, "条款", width=140, searchable=True),
    Column(5, "年度", "拨付年度", width=56),
    Column(6, "金额（元）", width=120, align_right=True),
    Column(7, "成文日期", width=96),
    Column(8, "状态", "有效 / 已作废", width=64),
    Column(9, "说明", "替代或作废的情况", width=200),
]
# pending row: (index, addressee, district, clause, year, amount)
PENDING_COLUMNS = [
    Column(1, "主送单位", width=220, searchable=True),
    Column(2, "旗县区", width=90, searchable=True),
    Column(3, "条款", width=160, searchable=True),
    Column(4, "年度", width=56),
    Column(5, "金额（元）", width=120, align_right=True),
]


class LetterNumber(str):
    """A 发文字号 that sorts by year and sequence (〔2026〕10号 after 〔2026〕9号), not as text."""

    key: tuple[int, int]

    def __new__(cls, text: str, year: int, seq: int) -> LetterNumber:
        obj = super().__new__(cls, text)
        obj.key = (year, seq)
        return obj

    def __lt__(self, other: str) -> bool:
        return self.key < other.key if isinstance(other, LetterNumber) else str.__lt__(self, other)


class MoneyModel(RowTableModel):
    """Rows with one amount in 分 shown in 元; a voided letter is greyed."""

    def __init__(
        self, columns: list[Column], money_field: int, parent: QWidget, status_field: int = 0
    ) -> None:
        super().__init__(columns, parent)
        self.money_field, self.status_field = money_field, status_field

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # "no sort column" (the view's start-up call): keep the service's order
            self._sort = None
            return
        super().sort(column, order)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: ANN001
        if role == Qt.ItemDataRole.DisplayRole and self.columns[index.column()].field == self.money_field:
            return format_yuan(self.row_tuple(index.row())[self.money_field])
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self.status_field
            and self.row_tuple(index.row())[self.status_field] == "已作废"
        ):
            return QBrush(QColor("#888888"))
        return super().data(index, role)


def note_of(r: LetterRow) -> str:
    parts = [f"替代{r.replaces_number}"] if r.replaces_number else []
    if r.status == "已作废":
        parts.append(f"作废：{r.void_reason}")
        if r.replaced_by_number:
            parts.append(f"由{r.replaced_by_number}替代")
    return "；".join(parts)


class VoidDialog(BaseDialog):
    """作废: the reason is required; 同时签发更正 issues the replacement at once."""

    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("作废通知书 {n}").format(n=number))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("如：单位名称有误、金额调整"))
        self.reissue = QCheckBox(self.tr("同时按现有数据签发更正后的通知书（新文号，注明替代本通知）"), self)
        self.reissue.setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.addButton(self.tr("作废"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok_button.setEnabled(bool(t.strip())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("作废后原通知书仍保留存档，状态显示“已作废”。"), self))
        form.addRow(self.tr("作废原因"), self.reason)
        form.addRow(self.reissue)
        form.addRow(buttons)
