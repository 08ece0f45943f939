"""Import: a 100,000-row recognitions roster (.xlsx) from file to committed database.

Measured (in a child process, so its peak RSS is its own): ``services.imports.preview`` then
``commit`` over a database where the 20,000 units are already registered.
Baseline (another child): python-calamine alone reading the same sheet into Python lists.
Targets: at most 2.5× the baseline; peak memory under 500 MB.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.common import SEED, Result, peak_rss_mb, unit_rows

N_ROWS, N_UNITS = 100_000, 20_000
MEMORY_MB = 500
TITLES = (
    ("国家高新技术企业", "国家"),
    ("科技型中小企业", "国家"),
    ("高新技术企业培育库", "市级"),
    ("科技“小巨人”企业", "市级"),
    ("自治区级企业研发中心", "自治区"),
)


def make_roster(path: Path, n_rows: int, n_units: int) -> None:
    from openpyxl import Workbook

    units = unit_rows(n_units)
    rng = random.Random(SEED + 1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("认定名单")
    ws.append(["序号", "单位名称", "统一社会信用代码", "认定类型", "级别", "认定日期", "文号", "状态"])
    seen: set[tuple] = set()
    i = 0
    while i < n_rows:
        u = units[rng.randrange(n_units)]
        title, level = rng.choice(TITLES)
        day = date(rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))
        if (u["credit_code"], title, day) in seen:
            continue
        seen.add((u["credit_code"], title, day))
        i += 1
        ws.append(
            [
                i,
                u["name"],
                u["credit_code"],
                title,
                level,
                day,
                f"文号〔{day.year}〕{rng.randint(1, 999)}号",
                "有效",
            ]
        )
    wb.save(path)


def make_db(path: Path, n_units: int) -> None:
    from sqlalchemy import insert

    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.store.models import Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(n_units))
    app.close()


def child(mode: str, xlsx: str, db: str) -> None:
    """Runs in the child process; prints {"seconds", "peak_mb", "note"} as JSON."""
    from python_calamine import CalamineWorkbook

    from kjdesk.services.core.app import App
    from kjdesk.services.imports import commit, preview

    t0 = time.perf_counter()  # after the imports: both children pay only their own work
    if mode == "calamine":
        wb = CalamineWorkbook.from_path(xlsx)
        rows = wb.get_sheet_by_index(0).to_python()
        note = f"{len(rows)} 行"
    else:
        app = App.open(db, actor="bench")
        plan = preview(app, xlsx, kind="recognitions")
        if not plan.ok:
            errors = [str(e) for e in plan.errors[:5]]
            print(json.dumps({"error": errors, "n": len(plan.errors)}, ensure_ascii=False))
            sys.exit(1)
        result = commit(app, plan)
        app.close()
        note = f"新增 {result.added}"
    seconds = time.perf_counter() - t0
    peak = peak_rss_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "note": note}, ensure_ascii=False))


def in_child(mode: str, xlsx: Path, db: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_import", mode, str(xlsx), str(db)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{mode} 子进程失败：{out.stdout[-2000:]}{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(n_rows: int = N_ROWS, n_units: int = N_UNITS) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, db = Path(tmp) / "recognitions.xlsx", Path(tmp) / "import.sqlite"
        make_roster(xlsx, n_rows, n_units)
        base = min((in_child("calamine", xlsx, db) for _ in range(3)), key=lambda r: r["seconds"])
        make_db(db, n_units)
        got = in_child("import", xlsx, db)
    return [
        Result(
            f"导入：{n_rows:,} 行认定名单，从文件到提交",
            "≤ 2.5×",
            got["seconds"],
            base["seconds"],
            got["seconds"] / base["seconds"],
            2.5,
            got["peak_mb"],
            f"（{got['note']}；峰值内存目标 < {MEMORY_MB} MB："
            f"{'达标' if got['peak_mb'] < MEMORY_MB else '未达标'}）",
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 4:
        child(*sys.argv[1:])
    else:
        for r in run():
            print(r.line())
