"""Recomputing skips the subjects whose records have not changed, and skipping is exact.

Skipping is right only if computing again would change nothing: so every test here either
shows a change being picked up, or shows that a forced recomputation (which computes every
subject) finds nothing to change after what the other services do to instalments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.disbursement.approval import (
    accept_recomputed_amount,
    approve_batch,
    cancel_instalment,
    propose_batch,
    return_batch,
)
from kjdesk.services.disbursement.payments import record_payment, reverse_payment
from kjdesk.services.entitlements import recompute_all, recompute_subjects
from kjdesk.services.entitlements.entered import set_standard
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.register import UnitInput, add_unit, delete_unit
from kjdesk.services.register.records import (
    FactInput,
    RecognitionInput,
    add_recognition,
    list_recognitions,
    update_recognition,
    upsert_fact,
)
from kjdesk.store.models import Entitlement, Fact, Instalment, Recognition, RecomputeDigest, Unit
from tests.conftest import make_credit_code
from tests.services.disbursement.disbursement_data import officers

NOTHING = (0, 0, 0, 0)


def _counts(summary):
    return (summary.added, summary.changed, summary.removed, summary.flagged)


def _unit(app, n: int, district: str = "稀土高新区") -> int:
    code = make_credit_code(f"91150203MA0N{n:05d}")
    return add_unit(app, UnitInput(name=f"测试科技公司{n}", credit_code=code, district=district)).id


def _hte(unit_id: int, day: date = date(2025, 3, 1)) -> RecognitionInput:
    return RecognitionInput(
        SubjectKind.UNIT, unit_id, "hte", "国家", day, "国科火字〔2025〕1号", evidence="证书 GR2025150001"
    )


def _instalment_of(app, unit_id: int) -> int:
    with app.db.session() as s:
        return s.scalar(
            select(Instalment.id)
            .join(Entitlement)
            .where(Entitlement.unit_id == unit_id, Entitlement.clause_id == "BT-06-hte-cert")
        )


def _tamper(app, unit_id: int, total_fen: int) -> None:
    """Change a stored total behind the program's back: only a forced recomputation repairs it."""
    with app.db.session() as s:
        s.execute(update(Entitlement).where(Entitlement.unit_id == unit_id).values(total_fen=total_fen))


def _totals(app) -> dict[int, int]:
    with app.db.session() as s:
        return dict(s.execute(select(Entitlement.unit_id, Entitlement.total_fen)).all())


def test_a_second_recompute_skips_every_unchanged_subject(app):
    a, b = _unit(app, 1), _unit(app, 2)
    add_recognition(app, _hte(a))
    add_recognition(app, _hte(b))
    assert recompute_all(app).computed == 2  # no full recomputation yet: nothing is skipped
    # a save recomputes its own subject and records its digest as recompute_all would
    upsert_fact(app, FactInput(SubjectKind.UNIT, b, 2025, "企业规模", text="其他企业"))
    assert recompute_all(app).computed == 0
    assert _counts(recompute_all(app, force=True)) == NOTHING
    _tamper(app, a, 1)
    _tamper(app, b, 1)
    # a's records change; b's do not, so b is skipped and its (tampered) row stays as it is
    upsert_fact(app, FactInput(SubjectKind.UNIT, a, 2025, "企业规模", text="小微企业"))
    assert _totals(app) == {a: 30_000_000, b: 1}
    assert _counts(recompute_all(app)) == NOTHING
    assert _totals(app)[b] == 1
    summary = recompute_all(app, force=True)
    assert _counts(summary) == (0, 1, 0, 0)
    assert _totals(app) == {a: 30_000_000, b: 30_000_000}


