"""The shape of a register page: a filter box, actions, a table, an empty state.

A page subclass names its columns, how its rows are read (a service call on the read pool),
its form dialog and its delete call. Everything else — instant filter (Ctrl+F), new
(Ctrl+N), edit (double-click / Enter), delete (Del, after confirmation), keeping the
selection across reloads, the empty state — is here.

A page over many rows (100,000 units) opens in two steps: ``fetch_first`` reads the first
screen of rows (``first_page`` of them, in the order ``fetch`` gives), the page shows them
at once, and ``fetch`` then reads every row and builds the filter index on the read pool;
the whole set is swapped in keeping the scroll position and the selection. Until it is
there the count label says so, and a filter typed meanwhile filters what is loaded and is
applied to the whole set when it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App, Changes
from kjdesk.ui.dialogs import confirm
from kjdesk.ui.table import Column, RowTableModel, haystacks, make_table_view
from kjdesk.ui.table_columns import install_column_chooser
from kjdesk.ui.table_export import export_view, install_export
from kjdesk.ui.workers import Hub, QtProgress

FIRST_PAGE = 200  # rows of the first screen of a large register (a screen shows about 30)


class RegisterPage(QWidget):
    noun = "记录"  # 单位 / 平台 / 人员 / 认定记录
    columns: list[Column] = []
    watches: tuple[str, ...] = ()  # the Changes fields that make this page reload
    filter_hint = "筛选：名称、代码或旗县区"
    empty_text = "还没有记录。"
    first_page = 0  # > 0: open with ``fetch_first`` (that many rows), then read the rest

    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False  # the first screen of rows (or the empty state) is shown
        self.complete = False  # every row is there (not only the first screen)
        self._generation = 0  # of the latest reload: the answers of earlier ones are dropped
        self._stale = False
        self._select_after: int | None = None
        self.model = RowTableModel(self.columns, self)
        self.view = make_table_view(self.model, self)
        self.view.doubleClicked.connect(lambda index: self.edit_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setPlaceholderText(self.tr(self.filter_hint) + "（Ctrl+F）")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._filter)
        self.count_label = QLabel(self.tr("正在载入…"), self)
        self.count_label.setObjectName("count")
        self.new_button = QPushButton(self.tr("新增") + self.noun, self)
        self.new_button.setObjectName("new")
        self.new_button.setToolTip("Ctrl+N")
        self.edit_button = QPushButton(self.tr("修改"), self)
        self.edit_button.setObjectName("edit")
        self.delete_button = QPushButton(self.tr("删除"), self)
        self.delete_button.setObjectName("delete")
        self.delete_button.setToolTip("Del")
        self.export_button = QPushButton(self.tr("导出 Excel…"), self)
        self.export_button.setObjectName("export")
        self.export_button.setToolTip(self.tr("把表格中显示的行和列（按当前筛选和排序）导出为 Excel 文件"))
        self.export_button.clicked.connect(lambda: self.export())
        install_export(self.view, self.ops, lambda: self.export_title, self)
        install_column_chooser(self.view, type(self).__name__)
        self.new_button.clicked.connect(self.add_new)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        for button in self.extra_buttons():
            bar.addWidget(button)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.delete_button)
        bar.addWidget(self.export_button)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.body())
        self.empty = self._empty_state()
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self._shortcut(QKeySequence.StandardKey.Find, self.focus_filter)
        self._shortcut(QKeySequence.StandardKey.New, self.add_new)
        self.view.installEventFilter(self)  # Del in the table deletes the selected row
        self._selection_changed()
        self.reload()

    # --- what a page defines --------------------------------------------------------------

    def fetch(self, progress: QtProgress) -> list[tuple]:
        """Read the rows (on the read pool)."""
        raise NotImplementedError

    def fetch_first(self, progress: QtProgress, limit: int) -> list[tuple]:
        """Read the first ``limit`` rows of what ``fetch`` reads, in the same order (on the read
        pool); used when ``first_page`` > 0."""
        raise NotImplementedError

    def load_record(self, row_id: int) -> Any:
        """Read the whole record to edit (on the read pool)."""
        raise NotImplementedError

    def make_form(self, record: Any | None) -> QWidget | None:
        """The form dialog for a new record (None) or for ``record`` (from ``load_record``)."""
        return None

    def delete_call(self, row_id: int) -> Callable[[QtProgress], Any]:
        raise NotImplementedError

    def delete_question(self, row: tuple) -> str:
        return f"删除{self.noun}“{row[1]}”？此操作会记入审计日志。"

    def body(self) -> QWidget:
        """What the page shows when it has rows; by default the table alone."""
        return self.view

    def extra_buttons(self) -> list[QPushButton]:
        return []

    def empty_actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [(self.tr("新增") + self.noun, self.add_new)]

    def selection_changed(self, row: tuple | None) -> None:
        """Called with the selected row (or None); the 单位 page shows its detail."""

    # --- behaviour ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not event.modifiers()
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if event.key() == Qt.Key.Key_Delete:
                self.delete_selected()
            else:
                self.edit_selected()
            return True
        return super().eventFilter(watched, event)

    def refresh(self, changes: Changes) -> None:
        """Reload when the change concerns this page; a hidden page waits until it is shown."""
        if any(getattr(changes, w) for w in self.watches):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def reload(self) -> None:
        current = self.selected_id()
        if current is not None and self._select_after is None:
            self._select_after = current
        self._generation += 1
        generation = self._generation
        if self.first_page > 0 and self.model.total == 0:
            # Nothing on screen yet: show the first screen now, the rest when it is read.
            limit = self.first_page
            self.ops.read(
                lambda p: self.fetch_first(p, limit),
                lambda rows: self._first_loaded(generation, rows, limit),
            )
        else:
            # Rows on screen (a reload after a change): they stay until the new set replaces them.
            self.ops.read(self._read_all, lambda result: self._loaded(generation, result))

    def _read_all(self, progress: QtProgress) -> tuple[list[tuple], list[str]]:
        """Every row and its filter index (on the read pool: the UI thread only swaps them in)."""
        rows = self.fetch(progress)
        rows = rows if isinstance(rows, list) else list(rows)
        return rows, haystacks(self.columns, rows)

    def _first_loaded(self, generation: int, rows: list[tuple], limit: int) -> None:
        if generation != self._generation:  # a later reload is under way
            return
        more = len(rows) >= limit
        self.model.set_rows(rows)
        self.loaded, self.complete = True, not more
        self.stack.setCurrentIndex(1 if not rows else 0)
        self._update_count()
        self._select_pending(keep_if_missing=more)
        self._selection_changed()
        if more:
            self.ops.read(
                self._read_all,
                lambda result: self._rest_loaded(generation, result),
                lambda exc: self._rest_failed(generation, exc),
            )

    def _rest_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.count_label.setText(self.tr("其余{noun}未能载入").format(noun=self.noun))
            self.ops.show_error(exc)

    def _rest_loaded(self, generation: int, result: tuple[list[tuple], list[str]]) -> None:
        """The whole set after the first screen: appended when the rows on show are its start
        (the officer's scroll position and selection stay), else the view is reset and the
        selected record and the top row are found again."""
        if generation != self._generation:
            return
        rows, index = result
        before = self.selected_id()
        if before is not None:  # what the officer selected meanwhile wins over an older wish
            self._select_after = before
        top = self._top_id() if self.view.verticalScrollBar().value() > 0 else None
        if self.model.replace_rows(rows, index):
            if before is not None:  # appended: the selection is where it was
                self._select_after = None
            self._select_pending(keep_if_missing=False)
        elif not self._select_pending(keep_if_missing=False) and top is not None:
            row = self.model.row_of_id(top)
            if row >= 0:
                self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self.complete = True
        self.stack.setCurrentIndex(1 if not rows else 0)
        self._update_count()
        if self.selected_id() != before:
            self._selection_changed()

    def _loaded(self, generation: int, result: tuple[list[tuple], list[str]]) -> None:
        if generation != self._generation:
            return
        rows, index = result
        self.model.set_rows(rows, index)
        self.loaded = self.complete = True
        self.stack.setCurrentIndex(1 if not rows else 0)
        self._update_count()
        self._select_pending(keep_if_missing=False)
        self._selection_changed()

    def _select_pending(self, *, keep_if_missing: bool) -> bool:
        """Select the record saved or selected before a reload; True when it is selected."""
        if self._select_after is None:
            return False
        row = self.model.row_of_id(self._select_after)
        if row < 0 and keep_if_missing:  # perhaps among the rows still to come
            return False
        self._select_after = None
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def _top_id(self) -> int | None:
        index = self.view.indexAt(QPoint(1, 1))
        return self.model.row_id(index.row()) if index.isValid() else None

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()
        self._selection_changed()

    def _update_count(self) -> None:
        if not self.complete:
            loading = self.tr("正在载入其余{noun}……").format(noun=self.noun)
            if self.model.filtering:
                found = self.tr("已找到 {shown} 条，").format(shown=self.model.shown)
                loading = found + loading
            self.count_label.setText(loading)
        elif self.model.shown == self.model.total:
            self.count_label.setText(self.tr("共 {n} 条").format(n=self.model.total))
        elif self.model.shown == 0:
            self.count_label.setText(self.tr("没有符合筛选条件的{noun}").format(noun=self.noun))
        else:
            self.count_label.setText(
                self.tr("显示 {shown} / 共 {n} 条").format(shown=self.model.shown, n=self.model.total)
            )

    @property
    def export_title(self) -> str:
        return self.noun if self.noun.endswith(("名录", "记录")) else f"{self.noun}名录"

    def export(self, path: str | None = None) -> None:
        """导出 Excel: the rows and columns on show, in their filter and order."""
        export_view(self, self.ops, self.view, self.export_title, path)

    def focus_filter(self) -> None:
        self.filter_box.setFocus()
        self.filter_box.selectAll()

    def selected_row(self) -> int:
        """The view row of the selected record, or -1."""
        selected = self.view.selectionModel().selectedRows()
        return selected[0].row() if selected and selected[0].row() < self.model.rowCount() else -1

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return self.model.row_id(row) if row >= 0 else None

    def _selection_changed(self) -> None:
        row = self.selected_row()
        writable = not self.app.read_only  # another officer is editing: look, don't touch
        self.new_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and row >= 0)
        self.delete_button.setEnabled(writable and row >= 0)
        self.selection_changed(self.model.row_tuple(row) if row >= 0 else None)

    def add_new(self) -> None:
        if not self.app.read_only:
            self._open_form(None)

    def edit_selected(self) -> None:
        row_id = self.selected_id()
        if row_id is not None and not self.app.read_only:
            self._open_form(row_id)

    def _open_form(self, row_id: int | None) -> None:
        if row_id is None:
            self._show_form(None, None)
        else:
            self.ops.read(lambda _p: self.load_record(row_id), lambda rec: self._show_form(row_id, rec))

    def _show_form(self, row_id: int | None, record: Any | None) -> None:
        dialog = self.make_form(record)
        if dialog is None:
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def saved() -> None:
            result = getattr(dialog, "result_value", None)
            self._select_after = getattr(result, "id", None) or row_id

        dialog.accepted.connect(saved)
        dialog.open()

    def delete_selected(self) -> None:
        row_id = self.selected_id()
        if row_id is None or self.app.read_only:
            return
        row = self.model.row_tuple(self.selected_row())
        if confirm(self, self.tr("删除") + self.noun, self.delete_question(row)):
            self.ops.write(self.delete_call(row_id))

    def _shortcut(self, key: QKeySequence.StandardKey | str, slot: Callable[[], None]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _empty_state(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.addStretch(2)
        text = QLabel(self.tr(self.empty_text), panel)
        text.setObjectName("empty_text")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 15px; color: #555;")
        layout.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        for label, slot in self.empty_actions():
            button = QPushButton(label, panel)
            button.setMinimumWidth(120)
            button.setMinimumHeight(34)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addStretch(3)
        return panel
