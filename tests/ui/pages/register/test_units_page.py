"""The 单位 page driven as an officer would: type into the form, save, filter, reopen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kjdesk.services.core.app import App
from kjdesk.services.register import UnitInput, add_unit, list_units
from kjdesk.ui.pages.register.units import UnitForm
from tests.conftest import make_credit_code
from tests.ui.conftest import open_page, type_text

NEW_CODE = make_credit_code("91150203MA0N0000A")
OTHER_CODE = make_credit_code("91150204MA0N0000B")


def open_new_unit_form(page, qtbot) -> UnitForm:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is not None and page.findChild(UnitForm).isVisible())
    return page.findChild(UnitForm)


def visible_names(page) -> list[str]:
    model = page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_add_unit_through_dialog_filter_and_find_it_after_reopening(app, db_path, make_window, qtbot):
    add_unit(app, UnitInput(name="乌拉特测试有限公司", credit_code=OTHER_CODE, district="青山区"))
    window = make_window()
    page = open_page(window, qtbot, "units")
    assert visible_names(page) == ["乌拉特测试有限公司"]

    form = open_new_unit_form(page, qtbot)
    assert not form.ok_button.isEnabled()  # nothing typed yet
    type_text(qtbot, form.name, "包头稀土新材料有限公司")
    type_text(qtbot, form.credit_code, NEW_CODE.lower())
    form.district.setFocus()
    type_text(qtbot, form.district, "稀土")
    assert form.district.currentText() == "稀土高新区"
    type_text(qtbot, form.contact, "王工")
    type_text(qtbot, form.phone, "0472-5100000")
    assert form.ok_button.isEnabled()
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5000)
    assert page.findChild(UnitForm) is None  # saved and closed
    assert sorted(visible_names(page)) == ["乌拉特测试有限公司", "包头稀土新材料有限公司"]
    assert page.count_label.text() == "共 2 条"

    type_text(qtbot, page.filter_box, "稀土")
    assert visible_names(page) == ["包头稀土新材料有限公司"]
    assert page.count_label.text() == "显示 1 / 共 2 条"
    page.filter_box.clear()
    type_text(qtbot, page.filter_box, "青山")  # 旗县区 is filtered too
    assert visible_names(page) == ["乌拉特测试有限公司"]
    page.filter_box.clear()
    type_text(qtbot, page.filter_box, NEW_CODE[:10])  # and the credit code
    assert visible_names(page) == ["包头稀土新材料有限公司"]
    page.filter_box.clear()
    type_text(qtbot, page.filter_box, "不存在的单位")
    assert page.model.rowCount() == 0
    assert "没有符合" in page.count_label.text()

    window.close()
    app.close()
    again = App.open(db_path)
    try:
        saved = [u for u in list_units(again) if u.credit_code == NEW_CODE]
        assert len(saved) == 1
        unit = saved[0]
        assert (unit.name, unit.district, unit.contact, unit.phone) == (
            "包头稀土新材料有限公司",
            "稀土高新区",
            "王工",
            "0472-5100000",
        )
    finally:
        again.close()


def test_wrong_check_digit_is_named_beside_the_field_and_cannot_be_saved(app, make_window, qtbot):
    window = make_window()
    page = open_page(window, qtbot, "units")
    form = open_new_unit_form(page, qtbot)
    wrong = NEW_CODE[:17] + ("1" if NEW_CODE[17] != "1" else "2")
    type_text(qtbot, form.name, "校验位测试公司")
    type_text(qtbot, form.credit_code, wrong)
    form.district.setCurrentText("昆都仑区")
    error = form.findChild(type(form.general_error), "error_credit_code")
    assert error.isVisible()
    assert error.text() == f"统一社会信用代码校验位错误：末位应为 {NEW_CODE[17]}，现为 {wrong[17]}"
    assert not form.ok_button.isEnabled()
    qtbot.keyClick(form.credit_code, Qt.Key.Key_Return)  # Enter does not save either
    assert form.isVisible() and list_units(app) == []
    form.credit_code.clear()
    type_text(qtbot, form.credit_code, NEW_CODE)
    assert not error.isVisible() and form.ok_button.isEnabled()


def test_duplicate_code_refused_by_the_service_shows_beside_the_field(app, make_window, qtbot):
    add_unit(app, UnitInput(name="先登记的公司", credit_code=NEW_CODE, district="东河区"))
    window = make_window()
    page = open_page(window, qtbot, "units")
    form = open_new_unit_form(page, qtbot)
    type_text(qtbot, form.name, "后登记的公司")
    type_text(qtbot, form.credit_code, NEW_CODE)
    form.district.setCurrentText("东河区")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.error_of("credit_code") != "", timeout=5000)
    assert "已登记为“先登记的公司”" in form.error_of("credit_code")
    assert form.isVisible()
    assert [u.name for u in list_units(app)] == ["先登记的公司"]


def test_edit_by_double_click_and_delete_with_confirmation(app, make_window, qtbot, monkeypatch):
    add_unit(app, UnitInput(name="待修改公司", credit_code=NEW_CODE, district="九原区"))
    window = make_window()
    page = open_page(window, qtbot, "units")
    page.view.selectRow(0)
    rect = page.view.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is not None and page.findChild(UnitForm).isVisible())
    form = page.findChild(UnitForm)
    assert form.name.text() == "待修改公司" and form.district.currentText() == "九原区"
    form.name.selectAll()
    type_text(qtbot, form.name, "已修改公司")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: visible_names(page) == ["已修改公司"], timeout=5000)
    # the detail panel follows the selection
    qtbot.waitUntil(lambda: "已修改公司" in page.detail.header.text(), timeout=5000)

    asked: list[str] = []
    monkeypatch.setattr(
        "kjdesk.ui.pages.register.base.confirm", lambda _p, _t, text, **_k: asked.append(text) or True
    )
    page.view.selectRow(0)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5000)
    assert asked and "已修改公司" in asked[0]
    assert list_units(app) == []
    assert page.stack.currentIndex() == 1  # the empty state with its next steps


def test_keyboard_shortcuts_filter_new_and_import(app, make_window, qtbot, monkeypatch):
    add_unit(app, UnitInput(name="快捷键测试公司", credit_code=NEW_CODE, district="石拐区"))
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page = open_page(window, qtbot, "units")
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_box.hasFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is not None)
    form = page.findChild(UnitForm)
    assert form.pending_hint.text() == "尚待填写：单位名称、统一社会信用代码、旗县区"
    form.reject()
    opened: list[bool] = []
    monkeypatch.setattr(window, "open_import", lambda: opened.append(True))
    window.import_action.triggered.disconnect()
    window.import_action.triggered.connect(lambda: window.open_import())
    qtbot.keyClick(page.view, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]


def test_empty_state_downloads_the_unit_template(app, make_window, qtbot, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

    target = tmp_path / "单位名录模板"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window = make_window()
    page = open_page(window, qtbot, "units")
    assert page.stack.currentIndex() == 1
    texts = {b.text(): b for b in page.empty.findChildren(QPushButton)}
    assert list(texts) == ["导入名录", "新增单位", "下载模板"]
    qtbot.mouseClick(texts["下载模板"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=5000)
    saved = tmp_path / "单位名录模板.xlsx"
    assert str(saved) in window.findChild(QMessageBox).text()
    headers = [c.value for c in next(load_workbook(saved).worksheets[0].iter_rows(max_row=1))]
    assert {"单位名称", "统一社会信用代码", "旗县区"} <= {str(h).strip("* ") for h in headers if h}


def test_the_form_dialog_remembers_its_size(app, make_window, qtbot):
    window = make_window()
    page = open_page(window, qtbot, "units")
    form = open_new_unit_form(page, qtbot)
    form.resize(700, 640)
    form.reject()
    qtbot.waitUntil(lambda: page.findChild(UnitForm) is None)
    again = open_new_unit_form(page, qtbot)
    assert (again.width(), again.height()) == (700, 640)
    again.reject()


def test_the_unit_form_refuses_an_invisible_control_character_and_names_it(app, make_window, qtbot):
    from PySide6.QtWidgets import QLabel

    page = open_page(make_window(), qtbot, "units")
    form = open_new_unit_form(page, qtbot)
    type_text(qtbot, form.name, "包头稀土\u202e司公限有")  # a right-to-left override hides the real order
    type_text(qtbot, form.credit_code, NEW_CODE)
    form.district.setFocus()
    type_text(qtbot, form.district, "稀土")
    error = form.findChild(QLabel, "error_name")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=3000)
    assert "单位名称含不可见控制字符 U+202E（第 5 个字符）" in error.text()
    assert not form.ok_button.isEnabled()


def test_the_bank_account_is_typed_in_the_form_and_listed_by_its_last_four(app, make_window, qtbot):
    window = make_window()
    page = open_page(window, qtbot, "units")
    form = open_new_unit_form(page, qtbot)
    type_text(qtbot, form.name, "包头银行测试有限公司")
    type_text(qtbot, form.credit_code, NEW_CODE)
    form.district.setCurrentText("青山区")
    type_text(qtbot, form.bank_name, "中国建设银行包头青山支行")
    type_text(qtbot, form.bank_account, "6217 0000 1234 5678 901")
    qtbot.waitUntil(lambda: form.ok_button.isEnabled())
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    stored = list_units(app)[0]
    assert (stored.bank_name, stored.bank_account) == ("中国建设银行包头青山支行", "6217000012345678901")
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    shown = page.model.index(0, headers.index("银行账号")).data()
    assert shown == "*" * 15 + "8901"