def test_a_changed_recognition_or_unit_is_picked_up(app):
    a = _unit(app, 1)
    rec = add_recognition(app, _hte(a))
    update_recognition(app, rec.id, _hte(a, date(2024, 6, 30)))
    assert [(line.year, line.state) for line in list_entitlements(app)] == [(2024, "计划"), (2025, "已取消")]
    assert _counts(recompute_all(app)) == NOTHING
    with app.db.session() as s:  # the unit moved away (a change no service recomputes for here)
        s.execute(update(Unit).where(Unit.id == a).values(moved_out=date(2024, 1, 1)))
    summary = recompute_all(app)
    assert summary.changed == 1
    assert [(line.year, line.state) for line in list_entitlements(app)] != [(2024, "计划"), (2025, "已取消")]
    assert _counts(recompute_all(app)) == NOTHING


def test_a_new_year_recomputes_open_ended_schedules(app):
    a = _unit(app, 1)
    add_recognition(app, _hte(a))
    with app.db.session() as s:
        first = recompute_subjects(s, "测试", "baotou", None, as_of=date(2026, 5, 1))
        same_year = recompute_subjects(s, "测试", "baotou", None, as_of=date(2026, 12, 31))
        next_year = recompute_subjects(s, "测试", "baotou", None, as_of=date(2027, 1, 1))
    assert first.subjects == 1
    assert _counts(same_year) == NOTHING
    # a new year changes the stamp: every subject is computed again (nothing to change here)
    assert _counts(next_year) == NOTHING
    with app.db.session() as s:
        assert s.scalar(select(RecomputeDigest.digest).where(RecomputeDigest.subject == f"unit:{a}")) not in (
            None,
            "",
        )


def test_a_yearly_standard_recomputes_everyone(wuhai_app):
    app = wuhai_app
    a = _unit(app, 1, "海勃湾区")
    upsert_fact(app, FactInput(SubjectKind.UNIT, a, 2025, "企业规模", text="小微企业"))
    recompute_all(app)
    with app.db.session() as s:
        before = s.scalar(select(RecomputeDigest.digest).where(RecomputeDigest.subject == f"unit:{a}"))
    set_standard(app, "WH-07-n-kl", 2025, 1_000_000, "乌科发〔2025〕3号")
    with app.db.session() as s:
        after = s.scalar(select(RecomputeDigest.digest).where(RecomputeDigest.subject == f"unit:{a}"))
    assert before != after


def test_a_subject_whose_records_are_gone_loses_its_planned_entitlements(app):
    a, b = _unit(app, 1), _unit(app, 2)
    add_recognition(app, _hte(a))
    add_recognition(app, _hte(b))
    with app.db.session() as s:  # a's recognition removed without the service's own recompute
        s.execute(update(Entitlement).where(Entitlement.unit_id == a).values(recognition_id=None))
        s.execute(delete(Recognition).where(Recognition.unit_id == a))
    assert _counts(recompute_all(app)) == (0, 0, 1, 0)
    assert _totals(app) == {b: 30_000_000}
    assert _counts(recompute_all(app)) == NOTHING
    delete_unit(app, a)
    assert _counts(recompute_all(app)) == NOTHING
    assert _totals(app) == {b: 30_000_000}


def test_without_the_full_mark_nothing_is_skipped(app):
    """A database from before the digests (or a restored one): the first recompute_all is full."""
    a = _unit(app, 1)
    add_recognition(app, _hte(a))
    _tamper(app, a, 7)
    with app.db.session() as s:
        s.execute(delete(RecomputeDigest).where(RecomputeDigest.subject == "*"))
    assert recompute_all(app).changed == 1
    assert _totals(app) == {a: 30_000_000}
    _tamper(app, a, 7)
    assert _counts(recompute_all(app)) == NOTHING  # the full mark is back: unchanged subjects are skipped
    assert _totals(app) == {a: 7}


@pytest.fixture
def flow(app):
    """Seven units with a 30 万元 hte award each (2025), and the officers of the bureau."""
    who = officers(app)
    units = [_unit(app, n) for n in range(1, 8)]
    for u in units:
        add_recognition(who["jb1"], _hte(u))
    return who, units


