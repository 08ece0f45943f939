"""The 应享资金 lines, the plan rows, the letters and the instalments waiting for a letter are
read as plain rows (the pages show 80,000 lines and more at a city's scale); here they are held
equal to a reading through the ORM objects, one object at a time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kjdesk.policy.catalog import load_builtin
from kjdesk.services.demo import build_demo
from kjdesk.services.disbursement.plan import load_rows
from kjdesk.services.entitlements import STATE_LABELS, recompute_all, subject_ref_of
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.letters import LETTER_STATES, pending_letters, void_letter
from kjdesk.services.letters.content import payee_of
from kjdesk.services.letters.rows import letter_row, list_letters
from kjdesk.services.register import PersonInput, update_person
from kjdesk.services.register.records import describe_subject, list_recognitions
from kjdesk.store.models import Entitlement, Instalment, Letter, Payment, Person, Platform, Recognition, Unit
from kjdesk.validation import mask_id_number

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kjdesk.services.core.app import App

    app = App.open(tmp_path_factory.mktemp("list") / "demo.sqlite", actor="演示")
    build_demo(app, "baotou")
    # one person without an employer: the line has no unit, code or 旗县区
    with app.db.session() as s:
        person = s.scalars(select(Person).join(Entitlement, Entitlement.person_id == Person.id)).first()
        pid, name, number = person.id, person.name, person.id_number
    update_person(app, pid, PersonInput(name=name, id_number=number, employer_unit_id=None))
    recompute_all(app)
    # a letter voided and issued again, and one voided only (its instalment waits for a letter)
    issued = list_letters(app)
    void_letter(app, issued[0].number, "金额有误", reissue=True, issued_on=date(2026, 11, 23))
    void_letter(app, issued[1].number, "单位名称有误")
    # a person's instalment approved for a letter addressed to the person (no payee unit)
    with app.db.session() as s:
        ent = s.scalars(select(Entitlement).where(Entitlement.person_id == pid)).first()
        ent.payee_unit_id = None
        ent.instalments[0].state = "approved"
    yield app
    app.close()


def _orm_lines(app, **where) -> list[tuple]:
    """What each line says, read through the ORM objects one entitlement at a time."""
    clauses = {c.id: c for c in load_builtin("baotou").clauses}
    out = []
    with app.db.session() as s:
        for ent in s.scalars(select(Entitlement).order_by(Entitlement.id)):
            if where.get("clause_id") and ent.clause_id != where["clause_id"]:
                continue
            if where.get("unit_id") is not None and ent.payee_unit_id != where["unit_id"]:
                continue
            if ent.unit_id is not None:
                unit = s.get(Unit, ent.unit_id)
                subject, kind, masked = unit.name, "unit", ""
            elif ent.platform_id is not None:
                platform = s.get(Platform, ent.platform_id)
                unit, subject, kind, masked = platform.host, platform.name, "platform", ""
            else:
                person = s.get(Person, ent.person_id)
                unit, subject, kind = person.employer, person.name, "person"
                masked = mask_id_number(person.id_number)
            district = unit.district if unit else ""
            if where.get("district") and district != where["district"]:
                continue
            head = (
                ent.id,
                kind,
                subject,
                unit.name if unit else "",
                unit.credit_code if unit else "",
                masked,
            )
            clause = clauses.get(ent.clause_id)
            tail = (district, ent.clause_id, clause.title if clause else "", ent.total_fen, ent.status)
            tail += (ent.payment_wording, ent.explanation)
            insts = sorted(ent.instalments, key=lambda i: (i.year, i.id))
            if not insts and where.get("year") is None:
                out.append((*head, None, None, 0, "", None, "", *tail))
            for i in insts:
                if where.get("year") is not None and i.year != where["year"]:
                    continue
                label = STATE_LABELS.get(i.state, i.state)
                note = i.review_note or i.cancelled_reason
                out.append((*head, i.id, i.year, i.amount_fen, label, i.pending_amount_fen, note, *tail))
    return out


def _line(x) -> tuple:
    head = (x.entitlement_id, x.subject_kind, x.subject_name, x.unit_name, x.credit_code, x.person_id_masked)
    mid = (x.instalment_id, x.year, x.amount_fen, x.state, x.pending_amount_fen, x.review_note)
    tail = (x.district, x.clause_id, x.clause_title, x.total_fen, x.status, x.payment_wording, x.explanation)
    return (*head, *mid, *tail)


@pytest.mark.parametrize(
    "where",
    [
        {},
        {"year": 2025},
        {"year": 2031},
        {"clause_id": "BT-06-hte-cert"},
        {"district": "昆都仑区"},
        {"unit_id": 3},
    ],
)
def test_lines_are_what_the_objects_say(demo, where):
    lines = [_line(x) for x in list_entitlements(demo, **where)]
    assert lines == _orm_lines(demo, **where)
    if not where:  # the reading covers every kind of line
        kinds = {(x[1], x[3] == "", x[6] is None) for x in lines}
        assert {("unit", False, False), ("platform", False, False), ("person", True, False)} <= kinds
        assert any(x[6] is None for x in lines)  # an entitlement without instalments


def test_plan_rows_are_what_the_objects_say(demo):
    rows = load_rows_of(demo, None)
    assert len(rows) > 100
    with demo.db.session() as s:
        for r in rows:
            inst = s.get(Instalment, r.instalment_id)
            ent = inst.entitlement
            paid = sum(p.amount_fen for p in inst.payments)
            ent_paid = sum(p.amount_fen for i in ent.instalments for p in i.payments)
            assert (r.entitlement_id, r.year, r.amount_fen, r.state) == (
                ent.id,
                inst.year,
                inst.amount_fen,
                inst.state,
            )
            assert (r.clause_id, r.recognition_id, r.paid_fen, r.entitlement_paid_fen) == (
                ent.clause_id,
                ent.recognition_id,
                paid,
                ent_paid,
            )
            rec = s.get(Recognition, ent.recognition_id) if ent.recognition_id else None
            assert r.doc_number == (rec.doc_number if rec else "")
        assert s.scalar(select(Payment.id).limit(1)) is not None  # the demo has payments to add up


def load_rows_of(app, years):
    with app.db.session() as s:
        return load_rows(s, "baotou", years)


def test_letters_are_what_the_objects_say(demo):
    rows = list_letters(demo)
    with demo.db.session() as s:
        expected = []
        for letter in s.scalars(select(Letter).order_by(Letter.year, Letter.seq)):
            ent = s.get(Entitlement, letter.entitlement_id)
            unit = s.get(Unit, letter.unit_id) if letter.unit_id else None
            inst = s.get(Instalment, letter.instalment_id) if letter.instalment_id else None
            replaces = s.get(Letter, letter.replaces_id) if letter.replaces_id else None
            newer = s.scalars(select(Letter.number).where(Letter.replaces_id == letter.id)).first()
            expected.append(
                (letter.id, letter.number, letter.kind, letter.addressee, unit.district if unit else "")
                + (ent.clause_id, inst.year if inst else letter.year, letter.amount_fen, letter.status)
                + (letter.void_reason, replaces.number if replaces else "", newer or "", letter.sha256)
            )
    assert [
        (r.id, r.number, r.kind, r.addressee, r.district, r.clause_id, r.budget_year, r.amount_fen, r.status)
        + (r.void_reason, r.replaces_number, r.replaced_by_number, r.sha256)
        for r in rows
    ] == expected
    assert {r.status for r in rows} == {"有效", "已作废"}
    assert any(r.replaces_number for r in rows) and any(r.replaced_by_number for r in rows)
    with demo.db.session() as s:  # one letter alone reads the same as in the list
        assert [letter_row(s, s.get(Letter, r.id)) for r in rows[:3]] == rows[:3]


def test_letters_waiting_are_what_the_objects_say(demo):
    waiting = pending_letters(demo, None)
    voided = next(r.instalment_id for r in list_letters(demo) if r.void_reason == "单位名称有误")
    with demo.db.session() as s:
        lettered = set(s.scalars(select(Letter.instalment_id).where(Letter.status == "有效")))
        q = (
            select(Instalment)
            .join(Entitlement)
            .where(Instalment.state.in_(LETTER_STATES), Instalment.amount_fen > 0)
            .where(Instalment.pending_amount_fen.is_(None))
            .order_by(Entitlement.clause_id, Instalment.id)
        )
        expected = []
        for inst in s.scalars(q):
            if inst.id in lettered:
                continue
            payee = payee_of(s, inst.entitlement)
            district = payee.unit.district if payee.unit else ""
            expected.append((inst.id, inst.entitlement.clause_id, payee.addressee, district, inst.amount_fen))
    assert [
        (w.instalment_id, w.clause_id, w.addressee, w.district, w.amount_fen) for w in waiting
    ] == expected
    assert any(w.addressee.endswith("同志") and w.district == "" for w in waiting)  # to a person
    assert any(w.instalment_id == voided for w in waiting)


def test_recognitions_name_their_subjects_as_one_at_a_time(demo):
    rows = list_recognitions(demo)
    with demo.db.session() as s:
        expected = [describe_subject(s, subject_ref_of(s.get(Recognition, r.id))) for r in rows]
    assert [(r.subject_name, r.credit_code, r.district) for r in rows] == expected
    assert {r.subject_kind for r in rows} == {"unit", "platform", "person"}
    unit_id = next(r.subject_id for r in rows if r.subject_kind == "unit")
    assert {r.id for r in list_recognitions(demo, unit_id)} <= {r.id for r in rows}
