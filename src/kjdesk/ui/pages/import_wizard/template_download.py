"""下载模板: ask where to save a blank roster template, then write it off the UI thread.

The workbook (columns, drop-downs of the bureau's 旗县区 and titles, an example row) is made by
``services.roster_files.write_roster_template``, the same as ``kjdesk template``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from kjdesk.services.core.app import App
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


def download_template(parent: QWidget, ops: Operations, app: App, kind: str) -> None:
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

    def write(_progress: QtProgress) -> Path:
        from kjdesk.services.imports.roster_files import write_roster_template

        return write_roster_template(app, kind, path)

    def saved(result: Path) -> None:
        inform(
            parent,
            parent.tr("模板已保存"),
            parent.tr("已保存到：{path}\n按模板填写后，用“导入名录”（Ctrl+I）导入。").format(path=result),
        )

    ops.read(write, saved)
