"""Nothing kjdesk writes to a workbook can execute: every text is a string cell.

openpyxl turns any string that starts with ``=`` into a formula (``data_type == "f"``), so a
unit named ``=HYPERLINK("http://x","y")`` or ``=cmd|' /C calc'!A0`` would become a live
formula in a finance sheet. Every writer passes its cells through here: ``text_cell`` for a
cell of a write-only sheet as it is filled, ``defuse`` for a whole sheet before it is saved; ``cell_value`` for any text taken from the
database or a roster (a control character imported before it was refused must not stop the
year's finance sheet from being written).
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import Cell

from kjdesk.safe_text import control_char, show_controls


def cell_value(value: object) -> object:
    """A value fit for a cell: control characters (which openpyxl refuses, and which would hide
    or reverse text) written as ``⟨U+202E⟩``."""
    if isinstance(value, str) and control_char(value) is not None:
        return show_controls(value)
    return value


def text_cell(cell: Cell) -> Cell:
    """Keep a text value that looks like a formula as text (a string cell)."""
    if cell.data_type == "f" and isinstance(cell._value, str):  # noqa: SLF001 - the raw value
        cell.data_type = "s"
    return cell


def defuse(ws) -> int:  # noqa: ANN001 - an openpyxl Worksheet
    """Every formula-looking text of ``ws`` made a string cell; returns how many were changed."""
    changed = 0
    for cell in list(ws._cells.values()):  # noqa: SLF001 - the sheet's stored cells, not a full grid
        if cell.data_type == "f" and isinstance(cell._value, str):  # noqa: SLF001
            cell.data_type = "s"
            changed += 1
    return changed


def defuse_workbook(wb) -> int:  # noqa: ANN001 - an openpyxl Workbook
    return sum(defuse(ws) for ws in wb.worksheets)


def formula_cells(values: Iterable[Cell]) -> list[str]:
    """The coordinates of formula cells among ``values`` (for tests and checks)."""
    return [c.coordinate for c in values if c.data_type == "f"]
