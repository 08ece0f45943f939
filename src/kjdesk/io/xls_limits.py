"""Hostile .xls (BIFF8 in an OLE compound file), checked before python-calamine reads it.

calamine builds an .xls sheet, like an .xlsx one, as a dense block from A1 to the last cell
with a value: a 6 KB file whose one cell sits at IV65536 costs 1.7 GB. ``check_xls`` reads the
compound file's directory, follows the ``Workbook`` stream through its allocation table and
walks the BIFF records: the last row and column of each sheet's value cells, and the text its
LABELSST cells copy out of the shared-string table. Limits and messages are those of
``sheet_limits``.
"""

from __future__ import annotations

import struct
from pathlib import Path

from kjdesk.io.sheet_limits import (
    MAX_TOTAL_TEXT,
    SheetLimitError,
    check_extent,
)

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF

# BIFF8 records whose data begins with (row, column) of one value cell
_CELL_RECORDS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00D6})
_MULRK, _LABELSST, _SST, _CONTINUE, _BOF, _BOUNDSHEET = 0x00BD, 0x00FD, 0x00FC, 0x003C, 0x0809, 0x0085


class _Broken(ValueError):
    pass


def check_xls(path: Path, max_rows: int) -> None:
    """Raise ``SheetLimitError`` for an .xls beyond the limits; a file this reader cannot follow
    is left to calamine (which says it is damaged)."""
    data = Path(path).read_bytes()
    try:
        stream = _workbook_stream(data)
    except (_Broken, struct.error, IndexError):
        return
    # only a BIFF8 workbook (BOF of version 0x0600 first) is walked; anything else goes to calamine
    if (
        stream
        and len(stream) >= 8
        and struct.unpack_from("<HHH", stream, 0) == (_BOF, struct.unpack_from("<H", stream, 2)[0], 0x0600)
    ):
        _walk(stream, max_rows)


def _workbook_stream(data: bytes) -> bytes | None:
    if len(data) < 512:
        raise _Broken
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 1 <= mini_shift < shift:
        raise _Broken
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    limit = len(data) // size + 2

    def sector(n: int) -> bytes:
        start = (n + 1) * size
        if n >= limit or start + size > len(data) + size:
            raise _Broken
        return data[start : start + size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (_END, _FREE)]
    d, seen = first_difat, 0
    while d not in (_END, _FREE) and seen < n_difat and seen < limit:
        entries = struct.unpack(f"<{size // 4}I", sector(d))
        fat_sectors += [s for s in entries[:-1] if s not in (_END, _FREE)]
        d, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[: max(n_fat, 1) + 1]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s)))

    def chain(start: int, table: list[int]) -> list[int]:
        out, n = [], start
        while n not in (_END, _FREE):
            if n >= len(table) or len(out) > len(table):
                raise _Broken
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    root = None
    target = None
    for i in range(0, len(directory) - 127, 128):
        entry = directory[i : i + 128]
        name_len = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[: max(0, name_len - 2)].decode("utf-16-le", "replace")
        kind = entry[0x42]
        start, length = struct.unpack_from("<IQ", entry, 0x74)
        if kind == 5:
            root = (start, length)
        elif kind == 2 and name in ("Workbook", "Book"):
            target = (start, length & 0xFFFFFFFF if size == 512 else length)
    if target is None:
        return None
    start, length = target
    if length >= cutoff:
        return b"".join(sector(s) for s in chain(start, fat))[:length]
    if root is None:
        raise _Broken
    mini_stream = b"".join(sector(s) for s in chain(root[0], fat))
    minifat: list[int] = []
    for s in chain(first_minifat, fat):
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(s)))
    mini = 1 << mini_shift
    return b"".join(mini_stream[n * mini : (n + 1) * mini] for n in chain(start, minifat))[:length]


def _records(stream: bytes):  # noqa: ANN202 - generator of (type, data)
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4 : pos + 4 + rlen]
        pos += 4 + rlen


