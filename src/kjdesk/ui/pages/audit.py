"""The 审计日志 page: every write with who, when, what, before and after.

Filters by 操作人, 对象, 操作 and date (the query runs in the service); 导出 Excel… writes the
filtered events; 校验审计链 walks the hash chain and names the first event altered or
removed; 备份与恢复… opens the backups dialog, 年度结账… the year-close dialog. 身份证号 in
the values are masked; the selected event is shown field by field below the list.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App, Changes
from kjdesk.services.core.officer_names import officer_names
from kjdesk.services.safety.audit_log import (
    AuditChoices,
    AuditFilter,
    AuditRow,
    ChainBreak,
    audit_choices,
    entity_label,
    export_audit,
    filtered,
    verify_audit,
)
from kjdesk.ui import settings
from kjdesk.ui.dialogs import inform
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

ALL = ""
# row: (id, id, time, actor, action, entity label, object name, words, entity id, before, after)
COLUMNS = [
    Column(1, "编号", width=64),
    Column(2, "时间", width=150),
    Column(3, "操作人", width=90, searchable=True),
    Column(4, "操作", width=100, searchable=True),
    Column(5, "对象", width=90, searchable=True),
    Column(6, "名称", "单位、年度、拨付计划等，按名称", width=260, max_width=260, searchable=True),
    Column(7, "内容", "修改了什么：字段名为中文，金额为元；身份证号已遮盖", width=420, searchable=True),
    Column(8, "对象编号", "技术详情：数据库中的编号", width=90, searchable=True),
    Column(9, "修改前", "技术详情：存档的 JSON；身份证号已遮盖", width=320, searchable=True),
    Column(10, "修改后", "技术详情：存档的 JSON；身份证号已遮盖", width=320, searchable=True),
]
TECHNICAL = (7, 8, 9)  # the view columns shown only with 技术详情


def _qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class AuditPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False
        self._generation = 0
        self.chain: ChainBreak | None = None

        self.officer_box = self._combo("officer", "按操作人筛选")
        self.entity_box = self._combo("entity", "按对象类型筛选")
        self.action_box = self._combo("action", "按操作筛选")
        self.by_date = QCheckBox(self.tr("日期"), self)
        self.by_date.setObjectName("by_date")
        self.by_date.toggled.connect(self._dates_toggled)
        today = QDate.currentDate()
        self.date_from = self._date("date_from", today.addMonths(-1))
        self.date_to = self._date("date_to", today)
        bar = QHBoxLayout()
        for label, w in (
            (self.tr("操作人"), self.officer_box),
            (self.tr("对象"), self.entity_box),
            (self.tr("操作"), self.action_box),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(w)
        bar.addWidget(self.by_date)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至"), self))
        bar.addWidget(self.date_to)
        bar.addStretch(1)

        self.count_label = QLabel(self.tr("正在载入…"), self)
        self.count_label.setObjectName("count")
        self.chain_label = QLabel(self)
        self.chain_label.setObjectName("chain")
        self.verify_button = self._button(
            "verify", "校验审计链", "逐条核对哈希链，指出第一条被改动或删除的事件", self.verify
        )
        self.export_button = self._button(
            "export", "导出 Excel…", "把当前筛选的审计事件导出为 .xlsx", self.export
        )
        self.technical = QCheckBox(self.tr("技术详情"), self)
        self.technical.setObjectName("technical")
        self.technical.setToolTip(self.tr("显示对象编号和存档的原始数据（JSON），供技术人员核对"))
        self.technical.toggled.connect(self._technical_toggled)
        self.backups_button = self._button(
            "backups", "备份与恢复…", "立即备份、查看自动备份、从备份恢复", self.open_backups
        )
        self.years_button = self._button(
            "years", "年度结账…", "关闭年度或重新开启（管理员）", self.open_years
        )
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addWidget(self.chain_label, 1)
        actions.addWidget(self.technical)
        for b in (self.verify_button, self.export_button, self.backups_button, self.years_button):
            actions.addWidget(b)

        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, sortable=False, name="AuditPage")
        self.view.setObjectName("events")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.detail = QTextBrowser(self)
        self.detail.setObjectName("detail")
        self.detail.setPlaceholderText(self.tr("选择一条事件，查看修改前后逐项对照"))
        self._technical_toggled(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("audit_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)
        self._dates_toggled(False)
        self.reload()

    # --- building -------------------------------------------------------------------------

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setToolTip(self.tr(tip))
        box.setMinimumContentsLength(8)
        box.addItem(self.tr("全部"), ALL)
        box.currentIndexChanged.connect(lambda _i: self.reload())
        return box

    def _date(self, name: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value, self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.dateChanged.connect(lambda _d: self.reload())
        return edit

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), self)
        button.setObjectName(name)
        button.setToolTip(self.tr(tip))
        button.clicked.connect(slot)
        return button

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        if self.loaded:
            self.reload()

    # --- loading --------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        dated = self.by_date.isChecked()
        return AuditFilter(
            officer=self.officer_box.currentData() or None,
            entity=self.entity_box.currentData() or None,
            action=self.action_box.currentData() or None,
            date_from=_qdate(self.date_from.date()) if dated else None,
            date_to=_qdate(self.date_to.date()) if dated else None,
        )

    def refresh(self, changes: Changes) -> None:
        self.reload()  # every write adds an audit event

    def reload(self) -> None:
        f = self.current_filter()
        self._generation += 1
        generation = self._generation

        def fetch(_p) -> tuple[list[AuditRow], AuditChoices]:  # noqa: ANN001
            self._names = officer_names(self.app)
            return filtered(self.app, f), audit_choices(self.app)

        def done(result: tuple[list[AuditRow], AuditChoices]) -> None:
            if generation == self._generation:  # an older query finishing late is dropped
                self._loaded(result)

        self.ops.read(fetch, done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.count_label.setText(str(exc))
        self.loaded = True

    def _loaded(self, result: tuple[list[AuditRow], AuditChoices]) -> None:
        rows, choices = result
        names = getattr(self, "_names", {})
        self._fill(self.officer_box, [(names.get(o, o), o) for o in choices.officers])
        self._fill(self.entity_box, [(entity_label(e), e) for e in choices.entities])
        self._fill(self.action_box, [(a, a) for a in choices.actions])
        self.model.set_rows(
            [
                (
                    r.id,
                    r.id,
                    f"{r.at:%Y-%m-%d %H:%M:%S}",
                    r.actor_name or r.actor,
                    r.action,
                    r.entity_label,
                    r.object_name,
                    r.words,
                    r.entity_id,
                    r.before,
                    r.after,
                )
                for r in rows
            ]
        )
        self.count_label.setText(self.tr("共 {n} 条").format(n=len(rows)))
        self.loaded = True

    def _fill(self, box: QComboBox, items: list[tuple[str, str]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr("全部"), ALL)
        for text, value in items:
            box.addItem(text, value)
        index = box.findData(current) if current else 0
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def _show_detail(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            self.detail.clear()
            return
        r = self.model.row_tuple(index.row())
        name = r[6] or r[8]
        head = f"<p><b>#{r[1]}</b>　{escape(r[2])}　{escape(r[3])}　{escape(r[4])}　{escape(r[5])}：{escape(name)}</p>"
        body = words_html(r[5], r[7])
        if self.technical.isChecked():
            body += f"<p style='color:#666'>技术详情：对象编号 {escape(r[8])}</p>" + changes_html(r[9], r[10])
        self.detail.setHtml(head + body)

    def _technical_toggled(self, on: bool) -> None:
        for column in TECHNICAL:
            self.view.setColumnHidden(column, not on)
        self._show_detail()

    # --- actions --------------------------------------------------------------------------

    def verify(self) -> None:
        self.chain_label.setText(self.tr("正在校验…"))
        self.ops.read(lambda _p: verify_audit(self.app), self._verified, label=self.tr("正在校验审计链…"))

    def _verified(self, broken: ChainBreak | None) -> None:
        self.chain = broken
        if broken is None:
            self.chain_label.setText(self.tr("审计链完整：逐条校验通过；资金记录与审计记录一致"))
            self.chain_label.setStyleSheet("color:#2e7d32;")
            return
        more = len(broken.details) - 1
        self.chain_label.setText(
            self.tr("审计链校验未通过：")
            + broken.reason
            + (self.tr("（另有 {n} 处）").format(n=more) if more > 0 else "")
        )
        self.chain_label.setStyleSheet("color:#b00020; font-weight:bold;")
        row = self.model.row_of_id(broken.event_id)
        if row >= 0:
            self.view.selectRow(row)
        inform(
            self, self.tr("审计链校验未通过"), "\n\n".join(broken.details or (broken.reason,)), warning=True
        )

    def export(self) -> None:
        folder = str(settings.get(settings.LAST_FOLDER))
        default = str(Path(folder or Path.home()) / f"审计日志-{date.today():%Y%m%d}.xlsx")
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出审计日志"), default, self.tr("Excel 文件 (*.xlsx)")
        )
        if not name:
            return
        path = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
        settings.put(settings.LAST_FOLDER, str(path.parent))
        f = self.current_filter()
        self.ops.read(
            lambda p: export_audit(self.app, path, f, p),
            lambda n: self._exported(path, n),
            label=self.tr("正在导出审计日志…"),
        )

    def _exported(self, path: Path, n: int) -> None:
        self.last_export = path
        self.count_label.setText(self.tr("已导出 {n} 条到 {p}").format(n=n, p=path.name))

    def open_years(self) -> None:
        from kjdesk.ui.admin.years import YearsDialog

        YearsDialog(self.app, self.hub, self).open()

    def open_backups(self) -> None:
        from kjdesk.ui.admin.backups import BackupsDialog

        dialog = BackupsDialog(self.app, self.hub, self)
        dialog.open()


def words_html(entity: str, words: str) -> str:
    """What changed, one line per field, as the 内容 column says it."""
    if not words:
        return "<p>（无字段变化）</p>"
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in words.split("；")) + "</ul>"


def _parse(text: str) -> object:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _value(v: object) -> str:
    if v is None or v == "":
        return "（空）"
    return escape(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))


def changes_html(before: str, after: str) -> str:
    """Before and after side by side, one line per field; changed fields in bold."""
    old, new = _parse(before), _parse(after)
    if isinstance(old, dict) or isinstance(new, dict):
        old_d = old if isinstance(old, dict) else {}
        new_d = new if isinstance(new, dict) else {}
        rows = []
        for key in sorted(set(old_d) | set(new_d)):
            a, b = old_d.get(key), new_d.get(key)
            changed = isinstance(old, dict) and isinstance(new, dict) and a != b  # an edit, not an add
            style = " style='font-weight:bold;color:#b03a48'" if changed else ""
            rows.append(f"<tr{style}><td>{escape(key)}</td><td>{_value(a)}</td><td>{_value(b)}</td></tr>")
        return (
            "<table cellspacing='0' cellpadding='3' border='1'><tr><th>字段</th><th>修改前</th><th>修改后</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    return f"<p>修改前：{_value(old)}</p><p>修改后：{_value(new)}</p>"
