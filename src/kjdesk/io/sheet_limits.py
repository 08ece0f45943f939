"""Hostile workbooks: sizes checked while streaming, before python-calamine materialises anything.

calamine builds a sheet as one dense block from A1 to the last cell that has a value, and
copies a shared string into every cell that refers to it. A 2 KB .xlsx with one value at
``XFD1048576`` therefore asks for 2^34 cells, one shared string of 2 GiB is copied into
memory whole, and a tiny .ods whose cell is "repeated" a million times across and down is
expanded cell by cell. ``check_workbook`` reads the file's XML a block at a time (never
trusting the sizes the zip declares) and refuses, with a Chinese message naming the limit:

* a zip member larger than ``MAX_MEMBER_BYTES`` once inflated, or inflating more than
  ``MAX_RATIO`` times its compressed size;
* a sheet whose last value lies beyond ``max_rows`` rows or ``MAX_COLUMNS`` columns, or whose
  block (rows × columns) exceeds ``MAX_CELLS``;
* one shared string or one cell text longer than ``MAX_TEXT_BYTES`` (Excel itself holds at
  most 32,767 characters in a cell), or more text in all cells together than ``MAX_TOTAL_TEXT``.

The check of a file is remembered by its path, size and modification time, so listing the
sheets and reading one does not stream the file twice. An .ods is walked in ``ods_limits``,
an .xls record by record in ``xls_limits``.
"""

from __future__ import annotations

import functools
import html
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from zipfile import ZipFile, ZipInfo

MAX_FILE_BYTES = 200 * 1024 * 1024  # the file on disk
MAX_MEMBER_BYTES = 400 * 1024 * 1024  # one XML part of the workbook, inflated
MAX_RATIO = 200  # inflated / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_COLUMNS = 1000
MAX_CELLS = 6_000_000  # rows × columns of the block calamine builds
MAX_TEXT_BYTES = 32_767 * 4  # one cell's text (UTF-8, with room for XML escapes)
MAX_TOTAL_TEXT = 256 * 1024 * 1024  # the text of all cells of a sheet, as copied into memory
CHUNK = 1 << 20


class SheetLimitError(ValueError):
    """The file is larger than kjdesk reads; ``str(err)`` is the Chinese reason."""


_checked: dict[tuple[str, int, int, int, int], None] = {}


class _Rows(int):
    """The row limit as checked (``max_rows + spare``), carrying the limit as named to the officer."""

    named: int

    def __new__(cls, max_rows: int, spare: int) -> _Rows:
        self = super().__new__(cls, max_rows + spare)
        self.named = max_rows
        return self


# --- inflating a zip member without trusting its declared size -----------------------------


def member_chunks(fh: BinaryIO, info: ZipInfo, limit: int = MAX_MEMBER_BYTES) -> Iterator[bytes]:
    """The inflated bytes of ``info``, a block at a time; stops with ``SheetLimitError`` past ``limit``
    or past ``MAX_RATIO`` times the compressed size (whatever sizes the zip declares)."""
    if info.file_size > limit:
        raise SheetLimitError(_too_big(info.filename, info.file_size, limit))
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise SheetLimitError(f"文件已损坏（压缩包中的“{info.filename}”无法定位）")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    ratio_cap = max(RATIO_FLOOR, info.compress_size * MAX_RATIO)
    out = 0
    if info.compress_type == 0:  # stored
        while left > 0:
            block = fh.read(min(left, CHUNK))
            if not block:
                return
            left -= len(block)
            out += len(block)
            if out > limit:
                raise SheetLimitError(_too_big(info.filename, out, limit))
            yield block
        return
    if info.compress_type != 8:
        raise SheetLimitError(
            f"压缩包中的“{info.filename}”使用了不支持的压缩方式，请用 Excel 或 WPS 另存后再导入"
        )
    inflater = zlib.decompressobj(-15)
    while left > 0 or inflater.unconsumed_tail:
        if inflater.unconsumed_tail:
            raw = inflater.unconsumed_tail
        else:
            raw = fh.read(min(left, 1 << 16))
            if not raw:
                return
            left -= len(raw)
        try:
            block = inflater.decompress(raw, CHUNK)
        except zlib.error as exc:
            raise SheetLimitError(f"文件已损坏（压缩包中的“{info.filename}”无法解压）") from exc
        out += len(block)
        if out > limit:
            raise SheetLimitError(_too_big(info.filename, out, limit))
        if out > ratio_cap:
            raise SheetLimitError(
                f"压缩包中的“{info.filename}”解压后超过压缩大小的 {MAX_RATIO} 倍（压缩炸弹），已拒绝读取"
            )
        if block:
            yield block
        if inflater.eof:
            return


