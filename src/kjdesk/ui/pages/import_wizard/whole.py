"""Two parts of the import wizard for published lists.

``WholeListPage`` (整份名单的取值) asks once for 认定类型 / 级别 / 认定日期 / 文号 when a
recognitions list has no such columns, pre-filled from the title above the list. It is
shown only when the list lacks 认定类型 or 认定日期. ``NameResolver`` is the part of the
check page where the officer settles each name the register does not: pick one of the
proposed units, register a new unit (its credit code required), or skip the rows.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from kjdesk.policy.titles import builtin_titles
from kjdesk.services.imports import NameAnswer, NameQuestion, WholeList
from kjdesk.ui.pages.import_wizard.work_page import WorkPage

LEVELS = ("", "国家级", "自治区级", "市级")
REQUIRED = ("title", "date")  # without these columns the page is shown

if TYPE_CHECKING:
    from kjdesk.ui.pages.import_wizard.wizard import ImportWizard


class WholeListPage(WorkPage):
    """整份名单的取值: the values of the notice a list was published with."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("整份名单的取值"))
        self.setSubTitle(
            self.tr("名单中没有下列各列时，请按发文填写一次，用于名单的每一行；名单中已有的列不会被覆盖。")
        )
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.type_combo = QComboBox()
        self.type_combo.setEditable(True)
        self.type_combo.addItem("")
        for name in sorted({t.name for t in builtin_titles().types.values()}):
            self.type_combo.addItem(name)
        self.level_combo = QComboBox()
        self.level_combo.addItems([lv or self.tr("（按认定类型）") for lv in LEVELS])
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(self.tr("发文日期，如 2024-11-08"))
        self.doc_edit = QLineEdit()
        self.doc_edit.setPlaceholderText(self.tr("如 内科高企字〔2024〕8号（可不填）"))
        self.form = QFormLayout(self)
        self.form.addRow(self.title_label)
        self.form.addRow(self.tr("认定类型："), self.type_combo)
        self.form.addRow(self.tr("级别："), self.level_combo)
        self.form.addRow(self.tr("认定日期："), self.date_edit)
        self.form.addRow(self.tr("文号："), self.doc_edit)
        self.form.addRow(self.message)
        self.rows = {
            "title": self.type_combo,
            "level": self.level_combo,
            "date": self.date_edit,
            "doc_number": self.doc_edit,
        }
        self.type_combo.currentTextChanged.connect(self.completeChanged)
        self.date_edit.textChanged.connect(self.completeChanged)
        self._for: object = None

    def missing(self) -> list[str]:
        """The whole-list fields the current column mapping leaves without a column."""
        layout = self.wiz.layout_info
        if layout is None or layout.kind != "recognitions":
            return []
        mapped = {k for k, v in self.wiz.mapping_page.mapping().items() if v is not None}
        return [k for k in ("title", "level", "date", "doc_number") if k not in mapped]

    def needed(self) -> bool:
        return any(k in self.missing() for k in REQUIRED)

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        layout = self.wiz.layout_info
        assert layout is not None
        missing = self.missing()
        for key, widget in self.rows.items():
            self.form.setRowVisible(widget, key in missing)
        if self._for == layout.path:
            return
        self._for = layout.path
        guess = layout.guess
        title = layout.title.replace("\n", " ")
        self.title_label.setText(
            self.tr("名单标题：{t}").format(t=title) if title else self.tr("名单没有标题行。")
        )
        self.type_combo.setCurrentText(guess.title)
        level = f"{guess.level}级" if guess.level in ("国家", "自治区") else guess.level
        self.level_combo.setCurrentIndex(max(self.level_combo.findText(level), 0) if level else 0)
        self.date_edit.setText(f"{guess.year}-" if guess.year else "")
        self.doc_edit.clear()

    def whole(self) -> WholeList:
        """What the officer gave (nothing when the page was not needed)."""
        if not self.needed():
            return WholeList()
        from kjdesk.services.imports import CellError, parse_date

        missing = self.missing()
        day: date | None = None
        if "date" in missing and self.date_edit.text().strip():
            try:
                day = parse_date(self.date_edit.text().strip())
            except CellError:
                day = None
        level = LEVELS[self.level_combo.currentIndex()] if "level" in missing else ""
        return WholeList(
            self.type_combo.currentText().strip() if "title" in missing else "",
            level,
            day,
            self.doc_edit.text().strip() if "doc_number" in missing else "",
        )

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        missing, whole = self.missing(), self.whole()
        if "title" in missing and not whole.title:
            return False
        return not ("date" in missing and whole.date is None)


PICK_HINT, NEW_UNIT, SKIP_ROWS = "（请选择）", "新登记单位…", "跳过这些行"


