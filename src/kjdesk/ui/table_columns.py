"""The column chooser of a table: right-click the header to show or hide columns; the
columns' widths, order and visibility are remembered on this PC (QSettings, per table).

The header's own state (``QHeaderView.saveState``) holds widths, order and hidden sections;
it is saved when a column is resized, moved or hidden and restored when the table is built.
Export follows what the chooser leaves visible.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer
from PySide6.QtWidgets import QMenu, QTableView

from kjdesk.ui import settings


def columns_key(name: str) -> settings.Option:
    return settings.Option(f"columns/{name}", QByteArray(), QByteArray)


def install_column_chooser(view: QTableView, name: str) -> None:
    """Header menu with a check per column (the first stays); remembered under ``name``."""
    header = view.horizontalHeader()
    key = columns_key(name)
    state = settings.get(key)
    if isinstance(state, QByteArray) and not state.isEmpty():
        count = header.count()
        header.restoreState(state)
        if header.count() != count:  # a table whose columns changed since: start afresh
            settings.put(key, QByteArray())
    save = QTimer(view)
    save.setSingleShot(True)
    save.setInterval(300)  # a drag resizes many times: save once it settles
    save.timeout.connect(lambda: settings.put(key, header.saveState()))
    header.sectionResized.connect(lambda *_: save.start())
    header.sectionMoved.connect(lambda *_: save.start())

    def menu(pos: QPoint) -> None:
        m = QMenu(header)
        m.setObjectName("column_chooser")
        model = view.model()
        for column in range(model.columnCount()):
            title = str(model.headerData(column, header.orientation()))
            action = m.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != 0)  # never hide every column: the first stays
            action.toggled.connect(lambda on, c=column: set_column_visible(view, name, c, on))
        m.addSeparator()
        m.addAction(view.tr("显示全部列"), lambda: show_all_columns(view, name))
        m.exec(header.mapToGlobal(pos))

    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(menu)
    header.setToolTip(view.tr("右键单击表头可选择显示哪些列；列宽和顺序会记住"))


def set_column_visible(view: QTableView, name: str, column: int, visible: bool) -> None:
    header = view.horizontalHeader()
    header.setSectionHidden(column, not visible)
    settings.put(columns_key(name), header.saveState())


def show_all_columns(view: QTableView, name: str) -> None:
    header = view.horizontalHeader()
    for column in range(header.count()):
        header.setSectionHidden(column, False)
    settings.put(columns_key(name), header.saveState())
