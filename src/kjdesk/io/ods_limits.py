"""Hostile .ods, checked while content.xml streams by, before python-calamine expands it.

calamine expands every ``table:number-columns-repeated`` / ``number-rows-repeated`` cell and
every ``<text:s text:c="N"/>`` run of spaces: a 900-byte file can ask for gigabytes. The walk
here counts them as calamine would, with the limits and messages of ``sheet_limits``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import BinaryIO
from zipfile import ZipFile, ZipInfo

from kjdesk.io.sheet_limits import (
    MAX_COLUMNS,
    MAX_TEXT_BYTES,
    MAX_TOTAL_TEXT,
    SheetLimitError,
    check_extent,
    long_text_message,
    member_chunks,
    tag_pieces,
)

_ODS_TAG = re.compile(
    rb"<(/?)(table:table-cell|table:covered-table-cell|table:table-row|table:table|text:s)(?=[\s/>])([^>]*?)(/?)>"
)
_COLS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d{1,12})"')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d{1,12})"')
_SPACES = re.compile(rb'text:c="(\d{1,12})"')
_VALUE_TYPE = re.compile(rb"office:value-type=")


def check_ods(path: Path, max_rows: int) -> None:
    with path.open("rb") as fh, ZipFile(fh) as zf:
        try:
            info = zf.getinfo("content.xml")
        except KeyError:
            return  # calamine says what is wrong
        _check_ods_content(fh, info, max_rows)


class _OdsWalk:
    """Rows and cells of content.xml with their repeats, as calamine expands them. Only cells with
    a value extend the block (LibreOffice writes its trailing empty columns and rows as one huge
    repeat); the text of a cell, its ``<text:s text:c="N"/>`` spaces included, counts once per copy."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self.label = "工作表"
        self.row = 0  # rows before the current one, in the current table
        self.row_repeat = 1
        self.col = 0  # columns before the next cell, in the current row
        self.row_width = 0  # columns up to the last valued cell of the current row
        self.row_text = 0  # text bytes of one copy of the current row
        self.cell: tuple[int, int, int] | None = None  # (repeat, col before, text start) of an open cell
        self.cell_spaces = 0
        self.max_row = self.max_col = 0
        self.text = 0  # text bytes of the whole sheet as expanded

    def piece(self, piece: bytes, base: int) -> None:
        for m in _ODS_TAG.finditer(piece):
            closing, tag, attrs, empty = m.groups()
            if tag == b"text:s":
                if self.cell is not None:
                    n = _SPACES.search(attrs)
                    self.cell_spaces += int(n.group(1)) if n else 1
                    if self.cell_spaces > MAX_TEXT_BYTES:
                        raise SheetLimitError(long_text_message(self.label))
            elif tag == b"table:table":
                if not closing:
                    self.row = 0
                    name = re.search(rb'table:name="([^"]*)"', attrs)
                    text = html.unescape(name.group(1).decode("utf-8", "replace"))[:31] if name else ""
                    self.label = f"工作表“{text}”" if text else "工作表"
            elif tag == b"table:table-row":
                self._row(closing, attrs, empty)
            elif closing:
                self._close_cell(base + m.start())
            else:
                self._open_cell(attrs, empty, base + m.end())

    def _row(self, closing: bytes, attrs: bytes, empty: bytes) -> None:
        if closing:
            if self.row_width:
                self.max_row = max(self.max_row, self.row + self.row_repeat)
                self.max_col = max(self.max_col, self.row_width)
                check_extent(self.label, self.max_row, self.max_col, self.max_rows)
                self.text += self.row_text * self.row_repeat
                if self.text > MAX_TOTAL_TEXT:
                    raise SheetLimitError(_too_much_text(self.label))
            self.row += self.row_repeat
            return
        m = _ROWS_REPEATED.search(attrs)
        self.row_repeat = int(m.group(1)) if m else 1
        self.col = self.row_width = self.row_text = 0
        if empty:
            self.row += self.row_repeat

    def _open_cell(self, attrs: bytes, empty: bytes, at: int) -> None:
        m = _COLS_REPEATED.search(attrs)
        repeat = int(m.group(1)) if m else 1
        before = self.col
        self.col += repeat
        if empty:
            if _VALUE_TYPE.search(attrs):
                self.row_width = max(self.row_width, self.col)
                self.row_text += len(attrs) * repeat
        else:
            self.cell = (repeat, before, at)
            self.cell_spaces = 0
        if self.row_width > MAX_COLUMNS:
            check_extent(self.label, self.row + self.row_repeat, self.row_width, self.max_rows)

    def _close_cell(self, at: int) -> None:
        if self.cell is None:
            return
        repeat, before, start = self.cell
        self.cell = None
        self.row_width = max(self.row_width, before + repeat)
        size = at - start + self.cell_spaces  # markup included: an upper bound of the text
        if size > MAX_TEXT_BYTES + 4096:
            raise SheetLimitError(long_text_message(self.label))
        self.row_text += size * repeat
        check_extent(self.label, self.row + self.row_repeat, self.row_width, self.max_rows)
        if self.row_text * self.row_repeat > MAX_TOTAL_TEXT:
            raise SheetLimitError(_too_much_text(self.label))


def _too_much_text(label: str) -> str:
    return (
        f"{label}中的文字合计超过 {MAX_TOTAL_TEXT // 1048576} MB 的上限"
        "（同一段长文字被大量单元格重复），文件可能为恶意构造，已拒绝读取"
    )


def _check_ods_content(fh: BinaryIO, info: ZipInfo, max_rows: int) -> None:
    walk = _OdsWalk(max_rows)
    base = 0
    for piece in tag_pieces(member_chunks(fh, info), "工作表"):
        walk.piece(piece, base)
        base += len(piece)
