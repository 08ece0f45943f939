"""Reading rosters: .xlsx .xls .ods through python-calamine, .csv in UTF-8 or GBK.

``read_roster(path, sheet)`` returns the cells of one sheet as plain Python values and
finds the header row under any title line or merged banner. It knows nothing of the
database; cell-level parsing (dates, amounts, codes) is in ``io/cells.py``. Every problem
with the file itself raises ``RosterFileError`` with a Chinese message.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import python_calamine as calamine

from kjdesk.faults import describe_os_error
from kjdesk.io.docx_in import DocxError, DocxTable, read_docx_tables
from kjdesk.io.roster_schema import header_score
from kjdesk.io.roster_title import numbered_header
from kjdesk.io.sheet_limits import MAX_FILE_BYTES, SheetLimitError
from kjdesk.io.workbook_limits import check_workbook

MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 30
CHECK_EVERY = 5000


class RosterFileError(ValueError):
    """The file cannot be read as a roster; ``str(err)`` is the Chinese reason."""


@dataclass
class RosterTable:
    """One sheet's cells. ``rows[i]`` is spreadsheet row ``i + 1``."""

    file_type: str  # xlsx | xls | ods | csv
    sheet: str
    sheets: list[str]
    rows: list[list[object]]
    header_row: int  # index into rows
    header_rows: int = 1  # 2 when a merged group header sits above the column names
    title: str = ""  # the list's title: the banner rows above the header, or a Word table's caption

    @property
    def headers(self) -> list[object]:
        head = list(self.rows[self.header_row])
        if self.header_rows == 2:
            below = self.rows[self.header_row + 1]
            head = _merge_header_rows(head, below)
        return head

    @property
    def first_data(self) -> int:
        return self.header_row + self.header_rows


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_type(path: Path) -> str:
    """What the file really is, by its bytes (a .docx renamed .xlsx is still a Word document)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # before anything is read whole
            raise RosterFileError(
                f"文件“{path.name}”有 {size / 1048576:.0f} MB，超过 {MAX_FILE_BYTES // 1048576} MB 的上限，"
                "请拆分后分批导入"
            )
        head = path.read_bytes()[:4096] if size < 4096 else _head(path)
    except FileNotFoundError:
        raise
    except OSError as exc:  # locked by Excel, a share gone, no permission: what to do, in Chinese
        raise RosterFileError(describe_os_error(exc, "读取名单文件")) from exc
    if not head:
        raise RosterFileError("文件是空的（0 字节），没有可导入的内容")
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    if head.startswith(_OLE_MAGIC):
        whole = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in whole:
            raise RosterFileError("该工作簿设有打开密码。请在 Excel 或 WPS 中取消密码、另存后再导入")
        if "WordDocument".encode("utf-16-le") in whole:
            raise RosterFileError(
                "该文件是旧版 Word 文档（.doc），无法直接读取。请在 Word 或 WPS 中另存为 .docx"
                "（或把名单复制到 Excel 中另存为 .xlsx）后再导入"
            )
        return "xls"
    lower = head.lstrip().lower()
    if lower.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        raise RosterFileError(
            "该文件实际是网页（HTML/XML）格式，只是扩展名为表格。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
        )
    if path.suffix.lower() in (".et", ".ett"):
        raise RosterFileError(
            f"WPS 表格文件“{path.name}”不是可直接读取的格式。请在 WPS 中打开，"
            "用“文件 → 另存为”保存为 Excel 工作簿（.xlsx）后再导入"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise RosterFileError(f"文件“{path.name}”不是有效的表格文件（可能已损坏，或扩展名被改过）")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RosterFileError(f"无法识别文件“{path.name}”的格式：请使用 .xlsx、.xls、.ods 或 .csv")
    return "csv"


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(4096)


def _zip_type(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError) as exc:
        raise RosterFileError(f"文件“{path.name}”已损坏，无法打开（压缩结构不完整）") from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "spreadsheet" in mimetype:
        return "ods"
    if "word/document.xml" in names:
        return "docx"
    if "text" in mimetype:
        raise RosterFileError(
            f"文件“{path.name}”是 Word 文档，不是表格（可能是 .docx 改了扩展名）。"
            "请把名单复制到 Excel 中另存为 .xlsx 后再导入"
        )
    if any(n.startswith("ppt/") for n in names):
        raise RosterFileError(f"文件“{path.name}”是 PowerPoint 演示文稿，不是表格")
    raise RosterFileError(f"文件“{path.name}”不是表格文件（是一个压缩包）")


def list_sheets(path: Path) -> list[str]:
    """Names of the visible worksheets (a CSV has one, named after the file)."""
    kind = sniff_type(path)
    if kind == "csv":
        return [path.stem]
    if kind == "docx":
        return [t.name for t in _docx_tables(path)]
    wb = _open_workbook(path, kind)
    try:
        return _visible_sheets(wb)
    finally:
        wb.close()


def preferred_sheet(path: Path) -> str | None:
    """The sheet a reader picks by itself when it is not the first (a Word notice whose list is not
    its first table); None for workbooks, whose first sheet with a header is taken."""
    if sniff_type(path) != "docx":
        return None
    return read_roster(path).sheet


def _open_workbook(path: Path, kind: str) -> calamine.CalamineWorkbook:
    try:
        check_workbook(path, kind, MAX_ROWS, HEADER_SCAN_ROWS)  # before calamine allocates anything
    except SheetLimitError as exc:
        raise RosterFileError(str(exc)) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise RosterFileError(
            f"文件“{path.name}”已损坏或格式不受支持，无法打开（{type(exc).__name__}）"
        ) from exc
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise RosterFileError("该工作簿设有密码保护。请在 Excel 或 WPS 中取消密码、另存后再导入") from exc
    except Exception as exc:  # calamine raises several kinds (ZipError, XmlError, CalamineError …)
        raise RosterFileError(
            f"文件“{path.name}”已损坏或格式不受支持，无法打开（{type(exc).__name__}）"
        ) from exc


def _visible_sheets(wb: calamine.CalamineWorkbook) -> list[str]:
    names = [
        m.name
        for m in wb.sheets_metadata
        if m.typ == calamine.SheetTypeEnum.WorkSheet and m.visible == calamine.SheetVisibleEnum.Visible
    ]
    return names or list(wb.sheet_names)


def read_roster(
    path: Path,
    sheet: str | None = None,
    check: Callable[[], None] | None = None,
    header_row: int | None = None,
) -> RosterTable:
    """Read one sheet (the named one, else the first whose header is recognised).

    ``header_row`` (1-based) names the header row when the officer knows it better."""
    kind = sniff_type(path)
    if kind == "csv":
        rows = _read_csv(path, check)
        return _with_header(RosterTable(kind, path.stem, [path.stem], rows, 0), path.stem, header_row)
    if kind == "docx":
        return _read_docx(path, sheet, header_row)
    wb = _open_workbook(path, kind)
    try:
        sheets = _visible_sheets(wb)
        if sheet is not None and sheet not in wb.sheet_names:
            raise RosterFileError(f"工作簿中没有名为“{sheet}”的工作表（现有：{'、'.join(sheets)}）")
        candidates = [sheet] if sheet is not None else sheets
        first_error: RosterFileError | None = None
        for name in candidates:
            rows = _read_sheet(wb, name, check)
            if kind == "xlsx":
                _restore_errors(path, name, rows)
            try:
                return _with_header(RosterTable(kind, name, sheets, rows, 0), name, header_row)
            except RosterFileError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error
    finally:
        wb.close()


def _docx_tables(path: Path) -> list[DocxTable]:
    try:
        return read_docx_tables(path)
    except DocxError as exc:
        raise RosterFileError(str(exc)) from exc


def _read_docx(path: Path, sheet: str | None, header_row: int | None) -> RosterTable:
    """A Word document's tables as sheets: the named one, else the first with a recognised header."""
    tables = _docx_tables(path)
    names = [t.name for t in tables]
    if sheet is not None and sheet not in names:
        raise RosterFileError(f"文档中没有“{sheet}”（现有：{'、'.join(names)}）")
    found: list[tuple[int, RosterTable, str]] = []
    first_error: RosterFileError | None = None
    for t in tables:
        if sheet is not None and t.name != sheet:
            continue
        try:
            table = _with_header(RosterTable("docx", t.name, names, t.rows, 0), t.name, header_row)
        except RosterFileError as exc:
            first_error = first_error or exc
            continue
        found.append((header_score(table.headers), table, t.title))
    if not found:
        assert first_error is not None
        raise first_error
    # a notice may carry small tables besides the list (联系人 | 电话): take the best header
    score, table, title = max(found, key=lambda f: f[0])
    table.title = " ".join(x for x in (title, table.title) if x)
    return table


