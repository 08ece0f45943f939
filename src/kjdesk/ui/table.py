"""The table model every register page uses: rows as tuples, instant filter, lazy fetching.

Built for 100,000 rows (issue 9): rows stay plain tuples (the first element is the record
id), the filter scans one lower-cased string per row, sorting sorts the tuples once, and
the view receives rows in batches through ``canFetchMore``/``fetchMore`` so a reset or a
keystroke never lays out more than one batch.

A page can show a first screen of rows and swap in the whole set later (``replace_rows``):
the filter index of the whole set is built off the UI thread (``haystacks`` is a plain
function), and when the rows already shown are the start of the new ones the rows are
appended, so the view keeps its scroll position and selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import itemgetter

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kjdesk.ui.table_columns import fit_when_filled, install_column_chooser

Index = QModelIndex | QPersistentModelIndex
BATCH = 500


@dataclass(frozen=True)
class Column:
    """One column: which element of the row tuple it shows, its title and its tooltip."""

    field: int
    title: str
    tip: str = ""
    width: int = 0  # width in pixels before rows arrive; 0 = fit the title (then fitted to content)
    max_width: int = 0  # the most the column takes when fitted to content; 0 = table_columns.MAX_WIDTH
    searchable: bool = False  # part of the instant filter (name, code, 旗县区)
    align_right: bool = False


def display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def haystacks(columns: list[Column], rows: list[tuple]) -> list[str]:
    """The filter index: one lower-cased string per row holding its searchable fields.

    A plain function of plain data, so a page can build it on a worker thread."""
    fields = [c.field for c in columns if c.searchable]
    if not fields:
        return [""] * len(rows)
    get = itemgetter(*fields) if len(fields) > 1 else (lambda r, i=fields[0]: (r[i],))
    try:  # the fast path: all str
        return ["\x1f".join(get(r)).lower() for r in rows]
    except TypeError:  # a None or a date among them
        return ["\x1f".join(display(r[i]) for i in fields).lower() for r in rows]


class RowTableModel(QAbstractTableModel):
    money_fields: tuple[int, ...] = ()  # fields holding 分, shown (and exported) as 元

    def __init__(self, columns: list[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._all: list[tuple] = []
        self._hay: list[str] = []
        self._shown: list[tuple] = []
        self._fetched = 0
        self._needle: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- data in -------------------------------------------------------------------------

    def set_rows(self, rows: list[tuple], index: list[str] | None = None) -> None:
        """Show ``rows`` (the view is reset); ``index`` is their ``haystacks`` when already built."""
        self._take(rows, index)
        self._apply()

    def replace_rows(self, rows: list[tuple], index: list[str] | None = None) -> bool:
        """Swap in a new set of rows, keeping the view's place when possible.

        When the rows on show (filtered and sorted) are the start of what the new set shows,
        the rest is appended: no reset, so the scroll position and the selection stay as they
        are, and True is returned. Otherwise the view is reset and False is returned (the
        caller restores the selection by record id)."""
        before = self._shown
        self._take(rows, index)
        shown = self._filtered()
        if len(shown) < len(before) or shown[: len(before)] != before:
            self.beginResetModel()
            self._shown = shown
            self._fetched = min(BATCH, len(shown))
            self.endResetModel()
            return False
        self._shown = shown
        target = min(max(self._fetched, BATCH), len(shown))
        if target > self._fetched:  # one batch more at once, as a reset would show
            self.beginInsertRows(QModelIndex(), self._fetched, target - 1)
            self._fetched = target
            self.endInsertRows()
        return True

    def _take(self, rows: list[tuple], index: list[str] | None) -> None:
        self._all = rows if isinstance(rows, list) else list(rows)
        self._hay = index if index is not None else haystacks(self.columns, self._all)
        if len(self._hay) != len(self._all):
            raise ValueError("the filter index does not match the rows")
        if self._sort is not None:
            self._sort_all(*self._sort)

    def set_filter(self, text: str) -> None:
        needle = text.lower().split()
        if needle != self._needle:
            self._needle = needle
            self._apply()

    @property
    def filtering(self) -> bool:
        return bool(self._needle)

    def _filtered(self) -> list[tuple]:
        if not self._needle:
            return self._all
        if len(self._needle) == 1:
            word = self._needle[0]
            return [r for r, h in zip(self._all, self._hay, strict=True) if word in h]
        words = self._needle
        return [r for r, h in zip(self._all, self._hay, strict=True) if all(w in h for w in words)]

    def _apply(self) -> None:
        self.beginResetModel()
        self._shown = self._filtered()
        self._fetched = min(BATCH, len(self._shown))
        self.endResetModel()

    # --- what the page asks ----------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return len(self._shown)

    def row_tuple(self, row: int) -> tuple:
        return self._shown[row]

    def row_id(self, row: int) -> int:
        return self._shown[row][0]

    def export_value(self, row: tuple, column: int) -> object:
        """What the export writes for a cell of ``row``: 分 as Decimal 元, a date as a date, else the text shown.

        A plain function of the row tuple (no index), so the rows not yet fetched into the view
        export too, off the UI thread."""
        field = self.columns[column].field
        value = row[field]
        if field in self.money_fields:
            return None if value is None else Decimal(value) / 100
        if isinstance(value, (date, int)) and not isinstance(value, bool):
            return value
        return display(value)

    def shown_rows(self) -> list[tuple]:
        """Every row the filter lets through, in the order shown (fetched or not yet)."""
        return list(self._shown)

    def row_of_id(self, row_id: int) -> int:
        """The view row of a record (fetching up to it), or -1 when it is filtered out."""
        for i, r in enumerate(self._shown):
            if r[0] == row_id:
                while self._fetched <= i:
                    self.fetchMore(QModelIndex())
                return i
        return -1

    # --- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and self._fetched < len(self._shown)

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if parent.isValid():
            return
        n = min(BATCH, len(self._shown) - self._fetched)
        if n <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._fetched, self._fetched + n - 1)
        self._fetched += n
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return display(self._shown[index.row()][self.columns[index.column()].field])
        if role == Qt.ItemDataRole.ToolTipRole:  # a text cut at the column's edge reads whole on hover
            text = display(self._shown[index.row()][self.columns[index.column()].field])
            return text if len(text) > 6 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()].align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole and column.tip:
            return column.tip
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):  # no sort column: keep the order rows come in
            self._sort = None
            return
        self._sort = (column, order)
        self._sort_all(column, order)
        self._apply()

    def _sort_all(self, column: int, order: Qt.SortOrder) -> None:
        i = self.columns[column].field
        order_idx = sorted(
            range(len(self._all)),
            key=lambda k: (self._all[k][i] is None, self._all[k][i] if self._all[k][i] is not None else 0),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._all = [self._all[k] for k in order_idx]
        self._hay = [self._hay[k] for k in order_idx]


def make_table_view(
    model: RowTableModel, parent: QWidget | None = None, *, sortable: bool = True, name: str = ""
) -> QTableView:
    """A read-only, row-selecting table with fixed row heights (cheap at any row count).

    With ``name``, the header has the column chooser and the widths are remembered under it."""
    view = QTableView(parent)
    view.setModel(model)
    # No sort indicator *before* sorting is enabled: enabling it sorts by the indicator, and
    # the header's default (column 0) would sort every set of rows by the first column.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)  # fitting stretches the last column only when its texts need it
    header.setHighlightSections(False)
    metrics = view.fontMetrics()
    for n, column in enumerate(model.columns):
        width = column.width or metrics.horizontalAdvance(column.title) + 40
        view.setColumnWidth(n, width)
    fit_when_filled(view)  # sized to what the columns show once rows arrive
    if name:
        install_column_chooser(view, name)
    return view
