"""``model.quick_init``: the engine's records built quicker, the same values as the dataclass's own."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, asdict, dataclass, fields, replace
from datetime import date
from decimal import Decimal

import pytest

from kjdesk.policy.explain import yuan_value
from kjdesk.policy.model import (
    EnteredAmount,
    Entitlement,
    EntitlementStatus,
    FactRecord,
    Level,
    PlannedInstalment,
    RecognitionRecord,
    SubjectKind,
    SubjectRef,
    quick_init,
)

REF = SubjectRef(SubjectKind.UNIT, 7)


@dataclass(frozen=True)
class Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()


@quick_init
@dataclass(frozen=True)
class Quick:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()


@pytest.mark.parametrize(
    ("args", "kwargs"), [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2, 3)}), ((), {"a": 4, "b": "y", "c": ()})]
)
def test_same_values_defaults_hash_and_repr(args, kwargs):
    plain, quick = Plain(*args, **kwargs), Quick(*args, **kwargs)
    assert [getattr(quick, f.name) for f in fields(Quick)] == [getattr(plain, f.name) for f in fields(Plain)]
    assert hash(quick) == hash(plain)
    assert repr(quick) == repr(plain).replace("Plain", "Quick")
    assert quick == Quick(*args, **kwargs) and quick != Quick(99)


def test_still_frozen_and_a_dataclass():
    quick = Quick(1)
    with pytest.raises(FrozenInstanceError):
        quick.a = 2  # type: ignore[misc]
    assert replace(quick, b="z") == Quick(1, "z")
    assert asdict(quick) == {"a": 1, "b": "b", "c": ()}
    assert pickle.loads(pickle.dumps(quick)) == quick == copy.deepcopy(quick)
    with pytest.raises(TypeError):
        Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Quick(1, d=2)  # type: ignore[call-arg]


def test_engine_records_keep_their_signatures():
    rec = RecognitionRecord(1, REF, "hte", Level.NATIONAL, date(2024, 5, 1))
    assert (rec.doc_number, rec.valid_until, rec.attributes, rec.has_evidence) == ("", None, (), False)
    fact = FactRecord(2, REF, 2024, "加计扣除研发费用", Decimal("12.5"))
    assert (fact.text, fact.item_ref, fact.to_verify, fact.reference) == ("", "", "", "")
    entered = EnteredAmount(3, REF, "BT-01", 2025, 100, "会议纪要")
    assert (entered.recognition_id, entered.item_ref) == (None, "")
    inst = PlannedInstalment(2025, 300)
    assert inst.cancelled_reason == "" and replace(inst, amount_fen=1) == PlannedInstalment(2025, 1)
    ent = Entitlement("k", REF, "BT-01", EntitlementStatus.DUE, 300, (inst,), ("一",))
    assert (ent.winner_clause_id, ent.deducted_fen, ent.basis, ent.entered_id, ent.waiting_year) == (
        None,
        0,
        "",
        None,
        None,
    )
    assert replace(ent, total_fen=0).total_fen == 0 and ent.total_fen == 300


def test_a_figure_is_written_by_its_value():
    """``explain.yuan_value`` keeps what it wrote: equal values are written alike, and a value it
    cannot write is refused as before (not kept)."""
    assert yuan_value(Decimal("1234.5")) == yuan_value(Decimal("1234.50")) == "1,234.50 元"
    assert yuan_value(Decimal("0.005")) == "0.01 元"
    for bad in (Decimal("sNaN"), Decimal("NaN")):
        with pytest.raises((ArithmeticError, ValueError)):
            yuan_value(bad)