def _too_big(name: str, size: int, limit: int) -> str:
    return (
        f"压缩包中的“{name}”解压后超过 {limit // 1048576} MB 的上限（至少 {size / 1048576:.0f} MB），"
        "文件过大或为恶意构造，已拒绝读取"
    )


def tag_pieces(chunks: Iterator[bytes], what: str) -> Iterator[bytes]:
    """The stream cut at tag boundaries: every piece ends just after a ``>`` (text runs are
    measured on the way: one longer than ``MAX_TEXT_BYTES`` raises)."""
    carry = b""
    run = 0  # bytes since the last '<' (a text run in progress)
    for block in chunks:
        lt = block.rfind(b"<")
        if lt < 0:
            run += len(block)
        else:
            first = block.find(b"<")
            if run + first > MAX_TEXT_BYTES:
                raise SheetLimitError(long_text_message(what))
            run = len(block) - lt - 1
            if _longest_run(block) > MAX_TEXT_BYTES:
                raise SheetLimitError(long_text_message(what))
        if run > MAX_TEXT_BYTES:
            raise SheetLimitError(long_text_message(what))
        data = carry + block
        cut = data.rfind(b">") + 1
        if cut == 0:
            carry = data
            if len(carry) > 2 * MAX_TEXT_BYTES:
                raise SheetLimitError(long_text_message(what))
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


_LONG_RUN = re.compile(rb">[^<]{%d,}" % (MAX_TEXT_BYTES + 1))
_WINDOW = MAX_TEXT_BYTES // 2


def _longest_run(block: bytes) -> int:
    """The longest text run of ``block`` when it may be over ``MAX_TEXT_BYTES``, else 0.

    A run longer than ``MAX_TEXT_BYTES`` covers a whole aligned window of half that size, so
    a block where every such window holds a ``<`` has none (a few ``find`` calls that stop at
    the first tag); only otherwise is the block searched."""
    find = block.find
    if all(find(b"<", at, at + _WINDOW) >= 0 for at in range(0, len(block) - _WINDOW + 1, _WINDOW)):
        return 0
    m = _LONG_RUN.search(block)
    return len(m.group(0)) - 1 if m else 0


def long_text_message(what: str) -> str:
    return f"{what}中有一段文字超过 32767 个字符（Excel 单元格的上限），文件可能为恶意构造，已拒绝读取"


# --- .xlsx -------------------------------------------------------------------------------------

_SI = re.compile(rb"<(?:\w+:)?si\b")
_ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{0,4})(\d{1,9})"')
_SST_VALUE = re.compile(rb"\s*<(?:\w+:)?v>(\d{1,10})</")
_VALUED_REF = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,9})"[^>]*(?<!/)>')
_EMPTY_REF = re.compile(rb'<c r="[A-Z]{1,4}\d{1,9}"[^>]*/>')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_SHARED_REF = re.compile(rb't="s"[^>]*><v>(\d{1,9})</v>')
# a type attribute written otherwise than t="…" (t='s', t = "s": calamine reads them alike)
_ODD_TYPE = re.compile(rb"\st(?:\s+=|=(?!\"))")
_SHARED_TYPE = re.compile(rb"(?:^|\s)t\s*=\s*(?:\"s\"|'s')")
_ROW_REF = re.compile(rb'<row r="(\d{1,9})"')


def _check_xlsx(path: Path, max_rows: int) -> None:
    with path.open("rb") as fh, ZipFile(fh) as zf:
        infos = zf.infolist()
        shared = [i for i in infos if i.filename.lower() == "xl/sharedstrings.xml"]
        lengths = _shared_string_lengths(fh, shared[0]) if shared else []
        names = _sheet_names(fh, infos)
        for info in infos:
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                label = f"工作表“{names[name]}”" if name in names else "工作表"
                if not _plain_sheet(fh, info, lengths, max_rows, label):
                    _check_xlsx_sheet(fh, info, lengths, max_rows, label)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_names(fh: BinaryIO, infos: list[ZipInfo]) -> dict[str, str]:
    """Zip member (lower case) → the sheet's name as the officer sees it on its tab."""
    parts = {i.filename: i for i in infos}
    if "xl/workbook.xml" not in parts or "xl/_rels/workbook.xml.rels" not in parts:
        return {}
    small = 16 * 1024 * 1024
    workbook = b"".join(member_chunks(fh, parts["xl/workbook.xml"], small))
    rels = b"".join(member_chunks(fh, parts["xl/_rels/workbook.xml.rels"], small))
    targets = {}
    for tag in _REL_TAG.finditer(rels):
        attrs = dict(_ATTR.findall(tag.group(1)))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attrs.get(b"Id", b"")] = target.lower()
    out = {}
    for tag in _SHEET_TAG.finditer(workbook):
        attrs = dict(_ATTR.findall(tag.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
        if rid in targets:
            out[targets[rid]] = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))[:31]
    return out


