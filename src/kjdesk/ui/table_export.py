"""导出 Excel: any register table exports what it shows — its rows in their filter and order, its
visible columns in their on-screen order and widths — through ``services.table_export``.

``install_export`` gives a table view the context-menu action; a page's toolbar button calls
``export_view``. The rows are a snapshot taken on the UI thread (a list copy of the tuples);
turning them into cells and writing the file happen on the read pool with a progress dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QTableView, QWidget

from kjdesk.services.core.table_export import ExportColumn, ExportResult, export_table
from kjdesk.ui import settings
from kjdesk.ui.dialogs import inform
from kjdesk.ui.table import RowTableModel
from kjdesk.ui.workers import Operations

PIXELS_PER_CHAR = 7.5


def visible_columns(view: QTableView) -> list[int]:
    """The model columns the view shows, in their on-screen (visual) order."""
    header = view.horizontalHeader()
    model = view.model()
    logical = [header.logicalIndex(v) for v in range(header.count())]
    return [i for i in logical if 0 <= i < model.columnCount() and not header.isSectionHidden(i)]


def snapshot(view: QTableView) -> tuple[list[ExportColumn], list[int], list[tuple]]:
    """The export columns, their model column numbers, and the rows shown (filtered, sorted)."""
    model = view.model()
    assert isinstance(model, RowTableModel)
    cols = visible_columns(view)
    rows = model.shown_rows()
    out = []
    for i in cols:
        column = model.columns[i]
        kind = "yuan" if column.field in model.money_fields else "text"
        if kind == "text" and rows:
            sample = next((r[column.field] for r in rows[:50] if r[column.field] is not None), None)
            if isinstance(sample, date):
                kind = "date"
        width = max(8.0, min(60.0, view.columnWidth(i) / PIXELS_PER_CHAR + 1))
        out.append(ExportColumn(column.title, kind, width))
    return out, cols, rows


def export_view(
    parent: QWidget, ops: Operations, view: QTableView, title: str, path: str | None = None
) -> None:
    """Ask where (unless ``path``), then write the table as shown; the notice says where it went."""
    columns, numbers, rows = snapshot(view)
    if not rows:
        inform(parent, parent.tr("导出 Excel"), parent.tr("表格中没有可导出的行（请检查筛选条件）"))
        return
    if path is None:
        folder = str(settings.get(settings.LAST_FOLDER) or "") or str(Path.home())
        suggested = str(Path(folder) / f"{title}{date.today().strftime('%Y%m%d')}.xlsx")
        path, _ = QFileDialog.getSaveFileName(
            parent, parent.tr("导出 Excel"), suggested, "Excel 工作簿 (*.xlsx)"
        )
        if not path:
            return
        settings.put(settings.LAST_FOLDER, str(Path(path).parent))
    model = view.model()
    assert isinstance(model, RowTableModel)
    value = model.export_value

    def write(progress) -> ExportResult:  # noqa: ANN001 - QtProgress
        cells = [[value(r, i) for i in numbers] for r in rows]
        return export_table(path, title, columns, cells, progress=progress)

    def done(result: ExportResult) -> None:
        parent.last_export = result  # type: ignore[attr-defined]
        inform(
            parent,
            parent.tr("导出 Excel"),
            parent.tr("已导出 {rows} 行、{cols} 列：\n{path}").format(
                rows=result.rows, cols=result.columns, path=result.path
            ),
        )

    ops.read(write, done, label=parent.tr("正在导出 {n} 行…").format(n=len(rows)))


def install_export(view: QTableView, ops: Operations, title: Callable[[], str], parent: QWidget) -> None:
    """The table's context menu gets 导出 Excel… (what the table shows, as it shows it)."""
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu(pos: QPoint) -> None:
        m = QMenu(view)
        action = m.addAction(parent.tr("导出为 Excel（当前筛选和排序）…"))
        action.triggered.connect(lambda: export_view(parent, ops, view, title()))
        m.exec(view.viewport().mapToGlobal(pos))

    view.customContextMenuRequested.connect(menu)