def _read_sheet(
    wb: calamine.CalamineWorkbook, name: str, check: Callable[[], None] | None
) -> list[list[object]]:
    try:
        sheet = wb.get_sheet_by_name(name)
        if sheet.height > MAX_ROWS + HEADER_SCAN_ROWS:
            raise RosterFileError(
                f"工作表“{name}”有 {sheet.height} 行，超过 {MAX_ROWS} 行的上限，请拆分后分批导入"
            )
        if check is not None:
            check()
        # One call into calamine for the whole sheet, from A1 so that list indexes are the
        # spreadsheet's row and column numbers.
        rows: list[list[object]] = sheet.to_python(skip_empty_area=False)
        _fill_merged_down(rows, sheet.merged_cell_ranges)
        if check is not None:
            check()
    except RosterFileError:
        raise
    except calamine.PasswordError as exc:
        raise RosterFileError("该工作簿设有密码保护。请在 Excel 或 WPS 中取消密码、另存后再导入") from exc
    except Exception as exc:
        if type(exc).__name__ == "Cancelled":
            raise
        raise RosterFileError(f"工作表“{name}”无法读取，文件可能已损坏（{type(exc).__name__}）") from exc
    return rows


def _fill_merged_down(rows: list[list[object]], ranges: list | None) -> None:
    """A cell merged down several rows of one column gives its value to each (序号 over a two-row
    header; 所在盟市 merged down a block of rows), as a Word table's vMerge does."""
    for (top, left), (bottom, right) in ranges or ():
        if left != right or bottom <= top or top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        for r in range(top + 1, min(bottom, len(rows) - 1) + 1):
            if left < len(rows[r]) and rows[r][left] in ("", None):
                rows[r][left] = value


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*(?<!/)>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def _restore_errors(path: Path, sheet: str, rows: list[list[object]]) -> None:
    """calamine reads a formula error (#N/A) as an empty cell; put the error text back (xlsx)."""
    if not any("" in row or None in row for row in rows):
        return  # no empty cell, so no error read as one (and the sheet's XML need not be inflated)
    try:
        with zipfile.ZipFile(path) as zf:
            workbook = zf.read("xl/workbook.xml").decode("utf-8")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            rid = None
            for tag in _SHEET_TAG.finditer(workbook):
                attrs = dict(_ATTR.findall(tag.group(1)))
                if html.unescape(attrs.get("name", "")) == sheet:
                    rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            target = None
            for tag in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
                attrs = dict(_ATTR.findall(tag.group(1)))
                if attrs.get("Id") == rid:
                    target = attrs.get("Target", "")
            if not target:
                return
            name = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if not _has_error_cell(zf, name):
                return
            data = zf.read(name)
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return
    for m in _ERROR_CELL.finditer(data):
        col = 0
        for ch in m.group(1).decode():
            col = col * 26 + ord(ch) - 64
        r, c = int(m.group(2)) - 1, col - 1
        if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = m.group(3).decode("utf-8", "replace")


