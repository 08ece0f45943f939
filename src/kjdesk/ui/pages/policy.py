"""The 政策 page: both built-in catalogs, browsed as city → article → clause, and searched.

The search box matches every word against the clause id, its title and its quote. The pane
beside the tree shows the selected clause in full: its document, form, amounts, rates, caps
and floors, payment wording, beneficiary, exclusion group, the exact sentence of the policy
(as a quotation) and the readings this system applies to it (“按本系统口径：…”).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App, Changes
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.entitlements.articles import article_heading
from kjdesk.services.entitlements.policy_view import ClauseInfo, matches, policy_catalog
from kjdesk.ui.pages.entitlements.explanation import quote_html, reading_html
from kjdesk.ui.workers import Hub, QtProgress

CLAUSE_ROLE = Qt.ItemDataRole.UserRole + 1  # index of the clause in page.clauses
NON_CASH_COLOUR = "#777777"


class PolicyPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.city = require_bureau(app).city
        self.loaded = False
        self.clauses: list[ClauseInfo] = []

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText(self.tr("搜索条款编号、名称或原文，如：高新技术企业"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._search)
        self.count_label = QLabel(self.tr("正在载入…"), self)
        self.count_label.setObjectName("count")
        self.model = QStandardItemModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("clauses")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.selectionModel().currentChanged.connect(lambda current, _prev: self._show(current))
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("clause_detail")
        self.detail.setOpenLinks(False)

        left = QWidget(self)
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search_box)
        box.addWidget(self.count_label)
        box.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("policy_splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 640])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(splitter, 1)
        self._show(QModelIndex())
        self.ops.read(lambda _p: self._fetch(_p), self._loaded)

    def _fetch(self, _progress: QtProgress) -> list[ClauseInfo]:
        return policy_catalog(self.city)

    def refresh(self, changes: Changes) -> None:
        """The built-in catalogs do not change while the program runs."""

    def _loaded(self, clauses: list[ClauseInfo]) -> None:
        self.clauses = clauses
        self.loaded = True
        self._search(self.search_box.text())

    # --- the tree -------------------------------------------------------------------------

    def _search(self, text: str) -> None:
        if not self.loaded:
            return
        hits = [i for i, c in enumerate(self.clauses) if matches(c, text)] if text.strip() else None
        self._build(hits)
        shown = len(hits) if hits is not None else len(self.clauses)
        if hits is None:
            self.count_label.setText(self.tr("两市共 {n} 个条款").format(n=shown))
        elif shown:
            self.count_label.setText(self.tr("找到 {n} 个条款").format(n=shown))
        else:
            self.count_label.setText(self.tr("没有符合“{t}”的条款").format(t=text.strip()))

    def _build(self, hits: list[int] | None) -> None:
        self.model.clear()
        cities: dict[str, QStandardItem] = {}
        articles: dict[tuple[str, str], QStandardItem] = {}
        first: QStandardItem | None = None
        wanted = set(hits) if hits is not None else None
        for i, c in enumerate(self.clauses):
            if wanted is not None and i not in wanted:
                continue
            doc = c.document
            city = cities.get(doc.city)
            if city is None:
                city = QStandardItem(f"{doc.city_name}　{doc.doc_number}")
                city.setToolTip(f"{doc.title}（{doc.doc_number}）")
                font = city.font()
                font.setBold(True)
                city.setFont(font)
                cities[doc.city] = city
                self.model.appendRow(city)
            article = articles.get((doc.city, c.article))
            if article is None:
                article = QStandardItem(article_heading(doc.city, c.article))
                article.setToolTip(article.text())
                articles[(doc.city, c.article)] = article
                city.appendRow(article)
            item = QStandardItem(c.title)
            item.setData(i, CLAUSE_ROLE)
            item.setToolTip(f"{c.form_label}：{c.quote}\n条款编号：{c.clause_id}")
            if not c.cash:
                item.setForeground(QBrush(QColor(NON_CASH_COLOUR)))
            article.appendRow(item)
            if first is None:
                first = item
        if hits is not None:
            self.tree.expandAll()
        else:
            for city in cities.values():
                self.tree.expand(city.index())
        if first is not None and hits is not None:
            self.tree.setCurrentIndex(first.index())
        elif first is None:
            self._show(QModelIndex())

    def select_clause(self, clause_id: str) -> bool:
        """Show one clause (clearing a search that hides it); False when no such clause."""
        for row in range(self.model.rowCount()):
            for item in self._clause_items(self.model.item(row)):
                if self.clauses[item.data(CLAUSE_ROLE)].clause_id == clause_id:
                    self.tree.setCurrentIndex(item.index())
                    self.tree.scrollTo(item.index())
                    return True
        if self.search_box.text():
            self.search_box.clear()
            return self.select_clause(clause_id)
        return False

    def _clause_items(self, parent: QStandardItem) -> list[QStandardItem]:
        out = []
        for r in range(parent.rowCount()):
            child = parent.child(r)
            if child.data(CLAUSE_ROLE) is not None:
                out.append(child)
            out.extend(self._clause_items(child))
        return out

    def visible_clause_ids(self) -> list[str]:
        return [
            self.clauses[item.data(CLAUSE_ROLE)].clause_id
            for row in range(self.model.rowCount())
            for item in self._clause_items(self.model.item(row))
        ]

    # --- the detail -----------------------------------------------------------------------

    def _show(self, index: QModelIndex) -> None:
        i = index.data(CLAUSE_ROLE) if index.isValid() else None
        if i is None:
            self.detail.setHtml(
                "<p style='color:#666'>"
                + self.tr("选择左侧的条款，查看原文、金额与上限、支持方式和本系统口径。")
                + "</p>"
            )
            return
        self.detail.setHtml(clause_html(self.clauses[i]))


def clause_html(c: ClauseInfo) -> str:
    doc = c.document
    dates = f"{doc.issued.isoformat()} 印发，{doc.effective.isoformat()} 起施行"
    if doc.superseded:
        dates += f"，{doc.superseded.isoformat()} 起被新文件取代"
    facts: list[tuple[str, str]] = [
        ("条目", c.article),
        ("形式", c.form_label + ("" if c.cash else "（不从本政策资金拨付）")),
        ("受益对象", c.beneficiary),
    ]
    if c.trigger:
        facts.append(("触发条件", c.trigger))
    facts.extend(c.terms)
    if c.payment_wording:
        facts.append(("支持方式", c.payment_tip or c.payment_wording))
    facts.append(("不重复组", c.exclusion_group or "无（可与其他条款同时享受）"))
    facts.append(("享受次数", c.repeat))
    rows = "".join(
        f"<tr><td style='color:#666; padding:2px 12px 2px 0; white-space:nowrap'>{escape(k)}</td>"
        f"<td style='padding:2px 0'>{escape(v)}</td></tr>"
        for k, v in facts
        if v
    )
    readings = "".join(reading_html(r) for r in c.readings) or "<p style='color:#666'>无</p>"
    return (
        f"<h2 style='margin:0'>{escape(c.clause_id)}　{escape(c.title)}</h2>"
        f"<p style='margin:4px 0; color:#555'>{escape(doc.title)}"
        f"（{escape(doc.doc_number)}），{escape(dates)}</p>"
        f"<table style='margin:8px 0'>{rows}</table>"
        "<p style='margin:10px 0 2px 0'><b>政策原文</b></p>"
        + quote_html(c.quote)
        + "<p style='margin:10px 0 2px 0; color:#44607a'><b>本系统口径</b></p>"
        + readings
    )
