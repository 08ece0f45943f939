"""The 应享资金 page over 81,899 lines (20,000 units, 60,000 recognitions, 60,000 facts, computed).

A pytest-qt benchmark, as the register pages' (``bench_register``): ``run`` builds the database
as the engine benchmark does (``bench_engine.build`` + ``recompute_all``), then starts pytest on
``bench/qt_entitlements.py`` in a child process, which opens the page three times and hands back
its times as JSON.

Measured: from creating the page to its first rows shown and repainted (the lines of the first
entitlements; every line, its filter index and the filter choices follow on the read pool), the
time until every line is there, each keystroke of the instant filter over every line (model
filtered, totals summed, view repainted), each choice of a 年度/条款/旗县区/状态 box, and a click on a
line until its explanation is in the detail pane. Absolute targets: first screen < 300 ms, a
keystroke < 100 ms (as the register pages).
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from bench.bench_engine import N_FACTS, N_RECS, N_UNITS
from bench.bench_register import KEY_MS, OPEN_MS, _absolute, open_three, qt_child, type_char
from bench.common import Result, measure, reference, sqlite_rows


def build(path: Path, n_units: int, n_recs: int, n_facts: int) -> int:
    """The engine benchmark's register, computed; returns how many lines the page shows."""
    from bench.bench_engine import build as build_register
    from kjdesk.services.core.app import App
    from kjdesk.services.entitlements import recompute_all

    build_register(path, n_units, n_recs, n_facts)
    app = App.open(path, actor="bench")
    try:
        recompute_all(app)
    finally:
        app.close()
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT count(*) FROM entitlements e LEFT JOIN instalments i ON i.entitlement_id = e.id"
        ).fetchone()[0]
    finally:
        con.close()


def baseline_lines(path: Path) -> int:
    """sqlite3 reading the columns the page reads of every line (services/entitlements/pages.py)."""
    return sqlite_rows(
        path,
        "SELECT e.id, e.unit_id, e.platform_id, e.person_id, e.payee_unit_id, e.clause_id, e.total_fen,"
        " e.status, e.payment_wording, e.waiting_year, e.basis, e.entered_amount_id, i.id, i.year,"
        " i.amount_fen, i.state, i.pending_amount_fen, i.review_note, i.cancelled_reason"
        " FROM entitlements e LEFT JOIN instalments i ON i.entitlement_id = e.id ORDER BY e.id, i.year, i.id",
    )


def _repainted(qapp, page, t1: float) -> float:  # noqa: ANN001
    qapp.processEvents()
    page.view.viewport().repaint()
    page.detail.viewport().repaint()
    return time.perf_counter() - t1


def measure_entitlements(qapp, qtbot, app, n: int) -> dict[str, float]:  # noqa: ANN001
    """The page opened three times; in each, a line selected, the filter typed, each box chosen."""
    from PySide6.QtCore import Qt

    from kjdesk.ui.pages.entitlements.page import EntitlementsPage

    keys: list[float] = []
    boxes: list[float] = []
    clicks: list[float] = []

    def use(page) -> None:  # noqa: ANN001
        assert page.totals.text().startswith(f"共 {n} 条"), page.totals.text()
        rect = page.view.visualRect(page.model.index(5, 0))
        t1 = time.perf_counter()
        qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        clicks.append(_repainted(qapp, page, t1))
        assert "原文" in page.detail.toPlainText() or "“" in page.detail.toPlainText()
        page.filter_box.setFocus()
        for ch in "包头市测试科技有限公司0001":  # units 000100–000199: there at every scale from 200 units
            t1 = time.perf_counter()
            type_char(qtbot, page.filter_box, ch)
            keys.append(_repainted(qapp, page, t1))
        assert 0 < page.model.shown < n
        page.filter_box.clear()
        for box in (page.year_box, page.clause_box, page.district_box, page.status_box):
            for index in (1, 0):  # the first choice, then 全部 again
                t1 = time.perf_counter()
                box.setCurrentIndex(index)
                boxes.append(_repainted(qapp, page, t1))
        assert page.model.shown == n

    got = open_three(qapp, EntitlementsPage, app, n, use)
    return {**got, "key": max(keys), "box": max(boxes), "click": max(clicks)}


def run(n_units: int = N_UNITS, n_recs: int = N_RECS, n_facts: int = N_FACTS) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "entitlements.sqlite"
        n = build(db, n_units, n_recs, n_facts)  # built here: the child holds only what the page reads
        got = qt_child("qt_entitlements.py", "test_entitlements_page", db, n, Path(tmp))
        base = measure(lambda: baseline_lines(db), repeat=3)
    return [
        _absolute(
            f"应享资金页：{n:,} 条，首屏显示",
            OPEN_MS,
            got["first"],
            f"全部 {n:,} 条连同筛选索引、筛选项与合计 {got['full']:.3f} s 后在后台载入完毕",
            got["peak_mb"],
        ),
        reference(
            f"应享资金页：全部 {n:,} 条在后台载入完毕（含单位名称、筛选索引、筛选项与合计，不含计算说明）",
            got["full"],
            base.seconds,
            "（从创建页面算起；基线为 sqlite3 读出页面所读的同样的行与列）",
            got["peak_mb"],
        ),
        _absolute(
            "应享资金页：即时筛选每次按键（最慢，含合计）",
            KEY_MS,
            got["key"],
            f"年度/条款/旗县区/状态筛选每次选择最慢 {got['box'] * 1000:.0f} ms；"
            f"点选一行到显示其计算说明最慢 {got['click'] * 1000:.0f} ms",
            got["peak_mb"],
        ),
    ]


if __name__ == "__main__":
    for r in run():
        print(r.line())