def test_a_forced_recompute_changes_nothing_after_what_officers_do(app, flow):
    who, (proposed, approved, part_paid, paid, returned, cancelled, accepted) = flow
    inst = {u: _instalment_of(app, u) for u in flow[1]}
    propose_batch(who["jb1"], 2025, [inst[proposed]])
    batch = propose_batch(who["jb1"], 2025, [inst[approved], inst[part_paid], inst[paid], inst[accepted]])
    approve_batch(who["fh1"], batch.id)
    record_payment(who["jb1"], inst[part_paid], date(2025, 6, 1), "记-001", 1_000_000)
    record_payment(who["jb1"], inst[paid], date(2025, 6, 1), "记-002", 30_000_000)
    back = propose_batch(who["jb1"], 2025, [inst[returned]])
    return_batch(who["fh1"], back.id, "材料不全")
    cancel_instalment(who["jb1"], inst[cancelled], "企业放弃申请")
    # a recognition found to be before the policy: the approved instalment is flagged, then accepted at 0
    (rec,) = list_recognitions(app, accepted)
    rec_id = rec.id
    update_recognition(who["jb1"], rec_id, _hte(accepted, date(2021, 8, 1)))
    flagged = {r.instalment_id: r for r in list_entitlements(app)}[inst[accepted]]
    assert flagged.pending_amount_fen == 0
    accept_recomputed_amount(who["fh1"], inst[accepted])

    before = {(r.instalment_id, r.state, r.amount_fen, r.pending_amount_fen) for r in list_entitlements(app)}
    assert _counts(recompute_all(app, force=True)) == NOTHING
    assert _counts(recompute_all(app)) == NOTHING
    after = {(r.instalment_id, r.state, r.amount_fen, r.pending_amount_fen) for r in list_entitlements(app)}
    assert after == before
    states = {i: s for i, s, _, _ in after}
    assert [states[inst[u]] for u in flow[1]] == [
        "已报批",
        "已审批",
        "已审批",
        "已拨付",
        "计划",
        "已取消",
        "已取消",
    ]


def test_a_reversed_payment_needs_no_recompute(app, flow):
    who, units = flow
    iid = _instalment_of(app, units[0])
    batch = propose_batch(who["jb1"], 2025, [iid])
    approve_batch(who["fh1"], batch.id)
    pay = record_payment(who["jb1"], iid, date(2025, 6, 1), "记-001", 30_000_000)
    reverse_payment(who["jb2"], pay.id, "凭证号录错")
    assert _counts(recompute_all(app, force=True)) == NOTHING


def test_skipping_leaves_the_same_rows_as_computing_everything(app):
    """Many subjects, some changed between runs: the skipping run equals a forced run."""
    ids = [_unit(app, n) for n in range(1, 13)]
    for u in ids:
        add_recognition(app, _hte(u, date(2022 + u % 4, 1 + u % 12, 10)))
        upsert_fact(
            app, FactInput(SubjectKind.UNIT, u, 2024, "加计扣除研发费用", value=Decimal(1_000_000 * u))
        )
    recompute_all(app)
    with app.db.session() as s:  # changed behind the services' own recompute
        s.execute(update(Fact).where(Fact.unit_id.in_(ids[::3])).values(value=Decimal(777_777)))
    skipping = recompute_all(app)
    assert skipping.changed > 0
    rows = sorted(_line(r) for r in list_entitlements(app))
    assert _counts(recompute_all(app, force=True)) == NOTHING
    assert sorted(_line(r) for r in list_entitlements(app)) == rows
    assert skipping.subjects == len(ids)
    with app.db.session() as s:
        subjects = set(s.scalars(select(RecomputeDigest.subject)))
    assert subjects == {"*"} | {f"unit:{u}" for u in ids}


def _line(r):  # noqa: ANN001, ANN202
    return (r.subject_name, r.clause_id, r.year, r.amount_fen, r.status, r.state, r.explanation)


