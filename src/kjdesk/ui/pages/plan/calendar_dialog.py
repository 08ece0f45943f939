"""The 工作日历 dialog: enter a year's 放假 and 调休上班 days from the State Council notice.

For the years the built-in calendar covers nothing needs entering; for a later year the
officer enters each day of the notice and then confirms the year, after which the due
dates of fund receipts in that year are computed. Until then none is guessed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App
from kjdesk.services.core.officer_names import officer_names
from kjdesk.services.disbursement import deadlines
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

COLUMNS = [Column(0, "日期", width=110), Column(1, "安排", width=90), Column(2, "节日", width=160)]


class CalendarDialog(BaseDialog):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False
        self.setWindowTitle(self.tr("工作日历（法定节假日与调休）"))
        self.setMinimumSize(560, 520)
        self.year_box = QSpinBox(self)
        self.year_box.setObjectName("year")
        self.year_box.setRange(2004, 2100)
        self.year_box.setValue(date.today().year + 1)
        self.year_box.valueChanged.connect(lambda _v: self.reload())
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, sortable=False, name="CalendarDialog")
        self.view.setObjectName("days")

        self.day_edit = QDateEdit(self)
        self.day_edit.setObjectName("day")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("kind")
        self.kind_box.addItem(self.tr("放假"), False)
        self.kind_box.addItem(self.tr("调休上班"), True)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name")
        self.name_edit.setPlaceholderText(self.tr("节日，如 春节"))
        self.add_button = QPushButton(self.tr("添加"), self)
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add_day)
        self.remove_button = QPushButton(self.tr("删除所选"), self)
        self.remove_button.setObjectName("remove")
        self.remove_button.clicked.connect(self.remove_day)
        self.source_edit = QLineEdit(self)
        self.source_edit.setObjectName("source")
        self.source_edit.setPlaceholderText(self.tr("依据：国务院办公厅关于该年部分节假日安排的通知（文号）"))
        self.confirm_button = QPushButton(self.tr("确认该年度已录入完整"), self)
        self.confirm_button.setObjectName("confirm")
        self.confirm_button.clicked.connect(self.confirm_year)
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("color:#2e6b3a;")
        self.notice.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度"), self))
        top.addWidget(self.year_box)
        top.addStretch(1)
        entry = QHBoxLayout()
        for w in (self.day_edit, self.kind_box, self.name_edit, self.add_button, self.remove_button):
            entry.addWidget(w)
        confirm = QHBoxLayout()
        confirm.addWidget(self.source_edit, 1)
        confirm.addWidget(self.confirm_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(entry)
        layout.addLayout(confirm)
        layout.addWidget(self.notice)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        app, year = self.app, self.year_box.value()
        self.day_edit.setDate(QDate(year, 1, 1))
        self.loaded = False
        self.ops.read(
            lambda _p: (
                deadlines.calendar_status(app, year),
                deadlines.calendar_days(app, year),
                officer_names(app),
            ),
            self._loaded,
        )

    def _loaded(self, result: tuple) -> None:
        status, days, names = result
        if status.year != self.year_box.value():
            return
        if status.from_package:
            text = f"{status.year} 年的节假日安排已内置，无需录入。"
        elif status.confirmed_by:
            text = (
                f"{status.year} 年已由 {names.get(status.confirmed_by, status.confirmed_by)} 确认"
                f"（依据：{status.source}），可以计算到期日。"
            )
        else:
            text = (
                f"{status.year} 年的节假日安排尚未确认：请按国务院办公厅通知逐日录入放假和调休上班日期，"
                "然后确认；确认前不计算该年的到期日。"
            )
        self.status.setText(text)
        editable = not status.from_package and not status.confirmed_by
        for w in (self.add_button, self.remove_button, self.confirm_button, self.source_edit):
            w.setEnabled(editable)
        self.model.set_rows([(d.isoformat(), "调休上班" if work else "放假", name) for d, work, name in days])
        self.loaded = True

    def add_day(self) -> None:
        q = self.day_edit.date()
        day = date(q.year(), q.month(), q.day())
        if day.year != self.year_box.value():
            self.notice.setText(self.tr("日期不在所选年度内"))
            return
        app, work, name = self.app, bool(self.kind_box.currentData()), self.name_edit.text()
        self.ops.write(lambda _p: deadlines.set_calendar_day(app, day, work, name), lambda _r: self.reload())

    def remove_day(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return
        day = date.fromisoformat(self.model.row_tuple(rows[0].row())[0])
        app = self.app
        self.ops.write(lambda _p: deadlines.remove_calendar_day(app, day), lambda _r: self.reload())

    def confirm_year(self) -> None:
        app, year, source = self.app, self.year_box.value(), self.source_edit.text()

        def done(n: int) -> None:
            self.notice.setText(f"已确认 {year} 年工作日历；补算了 {n} 个资金指标的到期日")
            self.reload()

        self.ops.write(
            lambda _p: deadlines.confirm_calendar_year(app, year, source),
            done,
        )
