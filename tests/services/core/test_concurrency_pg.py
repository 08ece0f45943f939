"""Several officers on one PostgreSQL server at the same moment (threads released together).

Needs ``KJDESK_TEST_PG`` (skipped otherwise): payments, approvals and letter numbers must
come out exactly as if the officers had taken turns, and the audit chain must not fork.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select

from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.officers import create_officer
from kjdesk.services.core.settings import initialize
from kjdesk.services.disbursement.approval import approve_batch, cancel_instalment, propose_batch
from kjdesk.services.disbursement.payments import record_payment, reverse_payment
from kjdesk.services.letters import issue_letter
from kjdesk.services.register import UnitInput, add_unit, list_units, update_unit
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.store.models import AuditEvent, Instalment, Letter, Payment
from tests.conftest import make_credit_code
from tests.letters_data import catalog, seed  # noqa: F401
from tests.services.disbursement.disbursement_data import PASSWORD, officers, seed_plan, sign_in

WORKERS = 8


@pytest.fixture
def pg_app(pg_url):
    a = App.open(pg_url, actor="测试员")
    initialize(a, "baotou")
    yield a
    a.close()


def at_once(jobs):
    """Run the callables in WORKERS threads released by one barrier; each result or its ServiceError."""
    barrier = threading.Barrier(len(jobs))

    def run(job):  # noqa: ANN001, ANN202
        barrier.wait()
        try:
            return job()
        except ServiceError as exc:
            return exc

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _approved(who, ids):  # noqa: ANN001, ANN202
    batch = propose_batch(who["jb1"], 2025, ids)
    approve_batch(who["fh1"], batch.id)


def test_eight_officers_paying_one_instalment_never_pay_more_than_its_amount(pg_app):
    data, who = seed_plan(pg_app), officers(pg_app)
    iid = data.instalment_ids["c/2025"]  # 50,000.00 元
    _approved(who, [iid])
    clerks = [who["jb1"], who["jb2"], who["admin"]]
    results = at_once(
        [
            lambda i=i: record_payment(clerks[i % 3], iid, date(2025, 6, 1), f"记-{i:03d}", 1_000_000)
            for i in range(WORKERS)
        ]
    )
    paid = [r for r in results if not isinstance(r, ServiceError)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(paid) == 5 and len(refused) == 3  # 5 × 10,000.00 = 50,000.00, no more
    assert all("已全额拨付" in str(e) for e in refused)
    with pg_app.db.session() as s:
        assert s.scalar(select(func.sum(Payment.amount_fen)).where(Payment.instalment_id == iid)) == 5_000_000
        assert s.get(Instalment, iid).state == "paid"
    assert verify_audit(pg_app) is None


def test_eight_officers_paying_the_whole_amount_at_once_pay_it_once(pg_app):
    data, who = seed_plan(pg_app), officers(pg_app)
    iid = data.instalment_ids["d/2025"]  # 12,345.67 元
    _approved(who, [iid])
    results = at_once(
        [
            lambda i=i: record_payment(who["jb1"], iid, date(2025, 6, 1), f"记-{i}", 1_234_567)
            for i in range(WORKERS)
        ]
    )
    assert sum(not isinstance(r, ServiceError) for r in results) == 1
    with pg_app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 1
    assert verify_audit(pg_app) is None


def test_eight_checkers_approving_one_batch_approve_it_once(pg_app):
    data, who = seed_plan(pg_app), officers(pg_app)
    for n in range(3, WORKERS + 1):
        create_officer(who["admin"], f"fh{n}", f"fh{n}", "复核人", PASSWORD)
    checkers = [sign_in(pg_app, f"fh{n}", PASSWORD) for n in range(1, WORKERS + 1)]
    ids = [data.instalment_ids["a/2025"], data.instalment_ids["c/2025"]]
    batch = propose_batch(who["jb1"], 2025, ids)
    results = at_once([lambda c=c: approve_batch(c, batch.id) for c in checkers])
    won = [r for r in results if not isinstance(r, ServiceError)]
    assert len(won) == 1
    assert all("不能再复核" in str(r) and won[0].reviewed_by in str(r) for r in results if r is not won[0])
    with pg_app.db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "审批")) == 1
        assert {s.get(Instalment, i).approved_by for i in ids} == {won[0].reviewed_by}
    assert verify_audit(pg_app) is None


@pytest.mark.usefixtures("catalog")
def test_eight_officers_issuing_letters_at_once_number_them_without_gap_or_duplicate(pg_app):
    ids = seed(pg_app, 2 * WORKERS)
    day = date(2026, 11, 23)
    pairs = [ids[i::WORKERS] for i in range(WORKERS)]
    results = at_once([lambda p=p: [issue_letter(pg_app, i, issued_on=day).seq for i in p] for p in pairs])
    assert not [r for r in results if isinstance(r, ServiceError)]
    with pg_app.db.session() as s:
        seqs = sorted(s.scalars(select(Letter.seq).where(Letter.year == 2026)))
    assert seqs == list(range(1, 2 * WORKERS + 1))
    assert verify_audit(pg_app) is None


@pytest.mark.usefixtures("catalog")
def test_eight_officers_issuing_the_same_letter_at_once_issue_it_once(pg_app):
    (iid,) = seed(pg_app, 1)
    results = at_once(
        [lambda: issue_letter(pg_app, iid, issued_on=date(2026, 11, 23)) for _ in range(WORKERS)]
    )
    assert Counter(isinstance(r, ServiceError) for r in results) == {True: WORKERS - 1, False: 1}
    assert all("已签发通知书" in str(r) for r in results if isinstance(r, ServiceError))
    with pg_app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Letter)) == 1
    assert verify_audit(pg_app) is None


def test_eight_officers_reversing_one_payment_reverse_it_once(pg_app):
    data, who = seed_plan(pg_app), officers(pg_app)
    iid = data.instalment_ids["c/2025"]
    _approved(who, [iid])
    paid = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 5_000_000)
    results = at_once(
        [
            lambda i=i: reverse_payment(who["jb2"], paid.id, f"录错{i}", on=date(2025, 6, 2))
            for i in range(WORKERS)
        ]
    )
    assert sum(not isinstance(r, ServiceError) for r in results) == 1
    assert all("已被冲销" in str(r) for r in results if isinstance(r, ServiceError))
    with pg_app.db.session() as s:
        assert s.scalar(select(func.sum(Payment.amount_fen)).where(Payment.instalment_id == iid)) == 0
        assert s.get(Instalment, iid).state == "approved"
    assert verify_audit(pg_app) is None


def test_paying_and_cancelling_one_instalment_at_once_never_cancel_a_paid_one(pg_app):
    data, who = seed_plan(pg_app), officers(pg_app)
    iid = data.instalment_ids["c/2025"]
    _approved(who, [iid])
    jobs = [lambda: record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 1_000_000)] * (WORKERS // 2)
    jobs += [lambda: cancel_instalment(who["jb2"], iid, "单位已注销")] * (WORKERS // 2)
    at_once(jobs)
    with pg_app.db.session() as s:
        inst = s.get(Instalment, iid)
        paid = s.scalar(
            select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(Payment.instalment_id == iid)
        )
        assert (inst.state == "cancelled" and paid == 0) or (inst.state != "cancelled" and paid > 0)
    assert verify_audit(pg_app) is None


def test_eight_officers_doing_different_work_at_once_all_finish_and_keep_one_chain(pg_app):
    """Register edits, new units, payments and a proposal at the same moment: no deadlock, no fork."""
    data, who = seed_plan(pg_app), officers(pg_app)
    iid, uid = data.instalment_ids["c/2025"], data.unit_ids["包头钢联科技有限公司"]
    _approved(who, [iid])
    jobs = [
        lambda i=i: add_unit(
            who["jb1"],
            UnitInput(f"并发新增{i}号公司", make_credit_code(f"91150200MA0{90 + i:06d}"), district="青山区"),
        )
        for i in range(2)
    ]
    jobs += [
        lambda i=i: update_unit(
            who["jb2"],
            uid,
            UnitInput(
                "包头钢联科技有限公司",
                make_credit_code("91150200MA0000002"),
                district="昆都仑区",
                note=f"备注{i}",
            ),
        )
        for i in range(2)
    ]
    jobs += [
        lambda i=i: record_payment(who["jb1"], iid, date(2025, 6, 1), f"记-{i}", 1_000_000) for i in range(2)
    ]
    jobs += [lambda: propose_batch(who["jb2"], 2025, [data.instalment_ids["d/2025"]])] * 2
    results = at_once(jobs)
    errors = [r for r in results if isinstance(r, ServiceError)]
    assert len(errors) == 1 and "只有“计划”状态的可以报批" in str(errors[0])  # the second proposal
    with pg_app.db.session() as s:
        assert s.scalar(select(func.sum(Payment.amount_fen)).where(Payment.instalment_id == iid)) == 2_000_000
    assert len(list_units(pg_app)) == 6
    assert verify_audit(pg_app) is None


PAY_IN_A_PROCESS = """
import sys, time
from datetime import date
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.disbursement.payments import record_payment
url, iid, start, n = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
app = App.open(url, actor=f"经办人{n}")
app.role = "经办人"
time.sleep(max(0.0, start - time.time()))
try:
    record_payment(app, iid, date(2025, 6, 1), f"记-{n}", 1_000_000)
    print("paid")
except ServiceError as exc:
    print("refused", exc)
app.close()
"""


def test_eight_programs_paying_one_instalment_pay_exactly_its_amount(pg_app, pg_url):
    """Eight separate kjdesk processes (eight PCs), each with its own connection, at the same second."""
    data, who = seed_plan(pg_app), officers(pg_app)
    iid = data.instalment_ids["c/2025"]  # 50,000.00 元
    _approved(who, [iid])
    start = time.time() + 4  # every process has connected and migrated by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PAY_IN_A_PROCESS, pg_url, str(iid), str(start), str(n)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(WORKERS)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert sum(o.startswith("paid") for o in outputs) == 5
    assert sum(o.startswith("refused") and "已全额拨付" in o for o in outputs) == 3
    with pg_app.db.session() as s:
        assert s.scalar(select(func.sum(Payment.amount_fen)).where(Payment.instalment_id == iid)) == 5_000_000
        assert s.get(Instalment, iid).state == "paid"
    assert verify_audit(pg_app) is None
