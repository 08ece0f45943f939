"""The 人员 page: technology brokers, talents and 科技特派员. 身份证号 are never shown whole."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from kjdesk.services.core.app import App
from kjdesk.services.register import PersonInput, add_person, delete_person, validate_person
from kjdesk.services.register.tables import (
    PersonRecord,
    person_record,
    person_table,
    unit_choices,
    update_person_keeping_id,
)
from kjdesk.ui.form import ChoicePicker, FormDialog
from kjdesk.ui.pages.register.base import FIRST_PAGE, RegisterPage
from kjdesk.ui.table import Column
from kjdesk.ui.workers import Operations, QtProgress
from kjdesk.validation import PERSON_ROLES


class PersonForm(FormDialog):
    def __init__(
        self, app: App, ops: Operations, record: PersonRecord | None, parent: QWidget | None
    ) -> None:
        super().__init__(ops, "修改人员" if record else "新增人员", parent)
        self.app, self.record = app, record
        self.name = self.add_row("name", "姓名", QLineEdit(), required=True)
        self.id_number = self.add_row(
            "id_number",
            "身份证号",
            QLineEdit(),
            tip="18 位，末位为校验位（GB 11643）；保存后只显示前 6 位和后 4 位",
            required=record is None,
        )
        self.id_number.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        if record is not None:
            self.id_number.setPlaceholderText(f"{record.id_masked}（不修改请留空）")
        self.employer = self.add_row(
            "employer_unit_id", "工作单位", ChoicePicker("输入单位名称或信用代码的一部分")
        )
        self.role = self.add_row("role", "身份", QComboBox(), tip="技术经纪人、人才、科技特派员等")
        self.role.setEditable(True)
        self.role.addItems(["", *PERSON_ROLES])
        self.phone = self.add_row("phone", "电话", QLineEdit())
        self.bank_name = self.add_row(
            "bank_name", "开户银行", QLineEdit(), tip="拨付资金的收款银行（拨付明细表列出）"
        )
        self.bank_account = self.add_row(
            "bank_account", "银行账号", QLineEdit(), tip="收款账号；列表中只显示末 4 位"
        )
        self.note = self.add_row("note", "备注", QPlainTextEdit())
        self.note.setFixedHeight(60)
        if record is not None:
            self.name.setText(record.name)
            self.employer.set_value(record.employer_unit_id)
            self.role.setCurrentText(record.role)
            self.phone.setText(record.phone)
            self.bank_name.setText(record.bank_name)
            self.bank_account.setText(record.bank_account)
            self.note.setPlainText(record.note)
        ops.read(lambda _p: unit_choices(app), self._units_loaded)
        self.finish()

    def _units_loaded(self, rows: list[tuple]) -> None:
        self.employer.set_choices(rows)
        self.revalidate()

    def data(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(),
            id_number=self.id_number.text(),
            employer_unit_id=self.employer.value(),
            role=self.role.currentText(),
            phone=self.phone.text(),
            bank_name=self.bank_name.text(),
            bank_account=self.bank_account.text(),
            note=self.note.toPlainText(),
        )

    def check(self) -> dict[str, str]:
        errors = validate_person(self.data())[1]
        if self.record is not None and not self.id_number.text().strip():
            errors.pop("id_number", None)  # kept as stored
        if self.employer.text().strip() and self.employer.value() is None:
            errors["employer_unit_id"] = "没有这个单位：请从下拉列表中选择，或清空"
        return errors

    def save(self, progress: QtProgress) -> object:
        if self.record is None:
            return add_person(self.app, self.data())
        return update_person_keeping_id(self.app, self.record.id, self.data())


class PeoplePage(RegisterPage):
    noun = "人员"
    watches = ("units", "people", "recognitions")
    first_page = FIRST_PAGE
    filter_hint = "筛选：姓名、工作单位或旗县区"
    empty_text = "还没有登记人员。\n\n技术经纪人、人才、科技特派员等可以逐个新增，也可以导入人员名录。身份证号只显示前 6 位和后 4 位。"
    columns = [
        Column(1, "姓名", width=100, searchable=True),
        Column(2, "身份证号", "已遮盖：只显示前 6 位和后 4 位", width=170),
        Column(3, "工作单位", width=240, searchable=True),
        Column(4, "旗县区", "工作单位所在的旗县区", width=150, searchable=True),
        Column(5, "身份", "技术经纪人、人才、科技特派员等", width=100, searchable=True),
        Column(6, "电话", width=120),
        Column(7, "银行账号", "只显示末 4 位", width=150),
    ]

    def empty_actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [(self.tr("导入名录"), self.hub.sig_request_import.emit), (self.tr("新增人员"), self.add_new)]

    def fetch(self, progress: QtProgress) -> list[tuple]:
        return person_table(self.app)

    def fetch_first(self, progress: QtProgress, limit: int) -> list[tuple]:
        return person_table(self.app, limit=limit)

    def load_record(self, row_id: int) -> PersonRecord:
        return person_record(self.app, row_id)

    def make_form(self, record: PersonRecord | None) -> QWidget:
        return PersonForm(self.app, self.ops, record, self)

    def delete_call(self, row_id: int) -> Callable[[QtProgress], None]:
        return lambda _p: delete_person(self.app, row_id)
