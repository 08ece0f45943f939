"""Recomputing entitlements from the register: idempotent, never rewrites committed money."""

from datetime import date

import pytest
from sqlalchemy import func, select

from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.app import ServiceError
from kjdesk.services.entered import EnteredInput, enter_amount
from kjdesk.services.entitlement_list import list_entitlements
from kjdesk.services.entitlements import recompute_all
from kjdesk.services.records import RecognitionInput, add_recognition, delete_recognition, update_recognition
from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit
from kjdesk.store.models import AuditEvent, Instalment
from tests.conftest import make_credit_code

CODE = make_credit_code("91150203MA0N00001")


@pytest.fixture
def unit(app):
    return add_unit(app, UnitInput(name="包头稀土科技公司", credit_code=CODE, district="稀土高新区"))


def hte(unit_id, d=date(2022, 12, 1), **kw):
    return RecognitionInput(SubjectKind.UNIT, unit_id, "hte", "国家", d, "国科火字〔2022〕1号", **kw)


def _audit_count(app):
    with app.db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_recognition_creates_entitlement_and_recompute_is_idempotent(app, unit):
    add_recognition(app, hte(unit.id))
    (line,) = list_entitlements(app)
    assert (line.clause_id, line.year, line.amount_fen, line.status) == ("BT-06-hte-cert", 2022, 30_000_000, "应享")
    assert "认定为国家高新技术企业，给予30万元后补助资金支持" in line.explanation
    before = _audit_count(app)
    summary = recompute_all(app)
    assert (summary.added, summary.changed, summary.removed, summary.flagged) == (0, 0, 0, 0)
    assert _audit_count(app) == before
    assert list_entitlements(app) == [line]


def test_recognition_before_effective_date_is_not_paid(app, unit):
    add_recognition(app, hte(unit.id, date(2021, 8, 13)))
    (line,) = list_entitlements(app)
    assert line.status == "无适用政策" and line.amount_fen == 0


def _set_state(app, clause_id, years, state):
    with app.db.session() as s:
        for inst in s.scalars(select(Instalment)):
            if inst.entitlement.clause_id == clause_id and inst.year in years:
                inst.state = state


def test_locked_instalment_is_flagged_not_rewritten(app, unit):
    p = add_platform(app, PlatformInput("稀土重点实验室", "kl", "自治区", unit.id))
    rec = add_recognition(app, RecognitionInput(SubjectKind.PLATFORM, p.id, "kl", "自治区", date(2022, 3, 1), "内科发〔2022〕5号"))
    _set_state(app, "BT-08-r-kl", {2022}, "approved")
    # The officer corrects the date to one before the policy: the approved 50 万 is not rewritten.
    update_recognition(app, rec.id, RecognitionInput(SubjectKind.PLATFORM, p.id, "kl", "自治区", date(2021, 3, 1), "内科发〔2021〕5号"))
    (line,) = [x for x in list_entitlements(app) if x.clause_id == "BT-08-r-kl"]
    assert line.amount_fen == 50_000_000 and line.state == "已审批"
    assert line.pending_amount_fen == 0
    assert line.review_note.startswith("待复核：原金额 500,000.00 元，重算金额 0.00 元")


def test_revocation_after_two_paid_years_cancels_the_rest(app, unit):
    p = add_platform(app, PlatformInput("国家重点实验室", "kl", "国家", unit.id))
    rec = add_recognition(app, RecognitionInput(SubjectKind.PLATFORM, p.id, "kl", "国家", date(2022, 5, 1), "国科发〔2022〕5号"))
    _set_state(app, "BT-08-nkl", {2022, 2023}, "paid")
    update_recognition(app, rec.id, RecognitionInput(
        SubjectKind.PLATFORM, p.id, "kl", "国家", date(2022, 5, 1), "国科发〔2022〕5号",
        status="撤销", status_date=date(2024, 3, 1)))
    lines = {x.year: x for x in list_entitlements(app) if x.clause_id == "BT-08-nkl"}
    assert [lines[y].state for y in range(2022, 2027)] == ["已拨付", "已拨付", "已取消", "已取消", "已取消"]
    assert lines[2022].amount_fen == lines[2023].amount_fen == 10_000_000_00
    assert lines[2022].pending_amount_fen is None
    assert "撤销" in lines[2024].review_note


def test_delete_recognition_removes_its_planned_entitlement(app, unit):
    rec = add_recognition(app, hte(unit.id))
    delete_recognition(app, rec.id)
    assert list_entitlements(app) == []


def test_delete_refused_once_money_is_approved(app, unit):
    rec = add_recognition(app, hte(unit.id))
    _set_state(app, "BT-06-hte-cert", {2022}, "approved")
    with pytest.raises(ServiceError, match="撤销"):
        delete_recognition(app, rec.id)


def test_floor_clause_refuses_an_amount_below_the_floor(app, unit):
    p = add_platform(app, PlatformInput("国家稀土新材料技术创新中心", "re_tic", "国家", unit.id))
    add_recognition(app, RecognitionInput(SubjectKind.PLATFORM, p.id, "re_tic", "国家", date(2022, 5, 1), "国科发〔2022〕9号"))
    lines = [x for x in list_entitlements(app, year=2022) if x.clause_id == "BT-02-re-tic"]
    assert lines[0].amount_fen == 30_000_000_00  # the floor, 3000 万元
    with pytest.raises(ServiceError, match="低于"):
        enter_amount(app, EnteredInput(SubjectRef(SubjectKind.PLATFORM, p.id), "BT-02-re-tic", 2022,
                                       29_999_999_99, "市政府常务会议纪要〔2022〕3号"))
    assert [x.amount_fen for x in list_entitlements(app, year=2022) if x.clause_id == "BT-02-re-tic"] == [30_000_000_00]


def test_discretionary_waits_for_an_entered_amount(wuhai_app):
    unit = add_unit(wuhai_app, UnitInput(name="乌海化工", credit_code=CODE, district="乌达区"))
    add_recognition(wuhai_app, RecognitionInput(SubjectKind.UNIT, unit.id, "hte", "国家", date(2023, 11, 1), "内科发〔2023〕2号"))
    (line,) = [x for x in list_entitlements(wuhai_app) if x.clause_id == "WH-11-hte"]
    assert line.status == "待录入金额" and line.amount_fen == 0
    enter_amount(wuhai_app, EnteredInput(SubjectRef(SubjectKind.UNIT, unit.id), "WH-11-hte", 2023, 10_000_000,
                                         "乌海市科技局党组会议纪要〔2023〕12号"))
    (line,) = [x for x in list_entitlements(wuhai_app) if x.clause_id == "WH-11-hte"]
    assert (line.status, line.amount_fen, line.year) == ("应享", 10_000_000, 2023)
    assert "乌海市科技局党组会议纪要〔2023〕12号" in line.explanation
