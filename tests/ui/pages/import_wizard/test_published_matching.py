"""The import wizard with a list as the 自治区 publishes it: a title, 序号, names, certificate numbers."""

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from kjdesk.services.imports import commit, preview
from kjdesk.services.imports.answers import list_answers
from kjdesk.store.models import Recognition, Unit
from kjdesk.ui.pages.import_wizard.wizard import ImportWizard
from tests.conftest import make_credit_code
from tests.rosters import CODE_A, CODE_B, snapshot, units_rows, xlsx
from tests.ui.pages.import_wizard.steps import next_page

CODE_NEW = make_credit_code("91150200MA0N0NEW4")
TITLE = "2024年内蒙古自治区第二批认定高新技术企业名单"


@pytest.fixture
def units(app, tmp_path):
    commit(app, preview(app, xlsx(tmp_path / "u.xlsx", units_rows())))
    return app


def _wizard(app, qtbot):
    w = ImportWizard(app)
    qtbot.addWidget(w)
    w.show()
    return w


def _published(tmp_path, name="高企名单.xlsx"):
    rows = [
        ["序号", "企业名称", "证书编号"],
        [1, "包头市甲稀土有限公司", "GR202415000101"],
        [2, "包头市乙机械有限责任公司", "GR202415000102"],  # 有限责任公司: only a suggestion
        [3, "包头市丙新材料有限公司", "GR202415000103"],  # not registered
        [4, "包头市丁电子有限公司", "GR202415000104"],  # not registered, skipped
    ]
    return xlsx(tmp_path / name, rows, title=TITLE)


def _to_whole_page(qtbot, w, path):
    w.file_page.path_edit.setText(str(path))
    next_page(qtbot, w, lambda: w.sheet_page.isComplete())
    next_page(qtbot, w, lambda: w.mapping_page.isComplete())
    assert "认定名单（自动判断）" in w.mapping_page.summary.text()
    assert "表头在第 2 行" in w.mapping_page.summary.text()
    next_page(qtbot, w, lambda: w.currentPage() is w.whole_page)


def test_a_published_list_asks_for_the_whole_list_and_each_unknown_name(units, qtbot, tmp_path):
    w = _wizard(units, qtbot)
    _to_whole_page(qtbot, w, _published(tmp_path))
    page = w.whole_page
    assert TITLE in page.title_label.text()
    assert page.type_combo.currentText() == "高新技术企业"  # from the title
    assert page.date_edit.text() == "2024-"  # the year from the title; the day is the officer's
    assert not page.isComplete()
    page.date_edit.setText("2024-11-08")
    page.doc_edit.setText("内科高企字〔2024〕8号")
    assert page.isComplete()
    before = snapshot(units)
    next_page(qtbot, w, lambda: w.plan is not None)
    check = w.check_page
    plan = w.plan
    assert [q.name for q in plan.questions] == [
        "包头市乙机械有限责任公司",
        "包头市丙新材料有限公司",
        "包头市丁电子有限公司",
    ]
    assert check.tabs.isTabVisible(check.names_index)
    assert check.tabs.tabText(check.names_index) == "待确认（3）"
    assert not w.button(QWizard.WizardButton.NextButton).isEnabled()  # unsettled names: no import
    resolver = check.resolver
    suggestion = plan.questions[0].candidates[0]
    assert suggestion.name == "包头市乙机械有限公司" and "有限公司/有限责任公司" in suggestion.why
    assert resolver.choices[0].currentData() is None  # a suggestion is never chosen for the officer
    resolver.choose(0, suggestion.unit_id)
    resolver.set_new_unit(1, CODE_NEW, "九原区")
    assert not check.recheck.isEnabled()
    resolver.choose(2, "skip")
    assert check.recheck.isEnabled()
    assert snapshot(units) == before  # answering writes nothing
    w.plan = None
    qtbot.mouseClick(check.recheck, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.plan is not None and check.idle(), timeout=10000)
    plan = w.plan
    assert plan.ok and not plan.questions
    assert [q.name for q in plan.skipped] == ["包头市丁电子有限公司"]
    assert not check.tabs.isTabVisible(check.names_index)
    assert w.button(QWizard.WizardButton.NextButton).text() == "导入"
    next_page(qtbot, w, lambda: w.commit_page.isComplete())
    assert w.result is not None and w.result.added == 3
    with units.db.session() as s:
        got = {
            (u.name, r.type_id, r.date, r.doc_number, r.cert_number)
            for r, u in s.execute(select(Recognition, Unit).join(Unit, Recognition.unit_id == Unit.id))
        }
        new_unit = s.scalar(select(Unit).where(Unit.credit_code == CODE_NEW))
        assert new_unit is not None and new_unit.district == "九原区"
    doc = "内科高企字〔2024〕8号"
    assert got == {
        ("包头市甲稀土有限公司", "hte", date(2024, 11, 8), doc, "GR202415000101"),
        ("包头市乙机械有限公司", "hte", date(2024, 11, 8), doc, "GR202415000102"),
        ("包头市丙新材料有限公司", "hte", date(2024, 11, 8), doc, "GR202415000103"),
    }
    remembered = list_answers(units)
    assert [(a.shown, a.meaning) for a in remembered] == [
        ("包头市乙机械有限责任公司", f"包头市乙机械有限公司（{CODE_B}）")
    ]
    w.ops.wait()

    # next year's list from the same source goes through without a question
    rows = [
        ["序号", "企业名称", "证书编号"],
        [1, "包头市乙机械有限责任公司", "GR202515000102"],
        [2, "包头市甲稀土有限公司", "GR202515000101"],
    ]
    path = xlsx(tmp_path / "2025.xlsx", rows, title="2025年内蒙古自治区认定高新技术企业名单")
    w2 = _wizard(units, qtbot)
    _to_whole_page(qtbot, w2, path)
    assert w2.whole_page.date_edit.text() == "2025-"
    w2.whole_page.date_edit.setText("2025-10-20")
    next_page(qtbot, w2, lambda: w2.plan is not None)
    assert w2.plan.ok and not w2.plan.questions and w2.plan.by_answer == 1
    next_page(qtbot, w2, lambda: w2.commit_page.isComplete())
    assert w2.result is not None and w2.result.added == 2
    with units.db.session() as s:
        b = s.scalar(select(Unit.id).where(Unit.credit_code == CODE_B))
        a = s.scalar(select(Unit.id).where(Unit.credit_code == CODE_A))
        dates = {
            (r.unit_id, r.date) for r in s.scalars(select(Recognition).where(Recognition.unit_id.in_((a, b))))
        }
    assert dates == {
        (a, date(2024, 11, 8)),
        (b, date(2024, 11, 8)),
        (a, date(2025, 10, 20)),
        (b, date(2025, 10, 20)),
    }
    w2.ops.wait()


