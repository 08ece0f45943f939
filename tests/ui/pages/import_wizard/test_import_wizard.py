"""The import wizard, driven as an officer would: file → sheet → mapping → check → import."""

import time

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from kjdesk.services.imports import commit, preview
from kjdesk.store.models import Recognition, Unit
from kjdesk.ui.pages.import_wizard.wizard import ImportWizard
from tests.rosters import CODE_A, CODE_B, snapshot, units_rows, xlsx
from tests.ui.pages.import_wizard.steps import next_page


@pytest.fixture
def wizard(app, qtbot):
    w = ImportWizard(app)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.ops.wait()


@pytest.fixture
def units(app, tmp_path):
    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    return app


def _to_check(qtbot, wizard, path, header_row=0):
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard, lambda: wizard.sheet_page.isComplete())
    wizard.sheet_page.header_spin.setValue(header_row)
    next_page(
        qtbot, wizard, lambda: wizard.mapping_page.isComplete() or bool(wizard.mapping_page.message.text())
    )


def _rows(model):
    return [model.row_tuple(i)[1:] for i in range(model.shown)]


def test_check_shows_each_error_and_saves_the_error_workbook(units, wizard, qtbot, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高薪技术企业", "2022-12-01"],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "2099-01-01"],
    ]
    path = xlsx(tmp_path / "高企.xlsx", rows, title="2022年高新技术企业名单")
    before = snapshot(units)
    _to_check(qtbot, wizard, path)
    page = wizard.mapping_page
    assert "认定名单（自动判断）" in page.summary.text() and "表头在第 2 行" in page.summary.text()
    assert page.combos["title"].currentText() == "C 认定类型"
    assert page.combos["date"].currentText() == "D 认定日期"
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    check = wizard.check_page
    errors = _rows(check.errors_model)
    assert [(r, c, v) for r, c, v, *_ in errors] == [
        (3, "C 认定类型", "高薪技术企业"),
        (4, "D 认定日期", "2099-01-01"),
    ]
    assert errors[0][3].startswith("无法识别的认定类型“高薪技术企业”，最接近的是：高新技术企业")
    assert errors[0][4] == "高新技术企业"  # 建议修改
    assert check.tabs.tabText(0) == "错误（2）"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    out = tmp_path / "错误说明.xlsx"
    check.save_error_workbook(out)
    qtbot.waitUntil(lambda: out.exists() and check.idle(), timeout=5000)
    assert "已保存错误表" in check.warning.text()
    assert snapshot(units) == before


def test_fixed_roster_imports_and_the_database_has_the_rows(units, wizard, qtbot, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期", "文号"],
        ["包头市甲稀土有限公司", CODE_A, "高新技术企业", "2022-12-01", "国科火字〔2023〕25号"],
        ["包头市乙机械有限公司", CODE_B, "科技型中小企业", "2023年5月1日", ""],
    ]
    _to_check(qtbot, wizard, xlsx(tmp_path / "r.xlsx", rows))
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入"
    assert [r[1] for r in _rows(wizard.check_page.items_model)] == ["新增", "新增"]
    next_page(qtbot, wizard, lambda: wizard.commit_page.isComplete())
    assert wizard.result is not None and wizard.result.added == 2
    assert "已导入“r.xlsx”：新增 2" in wizard.commit_page.result_label.text()
    with units.db.session() as s:
        assert sorted(r.type_id for r in s.scalars(select(Recognition))) == ["hte", "tsme"]


def test_mapping_can_be_edited_when_headers_are_unusual(app, wizard, qtbot, tmp_path):
    path = xlsx(tmp_path / "odd.xlsx", [["公司", "代码", "区域"], ["包头市甲稀土有限公司", CODE_A, "东河区"]])
    wizard.file_page.kind_combo.setCurrentIndex(wizard.file_page.kind_combo.findData("units"))
    _to_check(qtbot, wizard, path, header_row=1)
    page = wizard.mapping_page
    assert page.combos["name"].currentText() == "（不导入）"
    page.set_column("name", 0)
    page.set_column("credit_code", 1)
    page.set_column("district", 2)
    assert page.grid.itemAtPosition(2, 2).widget().text() == CODE_A  # the sample of the first row
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    assert wizard.plan.ok and wizard.plan.added == 1
    next_page(qtbot, wizard, lambda: wizard.commit_page.isComplete())
    with app.db.session() as s:
        assert [(u.name, u.district) for u in s.scalars(select(Unit))] == [("包头市甲稀土有限公司", "东河区")]


def test_cancelling_the_commit_changes_nothing(units, wizard, qtbot, tmp_path, monkeypatch):
    def slow_recompute(session, actor, city, subjects, progress):
        progress.set_status("正在重算应享资金")
        while True:  # until the officer presses 取消
            progress.check()
            time.sleep(0.01)

    monkeypatch.setattr("kjdesk.services.imports.recompute", slow_recompute)
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高企", "2022-12-01"],
    ]
    _to_check(qtbot, wizard, xlsx(tmp_path / "r.xlsx", rows))
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    before = snapshot(units)
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    busy = wizard.commit_page.busy
    qtbot.waitUntil(lambda: busy.isVisible() and "重算" in busy.status.text(), timeout=5000)
    qtbot.mouseClick(busy.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.commit_page.isComplete(), timeout=5000)
    assert "已取消，数据库未做任何改动" in wizard.commit_page.message.text()
    assert wizard.result is None
    assert snapshot(units) == before


def test_a_bad_file_is_reported_in_the_wizard(app, wizard, qtbot, tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    wizard.file_page.path_edit.setText(str(path))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(wizard.sheet_page.message.text()), timeout=5000)
    assert "文件是空的" in wizard.sheet_page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_template_button_writes_a_roster_that_the_wizard_then_imports(app, wizard, qtbot, tmp_path):
    page = wizard.file_page
    assert not page.template_button.isEnabled()  # 自动判断: no kind yet
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("units"))
    assert page.template_button.isEnabled()
    out = tmp_path / "单位模板.xlsx"
    page.save_template(out)
    qtbot.waitUntil(lambda: "模板已保存" in page.note.text(), timeout=5000)
    wb = openpyxl.load_workbook(out)
    wb.active.append(["包头市甲稀土有限公司", CODE_A, "东河区"])
    wb.save(out)
    _to_check(qtbot, wizard, out)
    next_page(qtbot, wizard, lambda: wizard.plan is not None)
    assert wizard.plan.ok and wizard.plan.added == 1 and wizard.plan.rows == 1


def test_a_hostile_workbook_is_refused_in_the_wizard_with_the_limit_named(app, wizard, qtbot, tmp_path):
    from tests.hostile_files import far_corner_xlsx

    path = far_corner_xlsx(tmp_path / "炸弹.xlsx")  # one value at XFD1048576: calamine would abort
    wizard.file_page.path_edit.setText(str(path))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(wizard.sheet_page.message.text()), timeout=5000)
    assert "超过 200000 行的上限" in wizard.sheet_page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
