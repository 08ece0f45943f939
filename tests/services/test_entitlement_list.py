"""The 应享资金 lines and the plan rows are read as plain rows (the page shows 80,000 lines and
more at a city's scale); here they are held equal to a reading through the ORM objects."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kjdesk.policy.catalog import load_builtin
from kjdesk.services.demo import build_demo
from kjdesk.services.entitlement_list import list_entitlements
from kjdesk.services.entitlements import STATE_LABELS, recompute_all
from kjdesk.services.plan import load_rows
from kjdesk.services.register import PersonInput, update_person
from kjdesk.store.models import Entitlement, Instalment, Payment, Person, Platform, Recognition, Unit
from kjdesk.validation import mask_id_number

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kjdesk.services.app import App

    app = App.open(tmp_path_factory.mktemp("list") / "demo.sqlite", actor="演示")
    build_demo(app, "baotou")
    # one person without an employer: the line has no unit, code or 旗县区
    with app.db.session() as s:
        person = s.scalars(select(Person).join(Entitlement, Entitlement.person_id == Person.id)).first()
        pid, name, number = person.id, person.name, person.id_number
    update_person(app, pid, PersonInput(name=name, id_number=number, employer_unit_id=None))
    recompute_all(app)
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
