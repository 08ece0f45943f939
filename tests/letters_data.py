"""Data for the letter tests: units, recognitions, entitlements and approved instalments
inserted straight through the ORM (the entitlement service is not needed for letters)."""

from __future__ import annotations

from datetime import date

import pytest

from kjdesk.services.letters import content as letter_content
from kjdesk.store.models import Entitlement, Instalment, Platform, Recognition, Unit
from tests.conftest import make_credit_code

HTE_QUOTE = "认定为国家高新技术企业，给予30万元后补助资金支持"
NKL_QUOTE = (
    "获批建设国家重点实验室和国家级工程（技术）研究中心，每年分别给予 1000 万元资金支持，连续支持 5 年"
)
POLICY_TITLE = "包头市落实“科技兴蒙”行动打造区域性创新中心二十五条政策措施"


def stand_in_policy():  # noqa: ANN201 - Policy
    """The two clauses the tests use, as the catalog has them (used while the catalog is broken)."""
    from kjdesk.policy.model import Clause, Form, Policy, PolicyDocument

    doc = PolicyDocument(
        "baotou",
        POLICY_TITLE,
        "中共包头市委员会 包头市人民政府",
        "包党发〔2021〕24号",
        date(2021, 8, 14),
        date(2021, 8, 14),
    )
    clauses = (
        Clause(
            "BT-06-hte-cert",
            "baotou",
            "（六）",
            "国家高新技术企业认定",
            "enterprise",
            Form.ONE_TIME_STAR,
            HTE_QUOTE,
            payment_wording="后补助",
        ),
        Clause(
            "BT-08-nkl",
            "baotou",
            "（八）",
            "国家重点实验室",
            "platform",
            Form.ANNUAL_N_YEARS,
            NKL_QUOTE,
            payment_wording="资金支持",
        ),
    )
    return Policy(doc, clauses)


@pytest.fixture
def catalog(monkeypatch):
    """The real catalog when it loads, else the stand-in (same title, 文号 and sentences)."""
    try:
        from kjdesk.policy.catalog import load_builtin

        policy = load_builtin("baotou")
        policy.clause("BT-06-hte-cert")
    except Exception:
        policy = stand_in_policy()
        monkeypatch.setattr(letter_content, "load_policy", lambda city: policy)
    return policy


def add_unit(s, name: str, body: str, district: str = "昆都仑区") -> Unit:
    unit = Unit(name=name, credit_code=make_credit_code(body), district=district)
    s.add(unit)
    s.flush()
    return unit


def add_hte(
    s, unit: Unit, year: int = 2026, amount_fen: int = 30_000_000, state: str = "approved"
) -> Instalment:
    """A 高企 recognition, its 后补助 entitlement and one instalment."""
    rec = Recognition(
        unit_id=unit.id,
        type_id="hte",
        level="国家",
        title="国家高新技术企业",
        date=date(year - 1, 10, 20),
        doc_number=f"国科火字〔{year - 1}〕12号",
    )
    s.add(rec)
    s.flush()
    ent = Entitlement(
        key=f"hte:{unit.id}:{year}",
        city="baotou",
        clause_id="BT-06-hte-cert",
        status="应享",
        total_fen=amount_fen,
        recognition_id=rec.id,
        payment_wording="后补助",
        unit_id=unit.id,
    )
    s.add(ent)
    s.flush()
    inst = Instalment(entitlement_id=ent.id, year=year, amount_fen=amount_fen, state=state)
    s.add(inst)
    s.flush()
    return inst


def add_nkl(s, unit: Unit, years: range = range(2025, 2030), approved: int = 2026) -> Instalment:
    """A platform's 5-year 国家重点实验室 schedule; the instalment of ``approved`` is approved."""
    platform = Platform(name="稀土功能材料国家重点实验室", type_id="nkl", level="国家", host_unit_id=unit.id)
    s.add(platform)
    s.flush()
    rec = Recognition(
        platform_id=platform.id,
        type_id="nkl",
        level="国家",
        title="国家重点实验室",
        date=date(years[0], 3, 1),
        doc_number="国科发基〔2025〕3号",
    )
    s.add(rec)
    s.flush()
    ent = Entitlement(
        key=f"nkl:{platform.id}",
        city="baotou",
        clause_id="BT-08-nkl",
        status="应享",
        total_fen=1_000_000_000 * len(years),
        recognition_id=rec.id,
        payment_wording="资金支持",
        platform_id=platform.id,
    )
    s.add(ent)
    s.flush()
    chosen = None
    for y in years:
        inst = Instalment(
            entitlement_id=ent.id,
            year=y,
            amount_fen=1_000_000_000,
            state="approved" if y == approved else "planned",
        )
        s.add(inst)
        s.flush()
        if y == approved:
            chosen = inst
    assert chosen is not None
    return chosen


def seed(app, n_units: int = 3, year: int = 2026) -> list[int]:
    """``n_units`` enterprises with an approved 高企 instalment each; returns the instalment ids."""
    ids = []
    with app.db.session() as s:
        for i in range(n_units):
            unit = add_unit(
                s,
                f"包头市测试{i + 1}号科技有限公司",
                f"91150200MA0{i:06d}X"[:17],
                district="昆都仑区" if i % 2 == 0 else "青山区",
            )
            ids.append(add_hte(s, unit, year).id)
    return ids