class NameResolver(QWidget):
    """One line per unsettled name: the rows, the reason, and what the officer decides."""

    sig_changed = Signal()

    def __init__(self, districts: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.districts = districts
        self.grid = QGridLayout(self)
        self.questions: list[NameQuestion] = []
        self.choices: list[QComboBox] = []
        self.codes: list[QLineEdit] = []
        self.district_boxes: list[QComboBox] = []

    def set_questions(self, questions: list[NameQuestion]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.questions = list(questions)
        self.choices, self.codes, self.district_boxes = [], [], []
        for col, head in enumerate(
            (self.tr("名单中的名称"), self.tr("对应"), self.tr("新单位的信用代码与旗县区"))
        ):
            self.grid.addWidget(QLabel(f"<b>{head}</b>"), 0, col)
        for r, q in enumerate(self.questions, start=1):
            rows = "、".join(str(n) for n in q.rows[:6]) + ("等" if len(q.rows) > 6 else "")
            label = QLabel(
                self.tr("“{name}”（第 {rows} 行）：{why}").format(name=q.name, rows=rows, why=q.reason)
            )
            label.setWordWrap(True)
            label.setMinimumWidth(260)
            choice = QComboBox()
            choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            choice.setMinimumContentsLength(24)
            choice.addItem(self.tr(PICK_HINT), None)
            for c in q.candidates:
                choice.addItem(c.line(), c.unit_id)
            choice.addItem(self.tr(NEW_UNIT), "new")
            choice.addItem(self.tr(SKIP_ROWS), "skip")
            if len(q.candidates) == 1 and "有限" in q.candidates[0].why:
                choice.setCurrentIndex(0)  # only a suggestion: the officer decides
            code = QLineEdit()
            code.setPlaceholderText(self.tr("统一社会信用代码"))
            code.setMinimumWidth(170)
            district = QComboBox()
            district.addItems(["", *self.districts])
            district.setMinimumWidth(100)
            extra = QWidget()
            box = QHBoxLayout(extra)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(code, 2)
            box.addWidget(district, 1)
            extra.setEnabled(False)
            choice.currentIndexChanged.connect(lambda _i, c=choice, e=extra: self._changed(c, e))
            code.textChanged.connect(self.sig_changed)
            district.currentIndexChanged.connect(self.sig_changed)
            self.grid.addWidget(label, r, 0)
            self.grid.addWidget(choice, r, 1)
            self.grid.addWidget(extra, r, 2)
            self.choices.append(choice)
            self.codes.append(code)
            self.district_boxes.append(district)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(1, 3)
        self.grid.setRowStretch(len(self.questions) + 1, 1)

    def _changed(self, choice: QComboBox, extra: QWidget) -> None:
        extra.setEnabled(choice.currentData() == "new")
        self.sig_changed.emit()

    def choose(self, index: int, data: object) -> None:
        """Select the option whose data is ``data`` (a unit id, "new" or "skip") for question ``index``."""
        combo = self.choices[index]
        combo.setCurrentIndex(combo.findData(data))

    def set_new_unit(self, index: int, credit_code: str, district: str) -> None:
        self.choose(index, "new")
        self.codes[index].setText(credit_code)
        self.district_boxes[index].setCurrentText(district)

    def answers(self) -> dict[str, NameAnswer] | None:
        """Every question's answer by its name key, or None while one is unanswered."""
        out: dict[str, NameAnswer] = {}
        for q, choice, code, district in zip(
            self.questions, self.choices, self.codes, self.district_boxes, strict=True
        ):
            data = choice.currentData()
            if data is None:
                return None
            if data == "skip":
                out[q.key] = NameAnswer("skip")
            elif data == "new":
                if not code.text().strip() or not district.currentText():
                    return None
                out[q.key] = NameAnswer(
                    "new", credit_code=code.text().strip().upper(), district=district.currentText()
                )
            else:
                out[q.key] = NameAnswer("unit", unit_id=int(data))
        return out


TYPE_LEVELS = (("", "（按名单或认定类型）"), ("国家", "国家级"), ("自治区", "自治区级"), ("市级", "市级"))


class TitleResolver(QWidget):
    """One line per 认定类型 wording the vocabulary does not know: which type (and level) it means."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.wordings: list[str] = []
        self.types: list[QComboBox] = []
        self.levels: list[QComboBox] = []

    def set_wordings(self, wordings: list[str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.wordings, self.types, self.levels = list(wordings), [], []
        if not wordings:
            return
        for col, head in enumerate((self.tr("名单中的认定类型写法"), self.tr("即认定类型"), self.tr("级别"))):
            self.grid.addWidget(QLabel(f"<b>{head}</b>"), 0, col)
        names = sorted(builtin_titles().types.values(), key=lambda t: t.name)
        for r, wording in enumerate(self.wordings, start=1):
            type_combo = QComboBox()
            type_combo.addItem(self.tr(PICK_HINT), None)
            for t in names:
                type_combo.addItem(t.name, t.id)
            level = QComboBox()
            for value, label in TYPE_LEVELS:
                level.addItem(self.tr(label), value)
            type_combo.currentIndexChanged.connect(self.sig_changed)
            level.currentIndexChanged.connect(self.sig_changed)
            self.grid.addWidget(QLabel(f"“{wording}”"), r, 0)
            self.grid.addWidget(type_combo, r, 1)
            self.grid.addWidget(level, r, 2)
            self.types.append(type_combo)
            self.levels.append(level)

    def choose(self, index: int, type_id: str, level: str = "") -> None:
        self.types[index].setCurrentIndex(self.types[index].findData(type_id))
        self.levels[index].setCurrentIndex(self.levels[index].findData(level))

    def answers(self) -> dict[str, tuple[str, str]] | None:
        out: dict[str, tuple[str, str]] = {}
        for wording, type_combo, level in zip(self.wordings, self.types, self.levels, strict=True):
            if type_combo.currentData() is None:
                return None
            out[wording] = (type_combo.currentData(), level.currentData())
        return out
