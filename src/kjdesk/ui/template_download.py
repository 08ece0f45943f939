"""下载模板: ask where to save an import template for a roster kind, then write it off the UI thread.

The template itself comes from the import side (``kjdesk.io.roster_template.write_template``
once it exists); until then a plain sheet with the roster's column labels and one example
row is written from ``io/roster_schema.py``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from kjdesk.ui import settings
from kjdesk.ui.dialogs import inform
from kjdesk.ui.workers import Operations, QtProgress

KIND_LABELS = {
    "units": "单位名录",
    "platforms": "平台名录",
    "people": "人员名录",
    "recognitions": "认定记录",
    "facts": "年度申报数据",
}
PROVIDERS = ("kjdesk.io.roster_template", "kjdesk.io.templates", "kjdesk.services.imports")


def _provider():  # noqa: ANN202 - the write_template function, if some module offers it
    for name in PROVIDERS:
        try:
            if find_spec(name) is None:
                continue
        except ModuleNotFoundError:
            continue
        fn = getattr(import_module(name), "write_template", None)
        if callable(fn):
            return fn
    return None


def write_plain_template(kind: str, path: Path) -> Path:
    """The column labels of ``kind`` and one example row, as an .xlsx."""
    from openpyxl import Workbook

    from kjdesk.io import roster_schema

    roster = getattr(roster_schema, kind.upper())
    book = Workbook()
    sheet = book.active
    sheet.title = KIND_LABELS.get(kind, kind)
    sheet.append([c.label for c in roster.columns])
    sheet.append([c.example for c in roster.columns])
    for n, column in enumerate(roster.columns, start=1):
        sheet.column_dimensions[sheet.cell(1, n).column_letter].width = column.width + 4
    book.save(path)
    return path


def _write(kind: str, path: Path) -> Path:
    fn = _provider()
    if fn is not None:
        fn(kind, path)
        return path
    return write_plain_template(kind, path)


def download_template(parent: QWidget, ops: Operations, kind: str) -> None:
    label = KIND_LABELS.get(kind, kind)
    folder = str(settings.get(settings.LAST_FOLDER)) or str(Path.home())
    name, _ = QFileDialog.getSaveFileName(
        parent,
        parent.tr("保存导入模板"),
        str(Path(folder) / f"{label}导入模板.xlsx"),
        "Excel 工作簿 (*.xlsx)",
    )
    if not name:
        return
    path = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
    settings.put(settings.LAST_FOLDER, str(path.parent))

    def saved(result: Path) -> None:
        inform(
            parent,
            parent.tr("模板已保存"),
            parent.tr("已保存到：{path}\n按模板填写后，用“导入名录”导入。").format(path=result),
        )

    def write(_progress: QtProgress) -> Path:
        return _write(kind, path)

    ops.read(write, saved)
