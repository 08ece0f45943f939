"""可享政策 of one unit: a table grouped by 已享受 / 不符合（原因） / 可争取.

Shown as a tab of the unit's detail, which is narrow: the table has three columns (the
clause, the amount, its situation in one word) under group and subject headings (the unit,
each of its platforms and people), and the pane below it says in full, for the selected
clause, why it was refused or what is still needed. Non-cash measures are listed too, in grey.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App
from kjdesk.services.entitlements.eligibility import EligibilityRow, Group, unit_eligibility
from kjdesk.ui.workers import Hub

HEADERS = ("条款", "金额（元）", "情况")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # index of the clause row in view.rows
GROUP_TITLES = {
    Group.HELD: "已享受",
    Group.REFUSED: "不符合",
    Group.OPEN: "可争取",
}
GROUP_TIPS = {
    Group.HELD: "已列入应享资金（或待录入金额、须核实）的条款，以及已持有相应认定的非资金政策",
    Group.REFUSED: "已有认定或数据但不予支持的条款，说明列出原因",
    Group.OPEN: "本单位及其平台、人员尚未满足条件、仍可争取的条款（含非资金政策）",
}
GROUP_COLOURS = {Group.HELD: "#e6f2e6", Group.REFUSED: "#fbe9e7", Group.OPEN: "#e8eef7"}
GREY = "#777777"
SHORT = {"尚未满足条件": "未满足", "非资金政策": "非资金", "待录入金额": "待录入"}  # the narrow 情况 column


class EligibilityView(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.ops = app, hub.ops
        self.unit_id: int | None = None
        self.loaded = False
        self._generation = 0
        self.rows: list[EligibilityRow] = []
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.tree = QTreeView(self)
        self.tree.setObjectName("eligibility")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(False)
        self.tree.setIndentation(14)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(lambda current, _prev: self._show(current))
        self.summary = QLabel(self)
        self.summary.setObjectName("eligibility_summary")
        self.summary.setWordWrap(True)
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("eligibility_detail")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("eligibility_splitter")
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.show_unit(None)

    def show_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id
        self._generation += 1
        generation = self._generation
        if unit_id is None:
            self._fill([])
            self.summary.setText(self.tr("选择一个单位，查看它和它的平台、人员可享受的政策。"))
            return
        self.loaded = False
        self.ops.read(
            lambda _p: unit_eligibility(self.app, unit_id), lambda rows: self._loaded(generation, rows)
        )

    def _loaded(self, generation: int, rows: list[EligibilityRow]) -> None:
        if generation != self._generation:  # the officer has moved on, or a newer read is coming
            return
        self._fill(rows)
        self.loaded = True

    def _fill(self, rows: list[EligibilityRow]) -> None:
        self.rows = rows
        self.model.removeRows(0, self.model.rowCount())
        counts = {g: [(i, r) for i, r in enumerate(rows) if r.group == g.value] for g in Group}
        by_subject = len({(r.subject_kind, r.subject_id) for r in rows}) > 1
        for group, members in counts.items():
            owed = sum(r.amount_fen for _i, r in members)
            label = f"{GROUP_TITLES[group]}（{len(members)} 项）"
            head = self._heading(label, GROUP_COLOURS[group], bold=True)
            head[0].setToolTip(self.tr(GROUP_TIPS[group]))
            if group == Group.HELD and owed:
                head[1].setText(format_yuan(owed))
            head[0].setData(group.value, Qt.ItemDataRole.UserRole)
            parent = head[0]
            subject = None
            for i, r in members:
                if by_subject and r.subject_label != subject:
                    subject = r.subject_label
                    sub = self._heading(subject, "", bold=False)
                    head[0].appendRow(sub)
                    parent = sub[0]
                parent.appendRow(self._row(i, r))
            self.model.appendRow(head)
        self.tree.expandAll()
        self._show(QModelIndex())
        total = sum(r.amount_fen for _i, r in counts[Group.HELD])
        self.summary.setText(
            self.tr("已享受 {h} 项（应享合计 {t} 元），不符合 {r} 项，可争取 {o} 项").format(
                h=len(counts[Group.HELD]),
                t=format_yuan(total),
                r=len(counts[Group.REFUSED]),
                o=len(counts[Group.OPEN]),
            )
            if rows
            else ""
        )

    def _heading(self, text: str, colour: str, *, bold: bool) -> list[QStandardItem]:
        cells = [QStandardItem(text)] + [QStandardItem("") for _ in HEADERS[1:]]
        cells[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = cells[0].font()
        font.setBold(bold)
        for item in cells:
            item.setFont(font)
            if colour:
                item.setBackground(QBrush(QColor(colour)))
        return cells

    def _row(self, i: int, r: EligibilityRow) -> list[QStandardItem]:
        amount = format_yuan(r.amount_fen) if r.amount_fen else ""
        cells = [
            QStandardItem(r.title),
            QStandardItem(amount),
            QStandardItem(SHORT.get(r.availability, r.availability)),
        ]
        cells[0].setData(i, ROW_ROLE)
        cells[0].setToolTip(f"{r.clause_id} {r.article} {r.title}（{r.form_label}）")
        cells[1].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for c in cells[1:]:
            c.setToolTip(r.note or r.availability)
        if not r.cash:
            for c in cells:
                c.setForeground(QBrush(QColor(GREY)))
        return cells

    def _show(self, index: QModelIndex) -> None:
        i = index.siblingAtColumn(0).data(ROW_ROLE) if index.isValid() else None
        if i is None:
            self.detail.setHtml(
                "<p style='color:#666'>" + self.tr("选择一个条款，查看不符合的原因或还需要的条件。") + "</p>"
            )
            return
        self.detail.setHtml(row_html(self.rows[i]))

    def select_clause(self, clause_id: str, subject_label: str = "本单位") -> bool:
        """Select a clause row (for the officer's keyboard and for tests)."""
        for i, r in enumerate(self.rows):
            if r.clause_id == clause_id and r.subject_label == subject_label:
                match = self.model.match(
                    self.model.index(0, 0),
                    ROW_ROLE,
                    i,
                    1,
                    Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
                )
                if match:
                    self.tree.setCurrentIndex(match[0])
                    return True
        return False

    def group_rows(self, group: str) -> list[EligibilityRow]:
        return [r for r in self.rows if r.group == group]

    def group_texts(self) -> list[str]:
        """The group headings as shown (for a quick look and for tests)."""
        return [self.model.item(i, 0).text() for i in range(self.model.rowCount())]


def row_html(r: EligibilityRow) -> str:
    amount = f"<b>{format_yuan(r.amount_fen)}</b> 元" if r.amount_fen else ""
    lines = [
        f"<p style='margin:0'><b>{escape(r.article)}{escape(r.title)}</b>（{escape(r.form_label)}）</p>",
        f"<p style='margin:2px 0; color:#555'>{escape(r.subject_label)}：{escape(r.availability)} {amount}</p>",
    ]
    if r.availability == "待录入金额":
        lines.append("<p style='margin:2px 0'>待经办人在“应享资金”页录入金额及依据（文号或会议纪要）。</p>")
    if r.reasons:
        title = "原因" if r.group == Group.REFUSED.value else "说明"
        lines.append(f"<p style='margin:4px 0 0 0'>{title}：</p><ul style='margin:0'>")
        lines.extend(f"<li>{escape(x)}</li>" for x in r.reasons)
        lines.append("</ul>")
    if r.missing and r.group != Group.HELD.value:
        lines.append("<p style='margin:4px 0 0 0'>还需要：</p><ul style='margin:0'>")
        lines.extend(f"<li>{escape(x)}</li>" for x in r.missing)
        lines.append("</ul>")
    # the catalog id last, small and grey: for the manual and the command line, not the reading
    lines.append(
        f"<p style='margin:6px 0 0 0; color:#888; font-size:small'>条款编号：{escape(r.clause_id)}</p>"
    )
    return "".join(lines)