def test_only_the_subjects_asked_for_are_looked_at(app):
    a, b = _unit(app, 1), _unit(app, 2)
    add_recognition(app, _hte(a))
    add_recognition(app, _hte(b))
    _tamper(app, b, 3)
    with app.db.session() as s:
        s.execute(delete(RecomputeDigest).where(RecomputeDigest.subject.in_([f"unit:{a}", f"unit:{b}"])))
        summary = recompute_subjects(s, "测试", "baotou", {SubjectRef(SubjectKind.UNIT, a)})
    assert summary.subjects == 1 and _counts(summary) == NOTHING
    assert _totals(app) == {a: 30_000_000, b: 3}
    assert recompute_all(app).changed == 1  # b has no digest: computed and repaired
    assert _totals(app) == {a: 30_000_000, b: 30_000_000}


def test_the_message_says_how_many_were_computed_again(app):
    from kjdesk.services.entitlements import recompute_message

    a, b = _unit(app, 1), _unit(app, 2)
    add_recognition(app, _hte(a))
    add_recognition(app, _hte(b))
    recompute_all(app)
    with app.db.session() as s:
        s.execute(
            update(Recognition).where(Recognition.unit_id == a).values(doc_number="国科火字〔2025〕9号")
        )
    summary = recompute_all(app)
    assert (summary.subjects, summary.computed) == (2, 1)
    assert recompute_message(summary) == (
        "重新计算完成：2 个对象，新增 0 条，变更 1 条，删除 0 条，待复核 0 条"
        "（其中 1 个对象的记录自上次计算后未变化，结果沿用）"
    )
    forced = recompute_all(app, force=True)
    assert (forced.subjects, forced.computed) == (2, 2)
    assert "结果沿用" not in recompute_message(forced)


def _orm_reading(s, city: str, refs: set[SubjectRef]) -> list:  # noqa: ANN001
    """The oracle: the engine's records built from ORM objects, one subject at a time."""
    from kjdesk.policy.model import (
        EnteredAmount as EnteredRecord,
    )
    from kjdesk.policy.model import (
        FactRecord,
        Level,
        RecognitionRecord,
        RecognitionStatus,
        SubjectFacts,
    )
    from kjdesk.services.entitlements.subject_inputs import recorded_conditions, unit_attributes
    from kjdesk.store.models import EnteredAmount, Person, Platform

    column = {
        SubjectKind.UNIT: "unit_id",
        SubjectKind.PLATFORM: "platform_id",
        SubjectKind.PERSON: "person_id",
    }
    out = []
    for ref in sorted(refs, key=lambda r: (r.kind.value, r.id)):

        def mine(model, ref=ref):  # noqa: ANN001, ANN202
            return list(
                s.scalars(select(model).where(getattr(model, column[ref.kind]) == ref.id).order_by(model.id))
            )

        if ref.kind == SubjectKind.UNIT:
            unit = s.get(Unit, ref.id)
            if unit is None:
                continue
            name, host = unit.name, unit
        else:
            owner = s.get(Platform if ref.kind == SubjectKind.PLATFORM else Person, ref.id)
            name = owner.name if owner else ""
            host_id = (
                (owner.host_unit_id if ref.kind == SubjectKind.PLATFORM else owner.employer_unit_id)
                if owner
                else None
            )
            host = s.get(Unit, host_id) if host_id else None
        out.append(
            SubjectFacts(
                subject=ref,
                name=name,
                city=city,
                registered_from=host.registered_from if host else None,
                moved_out=host.moved_out if host else None,
                recognitions=tuple(
                    RecognitionRecord(
                        r.id,
                        ref,
                        r.type_id,
                        Level(r.level),
                        r.date,
                        r.doc_number,
                        r.stage,
                        r.valid_until,
                        RecognitionStatus(r.status),
                        r.status_date,
                        bool(r.evidence),
                        r.first_year,
                        r.title,
                        recorded_conditions(r.conditions),
                    )
                    for r in mine(Recognition)
                ),
                facts=tuple(
                    FactRecord(
                        f.id, ref, f.year, f.indicator, f.value, f.text, f.item_ref, f.to_verify, f.reference
                    )
                    for f in mine(Fact)
                ),
                entered=tuple(
                    EnteredRecord(
                        e.id, ref, e.clause_id, e.year, e.amount_fen, e.basis, e.recognition_id, e.item_ref
                    )
                    for e in mine(EnteredAmount)
                ),
                payee=SubjectRef(SubjectKind.UNIT, host.id) if host else None,
                attributes=unit_attributes(host.industry, host.conditions) if host else (),
            )
        )
    return out


