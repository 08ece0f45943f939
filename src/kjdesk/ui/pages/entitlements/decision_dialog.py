"""新建决定: a 决定 (会议纪要 / 局务会 / 主任办公会) entered once, then chosen as the basis of many amounts."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from kjdesk.services.core.app import App
from kjdesk.services.disbursement.decisions import (
    DECISION_KINDS,
    DecisionInput,
    DecisionRow,
    add_decision,
    check_decision,
)
from kjdesk.ui.form import DateField, FormDialog
from kjdesk.ui.workers import Operations, QtProgress


class DecisionDialog(FormDialog):
    """新建决定: kind, number, date, title, optional file reference."""

    def __init__(self, app: App, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, "新建决定", parent)
        self.app = app
        self.kind = self.add_row("kind", "类型", QComboBox(), required=True)
        self.kind.addItems(list(DECISION_KINDS))
        self.number = self.add_row("number", "纪要编号", QLineEdit(), tip="如 纪要〔2026〕3号", required=True)
        self.number.setPlaceholderText("如 纪要〔2026〕3号")
        self.day = self.add_row("day", "会议日期", DateField(optional=False), required=True)
        self.day.set_value(date.today())
        self.title = self.add_row(
            "title", "议题", QLineEdit(), tip="如 2026年第一批科技政策兑现", required=True
        )
        self.file_ref = self.add_row("file_ref", "文件", QLineEdit(), tip="纪要存放位置或档案号（可不填）")
        self.finish()

    def data(self) -> DecisionInput:
        return DecisionInput(
            self.kind.currentText(),
            self.number.text(),
            self.day.value() or date.today(),
            self.title.text(),
            self.file_ref.text(),
        )

    def check(self) -> dict[str, str]:
        return check_decision(self.data())

    def save(self, progress: QtProgress) -> DecisionRow:
        return add_decision(self.app, self.data())
