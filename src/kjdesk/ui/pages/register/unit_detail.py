"""The detail panel of the 单位 page: the selected unit, its platforms, people and recognitions."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib.util import find_spec

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App
from kjdesk.services.register.conditions import describe as describe_conditions
from kjdesk.services.register.tables import UnitDetail, unit_detail
from kjdesk.ui.pages.register.eligibility_view import EligibilityView
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

PLATFORM_COLUMNS = [
    Column(1, "平台名称", width=200),
    Column(2, "类型", width=140),
    Column(3, "级别", width=60),
]
PERSON_COLUMNS = [
    Column(1, "姓名", width=80),
    Column(2, "身份证号", "已遮盖，仅显示前 6 位和后 4 位", width=170),
    Column(5, "身份", width=90),
    Column(6, "电话", width=110),
]
RECOGNITION_COLUMNS = [
    Column(2, "主体", "单位本身、其平台或其人员", width=160),
    Column(4, "认定", width=180),
    Column(5, "日期", width=90),
    Column(8, "状态", width=50),
    Column(6, "文号", width=160),
    Column(10, "证书编号", width=140),
]
ENTITLEMENT_COLUMNS = [
    Column(1, "条款", width=150),
    Column(2, "年度", width=50),
    Column(3, "金额（元）", align_right=True, width=110),
    Column(4, "状态", width=80),
    Column(5, "进度", width=70),
]


@dataclass(frozen=True)
class DetailData:
    detail: UnitDetail
    entitlements: list[tuple] | None


def unit_entitlements(app: App, unit_id: int) -> list[tuple] | None:
    """Hook for 可享政策: the unit's entitlement lines, or None while that service is missing."""
    if find_spec("kjdesk.services.entitlements.listing") is None:
        return None
    from kjdesk.services.entitlements.listing import list_entitlements

    return [
        (
            line.entitlement_id,
            line.clause_title or line.clause_id,
            line.year or "",
            format_yuan(line.amount_fen or line.total_fen),
            line.status,
            line.state,
        )
        for line in list_entitlements(app, unit_id=unit_id)
    ]


def _load(app: App, unit_id: int) -> DetailData:
    return DetailData(unit_detail(app, unit_id), unit_entitlements(app, unit_id))


class UnitDetailPanel(QWidget):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.ops = app, hub.ops
        self.unit_id: int | None = None
        self.header = QLabel(self)
        self.header.setObjectName("detail_header")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget(self)
        self.models: dict[str, RowTableModel] = {}
        for key, title, columns in (
            ("platforms", "平台", PLATFORM_COLUMNS),
            ("people", "人员", PERSON_COLUMNS),
            ("recognitions", "认定记录", RECOGNITION_COLUMNS),
            ("entitlements", "应享资金", ENTITLEMENT_COLUMNS),
        ):
            model = RowTableModel(columns, self)
            view = make_table_view(model, self, name=f"UnitDetail_{key}")
            view.setObjectName(f"detail_{key}")
            self.models[key] = model
            self.tabs.addTab(view, title)
        self.eligibility = EligibilityView(app, hub, self)  # 可享政策: owed, refused and why, could get
        self.tabs.addTab(self.eligibility, "可享政策")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.show_unit(None)

    def show_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id
        self.eligibility.show_unit(unit_id)
        if unit_id is None:
            self.header.setText(
                "<p style='color:#666'>选择左侧的单位，查看它的平台、人员、认定记录和可享政策。</p>"
            )
            self.tabs.setEnabled(False)
            for model in self.models.values():
                model.set_rows([])
            return
        self.ops.read(lambda _p: _load(self.app, unit_id), lambda data: self._show(unit_id, data))

    def _show(self, unit_id: int, data: DetailData) -> None:
        if unit_id != self.unit_id:  # the officer has moved on to another unit
            return
        u = data.detail.unit
        facts = [
            ("统一社会信用代码", u.credit_code),
            ("旗县区", u.district),
            (
                "类型",
                "，".join(x for x in (u.kind, u.size_class) if x)
                + (f"（{u.size_written}）" if u.size_written else ""),
            ),
            ("行业", u.industry),
            ("联系人", " ".join(x for x in (u.contact, u.phone) if x)),
            ("地址", u.address),
            ("落户", u.registered_from.isoformat() if u.registered_from else ""),
            ("迁出", u.moved_out.isoformat() if u.moved_out else ""),
            ("曾用名", "、".join(u.former_names.splitlines())),
            ("登记条件", describe_conditions(u.conditions)),  # D14: e.g. 纳税地在本市：是
        ]
        rows = "".join(
            f"<tr><td style='color:#666;padding-right:8px'>{escape(k)}</td><td>{escape(v)}</td></tr>"
            for k, v in facts
            if v
        )
        self.header.setText(f"<h3 style='margin:0'>{escape(u.name)}</h3><table>{rows}</table>")
        self.tabs.setEnabled(True)
        parts = {
            "platforms": data.detail.platforms,
            "people": data.detail.people,
            "recognitions": data.detail.recognitions,
            "entitlements": data.entitlements or [],
        }
        for n, (key, rows_) in enumerate(parts.items()):
            self.models[key].set_rows(rows_)
            title = self.tabs.tabText(n).split(" ")[0]
            self.tabs.setTabText(n, f"{title} {len(rows_)}")
        self.tabs.setTabVisible(3, data.entitlements is not None)
