"""可享政策 of a unit: owed, refused with the reason, and what it (and its platforms, people) could get."""

from __future__ import annotations

from datetime import date

import pytest

from kjdesk.policy.model import SubjectKind
from kjdesk.services.core.app import ServiceError
from kjdesk.services.entitlements.eligibility import unit_eligibility
from kjdesk.services.register import PersonInput, PlatformInput, UnitInput, add_person, add_platform, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from tests.conftest import make_credit_code, make_id_number

CODE = make_credit_code("91150203MA0N00001")


def by(rows, group, label=None):
    return {r.clause_id: r for r in rows if r.group == group and (label is None or r.subject_label == label)}


@pytest.fixture
def unit(app):
    # 所属领域 生物医药: one the text names for BT-06-hte-priority (D14)
    u = add_unit(
        app, UnitInput(name="包头稀土科技公司", credit_code=CODE, district="稀土高新区", industry="生物医药")
    )
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2022, 12, 1), "国科火字〔2022〕1号")
    )
    lab = add_platform(app, PlatformInput("稀土重点实验室", "kl", "自治区", u.id))
    # Recognised before the policy took effect (2021-08-14): refused, D10.
    add_recognition(
        app,
        RecognitionInput(SubjectKind.PLATFORM, lab.id, "kl", "自治区", date(2021, 3, 1), "内科发〔2021〕5号"),
    )
    return u


def test_owed_clause_with_its_amount_and_held_non_cash_measure(app, unit):
    rows = unit_eligibility(app, unit.id)
    held = by(rows, "已享受", "本单位")
    assert held["BT-06-hte-cert"].amount_fen == 30_000_000
    assert held["BT-06-hte-cert"].availability == "应享" and held["BT-06-hte-cert"].cash
    priority = held["BT-06-hte-priority"]  # non-cash: holds the 高企 recognition it needs
    assert not priority.cash and priority.amount_fen == 0
    assert "可按本条享受" in priority.note
    assert [r.group for r in rows] == sorted(
        (r.group for r in rows), key=["已享受", "不符合", "可争取"].index
    )


def test_a_non_cash_measure_whose_condition_is_unrecorded_is_held_as_to_verify(app, unit):
    """“电子新材料、生物医药、医疗器械等高技术产业领域的国家高新技术企业给予优先培育重点支持”:
    a 高企 of a field the text does not name is 须核实 until the officer records 高技术产业领域."""
    from dataclasses import replace

    from kjdesk.services.register import get_unit, update_unit

    row = get_unit(app, unit.id)
    fields = {k: v for k, v in row.__dict__.items() if k in UnitInput.__dataclass_fields__}
    update_unit(app, unit.id, replace(UnitInput(**fields), industry="新能源"))
    priority = by(unit_eligibility(app, unit.id), "已享受", "本单位")["BT-06-hte-priority"]
    assert (priority.availability, priority.cash, priority.amount_fen) == ("须核实", False, 0)
    assert "须核实：电子新材料、生物医药、医疗器械等高技术产业领域" in priority.note


def test_refused_clause_says_why(app, unit):
    refused = by(unit_eligibility(app, unit.id), "不符合", "平台：稀土重点实验室")
    row = refused["BT-08-r-kl"]
    assert row.amount_fen == 0 and row.availability == "不予支持"
    assert any("施行" in r for r in row.reasons), row.reasons
    assert "施行" in row.note


def test_could_still_qualify_lists_clauses_for_that_kind_of_subject(app, unit):
    rows = unit_eligibility(app, unit.id)
    unit_open = by(rows, "可争取", "本单位")
    # an enterprise could become a 小巨人 (needs a valid 高企, which it has) or spend on R&D
    assert "BT-06-little-giant" in unit_open and "BT-05-rd-expense" in unit_open
    assert any("小巨人" in m for m in unit_open["BT-06-little-giant"].missing)
    assert (
        "BT-07-tech-transfer-cit" in unit_open and not unit_open["BT-07-tech-transfer-cit"].cash
    )  # non-cash too
    assert "BT-10-r-hitech-zone" not in unit_open  # a park's clause, not an enterprise's
    assert "BT-06-hte-cert" not in unit_open  # already owed
    lab_open = by(rows, "可争取", "平台：稀土重点实验室")
    assert "BT-08-nkl" in lab_open  # the lab may go up to national level
    assert "BT-09-n-incubator" not in lab_open  # it cannot become an incubator
    assert all(r.subject_kind == "platform" for r in lab_open.values())


def test_people_of_the_unit_are_included(app, unit):
    person = add_person(
        app,
        PersonInput(
            name="王技术",
            id_number=make_id_number("15020319800101123"),
            employer_unit_id=unit.id,
            role="技术经纪人",
        ),
    )
    rows = unit_eligibility(app, unit.id)
    mine = [r for r in rows if r.subject_kind == "person" and r.subject_id == person.id]
    assert mine and all(r.subject_label == "人员：王技术" for r in mine)
    assert "BT-13-broker-award" in {r.clause_id for r in mine if r.group == "可争取"}
    assert not any(r.clause_id.startswith("BT-06") for r in mine)  # enterprise clauses are not a person's


def test_wuhai_discretionary_clause_is_held_awaiting_an_amount(wuhai_app):
    u = add_unit(wuhai_app, UnitInput(name="乌海化工", credit_code=CODE, district="乌达区"))
    add_recognition(
        wuhai_app,
        RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2023, 11, 1), "内科发〔2023〕2号"),
    )
    row = by(unit_eligibility(wuhai_app, u.id), "已享受")["WH-11-hte"]
    assert row.availability == "待录入金额" and row.amount_fen == 0
    assert row.note == "待经办人录入金额及依据"


def test_unknown_unit_is_refused_in_chinese(app):
    with pytest.raises(ServiceError, match="没有编号为 999 的单位"):
        unit_eligibility(app, 999)
