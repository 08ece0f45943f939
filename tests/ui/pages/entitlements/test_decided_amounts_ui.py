"""乌海's decided amounts in the window (issue 22): the entry dialog (decision, payment year, the
自治区 allocation and the 1:1 floor as you type), batch entry with its total, the plan's 依据 column
and detail pane, the budget and the over-budget reason, 总览's waiting items per year."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from kjdesk.policy.model import SubjectKind
from kjdesk.services.disbursement.budgets import set_budget
from kjdesk.services.disbursement.decisions import DecisionInput, add_decision
from kjdesk.services.disbursement.plan import year_plan
from kjdesk.services.entitlements.entered import enter_batch
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.register import UnitInput, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from kjdesk.ui.pages.entitlements.decision_dialogs import BatchEntryDialog
from kjdesk.ui.pages.entitlements.dialogs import EnterAmountDialog
from kjdesk.ui.pages.plan.dialogs import ReasonDialog
from tests.conftest import make_credit_code
from tests.services.disbursement.disbursement_data import officers
from tests.ui.conftest import open_page, type_text
from tests.ui.pages.entitlements.test_entitlements_page import closed, column
from tests.ui.pages.plan.test_plan_page import active_dialog, col, rows, select_ids, set_year


@pytest.fixture
def town(wuhai_app):
    app = wuhai_app
    units = []
    for n, (name, district) in enumerate(
        (("乌海化工", "海勃湾区"), ("乌达新材", "乌达区"), ("海南碳素", "海南区")), 1
    ):
        units.append(
            add_unit(
                app,
                UnitInput(name=name, credit_code=make_credit_code(f"91150300MA0N{n:05d}"), district=district),
            )
        )
    a, b, c = units
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, b.id, "hte", "国家", date(2023, 11, 1), "国科火字〔2023〕9号")
    )
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, c.id, "hte", "国家", date(2024, 12, 2), "国科火字〔2024〕3号")
    )
    add_recognition(
        app,
        RecognitionInput(
            SubjectKind.UNIT, a.id, "regional_project", "自治区", date(2024, 3, 1), "内科计字〔2024〕7号"
        ),
    )
    d = add_decision(app, DecisionInput("局务会", "纪要〔2026〕3号", date(2026, 3, 10), "2026年第一批兑现"))
    return app, d


def open_entry(page, qtbot, clause_row_text: str) -> EnterAmountDialog:
    page.view.selectRow(column(page, "条款").index(clause_row_text))
    qtbot.mouseClick(page.enter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(EnterAmountDialog) is not None)
    return page.findChild(EnterAmountDialog)


def test_matching_entry_records_the_allocation_and_refuses_below_the_floor_as_you_type(
    town, make_window, qtbot
):
    app, d = town
    page = open_page(make_window(app), qtbot, "entitlements")
    dialog = open_entry(page, qtbot, "（二十）自治区科技项目支持地方配套")
    assert "自治区项目资助额尚未登记" in dialog.about.text()
    assert dialog.year.value() == date.today().year
    dialog.allocation.unit.setCurrentText("万元")
    qtbot.keyClicks(dialog.allocation.edit, "200")
    type_text(qtbot, dialog.allocation_doc, "内财教〔2024〕12号")
    assert "配套不低于 200万元" in dialog.about.text()
    dialog.amount.unit.setCurrentText("万元")
    qtbot.keyClicks(dialog.amount.edit, "150")
    dialog.decision.setCurrentIndex(dialog.decision.findData(d.id))
    dialog.year.setValue(2026)
    assert "低于配套下限 200万元" in dialog.error_of("amount")
    assert not dialog.ok_button.isEnabled()  # refused before saving
    dialog.amount.edit.clear()
    qtbot.keyClicks(dialog.amount.edit, "250")
    dialog.district.unit.setCurrentText("万元")
    qtbot.keyClicks(dialog.district.edit, "50")
    assert dialog.error_of("amount") == "" and dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=8000)
    (row,) = year_plan(app, 2026).rows
    assert (row.amount_fen, row.district_fen, row.decision_id) == (250_000_000, 50_000_000, d.id)
    assert year_plan(app, 2024).rows == []


def test_batch_entry_shows_the_total_and_saves_one_decision_for_all(town, make_window, qtbot):
    app, d = town
    page = open_page(make_window(app), qtbot, "entitlements")
    page.view.selectRow(column(page, "条款").index("（十一）新认定高新技术企业"))
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(BatchEntryDialog) is not None)
    dialog = page.findChild(BatchEntryDialog)
    assert dialog.clause.currentData() == "WH-11-hte" and dialog.list.count() == 2
    dialog.amount.unit.setCurrentText("万元")
    qtbot.keyClicks(dialog.amount.edit, "10")
    assert dialog.total.text() == "2 项 × 100,000.00 元 = 200,000.00 元"
    dialog.waiting_year.setCurrentIndex(dialog.waiting_year.findData(2023))
    assert dialog.list.count() == 1 and dialog.total.text().startswith("1 项")
    dialog.waiting_year.setCurrentIndex(0)
    assert not dialog.ok_button.isEnabled()  # no decision or basis yet
    dialog.decision.setCurrentIndex(dialog.decision.findData(d.id))
    dialog.year.setValue(2026)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=8000)
    plan = year_plan(app, 2026)
    assert plan.total_fen == 20_000_000 and {r.decision_id for r in plan.rows} == {d.id}
    assert [
        x for x in list_entitlements(app) if x.clause_id == "WH-11-hte" and x.status == "待录入金额"
    ] == []


def test_plan_shows_the_basis_budget_and_asks_the_reason_beyond_the_ceiling(
    town, make_window, qtbot, monkeypatch
):
    app, d = town
    asked = []
    monkeypatch.setattr(  # 全部报批 first confirms the count and total (answered 是 here)
        "kjdesk.ui.pages.plan.page.confirm", lambda _w, _title, text, **_k: asked.append(text) or True
    )
    ids = [x.entitlement_id for x in list_entitlements(app) if x.clause_id == "WH-11-hte"]
    enter_batch(app, ids, 10_000_000, 2026, decision_id=d.id)
    set_budget(app, 2026, 15_000_000)
    who = officers(app)
    page = open_page(make_window(who["jb1"]), qtbot, "plans")
    if page.year_box.value() != 2026:
        set_year(page, qtbot, 2026)
    basis = [r[col(page, "依据")] for r in rows(page)]
    assert basis == ["局务会 纪要〔2026〕3号《2026年第一批兑现》"] * 2
    assert "预算上限 15.00 万元" in page.totals.text() and "计划已超出上限" in page.totals.text()
    select_ids(page, {page.model.row_id(0)})
    qtbot.waitUntil(
        lambda: "决定：局务会，纪要〔2026〕3号，2026-03-10" in page.detail.toPlainText(), timeout=5000
    )
    assert "计算说明" in page.detail.toPlainText()
    qtbot.mouseClick(page.buttons["propose_all"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in page.findChildren(ReasonDialog)), timeout=5000)
    assert asked and "共 2 笔" in asked[0]
    dialog = active_dialog(ReasonDialog)
    assert dialog.objectName() == "over_budget"
    type_text(qtbot, dialog.reason_edit, "市政府同意追加")
    dialog.accept()
    qtbot.waitUntil(lambda: "已报批" in page.notice.text(), timeout=5000)
    assert "理由：市政府同意追加" in page.notice.text()


def test_overview_counts_waiting_items_per_year(town, make_window, qtbot):
    app, _d = town
    page = open_page(make_window(app), qtbot, "overview")
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)
    value, sub = page.values["pending"]
    assert value.text() == "3 项"
    assert sub.text() == "2023年 1 项，2024年 2 项"
    assert "未设预算上限" in page.budget_label.text()


def test_target_details_show_baseline_years_names_and_save_a_note(wuhai_app, make_window, qtbot):
    from kjdesk.services.disbursement.target_history import target_history
    from kjdesk.ui.pages.overview.targets_dialog import COLUMNS, TargetsDialog

    app = wuhai_app
    u = add_unit(
        app, UnitInput(name="老高企", credit_code=make_credit_code("91150300MA0N00021"), district="海勃湾区")
    )
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2020, 12, 1), "国科火字〔2020〕1号")
    )
    page = open_page(make_window(app), qtbot, "overview")
    qtbot.waitUntil(lambda: page.targets_button.isVisible(), timeout=5000)
    qtbot.mouseClick(page.targets_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.findChild(TargetsDialog) is not None and page.findChild(TargetsDialog).loaded
    )
    dialog = page.findChild(TargetsDialog)
    titles = [c.title for c in COLUMNS]
    m = dialog.model
    row = next(
        r for r in range(m.rowCount()) if m.index(r, titles.index("目标")).data() == "全市高新技术企业"
    )
    values = [m.index(row, titles.index(t)).data() for t in ("基线", "2021年末", "2022年末", "2023年末")]
    assert values == ["1", "1", "1", "0"]
    dialog.view.selectRow(row)
    dialog.year_box.setCurrentIndex(dialog.year_box.findData(None))
    assert dialog.names.toPlainText().splitlines() == ["2021-07-15 仍有效：1 家", "老高企"]
    zone = next(
        r for r in range(m.rowCount()) if "国家高新技术产业开发区" in m.index(r, titles.index("目标")).data()
    )
    dialog.view.selectRow(zone)
    dialog.note.setPlainText("已提交创建申请")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.text() == "已保存说明", timeout=5000)
    assert {t.id: t.note for t in target_history(app)}["WH-T-06-national-hitech-zone"] == "已提交创建申请"


def test_batch_entry_applies_this_years_standard_to_earlier_recognitions(town, make_window, qtbot):
    from kjdesk.services.entitlements.entered import set_standard

    app, _d = town
    set_standard(app, "WH-11-hte", 2026, 8_000_000, "乌科发〔2026〕1号")
    page = open_page(make_window(app), qtbot, "entitlements")
    page.view.selectRow(column(page, "条款").index("（十一）新认定高新技术企业"))
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(BatchEntryDialog) is not None)
    dialog = page.findChild(BatchEntryDialog)
    dialog.year.setValue(2025)
    assert "2025 年没有设置" in dialog.standard_note.text()
    dialog.year.setValue(2026)
    assert (
        dialog.amount.value_fen() == 8_000_000 and dialog.basis.text() == "2026 年度标准（乌科发〔2026〕1号）"
    )
    assert dialog.total.text() == "2 项 × 80,000.00 元 = 160,000.00 元"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=8000)
    plan = year_plan(app, 2026)
    assert plan.total_fen == 16_000_000 and {r.basis for r in plan.rows} == {
        "2026 年度标准（乌科发〔2026〕1号）"
    }


def test_budget_is_set_from_the_plan_page_and_the_pending_sheet_exported(town, make_window, qtbot, tmp_path):
    from openpyxl import load_workbook

    from kjdesk.services.disbursement.budgets import budget_status
    from kjdesk.ui.pages.entitlements.decision_dialogs import BudgetDialog

    app, _d = town
    window = make_window(app)
    page = open_page(window, qtbot, "plans")
    qtbot.mouseClick(page.buttons["budget"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(BudgetDialog) is not None)
    dialog = page.findChild(BudgetDialog)
    dialog.year.setValue(2026)
    dialog.amount.unit.setCurrentText("万元")
    qtbot.keyClicks(dialog.amount.edit, "500")
    type_text(qtbot, dialog.note, "乌财预〔2026〕1号")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=5000)
    status = budget_status(app, 2026)
    assert (status.total.ceiling_fen, status.total.note) == (500_000_000, "乌财预〔2026〕1号")

    ents = open_page(window, qtbot, "entitlements")
    ents.year_box.setCurrentIndex(ents.year_box.findData(2024))
    ents.export_pending(str(tmp_path / "pending.xlsx"))
    qtbot.waitUntil(lambda: "已导出待决定事项表" in ents.notice.text(), timeout=5000)
    data = [
        r
        for r in load_workbook(tmp_path / "pending.xlsx").active.iter_rows(values_only=True)
        if isinstance(r[0], int)
    ]
    assert sorted(r[3] for r in data) == ["乌海化工", "海南碳素"]


def test_reopening_an_entered_amount_starts_from_it(town, make_window, qtbot):
    app, d = town
    ids = [x.entitlement_id for x in list_entitlements(app) if x.clause_id == "WH-11-hte"]
    enter_batch(app, ids[:1], 10_000_000, 2025, decision_id=d.id)
    page = open_page(make_window(app), qtbot, "entitlements")
    r = next(i for i, t in enumerate(column(page, "状态")) if t == "应享")
    page.view.selectRow(r)
    qtbot.mouseClick(page.enter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(EnterAmountDialog) is not None)
    dialog = page.findChild(EnterAmountDialog)
    assert (dialog.year.value(), dialog.amount.value_fen(), dialog.decision.currentData()) == (
        2025,
        10_000_000,
        d.id,
    )
    dialog.year.setValue(2026)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(dialog), timeout=8000)
    assert year_plan(app, 2025).rows == [] and year_plan(app, 2026).total_fen == 10_000_000
