"""Register pages: the 单位 page over 100,000 units, the 认定记录 page over 100,000 recognitions.

A pytest-qt benchmark: ``run`` starts pytest on ``bench/qt_register.py`` in a child process
(offscreen Qt, pytest-qt's ``qtbot`` and application), which measures with the helpers here and
hands back its times as JSON.

Measured: from creating the page to its first rows shown and repainted (the page reads the
first screen of rows, then the rest on the read pool; the model fetches lazily), and each
keystroke of the instant filter over all 100,000 rows once they are there (model filtered,
view repainted). Absolute targets: first rows in under 300 ms, a keystroke in under 100 ms.
The time until every row is there (read in the background) is printed in the note. The
认定记录 page (many years of 科技型中小企业) is measured for its first screen only: its rows
come newest first, joined to their units, so the first screen is a different query.
"""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.common import SEED, Result, peak_rss_mb, reset_peak_rss, unit_rows

N_UNITS = 100_000
OPEN_MS, KEY_MS = 300, 100


def build(path: Path, n: int) -> None:
    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.store.models import Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(n))
    app.close()


def build_recognitions(path: Path, n: int) -> None:
    """``n`` 科技型中小企业 recognitions over 16 years, about five for each of ``n // 5`` units."""
    from datetime import date

    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import initialize
    from kjdesk.store.models import Recognition, Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    rng = random.Random(SEED)
    units = max(n // 5, 1)
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(units))
        s.execute(
            insert(Recognition),
            [
                {
                    "unit_id": rng.randint(1, units),
                    "type_id": "tsme",
                    "level": "国家",
                    "date": date(year := rng.randint(2010, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                    "doc_number": f"内科发〔{year}〕{rng.randint(1, 99)}号",
                    "status": "有效",
                }
                for _ in range(n)
            ],
        )
    app.close()


def open_page(qapp, page_class, app) -> tuple[float, float, object, object]:  # noqa: ANN001
    """Seconds to the first rows shown and repainted, seconds to every row, the page, its host."""
    from PySide6.QtWidgets import QWidget

    from kjdesk.ui.workers import Hub, Operations

    host = QWidget()
    host.resize(1280, 800)
    hub = Hub(host)
    hub.ops = Operations(hub, host)
    t0 = time.perf_counter()
    page = page_class(app, hub, host)
    page.resize(1280, 800)
    host.show()
    deadline = t0 + 30
    while not (page.loaded and page.model.rowCount() > 0) and time.perf_counter() < deadline:
        qapp.processEvents()
        time.sleep(0.001)
    page.view.viewport().repaint()
    first = time.perf_counter() - t0
    while not page.complete and time.perf_counter() < deadline:  # the rest, in the background
        qapp.processEvents()
        time.sleep(0.001)
    return first, time.perf_counter() - t0, page, host


def close_page(qapp, host) -> None:  # noqa: ANN001
    """Close and delete the page (``processEvents`` alone never runs a ``deleteLater``), and
    collect it (its signal lambdas make cycles), so the next opening starts from nothing."""
    from PySide6.QtCore import QCoreApplication, QEvent

    host.close()
    host.deleteLater()
    qapp.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def type_char(qtbot, box, ch: str) -> None:  # noqa: ANN001
    """One character as the officer types it: a key press for a digit or letter, the input
    method's commit for a Chinese character (QTest's key events carry Latin-1 only)."""
    if ch.isascii():
        qtbot.keyClick(box, ch)
        return
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    event = QInputMethodEvent()
    event.setCommitString(ch)
    QApplication.sendEvent(box, event)


def open_three(qapp, page_class, app, n: int, use=None) -> dict[str, float]:  # noqa: ANN001
    """Open the page three times over ``n`` rows (``use(page)`` while each is open): the best
    first screen and full load, and the process's peak memory over all three."""
    opens, fulls = [], []
    reset_peak_rss()
    for _ in range(3):
        first, full, page, host = open_page(qapp, page_class, app)
        opens.append(first)
        fulls.append(full)
        assert page.model.total == n, page.model.total
        if use is not None:
            use(page)
        close_page(qapp, host)
    return {"first": min(opens), "full": min(fulls), "peak_mb": peak_rss_mb()}


def measure_units(qapp, qtbot, app, n: int) -> dict[str, float]:  # noqa: ANN001
    """The 单位 page opened three times, with the slowest of every keystroke typed into its filter."""
    from kjdesk.ui.pages.register.units import UnitsPage

    keys: list[float] = []

    def type_filter(page) -> None:  # noqa: ANN001
        page.filter_box.setFocus()
        for ch in "包头市测试科技有限公司0001":  # units 000100–000199: there at every scale from 200 units
            t1 = time.perf_counter()
            type_char(qtbot, page.filter_box, ch)
            qapp.processEvents()
            page.view.viewport().repaint()
            keys.append(time.perf_counter() - t1)
        assert page.filter_box.text() == "包头市测试科技有限公司0001"
        assert 0 < page.model.shown < n

    return {**open_three(qapp, UnitsPage, app, n, type_filter), "key": max(keys)}


def measure_recognitions(qapp, app, n: int) -> dict[str, float]:  # noqa: ANN001
    from kjdesk.ui.pages.register.recognitions import RecognitionsPage

    got = open_three(qapp, RecognitionsPage, app, n)
    return {"rec_first": got["first"], "rec_full": got["full"], "rec_peak_mb": got["peak_mb"]}


def run(n: int = N_UNITS, n_recognitions: int | None = None) -> list[Result]:
    """``n`` units; as many recognitions unless ``n_recognitions`` says otherwise."""
    n_recognitions = n if n_recognitions is None else n_recognitions
    got: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        units_db, recognitions_db = Path(tmp) / "register.sqlite", Path(tmp) / "recognitions.sqlite"
        build(units_db, n)  # built here, so each page's child holds only what the page reads
        build_recognitions(recognitions_db, n_recognitions)
        for test, db, count in (
            ("test_units_page", units_db, n),
            ("test_recognitions_page", recognitions_db, n_recognitions),
        ):
            got.update(qt_child("qt_register.py", test, db, count, Path(tmp)))
    return [
        _absolute(
            f"单位页：{n:,} 个单位，首屏显示",
            OPEN_MS,
            got["first"],
            f"全部 {n:,} 行 {got['full']:.3f} s 后在后台载入完毕",
            got["peak_mb"],
        ),
        _absolute("单位页：即时筛选每次按键（最慢）", KEY_MS, got["key"], peak_mb=got["peak_mb"]),
        _absolute(
            f"认定记录页：{n_recognitions:,} 条认定记录，首屏显示",
            OPEN_MS,
            got["rec_first"],
            f"全部 {n_recognitions:,} 条 {got['rec_full']:.3f} s 后在后台载入完毕",
            got["rec_peak_mb"],
        ),
    ]


def qt_child(module: str, test: str, db: Path, rows: int, tmp: Path) -> dict:
    """Run the pytest-qt benchmark ``bench/<module>::<test>`` on ``db`` in its own process
    (its memory is the page's alone): the numbers it wrote, as a dict."""
    root = Path(__file__).resolve().parent.parent
    out = tmp / f"{test}.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KJDESK_BENCH_DB": str(db),
        "KJDESK_BENCH_ROWS": str(rows),
        "KJDESK_BENCH_OUT": str(out),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        f"{root / 'bench' / module}::{test}",
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"pytest-qt 基准失败：\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def _absolute(label: str, target_ms: int, seconds: float, more: str = "", peak_mb: float = 0.0) -> Result:
    """A result against an absolute target: the target stands in the baseline column."""
    target = target_ms / 1000
    note = f"（基线为绝对目标 {target_ms} ms{'；' + more if more else ''}）"
    return Result(label, f"< {target_ms} ms", seconds, target, seconds / target, 1, peak_mb, note)


if __name__ == "__main__":
    for r in run():
        print(r.line())