def test_the_records_read_from_raw_rows_equal_an_orm_reading(app):
    """The engine's records are built from the driver's raw rows (read once, for the digests
    too); they must be exactly what the ORM gives for the same records, on every database."""
    from kjdesk.services.demo import build_demo
    from kjdesk.services.entitlements.subject_inputs import load_subject_facts, read_inputs

    build_demo(app, "baotou")
    with app.db.session() as s:
        s.execute(update(Unit).where(Unit.id == 1).values(moved_out=date(2025, 7, 1)))
        everyone = load_subject_facts(s, "baotou", None)
        assert len(everyone) > 50
        assert {f.subject for f in everyone} == set(read_inputs(s, None).parts)
        assert everyone == _orm_reading(s, "baotou", {f.subject for f in everyone})
        some = {f.subject for f in everyone[::7]} | {SubjectRef(SubjectKind.UNIT, 10_000)}  # one unknown
        assert load_subject_facts(s, "baotou", some) == _orm_reading(s, "baotou", some)
    kinds = {f.subject.kind for f in everyone}
    assert kinds == {SubjectKind.UNIT, SubjectKind.PLATFORM, SubjectKind.PERSON}
    assert any(f.facts and any(x.value is not None for x in f.facts) for f in everyone)
    assert any(r.valid_until or r.status_date for f in everyone for r in f.recognitions)
    assert any(f.entered for f in everyone)
    assert any(f.moved_out for f in everyone)


def test_a_full_recomputation_replaces_every_digest_and_a_partial_one_only_its_own(app):
    """``subject_inputs.save``: a full recomputation replaces the whole table in one statement
    (its subjects are every one recorded); one of some subjects leaves the others' rows alone."""
    from kjdesk.services.entitlements import policy_for
    from kjdesk.services.entitlements.subject_inputs import COMPLETE, read_inputs, stamp, subject_key

    a, b = _unit(app, 1), _unit(app, 2)
    add_recognition(app, _hte(a))
    add_recognition(app, _hte(b))

    def stored() -> dict[str, str]:
        with app.db.session() as s:
            return dict(s.execute(select(RecomputeDigest.subject, RecomputeDigest.digest)).all())

    def now() -> dict[str, str]:
        with app.db.session() as s:
            common = stamp(policy_for(s, "baotou"), date.today())
            return {subject_key(r): d for r, d in read_inputs(s, None, common).digests.items()}

    recompute_all(app)
    assert stored() == {**now(), COMPLETE: ""}
    with app.db.session() as s:  # a stale row of a subject that no longer has records
        s.add(RecomputeDigest(subject="unit:999999", digest="stale"))
    recompute_all(app, force=True)
    kept = stored()
    assert kept["unit:999999"] != "stale" and {k: v for k, v in kept.items() if k != "unit:999999"} == {
        **now(),
        COMPLETE: "",
    }
    upsert_fact(app, FactInput(SubjectKind.UNIT, a, 2025, "企业规模", text="小微企业"))  # recomputes a alone
    after = stored()
    assert after[f"unit:{a}"] == now()[f"unit:{a}"] != kept[f"unit:{a}"]
    assert {k: v for k, v in after.items() if k != f"unit:{a}"} == {
        k: v for k, v in kept.items() if k != f"unit:{a}"
    }