_ERROR_MARK = b't="e"'


def _has_error_cell(zf: zipfile.ZipFile, name: str) -> bool:
    """Whether the sheet's XML has a cell of type error, read a block at a time."""
    tail = b""
    with zf.open(name) as fh:
        while block := fh.read(1 << 20):
            if _ERROR_MARK in tail + block[: len(_ERROR_MARK)] or _ERROR_MARK in block:
                return True
            tail = block[-len(_ERROR_MARK) :]
    return False


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError as exc:
        raise RosterFileError("CSV 文件的编码无法识别（应为 UTF-8 或 GBK）") from exc


def _read_csv(path: Path, check: Callable[[], None] | None) -> list[list[object]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RosterFileError(
            f"文件“{path.name}”有 {size / 1048576:.0f} MB，超过 {MAX_FILE_BYTES // 1048576} MB 的上限，请拆分后分批导入"
        )
    text = _decode(path.read_bytes())
    if not text.strip():
        raise RosterFileError("文件是空的，没有可导入的内容")
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for i, row in enumerate(reader):
            if check is not None and i % CHECK_EVERY == 0:
                check()
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
                raise RosterFileError(f"文件超过 {MAX_ROWS} 行的上限，请拆分后分批导入")
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte, an unclosed quote
        limit = csv.field_size_limit()
        why = (
            f"有一个单元格超过 {limit:,} 个字符的上限（可能是引号未配对，使后面的内容都并进了一格）"
            if "field larger" in str(exc)
            else "格式无法解析（可能含有空字符或引号未配对）"
        )
        raise RosterFileError(f"CSV 文件第 {reader.line_num} 行{why}，请检查后另存再导入") from None
    return rows


def _merge_header_rows(top: list[object], below: list[object]) -> list[object]:
    out = list(top)
    for i, cell in enumerate(below):
        if i >= len(out):
            out.append(cell)
        elif str(cell).strip() and header_score([cell]) and not header_score([out[i]]):
            out[i] = cell
    return out


def _with_header(table: RosterTable, name: str, header_row: int | None = None) -> RosterTable:
    rows = table.rows
    if not any(any(str(c).strip() for c in r) for r in rows):
        raise RosterFileError(f"工作表“{name}”是空的，没有可导入的内容")
    if header_row is not None:
        if not 1 <= header_row <= len(rows):
            raise RosterFileError(f"表头行 {header_row} 超出工作表“{name}”的范围（共 {len(rows)} 行）")
        table.header_row = header_row - 1
        return table
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score(row)
        if score > best_score:
            best, best_score = i, score
    if best_score < 2:  # a published list: a title, then 序号 and the names only
        numbered = numbered_header(rows, HEADER_SCAN_ROWS, header_score)
        if numbered is not None:
            best, best_score = numbered, 2
    if best_score < 2:
        raise RosterFileError(
            f"工作表“{name}”前 {HEADER_SCAN_ROWS} 行中找不到表头（应有“单位名称”“统一社会信用代码”等列名）。"
            "可下载对应模板对照填写"
        )
    table.header_row = best
    if best + 1 < len(rows):
        merged = _merge_header_rows(list(rows[best]), rows[best + 1])
        if header_score(merged) > best_score:
            table.header_rows = 2
    if table.header_rows == 1 and best > 0:  # the row found holds the column names under a group header
        top = rows[best - 1]
        merged = _merge_header_rows(list(top), rows[best])
        if _is_group_header(top) and header_score(merged) >= best_score and header_score(top) >= 1:
            table.header_row, table.header_rows = best - 1, 2
    table.title = _title_above(rows[: table.header_row])
    return table


def _is_group_header(top: list[object]) -> bool:
    """A row above the column names that names groups of them (not a title banner over the table)."""
    filled = [i for i, c in enumerate(top) if str(c).strip()]
    return len(filled) >= 2


def _title_above(rows: list[list[object]]) -> str:
    """The text of the banner rows above the header (the list's title, 附件 lines included)."""
    parts = []
    for row in rows:
        texts = [" ".join(str(c).split()) for c in row if c is not None and str(c).strip()]
        parts.extend(texts)
    return " ".join(parts)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