def test_a_list_with_its_own_columns_skips_the_whole_list_page(units, qtbot, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高新技术企业", "2022-12-01"],
    ]
    w = _wizard(units, qtbot)
    w.file_page.path_edit.setText(str(xlsx(tmp_path / "r.xlsx", rows)))
    next_page(qtbot, w, lambda: w.sheet_page.isComplete())
    next_page(qtbot, w, lambda: w.mapping_page.isComplete())
    next_page(qtbot, w, lambda: w.plan is not None)
    assert w.currentPage() is w.check_page and w.plan.ok
    assert not w.check_page.tabs.isTabVisible(w.check_page.names_index)
    w.ops.wait()


def test_an_unknown_type_wording_is_answered_in_the_wizard_and_remembered(units, qtbot, tmp_path):
    rows = [
        ["企业名称", "统一社会信用代码", "类别", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "国家级高企（复审）", "2024-11-08"],
        ["包头市乙机械有限公司", CODE_B, "国家级高企（复审）", "2024-11-08"],
    ]
    path = xlsx(tmp_path / "复审.xlsx", rows)
    w = _wizard(units, qtbot)
    w.file_page.path_edit.setText(str(path))
    next_page(qtbot, w, lambda: w.sheet_page.isComplete())
    next_page(qtbot, w, lambda: w.mapping_page.isComplete())
    next_page(qtbot, w, lambda: w.plan is not None)
    check = w.check_page
    assert w.plan.unknown_titles == ["国家级高企（复审）"] and len(w.plan.errors) == 2
    assert check.tabs.currentIndex() == check.names_index
    check.title_resolver.choose(0, "hte", "国家")
    w.plan = None
    qtbot.mouseClick(check.recheck, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.plan is not None and check.idle(), timeout=10000)
    assert w.plan.ok and w.plan.added == 2
    next_page(qtbot, w, lambda: w.commit_page.isComplete())
    assert [(a.kind_label, a.shown, a.meaning) for a in list_answers(units)] == [
        ("认定类型措辞", "国家级高企（复审）", "国家高新技术企业")
    ]
    w.ops.wait()
    again = preview(units, xlsx(tmp_path / "again.xlsx", rows))  # the next list: no question
    assert again.ok and not again.unknown_titles and again.unchanged == 2
