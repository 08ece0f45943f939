"""Test data for the disbursement services, inserted straight through the ORM (no engine needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kjdesk.services.core.app import App
from kjdesk.services.core.officers import create_officer, ensure_first_admin, sign_in
from kjdesk.store.models import Entitlement, Instalment, Platform, Recognition, Unit
from tests.conftest import make_credit_code

PASSWORD = "secret-123"


@dataclass
class Seeded:
    unit_ids: dict[str, int] = field(default_factory=dict)
    recognition_ids: dict[str, int] = field(default_factory=dict)
    instalment_ids: dict[str, int] = field(default_factory=dict)  # "name/clause/year" → id
    amounts: dict[int, int] = field(default_factory=dict)  # instalment id → 分


def add_unit(s, name: str, district: str, n: int) -> Unit:  # noqa: ANN001
    u = Unit(name=name, credit_code=make_credit_code(f"91150200MA0{n:06d}"), district=district, kind="企业")
    s.add(u)
    s.flush()
    return u


def add_entitlement(
    s,  # noqa: ANN001
    unit: Unit,
    clause_id: str,
    wording: str,
    schedule: dict[int, int],
    recognition: Recognition | None = None,
    platform: Platform | None = None,
    city: str = "baotou",
) -> list[Instalment]:
    subject = {"platform_id": platform.id} if platform else {"unit_id": unit.id}
    e = Entitlement(
        key=f"{clause_id}:{unit.id}:{platform.id if platform else ''}:{min(schedule)}",
        city=city,
        clause_id=clause_id,
        status="应享",
        total_fen=sum(schedule.values()),
        explanation_body="测试",
        recognition_id=recognition.id if recognition else None,
        payment_wording=wording,
        payee_unit_id=unit.id,
        **subject,
    )
    s.add(e)
    s.flush()
    insts = [
        Instalment(entitlement_id=e.id, year=y, amount_fen=a, state="planned")
        for y, a in sorted(schedule.items())
    ]
    s.add_all(insts)
    s.flush()
    return insts


def seed_plan(app: App) -> Seeded:
    """Four units in three 旗县区 of 包头, 后补助 and 资金支持 clauses, a 5-year schedule."""
    out = Seeded()
    with app.db.session() as s:
        a = add_unit(s, "包头稀土新材料有限公司", "稀土高新区", 1)
        b = add_unit(s, "包头钢联科技有限公司", "昆都仑区", 2)
        c = add_unit(s, "青山智造股份有限公司", "青山区", 3)
        d = add_unit(s, "昆区云数据有限公司", "昆都仑区", 4)
        out.unit_ids = {u.name: u.id for u in (a, b, c, d)}
        hte_ok = Recognition(
            unit_id=a.id,
            type_id="hte",
            level="国家",
            date=date(2025, 3, 1),
            doc_number="内科发〔2025〕12号",
            evidence="高新技术企业证书 GR202515000123",
        )
        hte_bare = Recognition(
            unit_id=b.id, type_id="hte", level="国家", date=date(2025, 4, 1), doc_number="", evidence=""
        )
        s.add_all([hte_ok, hte_bare])
        s.flush()
        out.recognition_ids = {"a-hte": hte_ok.id, "b-hte": hte_bare.id}
        lab = Platform(name="稀土功能材料重点实验室", type_id="kl", level="自治区", host_unit_id=c.id)
        s.add(lab)
        s.flush()
        rows = [
            ("a", a, "BT-06-hte-cert", "后补助", {2025: 30_000_000}, hte_ok, None),
            ("b", b, "BT-06-hte-cert", "后补助", {2025: 30_000_000}, hte_bare, None),
            ("c", c, "BT-08-r-kl", "资金支持", {y: 5_000_000 for y in range(2025, 2030)}, None, lab),
            ("d", d, "BT-05-rd-expense", "后补助", {2025: 1_234_567}, None, None),
            ("b2", b, "BT-05-rd-expense", "后补助", {2026: 987_654}, None, None),
        ]
        for key, unit, clause, wording, schedule, rec, platform in rows:
            for inst in add_entitlement(s, unit, clause, wording, schedule, rec, platform):
                out.instalment_ids[f"{key}/{inst.year}"] = inst.id
                out.amounts[inst.id] = inst.amount_fen
    return out


def officers(app: App) -> dict[str, App]:
    """An admin, two 经办人 and two 复核人, each signed in."""
    ensure_first_admin(app, "admin", PASSWORD)
    admin = sign_in(app, "admin", PASSWORD)
    for name, role in (("jb1", "经办人"), ("jb2", "经办人"), ("fh1", "复核人"), ("fh2", "复核人")):
        create_officer(admin, name, name, role, PASSWORD)
    return {n: sign_in(app, n, PASSWORD) for n in ("admin", "jb1", "jb2", "fh1", "fh2")}
