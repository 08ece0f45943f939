"""Form dialogs that validate as you type and name each problem beside its field.

A form subclass adds its rows with ``add_row``, implements ``check()`` (the service's own
``validate_*`` function, so the form and the import agree) and ``save()`` (one service call,
run on the write thread). ``ValidationFailed`` from the service maps back onto the fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import ServiceError, ValidationFailed
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.ui.workers import Operations, QtProgress

ERROR_STYLE = "color: #c0392b;"
INVALID_STYLE = "border: 1px solid #c0392b;"
NO_DATE = QDate(1900, 1, 1)


class DateField(QWidget):
    """A date that may be left empty (shows 未填); ``value()`` is a ``date`` or None."""

    def __init__(self, optional: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(NO_DATE)
        self.edit.setMaximumDate(QDate(2100, 12, 31))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        self.optional = optional
        if optional:
            self.edit.setSpecialValueText(self.tr("未填"))
            clear = QToolButton(self)
            clear.setText(self.tr("清除"))
            clear.setToolTip(self.tr("清空这个日期"))
            clear.clicked.connect(lambda: self.set_value(None))
            layout.addWidget(clear)
            self.edit.setDate(NO_DATE)
        else:
            self.edit.setDate(QDate.currentDate())
        self.dateChanged = self.edit.dateChanged

    def value(self) -> date | None:
        d = self.edit.date()
        if self.optional and d == NO_DATE:
            return None
        return date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        if value is None:
            self.edit.setDate(NO_DATE if self.optional else QDate.currentDate())
        else:
            self.edit.setDate(QDate(value.year, value.month, value.day))


class ChoicePicker(QLineEdit):
    """Pick one of many records (units, platforms, people) by typing part of its name or code.

    The choices arrive later (``set_choices``, from a read on the worker pool); until then the
    field says it is loading. ``value()`` is the chosen id, or None when the text names none.
    """

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._ids: dict[str, int] = {}
        self._labels: dict[int, str] = {}
        self._pending: int | None = None
        self.setPlaceholderText(self.tr("正在载入…"))
        self.setEnabled(False)
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)

    @staticmethod
    def label_of(row: tuple) -> str:
        return f"{row[1]}（{row[2]}）" if len(row) > 2 and row[2] else str(row[1])

    def set_choices(self, rows: list[tuple]) -> None:
        self._ids = {}
        for r in rows:
            label = self.label_of(r)
            if label in self._ids:  # two records that read the same: tell them apart by number
                label = f"{label} #{r[0]}"
            self._ids[label] = r[0]
        self._labels = {i: label for label, i in self._ids.items()}
        self._model.setStringList(list(self._ids))
        self.setEnabled(True)
        self.setPlaceholderText(self._placeholder)
        if self._pending is not None:
            self.set_value(self._pending)

    def value(self) -> int | None:
        return self._ids.get(self.text().strip())

    def set_value(self, row_id: int | None) -> None:
        if row_id is not None and not self._labels:
            self._pending = row_id
            return
        self._pending = None
        self.setText(self._labels.get(row_id, "") if row_id is not None else "")


class FormDialog(BaseDialog):
    """A dialog with a ``QFormLayout``; each field has its error line below it, in red."""

    def __init__(self, ops: Operations, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        self.result_value: Any = None
        self._widgets: dict[str, QWidget] = {}
        self._labels: dict[str, str] = {}
        self._errors: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._saving = False
        self._ready = False  # set by finish(): no validation while the subclass builds its rows
        outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(6)
        outer.addLayout(self.form)
        self.general_error = QLabel(self)
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        self.pending_hint = QLabel(self)  # why 保存 is still disabled, before any field is touched
        self.pending_hint.setObjectName("pending_hint")
        self.pending_hint.setStyleSheet("color: #777;")
        self.pending_hint.setWordWrap(True)
        outer.addWidget(self.pending_hint)
        outer.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("保存"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    # --- building ------------------------------------------------------------------------

    def add_row(
        self, name: str, label: str, widget: QWidget, tip: str = "", required: bool = False
    ) -> QWidget:
        cell = QWidget(self)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        if isinstance(widget, QComboBox):
            widget.setMinimumWidth(240)
            widget.setMaxVisibleItems(16)
        box.addWidget(widget)
        error = QLabel(cell)
        error.setObjectName(f"error_{name}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        caption = QLabel(("* " if required else "") + label + "：", self)
        caption.setBuddy(widget)
        if tip:
            caption.setToolTip(tip)
            widget.setToolTip(tip)
        self.form.addRow(caption, cell)
        widget.setObjectName(name)
        self._widgets[name], self._errors[name], self._labels[name] = widget, error, label
        self._watch(name, widget)
        return widget

    def _watch(self, name: str, widget: QWidget) -> None:
        def touched(*_args: object) -> None:
            if self._ready:
                self._touched.add(name)
                self.revalidate()

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(touched)
            widget.textChanged.connect(lambda *_: self.revalidate())
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(touched)
        elif isinstance(widget, DateField):
            widget.dateChanged.connect(touched)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(touched)

    # --- validation ----------------------------------------------------------------------

    def check(self) -> dict[str, str]:
        """Field name → Chinese reason, for the values now in the form."""
        return {}

    def save(self, progress: QtProgress) -> Any:
        """The one service call that stores the form; runs on the write thread."""
        raise NotImplementedError

    def finish(self) -> None:
        """Called at the end of a subclass's ``__init__``: the form is built, validation starts."""
        self._ready = True
        self.revalidate()

    def revalidate(self) -> dict[str, str]:
        if not self._ready:
            return {}
        errors = self.check()
        self.show_errors({k: v for k, v in errors.items() if k in self._touched})
        waiting = [self._labels.get(k, k) for k in errors if k not in self._touched and k in self._labels]
        self.pending_hint.setText(self.tr("尚待填写：") + "、".join(waiting) if waiting else "")
        self.pending_hint.setVisible(bool(waiting))
        self.ok_button.setEnabled(not errors and not self._saving)
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        for name, label in self._errors.items():
            text = errors.get(name, "")
            label.setText(text)
            label.setVisible(bool(text))
            self._widgets[name].setStyleSheet(INVALID_STYLE if text else "")
        stray = [v for k, v in errors.items() if k not in self._errors]
        self.general_error.setText("；".join(stray))
        self.general_error.setVisible(bool(stray))

    def error_of(self, name: str) -> str:
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    # --- saving --------------------------------------------------------------------------

    def accept(self) -> None:
        self._touched.update(self._widgets)
        if self.revalidate() or self._saving:
            return
        self._saving = True
        self.ok_button.setEnabled(False)
        self.ops.write(self.save, self._saved, self._failed)

    def _saved(self, result: Any) -> None:
        self._saving = False
        self.result_value = result
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.show_errors(exc.errors)
        elif isinstance(exc, ServiceError):
            self.show_errors({"": str(exc)})
        else:
            self.ops.show_error(exc)
