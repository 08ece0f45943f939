"""The 可享政策 tab of a unit's detail: grouped by 已享受 / 不符合（原因） / 可争取."""

from __future__ import annotations

from datetime import date

from kjdesk.policy.model import SubjectKind
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.conftest import make_credit_code
from tests.ui.conftest import open_page

CODE = make_credit_code("91150203MA0N00001")


def test_unit_detail_shows_what_the_unit_gets_is_refused_and_could_get(app, make_window, qtbot):
    u = add_unit(app, UnitInput(name="包头稀土科技公司", credit_code=CODE, district="稀土高新区"))
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2022, 12, 1), "国科火字〔2022〕1号")
    )
    lab = add_platform(app, PlatformInput("稀土重点实验室", "kl", "自治区", u.id))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.PLATFORM, lab.id, "kl", "自治区", date(2021, 3, 1), "内科发〔2021〕5号"),
    )

    page = open_page(make_window(), qtbot, "units")
    page.view.selectRow(0)
    view = page.detail.eligibility
    qtbot.waitUntil(lambda: view.loaded, timeout=5000)
    tabs = page.detail.tabs
    tabs.setCurrentWidget(view)
    assert tabs.tabText(tabs.currentIndex()) == "可享政策"

    assert view.group_texts() == ["已享受（2 项）", "不符合（1 项）", view.group_texts()[2]]
    assert view.group_texts()[2].startswith("可争取（")
    held = view.model.item(0, 0)
    assert view.model.item(0, 1).text() == "300,000.00"  # the total owed, beside the group
    unit = held.child(0, 0)  # the unit has a platform: rows are grouped by subject
    assert unit.text() == "本单位"
    assert [unit.child(0, c).text() for c in range(3)] == ["国家高新技术企业认定", "300,000.00", "应享"]
    refused = view.model.item(1, 0)
    lab = refused.child(0, 0)
    assert lab.text() == "平台：稀土重点实验室"
    assert [lab.child(0, c).text() for c in range(3)] == ["自治区级重点实验室", "", "不予支持"]
    assert "已享受 2 项（应享合计 300,000.00 元）" in view.summary.text()

    assert view.select_clause("BT-08-r-kl", "平台：稀土重点实验室")
    text = view.detail.toPlainText()
    assert "BT-08-r-kl" in text and "原因：" in text and "施行" in text  # the reason, in words
    assert view.select_clause("BT-06-little-giant")
    text = view.detail.toPlainText()
    assert "还需要：" in text and "小巨人" in text


def test_the_detail_leads_with_the_clause_as_the_policy_names_it():
    from kjdesk.ui.pages.register.eligibility_view import row_html

    class Row:
        clause_id, article, title, form_label = "BT-06-hte-cert", "（六）", "国家高新技术企业认定", "一次性"
        subject_label, availability, amount_fen, reasons, missing, group = (
            "本单位",
            "应享",
            30_000_000,
            (),
            (),
            "",
        )

    html = row_html(Row())
    assert html.index("（六）国家高新技术企业认定") < html.index("BT-06-hte-cert")
    assert "条款编号：BT-06-hte-cert" in html
