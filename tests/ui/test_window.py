"""The window as a whole: first run, every registered page on real data, start-up refusals."""

from __future__ import annotations

import argparse
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import bureau
from kjdesk.services.register import PersonInput, PlatformInput, UnitInput, add_person, add_platform, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from kjdesk.ui.pages import PAGES, Page, available_pages
from kjdesk.ui.pages.register.base import RegisterPage
from kjdesk.ui.start.first_run import FirstRunDialog
from tests.conftest import make_credit_code, make_id_number
from tests.ui.conftest import open_page, type_text

CODE = make_credit_code("91150203MA0N0000C")
ID_NUMBER = make_id_number("15020319800101123")


def fill_register(app: App) -> None:
    unit = add_unit(app, UnitInput(name="包头示例科技有限公司", credit_code=CODE, district="昆都仑区"))
    add_platform(app, PlatformInput("稀土材料重点实验室", "kl", "自治区", unit.id))
    add_person(app, PersonInput("张三", ID_NUMBER, unit.id, "技术经纪人"))
    add_recognition(
        app,
        RecognitionInput(
            SubjectKind.UNIT, unit.id, "hte", "国家", date(2023, 11, 20), doc_number="国科火字〔2023〕1号"
        ),
    )


def rows(page) -> list[tuple[str, ...]]:
    m = page.model
    return [tuple(m.index(r, c).data() for c in range(m.columnCount())) for r in range(m.rowCount())]


def test_first_run_dialog_stores_city_and_bureau_name(db_path, qtbot):
    app = App.open(db_path)
    try:
        assert bureau(app) is None
        dialog = FirstRunDialog(app)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.ok_button.isEnabled()
        radio = dialog.radios["wuhai"]
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
        assert dialog.bureau_name.text() == "乌海市科学技术局"  # prefilled, editable
        dialog.bureau_name.clear()
        type_text(qtbot, dialog.bureau_name, "乌海市科学技术局（测试）")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == FirstRunDialog.DialogCode.Accepted
        stored = bureau(app)
        assert (stored.city, stored.name) == ("wuhai", "乌海市科学技术局（测试）")
    finally:
        app.close()


def test_every_registered_page_opens_and_shows_the_register(app, make_window, qtbot):
    fill_register(app)
    window = make_window()
    assert window.windowTitle() == "科技兑现台 — 包头市科学技术局"
    assert [p.key for p in available_pages()][:4] == ["units", "platforms", "people", "recognitions"]
    assert window.nav.count() == len(available_pages())
    shown = {}
    for page in window.pages:  # every registered page opens (the register pages are checked below)
        widget = window.page(page.key)
        if isinstance(widget, RegisterPage):
            shown[page.key] = rows(open_page(window, qtbot, page.key))
        assert window.stack.currentWidget() is widget
    assert shown["units"][0][:3] == ("包头示例科技有限公司", CODE, "昆都仑区")
    assert shown["platforms"][0][:4] == (
        "稀土材料重点实验室",
        "重点实验室",
        "自治区级",
        "包头示例科技有限公司",
    )
    person = shown["people"][0]
    assert person[:2] == ("张三", ID_NUMBER[:6] + "********" + ID_NUMBER[-4:])
    assert ID_NUMBER not in " ".join(person)  # never whole
    assert shown["recognitions"][0][1:6] == (
        "包头示例科技有限公司",
        CODE,
        "国家高新技术企业",
        "2023-11-20",
        "国科火字〔2023〕1号",
    )


def test_unit_detail_lists_platforms_people_and_recognitions(app, make_window, qtbot):
    fill_register(app)
    page = open_page(make_window(), qtbot, "units")
    page.view.selectRow(0)
    detail = page.detail
    qtbot.waitUntil(lambda: "包头示例科技有限公司" in detail.header.text(), timeout=5000)
    tabs = [detail.tabs.tabText(i) for i in range(detail.tabs.count())]
    assert tabs[:3] == ["平台 1", "人员 1", "认定记录 1"]
    assert detail.models["people"].index(0, 1).data().count("*") == 8


def test_a_page_whose_module_is_missing_is_not_hidden(monkeypatch, app):
    """A broken entry of the page table shows in the list and fails loudly when opened."""
    extra = Page("later", "以后的页面", "overview", "kjdesk.ui.pages.not_written_yet:LaterPage")
    monkeypatch.setattr("kjdesk.ui.pages.PAGES", [*PAGES, extra])
    assert "later" in [p.key for p in available_pages()]
    with pytest.raises(ModuleNotFoundError):
        extra.create(app, None)


