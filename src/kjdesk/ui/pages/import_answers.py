"""The 导入对照 page: what earlier imports were told, remembered for the next list.

Each line is an answer an officer gave: a name as a published list writes it is that
registered unit, or a wording of a recognition type means that type and level. The next
list with the same wording is matched without asking. The officer can point a name at
another unit, teach a new type wording, or delete an answer (the next list asks again).
Every change goes through ``services/import_answers`` and is audited.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App, Changes
from kjdesk.services.core.officer_names import officer_names
from kjdesk.services.imports import answers
from kjdesk.services.register.tables import unit_choices
from kjdesk.ui.dialogs import confirm
from kjdesk.ui.form import ChoicePicker
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

COLUMNS = [
    Column(1, "类别", "单位名称或认定类型措辞", width=100),
    Column(2, "名单中的写法", width=260, searchable=True),
    Column(3, "对应", "已登记的单位（信用代码），或认定类型与级别", width=320, searchable=True),
    Column(4, "首次确认的文件", width=180, searchable=True),
    Column(5, "确认人", width=80),
    Column(6, "时间", width=130),
]
LEVELS = (("", "（按认定类型）"), ("国家", "国家级"), ("自治区", "自治区级"), ("市级", "市级"))


def _rows(items: list[answers.AnswerRow], names: dict[str, str] | None = None) -> list[tuple]:
    """The table's rows; ``names`` turns the officers' logins into their names."""
    names = names or {}
    return [
        (
            a.id,
            a.kind_label,
            a.shown,
            a.meaning,
            a.source or "（手工添加）",
            names.get(a.answered_by, a.answered_by),
            f"{a.updated_at:%Y-%m-%d %H:%M}",
        )
        for a in items
    ]


class UnitAnswerDialog(QDialog):
    """Point a remembered name at another registered unit."""

    def __init__(self, shown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("修改对应单位"))
        self.picker = ChoicePicker(self.tr("输入单位名称或信用代码的一部分"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("名单中的写法："), QLabel(shown))
        form.addRow(self.tr("对应单位："), self.picker)
        form.addRow(buttons)


class TitleAnswerDialog(QDialog):
    """Teach a wording of a recognition type (a list's 类别 column, a title)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增认定类型措辞"))
        self.wording = QLineEdit()
        self.wording.setPlaceholderText(self.tr("名单中的写法，如 国家级高企"))
        self.type_combo = QComboBox()
        for t in sorted(builtin_titles().types.values(), key=lambda t: t.name):
            self.type_combo.addItem(t.name, t.id)
        self.level_combo = QComboBox()
        for value, label in LEVELS:
            self.level_combo.addItem(label, value)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("名单中的写法："), self.wording)
        form.addRow(self.tr("认定类型："), self.type_combo)
        form.addRow(self.tr("级别："), self.level_combo)
        form.addRow(buttons)


class ImportAnswersPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        intro = QLabel(
            self.tr(
                "导入名单时确认过的对应关系：名单中的单位名称对应哪个已登记单位，某种写法对应哪个认定类型。"
                "下次导入同样写法的名单时自动对应，不再询问。删除后下次会重新询问。"
            )
        )
        intro.setWordWrap(True)
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(self.tr("筛选：写法、单位名称、信用代码或文件"))
        self.filter_box.setClearButtonEnabled(True)
        self.model = RowTableModel(COLUMNS, self)
        self.filter_box.textChanged.connect(self.model.set_filter)
        self.view = make_table_view(self.model, self, name="ImportAnswersPage")
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.view.doubleClicked.connect(lambda *_: self.change_selected())
        self.count_label = QLabel(self.tr("正在载入…"))
        self.change_button = QPushButton(self.tr("修改对应…"))
        self.change_button.clicked.connect(self.change_selected)
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.add_title_button = QPushButton(self.tr("新增认定类型措辞…"))
        self.add_title_button.clicked.connect(self.add_title)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.change_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.add_title_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addWidget(intro)
        box.addLayout(bar)
        box.addWidget(self.view, 1)
        box.addWidget(self.count_label)
        box.addWidget(self.notice)
        self.items: dict[int, answers.AnswerRow] = {}
        self.loaded = False
        self._selection()
        self.load()

    # --- reading ------------------------------------------------------------------------

    def load(self) -> None:
        app = self.app
        self.ops.read(lambda _p: (answers.list_answers(app), officer_names(app)), self._loaded)

    def _loaded(self, result: tuple[list[answers.AnswerRow], dict[str, str]]) -> None:
        items, names = result
        self.items = {a.id: a for a in items}
        self.loaded = True
        self.model.set_rows(_rows(items, names))
        self.count_label.setText(self.tr("共 {n} 条对照").format(n=len(items)))
        self._selection()

    def refresh(self, changes: Changes) -> None:
        if changes.units or changes.recognitions or changes.settings:  # an import may have added some
            self.load()

    def selected(self) -> answers.AnswerRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.items.get(self.model.row_id(rows[0].row()))

    def _selection(self) -> None:
        has = self.selected() is not None
        self.change_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # --- writing ------------------------------------------------------------------------

    def _write(self, call, done_text: str) -> None:  # noqa: ANN001
        def done(_result: object) -> None:
            self.notice.setText(done_text)
            self.load()

        self.ops.write(call, done)

    def change_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.kind == answers.UNIT_NAME:
            dialog = UnitAnswerDialog(row.shown, self)
            self.ops.read(lambda _p: unit_choices(self.app), dialog.picker.set_choices)
            dialog.picker.set_value(row.unit_id)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.picker.value() is None:
                return
            unit_id = dialog.picker.value()
            self._write(
                lambda _p: answers.change_answer(self.app, row.id, unit_id=unit_id),
                self.tr("已修改“{s}”的对应单位").format(s=row.shown),
            )
            return
        dialog = TitleAnswerDialog(self)
        dialog.wording.setText(row.shown)
        dialog.wording.setReadOnly(True)
        dialog.type_combo.setCurrentIndex(max(dialog.type_combo.findData(row.type_id), 0))
        dialog.level_combo.setCurrentIndex(max(dialog.level_combo.findData(row.level), 0))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        type_id, level = dialog.type_combo.currentData(), dialog.level_combo.currentData()
        self._write(
            lambda _p: answers.change_answer(self.app, row.id, type_id=type_id, level=level),
            self.tr("已修改“{s}”的对应认定类型").format(s=row.shown),
        )

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        question = self.tr("删除对照“{s}”→“{m}”？下次导入同样写法的名单时会重新询问。此操作会记入审计日志。")
        if not confirm(self, self.tr("删除对照"), question.format(s=row.shown, m=row.meaning)):
            return
        self._write(
            lambda _p: answers.delete_answer(self.app, row.id), self.tr("已删除对照“{s}”").format(s=row.shown)
        )

    def add_title(self) -> None:
        dialog = TitleAnswerDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.wording.text().strip():
            return
        wording = dialog.wording.text().strip()
        type_id, level = dialog.type_combo.currentData(), dialog.level_combo.currentData()
        self._write(
            lambda _p: answers.add_title_answer(self.app, wording, type_id, level),
            self.tr("已记住：“{w}”即{t}").format(w=wording, t=dialog.type_combo.currentText()),
        )
