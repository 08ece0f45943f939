"""Backup: the officer's 备份 of the bench database against SQLite's own online backup of the file.

The database is the engine benchmark's register, computed (20,000 units, 81,899 entitlements).
Measured in the same run, best of three, each to a new file:

- baseline: ``sqlite3.Connection.backup`` of the file into a new file, in one step (the floor:
  the same API the program copies with, nothing else);
- ``services.safety.backups.backup_checked``, what 备份 (window and ``kjdesk backup``) does: the
  audit trail verified (hash chain, every money row against its seal, the anchors kept outside
  the database and in the newest backup), the copy made with the online backup API into an
  owner-only file that appears only when complete, checked (``PRAGMA quick_check``), and the
  anchor moved to the new head. Target: at most 2× the baseline.

The note gives the size of the database file and of one backup file, and the copy alone
(``backup``: what the automatic backups before an import or a migration do, no verification).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.bench_engine import N_FACTS, N_RECS, N_UNITS
from bench.bench_pages import build
from bench.common import Result, measure, reference

LIMIT = 2


def sqlite_backup(source: Path, dest: Path) -> None:
    """The floor: SQLite's online backup of ``source`` into a new file ``dest``, one step."""
    src = sqlite3.connect(source)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()


def _cpu(fn) -> float:  # noqa: ANN001
    c = time.process_time()
    fn()
    return time.process_time() - c


def run(n_units: int = N_UNITS, n_recs: int = N_RECS, n_facts: int = N_FACTS) -> list[Result]:
    from kjdesk.services.core.app import App
    from kjdesk.services.safety.backups import backup, backup_checked

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "bench.sqlite"
        build(db, n_units, n_recs, n_facts)
        saved = os.environ.get("KJDESK_SETTINGS_DIR")
        os.environ["KJDESK_SETTINGS_DIR"] = str(root / "settings")  # the anchor's copy, not the user's
        made: list[Path] = []

        def target(kind: str) -> Path:
            path = root / "out" / f"{kind}-{len(made)}.sqlite"
            path.parent.mkdir(exist_ok=True)
            made.append(path)
            return path

        def fresh() -> None:  # each measurement writes a new file; the old ones go (disk space)
            for p in made[:-1]:
                p.unlink(missing_ok=True)

        try:
            floor = measure(lambda: (sqlite_backup(db, target("floor")), fresh()), repeat=3)
            floor_cpu = min(_cpu(lambda: sqlite_backup(db, target("floor"))) for _ in range(2))
            fresh()
            app = App.open(db, actor="bench")
            try:

                def checked_once():  # noqa: ANN202
                    done = backup_checked(app, target("checked"))
                    fresh()
                    return done

                checked = measure(checked_once, repeat=3)
                assert not checked.result.problems, checked.result.problems
                db_mb, backup_mb = db.stat().st_size / 1e6, checked.result.path.stat().st_size / 1e6
                checked_cpu = min(_cpu(checked_once) for _ in range(2))
                proof_cpu = min(_cpu(lambda: _verify_money(app)) for _ in range(2))
                copy = measure(lambda: (backup(app, target("copy")), fresh()), repeat=3)
            finally:
                app.close()
        finally:
            if saved is None:
                os.environ.pop("KJDESK_SETTINGS_DIR", None)
            else:
                os.environ["KJDESK_SETTINGS_DIR"] = saved
    sizes = f"数据库文件 {db_mb:.1f} MB，一份备份 {backup_mb:.1f} MB"
    return [
        Result(
            "备份：校验审计链与资金封存、在线备份、检查副本、更新锚点",
            f"≤ {LIMIT}×",
            checked.seconds,
            floor.seconds,
            checked.seconds / floor.seconds,
            LIMIT,
            checked.peak_mb,
            f"（基线为 sqlite3 `Connection.backup` 复制同一文件；{sizes}；"
            f"CPU 时间 {checked_cpu:.3f} s，基线 {floor_cpu:.3f} s；其中每次备份必做的资金封存完整校验（议题 17）"
            f"单独 CPU {proof_cpu:.3f} s，为基线用时的 {proof_cpu / floor.seconds:.1f} 倍"
            + ("，已超过目标：下限在这项校验，而非复制）" if proof_cpu > LIMIT * floor.seconds else "）"),
        ),
        reference(
            "备份：只复制并检查副本（导入前、升级前的自动备份）",
            copy.seconds,
            floor.seconds,
            "（基线同上）",
            copy.peak_mb,
        ),
    ]


def _verify_money(app) -> None:  # noqa: ANN001 - an App
    """The money check a backup makes (every money row against its seal, the ledger), alone."""
    from kjdesk.store import seal

    with app.db.session() as s:
        assert not seal.check(s.connection())


if __name__ == "__main__":
    for r in run():
        print(r.line())