def _walk(stream: bytes, max_rows: int) -> None:
    lengths: list[int] = []
    sheet_no = 0
    names: list[str] = []
    max_row = max_col = text = 0
    records = list(_records(stream))
    for i, (rtype, data) in enumerate(records):
        if rtype == _BOUNDSHEET and len(data) >= 8:
            names.append(_sheet_name(data))
        elif rtype == _SST:
            parts = [data]
            j = i + 1
            while j < len(records) and records[j][0] == _CONTINUE:
                parts.append(records[j][1])
                j += 1
            lengths = _sst_lengths(parts)
        elif rtype == _BOF:  # the workbook globals, then each sheet
            sheet_no += 1
            max_row = max_col = text = 0
        elif rtype in _CELL_RECORDS and len(data) >= 4:
            row, col = struct.unpack_from("<HH", data, 0)
            max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
            if rtype == _LABELSST and len(data) >= 10:
                idx = struct.unpack_from("<I", data, 6)[0]
                text += lengths[idx] if idx < len(lengths) else 0
        elif rtype == _MULRK and len(data) >= 6:
            row, _first = struct.unpack_from("<HH", data, 0)
            last = struct.unpack_from("<H", data, len(data) - 2)[0]
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
        else:
            continue
        if rtype in _CELL_RECORDS or rtype == _MULRK:
            label = f"工作表“{names[sheet_no - 2]}”" if 0 < sheet_no - 1 <= len(names) else "工作表"
            check_extent(label, max_row, max_col, max_rows)
            if text > MAX_TOTAL_TEXT:
                raise SheetLimitError(
                    f"{label}中的文字合计超过 {MAX_TOTAL_TEXT // 1048576} MB 的上限"
                    "（同一段长文字被大量单元格引用），文件可能为恶意构造，已拒绝读取"
                )


def _sheet_name(data: bytes) -> str:
    n, flags = data[6], data[7]
    raw = data[8 : 8 + (2 * n if flags & 1 else n)]
    return (raw.decode("utf-16-le", "replace") if flags & 1 else raw.decode("latin-1"))[:31]


def _sst_lengths(parts: list[bytes]) -> list[int]:
    """The size in bytes (as UTF-16) of every string of the SST record and its CONTINUE records."""
    lengths: list[int] = []
    if not parts or len(parts[0]) < 8:
        return lengths
    unique = struct.unpack_from("<I", parts[0], 4)[0]
    part, pos = 0, 8
    buf = parts[0]

    def need(n: int) -> None:
        nonlocal part, pos, buf
        while pos + n > len(buf) and pos >= len(buf):
            part += 1
            if part >= len(parts):
                raise IndexError
            buf, pos = parts[part], 0

    try:
        for _ in range(min(unique, 10_000_000)):
            need(3)
            cch = struct.unpack_from("<H", buf, pos)[0]
            flags = buf[pos + 2]
            pos += 3
            runs = ext = 0
            if flags & 0x08:
                need(2)
                runs = struct.unpack_from("<H", buf, pos)[0]
                pos += 2
            if flags & 0x04:
                need(4)
                ext = struct.unpack_from("<I", buf, pos)[0]
                pos += 4
            left, high = cch, bool(flags & 0x01)
            while left:
                if pos >= len(buf):  # the characters go on in the next CONTINUE, with a new flags byte
                    part += 1
                    if part >= len(parts):
                        raise IndexError
                    buf, pos = parts[part], 1
                    high = bool(parts[part][0] & 0x01)
                width = 2 if high else 1
                take = min(left, (len(buf) - pos) // width)
                if take == 0:
                    raise IndexError
                pos += take * width
                left -= take
            skip = 4 * runs + ext
            while skip:
                if pos >= len(buf):
                    part += 1
                    if part >= len(parts):
                        raise IndexError
                    buf, pos = parts[part], 0
                step = min(skip, len(buf) - pos)
                pos += step
                skip -= step
            lengths.append(2 * cch)
    except (IndexError, struct.error):
        pass  # a truncated table: the strings read so far are counted
    return lengths
