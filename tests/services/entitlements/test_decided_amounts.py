"""乌海's way of paying (issue 22): amounts decided by the bureau, in the year decided, on a
recorded decision, within a budget; waiting items by year; matching on a recorded allocation."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import ServiceError, ValidationFailed
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.budgets import budget_status, set_budget
from kjdesk.services.disbursement.decisions import DecisionInput, add_decision, list_decisions
from kjdesk.services.disbursement.pending import pending_counts, pending_items
from kjdesk.services.disbursement.plan import year_plan
from kjdesk.services.disbursement.reports import write_pending, write_report
from kjdesk.services.entitlements.entered import (
    enter_amount,
    enter_amounts,
    enter_batch,
    input_for_entitlement,
    record_allocation,
    set_standard,
)
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.conftest import make_credit_code
from tests.services.disbursement.disbursement_data import officers

U, P = SubjectKind.UNIT, SubjectKind.PLATFORM


def unit(app, n: int, name: str, district: str = "海勃湾区"):
    return add_unit(
        app, UnitInput(name=name, credit_code=make_credit_code(f"91150300MA0N{n:05d}"), district=district)
    )


def rec(app, kind, sid, type_id, level, day, doc):
    return add_recognition(app, RecognitionInput(kind, sid, type_id, level, day, doc))


def waiting(app, clause_id):
    return [x for x in list_entitlements(app) if x.clause_id == clause_id and x.status == "待录入金额"]


@pytest.fixture
def town(wuhai_app):
    """Two units, a 自治区 key laboratory (2023), two first 高企 (2023, 2024) and a 自治区 project (2024)."""
    app = wuhai_app
    a = unit(app, 1, "乌海化工")
    b = unit(app, 2, "乌达新材", "乌达区")
    c = unit(app, 3, "海南碳素", "海南区")
    lab = add_platform(app, PlatformInput("自治区煤化工重点实验室", "kl", "自治区", a.id))
    rec(app, P, lab.id, "kl", "自治区", date(2023, 5, 1), "内科发〔2023〕5号")
    rec(app, U, b.id, "hte", "国家", date(2023, 11, 1), "国科火字〔2023〕9号")
    rec(app, U, c.id, "hte", "国家", date(2024, 12, 2), "国科火字〔2024〕3号")
    rec(app, U, a.id, "regional_project", "自治区", date(2024, 3, 1), "内科计字〔2024〕7号")
    return app, a, b, c, lab


def test_an_entered_amount_is_paid_in_the_year_the_officer_chose(town):
    app, a, b, c, lab = town
    lab_ent = waiting(app, "WH-07-r-kl")[0]
    hte = {x.subject_name: x for x in waiting(app, "WH-11-hte")}
    hte_b, hte_c = hte["乌达新材"], hte["海南碳素"]
    d = add_decision(app, DecisionInput("局务会", "纪要〔2026〕3号", date(2026, 3, 10), "2026年第一批兑现"))
    enter_amounts(
        app,
        [
            input_for_entitlement(app, lab_ent.entitlement_id, 30_000_000, 2026, decision_id=d.id),
            input_for_entitlement(app, hte_b.entitlement_id, 10_000_000, 2025, decision_id=d.id),
            input_for_entitlement(app, hte_c.entitlement_id, 12_000_000, 2027, decision_id=d.id),
        ],
    )
    by_year = {
        y: [(r.unit_name, r.clause_id, r.amount_fen) for r in year_plan(app, y).rows]
        for y in range(2023, 2028)
    }
    assert by_year[2023] == [] and by_year[2024] == []
    assert by_year[2025] == [("乌达新材", "WH-11-hte", 10_000_000)]
    assert by_year[2026] == [("乌海化工", "WH-07-r-kl", 30_000_000)]
    assert by_year[2027] == [("海南碳素", "WH-11-hte", 12_000_000)]
    assert year_plan(app, 2026).total_fen == 30_000_000
    (line,) = [x for x in list_entitlements(app, year=2026) if x.clause_id == "WH-07-r-kl"]
    assert "拨付年度：经办人定为 2026 年（触发年度 2023 年）" in line.explanation


def test_the_default_payment_year_is_this_year_not_the_recognitions(town):
    app, *_ = town
    ent = waiting(app, "WH-07-r-kl")[0]
    data = input_for_entitlement(app, ent.entitlement_id, 30_000_000, basis="乌科发〔2026〕1号")
    assert data.year == date.today().year
    enter_amount(app, data)
    assert [r.amount_fen for r in year_plan(app, date.today().year).rows] == [30_000_000]
    assert year_plan(app, 2023).rows == []


def test_a_re_recognised_hte_is_not_new(wuhai_app):
    u = unit(wuhai_app, 9, "乌海老高企")
    rec(wuhai_app, U, u.id, "hte", "国家", date(2020, 12, 1), "国科火字〔2020〕1号")
    rec(wuhai_app, U, u.id, "hte", "国家", date(2023, 12, 5), "国科火字〔2023〕9号")
    lines = sorted(
        [x for x in list_entitlements(wuhai_app) if x.clause_id == "WH-11-hte"],
        key=lambda x: x.entitlement_id,
    )
    assert [x.status for x in lines] == ["无适用政策", "不符合条件"]
    conclusion = [ln for ln in lines[1].explanation.splitlines() if ln.startswith("结论：")][0]
    assert "此前已有该认定（2020-12-01" in conclusion and "不视为新认定" in conclusion
    assert "不视为新认定" in lines[1].explanation  # the reading and the conclusion agree
    assert pending_items(wuhai_app) == []


def test_decisions_are_records_chosen_by_many_amounts(town):
    app, a, b, c, lab = town
    d = add_decision(
        app, DecisionInput("局务会", "纪要〔2026〕3号", date(2026, 3, 10), "2026年第一批兑现", "档案 2026-07")
    )
    with pytest.raises(ValidationFailed, match="已录入"):
        add_decision(app, DecisionInput("局务会", "纪要〔2026〕3号", date(2026, 3, 10), "重复"))
    ids = [x.entitlement_id for x in waiting(app, "WH-11-hte")]
    enter_batch(app, ids, 10_000_000, 2026, decision_id=d.id)
    (row,) = list_decisions(app)
    assert (row.label, row.amounts, row.amounts_fen, row.file_ref) == (
        "局务会 纪要〔2026〕3号",
        2,
        20_000_000,
        "档案 2026-07",
    )
    plan = year_plan(app, 2026)
    assert {(r.unit_name, r.basis_kind, r.basis, r.decision_id) for r in plan.rows} == {
        ("乌达新材", "决定", "局务会 纪要〔2026〕3号《2026年第一批兑现》", d.id),
        ("海南碳素", "决定", "局务会 纪要〔2026〕3号《2026年第一批兑现》", d.id),
    }


def test_the_letter_cites_the_decision(town, tmp_path):
    from kjdesk.services.letters import content as letter_content
    from kjdesk.services.letters import prepare
    from kjdesk.store.models import Instalment

    app, a, b, c, lab = town
    d = add_decision(app, DecisionInput("局务会", "纪要〔2026〕3号", date(2026, 3, 10), "2026年第一批兑现"))
    ent = waiting(app, "WH-07-r-kl")[0]
    enter_amount(app, input_for_entitlement(app, ent.entitlement_id, 30_000_000, 2026, decision_id=d.id))
    (row,) = year_plan(app, 2026).rows
    issuer = prepare(app)
    with app.db.session() as s:
        inst = s.get(Instalment, row.instalment_id)
        _kind, text, _payee, amount = letter_content.compose(
            s,
            issuer.bureau,
            issuer.policy,
            issuer.templates,
            inst.entitlement,
            inst,
            "乌科字〔2026〕1号",
            date(2026, 4, 1),
        )
    body = "".join(text.paragraphs)
    assert amount == 30_000_000
    assert "经乌海市科学技术局局务会议研究（纪要〔2026〕3号），决定给予" in body


def test_waiting_items_belong_to_their_year_and_the_pending_sheet_lists_them(town, tmp_path):
    app, *_ = town
    assert pending_counts(app) == {2023: 2, 2024: 2}
    by_year = {
        y: sorted(x.clause_id for x in list_entitlements(app, year=y) if x.status == "待录入金额")
        for y in (2023, 2024)
    }
    assert by_year == {2023: ["WH-07-r-kl", "WH-11-hte"], 2024: ["WH-11-hte", "WH-20-regional-match"]}
    path, rows = write_pending(app, 2024, tmp_path / "pending.xlsx")
    assert rows == 2
    ws = load_workbook(path).active
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header = next(r for r in values if r[0] == "序号")
    assert tuple(header[:8]) == (
        "序号",
        "所属年度",
        "旗县区",
        "单位名称",
        "事项（条款）",
        "政策原文",
        "认定情况",
        "建议依据",
    )
    data = [r for r in values if isinstance(r[0], int)]
    assert {(r[3], r[4]) for r in data} == {
        ("海南碳素", "（十一）新认定高新技术企业"),
        ("乌海化工", "（二十）自治区科技项目支持地方配套"),
    }
    hte = next(r for r in data if r[3] == "海南碳素")
    assert "给予一定支持" in hte[5] and "2024-12-02" in hte[6] and "国科火字〔2024〕3号" in hte[6]
    assert "待局务会研究决定" in hte[7]
    match = next(r for r in data if r[3] == "乌海化工")
    assert "自治区" in match[7] and "1:1" in match[7]


def test_batch_entry_is_all_or_nothing(town):
    app, *_ = town
    ids = [x.entitlement_id for x in waiting(app, "WH-11-hte")]
    match_id = waiting(app, "WH-20-regional-match")[0].entitlement_id
    with pytest.raises(ServiceError, match="乌海化工"):  # the matching item lacks its allocation
        enter_batch(app, [*ids, match_id], 10_000_000, 2026, basis="乌科发〔2026〕2号")
    assert year_plan(app, 2026).rows == []
    assert len(waiting(app, "WH-11-hte")) == 2


def test_a_yearly_standard_applies_to_earlier_recognitions_in_the_chosen_year(town):
    app, *_ = town
    set_standard(app, "WH-11-hte", 2026, 10_000_000, "乌科发〔2026〕1号")
    # a 2026 standard does not pre-fill the 2023 and 2024 items by itself …
    assert len(waiting(app, "WH-11-hte")) == 2
    # … the officer applies it to them, paid in 2026
    ids = [x.entitlement_id for x in waiting(app, "WH-11-hte")]
    enter_batch(app, ids, 10_000_000, 2026, basis="2026 年度标准（乌科发〔2026〕1号）")
    plan = year_plan(app, 2026)
    assert plan.total_fen == 20_000_000 and {r.basis for r in plan.rows} == {
        "2026 年度标准（乌科发〔2026〕1号）"
    }


def test_matching_needs_the_allocation_and_its_document(town):
    app, a, *_ = town
    ent = waiting(app, "WH-20-regional-match")[0]
    assert "缺少 2024 年的自治区项目资助额" in ent.explanation
    with pytest.raises(ServiceError, match="请先登记自治区下达本项目的资助额"):
        enter_amount(
            app, input_for_entitlement(app, ent.entitlement_id, 150_000_000, 2026, basis="乌科发〔2026〕5号")
        )
    with pytest.raises(ValidationFailed, match="文号"):
        record_allocation(app, ent.entitlement_id, 200_000_000, "")
    record_allocation(app, ent.entitlement_id, 200_000_000, "内财教〔2024〕12号")
    (line,) = [x for x in list_entitlements(app) if x.clause_id == "WH-20-regional-match"]
    assert (line.status, line.year, line.amount_fen) == ("应享", 2024, 200_000_000)
    assert "内财教〔2024〕12号" in line.basis
    with pytest.raises(ServiceError, match="低于下限"):
        enter_amount(
            app, input_for_entitlement(app, line.entitlement_id, 150_000_000, 2026, basis="乌科发〔2026〕5号")
        )
    enter_amount(
        app,
        input_for_entitlement(
            app, line.entitlement_id, 250_000_000, 2026, basis="乌科发〔2026〕5号", district_fen=50_000_000
        ),
    )
    (row,) = year_plan(app, 2026).rows
    assert (row.amount_fen, row.district_fen, row.basis) == (250_000_000, 50_000_000, "乌科发〔2026〕5号")


def test_budget_ceiling_shows_and_a_proposal_beyond_it_needs_a_reason(town, tmp_path):
    app, *_ = town
    ids = [x.entitlement_id for x in waiting(app, "WH-11-hte")]
    enter_batch(app, ids, 10_000_000, 2026, basis="乌科发〔2026〕2号")
    set_budget(app, 2026, 15_000_000, note="乌财预〔2026〕1号")
    status = budget_status(app, 2026)
    assert (status.total.ceiling_fen, status.total.planned_fen, status.total.proposed_fen) == (
        15_000_000,
        20_000_000,
        0,
    )
    assert status.total.over
    who = officers(app)
    with pytest.raises(ServiceError, match="须写明理由"):
        propose_batch(who["jb1"], 2026)
    batch = propose_batch(who["jb1"], 2026, over_budget_reason="市政府同意追加预算")
    assert batch.over_budget_reason == "市政府同意追加预算" and batch.amount_fen == 20_000_000
    approve_batch(who["fh1"], batch.id)
    status = budget_status(app, 2026)
    assert (status.total.approved_fen, status.total.left_fen) == (20_000_000, -5_000_000)
    out = write_report(app, "summary", 2026, tmp_path / "summary.xlsx")
    text = "\n".join(
        str(c) for r in load_workbook(out.path).active.iter_rows(values_only=True) for c in r if c
    )
    assert "预算上限 15.00 万元" in text and "已审批 20.00 万元" in text and "可用余额 -5.00 万元" in text


def test_targets_with_baseline_yearly_values_names_and_note(wuhai_app):
    from kjdesk.services.disbursement.target_history import set_target_note, target_history

    app = wuhai_app
    a, b, c = (unit(app, n, name) for n, name in ((11, "老高企"), (12, "新高企甲"), (13, "新高企乙")))
    rec(
        app, U, a.id, "hte", "国家", date(2020, 12, 1), "国科火字〔2020〕1号"
    )  # valid on 2021-07-15: the baseline
    rec(app, U, b.id, "hte", "国家", date(2022, 11, 1), "国科火字〔2022〕2号")
    rec(app, U, c.id, "hte", "国家", date(2024, 10, 8), "国科火字〔2024〕3号")
    history = {t.id: t for t in target_history(app, today=date(2026, 12, 3))}
    hte = history["WH-T-11-hte"]
    assert (hte.baseline_day, hte.baseline, hte.baseline_names) == (date(2021, 7, 15), 1, ("老高企",))
    assert [(v.year, v.value) for v in hte.years] == [(2021, 1), (2022, 2), (2023, 1), (2024, 2), (2025, 1)]
    assert hte.years[2].names == ("新高企甲",)  # 老高企's 3 years ran out on 2023-12-01
    assert set(hte.years[3].names) == {"新高企甲", "新高企乙"}
    assert hte.years[4].names == ("新高企乙",)  # 新高企甲's ran out on 2025-11-01
    zone = history["WH-T-06-national-hitech-zone"]
    assert zone.qualitative and zone.note == ""
    set_target_note(app, "WH-T-06-national-hitech-zone", "2025年已提交创建申请（乌政字〔2025〕8号）")
    assert {t.id: t.note for t in target_history(app)}["WH-T-06-national-hitech-zone"].startswith(
        "2025年已提交"
    )
    with pytest.raises(ServiceError, match="没有目标"):
        set_target_note(app, "WH-T-99", "x")


def test_a_matched_projects_letter_and_sheet_cite_the_allocation_and_decision(town, tmp_path):
    from kjdesk.services.letters import content as letter_content
    from kjdesk.services.letters import prepare
    from kjdesk.store.models import Instalment

    app, *_ = town
    ent = waiting(app, "WH-20-regional-match")[0]
    record_allocation(app, ent.entitlement_id, 200_000_000, "内财教〔2024〕12号")
    (line,) = [x for x in list_entitlements(app) if x.clause_id == "WH-20-regional-match"]
    (row,) = year_plan(app, 2024).rows
    issuer = prepare(app)
    with app.db.session() as s:
        inst = s.get(Instalment, row.instalment_id)
        _k, text, _p, amount = letter_content.compose(
            s,
            issuer.bureau,
            issuer.policy,
            issuer.templates,
            inst.entitlement,
            inst,
            "乌科字〔2026〕2号",
            date(2026, 4, 1),
        )
    body = "".join(text.paragraphs)
    assert amount == 200_000_000
    assert "你单位承担的自治区科技项目于2024年3月1日获批立项（内科计字〔2024〕7号）" in body
    assert "被认定为" not in body
    assert "按自治区项目资助额（内财教〔2024〕12号）的不低于100%配套" in body
    d = add_decision(app, DecisionInput("主任办公会", "办公会〔2026〕2号", date(2026, 2, 1), "配套资金"))
    enter_amount(
        app,
        input_for_entitlement(
            app, line.entitlement_id, 250_000_000, 2026, decision_id=d.id, district_fen=50_000_000
        ),
    )
    (row26,) = year_plan(app, 2026).rows
    with app.db.session() as s:
        inst = s.get(Instalment, row26.instalment_id)
        _k, text, _p, amount = letter_content.compose(
            s,
            issuer.bureau,
            issuer.policy,
            issuer.templates,
            inst.entitlement,
            inst,
            "乌科字〔2026〕3号",
            date(2026, 4, 1),
        )
    body = "".join(text.paragraphs)
    assert amount == 250_000_000
    assert (
        "经乌海市科学技术局主任办公会议研究（办公会〔2026〕2号），按自治区下达的项目资助（内财教〔2024〕12号）"
        "不低于1:1配套，决定给予" in body
    )
    out = write_report(app, "disbursement", 2026, tmp_path / "d.xlsx")
    cells = [str(c) for r in load_workbook(out.path).active.iter_rows(values_only=True) for c in r if c]
    assert any(
        "依据：主任办公会 办公会〔2026〕2号《配套资金》（市级 2,000,000.00 元，区级 500,000.00 元）" in c
        for c in cells
    )


def test_only_the_text_that_says_so_is_labelled_yi_shi_yi_yi():
    from kjdesk.policy.catalog import load_builtin
    from kjdesk.policy.model import form_label

    wuhai = load_builtin("wuhai")
    assert form_label(wuhai.clause("WH-17-bring-project")) == "一事一议"
    assert form_label(wuhai.clause("WH-11-hte")) == "给予一定支持，金额由本局决定"
    labels = {form_label(c) for c in wuhai.clauses if c.article != "（十七）"}
    assert not any("一事一议" in label for label in labels)


def test_a_checker_does_not_enter_the_amounts_it_approves(town):
    app, *_ = town
    who = officers(app)
    ent = waiting(app, "WH-11-hte")[0]
    with pytest.raises(ServiceError, match="无权"):
        enter_amount(
            who["fh1"],
            input_for_entitlement(app, ent.entitlement_id, 10_000_000, 2026, basis="乌科发〔2026〕1号"),
        )
    with pytest.raises(ServiceError, match="无权"):
        add_decision(who["fh1"], DecisionInput("局务会", "纪要〔2026〕5号", date(2026, 3, 10), "兑现"))
    enter_amount(
        who["jb1"],
        input_for_entitlement(app, ent.entitlement_id, 10_000_000, 2026, basis="乌科发〔2026〕1号"),
    )
    assert year_plan(app, 2026).total_fen == 10_000_000
