"""Print-ready Excel sheets for finance (openpyxl, write-only mode).

A ``TableSheet`` is plain data: a title, the columns, rows of values and the kind of each
row (data, subtotal, total, section heading). ``write_workbook`` lays every sheet out as a
finance bureau expects a printed table: A4 (landscape or portrait), the title on top, the
unit (单位：元) at the right, the header row repeated on every page, fitted to the page
width, 第 N 页 共 M 页 in the footer, the bureau's sheet font, and 制表人 / 复核人 / 日期
lines under the table.

Money arrives as integer 分 and is written as an exact 元 number (分 / 100) shown with two
decimals and thousands separators, so paper and letter agree to the 分; a summary sheet may
show 万元 instead (kind ``money_wan``: the exact 万元 value, two decimals, the unit stated).
Totals are numbers computed by the caller, never formulas alone, so a sheet is right even
before Excel recalculates it.

Speed: the workbook is written in openpyxl's write-only mode. Each column keeps one styled
cell per row kind and only its value changes from row to row (write-only mode writes a row
as soon as it is appended), so styling costs almost nothing per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from kjdesk.atomic import check_folder, replacing
from kjdesk.io.xlsx_safe import cell_value, text_cell
from kjdesk.money import fen_to_wan, fen_to_yuan

FONT_NAME = "宋体"
YUAN_FORMAT = "#,##0.00"
WAN_FORMAT = "#,##0.00"
INT_FORMAT = "0"
LINE_HEIGHT = 13.5  # points per line of 10-point 宋体
DATA, SUBTOTAL, TOTAL, SECTION, HEADER = "data", "subtotal", "total", "section", "header"


@dataclass(frozen=True)
class Column:
    label: str
    width: float
    # text | wrap | center | money (int 分 → 元) | money_wan (int 分 → 万元) | int | percent | yuan (Decimal 元) | date
    kind: str = "text"


@dataclass
class TableSheet:
    name: str  # the tab name (≤ 31 characters)
    title: str
    columns: Sequence[Column]
    rows: Iterable[tuple[str, Sequence[object]]]  # (row kind, values)
    left_note: str = ""  # e.g. 编制单位：包头市科学技术局
    unit_note: str = "单位：元"
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the table (口径 notes)
    signatures: bool = True
    font: str = FONT_NAME  # the bureau's sheet font
    orientation: str = "landscape"  # or "portrait"


_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILLS = {
    HEADER: PatternFill("solid", fgColor="D9D9D9"),
    SUBTOTAL: PatternFill("solid", fgColor="F2F2F2"),
    TOTAL: PatternFill("solid", fgColor="E7E6E6"),
    SECTION: PatternFill("solid", fgColor="F2F2F2"),
}
_ALIGN = {
    "text": Alignment(horizontal="left", vertical="center", wrap_text=False),
    "wrap": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "money": Alignment(horizontal="right", vertical="center"),
    "money_wan": Alignment(horizontal="right", vertical="center"),
    "int": Alignment(horizontal="right", vertical="center"),
    "percent": Alignment(horizontal="right", vertical="center"),
    "yuan": Alignment(horizontal="right", vertical="center"),
    "date": Alignment(horizontal="center", vertical="center"),
}
_FORMATS = {
    "money": YUAN_FORMAT,  # int 分 shown in 元 to the 分
    "money_wan": WAN_FORMAT,  # int 分 shown in 万元 (summary sheets only, the unit stated)
    "int": INT_FORMAT,
    "percent": "0.0%",
    "yuan": YUAN_FORMAT,  # a Decimal already in 元
    "date": "yyyy-mm-dd",
}


class _TemplateCell(Cell):
    """A cell whose style is set once and reused for a whole column: its style id is computed
    once instead of for every value written."""

    __slots__ = ("_frozen_id",)

    def freeze_style(self) -> None:
        self._frozen_id = Cell.style_id.fget(self)

    @property
    def style_id(self) -> int:
        return self._frozen_id


class _Styler:
    """One reusable styled cell per (column, row kind) of a write-only sheet."""

    def __init__(self, ws, columns: Sequence[Column], font: str = FONT_NAME) -> None:  # noqa: ANN001
        self.ws = ws
        self.font = font
        self.columns = columns
        self.cells: dict[str, list[_TemplateCell]] = {}
        self.wrapped = [i for i, c in enumerate(columns) if c.kind == "wrap"]
        self.capacity = {i: max(2, int((columns[i].width - 1) / 0.95)) for i in self.wrapped}

    def _make(self, kind: str) -> list[_TemplateCell]:
        cells = []
        bold = kind in (SUBTOTAL, TOTAL, HEADER, SECTION)
        for col in self.columns:
            c = _TemplateCell(self.ws, row=1, column=1)
            c.font = Font(name=self.font, size=10, bold=bold)
            c.border = _BOX
            if kind == HEADER:
                c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif kind == SECTION:
                c.alignment = Alignment(horizontal="left", vertical="center")
            else:
                c.alignment = _ALIGN[col.kind]
                if col.kind in _FORMATS:
                    c.number_format = _FORMATS[col.kind]
            if kind in _FILLS:
                c.fill = _FILLS[kind]
            c.freeze_style()
            cells.append(c)
        return cells

    def lines_needed(self, values: Sequence[object]) -> int:
        """How many lines the wrapped columns of a row take (a 汉字 is two GBK bytes, about
        two width units of the column), so the row is printed tall enough."""
        lines = 1
        for i in self.wrapped:
            text = values[i] if i < len(values) else None
            if isinstance(text, str) and text:
                width = len(text.encode("gbk", errors="replace"))
                lines = max(lines, -(-width // self.capacity[i]))
        return lines

    def row(self, kind: str, values: Sequence[object]) -> list[object]:
        cells = self.cells.get(kind)
        if cells is None:
            cells = self.cells[kind] = self._make(kind)
        out: list[object] = []
        for i, (cell, col) in enumerate(zip(cells, self.columns, strict=True)):
            value = values[i] if i < len(values) else None
            if col.kind == "money" and isinstance(value, int) and kind != HEADER:
                value = fen_to_yuan(value)
            elif col.kind == "money_wan" and isinstance(value, int) and kind != HEADER:
                value = fen_to_wan(value)
            cell.value = cell_value(value)
            out.append(text_cell(cell))
        return out


def _cells_to_row(cells: Sequence[WriteOnlyCell | None], row_idx: int) -> Iterator[WriteOnlyCell]:
    """Place already-built cells in a row (every row of these sheets is made of cells)."""
    for col_idx, cell in enumerate(cells, 1):
        if cell is None:
            continue
        cell.row = row_idx
        cell.column = col_idx
        yield cell


def _plain_cell(  # noqa: ANN001
    ws, value: object, size: int = 10, bold: bool = False, align: str = "left", font: str = FONT_NAME
) -> WriteOnlyCell:
    c = text_cell(WriteOnlyCell(ws, value=cell_value(value)))
    c.font = Font(name=font, size=size, bold=bold)
    c.alignment = Alignment(horizontal=align, vertical="center")
    return c


def setup_page(  # noqa: ANN001
    ws, n_cols: int, header_row: int, font: str = FONT_NAME, orientation: str = "landscape"
) -> None:
    """Paper, orientation, fit to width, repeated header row, page-number footer, frozen header."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75
    ws.page_margins.footer = 0.3
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.font = font
    ws.oddFooter.center.size = 9
    ws.freeze_panes = f"A{header_row + 1}"
    ws.sheet_format.defaultRowHeight = 18


