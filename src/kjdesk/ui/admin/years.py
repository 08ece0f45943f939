"""年度结账: close a year (its payments and letters become read-only) or reopen it with a reason.

Both are for the 管理员; for other roles the buttons are disabled and say why. Every change
is audited by the service.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
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
from kjdesk.services.disbursement.years import (
    ADMIN,
    ClosedYearRow,
    close_year,
    list_closed_years,
    reopen_year,
)
from kjdesk.ui.dialogs import BaseDialog, confirm
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

# row: (year, year, closed_by, closed_at)
COLUMNS = [Column(1, "年度", width=70), Column(2, "关闭人", width=100), Column(3, "关闭时间", width=150)]


class ReopenDialog(BaseDialog):
    """Asks for the reason; 重新开启 is enabled once one is typed."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("重新开启 {y} 年度").format(y=year))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("如：补录 12 月拨付凭证"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.addButton(self.tr("重新开启"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok_button.setEnabled(len(t.strip()) >= 2))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(self.tr("重新开启后，该年度的拨付记录和通知书可以修改。原因将记入审计日志。"), self)
        )
        form.addRow(self.tr("原因"), self.reason)
        form.addRow(buttons)


class YearsDialog(BaseDialog):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.rows: list[ClosedYearRow] = []
        self.loaded = False
        self.setWindowTitle(self.tr("年度结账"))
        self.resize(480, 380)

        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, sortable=False, name="YearsDialog")
        self.view.setObjectName("closed_years")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.year = QSpinBox(self)
        self.year.setObjectName("year")
        self.year.setRange(2000, date.today().year)
        self.year.setValue(date.today().year - 1)
        self.close_button = QPushButton(self.tr("关闭该年度…"), self)
        self.close_button.setObjectName("close_year")
        self.close_button.clicked.connect(self.close_selected_year)
        self.reopen_button = QPushButton(self.tr("重新开启所选年度…"), self)
        self.reopen_button.setObjectName("reopen_year")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.note = QLabel(self)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度"), self))
        row.addWidget(self.year)
        row.addWidget(self.close_button)
        row.addStretch(1)
        row.addWidget(self.reopen_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("已关闭的年度：其拨付记录和通知书只读，直至管理员重新开启。"), self))
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.is_admin = app.role == ADMIN and not app.read_only
        if not self.is_admin:
            self.note.setText(self.tr("关闭和重新开启年度需要管理员账号（当前：{r}）。").format(r=app.role))
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        app = self.app
        self.ops.read(lambda _p: (list_closed_years(app), officer_names(app)), self._loaded)

    def _loaded(self, result: tuple[list[ClosedYearRow], dict[str, str]]) -> None:
        rows, names = result  # who closed a year, by name (the login stays in the audit log)
        self.rows = rows
        self.model.set_rows(
            [
                (r.year, r.year, names.get(r.closed_by, r.closed_by), f"{r.closed_at:%Y-%m-%d %H:%M}")
                for r in rows
            ]
        )
        self.loaded = True
        self._update_buttons()

    def selected_year(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        self.close_button.setEnabled(self.is_admin)
        self.reopen_button.setEnabled(self.is_admin and self.selected_year() is not None)

    def close_selected_year(self) -> None:
        year = self.year.value()
        text = self.tr(
            "关闭 {y} 年度后，该年度的拨付记录和通知书将只读，直至管理员重新开启。确定关闭吗？"
        ).format(y=year)
        if not confirm(self, self.tr("关闭年度"), text, yes=self.tr("关闭年度")):
            return
        self.ops.write(lambda _p: close_year(self.app, year), lambda _r: self.reload())

    def reopen_selected(self) -> None:
        year = self.selected_year()
        if year is None:
            return
        dialog = ReopenDialog(year, self)
        if dialog.exec() != ReopenDialog.DialogCode.Accepted:
            return
        reason = dialog.reason.text()
        self.ops.write(lambda _p: reopen_year(self.app, year, reason), lambda _r: self.reload())
