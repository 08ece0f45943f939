"""The 总览 page: this year's money, what is due, what expires, the commitments ahead, the targets.

Reads three services in one background call: the year plan (planned / approved / paid),
the reminders (fund receipts due and overdue, recognitions expiring within 90 days,
instalments not yet approved) and the commitments of the next five years, drawn as a bar
chart with QtCharts. For 乌海, the 2025 targets are shown as progress bars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QCategoryAxis, QChart, QChartView
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsSimpleTextItem,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import format_wan
from kjdesk.services.core.app import App, Changes
from kjdesk.services.disbursement import deadlines
from kjdesk.services.disbursement.budgets import BudgetStatus, budget_status
from kjdesk.services.disbursement.deadlines import Reminders
from kjdesk.services.disbursement.indicators import TargetProgress, target_progress
from kjdesk.services.disbursement.pending import pending_counts
from kjdesk.services.disbursement.plan import CommitmentRow, YearPlan, commitments, year_plan
from kjdesk.ui.pages.plan.dialogs import ReceiptDialog
from kjdesk.ui.workers import Hub, QtProgress

YEARS_AHEAD = 5


@dataclass(frozen=True)
class OverviewData:
    year: int
    plan: YearPlan
    reminders: Reminders
    commitments: list[CommitmentRow]
    targets: list[TargetProgress]
    pending: dict[int | None, int] = field(default_factory=dict)  # 待录入金额 per year
    budget: BudgetStatus | None = None


def _card(parent: QWidget, title: str, name: str) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame(parent)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    frame.setStyleSheet("QFrame { background: #f7f8fa; border-radius: 6px; }")
    layout = QVBoxLayout(frame)
    caption = QLabel(title, frame)
    caption.setStyleSheet("color:#555;")
    value = QLabel("—", frame)
    value.setObjectName(name)
    value.setStyleSheet("font-size: 20px; font-weight: bold; color:#1f3b63;")
    sub = QLabel("", frame)
    sub.setObjectName(name + "_sub")
    sub.setStyleSheet("color:#777;")
    layout.addWidget(caption)
    layout.addWidget(value)
    layout.addWidget(sub)
    return frame, value, sub


def nice_step(top: float, ticks: int = 5) -> int:
    """A whole step of 1, 2 or 5 × 10ⁿ so that ``ticks`` steps cover ``top`` (never 0.5 万元)."""
    raw = max(top, 1.0) / ticks
    power = 1
    while power * 10 <= raw:
        power *= 10
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def money_axis(top: float) -> QCategoryAxis:
    """The 万元 axis: whole ticks labelled with thousands separators (0, 5,000, 10,000 …)."""
    step = nice_step(top * 1.1)
    count = max(1, -(-int(top * 1.1 * 100) // (step * 100)))
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(0, step * count)
    axis.setStartValue(0)
    for i in range(count + 1):
        axis.append(f"{i * step:,}", i * step)
    return axis


class BarValueLabels:
    """The amount above each bar as officers read it ("17,195.00" 万元), kept in place when the
    chart is resized (QtCharts' own labels print "17195", without separators or decimals)."""

    def __init__(self, chart: QChart) -> None:
        self.chart = chart
        self.items: list[QGraphicsSimpleTextItem] = []
        self.points: list[tuple[float, float]] = []
        self.series: QBarSeries | None = None
        chart.plotAreaChanged.connect(lambda _r: self.place())

    def show(self, series: QBarSeries, values_fen: list[int]) -> None:
        for item in self.items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.items, self.points, self.series = [], [], series
        for i, fen in enumerate(values_fen):
            if not fen:
                continue  # no label on an empty year
            item = QGraphicsSimpleTextItem(format_wan(fen, places=2), self.chart)
            item.setBrush(QColor("#1f3b63"))
            item.setToolTip(f"{format_wan(fen, places=2)} 万元")
            self.items.append(item)
            self.points.append((float(i), fen / 1_000_000))
        self.place()

    def texts(self) -> list[str]:
        return [item.text() for item in self.items]

    def place(self) -> None:
        if self.series is None:
            return
        for item, (x, y) in zip(self.items, self.points, strict=True):
            top = self.chart.mapToPosition(QPointF(x, y), self.series)
            box = item.boundingRect()
            item.setPos(top.x() - box.width() / 2, top.y() - box.height() - 2)


class OverviewPage(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False
        self.data: OverviewData | None = None

        cards = QHBoxLayout()
        self.values: dict[str, tuple[QLabel, QLabel]] = {}
        for key, title in (
            ("planned", "本年计划（万元）"),
            ("approved", "已审批（万元）"),
            ("paid", "已拨付（万元）"),
            ("waiting", "本年尚未审批"),
            ("pending", "待决定金额（待录入）"),
        ):
            frame, value, sub = _card(self, self.tr(title), key)
            self.values[key] = (value, sub)
            cards.addWidget(frame)

        self.deadline_list = QListWidget(self)
        self.deadline_list.setObjectName("deadlines")
        self.expiring_list = QListWidget(self)
        self.expiring_list.setObjectName("expiring")
        receipt_button = QPushButton(self.tr("登记收到的资金指标…"), self)
        receipt_button.setObjectName("add_receipt")
        receipt_button.setToolTip(
            self.tr("上级科技资金支付指标：到期日为收到后第 30 个法定工作日（第（二十一）条）")
        )
        receipt_button.clicked.connect(self.add_receipt)
        due_box = QGroupBox(self.tr("资金指标下达期限（30个工作日）"), self)
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.deadline_list)
        calendar_button = QPushButton(self.tr("工作日历…"), self)
        calendar_button.setObjectName("calendar")
        calendar_button.setToolTip(self.tr("录入内置日历未覆盖年度的法定节假日和调休上班日期"))
        calendar_button.clicked.connect(self.open_calendar)
        due_buttons = QHBoxLayout()
        due_buttons.addStretch(1)
        due_buttons.addWidget(calendar_button)
        due_buttons.addWidget(receipt_button)
        due_layout.addLayout(due_buttons)
        self.expiring_box = QGroupBox(self.tr("90 天内到期的认定"), self)
        QVBoxLayout(self.expiring_box).addWidget(self.expiring_list)

        self.chart = QChart()
        self.chart.setTitle(self.tr("今后五年已承诺资金（万元）"))
        self.chart.legend().setVisible(False)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setObjectName("commitments_chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.bar_labels = BarValueLabels(self.chart)

        self.targets_box = QGroupBox(self.tr("2025 年目标完成情况（乌海政发〔2021〕21号）"), self)
        self.targets_box.setObjectName("targets")
        self.targets_layout = QGridLayout(self.targets_box)
        self.targets_box.setVisible(False)
        self.targets_button = QPushButton(self.tr("目标详情…"), self.targets_box)
        self.targets_button.hide()  # shown under the targets, for 乌海 only
        self.targets_button.setObjectName("target_details")
        self.targets_button.setToolTip(self.tr("2021 年基线、2021—2025 年逐年数值、计入的单位名单和说明"))
        self.targets_button.clicked.connect(self.open_targets)
        self.bars: dict[str, QProgressBar] = {}
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setStyleSheet("color:#2e6b3a;")
        self.budget_label = QLabel(self)
        self.budget_label.setObjectName("budget")
        self.budget_label.setWordWrap(True)

        lists = QHBoxLayout()
        lists.addWidget(due_box, 1)
        lists.addWidget(self.expiring_box, 1)
        # the page scrolls rather than make the window taller than a 1280×800 screen (乌海's
        # targets below the chart)
        inner = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setObjectName("overview_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(cards)
        layout.addWidget(self.budget_label)
        layout.addWidget(self.notice)
        layout.addLayout(lists, 1)
        layout.addWidget(self.chart_view, 1)
        layout.addWidget(self.targets_box)
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    def refresh(self, changes: Changes) -> None:
        if (
            changes.instalments
            or changes.entitlements
            or changes.recognitions
            or changes.units
            or changes.platforms
        ):
            self.reload()

    def reload(self, today: date | None = None) -> None:
        app = self.app
        day = today or date.today()

        def fetch(_p: QtProgress) -> OverviewData:
            plan = year_plan(app, day.year)  # its rows serve the reminders too: read once
            return OverviewData(
                day.year,
                plan,
                deadlines.reminders(app, day, plan.rows),
                commitments(app, day.year, YEARS_AHEAD),
                target_progress(app, day),
                pending_counts(app),
                budget_status(app, day.year, plan.rows),
            )

        self.ops.read(fetch, self._loaded)

    def _loaded(self, data: OverviewData) -> None:
        self.data = data
        plan, rem = data.plan, data.reminders
        live = [r for r in plan.rows if r.state != "cancelled"]
        self._set("planned", format_wan(plan.total_fen, places=2), f"{len(live)} 笔")
        approved = [r for r in live if r.state in ("approved", "paid")]
        self._set("approved", format_wan(plan.approved_fen, places=2), f"{len(approved)} 笔")
        self._set(
            "paid",
            format_wan(plan.paid_fen, places=2),
            f"尚未拨付 {format_wan(plan.total_fen - plan.paid_fen, places=2)} 万元",
        )
        self._set("waiting", f"{rem.unapproved_count} 笔", f"{format_wan(rem.unapproved_fen, places=2)} 万元")
        this_year = data.pending.get(data.year, 0)
        total = sum(data.pending.values())
        per_year = "，".join(f"{y if y is not None else '未定'}年 {n} 项" for y, n in data.pending.items())
        self._set("pending", f"{total} 项", per_year or "没有待决定的事项")
        self.values["pending"][1].setToolTip(
            self.tr("本年 {n} 项；事项属于其认定的年度，直至决定金额和拨付年度").format(n=this_year)
        )
        self.budget_label.setText(data.budget.total.text() if data.budget is not None else "")
        self._fill_deadlines(rem)
        self._fill_expiring(rem)
        self._draw_chart(data)
        self._show_targets(data.targets)
        self.loaded = True

    def _set(self, key: str, value: str, sub: str) -> None:
        label, sub_label = self.values[key]
        label.setText(value)
        sub_label.setText(sub)

    def _fill_deadlines(self, rem: Reminders) -> None:
        self.deadline_list.clear()
        for r in rem.receipts_overdue:
            self._item(
                self.deadline_list,
                f"已逾期：{r.doc_number}（{r.received_on} 收到）应于 {r.due_on} 前下达",
                "#b03a48",
            )
        for r in rem.receipts_due_soon:
            days = (r.due_on - rem.today).days if r.due_on else 0
            self._item(
                self.deadline_list, f"{days} 天后到期：{r.doc_number} 应于 {r.due_on} 前下达", "#b36b00"
            )
        for r in rem.receipts_unknown:
            year = r.due_note[:4]
            self._item(
                self.deadline_list,
                f"无法计算到期日：{r.doc_number}（{r.received_on} 收到；{year} 年节假日安排尚未录入）",
                "#b36b00",
                r.due_note,
            )
        if self.deadline_list.count() == 0:
            self._item(self.deadline_list, self.tr("没有逾期或即将到期的资金指标"), "#2e6b3a")

    def _fill_expiring(self, rem: Reminders) -> None:
        self.expiring_list.clear()
        for e in rem.expiring:
            text = (
                f"{e.subject_name}：{e.level}{e.type_name}，有效期至 {e.valid_until}（还有 {e.days_left} 天）"
            )
            self._item(self.expiring_list, text, "#b36b00" if e.days_left <= 30 else "#333333")
        if self.expiring_list.count() == 0:
            self._item(self.expiring_list, self.tr("90 天内没有到期的认定"), "#2e6b3a")
        title = self.tr("90 天内到期的认定")
        if rem.expiring:  # a city's 科技型中小企业 can run out by the hundred: say how many
            soon = sum(1 for e in rem.expiring if e.days_left <= 30)
            title += self.tr("（共 {n} 项，其中 30 天内 {soon} 项）").format(n=len(rem.expiring), soon=soon)
        self.expiring_box.setTitle(title)

    @staticmethod
    def _item(widget: QListWidget, text: str, color: str, tip: str = "") -> None:
        item = QListWidgetItem(text)
        item.setForeground(QColor(color))
        item.setToolTip(tip or text)
        widget.addItem(item)

    def _draw_chart(self, data: OverviewData) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        years = list(range(data.year, data.year + YEARS_AHEAD))
        per_year = [sum(c.by_year_fen.get(y, 0) for c in data.commitments) for y in years]
        bars = QBarSet(self.tr("已承诺"))
        bars.setColor(QColor("#3d6fa8"))
        values = [round(fen / 1_000_000, 2) for fen in per_year]  # 万元, two decimals
        for value in values:
            bars.append(value)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(False)  # drawn by BarValueLabels, with separators and two decimals
        self.chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append([f"{y}年" for y in years])
        y_axis = money_axis(max(values, default=0.0))
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y_axis)
        self.chart_per_year = dict(zip(years, per_year, strict=True))
        self.bar_labels.show(series, per_year)

    def _show_targets(self, targets: list[TargetProgress]) -> None:
        self.targets_box.setVisible(bool(targets))
        while self.targets_layout.count():
            item = self.targets_layout.takeAt(0)
            if item.widget() is not None and item.widget() is not self.targets_button:
                item.widget().deleteLater()
        self.bars = {}
        for row, t in enumerate(targets):
            label = QLabel(f"{t.article}{t.metric}（{t.target_text}）", self.targets_box)
            self.targets_layout.addWidget(label, row, 0)
            if t.current is None or not t.minimum:
                status = QLabel(self.tr("定性目标"), self.targets_box)
                status.setStyleSheet("color:#777;")
                self.targets_layout.addWidget(status, row, 1)
                continue
            bar = QProgressBar(self.targets_box)
            bar.setObjectName(t.id)
            bar.setRange(0, t.minimum)
            bar.setValue(min(t.current, t.minimum))
            bar.setFormat(f"{t.current} / {t.minimum} 家（{t.current * 100 // t.minimum}%）")
            bar.setToolTip(t.note)
            self.targets_layout.addWidget(bar, row, 1)
            self.bars[t.id] = bar
        self.targets_layout.setColumnStretch(1, 1)
        if targets:
            self.targets_layout.addWidget(self.targets_button, len(targets), 1, Qt.AlignmentFlag.AlignRight)
            self.targets_button.show()

    # --- actions ------------------------------------------------------------------------------

    def add_receipt(self) -> None:
        dialog = ReceiptDialog(self)
        app = self.app

        def go() -> None:
            self.ops.write(
                lambda _p: deadlines.add_receipt(
                    app, dialog.received_on, dialog.amount_fen, dialog.doc, dialog.stage
                ),
                self._receipt_added,
            )

        dialog.accepted.connect(go)
        dialog.open()

    def open_targets(self) -> None:
        from kjdesk.ui.pages.overview.targets_dialog import TargetsDialog

        dialog = TargetsDialog(self.app, self.ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_calendar(self) -> None:
        from kjdesk.ui.pages.plan.calendar_dialog import CalendarDialog

        dialog = CalendarDialog(self.app, self.hub, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()

    def _receipt_added(self, r: deadlines.ReceiptRow) -> None:
        if r.due_on is None:
            self.notice.setText(f"已登记指标 {r.doc_number}。{r.due_note}")
        else:
            self.notice.setText(f"已登记指标 {r.doc_number}：应于 {r.due_on} 前下达（30个工作日）")