def finish_plain_sheet(ws, header_row: int, font: str = FONT_NAME, orientation: str = "landscape") -> None:  # noqa: ANN001
    """The print setup of a sheet built cell by cell (not write-only): paper, fit to width,
    repeated header, page numbers, and the CJK font on every cell (sizes and bold kept)."""
    setup_page(ws, ws.max_column, header_row, font=font, orientation=orientation)
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                c.font = Font(name=font, size=c.font.sz or 10, bold=c.font.b)


def write_sheet(wb: Workbook, sheet: TableSheet, progress=None) -> int:  # noqa: ANN001 - Progress
    """Append one print-ready sheet to a write-only workbook; returns the number of table rows."""
    ws = wb.create_sheet(sheet.name[:31])
    # openpyxl would first try each appended cell as a value and fall back on a ValueError;
    # every row here is made of cells, so they are placed directly (same XML, ~2× faster).
    if hasattr(ws, "_values_to_row"):
        ws._values_to_row = _cells_to_row
    cols = list(sheet.columns)
    n = len(cols)
    last = get_column_letter(n)
    for i, col in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    setup_page(ws, n, header_row=3, font=sheet.font, orientation=sheet.orientation)
    font = sheet.font
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[2].height = 20
    ws.row_dimensions[3].height = 30

    ws.merged_cells.add(f"A1:{last}1")
    ws.append([_plain_cell(ws, sheet.title, size=16, bold=True, align="center", font=font)])
    split = max(1, n - 2)
    ws.merged_cells.add(f"A2:{get_column_letter(split)}2")
    ws.merged_cells.add(f"{get_column_letter(split + 1)}2:{last}2")
    second: list[object] = [_plain_cell(ws, sheet.left_note, font=font)] + [None] * (split - 1)
    second.append(_plain_cell(ws, sheet.unit_note, align="right", font=font))
    ws.append(second)

    styler = _Styler(ws, cols, font)
    ws.append(styler.row(HEADER, [c.label for c in cols]))
    row_no = 3
    count = 0
    for kind, values in sheet.rows:
        row_no += 1
        count += 1
        if kind == SECTION:
            ws.merged_cells.add(f"A{row_no}:{last}{row_no}")
            ws.row_dimensions[row_no].height = 22
        elif kind == HEADER:
            ws.row_dimensions[row_no].height = 30
        lines = styler.lines_needed(values) if kind != HEADER else 1
        if lines > 1:
            ws.row_dimensions[row_no].height = LINE_HEIGHT * lines + 4
        ws.append(styler.row(kind, values))
        if progress is not None and count % 2000 == 0:
            progress.check()
    for line in sheet.notes:
        row_no += 1
        ws.merged_cells.add(f"A{row_no}:{last}{row_no}")
        ws.append([_plain_cell(ws, line, size=9, font=font)])
    if sheet.signatures:
        row_no += 2
        ws.append([])
        third = max(1, n // 3)
        sign: list[object] = [None] * n
        sign[0] = _plain_cell(ws, "制表人：", font=font)
        sign[third] = _plain_cell(ws, "复核人：", font=font)
        sign[min(n - 1, 2 * third)] = _plain_cell(ws, "日期：      年    月    日", font=font)
        ws.row_dimensions[row_no].height = 24
        ws.append(sign)
    return count


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_workbook(path: str | Path, sheets: Sequence[TableSheet], progress=None) -> Path:  # noqa: ANN001
    """Write the sheets to ``path`` (.xlsx) and return it. The file is replaced only when complete."""
    path = Path(path)
    check_folder(path)  # before any row is laid out
    wb = new_workbook()
    for sheet in sheets:
        write_sheet(wb, sheet, progress)
    with replacing(path) as part:
        wb.save(part)
    return path
