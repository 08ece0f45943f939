"""Blank roster templates and the error workbook of a dry run (openpyxl).

A template has the kind's columns as the header, drop-down lists (旗县区, 级别, 认定类型,
企业规模 …) read from a hidden sheet “选项”, code columns formatted as text so Excel keeps
every digit, and one example row marked “（示例）” that an import always skips.

The error workbook is a copy of the roster with each bad cell filled red and commented,
a 错误说明 column at the end of each row that has errors and a 建议修改 column with the fix
to make (the accepted wording, the closest name). Both columns are ignored by an import, so
the corrected workbook is imported again as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kjdesk.atomic import replacing
from kjdesk.io.roster_schema import EXAMPLE_MARK, RosterKind
from kjdesk.io.xlsx_safe import cell_value, defuse_workbook

TEMPLATE_ROWS = 5000  # rows that carry the drop-downs and text formats
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
TEXT_COLUMNS = ("credit_code", "host_code", "employer_code", "id_number", "item_ref", "doc_number", "phone")
DATE_COLUMNS = ("date", "valid_until", "status_date", "registered_from")


def write_template_workbook(
    path: Path,
    kind: RosterKind,
    choices: dict[str, Sequence[str]],
    example: dict[str, object],
) -> None:
    """A blank roster of ``kind``: header, drop-downs from ``choices``, one example row."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label
    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    list_col = 0
    for i, col in enumerate(kind.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.label)
        cell.font = REQUIRED_FONT if col.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[letter].width = max(col.width, len(col.label) * 2 + 2)
        options = list(choices.get(col.choices, ())) if col.choices else []
        if options:
            list_col += 1
            lletter = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=col.label)
            for r, option in enumerate(options, start=2):
                lists.cell(row=r, column=list_col, value=option)
            dv = DataValidation(
                type="list",
                formula1=f"选项!${lletter}$2:${lletter}${len(options) + 1}",
                allow_blank=True,
                showErrorMessage=col.key not in ("title",),  # unusual titles may still be typed
                errorTitle="不在可选范围内",
                error=f"请从下拉列表中选择{col.label}",
            )
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(dv)
        if col.key in TEXT_COLUMNS:
            for r in range(2, TEMPLATE_ROWS + 1):
                ws.cell(row=r, column=i).number_format = "@"
        elif col.key in DATE_COLUMNS:
            for r in range(2, TEMPLATE_ROWS + 1):
                ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
        value = example.get(col.key, col.example)
        if value not in ("", None):
            ex = ws.cell(row=2, column=i, value=value)
            ex.font = EXAMPLE_FONT
    first = ws.cell(row=2, column=1)
    first.value = f"{EXAMPLE_MARK}{first.value or ''}"
    first.comment = Comment("这一行是填写示例，导入时会被跳过；可以删除或直接在下面填写。", "科技兑现台")
    ws.freeze_panes = "A2"
    from kjdesk.io.excel_out import setup_page

    setup_page(ws, ws.max_column, header_row=1)  # A4 landscape, fit to width, header repeated, page numbers
    defuse_workbook(wb)
    with replacing(path) as part:
        wb.save(part)


NOTE_HEADER = "错误说明"
FIX_HEADER = "建议修改"  # the suggested fix of each bad cell; an import ignores both columns

ErrorMark = tuple[int, int, str] | tuple[int, int, str, str]  # row, column index, reason[, suggestion]


def _reasons_by_row(errors: Sequence[ErrorMark]) -> dict[int, list[tuple[int, str, str]]]:
    by_row: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for row, col, reason, *rest in errors:
        by_row[row].append((col, reason, rest[0] if rest else ""))
    return by_row


def _mark(ws, header_row: int, width: int, errors: Sequence[ErrorMark]) -> None:  # noqa: ANN001
    note_col, fix_col = width + 1, width + 2
    for col, text, size in ((note_col, NOTE_HEADER, 60), (fix_col, FIX_HEADER, 40)):
        head = ws.cell(row=header_row, column=col, value=text)
        head.font = REQUIRED_FONT
        head.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = size
    for row, items in _reasons_by_row(errors).items():
        lines, fixes = [], []
        for col, reason, fix in items:
            if col >= 0:
                cell = ws.cell(row=row, column=col + 1)
                cell.fill = ERROR_FILL
                cell.font = ERROR_FONT
                cell.comment = Comment(reason + (f"\n建议改为：{fix}" if fix else ""), "科技兑现台")
                lines.append(f"{get_column_letter(col + 1)}列：{reason}")
                if fix:
                    fixes.append(f"{get_column_letter(col + 1)}列：{fix}")
            else:
                lines.append(reason)
                if fix:
                    fixes.append(fix)
        note = ws.cell(row=row, column=note_col, value="\n".join(lines))
        note.font = ERROR_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")
        if fixes:
            cell = ws.cell(row=row, column=fix_col, value="\n".join(fixes))
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_error_workbook(
    out: Path,
    errors: Sequence[ErrorMark],
    header_row: int,
    rows: Sequence[Sequence[object]] | None = None,
    source: Path | None = None,
    sheet: str | None = None,
) -> None:
    """Save the roster with its errors marked. ``errors`` are (row number, column index, reason
    [, suggested fix]); a 错误说明 and a 建议修改 column follow the roster's own columns.

    With ``source`` (an .xlsx) the officer's own workbook is copied, formats kept; otherwise the
    cells in ``rows`` are written to a new workbook.
    """
    if source is not None:
        wb = load_workbook(source, data_only=True)  # the values the officer sees, never a formula
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.active
        width = ws.max_column
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = (sheet or "名单")[:31]
        width = 0
        for r in rows or ():
            ws.append([_plain(v) for v in r])
            width = max(width, len(r))
    _mark(ws, header_row, width, errors)
    from kjdesk.io.excel_out import setup_page

    setup_page(ws, ws.max_column, header_row=max(1, header_row))  # printable as the officer's list
    defuse_workbook(wb)
    with replacing(out) as part:
        wb.save(part)


def _plain(value: object) -> object:
    return cell_value(value) if value != "" else None
