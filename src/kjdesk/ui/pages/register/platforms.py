"""The 平台 page: innovation platforms and carriers, each hosted by a unit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App
from kjdesk.services.register import (
    PlatformInput,
    add_platform,
    delete_platform,
    update_platform,
    validate_platform,
)
from kjdesk.services.register.tables import platform_record, platform_table, unit_choices
from kjdesk.ui.form import ChoicePicker, FormDialog
from kjdesk.ui.pages.register.base import FIRST_PAGE, RegisterPage
from kjdesk.ui.table import Column
from kjdesk.ui.workers import Operations, QtProgress

LEVEL_LABELS = {"国家": "国家级", "自治区": "自治区级", "市级": "市级", "": "不分级"}


def fill_levels(combo: QComboBox, levels: tuple[str, ...]) -> None:
    """Fill a level combo with the levels a recognition type has (data = stored value)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if len(levels) != 1:
        combo.addItem("", None)
    for level in levels:
        combo.addItem(LEVEL_LABELS.get(str(level), str(level)), str(level))
    index = combo.findData(current)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    combo.currentTextChanged.emit(combo.currentText())


class PlatformForm(FormDialog):
    def __init__(
        self,
        app: App,
        ops: Operations,
        platform_id: int | None,
        record: PlatformInput | None,
        parent: QWidget | None,
    ) -> None:
        super().__init__(ops, "修改平台" if record else "新增平台", parent)
        self.app, self.platform_id = app, platform_id
        vocab = builtin_titles()
        self.types = sorted(
            (t for t in vocab.types.values() if t.subject == SubjectKind.PLATFORM), key=lambda t: t.name
        )
        self.name = self.add_row("name", "平台名称", QLineEdit(), required=True)
        self.type_id = self.add_row("type_id", "平台类型", QComboBox(), required=True)
        self.type_id.addItem("", None)
        for t in self.types:
            self.type_id.addItem(t.name, t.id)
        self.level = self.add_row("level", "级别", QComboBox(), required=True)
        self.host = self.add_row(
            "host_unit_id", "依托单位", ChoicePicker("输入单位名称或信用代码的一部分"), required=True
        )
        self.note = self.add_row("note", "备注", QPlainTextEdit())
        self.note.setFixedHeight(60)
        self.type_id.currentIndexChanged.connect(self._type_changed)
        if record is not None:
            self.name.setText(record.name)
            self.type_id.setCurrentIndex(max(self.type_id.findData(record.type_id), 0))
            self._type_changed()
            self.level.setCurrentIndex(max(self.level.findData(record.level), 0))
            self.host.set_value(record.host_unit_id)
            self.note.setPlainText(record.note)
        else:
            self._type_changed()
        ops.read(lambda _p: unit_choices(app), self._units_loaded)
        self.finish()

    def _units_loaded(self, rows: list[tuple]) -> None:
        self.host.set_choices(rows)
        self.revalidate()

    def _type_changed(self) -> None:
        kind = builtin_titles().types.get(self.type_id.currentData() or "")
        fill_levels(self.level, tuple(kind.levels) if kind else ())

    def data(self) -> PlatformInput:
        return PlatformInput(
            name=self.name.text(),
            type_id=self.type_id.currentData() or "",
            level=self.level.currentData() if self.level.currentData() is not None else "?",
            host_unit_id=self.host.value(),
            note=self.note.toPlainText(),
        )

    def check(self) -> dict[str, str]:
        errors = validate_platform(self.data())[1]
        if "host_unit_id" in errors and self.host.text().strip():
            errors["host_unit_id"] = "没有这个单位：请从下拉列表中选择（可输入名称或信用代码的一部分）"
        if self.level.currentData() is None and "type_id" not in errors:
            errors["level"] = "请选择级别"
        return errors

    def save(self, progress: QtProgress) -> object:
        if self.platform_id is None:
            return add_platform(self.app, self.data())
        return update_platform(self.app, self.platform_id, self.data())


class PlatformsPage(RegisterPage):
    noun = "平台"
    watches = ("units", "platforms", "recognitions")
    first_page = FIRST_PAGE
    filter_hint = "筛选：平台名称、依托单位、信用代码或旗县区"
    empty_text = "还没有登记创新平台。\n\n平台（重点实验室、技术创新中心、孵化器、众创空间……）依托某个单位；先登记单位，再新增平台或导入平台名录。"
    columns = [
        Column(1, "平台名称", width=240, searchable=True),
        Column(2, "平台类型", width=190, searchable=True),
        Column(3, "级别", "国家、自治区或市级；不同级别适用不同条款", width=70),
        Column(4, "依托单位", "平台所在的单位；资金拨付给依托单位", width=220, searchable=True),
        Column(5, "信用代码", "依托单位的统一社会信用代码", width=170, searchable=True),
        Column(6, "旗县区", width=150, searchable=True),
        Column(7, "备注"),
    ]

    def empty_actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [(self.tr("导入名录"), self.hub.sig_request_import.emit), (self.tr("新增平台"), self.add_new)]

    def fetch(self, progress: QtProgress) -> list[tuple]:
        return self._labelled(platform_table(self.app))

    def fetch_first(self, progress: QtProgress, limit: int) -> list[tuple]:
        return self._labelled(platform_table(self.app, limit=limit))

    @staticmethod
    def _labelled(rows: list[tuple]) -> list[tuple]:
        return [(*r[:3], LEVEL_LABELS.get(r[3], r[3]), *r[4:]) for r in rows]

    def load_record(self, row_id: int) -> tuple[int, PlatformInput]:
        return row_id, platform_record(self.app, row_id)

    def make_form(self, record: tuple[int, PlatformInput] | None) -> QWidget:
        if record is None:
            return PlatformForm(self.app, self.ops, None, None, self)
        return PlatformForm(self.app, self.ops, record[0], record[1], self)

    def delete_call(self, row_id: int) -> Callable[[QtProgress], None]:
        return lambda _p: delete_platform(self.app, row_id)
