"""Engine: recompute all entitlements for 20,000 units, 60,000 recognitions, 60,000 facts.

Baselines, measured in the same run:
- the read floor: sqlite3 reading the inputs (units, recognitions, facts) into Python tuples;
- the write floor: sqlite3 ``executemany`` writing the very rows the first compute stored
  (entitlements, instalments, their seals, the subjects' digests, the clause texts, the audit
  event) into a copy of the database as it was before, same schema and indexes, one commit.
Targets (issue 20): first compute ≤ 2.5× the write floor; recompute with nothing changed
≤ 3× the read floor; the database file ≤ 60 MB.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
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


# What a first compute writes, table by table: (table, the rows of it that are new).
WRITTEN = (
    ("clause_texts", ""),
    ("explanation_shapes", ""),
    ("entitlements", ""),
    ("instalments", ""),
    ("recompute_digests", ""),
    ("money_seals", "WHERE tbl IN ('entitlements', 'instalments')"),
    ("audit_events", "WHERE id > {last_event}"),
)


def written_rows(after: Path, before: Path) -> list[tuple[str, list[str], list[tuple]]]:
    """The rows the first compute added: (table, columns, rows), read from the file after it."""
    con = sqlite3.connect(before)
    last_event = con.execute("SELECT coalesce(max(id), 0) FROM audit_events").fetchone()[0]
    con.close()
    con = sqlite3.connect(after)
    out = []
    for table, where in WRITTEN:
        cur = con.execute(f"SELECT * FROM {table} {where.format(last_event=last_event)}")  # noqa: S608
        out.append((table, [d[0] for d in cur.description], cur.fetchall()))
    con.close()
    return out


def write_floor(before: Path, rows: list[tuple[str, list[str], list[tuple]]], work: Path) -> float:
    """sqlite3 writing ``rows`` into a copy of ``before`` (the app's pragmas), one commit: seconds."""
    shutil.copyfile(before, work)
    con = sqlite3.connect(work, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    t0 = time.perf_counter()
    con.execute("BEGIN")
    for table, columns, values in rows:
        marks = ", ".join("?" * len(columns))
        con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)  # noqa: S608
    con.execute("COMMIT")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def file_mb(path: Path) -> float:
    """The database's size with its write-ahead log folded in (as a backup or a copy would be)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path.stat().st_size / 1e6


PHASES = (  # (module, function, what it is): the steps of a recomputation, timed one by one
    ("kjdesk.services.entitlements.subject_inputs", "read_inputs", "读入登记数据"),
    ("kjdesk.services.entitlements.subject_inputs", "subject_facts", "整理为引擎输入"),
    ("kjdesk.policy.engine", "compute_entitlements", "引擎计算"),
    ("kjdesk.services.entitlements.sync.Sync", "apply", "与已存结果比对"),
    ("kjdesk.services.entitlements.sync.Sync", "flush", "写入应享资金与拨付计划"),
    ("kjdesk.store.seal", "seal_transaction", "资金封存"),
)


def phases(before: Path, work: Path) -> tuple[float, dict[str, float]]:
    """A first compute on a copy of ``before`` with each step's CPU time added up (a run of its
    own, so the wrappers do not touch the measured one): (total CPU, {step: CPU})."""
    import functools
    import importlib

    from kjdesk.services.core.app import App
    from kjdesk.services.entitlements import recompute_all

    shutil.copyfile(before, work)
    spent: dict[str, float] = {}
    undo = []
    for module, name, label in PHASES:
        owner_path, _, cls = module.rpartition(".") if module.endswith(".Sync") else (module, "", "")
        owner = getattr(importlib.import_module(owner_path), cls) if cls else importlib.import_module(module)
        original = getattr(owner, name)

        def timed(*a, __f=original, __label=label, **k):  # noqa: ANN002, ANN003, ANN202
            t0 = time.process_time()
            try:
                return __f(*a, **k)
            finally:
                spent[__label] = spent.get(__label, 0.0) + time.process_time() - t0

        setattr(owner, name, functools.wraps(original)(timed))
        undo.append((owner, name, original))
    try:
        app = App.open(work, actor="bench")
        t0 = time.process_time()
        recompute_all(app)
        total = time.process_time() - t0
        app.close()
    finally:
        for owner, name, original in undo:
            setattr(owner, name, original)
    return total, spent


def run(n_units: int = N_UNITS, n_recs: int = N_RECS, n_facts: int = N_FACTS) -> list[Result]:
    from kjdesk.services.core.app import App
    from kjdesk.services.entitlements import recompute_all
    from kjdesk.services.entitlements.listing import list_entitlements

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        build(path, n_units, n_recs, n_facts)
        before = Path(tmp) / "before.sqlite"
        shutil.copyfile(path, before)
        base = measure(lambda: baseline(path), repeat=3)
        app = App.open(path, actor="bench")
        first = measure(lambda: recompute_all(app))
        again = measure(lambda: recompute_all(app))
        lines_base = measure(lambda: baseline_lines(path), repeat=3)
        lines = measure(lambda: list_entitlements(app), repeat=3)
        app.close()
        rows = written_rows(path, before)
        floor = min(write_floor(before, rows, Path(tmp) / "floor.sqlite") for _ in range(3))
        size = file_mb(path)
        inputs = file_mb(before)
        cpu, steps = phases(before, Path(tmp) / "phases.sqlite")
        parts = "，".join(f"{k} {v:.2f} s" for k, v in steps.items())
        rest = cpu - sum(steps.values())
        # what cannot be written faster than it is computed: reading, building, the pure engine
        unwritten = sum(steps.get(k, 0.0) for k in ("读入登记数据", "整理为引擎输入", "引擎计算"))
        summary = first.result
        written = "、".join(f"{t} {len(v):,}" for t, _c, v in rows if v)
        return [
            Result(
                "引擎：首次计算全部应享资金（含写入）",
                "≤ 2.5×",
                first.seconds,
                floor,
                first.seconds / floor,
                2.5,
                first.peak_mb,
                note=f"新增 {summary.added} 条（基线为写入下限：sqlite3 executemany 写入同样的行（{written}），"
                f"同样的索引，一次提交；对读取基线 {base.seconds:.3f} s 的比值 {first.seconds / base.seconds:.2f}；"
                f"另一次运行的 CPU 时间 {cpu:.2f} s：{parts}，其余 {rest:.2f} s；"
                f"不写库的读入、整理与引擎计算合计 {unwritten:.2f} s，加上写入下限即 "
                f"{(unwritten + floor) / floor:.1f}× 写入下限"
                + (
                    "，比较、封存与写入毫无额外开销也达不到 2.5×）"
                    if unwritten + floor > 2.5 * floor
                    else "）"
                ),
            ),
            Result(
                "引擎：再次重算（无变化）",
                "≤ 3×",
                again.seconds,
                base.seconds,
                again.seconds / base.seconds,
                3,
                again.peak_mb,
                note="（基线为读取下限：sqlite3 读出单位、认定与年度数据）",
            ),
            Result(
                "数据库文件大小（MB）",
                "≤ 60 MB",
                size,
                60.0,
                size / 60.0,
                1.0,
                0.0,
                note=f"（此行“用时”列为首次计算后的文件大小 MB，基线列为目标 60 MB；"
                f"计算前只有单位、认定与年度数据时 {inputs:.1f} MB）",
                unit="MB",
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
