"""Lists built the way the 自治区 and the ministries publish them (issue 23): a title line, then a
table whose header may be merged or spread over two rows, as Word (.docx) or Excel (.xlsx).

``docx_list`` and ``xlsx_list`` take a ``Header``: the column names, and optionally a group
name over some of them (“认定情况” over “认定日期 | 文号”), which makes a two-row header where
the other names are merged down both rows (as Word and Excel users lay them out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
from docx import Document

from tests.conftest import make_credit_code, make_id_number


@dataclass(frozen=True)
class Header:
    names: list[str]
    group: str = ""  # a parent name over the columns in ``grouped``
    grouped: tuple[int, ...] = ()  # indexes of the columns under the group (consecutive)


def _two_rows(header: Header) -> tuple[list[str], list[str]]:
    top, below = [], []
    for i, name in enumerate(header.names):
        if i in header.grouped:
            top.append(header.group if i == header.grouped[0] else "")
            below.append(name)
        else:
            top.append(name)
            below.append("")
    return top, below


def docx_list(
    path: Path,
    header: Header,
    rows: list[list[object]],
    title: str = "",
    before: tuple[str, ...] = ("附件1",),
    extra_tables: int = 0,
) -> Path:
    """A Word document: paragraphs ``before``, the ``title``, then the table (after ``extra_tables``
    unrelated small tables, each under its own paragraph)."""
    doc = Document()
    for text in before:
        doc.add_paragraph(text)
    for n in range(extra_tables):
        doc.add_paragraph(f"联系方式{n + 1}")
        other = doc.add_table(rows=2, cols=2)
        other.cell(0, 0).text, other.cell(0, 1).text = "联系人", "电话"
        other.cell(1, 0).text, other.cell(1, 1).text = "张三", "0472-1234567"
    if title:
        doc.add_paragraph(title)
    width = len(header.names)
    head_rows = 2 if header.group else 1
    table = doc.add_table(rows=head_rows + len(rows), cols=width)
    table.style = "Table Grid"
    if header.group:
        top, below = _two_rows(header)
        for i in range(width):
            if i not in header.grouped:
                merged = table.cell(0, i).merge(table.cell(1, i))  # vMerge down both header rows
                merged.text = top[i]
            else:
                table.cell(1, i).text = below[i]
        first, last = header.grouped[0], header.grouped[-1]
        group = table.cell(0, first).merge(table.cell(0, last))  # gridSpan over the grouped columns
        group.text = header.group
    else:
        for i, name in enumerate(header.names):
            table.cell(0, i).text = name
    for r, row in enumerate(rows, start=head_rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = "" if value is None else str(value)
    doc.save(path)
    return path


def xlsx_list(
    path: Path,
    header: Header,
    rows: list[list[object]],
    title: str = "",
    before: tuple[str, ...] = (),
) -> Path:
    """An .xlsx: lines ``before`` (附件1), a merged ``title`` banner, the (maybe two-row, merged) header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    width = len(header.names)
    for text in before:
        ws.append([text])
    if title:
        ws.append([title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    if header.group:
        top, below = _two_rows(header)
        ws.append(top)
        ws.append(below)
        r = ws.max_row - 1
        for i in range(width):
            if i not in header.grouped:
                ws.merge_cells(start_row=r, start_column=i + 1, end_row=r + 1, end_column=i + 1)
        first, last = header.grouped[0], header.grouped[-1]
        ws.merge_cells(start_row=r, start_column=first + 1, end_row=r, end_column=last + 1)
    else:
        ws.append(header.names)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def codes(n: int, prefix: str = "91150200MA0P") -> list[str]:
    """``n`` valid credit codes."""
    return [make_credit_code(f"{prefix}{i:05d}") for i in range(n)]


def letter_first_code(body: str) -> str:
    """A valid code whose registration authority is a letter (N, Y, A …): stdnum refuses these."""
    from kjdesk.validation import uscc_check_char

    return body + uscc_check_char(body)


def person_id(n: int) -> str:
    return make_id_number(f"15020219850{n % 10}0{(n % 9) + 1}12{n % 10}")
