"""The one check of a workbook before python-calamine reads it: the file's size, then its sheets.

An .xlsx is walked in ``sheet_limits``, an .ods in ``ods_limits``, an .xls record by record in
``xls_limits``; this module only picks the walker (so they share ``sheet_limits`` without a cycle).
"""

from __future__ import annotations

from pathlib import Path

from kjdesk.io.ods_limits import check_ods
from kjdesk.io.sheet_limits import MAX_FILE_BYTES, SheetLimitError, _check_xlsx, _checked, _Rows
from kjdesk.io.xls_limits import check_xls


def check_workbook(path: Path, kind: str, max_rows: int, spare_rows: int = 0) -> None:
    """Raise ``SheetLimitError`` when ``path`` (an ``xlsx``/``ods``/``xls``) is beyond the limits:
    more than ``max_rows`` rows (plus ``spare_rows`` for titles above the header), …"""
    path = Path(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns, max_rows, spare_rows)
    if key in _checked:
        return
    if st.st_size > MAX_FILE_BYTES:
        raise SheetLimitError(
            f"文件“{path.name}”有 {st.st_size / 1048576:.0f} MB，超过 {MAX_FILE_BYTES // 1048576} MB 的上限，"
            "请拆分后分批导入"
        )
    if kind == "xlsx":
        _check_xlsx(path, _Rows(max_rows, spare_rows))
    elif kind == "ods":
        check_ods(path, _Rows(max_rows, spare_rows))
    elif kind == "xls":
        check_xls(path, _Rows(max_rows, spare_rows))
    if len(_checked) > 64:
        _checked.clear()
    _checked[key] = None
