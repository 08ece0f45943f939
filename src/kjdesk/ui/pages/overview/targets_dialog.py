"""目标详情 (乌海 §4): each 2025 target with its 2021 baseline, its value at the end of every year,
the units behind each count, and the officer's note (for qualitative targets above all)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App
from kjdesk.services.disbursement.target_history import TargetHistory, set_target_note, target_history
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Operations

YEARS = (2021, 2022, 2023, 2024, 2025)
T_ARTICLE, T_METRIC, T_KIND, T_BASE, *T_YEARS = range(1, 5 + len(YEARS))
T_TARGET = T_YEARS[-1] + 1
COLUMNS = [
    Column(T_ARTICLE, "条", width=66),
    Column(T_METRIC, "目标", width=200),
    Column(T_KIND, "口径", width=50),
    Column(T_BASE, "基线", "政策施行之日（2021年7月15日）仍有效的认定数", width=60, align_right=True),
    *(Column(f, f"{y}年末", width=64, align_right=True) for f, y in zip(T_YEARS, YEARS, strict=True)),
    Column(T_TARGET, "到2025年", width=200),
]


class TargetsDialog(BaseDialog):
    def __init__(self, app: App, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.ops = app, ops
        self.setWindowTitle(self.tr("目标完成情况（基线、逐年数值、名单、说明）"))
        self.resize(980, 620)
        self.items: list[TargetHistory] = []
        self.loaded = False
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, name="TargetsDialog")
        self.view.setObjectName("targets")
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show())
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("names_year")
        self.year_box.addItem(self.tr("基线"), None)
        for y in YEARS:
            self.year_box.addItem(f"{y}年末", y)
        self.year_box.setCurrentIndex(self.year_box.count() - 1)
        self.year_box.currentIndexChanged.connect(lambda _i: self._show())
        self.names = QPlainTextEdit(self)
        self.names.setObjectName("names")
        self.names.setReadOnly(True)
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("说明：进展、依据、存在的问题（定性目标在此说明完成情况）"))
        self.save_button = QPushButton(self.tr("保存说明"), self)
        self.save_button.setObjectName("save_note")
        self.save_button.clicked.connect(self.save_note)
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("color:#2e6b3a;")

        lower = QWidget(self)
        lower_layout = QHBoxLayout(lower)
        left = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("计入的单位："), lower))
        row.addWidget(self.year_box)
        row.addStretch(1)
        left.addLayout(row)
        left.addWidget(self.names)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("说明："), lower))
        right.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        lower_layout.addLayout(left, 1)
        lower_layout.addLayout(right, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        app = self.app
        self.ops.read(lambda _p: target_history(app), self._loaded)

    def _loaded(self, items: list[TargetHistory]) -> None:
        selected = self.current()
        self.items = items
        rows = []
        for i, t in enumerate(items):
            by_year = {v.year: v.value for v in t.years}
            values = [("—" if t.qualitative else str(by_year.get(y, ""))) for y in YEARS]
            base = "—" if t.qualitative else str(t.baseline)
            rows.append((i, t.article, t.metric, t.kind_label, base, *values, t.target_text))
        self.model.set_rows(rows)
        if items:
            index = next((i for i, t in enumerate(items) if selected and t.id == selected.id), 0)
            self.view.selectRow(index)
        self.loaded = True
        self._show()

    def current(self) -> TargetHistory | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows or not self.items:
            return None
        return self.items[self.model.row_id(rows[0].row())]

    def _show(self) -> None:
        t = self.current()
        if t is None:
            self.names.setPlainText("")
            return
        year = self.year_box.currentData()
        if year is None:
            names, head = t.baseline_names, f"{t.baseline_day.isoformat()} 仍有效：{t.baseline} 家"
        else:
            found = next((v for v in t.years if v.year == year), None)
            if found is None:
                self.names.setPlainText(self.tr("{y} 年尚未到来").format(y=year))
                return
            names = found.names
            what = "新获认定" if t.kind == "flow" else "仍有效"
            head = f"截至 {found.day.isoformat()} {what}：{found.value} 家"
        if t.qualitative:
            head = "定性目标，不按数量统计；请在右侧说明完成情况。相关认定：" + head
        self.names.setPlainText("\n".join([head, *names]))
        self.note.setPlainText(t.note)

    def save_note(self) -> None:
        t = self.current()
        if t is None:
            return
        app, text, target_id = self.app, self.note.toPlainText(), t.id
        self.ops.write(
            lambda _p: set_target_note(app, target_id, text),
            lambda _r: (self.notice.setText(self.tr("已保存说明")), self.reload()),
        )
