"""The plan on instalments written by the real engine (records → recompute), through approval and payment."""

from __future__ import annotations

from datetime import date

import pytest

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import ServiceError
from kjdesk.services.disbursement.approval import approve_batch, propose_batch
from kjdesk.services.disbursement.payments import record_payment
from kjdesk.services.disbursement.plan import commitments, year_plan
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.services.register.records import (
    RecognitionInput,
    add_recognition,
    list_recognitions,
    update_recognition,
)
from tests.conftest import make_credit_code
from tests.services.disbursement.disbursement_data import officers


def test_engine_instalments_flow_through_plan_approval_and_payment(app):
    who = officers(app)
    a = add_unit(
        app,
        UnitInput(
            name="包头稀土科技公司", credit_code=make_credit_code("91150203MA0N00001"), district="稀土高新区"
        ),
    )
    add_recognition(app, RecognitionInput(SubjectKind.UNIT, a.id, "hte", "国家", date(2024, 12, 1), ""))
    lab = add_platform(app, PlatformInput("稀土重点实验室", "kl", "国家", a.id))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.PLATFORM, lab.id, "kl", "国家", date(2024, 5, 1), "国科发〔2024〕5号"),
    )

    plan = year_plan(app, 2024)
    by_wording = {r.payment_wording: r for r in plan.rows}
    assert set(by_wording) >= {"后补助"}
    assert all(r.unit_name == "包头稀土科技公司" and r.district == "稀土高新区" for r in plan.rows)
    assert plan.total_fen == sum(r.amount_fen for r in plan.rows) > 0
    ahead = {c.clause_id: c for c in commitments(app, 2024)}
    assert sum(c.total_fen for c in ahead.values()) >= plan.total_fen

    batch = propose_batch(who["jb1"], 2024)
    with pytest.raises(ServiceError, match="包头稀土科技公司.*缺少认定文号和佐证材料"):
        approve_batch(who["fh1"], batch.id)
    hte = next(r for r in list_recognitions(app) if r.type_id == "hte")
    fields = {k: getattr(hte, k) for k in RecognitionInput.__dataclass_fields__ if hasattr(hte, k)}
    fields.update(
        subject_kind=SubjectKind(hte.subject_kind),
        doc_number="国科火字〔2024〕9号",
        evidence="证书 GR2024150001",
    )
    update_recognition(app, hte.id, RecognitionInput(**fields))
    approve_batch(who["fh1"], batch.id)
    post = next(r for r in year_plan(app, 2024).rows if r.payment_wording == "后补助")
    assert post.state == "approved"  # the recompute after the edit left the approved instalment alone
    record_payment(who["jb1"], post.instalment_id, date(2024, 12, 20), "记-24-1", post.amount_fen)
    assert next(r for r in year_plan(app, 2024).rows if r.instalment_id == post.instalment_id).state == "paid"
