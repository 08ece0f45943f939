"""Generated databases for the benchmarks: units with approved 高企 instalments (fixed seed)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import SEED, unit_rows


def approved_instalments(path: Path, n: int, year: int = 2026) -> None:
    """A 包头 database with ``n`` units, each with a 高企 recognition, entitlement and approved instalment."""
    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.store.models import Entitlement, Instalment, Recognition, Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    rng = random.Random(SEED)
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(n))
        unit_ids = list(s.scalars(select(Unit.id).order_by(Unit.id)))
        s.execute(
            insert(Recognition),
            [
                {
                    "unit_id": u,
                    "type_id": "hte",
                    "level": "国家",
                    "title": "国家高新技术企业",
                    "date": date(year - 1, rng.randint(1, 12), rng.randint(1, 28)),
                    "doc_number": f"国科火字〔{year - 1}〕{rng.randint(1, 99)}号",
                    "status": "有效",
                }
                for u in unit_ids
            ],
        )
        rec_of = dict(s.execute(select(Recognition.unit_id, Recognition.id)).all())
        s.execute(
            insert(Entitlement),
            [
                {
                    "key": f"hte:{u}:{year}",
                    "city": "baotou",
                    "clause_id": "BT-06-hte-cert",
                    "status": "应享",
                    "total_fen": 30_000_000,
                    "recognition_id": rec_of[u],
                    "payment_wording": "后补助",
                    "unit_id": u,
                }
                for u in unit_ids
            ],
        )
        ents = list(s.scalars(select(Entitlement.id).order_by(Entitlement.id)))
        s.execute(
            insert(Instalment),
            [
                {"entitlement_id": e, "year": year, "amount_fen": 30_000_000, "state": "approved"}
                for e in ents
            ],
        )
    app.close()