def _shared_string_lengths(fh: BinaryIO, info: ZipInfo) -> list[int]:
    """The byte length of every shared string (markup included: an upper bound of its text)."""
    lengths: list[int] = []
    current = -1  # bytes of the string in progress, -1 before the first
    for piece in tag_pieces(member_chunks(fh, info), "共享字符串表"):
        starts = [m.start() for m in _SI.finditer(piece)]
        if not starts:
            if current >= 0:
                current += len(piece)
        else:
            if current >= 0:
                lengths.append(current + starts[0])
            lengths.extend(b - a for a, b in zip(starts, starts[1:], strict=False))
            current = len(piece) - starts[-1]
        if current > MAX_TEXT_BYTES + 4096 or any(
            n > MAX_TEXT_BYTES + 4096 for n in lengths[-len(starts) - 1 :]
        ):
            raise SheetLimitError(long_text_message("共享字符串表"))
    if current >= 0:
        lengths.append(current)
    return lengths


def _above(limit: int) -> bytes:
    """A regular expression for a row number (digits, as written) greater than ``limit``: seven
    digits or more, or as many digits as ``limit`` and larger at the first digit that differs."""
    digits = str(limit)
    width = len(digits)
    parts = [rb"\d{%d}" % (width + 1)]
    for i, d in enumerate(digits):
        if d != "9":
            low = str(int(d) + 1) if i else str(max(int(d) + 1, 1))
            tail = width - i - 1
            parts.append(
                digits[:i].encode() + b"[" + low.encode() + b"-9]" + (rb"\d{%d}" % tail if tail else b"")
            )
    return b"|".join(parts)


@functools.lru_cache(maxsize=8)
def _suspect(max_rows: int) -> re.Pattern[bytes]:
    """A cell tag the quick pass cannot vouch for: without attributes, or whose first attribute is
    not a one-letter reference (``r="B12"``), or whose row is past ``max_rows``."""
    return re.compile(rb'<c(?:[>/]|\s(?!r="[A-Z]\d)|\sr="[A-Z](?:%s))' % _above(max_rows))


def _plain_sheet(fh: BinaryIO, info: ZipInfo, lengths: list[int], max_rows: int, label: str) -> bool:
    """The quick pass over an ordinary sheet (one regular expression that finds nothing).

    True when every cell tag starts with a one-letter reference whose row is within ``max_rows``
    (so the block calamine builds is at most 26 columns × ``max_rows`` rows) and the shared text
    the cells can copy (their number × the longest shared string) is within ``MAX_TOTAL_TEXT``:
    the sheet is then within every limit the walk (``_check_xlsx_sheet``) checks. False as soon as
    a piece is anything else, and the walk decides. The limits on inflating and on one long text
    hold here as in the walk."""
    if 26 * max_rows > MAX_CELLS:
        return False
    suspect = _suspect(int(max_rows))
    longest = max(lengths, default=0)
    shared = 0
    for piece in tag_pieces(member_chunks(fh, info), label):
        if suspect.search(piece) is not None or _prefixed_cell(piece):
            return False  # a namespace prefix, a cell placed otherwise, or one past the rows
        if longest:
            if _ODD_TYPE.search(piece) is not None:
                return False  # a shared-string cell the count below would miss
            shared += piece.count(b't="s"')
            if shared * longest > MAX_TOTAL_TEXT:
                return False
    return True


