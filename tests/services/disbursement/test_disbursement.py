"""The yearly plan, two-person approval, payments and reversals, closed years."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kjdesk.services.core.app import ServiceError
from kjdesk.services.disbursement.approval import (
    accept_recomputed_amount,
    approve_batch,
    cancel_instalment,
    list_batches,
    propose_batch,
    return_batch,
)
from kjdesk.services.disbursement.payments import record_payment, reverse_payment
from kjdesk.services.disbursement.plan import commitments, year_plan
from kjdesk.services.disbursement.years import close_year, reopen_year
from kjdesk.store.models import AuditEvent, Instalment, Recognition
from tests.services.disbursement.disbursement_data import officers, seed_plan


@pytest.fixture
def world(app):
    data = seed_plan(app)
    return data, officers(app)


def _by_id(plan):
    return {r.instalment_id: r for r in plan.rows}


def test_year_plan_lists_the_year_and_totals_by_clause_district_and_wording(app, world):
    data, _ = world
    plan = year_plan(app, 2025)
    assert {r.instalment_id for r in plan.rows} == {
        data.instalment_ids[k] for k in ("a/2025", "b/2025", "c/2025", "d/2025")
    }
    assert plan.total_fen == 30_000_000 + 30_000_000 + 5_000_000 + 1_234_567
    districts = {t.key: t.amount_fen for t in plan.by_district}
    assert districts == {"稀土高新区": 30_000_000, "昆都仑区": 31_234_567, "青山区": 5_000_000}
    wording = {t.key: (t.count, t.amount_fen) for t in plan.by_wording}
    assert wording == {"后补助": (3, 61_234_567), "资金支持": (1, 5_000_000)}
    assert sum(t.amount_fen for t in plan.by_clause) == plan.total_fen
    lab_row = _by_id(plan)[data.instalment_ids["c/2025"]]
    assert lab_row.unit_name == "青山智造股份有限公司" and "稀土功能材料重点实验室" in lab_row.note


def test_commitments_cover_five_years_of_the_schedules(app, world):
    rows = {c.clause_id: c for c in commitments(app, 2025)}
    assert rows["BT-08-r-kl"].by_year_fen == {y: 5_000_000 for y in range(2025, 2030)}
    assert rows["BT-08-r-kl"].total_fen == 25_000_000
    assert rows["BT-05-rd-expense"].by_year_fen[2026] == 987_654
    later = {c.clause_id: c for c in commitments(app, 2027)}
    assert set(later) == {"BT-08-r-kl"} and later["BT-08-r-kl"].total_fen == 15_000_000


def test_nobody_approves_their_own_proposal(app, world):
    data, who = world
    batch = propose_batch(who["admin"], 2025, [data.instalment_ids["c/2025"]])
    with pytest.raises(ServiceError, match="无权审批或退回：需要复核人"):  # a 管理员 proposes, never approves
        approve_batch(who["admin"], batch.id)
    assert (
        year_plan(app, 2025).rows
        and _by_id(year_plan(app, 2025))[data.instalment_ids["c/2025"]].state == "proposed"
    )
    approved = approve_batch(who["fh1"], batch.id)
    assert approved.state == "approved" and approved.reviewed_by == "fh1"


def test_a_maker_cannot_approve_and_a_checker_cannot_propose(world):
    data, who = world
    with pytest.raises(ServiceError, match="无权"):
        propose_batch(who["fh1"], 2025)
    batch = propose_batch(who["jb1"], 2025, [data.instalment_ids["c/2025"]])
    with pytest.raises(ServiceError, match="无权"):
        approve_batch(who["jb2"], batch.id)


def test_post_subsidy_without_doc_number_and_evidence_is_refused(app, world):
    data, who = world
    batch = propose_batch(who["jb1"], 2025, [data.instalment_ids["a/2025"], data.instalment_ids["b/2025"]])
    with pytest.raises(ServiceError) as err:
        approve_batch(who["fh1"], batch.id)
    message = str(err.value)
    assert "包头钢联科技有限公司" in message and "认定文号" in message and "佐证材料" in message
    assert "包头稀土新材料有限公司" not in message
    states = {r.instalment_id: r.state for r in year_plan(app, 2025).rows}
    assert states[data.instalment_ids["a/2025"]] == "proposed"  # nothing changed
    with app.db.session() as s:
        rec = s.get(Recognition, data.recognition_ids["b-hte"])
        rec.doc_number = "内科发〔2025〕20号"
        rec.evidence = "证书编号 GR202515000456"
    approve_batch(who["fh1"], batch.id)
    states = {r.instalment_id: r.state for r in year_plan(app, 2025).rows}
    assert states[data.instalment_ids["b/2025"]] == "approved"


def test_return_with_reason_puts_the_instalments_back_to_planned(app, world):
    data, who = world
    batch = propose_batch(who["jb1"], 2025)
    assert batch.count == 4 and batch.amount_fen == 66_234_567
    with pytest.raises(ServiceError, match="原因"):
        return_batch(who["fh1"], batch.id, "  ")
    returned = return_batch(who["fh1"], batch.id, "研发费用鉴证报告未附")
    assert returned.state == "returned" and returned.return_reason == "研发费用鉴证报告未附"
    assert all(r.state == "planned" and r.batch_id is None for r in year_plan(app, 2025).rows)
    assert list_batches(app, 2025)[0].state_label == "已退回"


def _approve(who, ids):
    batch = propose_batch(who["jb1"], 2025, ids)
    approve_batch(who["fh1"], batch.id)


def test_partial_payment_leaves_the_rest_open_and_never_exceeds_the_amount(app, world):
    data, who = world
    iid = data.instalment_ids["c/2025"]
    with pytest.raises(ServiceError, match="尚未经复核人审批"):
        record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 1_000_000)
    _approve(who, [iid])
    record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 2_000_000)
    row = _by_id(year_plan(app, 2025))[iid]
    assert (row.paid_fen, row.open_fen, row.state, row.state_label) == (
        2_000_000,
        3_000_000,
        "approved",
        "部分拨付",
    )
    with pytest.raises(ServiceError, match="超过该计划尚未拨付的 30,000.00 元"):
        record_payment(who["jb1"], iid, date(2025, 6, 2), "记-002", 3_000_001)
    record_payment(who["jb1"], iid, date(2025, 6, 2), "记-002", 3_000_000)
    row = _by_id(year_plan(app, 2025))[iid]
    assert (row.paid_fen, row.open_fen, row.state) == (5_000_000, 0, "paid")
    with pytest.raises(ServiceError, match="已全额拨付"):
        record_payment(who["jb1"], iid, date(2025, 6, 3), "记-003", 1)


def test_a_reversal_restores_the_open_amount_and_is_never_repeated(app, world):
    data, who = world
    iid = data.instalment_ids["c/2025"]
    _approve(who, [iid])
    paid = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 5_000_000)
    assert _by_id(year_plan(app, 2025))[iid].state == "paid"
    with pytest.raises(ServiceError, match="原因"):
        reverse_payment(who["jb1"], paid.id, "")
    rev = reverse_payment(who["jb1"], paid.id, "凭证号录错", on=date(2025, 6, 5))
    assert rev.amount_fen == -5_000_000 and rev.reverses_id == paid.id
    row = _by_id(year_plan(app, 2025))[iid]
    assert (row.paid_fen, row.open_fen, row.state) == (0, 5_000_000, "approved")
    with pytest.raises(ServiceError, match="已被冲销"):
        reverse_payment(who["jb1"], paid.id, "再冲一次")
    with pytest.raises(ServiceError, match="本身是冲销记录"):
        reverse_payment(who["jb1"], rev.id, "冲销冲销")
    with app.db.session() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "payment"))]
        actors = {e.actor for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "payment"))}
    assert actions == ["登记拨付", "冲销拨付"] and actors == {"jb1"}


def test_cancel_needs_a_reason_and_nothing_paid(app, world):
    data, who = world
    iid = data.instalment_ids["c/2026"]
    with pytest.raises(ServiceError, match="原因"):
        cancel_instalment(who["jb1"], iid, "")
    cancel_instalment(who["jb1"], iid, "平台已撤销")
    with app.db.session() as s:
        inst = s.get(Instalment, iid)
        assert (inst.state, inst.cancelled_reason, inst.cancelled_by) == ("cancelled", "平台已撤销", "jb1")
    assert {c.clause_id: c for c in commitments(app, 2025)}["BT-08-r-kl"].by_year_fen[2026] == 0
    paid_id = data.instalment_ids["c/2025"]
    _approve(who, [paid_id])
    record_payment(who["jb1"], paid_id, date(2025, 6, 1), "记-001", 1)
    with pytest.raises(ServiceError, match="请先冲销"):
        cancel_instalment(who["jb1"], paid_id, "误报")


def test_a_closed_year_refuses_payments_until_an_admin_reopens_it(app, world):
    data, who = world
    iid = data.instalment_ids["c/2025"]
    _approve(who, [iid])
    with pytest.raises(ServiceError, match="无权"):
        close_year(who["jb1"], 2025)
    close_year(who["admin"], 2025)
    with pytest.raises(ServiceError, match="2025 年度已结账关闭"):
        record_payment(who["jb1"], iid, date(2025, 12, 30), "记-009", 100)
    with pytest.raises(ServiceError, match="原因"):
        reopen_year(who["admin"], 2025, "")
    reopen_year(who["admin"], 2025, "补录 12 月凭证")
    record_payment(who["jb1"], iid, date(2025, 12, 30), "记-009", 100)
    with app.db.session() as s:
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "重新开启年度"))
        assert ev.actor == "admin" and "补录 12 月凭证" in ev.after


def test_a_checker_accepts_a_recomputed_amount_flagged_for_review(app, world):
    data, who = world
    iid = data.instalment_ids["c/2025"]
    _approve(who, [iid])
    record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 3_000_000)
    with app.db.session() as s:  # what a recomputation does to a locked instalment
        inst = s.get(Instalment, iid)
        inst.pending_amount_fen, inst.review_note = (
            2_000_000,
            "待复核：原金额 50,000.00 元，重算金额 20,000.00 元",
        )
    row = _by_id(year_plan(app, 2025))[iid]
    assert row.note.endswith("待复核：原金额 50,000.00 元，重算金额 20,000.00 元")
    with pytest.raises(ServiceError, match="无权"):
        accept_recomputed_amount(who["jb1"], iid)
    with pytest.raises(ServiceError, match="高于重算金额"):
        accept_recomputed_amount(who["fh1"], iid)
    with app.db.session() as s:
        s.get(Instalment, iid).pending_amount_fen = 3_000_000
    accept_recomputed_amount(who["fh1"], iid)
    row = _by_id(year_plan(app, 2025))[iid]
    assert (row.amount_fen, row.paid_fen, row.open_fen, row.state, row.pending_amount_fen) == (
        3_000_000,
        3_000_000,
        0,
        "paid",
        None,
    )
