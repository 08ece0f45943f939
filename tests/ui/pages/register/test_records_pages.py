"""The 认定记录 and 人员 forms: pick a subject by typing part of its name, pick the title, save."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit, list_people
from kjdesk.services.register.records import list_recognitions
from kjdesk.ui.pages.register.people import PersonForm
from kjdesk.ui.pages.register.recognitions import RecognitionForm
from tests.conftest import make_credit_code, make_id_number
from tests.ui.conftest import open_page, type_text

CODE = make_credit_code("91150203MA0N0000D")
ID_NUMBER = make_id_number("15020319850612002")


def pick(qtbot, picker, text: str) -> None:
    """Type part of a name into a picker and choose the first suggestion, as with the mouse."""
    qtbot.waitUntil(picker.isEnabled, timeout=5000)  # choices loaded
    type_text(qtbot, picker, text)
    popup = picker.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def open_form(page, qtbot, cls):
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(cls) is not None and page.findChild(cls).isVisible())
    return page.findChild(cls)


def test_add_a_recognition_through_the_form(app, make_window, qtbot):
    unit = add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    page = open_page(make_window(), qtbot, "recognitions")
    assert page.stack.currentIndex() == 1  # empty state first
    form = open_form(page, qtbot, RecognitionForm)
    pick(qtbot, form.subject, "示例材料")
    assert form.subject.value() == unit.id
    form.type_id.setCurrentIndex(form.type_id.findText("高新技术企业"))
    assert form.level.currentText() == "国家级"  # the only level of 高企 is chosen for the officer
    form.date.set_value(date(2024, 12, 2))
    type_text(qtbot, form.doc_number, "国科火字〔2024〕9号")
    assert form.ok_button.isEnabled(), form.pending_hint.text()
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    rec = list_recognitions(app)[0]
    assert (rec.subject_name, rec.type_id, rec.level, rec.date, rec.doc_number) == (
        "包头示例材料有限公司",
        "hte",
        "国家",
        date(2024, 12, 2),
        "国科火字〔2024〕9号",
    )
    assert rec.valid_until == date(2027, 12, 2)  # filled from the type's term
    assert page.model.index(0, 3).data() == "国家高新技术企业"


def test_a_future_date_is_named_beside_the_date(app, make_window, qtbot):
    add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    page = open_page(make_window(), qtbot, "recognitions")
    form = open_form(page, qtbot, RecognitionForm)
    pick(qtbot, form.subject, "示例")
    form.type_id.setCurrentIndex(form.type_id.findText("高新技术企业"))
    form.date.edit.setDate(form.date.edit.date().addDays(30))
    assert form.error_of("date") == "认定日期晚于今天，请核对"
    assert not form.ok_button.isEnabled()


def test_person_id_number_is_masked_and_kept_when_editing(app, make_window, qtbot):
    unit = add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    add_person(app, PersonInput("王五", ID_NUMBER, unit.id, "人才"))
    page = open_page(make_window(), qtbot, "people")
    assert page.model.index(0, 1).data() == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
    page.view.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(PersonForm) is not None and page.findChild(PersonForm).isVisible())
    form = page.findChild(PersonForm)
    assert form.id_number.text() == ""  # never shown whole, not even in the form
    assert form.id_number.placeholderText().startswith(ID_NUMBER[:6] + "********")
    qtbot.waitUntil(lambda: form.employer.text().startswith("包头示例材料有限公司"), timeout=5000)
    type_text(qtbot, form.phone, "13900000000")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.index(0, 5).data() == "13900000000", timeout=5000)
    person = list_people(app)[0]
    assert (person.phone, person.id_masked, person.employer_unit_id) == (
        "13900000000",
        ID_NUMBER[:6] + "********" + ID_NUMBER[-4:],
        unit.id,
    )


def test_edit_a_platform_recognition_keeps_its_subject(app, make_window, qtbot):
    from kjdesk.policy.model import SubjectKind
    from kjdesk.services.register import PlatformInput, add_platform
    from kjdesk.services.register.records import RecognitionInput, add_recognition

    unit = add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    platform = add_platform(app, PlatformInput("示例重点实验室", "kl", "自治区", unit.id))
    add_recognition(
        app, RecognitionInput(SubjectKind.PLATFORM, platform.id, "kl", "自治区", date(2022, 9, 1))
    )
    page = open_page(make_window(), qtbot, "recognitions")
    page.view.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(RecognitionForm) is not None)
    form = page.findChild(RecognitionForm)
    qtbot.waitUntil(lambda: form.subject.value() == platform.id, timeout=5000)
    assert form.subject_kind.currentText() == "平台"
    assert (form.type_id.currentText(), form.level.currentText()) == ("重点实验室", "自治区级")
    type_text(qtbot, form.doc_number, "内科发〔2022〕55号")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.index(0, 5).data() == "内科发〔2022〕55号", timeout=5000)
    rec = list_recognitions(app)[0]
    assert (rec.subject_kind, rec.subject_id, rec.doc_number) == (
        "platform",
        platform.id,
        "内科发〔2022〕55号",
    )


def test_register_evidence_for_the_selected_recognitions(app, make_window, qtbot):
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication

    from kjdesk.store.models import Recognition
    from kjdesk.ui.pages.register.evidence_dialog import EvidenceDialog
    from tests.services.disbursement.disbursement_data import seed_plan

    data = seed_plan(app)
    page = open_page(make_window(), qtbot, "recognitions")
    titles = [c.title for c in page.model.columns]
    assert "证明材料" in titles
    ev_col = titles.index("证明材料")
    shown = {page.model.row_id(r): page.model.index(r, ev_col).data() for r in range(page.model.rowCount())}
    assert shown[data.recognition_ids["a-hte"]] == "高新技术企业证书 GR202515000123"
    sel = page.view.selectionModel()
    sel.clearSelection()
    for r in range(page.model.rowCount()):
        sel.select(
            page.model.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert len(page.selected_ids()) == 2
    page.evidence_button.click()
    dialog = [w for w in QApplication.topLevelWidgets() if isinstance(w, EvidenceDialog) and w.isVisible()][0]
    assert "选中的记录（共 2 条认定记录）" in dialog.findChild(type(dialog.problem), "intro").text()
    dialog.text.setPlainText("2025 年高企认定文件存档盒 3")
    dialog.replace.setChecked(True)
    page.loaded = False
    dialog.ok.click()
    qtbot.waitUntil(
        lambda: (
            {page.model.index(r, ev_col).data() for r in range(page.model.rowCount())}
            == {"2025 年高企认定文件存档盒 3"}
        ),
        timeout=5000,
    )
    with app.db.session() as s:
        assert {r.evidence for r in s.query(Recognition)} == {"2025 年高企认定文件存档盒 3"}