def _check_xlsx_sheet(fh: BinaryIO, info: ZipInfo, lengths: list[int], max_rows: int, label: str) -> None:
    """Where the last value of the sheet lies (cells as calamine places them: by their ``r``, or
    after the previous cell of the row), and how much shared text its cells copy."""
    state = [0, 0, 0, 0, 0]  # max row, max column, current row, current column, shared text bytes
    for piece in tag_pieces(member_chunks(fh, info), label):
        refs = _VALUED_REF.findall(piece)
        plain = _all_cells_placed(piece, len(refs))
        shared = _SHARED_REF.findall(piece) if lengths else []
        known = not shared or _all_known(shared, len(lengths))
        # without a shared string table no cell's text is counted: whether every t="s" was found
        # does not matter then (the extent comes from every valued cell either way)
        if (
            plain
            and known
            and (not lengths or (len(shared) == piece.count(b't="s"') and _ODD_TYPE.search(piece) is None))
        ):
            # the usual file: every cell says where it is, every shared string is found by its number
            if refs:
                state[0] = max(state[0], max(map(int, {r for _, r in refs})))
                state[1] = max(state[1], max(map(_column_number, {c for c, _ in refs})))
            last_row = _ROW_REF.search(piece, max(0, piece.rfind(b"<row ")))
            if last_row is not None:
                state[2] = int(last_row.group(1))
            if shared:
                state[4] += sum(map(lengths.__getitem__, map(int, shared)))
        else:
            _walk_cells(piece, state, lengths)
        if state[4] > MAX_TOTAL_TEXT:
            raise SheetLimitError(
                f"{label}中的文字合计超过 {MAX_TOTAL_TEXT // 1048576} MB 的上限"
                "（同一段长文字被大量单元格引用），文件可能为恶意构造，已拒绝读取"
            )
        check_extent(label, state[0], state[1], max_rows)


_PREFIXED_CELL = re.compile(rb"<\w+:c[\s>/]")


def _prefixed_cell(piece: bytes) -> bool:
    """Whether ``piece`` has a cell written with a namespace prefix (``<x:c`` and any space after)."""
    return b":c" in piece and _PREFIXED_CELL.search(piece) is not None


def _all_cells_placed(piece: bytes, valued: int) -> bool:
    """Whether every cell of ``piece`` is a ``<c r="…">`` with a value or an empty ``<c r="…"/>``
    (a cheap count first; the regular expressions only when an empty cell, a ``<col``, or a cell
    written otherwise — ``<c\tr=…``, ``<x:c …`` — makes the count differ)."""
    if _prefixed_cell(piece):
        return False  # <x:c …>: the walk places them
    if piece.count(b"<c") == valued:  # every <c…, <col…, <cfRule… is a valued cell: all placed
        return True
    empty = len(_EMPTY_REF.findall(piece))
    return valued + empty == len(_ANY_CELL.findall(piece))


def _all_known(numbers: list[bytes], n: int) -> bool:
    return max(map(int, numbers)) < n


def _walk_cells(piece: bytes, state: list[int], lengths: list[int]) -> None:
    """Cell by cell: for cells without a reference, and to add up the shared text exactly."""
    max_row, max_col, row, col, text = state
    n_strings = len(lengths)
    for m in _ROW_OR_CELL.finditer(piece):
        attrs = m.group(2)
        ref = _REF.search(attrs) if b"r=" in attrs else None
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref is not None else row + 1
            col = 0
            continue
        if ref is not None:
            col = _column_number(ref.group(1)) if ref.group(1) else col + 1
            r = int(ref.group(2))
        else:
            col += 1
            r = row
        if attrs.endswith(b"/"):
            continue  # an empty (styled) cell: calamine keeps no value for it
        max_row = max(max_row, r)
        max_col = max(max_col, col)
        if n_strings and _SHARED_TYPE.search(attrs) is not None:
            v = _SST_VALUE.match(piece, m.end())
            if v is not None and int(v.group(1)) < n_strings:
                text += lengths[int(v.group(1))]
    state[:] = [max_row, max_col, row, col, text]


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_extent(label: str, rows: int, cols: int, max_rows: int) -> None:
    if rows > max_rows:
        named = getattr(max_rows, "named", max_rows)
        raise SheetLimitError(
            f"{label}的数据延伸到第 {rows} 行，超过 {named} 行的上限，请拆分后分批导入"
            "（如果名单没有这么多行，请在 Excel 中删除多余的行后另存）"
        )
    if cols > MAX_COLUMNS:
        raise SheetLimitError(
            f"{label}的数据延伸到第 {cols} 列，超过 {MAX_COLUMNS} 列的上限。请删除多余的列后另存再导入"
        )
    if rows * cols > MAX_CELLS:
        raise SheetLimitError(
            f"{label}的数据区域为 {rows} 行 × {cols} 列，超过 {MAX_CELLS} 个单元格的上限。"
            "请删除多余的行列或拆分后分批导入"
        )
