"""Sheets: the 年度资金拨付明细表 with 20,000 rows.

Measured: ``services.reports.write_report`` (rows from the database, grouped, styled, written)
and the writer alone (``io.excel_out.write_workbook`` of the built sheet).
Baseline: openpyxl write-only mode writing the same values without styles.
Target: at most 2× the baseline.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import Result, measure, reference
from bench.data import approved_instalments

N_ROWS = 20_000
YEAR = 2026


def baseline(values: list[tuple], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("明细表")
    for row in values:
        ws.append(list(row))
    wb.save(path)


def run(n: int = N_ROWS) -> list[Result]:
    from kjdesk.io.excel_out import write_workbook
    from kjdesk.io.finance_sheets import _disbursement_rows, disbursement_sheet
    from kjdesk.services.core.app import App
    from kjdesk.services.disbursement.reports import disbursement_lines, write_report

    with tempfile.TemporaryDirectory() as tmp:
        db, out = Path(tmp) / "sheets.sqlite", Path(tmp) / "out.xlsx"
        approved_instalments(db, n, YEAR)
        app = App.open(db, actor="bench")
        lines = disbursement_lines(app, YEAR)
        assert len(lines) == n, len(lines)
        values = [v for _kind, v in _disbursement_rows(lines)]
        base = measure(lambda: baseline(values, Path(tmp) / "base.xlsx"), repeat=3)
        writer = measure(
            lambda: write_workbook(out, [disbursement_sheet(YEAR, "包头市科学技术局", lines)]), repeat=3
        )
        full = measure(lambda: write_report(app, "disbursement", YEAR, out), repeat=2)
        app.close()
    return [
        Result(
            f"明细表：写出 {n:,} 行（样式、分组、小计）",
            "≤ 2×",
            writer.seconds,
            base.seconds,
            writer.seconds / base.seconds,
            2,
            writer.peak_mb,
        ),
        reference(f"明细表：从数据库到文件 {n:,} 行", full.seconds, base.seconds, "（含读库）", full.peak_mb),
    ]


if __name__ == "__main__":
    for r in run():
        print(r.line())
