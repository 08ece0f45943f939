"""The 单位 page: the unit register, its form, and the detail of the selected unit."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QWidget

from kjdesk.services.core.app import App
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.register import (
    UnitInput,
    UnitRow,
    add_unit,
    delete_unit,
    get_unit,
    update_unit,
    validate_unit,
)
from kjdesk.services.register.conditions import UNIT_ATTRIBUTES
from kjdesk.services.register.tables import unit_table
from kjdesk.ui.form import DateField, FormDialog
from kjdesk.ui.pages.register.base import FIRST_PAGE, RegisterPage
from kjdesk.ui.pages.register.condition_fields import ConditionFields
from kjdesk.ui.pages.register.unit_detail import UnitDetailPanel
from kjdesk.ui.table import Column
from kjdesk.ui.workers import Hub, Operations, QtProgress
from kjdesk.validation import SIZE_CLASSES, UNIT_KINDS, districts_of


class UnitForm(FormDialog):
    def __init__(
        self, app: App, ops: Operations, city: str, unit: UnitRow | None, parent: QWidget | None
    ) -> None:
        super().__init__(ops, "修改单位" if unit else "新增单位", parent)
        self.app, self.city, self.unit = app, city, unit
        self.name = self.add_row("name", "单位名称", QLineEdit(), required=True)
        self.credit_code = self.add_row(
            "credit_code",
            "统一社会信用代码",
            QLineEdit(),
            tip="18 位，末位为校验位（GB 32100-2015）；大小写、全角均可",
            required=True,
        )
        self.credit_code.setMaxLength(30)
        self.district = self.add_row("district", "旗县区", QComboBox(), required=True)
        self.district.addItems(["", *districts_of(city)])
        self.kind = self.add_row("kind", "单位类型", QComboBox())
        self.kind.addItems(list(UNIT_KINDS))
        self.size_class = self.add_row(
            "size_class", "企业规模", QComboBox(), tip="小微企业与其他企业适用不同的补助比例或上限"
        )
        self.size_class.addItems(["", *SIZE_CLASSES])
        self.industry = self.add_row(
            "industry", "所属行业", QLineEdit(), tip="所属行业或技术领域（如 生物医药、电子新材料）"
        )
        self.address = self.add_row("address", "地址", QLineEdit())
        self.contact = self.add_row("contact", "联系人", QLineEdit())
        self.phone = self.add_row("phone", "电话", QLineEdit())
        self.bank_name = self.add_row(
            "bank_name", "开户银行", QLineEdit(), tip="拨付资金的收款银行（拨付明细表列出）"
        )
        self.bank_account = self.add_row(
            "bank_account", "银行账号", QLineEdit(), tip="收款账号；列表中只显示末 4 位"
        )
        self.registered_from = self.add_row(
            "registered_from", "落户日期", DateField(), tip="在本市注册或落户的日期（整体迁入企业需要）"
        )
        self.moved_out = self.add_row(
            "moved_out", "迁出日期", DateField(), tip="迁出本市的日期；迁出后不再享受本市政策"
        )
        self.note = self.add_row("note", "备注", QPlainTextEdit())
        self.note.setFixedHeight(60)
        self.conditions = ConditionFields(self, UNIT_ATTRIBUTES)  # D14
        if unit is not None:
            self._fill(unit)
        self.finish()

    def _fill(self, u: UnitRow) -> None:
        self.name.setText(u.name)
        self.credit_code.setText(u.credit_code)
        self.district.setCurrentText(u.district)
        self.kind.setCurrentText(u.kind)
        self.size_class.setCurrentText(u.size_class)
        self.industry.setText(u.industry)
        self.address.setText(u.address)
        self.contact.setText(u.contact)
        self.phone.setText(u.phone)
        self.bank_name.setText(u.bank_name)
        self.bank_account.setText(u.bank_account)
        self.registered_from.set_value(u.registered_from)
        self.moved_out.set_value(u.moved_out)
        self.note.setPlainText(u.note)
        self.conditions.set_text(u.conditions)

    def data(self) -> UnitInput:
        return UnitInput(
            name=self.name.text(),
            credit_code=self.credit_code.text(),
            district=self.district.currentText(),
            kind=self.kind.currentText(),
            size_class=self.size_class.currentText(),
            industry=self.industry.text(),
            address=self.address.text(),
            contact=self.contact.text(),
            phone=self.phone.text(),
            bank_name=self.bank_name.text(),
            bank_account=self.bank_account.text(),
            registered_from=self.registered_from.value(),
            moved_out=self.moved_out.value(),
            note=self.note.toPlainText(),
            conditions=self.conditions.text(),
        )

    def check(self) -> dict[str, str]:
        return validate_unit(self.data(), self.city)[1]

    def save(self, progress: QtProgress) -> UnitRow:
        data = self.data()
        if self.unit is None:
            return add_unit(self.app, data)
        return update_unit(self.app, self.unit.id, data)


class UnitsPage(RegisterPage):
    noun = "单位"
    watches = ("units", "platforms", "people", "recognitions", "entitlements")
    first_page = FIRST_PAGE
    empty_text = "单位名录还是空的。\n\n可以从 Excel 名录批量导入（先下载模板照着填写），也可以逐个新增单位。"
    columns = [
        Column(1, "单位名称", width=260, searchable=True),
        Column(2, "统一社会信用代码", "18 位，末位为校验位", width=170, searchable=True),
        Column(3, "旗县区", width=150, searchable=True),
        Column(4, "单位类型", "企业、高校院所、园区、服务机构或其他"),
        Column(5, "企业规模", "小微企业或其他企业：部分条款按规模适用不同比例"),
        Column(6, "所属行业", width=110),
        Column(7, "联系人"),
        Column(8, "电话", width=110),
        Column(9, "银行账号", "只显示末 4 位", width=150),
    ]

    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        self.city = require_bureau(app).city
        super().__init__(app, hub, parent)

    def body(self) -> QWidget:
        self.detail = UnitDetailPanel(self.app, self.hub, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("units_splitter")
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 480])
        splitter.setChildrenCollapsible(False)
        return splitter

    def extra_buttons(self) -> list[QPushButton]:
        button = QPushButton(self.tr("导入名录"), self)
        button.setObjectName("import")
        button.setToolTip("Ctrl+I")
        button.clicked.connect(self.hub.sig_request_import.emit)
        return [button]

    def empty_actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            (self.tr("导入名录"), self.hub.sig_request_import.emit),
            (self.tr("新增单位"), self.add_new),
            (self.tr("下载模板"), partial(self.hub.sig_request_template.emit, "units")),
        ]

    def fetch(self, progress: QtProgress) -> list[tuple]:
        return unit_table(self.app)

    def fetch_first(self, progress: QtProgress, limit: int) -> list[tuple]:
        return unit_table(self.app, limit=limit)

    def load_record(self, row_id: int) -> UnitRow:
        return get_unit(self.app, row_id)

    def make_form(self, record: UnitRow | None) -> QWidget:
        return UnitForm(self.app, self.ops, self.city, record, self)

    def delete_call(self, row_id: int) -> Callable[[QtProgress], None]:
        return lambda _p: delete_unit(self.app, row_id)

    def selection_changed(self, row: tuple | None) -> None:
        if hasattr(self, "detail"):
            self.detail.show_unit(row[0] if row else None)
