"""Register pages: the 单位 page over 100,000 units, the 认定记录 page over 100,000 recognitions
(offscreen Qt, no pytest-qt needed).

Measured: from creating the page to its first rows shown and repainted (the page reads the
first screen of rows, then the rest on the read pool; the model fetches lazily), and each
keystroke of the instant filter over all 100,000 rows once they are there (model filtered,
view repainted). Absolute targets: first rows in under 300 ms, a keystroke in under 100 ms.
The time until every row is there (read in the background) is printed in the note. The
认定记录 page (many years of 科技型中小企业) is measured for its first screen only: its rows
come newest first, joined to their units, so the first screen is a different query.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.common import SEED, Result, unit_rows

N_UNITS = 100_000
OPEN_MS, KEY_MS = 300, 100


def build(path: Path, n: int) -> None:
    from kjdesk.services.app import App
    from kjdesk.services.settings import initialize
    from kjdesk.store.models import Unit

    app = App.open(path, actor="bench")
    initialize(app, "baotou")
    with app.db.session() as s:
        s.execute(insert(Unit), unit_rows(n))
    app.close()


def build_recognitions(path: Path, n: int) -> None:
    """``n`` 科技型中小企业 recognitions over 16 years, about five for each of ``n // 5`` units."""
    from datetime import date

    from kjdesk.services.app import App
    from kjdesk.services.settings import initialize
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
    host.close()
    host.deleteLater()
    qapp.processEvents()


def run(n: int = N_UNITS, n_recognitions: int | None = None) -> list[Result]:
    """``n`` units; as many recognitions unless ``n_recognitions`` says otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from kjdesk.services.app import App
    from kjdesk.ui.app import make_qapplication
    from kjdesk.ui.pages.recognitions import RecognitionsPage
    from kjdesk.ui.pages.units import UnitsPage

    n_recognitions = n if n_recognitions is None else n_recognitions
    qapp = make_qapplication()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "register.sqlite"
        build(db, n)
        app = App.open(db, actor="bench")
        opens, keys, fulls = [], [], []
        for _ in range(3):
            first, full, page, host = open_page(qapp, UnitsPage, app)
            opens.append(first)
            fulls.append(full)
            assert page.model.total == n, page.model.total
            page.filter_box.setFocus()
            for ch in "包头市测试科技有限公司0012":
                t1 = time.perf_counter()
                page.filter_box.insert(ch)
                qapp.processEvents()
                page.view.viewport().repaint()
                keys.append(time.perf_counter() - t1)
            assert page.model.shown > 0
            close_page(qapp, host)
        app.close()

        db = Path(tmp) / "recognitions.sqlite"
        build_recognitions(db, n_recognitions)
        app = App.open(db, actor="bench")
        rec_opens, rec_fulls = [], []
        for _ in range(3):
            first, full, page, host = open_page(qapp, RecognitionsPage, app)
            rec_opens.append(first)
            rec_fulls.append(full)
            assert page.model.total == n_recognitions, page.model.total
            close_page(qapp, host)
        app.close()
    QApplication.processEvents()
    first, key, full = min(opens), max(keys), min(fulls)
    rec_first, rec_full = min(rec_opens), min(rec_fulls)
    return [
        _absolute(
            f"单位页：{n:,} 个单位，首屏显示", OPEN_MS, first, f"全部 {n:,} 行 {full:.3f} s 后在后台载入完毕"
        ),
        _absolute("单位页：即时筛选每次按键（最慢）", KEY_MS, key),
        _absolute(
            f"认定记录页：{n_recognitions:,} 条认定记录，首屏显示",
            OPEN_MS,
            rec_first,
            f"全部 {n_recognitions:,} 条 {rec_full:.3f} s 后在后台载入完毕",
        ),
    ]


def _absolute(label: str, target_ms: int, seconds: float, more: str = "") -> Result:
    """A result against an absolute target: the target stands in the baseline column."""
    target = target_ms / 1000
    note = f"（基线为绝对目标 {target_ms} ms{'；' + more if more else ''}）"
    return Result(label, f"< {target_ms} ms", seconds, target, seconds / target, 1, note=note)


if __name__ == "__main__":
    for r in run():
        print(r.line())
