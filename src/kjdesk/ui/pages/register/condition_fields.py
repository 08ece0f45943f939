"""D14: the rows of a form where the officer records the conditions the policy text attaches.

One drop-down per attribute (``services.conditions``): blank means “未登记” — the item that
needs it shows “须核实” and cannot be approved until the officer records 是/否 (or a category).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from kjdesk.services.register.conditions import Attribute, decode, encode
from kjdesk.ui.form import FormDialog

UNRECORDED = "（未登记：须核实）"


class ConditionFields:
    """The condition rows of one form; ``show_only`` hides the rows a record type does not use."""

    def __init__(self, form: FormDialog, attributes: tuple[Attribute, ...]) -> None:
        self.form = form
        self.combos: dict[str, QComboBox] = {}
        for a in attributes:
            combo = QComboBox()
            combo.addItem(UNRECORDED, "")
            for choice in a.choices:
                combo.addItem(choice, choice)
            form.add_row(f"cond_{a.key}", a.label, combo, tip=a.hint)
            self.combos[a.key] = combo

    def set_text(self, text: str) -> None:
        values = decode(text)
        for key, combo in self.combos.items():
            combo.setCurrentIndex(max(combo.findData(values.get(key, "")), 0))

    def text(self) -> str:
        return encode({k: c.currentData() or "" for k, c in self.combos.items() if c.isVisibleTo(self.form)})

    def show_only(self, keys: set[str]) -> None:
        for key, combo in self.combos.items():
            self.form.form.setRowVisible(combo.parentWidget(), key in keys)
