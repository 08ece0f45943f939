"""The 计划与审批 and 总览 pages and the sign-in dialog, driven as officers would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from kjdesk.services.disbursement import deadlines
from kjdesk.services.disbursement.plan import year_plan
from kjdesk.ui.pages.plan.dialogs import PayDialog, ReasonDialog, ReverseDialog
from kjdesk.ui.start.sign_in import FirstAdminDialog, SignInDialog
from tests.services.disbursement.disbursement_data import PASSWORD, officers, seed_plan
from tests.ui.conftest import open_page, type_text

THIS_YEAR = date.today().year


@pytest.fixture
def world(app):
    data = seed_plan(app)
    return data, officers(app)


def rows(page) -> list[list[str]]:
    m = page.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def col(page, title: str) -> int:
    return [c.title for c in page.model.columns].index(title)


def set_year(page, qtbot, year: int) -> None:
    page.loaded = False
    if page.year == year:  # the page may have opened on it (the earliest year with open items)
        page.reload()
    page.year_box.setValue(year)
    qtbot.waitUntil(lambda: page.loaded and page.data.plan.year == year, timeout=5000)


def select_ids(page, ids) -> None:
    sel = page.view.selectionModel()
    sel.clearSelection()
    for r in range(page.model.rowCount()):
        if page.model.row_id(r) in ids:
            sel.select(
                page.model.index(r, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def select_batch(page, batch_id: int) -> None:
    m = page.batch_model
    r = m.row_of_id(batch_id)
    page.batch_view.selectionModel().select(
        m.index(r, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def wait_reload(page, qtbot, action) -> None:  # noqa: ANN001
    page.loaded = False
    action()
    qtbot.waitUntil(lambda: page.loaded, timeout=5000)


def active_dialog(kind):  # noqa: ANN001
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert found, f"no open {kind.__name__}"
    return found[-1]


def test_propose_approve_pay_and_reverse_through_the_page(app, world, make_window, qtbot):
    data, who = world
    # The 经办人 proposes the lab's instalment.
    window = make_window(who["jb1"])
    page = open_page(window, qtbot, "plans")
    set_year(page, qtbot, 2025)
    assert len(rows(page)) == 4
    assert "2025 年计划 <b>662,345.67</b> 元（4 笔）" in page.totals.text()
    iid = data.instalment_ids["c/2025"]
    select_ids(page, {iid})
    assert page.buttons["propose"].isEnabled() and not page.buttons["approve"].isEnabled()
    wait_reload(page, qtbot, page.buttons["propose"].click)
    state = {r[0]: r[col(page, "状态")] for r in rows(page)}
    assert state[str(iid)] == "已报批"
    assert "已报批：批次 1" in page.notice.text()

    # The same 经办人 cannot approve; a 复核人 can.
    assert not page.buttons["approve"].isEnabled()
    checker = make_window(who["fh1"])
    cpage = open_page(checker, qtbot, "plans")
    set_year(cpage, qtbot, 2025)
    select_batch(cpage, 1)
    assert cpage.buttons["approve"].isEnabled() and not cpage.buttons["propose_all"].isEnabled()
    wait_reload(cpage, qtbot, cpage.buttons["approve"].click)
    assert {r[0]: r[col(cpage, "状态")] for r in rows(cpage)}[str(iid)] == "已审批"

    # The 复核人 never records the payment: a 经办人 does, through the dialog.
    select_ids(cpage, {iid})
    assert not cpage.buttons["pay"].isEnabled()
    payer = make_window(who["jb2"])
    cpage = open_page(payer, qtbot, "plans")
    set_year(cpage, qtbot, 2025)
    select_ids(cpage, {iid})
    cpage.buttons["pay"].click()
    dialog = active_dialog(PayDialog)
    type_text(qtbot, dialog.voucher_edit, "记-2025-061")
    dialog.amount_edit.clear()
    type_text(qtbot, dialog.amount_edit, "2万")
    wait_reload(cpage, qtbot, dialog.buttons.accepted.emit)
    row = next(r for r in rows(cpage) if r[0] == str(iid))
    assert (row[col(cpage, "已拨（元）")], row[col(cpage, "未拨（元）")], row[col(cpage, "状态")]) == (
        "20,000.00",
        "30,000.00",
        "部分拨付",
    )

    # The reversal restores the open amount.
    select_ids(cpage, {iid})
    cpage.buttons["reverse"].click()
    qtbot.waitUntil(
        lambda: any(isinstance(w, ReverseDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    )
    rdialog = active_dialog(ReverseDialog)
    rdialog.buttons.accepted.emit()
    assert rdialog.error.text() == "请填写原因" and rdialog.isVisible()
    rdialog.reason_edit.setPlainText("凭证号录错")
    wait_reload(cpage, qtbot, rdialog.buttons.accepted.emit)
    row = next(r for r in rows(cpage) if r[0] == str(iid))
    assert (row[col(cpage, "已拨（元）")], row[col(cpage, "未拨（元）")], row[col(cpage, "状态")]) == (
        "0.00",
        "50,000.00",
        "已审批",
    )
    assert next(r for r in year_plan(app, 2025).rows if r.instalment_id == iid).open_fen == 5_000_000


def test_return_with_reason_and_post_subsidy_refusal_are_shown(app, world, make_window, qtbot):
    data, who = world
    maker = open_page(make_window(who["jb1"]), qtbot, "plans")
    set_year(maker, qtbot, 2025)
    select_ids(maker, {data.instalment_ids["b/2025"]})
    wait_reload(maker, qtbot, maker.buttons["propose"].click)
    checker = open_page(make_window(who["fh1"]), qtbot, "plans")
    set_year(checker, qtbot, 2025)
    select_batch(checker, 1)
    checker.refusal = None
    checker.buttons["approve"].click()
    qtbot.waitUntil(lambda: checker.refusal is not None, timeout=5000)
    shown = checker.refusal.informativeText()
    assert "包头钢联科技有限公司" in shown and "认定文号" in shown
    checker.refusal.close()
    checker.buttons["return"].click()
    dialog = active_dialog(ReasonDialog)
    dialog.reason_edit.setPlainText("缺高企证书")
    wait_reload(checker, qtbot, dialog.buttons.accepted.emit)
    assert checker.batch_model.row_tuple(0)[1:3] == ("已退回", 0)
    assert checker.batch_model.row_tuple(0)[-1] == "缺高企证书"


def test_export_writes_the_disbursement_sheet(app, world, make_window, qtbot, tmp_path):
    _, who = world
    page = open_page(make_window(who["jb1"]), qtbot, "plans")
    set_year(page, qtbot, 2025)
    target = tmp_path / "明细.xlsx"
    page.export("disbursement", str(target))
    qtbot.waitUntil(lambda: "已导出" in page.notice.text(), timeout=10000)
    total = next(r for r in load_workbook(target).active.iter_rows(values_only=True) if r[1] == "合计")
    assert round(total[6] * 100) == 66_234_567  # 元 to the 分
    # the summary may be had in 万元, from the same menu
    titles = [a.text() for a in page.export_button.menu().actions()]
    assert "应享资金汇总表（万元）" in titles
    summary = tmp_path / "汇总.xlsx"
    page.notice.setText("")
    page.export("summary", str(summary), in_wan=True)
    qtbot.waitUntil(lambda: "已导出" in page.notice.text(), timeout=10000)
    ws = load_workbook(summary).active
    assert "单位：万元" in [c.value for c in ws[2]]


def test_overview_shows_totals_chart_and_reminders(app, world, make_window, qtbot):
    from kjdesk.store.models import Recognition

    data, who = world
    with app.db.session() as s:  # a 高企 certificate that runs out in 40 days
        granted = date.today() - timedelta(days=3 * 365 - 40)
        s.add(
            Recognition(
                unit_id=data.unit_ids["青山智造股份有限公司"], type_id="hte", level="国家", date=granted
            )
        )
    page = open_page(make_window(who["jb1"]), qtbot, "overview")
    texts = [page.expiring_list.item(i).text() for i in range(page.expiring_list.count())]
    assert any("青山智造股份有限公司" in t and "高新技术企业" in t for t in texts)
    n = len(texts)  # the title counts them, and those due within 30 days (this one is due in 40)
    soon = sum(1 for t in texts if int(t.rsplit("还有 ", 1)[1].split(" 天")[0]) <= 30)
    assert page.expiring_box.title() == f"90 天内到期的认定（共 {n} 项，其中 30 天内 {soon} 项）"
    # the page hands its plan rows to the reminders: the same as the reminders reading their own
    alone = deadlines.reminders(app)
    shown = page.data.reminders
    assert (shown.unapproved_count, shown.unapproved_fen) == (alone.unapproved_count, alone.unapproved_fen)
    assert shown.unapproved_count > 0
    per_year = page.chart_per_year
    assert list(per_year) == list(range(THIS_YEAR, THIS_YEAR + 5))
    expected = {y: sum(r.amount_fen for r in year_plan(app, y).rows) for y in per_year}
    assert per_year == expected
    assert page.chart.series()[0].barSets()[0].count() == 5
    # 万元 with two decimals on the cards; the axis in whole ticks with separators
    planned = year_plan(app, THIS_YEAR)
    from kjdesk.money import format_wan

    assert page.values["planned"][0].text() == format_wan(planned.total_fen, places=2)
    assert all(len(page.values[k][0].text().rsplit(".", 1)[-1]) == 2 for k in ("planned", "approved", "paid"))
    [y_axis] = [a for a in page.chart.axes() if a.orientation() == Qt.Orientation.Vertical]
    labels = y_axis.categoriesLabels()
    assert labels[0] == "0" and all(label.replace(",", "").isdigit() for label in labels)
    steps = {
        int(b.replace(",", "")) - int(a.replace(",", "")) for a, b in zip(labels, labels[1:], strict=False)
    }
    assert len(steps) == 1 and steps.pop() >= 1
    assert not page.targets_box.isVisibleTo(page)


def test_sign_in_dialog_refuses_a_wrong_password_then_signs_in(app, world, qtbot):
    dialog = SignInDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.user_edit, "fh1")
    type_text(qtbot, dialog.password_edit, "wrong-password")
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "用户名或密码不正确" and dialog.signed_in is None
    type_text(qtbot, dialog.password_edit, PASSWORD)
    dialog.try_sign_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.signed_in.actor, dialog.signed_in.role) == ("fh1", "复核人")


def test_first_run_creates_the_first_admin(app, qtbot):
    dialog = FirstAdminDialog(app)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.user_edit, "admin")
    type_text(qtbot, dialog.password_edit, "admin-pass-1")
    type_text(qtbot, dialog.again_edit, "admin-pass-2")
    dialog.create()
    assert dialog.error.text() == "两次输入的密码不一致"
    dialog.again_edit.setText("admin-pass-1")
    dialog.create()
    assert dialog.signed_in is not None and dialog.signed_in.role == "管理员"


def test_wuhai_overview_shows_target_progress_bars(wuhai_app, qtbot, make_window):
    from kjdesk.store.models import Recognition
    from tests.services.disbursement.disbursement_data import add_unit

    with wuhai_app.db.session() as s:
        for i in range(10):
            u = add_unit(s, f"乌海高企{i}有限公司", "海勃湾区", 200 + i)
            s.add(Recognition(unit_id=u.id, type_id="hte", level="国家", date=date(2024, 6, 1)))
    page = open_page(make_window(wuhai_app), qtbot, "overview")
    assert page.targets_box.isVisibleTo(page)
    bar = page.bars["WH-T-11-hte"]
    assert (bar.value(), bar.maximum()) == (10, 40) and bar.text().startswith("10 / 40 家")
    assert "WH-T-06-national-hitech-zone" not in page.bars  # qualitative: no bar


def test_calendar_dialog_enters_and_confirms_a_year(app, qtbot):
    from PySide6.QtCore import QDate

    from kjdesk.services.disbursement.deadlines import add_receipt, list_receipts
    from kjdesk.ui.pages.plan.calendar_dialog import CalendarDialog
    from kjdesk.ui.workers import Hub, Operations

    who = officers(app)
    add_receipt(who["jb1"], date(2027, 4, 28), 5_000_000, "内财教〔2027〕1号")
    hub = Hub()
    hub.ops = Operations(hub)
    dialog = CalendarDialog(who["jb1"], hub)
    qtbot.addWidget(dialog)
    dialog.year_box.setValue(2027)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    assert "尚未确认" in dialog.status.text() and dialog.confirm_button.isEnabled()
    for d in range(1, 6):
        dialog.day_edit.setDate(QDate(2027, 5, d))
        dialog.name_edit.setText("劳动节")
        dialog.loaded = False
        dialog.add_button.click()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    dialog.day_edit.setDate(QDate(2027, 5, 8))
    dialog.kind_box.setCurrentIndex(1)
    dialog.loaded = False
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.loaded and dialog.model.rowCount() == 6, timeout=5000)
    assert dialog.model.row_tuple(5) == ("2027-05-08", "调休上班", "劳动节")
    dialog.source_edit.setText("国办发明电〔2026〕X号")
    dialog.loaded = False
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: "补算了 1 个" in dialog.notice.text() and dialog.loaded, timeout=5000)
    assert not dialog.add_button.isEnabled() and "已由 jb1 确认" in dialog.status.text()
    assert list_receipts(app)[0].due_on == date(2027, 6, 11)
    hub.ops.wait()


def test_officers_dialog_adds_an_account_and_resets_a_password(app, qtbot):
    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.core.officers import sign_in
    from kjdesk.ui.admin.officers import OfficersDialog
    from kjdesk.ui.workers import Hub, Operations

    who = officers(app)
    hub = Hub()
    hub.ops = Operations(hub)
    dialog = OfficersDialog(who["admin"], hub)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.model.rowCount() == 5, timeout=5000)
    type_text(qtbot, dialog.user_edit, "fh3")
    dialog.role_box.setCurrentText("复核人")
    dialog.password_edit.setText("fuhe-pass-3")
    dialog.again_edit.setText("fuhe-pass-3")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.loaded and dialog.model.rowCount() == 6, timeout=5000)
    assert sign_in(app, "fh3", "fuhe-pass-3").role == "复核人"
    dialog.view.selectRow(dialog.model.row_of_id(dialog.model.row_tuple(5)[0]))
    dialog.reset_edit.setText("short")
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: "至少 8 位" in dialog.notice.text(), timeout=5000)
    dialog.reset_edit.setText("fuhe-pass-4")
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: "已重置" in dialog.notice.text(), timeout=5000)
    with pytest.raises(ServiceError):
        sign_in(app, "fh3", "fuhe-pass-3")
    assert sign_in(app, "fh3", "fuhe-pass-4").actor == "fh3"
    hub.ops.wait()


def test_checker_accepts_a_recomputed_amount_from_the_page(app, world, make_window, qtbot):
    from kjdesk.services.disbursement.approval import approve_batch, propose_batch
    from kjdesk.store.models import Instalment

    data, who = world
    iid = data.instalment_ids["a/2025"]
    approve_batch(who["fh1"], propose_batch(who["jb1"], 2025, [iid]).id)
    with app.db.session() as s:
        inst = s.get(Instalment, iid)
        inst.pending_amount_fen, inst.review_note = (
            25_000_000,
            "待复核：原金额 300,000.00 元，重算金额 250,000.00 元",
        )
    page = open_page(make_window(who["fh2"]), qtbot, "plans")
    set_year(page, qtbot, 2025)
    row = next(r for r in rows(page) if r[0] == str(iid))
    assert "待复核" in row[col(page, "备注")]
    select_ids(page, {iid})
    assert page.buttons["accept"].isEnabled()
    wait_reload(page, qtbot, page.buttons["accept"].click)
    row = next(r for r in rows(page) if r[0] == str(iid))
    assert (row[col(page, "本年金额（元）")], row[col(page, "备注")]) == ("250,000.00", "")


def test_approval_refusal_offers_to_register_the_missing_evidence_in_place(app, world, make_window, qtbot):
    from kjdesk.store.models import Recognition
    from kjdesk.ui.pages.register.evidence_dialog import EvidenceDialog

    data, who = world
    maker = open_page(make_window(who["jb1"]), qtbot, "plans")
    set_year(maker, qtbot, 2025)
    select_ids(maker, {data.instalment_ids["a/2025"], data.instalment_ids["b/2025"]})
    wait_reload(maker, qtbot, maker.buttons["propose"].click)
    checker = open_page(make_window(who["fh1"]), qtbot, "plans")
    set_year(checker, qtbot, 2025)
    select_batch(checker, 1)
    checker.refusal = None
    checker.buttons["approve"].click()
    qtbot.waitUntil(lambda: checker.refusal is not None, timeout=5000)
    box = checker.refusal
    assert "以下 1 项须先补齐" in box.text()
    assert box.informativeText() == "包头钢联科技有限公司：（六）国家高新技术企业认定，缺少认定文号和证明材料"
    assert "D11" not in box.text() + box.informativeText()
    fix = [b for b in box.buttons() if b.objectName() == "fix"][0]
    assert box.defaultButton() is fix
    fix.click()
    dialog = active_dialog(EvidenceDialog)
    assert dialog.ids == [data.recognition_ids["b-hte"]]
    assert not dialog.ok.isEnabled()
    type_text(qtbot, dialog.text, "认定文件及证书复印件已存档")
    dialog.doc.setText("内科发〔2025〕20号")
    wait_reload(checker, qtbot, dialog.ok.click)
    with app.db.session() as s:
        rec = s.get(Recognition, data.recognition_ids["b-hte"])
        assert (rec.evidence, rec.doc_number) == ("认定文件及证书复印件已存档", "内科发〔2025〕20号")
    select_batch(checker, 1)
    wait_reload(checker, qtbot, checker.buttons["approve"].click)
    assert checker.batch_model.row_tuple(0)[1] == "已审批"


def test_plan_page_registers_evidence_for_the_years_missing_items(app, world, make_window, qtbot):
    from kjdesk.ui.pages.register.evidence_dialog import EvidenceDialog

    data, who = world
    page = open_page(make_window(who["jb1"]), qtbot, "plans")
    set_year(page, qtbot, 2025)
    page.buttons["evidence"].click()
    dialog = active_dialog(EvidenceDialog)
    assert dialog.ids == [data.recognition_ids["b-hte"]]
    assert dialog.doc.placeholderText() == "其中 1 条还没有认定文号"
    dialog.text.setPlainText("存档盒 7")
    wait_reload(page, qtbot, dialog.ok.click)
    page.buttons["evidence"].click()  # the 文号 is still missing: the dialog again, for it alone
    dialog = active_dialog(EvidenceDialog)
    assert dialog.doc.placeholderText() == "其中 1 条还没有认定文号"
    dialog.doc.setText("内科发〔2025〕20号")
    wait_reload(page, qtbot, dialog.ok.click)
    page.buttons["evidence"].click()
    assert page.notice.text() == "2025 年待审批的后补助都已有认定文号和证明材料"


def test_the_page_opens_on_the_earliest_year_with_items_not_yet_approved(app, world, make_window, qtbot):
    page = open_page(make_window(world[1]["jb1"]), qtbot, "plans")
    assert page.year == 2025 and page.data.plan.year == 2025  # not this year: the seeded money lies in 2025…
    assert page.model.rowCount() > 0
    where = page.where.text()
    assert where.startswith("尚未审批的拨付计划在：2025 年 4 笔 662,345.67 元；2026 年 2 笔 59,876.54 元")
    assert "2026 年" in where  # …and the years after it are named


def test_propose_all_asks_first_with_count_and_total(app, world, make_window, qtbot, monkeypatch):
    import kjdesk.ui.pages.plan.page as plan_mod

    page = open_page(make_window(world[1]["jb1"]), qtbot, "plans")
    set_year(page, qtbot, 2025)
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        plan_mod, "confirm", lambda _p, title, text, yes="": asked.append((text, yes)) or False
    )
    page.buttons["propose_all"].click()
    assert asked == [
        (
            "把 2025 年全部“计划”状态的拨付编为一个报批批次：\n共 4 笔，合计 662,345.67 元（66.23 万元）。\n"
            "报批后金额不再随重算改变，交复核人审批。",
            "报批 4 笔",
        )
    ]
    assert not page.ops.busy and {r.state for r in year_plan(app, 2025).rows} == {
        "planned"
    }  # refused: nothing sent
    monkeypatch.setattr(plan_mod, "confirm", lambda *a, **k: True)
    wait_reload(page, qtbot, page.buttons["propose_all"].click)
    assert {r.state for r in year_plan(app, 2025).rows} == {"proposed"}


def test_batches_name_the_officers_not_their_logins(app, world, make_window, qtbot):
    from kjdesk.services.core.officers import create_officer, sign_in

    data, who = world
    create_officer(who["admin"], "wangjb", "王建波", "经办人", PASSWORD)
    maker = sign_in(app, "wangjb", PASSWORD)
    window = make_window(maker)
    from PySide6.QtWidgets import QLabel

    assert window.findChild(QLabel, "current_user").text() == "当前用户：王建波（经办人）"
    page = open_page(window, qtbot, "plans")
    set_year(page, qtbot, 2025)
    select_ids(page, {data.instalment_ids["c/2025"]})
    wait_reload(page, qtbot, page.buttons["propose"].click)
    titles = [c.title for c in page.batch_model.columns]
    shown = page.batch_model.index(0, titles.index("报批人")).data()
    assert shown == "王建波"
