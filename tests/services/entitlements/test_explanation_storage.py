"""Explanations stored in parts (issue 20): the clause's fixed lines once per catalog version,
the words of each entitlement's own lines once per shape, its figures with it; joined back
byte for byte."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select

import kjdesk.services.entitlements as entitlements
from kjdesk.policy.model import SubjectKind, SubjectRef
from kjdesk.services.entitlements import recompute_all, recompute_subjects
from kjdesk.services.entitlements.listing import list_entitlements
from kjdesk.services.entitlements.sync import Sync, stored_key
from kjdesk.services.register import UnitInput, add_unit
from kjdesk.services.register.records import RecognitionInput, add_recognition
from kjdesk.services.safety.audit_log import verify_audit
from kjdesk.store.models import ClauseTexts, Entitlement, ExplanationShape, fill_shape, shape_of
from tests.conftest import make_credit_code


def _capture(monkeypatch) -> dict[str, str]:
    """The explanation of every entitlement as the engine computed it, by stored key."""
    seen: dict[str, str] = {}
    apply = Sync.apply

    def spy(self, stored, ent, payee, key=None):  # noqa: ANN001, ANN202
        seen[stored_key(ent)] = "\n".join(ent.explanation)
        return apply(self, stored, ent, payee, key)

    monkeypatch.setattr(Sync, "apply", spy)
    return seen


def test_the_demo_reads_as_the_engine_wrote_it(app, monkeypatch) -> None:
    from kjdesk.services.demo import build_demo

    build_demo(app, "baotou")
    computed = _capture(monkeypatch)
    recompute_all(app, force=True)
    with app.db.session() as s:
        ents = s.scalars(select(Entitlement)).all()
        stored = {e.key: e.explanation for e in ents}
        assert stored == computed and len(stored) > 200
        # the fixed lines are stored once: one row per clause of one catalog version
        (version,) = s.scalars(select(ClauseTexts.catalog_version).distinct()).all()
        assert version.startswith("baotou 包党发〔2021〕24号 ")
        assert all(e.texts_id is not None for e in ents)
        own = sum(len(e.explanation_body) for e in ents)
        assert own < 0.15 * sum(len(t) for t in stored.values())
        # each entitlement keeps its figures only; the words of its lines are stored once per shape
        assert all(e.shape_id is not None for e in ents)
        assert not any(ch > "\u2e80" for e in ents for ch in e.explanation_body)  # no Chinese word
        shapes = s.scalars(select(ExplanationShape.shape)).all()
        assert len(shapes) == len(set(shapes)) and 0 < len(shapes) < len(ents) / 2
        assert any(sh.startswith("认定记录：国家级 高新技术企业，") for sh in shapes)
    by_id = {e.id: e.key for e in ents}
    for line in list_entitlements(app):
        assert line.explanation == computed[by_id[line.entitlement_id]]
    assert verify_audit(app) is None  # the bulk-inserted rows were sealed


def _hte(app, name: str, code: str) -> SubjectRef:
    u = add_unit(app, UnitInput(name=name, credit_code=make_credit_code(code), district="稀土高新区"))
    add_recognition(
        app, RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2022, 12, 1), "国科火字〔2022〕1号")
    )
    return SubjectRef(SubjectKind.UNIT, u.id)


def test_an_old_entitlement_keeps_the_words_it_was_computed_with(app, monkeypatch) -> None:
    a = _hte(app, "包头甲科技公司", "91150203MA0N00001")
    b = _hte(app, "包头乙科技公司", "91150203MA0N00002")
    with app.db.session() as s:
        old = {e.unit_id: e.explanation for e in s.scalars(select(Entitlement))}
    assert "认定为国家高新技术企业，给予30万元后补助资金支持" in old[a.id]

    # a catalog update rewords the clause's quote: a new catalog version
    original = entitlements.policy_for

    def reworded(session, city):  # noqa: ANN001, ANN202
        policy = original(session, city)
        clauses = tuple(
            replace(c, quote=c.quote + "（修订）") if c.id == "BT-06-hte-cert" else c for c in policy.clauses
        )
        return replace(policy, clauses=clauses)

    monkeypatch.setattr(entitlements, "policy_for", reworded)
    with app.db.session() as s:  # only 甲 is computed again
        recompute_subjects(s, "测试员", "baotou", {a}, as_of=date.today(), force=True)
    with app.db.session() as s:
        now = {e.unit_id: e for e in s.scalars(select(Entitlement))}
        assert "给予30万元后补助资金支持（修订）”" in now[a.id].explanation
        assert now[b.id].explanation == old[b.id]  # 乙 shows the words it was computed with
        assert now[a.id].explanation.replace("（修订）", "") == old[a.id]
        assert now[a.id].texts_id != now[b.id].texts_id
        versions = s.scalar(select(func.count(func.distinct(ClauseTexts.catalog_version))))
        assert versions == 2


def test_a_bulk_insert_of_many_rows_is_sealed_whole(app, monkeypatch) -> None:
    """More rows than ``seal.BULK``: no trigger, no row noted, the table compared whole at commit."""
    from kjdesk.store import seal

    monkeypatch.setattr(seal, "BULK", 3)
    for i in range(4):
        _hte(app, f"包头{i}号科技公司", f"91150203MA0N0001{i}")
    with app.db.session() as s:  # a second subject set in one go: 4 new rows, over BULK
        s.execute(Entitlement.__table__.delete())
    recompute_all(app, force=True)
    assert verify_audit(app) is None
    with app.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Entitlement)) == 4
    # the insert trigger is back: a row written after is noted (and sealed) as before
    _hte(app, "包头后来科技公司", "91150203MA0N00020")
    assert verify_audit(app) is None


def test_a_shape_and_its_figures_are_the_text_byte_for_byte() -> None:
    for text in (
        "",
        "结论：无适用政策（早于施行日期）",
        "认定记录：国家级 高新技术企业，2025-09-08，文号 包科发〔2022〕161号（记录号 7263）",
        "金额：给予 300,000.00 元（30万元），2025 年拨付\n应享：300,000.00 元（30万元）",
        "2024",
        "第 3 次入库，第3次；尾数 1.5.",
        "以 2023 年数据核定，2024 年拨付\n",
    ):
        shape, figures = shape_of(text)
        assert fill_shape(shape, figures) == text
        assert not any(ch.isdigit() for ch in shape)
    # two texts that differ only in figures have one shape
    assert shape_of("应享：1.00 元（0.0001万元）")[0] == shape_of("应享：300,000.00 元（30万元）")[0]
    assert shape_of("无法切开\x1f的文字") is None  # the cut character itself: stored as it is


def test_a_text_without_a_shape_is_stored_whole_and_reads_the_same(app, monkeypatch) -> None:
    from kjdesk.services.entitlements import texts

    real = texts.shape_of
    monkeypatch.setattr(texts, "shape_of", lambda t: None if "高新技术企业" in t else real(t))
    a = _hte(app, "包头甲科技公司", "91150203MA0N00001")
    with app.db.session() as s:
        ent = s.scalar(select(Entitlement).where(Entitlement.unit_id == a.id))
        assert ent.shape_id is None and "高新技术企业" in ent.explanation_body
        whole = ent.explanation
    monkeypatch.setattr(texts, "shape_of", real)
    recompute_all(app, force=True)  # computed again: now shaped, the same words
    with app.db.session() as s:
        ent = s.scalar(select(Entitlement).where(Entitlement.unit_id == a.id))
        assert ent.shape_id is not None and ent.explanation == whole
    (line,) = [ln for ln in list_entitlements(app) if ln.entitlement_id == ent.id]
    assert line.explanation == whole


def test_recomputing_adds_no_shape_twice(app) -> None:
    _hte(app, "包头甲科技公司", "91150203MA0N00001")
    with app.db.session() as s:
        before = s.execute(select(ExplanationShape.id, ExplanationShape.shape)).all()
    _hte(app, "包头乙科技公司", "91150203MA0N00002")  # the same lines, other figures
    recompute_all(app, force=True)
    with app.db.session() as s:
        after = s.execute(select(ExplanationShape.id, ExplanationShape.shape)).all()
        ents = s.scalars(select(Entitlement)).all()
    assert after == before and len({e.shape_id for e in ents}) == 1
    assert ents[0].explanation_body != ents[1].explanation_body
