"""The columns of a table: sized to what they show, chosen by the officer, remembered per PC.

*Sized to content.* When a table first receives rows, each column is made as wide as its
title and the texts of the rows on show (the first batch), within a maximum (``Column.max_width``, else
``MAX_WIDTH``), so names are not cut and an empty column stays narrow.
The last column stretches to the table's edge only when its texts are longer than its
maximum (a reason, a change); an empty or short last column never takes the rest of the
width (issue 18: the empty 变化 column took half the import check).

*Chosen and remembered.* Right-click the header to show or hide columns; the header's
state (``QHeaderView.saveState``: widths, order, hidden sections) is saved in QSettings
under the table's name when the officer resizes, moves or hides a column, and restored
when the table is built. Once the officer has set widths, they win over the fitting.
Export follows what the chooser leaves visible.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QMenu, QTableView

from kjdesk.ui import settings

MAX_WIDTH = 360  # px: about 25 characters, enough for a long company name
MIN_WIDTH = 40
SAMPLE_ROWS = 500  # the rows looked at when fitting (the first batch the view holds)
USER_WIDTHS = "kjdesk_user_widths"  # view property: the officer's widths are in force
FITTING = "kjdesk_fitting"  # view property: the program is sizing columns (not to be saved)


def columns_key(name: str) -> settings.Option:
    return settings.Option(f"columns/{name}", QByteArray(), QByteArray)


def install_column_chooser(view: QTableView, name: str) -> None:
    """Header menu with a check per column (the first stays); remembered under ``name``."""
    header = view.horizontalHeader()
    key = columns_key(name)
    view.setProperty("kjdesk_columns_name", name)
    state = settings.get(key)
    if isinstance(state, QByteArray) and not state.isEmpty():
        count = header.count()
        stretch = header.stretchLastSection()
        header.restoreState(state)
        header.setStretchLastSection(stretch)
        if header.count() != count:  # a table whose columns changed since: start afresh
            settings.put(key, QByteArray())
        else:
            view.setProperty(USER_WIDTHS, True)
    save = QTimer(view)
    save.setSingleShot(True)
    save.setInterval(300)  # a drag resizes many times: save once it settles
    save.timeout.connect(lambda: settings.put(key, header.saveState()))

    def resized(logical: int, old: int, new: int) -> None:
        if view.property(FITTING) or not old or not new:
            return  # the program fitting the columns, or a column hidden or shown: not a width chosen
        if header.stretchLastSection() and logical == last_visible(view):
            return  # the stretched last column follows the window, not the officer
        view.setProperty(USER_WIDTHS, True)
        save.start()

    header.sectionResized.connect(resized)
    header.sectionMoved.connect(lambda *_: None if view.property(FITTING) else save.start())

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
        m.addAction(view.tr("按内容调整列宽"), lambda: refit_columns(view, name))
        m.exec(header.mapToGlobal(pos))

    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(menu)
    header.setToolTip(view.tr("右键单击表头可选择显示哪些列；列宽和顺序会记住"))


def has_column_chooser(view: QTableView) -> bool:
    header = view.horizontalHeader()
    return bool(view.property("kjdesk_columns_name")) and (
        header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    )


def set_column_visible(view: QTableView, name: str, column: int, visible: bool) -> None:
    header = view.horizontalHeader()
    header.setSectionHidden(column, not visible)
    settings.put(columns_key(name), header.saveState())


def show_all_columns(view: QTableView, name: str) -> None:
    header = view.horizontalHeader()
    for column in range(header.count()):
        header.setSectionHidden(column, False)
    settings.put(columns_key(name), header.saveState())


def refit_columns(view: QTableView, name: str) -> None:
    """Forget the officer's widths and size the columns to what they show again."""
    view.setProperty(USER_WIDTHS, False)
    fit_columns(view)
    settings.put(columns_key(name), view.horizontalHeader().saveState())
    view.setProperty(USER_WIDTHS, False)


def content_widths(view: QTableView) -> list[int]:
    """Each column's width for its title and the texts of the rows on show, within its maximum."""
    model = view.model()
    header = view.horizontalHeader()
    metrics, head_metrics = view.fontMetrics(), header.fontMetrics()
    columns = getattr(model, "columns", None)
    rows = min(model.rowCount(), SAMPLE_ROWS)
    widths = []
    for c in range(model.columnCount()):
        title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        width = head_metrics.horizontalAdvance(title) + 28  # room for the sort arrow
        for r in range(rows):
            text = model.data(model.index(r, c, QModelIndex()))
            if text:
                width = max(width, metrics.horizontalAdvance(str(text)) + 14)
        cap = MAX_WIDTH
        if columns is not None and c < len(columns):
            cap = getattr(columns[c], "max_width", 0) or MAX_WIDTH
        widths.append(max(MIN_WIDTH, min(width, cap)))
    return widths


def fit_columns(view: QTableView) -> bool:
    """Size every column to its content (unless the officer set the widths); True when done.

    The last column stretches to the edge only when its content is wider than its maximum."""
    if view.property(USER_WIDTHS):
        return False
    header = view.horizontalHeader()
    widths = content_widths(view)
    view.setProperty(FITTING, True)
    try:
        header.setStretchLastSection(False)
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        last = last_visible(view)
        if 0 <= last < len(widths):
            header.setStretchLastSection(_wider_than_cap(view, last, widths[last]))
    finally:
        view.setProperty(FITTING, False)
    return True


def last_visible(view: QTableView) -> int:
    """The logical index of the rightmost column on show (-1 when none)."""
    header = view.horizontalHeader()
    for visual in range(header.count() - 1, -1, -1):
        logical = header.logicalIndex(visual)
        if not header.isSectionHidden(logical):
            return logical
    return -1


def _wider_than_cap(view: QTableView, column: int, width: int) -> bool:
    model = view.model()
    metrics = view.fontMetrics()
    for r in range(min(model.rowCount(), SAMPLE_ROWS)):
        text = model.data(model.index(r, column, QModelIndex()))
        if text and metrics.horizontalAdvance(str(text)) + 14 > width:
            return True
    return False


def fit_when_filled(view: QTableView) -> None:
    """Fit the columns the first time the table shows rows on the screen (later loads keep the
    widths); a table in a hidden tab is fitted when it is first shown."""
    _FitOnce(view)


class _FitOnce(QObject):
    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self.done = False
        model = view.model()
        model.modelReset.connect(self.try_fit)
        model.rowsInserted.connect(self.try_fit)
        view.installEventFilter(self)

    def try_fit(self, *_args: object) -> None:
        view = self.view
        if self.done or not view.isVisible() or not view.model().rowCount():
            return
        self.done = True
        view.removeEventFilter(self)
        fit_columns(view)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self, self.try_fit)
        return False


def lead_with(view: QTableView, titles: tuple[str, ...]) -> None:
    """Show these columns first (the model's order stays), unless the officer has his own order.

    For a narrow table at 1280×800: what is read at a glance (the name, the money) before
    what is looked up (旗县区, dates)."""
    if view.property(USER_WIDTHS):
        return
    header, model = view.horizontalHeader(), view.model()
    logical = {str(model.headerData(c, Qt.Orientation.Horizontal)): c for c in range(model.columnCount())}
    view.setProperty(FITTING, True)  # not the officer's choice: not remembered as one
    try:
        for place, title in enumerate(titles):
            if title in logical:
                header.moveSection(header.visualIndex(logical[title]), place)
    finally:
        view.setProperty(FITTING, False)
