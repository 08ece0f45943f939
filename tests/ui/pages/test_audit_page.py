"""The 审计日志 page and the 备份与恢复 dialog, driven as an officer would."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from kjdesk.services.register import PersonInput, UnitInput, add_person, add_unit
from kjdesk.services.safety.backups import list_backups
from kjdesk.ui.admin.backups import BackupsDialog
from tests.conftest import make_credit_code, make_id_number
from tests.ui.conftest import open_page

ID = make_id_number("15020319800101123")


def seed(app):
    u = add_unit(
        app,
        UnitInput(
            name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), district="昆都仑区"
        ),
    )
    add_person(replace(app, actor="李复核"), PersonInput(name="张三", id_number=ID, employer_unit_id=u.id))
    return u


def column(page, col: int) -> list[str]:
    return [page.model.index(r, col).data() for r in range(page.model.rowCount())]


def wait_reload(page, qtbot, expected: int) -> None:
    qtbot.waitUntil(lambda: page.model.total == expected and not page.ops.busy, timeout=5000)


def test_audit_page_lists_and_filters_events_with_ids_masked(app, make_window, qtbot):
    seed(app)
    window = make_window()
    page = open_page(window, qtbot, "audit")
    assert page.model.total == 5  # 3 settings at init, the unit, the person
    assert column(page, 2)[:2] == ["李复核", "测试员"]  # newest first
    for col in (6, 8, 9):  # 内容 and, behind 技术详情, the stored values
        assert all(ID not in (page.model.index(r, col).data() or "") for r in range(page.model.rowCount()))
    assert any("身份证号：" + ID[:6] + "********" + ID[-4:] in (v or "") for v in column(page, 6))

    page.officer_box.setCurrentIndex(page.officer_box.findData("李复核"))
    wait_reload(page, qtbot, 1)
    assert column(page, 4) == ["人员"]
    page.officer_box.setCurrentIndex(0)
    page.entity_box.setCurrentIndex(page.entity_box.findData("unit"))
    wait_reload(page, qtbot, 1)
    assert column(page, 3) == ["新增"] and column(page, 4) == ["单位"]
    page.entity_box.setCurrentIndex(0)
    page.action_box.setCurrentIndex(page.action_box.findData("设置"))
    wait_reload(page, qtbot, 3)
    page.action_box.setCurrentIndex(0)
    wait_reload(page, qtbot, 5)
    page.by_date.setChecked(True)
    page.date_to.setDate(page.date_to.date().addDays(-1))  # up to yesterday: nothing yet
    wait_reload(page, qtbot, 0)
    assert page.count_label.text() == "共 0 条"


def test_a_new_write_appears_on_the_page(app, make_window, qtbot):
    window = make_window()
    page = open_page(window, qtbot, "audit")
    assert page.model.total == 3
    seed(app)
    from kjdesk.services.core.app import Changes

    window.hub.announce(Changes(units=True))
    wait_reload(page, qtbot, 5)


def test_verify_button_names_the_altered_event(app, db_path, make_window, qtbot, monkeypatch):
    seed(app)
    window = make_window()
    page = open_page(window, qtbot, "audit")
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "完整" in page.chain_label.text(), timeout=5000)

    con = sqlite3.connect(db_path)
    con.execute("UPDATE audit_events SET actor = '别人' WHERE id = 4")
    con.commit()
    con.close()
    shown = []
    monkeypatch.setattr("kjdesk.ui.pages.audit.inform", lambda _p, _t, text, **_k: shown.append(text))
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "#4" in page.chain_label.text() and "被改动" in shown[0]
    assert page.view.currentIndex().isValid()
    assert page.model.index(page.view.currentIndex().row(), 0).data() == "4"


def test_export_writes_the_filtered_events_to_excel(app, tmp_path, make_window, qtbot, monkeypatch):
    seed(app)
    window = make_window()
    page = open_page(window, qtbot, "audit")
    page.entity_box.setCurrentIndex(page.entity_box.findData("person"))
    wait_reload(page, qtbot, 1)
    target = tmp_path / "审计"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "审计.xlsx"
    qtbot.waitUntil(lambda: "已导出 1 条" in page.count_label.text(), timeout=5000)
    ws = load_workbook(out).active
    assert ws.cell(4, 3).value == "李复核" and ws.cell(4, 5).value == "人员"
    assert ws.cell(4, 6).value == "张三"
    assert [ws.cell(3, c).value for c in (6, 7)] == ["名称", "内容"]
    assert all(ID not in str(ws.cell(4, c).value) for c in range(1, 11))


def test_backups_dialog_backs_up_and_restores_with_confirmation(app, make_window, qtbot, monkeypatch):
    seed(app)
    window = make_window()
    page = open_page(window, qtbot, "audit")
    dialog = BackupsDialog(app, window.hub, page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert dialog.model.total == 0 and not dialog.restore_button.isEnabled()

    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.total == 1, timeout=5000)
    assert dialog.model.index(0, 1).data() == "手动"

    add_unit(
        app, UnitInput(name="包头钢铁", credit_code=make_credit_code("91150203MA0N00002"), district="青山区")
    )
    dialog.view.selectRow(0)
    assert dialog.restore_button.isEnabled()

    monkeypatch.setattr("kjdesk.ui.admin.backups.confirm", lambda *a, **k: False)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.last_result is None  # 取消: nothing happens

    asked, told = [], []
    monkeypatch.setattr(
        "kjdesk.ui.admin.backups.confirm", lambda _p, _t, text, **k: asked.append(text) or True
    )
    monkeypatch.setattr("kjdesk.ui.admin.backups.inform", lambda _p, _t, text, **k: told.append(text))
    with qtbot.waitSignal(window.hub.sig_changes, timeout=10000) as changed:
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "恢复前" in asked[0]
    assert changed.args[0].units and changed.args[0].entitlements  # every page reloads
    qtbot.waitUntil(lambda: dialog.model.total == 2, timeout=5000)
    assert "已备份为" in told[0]
    kinds = [b.reason_label for b in list_backups(app)]
    assert kinds == ["恢复前", "手动"]
    units = open_page(window, qtbot, "units")
    qtbot.waitUntil(lambda: units.model.total == 1, timeout=5000)  # 包头钢铁 is gone again
    assert units.model.index(0, 0).data() == "包头稀土研究院"


def test_restore_is_disabled_when_read_only(app, db_path, make_window, qtbot):
    from kjdesk.services.safety.startup import open_checked

    seed(app)
    window = make_window()
    ro = open_checked(db_path, read_only=True)  # a second window while this one writes
    try:
        dialog = BackupsDialog(ro, window.hub, window)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
        assert not dialog.restore_file_button.isEnabled()
        dialog.view.selectRow(0)
        assert not dialog.restore_button.isEnabled()
    finally:
        window.hub.ops.wait()
        ro.close()


def test_selecting_an_event_shows_before_and_after_field_by_field(app, make_window, qtbot):
    from kjdesk.services.register import update_unit

    u = seed(app)
    update_unit(app, u.id, UnitInput(name=u.name, credit_code=u.credit_code, district="青山区"))
    window = make_window()
    page = open_page(window, qtbot, "audit")
    page.view.selectRow(0)  # the newest: the 修改 of the unit
    text = page.detail.toPlainText()
    assert "修改" in text and "旗县区：昆都仑区 → 青山区" in text and "district" not in text
    page.technical.setChecked(True)  # the stored JSON, for whoever needs it
    assert "district" in page.detail.toPlainText()
    page.view.selectRow(1)  # the person: its 身份证号 masked here too
    text = page.detail.toPlainText()
    assert "张三" in text and ID not in text and ID[-4:] in text
