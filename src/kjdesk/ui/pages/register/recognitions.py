"""The 认定记录 page: who was recognised as what, when, under which 文号, and until when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kjdesk.policy.model import SubjectKind
from kjdesk.policy.titles import builtin_titles
from kjdesk.services.core.app import App
from kjdesk.services.register.conditions import RECOGNITION_ATTRIBUTES, attributes_for_type
from kjdesk.services.register.records import (
    STATUSES,
    RecognitionInput,
    add_recognition,
    delete_recognition,
    update_recognition,
    validate_recognition,
)
from kjdesk.services.register.tables import (
    RecognitionFormValues,
    person_choices,
    platform_choices,
    recognition_record,
    recognition_table,
    unit_choices,
)
from kjdesk.ui.form import ChoicePicker, DateField, FormDialog
from kjdesk.ui.pages.register.base import FIRST_PAGE, RegisterPage
from kjdesk.ui.pages.register.condition_fields import ConditionFields
from kjdesk.ui.pages.register.evidence_dialog import EvidenceDialog
from kjdesk.ui.pages.register.platforms import fill_levels
from kjdesk.ui.table import Column
from kjdesk.ui.workers import Operations, QtProgress

SUBJECT_LABELS = {SubjectKind.UNIT: "单位", SubjectKind.PLATFORM: "平台", SubjectKind.PERSON: "人员"}
STAGE_LABELS = {"": "（无）"}


@dataclass(frozen=True)
class SubjectChoices:
    units: list[tuple]
    platforms: list[tuple]
    people: list[tuple]


def load_choices(app: App) -> SubjectChoices:
    return SubjectChoices(unit_choices(app), platform_choices(app), person_choices(app))


class RecognitionForm(FormDialog):
    def __init__(
        self, app: App, ops: Operations, record: RecognitionFormValues | None, parent: QWidget | None
    ) -> None:
        super().__init__(ops, "修改认定记录" if record else "新增认定记录", parent)
        self.app, self.record = app, record
        self.choices: SubjectChoices | None = None
        self.subject_kind = self.add_row("subject_kind", "对象类型", QComboBox(), required=True)
        for kind, label in SUBJECT_LABELS.items():
            self.subject_kind.addItem(label, kind.value)
        self.subject = self.add_row(
            "subject_id", "认定对象", ChoicePicker("输入名称、信用代码的一部分"), required=True
        )
        self.type_id = self.add_row("type_id", "认定类型", QComboBox(), required=True)
        self.level = self.add_row("level", "级别", QComboBox(), required=True)
        self.stage = self.add_row(
            "stage", "阶段", QComboBox(), tip="培育、考核优秀、续签等；普通认定选“（无）”"
        )
        self.date = self.add_row("date", "认定日期", DateField(optional=False), required=True)
        self.doc_number = self.add_row(
            "doc_number", "文号", QLineEdit(), tip="认定文件的文号，如 内科发〔2023〕12号"
        )
        self.cert_number = self.add_row(
            "cert_number", "证书编号", QLineEdit(), tip="高新技术企业证书编号、科技型中小企业入库登记编号等"
        )
        self.valid_until = self.add_row(
            "valid_until",
            "有效期至",
            DateField(),
            tip="留空时按认定类型的有效期自动计算（如高新技术企业 3 年）",
        )
        self.status = self.add_row(
            "status", "状态", QComboBox(), tip="撤销、过期、迁出的认定不再产生新的应享资金"
        )
        self.status.addItems(list(STATUSES))
        self.status_date = self.add_row("status_date", "状态日期", DateField(), tip="撤销、过期或迁出的日期")
        self.first_year = self.add_row(
            "first_year", "首次拨付年度", QSpinBox(), tip="只能推后；留 0 表示按认定年度"
        )
        self.first_year.setRange(0, 2100)
        self.first_year.setSpecialValueText("按认定年度")
        self.evidence = self.add_row("evidence", "证明材料", QLineEdit(), tip="证明这项认定或成果的材料")
        self.note = self.add_row("note", "备注", QPlainTextEdit())
        self.note.setFixedHeight(50)
        self.conditions = ConditionFields(self, RECOGNITION_ATTRIBUTES)  # D14, shown by type
        self.first_year.valueChanged.connect(lambda *_: self._touch("first_year"))
        self.subject_kind.currentIndexChanged.connect(self._kind_changed)
        self.type_id.currentIndexChanged.connect(self._type_changed)
        if record is not None:
            self.subject_kind.setCurrentIndex(max(self.subject_kind.findData(record.subject_kind), 0))
        self._kind_changed()
        if record is not None:
            self._fill(record)
        ops.read(lambda _p: load_choices(app), self._choices_loaded)
        self.finish()

    def _touch(self, name: str) -> None:
        if not self._ready:
            return
        self._touched.add(name)
        self.revalidate()

    def _fill(self, r: RecognitionFormValues) -> None:
        self.type_id.setCurrentIndex(max(self.type_id.findData(r.type_id), 0))
        self._type_changed()
        self.level.setCurrentIndex(max(self.level.findData(r.level), 0))
        self.stage.setCurrentIndex(max(self.stage.findData(r.stage), 0))
        self.date.set_value(r.date)
        self.doc_number.setText(r.doc_number)
        self.cert_number.setText(r.cert_number)
        self.valid_until.set_value(r.valid_until)
        self.status.setCurrentText(r.status)
        self.status_date.set_value(r.status_date)
        self.first_year.setValue(r.first_year or 0)
        self.evidence.setText(r.evidence)
        self.note.setPlainText(r.note)
        self.conditions.set_text(r.conditions)

    def _choices_loaded(self, choices: SubjectChoices) -> None:
        self.choices = choices
        self._kind_changed(keep=True)
        if self.record is not None:
            self.subject.set_value(self.record.subject_id)
        self.revalidate()

    def _kind_changed(self, *_args: object, keep: bool = False) -> None:
        kind = SubjectKind(self.subject_kind.currentData())
        if self.choices is not None:
            rows = {
                SubjectKind.UNIT: self.choices.units,
                SubjectKind.PLATFORM: self.choices.platforms,
                SubjectKind.PERSON: self.choices.people,
            }[kind]
            text = self.subject.text()
            self.subject.set_choices(rows)
            self.subject.setText(text if keep else "")
        current = self.type_id.currentData()
        self.type_id.blockSignals(True)
        self.type_id.clear()
        self.type_id.addItem("", None)
        for t in sorted(builtin_titles().types.values(), key=lambda t: t.name):
            if t.subject == kind:
                self.type_id.addItem(t.name, t.id)
        self.type_id.setCurrentIndex(max(self.type_id.findData(current), 0))
        self.type_id.blockSignals(False)
        self._type_changed()

    def _type_changed(self) -> None:
        self.conditions.show_only({a.key for a in attributes_for_type(self.type_id.currentData() or "")})
        kind = builtin_titles().types.get(self.type_id.currentData() or "")
        fill_levels(self.level, tuple(kind.levels) if kind else ())
        current = self.stage.currentData()
        self.stage.blockSignals(True)
        self.stage.clear()
        for stage in kind.stages if kind else ("",):
            self.stage.addItem(STAGE_LABELS.get(stage, stage), stage)
        self.stage.setCurrentIndex(max(self.stage.findData(current), 0))
        self.stage.blockSignals(False)

    def data(self) -> RecognitionInput:
        level = self.level.currentData()
        return RecognitionInput(
            subject_kind=SubjectKind(self.subject_kind.currentData()),
            subject_id=self.subject.value() or 0,
            type_id=self.type_id.currentData() or "",
            level=level if level is not None else "?",
            date=self.date.value() or date.today(),
            doc_number=self.doc_number.text(),
            stage=self.stage.currentData() or "",
            valid_until=self.valid_until.value(),
            status=self.status.currentText(),
            status_date=self.status_date.value(),
            evidence=self.evidence.text(),
            first_year=self.first_year.value() or None,
            note=self.note.toPlainText(),
            title=self.record.title if self.record is not None else "",  # as on the document (D14 reads it)
            conditions=self.conditions.text(),
            cert_number=self.cert_number.text(),
        )

    def check(self) -> dict[str, str]:
        errors = validate_recognition(self.data())[1]
        if self.subject.value() is None:
            errors["subject_id"] = (
                "没有这个对象：请从下拉列表中选择" if self.subject.text().strip() else "请选择认定对象"
            )
        if self.level.currentData() is None and "type_id" not in errors:
            errors["level"] = "请选择级别"
        return errors

    def save(self, progress: QtProgress) -> object:
        if self.record is None:
            return add_recognition(self.app, self.data())
        return update_recognition(self.app, self.record.id, self.data())


class RecognitionsPage(RegisterPage):
    noun = "认定记录"
    watches = ("units", "platforms", "people", "recognitions")
    first_page = FIRST_PAGE  # many years of 科技型中小企业: 100,000 records and more
    filter_hint = "筛选：对象名称、信用代码、认定类型、文号、旗县区或证书编号"
    empty_text = (
        "还没有认定记录。\n\n每条记录是一个单位、平台或人员获得的认定（如国家高新技术企业），"
        "应享资金据此计算。可以导入认定名单，也可以逐条新增。"
    )
    columns = [
        Column(1, "对象", "单位、平台或人员", width=50),
        Column(2, "名称", width=220, searchable=True),
        Column(
            3,
            "信用代码/身份证号",
            "单位（或平台依托单位）的统一社会信用代码；人员的身份证号已遮盖",
            width=170,
            searchable=True,
        ),
        Column(4, "认定", "级别 + 认定类型（阶段）", width=240, searchable=True),
        Column(5, "认定日期", "按认定日期适用当时有效的政策", width=90),
        Column(6, "文号", width=160, searchable=True),
        Column(7, "有效期至", width=90),
        Column(8, "状态", "有效、撤销、过期或迁出", width=50),
        Column(9, "旗县区", width=90, searchable=True),
        Column(
            10, "证书编号", "高新技术企业证书编号、科技型中小企业入库登记编号等", width=150, searchable=True
        ),
        Column(11, "证明材料", "后补助须有认定文号和证明材料才能审批", width=200, searchable=True),
    ]

    def __init__(self, app: App, hub, parent: QWidget | None = None) -> None:  # noqa: ANN001 - Hub
        super().__init__(app, hub, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def extra_buttons(self) -> list[QPushButton]:
        self.evidence_button = QPushButton(self.tr("登记佐证材料"), self)
        self.evidence_button.setObjectName("evidence")
        self.evidence_button.setToolTip(
            self.tr("为选中的认定记录（未选中时为筛选出的全部记录）登记同一份证明材料")
        )
        self.evidence_button.clicked.connect(self.register_evidence)
        return [self.evidence_button]

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_id(r) for r in rows if r < self.model.rowCount()]

    def register_evidence(self) -> None:
        """One 证明材料 for the selected records, or for every record the filter shows."""
        if self.app.read_only:
            return
        ids = self.selected_ids()
        if ids:
            chosen = set(ids)
            rows, what = [r for r in self.model.shown_rows() if r[0] in chosen], "选中的记录"
        else:
            rows = self.model.shown_rows()
            what = "筛选出的全部记录" if self.model.filtering else "全部记录"
        if not rows:
            return
        lacking_doc = sum(1 for r in rows if not (r[6] or "").strip())
        dialog = EvidenceDialog(self.app, self.ops, [r[0] for r in rows], what, self, lacking_doc=lacking_doc)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def empty_actions(self) -> list[tuple[str, Callable[[], None]]]:
        return [
            (self.tr("导入名录"), self.hub.sig_request_import.emit),
            (self.tr("新增认定记录"), self.add_new),
        ]

    def fetch(self, progress: QtProgress) -> list[tuple]:
        return recognition_table(self.app)

    def fetch_first(self, progress: QtProgress, limit: int) -> list[tuple]:
        return recognition_table(self.app, limit=limit)

    def load_record(self, row_id: int) -> RecognitionFormValues:
        return recognition_record(self.app, row_id)

    def make_form(self, record: RecognitionFormValues | None) -> QWidget:
        return RecognitionForm(self.app, self.ops, record, self)

    def delete_call(self, row_id: int) -> Callable[[QtProgress], None]:
        return lambda _p: delete_recognition(self.app, row_id)

    def delete_question(self, row: tuple) -> str:
        return f"删除“{row[2]}”的认定记录“{row[4]}”（{row[5]}）？\n相关的应享资金会重新计算。此操作会记入审计日志。"
