"""Engine: recompute all entitlements for 20,000 units, 60,000 recognitions, 60,000 facts.

Baseline: reading the same rows from SQLite into Python tuples (sqlite3, same file).
Target: at most 5× the baseline.
"""

from __future__ import annotations

import random
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from bench.common import SEED, Result, measure, reference, sqlite_rows, unit_rows

N_UNITS, N_RECS, N_FACTS = 20_000, 60_000, 60_000
UNIT_TYPES = [
    ("hte", "国家", ""),
    ("tsme", "国家", ""),
    ("hte_pool", "市级", ""),
    ("little_giant", "市级", ""),
    ("innov_private", "市级", ""),
    ("smart_mfg_demo", "市级", ""),
    ("single_champion", "国家", ""),
]


def build(path: Path, n_units: int = N_UNITS, n_recs: int = N_RECS, n_facts: int = N_FACTS) -> None:
    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.store.models import Fact, Recognition, Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    rng = random.Random(SEED)
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(n_units))
        recs = []
        for _ in range(n_recs):
            t, level, stage = rng.choice(UNIT_TYPES)
            recs.append(
                {
                    "unit_id": rng.randint(1, n_units),
                    "type_id": t,
                    "level": level,
                    "stage": stage,
                    "date": date(rng.randint(2020, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                    "doc_number": f"文号〔2022〕{rng.randint(1, 999)}号",
                    "status": "有效",
                }
            )
        s.execute(insert(Recognition), recs)
        facts, seen = [], set()
        while len(facts) < n_facts:
            unit, year = rng.randint(1, n_units), rng.randint(2021, 2025)
            if (unit, year) in seen:
                continue
            seen.add((unit, year))
            facts.append(
                {
                    "unit_id": unit,
                    "year": year,
                    "indicator": "加计扣除研发费用",
                    "value": Decimal(rng.randint(100_000, 90_000_000)),
                    "unit_label": "元",
                    "item_ref": "",
                    "text": "",
                    "reference": "",
                }
            )
            facts.append(
                {
                    "unit_id": unit,
                    "year": year,
                    "indicator": "企业规模",
                    "value": None,
                    "text": rng.choice(("小微企业", "其他企业")),
                    "unit_label": "",
                    "item_ref": "",
                    "reference": "",
                }
            )
        s.execute(insert(Fact), facts[:n_facts])
    app.close()


def baseline(path: Path) -> int:
    return sqlite_rows(path, *(f"SELECT * FROM {t}" for t in ("units", "recognitions", "facts")))  # noqa: S608


def baseline_lines(path: Path) -> int:
    """sqlite3 reading what the 应享资金 page shows: every instalment joined to its entitlement."""
    return sqlite_rows(
        path,
        "SELECT e.id, e.unit_id, e.platform_id, e.person_id, e.payee_unit_id, e.clause_id, e.total_fen,"
        " e.status, e.payment_wording, e.explanation, e.texts_id, i.id, i.year, i.amount_fen, i.state,"
        " i.pending_amount_fen, i.review_note, i.cancelled_reason"
        " FROM entitlements e LEFT JOIN instalments i ON i.entitlement_id = e.id ORDER BY e.id, i.year, i.id",
    )


def run(n_units: int = N_UNITS, n_recs: int = N_RECS, n_facts: int = N_FACTS) -> list[Result]:
    from kjdesk.services.core.app import App
    from kjdesk.services.entitlements import recompute_all
    from kjdesk.services.entitlements.listing import list_entitlements

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        build(path, n_units, n_recs, n_facts)
        base = measure(lambda: baseline(path), repeat=3)
        app = App.open(path, actor="bench")
        first = measure(lambda: recompute_all(app))
        again = measure(lambda: recompute_all(app))
        lines_base = measure(lambda: baseline_lines(path), repeat=3)
        lines = measure(lambda: list_entitlements(app), repeat=3)
        app.close()
        summary = first.result
        return [
            Result(
                "引擎：首次计算全部应享资金（含写入）",
                "≤ 5×",
                first.seconds,
                base.seconds,
                first.seconds / base.seconds,
                5,
                first.peak_mb,
                note=f"新增 {summary.added} 条",
            ),
            Result(
                "引擎：再次重算（无变化）",
                "≤ 5×",
                again.seconds,
                base.seconds,
                again.seconds / base.seconds,
                5,
                again.peak_mb,
            ),
            reference(
                f"应享资金页：读出全部 {len(lines.result):,} 行（含单位名称与计算说明）",
                lines.seconds,
                lines_base.seconds,
                "（基线为 sqlite3 读出同样的行）",
                lines.peak_mb,
            ),
        ]


if __name__ == "__main__":
    for r in run():
        print(r.line())
