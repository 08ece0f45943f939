"""D14 in the window: the unit and recognition forms record the conditions the text attaches."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from sqlalchemy import select

from kjdesk.policy.model import SubjectKind
from kjdesk.services.register import UnitInput, add_unit, get_unit
from kjdesk.services.register.records import FactInput, list_recognitions, upsert_fact
from kjdesk.store.models import Entitlement
from kjdesk.ui.pages.register.condition_fields import UNRECORDED
from kjdesk.ui.pages.register.recognitions import RecognitionForm
from kjdesk.ui.pages.register.units import UnitForm
from tests.conftest import make_credit_code
from tests.ui.conftest import open_page
from tests.ui.pages.register.test_records_pages import open_form, pick

CODE = make_credit_code("91150203MA0N0000D")


def _choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_recognition_form_shows_the_conditions_of_its_type_and_records_them(app, make_window, qtbot):
    """“对经我市提名并获得自治区科学技术进步奖的第一完成单位，给予一定支持”: an award shows
    奖励类别 / 第一完成单位 / 经我市提名; a 高企 shows none of them."""
    add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    page = open_page(make_window(), qtbot, "recognitions")
    form = open_form(page, qtbot, RecognitionForm)
    combos = form.conditions.combos
    form.type_id.setCurrentIndex(form.type_id.findText("高新技术企业"))
    assert not any(c.isVisibleTo(form) for c in combos.values())
    form.type_id.setCurrentIndex(form.type_id.findText("自治区科学技术奖"))
    shown = {k for k, c in combos.items() if c.isVisibleTo(form)}
    assert shown == {"award_category", "first_completer", "city_nominated"}
    assert combos["city_nominated"].currentText() == UNRECORDED
    pick(qtbot, form.subject, "示例材料")
    form.date.set_value(date(2024, 5, 2))
    _choose(combos["award_category"], "科学技术进步奖")
    _choose(combos["first_completer"], "是")
    assert form.ok_button.isEnabled(), form.pending_hint.text()
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    rec = list_recognitions(app)[0]
    assert rec.conditions == '{"award_category": "科学技术进步奖", "first_completer": "是"}'


def test_unit_form_records_the_tax_seat_and_the_item_follows(app, make_window, qtbot):
    """“工商注册和纳税所在地均在我市”: 须核实 until the unit's 纳税地在本市 is recorded 是."""
    unit = add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    upsert_fact(
        app, FactInput(SubjectKind.UNIT, unit.id, 2023, "技术交易额", Decimal("1000000"), item_ref="HT-1")
    )

    def status() -> tuple[str, int]:
        with app.db.session() as s:
            e = s.scalars(select(Entitlement).where(Entitlement.clause_id == "BT-12-patent-purchase")).one()
            return e.status, e.total_fen

    assert status() == ("须核实", 0)
    page = open_page(make_window(), qtbot, "units")
    page.view.selectRow(0)
    rect = page.view.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is not None and page.findChild(UnitForm).isVisible())
    form = page.findChild(UnitForm)
    combo = form.conditions.combos["tax_seat_in_city"]
    assert combo.currentText() == UNRECORDED and combo.isVisibleTo(form)
    _choose(combo, "是")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is None, timeout=5000)
    assert get_unit(app, unit.id).conditions == '{"tax_seat_in_city": "是"}'
    assert status() == ("应享", 50_000_000)


def test_the_officer_confirms_a_renamed_figure_in_the_window(app, make_window, qtbot):
    """D6: a figure marked 须核实 (as the migration marks 研发费用加计扣除额) holds its BT-05 item back
    until the officer confirms it under 应享资金 → 核实数据…."""
    from sqlalchemy import update

    from kjdesk.services.entitlements import recompute_all
    from kjdesk.store.models import Fact
    from kjdesk.ui.pages.entitlements.verify_facts_dialog import VerifyFactsDialog

    unit = add_unit(app, UnitInput(name="包头示例材料有限公司", credit_code=CODE, district="青山区"))
    upsert_fact(app, FactInput(SubjectKind.UNIT, unit.id, 2023, "加计扣除研发费用", Decimal("1000000")))
    with app.db.session() as s:
        s.execute(update(Fact).values(to_verify="原指标名已更名，请核对"))
    recompute_all(app, force=True)

    def status() -> str:
        with app.db.session() as s:
            return (
                s.scalars(select(Entitlement).where(Entitlement.clause_id == "BT-05-rd-expense")).one().status
            )

    assert status() == "须核实"
    page = open_page(make_window(), qtbot, "entitlements")
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(VerifyFactsDialog) is not None, timeout=5000)
    dialog = page.findChild(VerifyFactsDialog)
    assert dialog.model.index(0, 3).data() == "加计扣除研发费用"
    assert dialog.model.index(0, 4).data() == "1,000,000.00"
    assert not dialog.confirm_button.isEnabled()
    dialog.view.selectRow(0)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status() == "应享", timeout=5000)
