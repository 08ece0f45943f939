"""Export what you see: the rows and columns a register table shows, in its order and filter, to .xlsx.

The window hands over plain data (column titles and kinds, row values as shown) and this
service lays it out as a print-ready sheet (``io.excel_out``): money in 元 with two decimals,
dates as dates, and every ID number masked, whatever column it stands in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from kjdesk.io.excel_out import DATA, Column, TableSheet, write_workbook
from kjdesk.services.core.app import ServiceError
from kjdesk.validation import mask_id_number

ID_NUMBER = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class ExportColumn:
    title: str
    kind: str = "text"  # text | yuan (Decimal 元) | date | int
    width: float = 14  # Excel character widths


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    columns: int


def _masked(value: object) -> object:
    if isinstance(value, str) and ID_NUMBER.search(value):
        return ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), value)
    return value


def _cell(value: object, kind: str) -> object:
    if value is None or value == "":
        return None
    if kind == "yuan":
        return value if isinstance(value, Decimal) else _masked(value)
    if kind == "date" and isinstance(value, date):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    return _masked(value if isinstance(value, str) else str(value))


def export_table(
    path: str | Path,
    title: str,
    columns: Sequence[ExportColumn],
    rows: Sequence[Sequence[object]],
    *,
    left_note: str = "",
    progress=None,  # noqa: ANN001 - Progress
) -> ExportResult:
    """Write ``rows`` (values in the order of ``columns``) as one sheet; the file appears only when complete."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    if not path.parent.is_dir():
        raise ServiceError(f"文件夹不存在：{path.parent}")
    if not columns:
        raise ServiceError("表格没有可导出的列")
    kinds = [c.kind for c in columns]
    unit = "单位：元" if "yuan" in kinds else ""
    sheet = TableSheet(
        name=title[:31] or "Sheet1",
        title=title,
        columns=[
            Column(c.title, c.width, {"yuan": "yuan", "date": "date", "int": "int"}.get(c.kind, "text"))
            for c in columns
        ],
        rows=((DATA, [_cell(v, k) for v, k in zip(r, kinds, strict=False)]) for r in rows),
        left_note=left_note,
        unit_note=unit,
        signatures=False,
    )
    try:
        write_workbook(path, [sheet], progress)
    except PermissionError as exc:
        path.with_name(path.name + ".part").unlink(missing_ok=True)
        raise ServiceError(
            f"无法写入 {path}：文件可能正在 Excel 或 WPS 中打开，或没有该文件夹的权限；请关闭该文件后重试"
        ) from exc
    return ExportResult(path, len(rows), len(columns))