def test_smoke_test_flag_opens_every_page_and_exits_0(app, db_path, qtbot, capsys):
    from kjdesk.ui.app import run_gui

    fill_register(app)
    app.close()
    args = argparse.Namespace(db=str(db_path), user="", demo=False, smoke_test=True)
    assert run_gui(args) == 0
    assert (
        f"窗口自检通过：{len(available_pages())} 个页面（单位、平台、人员、认定记录"
        in capsys.readouterr().out
    )


def test_newer_schema_is_refused_with_a_chinese_message(db_path, qtbot, monkeypatch):
    import sqlalchemy as sa

    from kjdesk.ui.app import run_gui

    App.open(db_path).close()
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, _t, text: shown.append(text)))
    args = argparse.Namespace(db=str(db_path), user="", demo=False, smoke_test=True)
    assert run_gui(args) == 1
    assert shown and "更新版本的科技兑现台" in shown[0]


def test_a_database_another_officer_edits_opens_read_only_on_request(app, db_path, qtbot, monkeypatch):
    from kjdesk.services.safety.startup import open_checked
    from kjdesk.ui.app import open_database
    from kjdesk.ui.main_window import MainWindow

    fill_register(app)
    app.close()
    colleague = open_checked(db_path, actor="李复核", backup_daily=False, heartbeat=False)
    asked: list[str] = []

    def answer_yes(_parent, _title, text):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer_yes))
    args = argparse.Namespace(db=str(db_path), user="王经办", demo=False, smoke_test=False)
    mine = open_database(args)
    try:
        assert mine is not None and mine.read_only
        assert "只读" in asked[0]
        window = MainWindow(mine, bureau(mine))
        qtbot.addWidget(window)
        assert window.windowTitle().endswith("（只读）")
        page = open_page(window, qtbot, "units")
        assert page.model.total == 1  # the register can be read
        assert not page.new_button.isEnabled()
        page.view.selectRow(0)
        assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
        window.hub.ops.wait()
    finally:
        if mine is not None:
            mine.close()
        colleague.close()


def test_ctrl_i_opens_the_import_wizard_and_its_end_refreshes_the_pages(app, make_window, qtbot):
    from kjdesk.ui.pages.import_wizard.wizard import ImportWizard

    window = make_window()
    page = open_page(window, qtbot, "units")
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is not None, timeout=5000)
    wizard = window.findChild(ImportWizard)
    add_unit(app, UnitInput(name="导入的公司", credit_code=CODE, district="东河区"))  # as an import would
    wizard.reject()
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)


def test_first_run_demo_button_leaves_the_officers_database_untouched(db_path, qtbot):
    app = App.open(db_path)
    try:
        dialog = FirstRunDialog(app)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
        assert dialog.want_demo and not dialog.isVisible()
        assert bureau(app) is None  # still to be set up when the officer starts for real
    finally:
        app.close()


def test_demo_flag_opens_the_demo_bureau_beside_the_database(tmp_path, qtbot, capsys, monkeypatch):
    from kjdesk.ui import main_window
    from kjdesk.ui.app import run_gui

    titles: list[str] = []
    real_attach = main_window.MainWindow.attach

    def attach(self, *args, **kwargs):
        real_attach(self, *args, **kwargs)
        titles.append(self.windowTitle())

    monkeypatch.setattr(main_window.MainWindow, "attach", attach)
    args = argparse.Namespace(db=str(tmp_path / "mine.sqlite"), user="", demo=True, smoke_test=True)
    assert run_gui(args) == 0
    assert titles == ["科技兑现台 — 包头市科学技术局（演示）"]  # one demo marker, not two
    assert (tmp_path / "kjdesk-demo.sqlite").exists() and not (tmp_path / "mine.sqlite").exists()
    assert "窗口自检通过" in capsys.readouterr().out


def test_a_hidden_page_reloads_when_shown_again(app, make_window, qtbot):
    from kjdesk.services.core.app import Changes

    fill_register(app)
    window = make_window()
    units = open_page(window, qtbot, "units")
    people = open_page(window, qtbot, "people")
    add_unit(
        app,
        UnitInput(
            name="后来登记的公司", credit_code=make_credit_code("91150207MA0N0000E"), district="石拐区"
        ),
    )
    window.hub.announce(Changes(units=True))
    assert units.model.total == 1  # hidden: not reloaded yet
    assert units.isHidden() or not units.isVisible()
    window.page("units")
    qtbot.waitUntil(lambda: units.model.total == 2, timeout=5000)
    assert people.model.total == 1
