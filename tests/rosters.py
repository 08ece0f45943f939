"""Rosters the import tests build (openpyxl, csv), and a snapshot of the whole database."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import select

from kjdesk.store.models import Base
from tests.conftest import make_credit_code, make_id_number

CODE_A = make_credit_code("91150200MA0N0AAA1")
CODE_B = make_credit_code("91150200MA0N0BBB2")
CODE_C = make_credit_code("91150200MA0N0CCC3")
ID_A = make_id_number("15020219800101123")


def xlsx(path: Path, rows: list[list[object]], title: str | None = None, sheet: str = "Sheet1") -> Path:
    """An .xlsx with ``rows``; with ``title``, a merged banner row above them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(r) for r in rows))
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def csv_file(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(str(c) for c in r) for r in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


UNITS_HEADER = ["序号", "企业名称", "统一社会信用代码", "所属旗县区"]


def units_rows() -> list[list[object]]:
    return [
        list(UNITS_HEADER),
        [1, "包头市甲稀土有限公司", CODE_A, "昆都仑区"],
        [2, "包头市乙机械有限公司", CODE_B, "稀土高新区"],
    ]


def snapshot(app) -> dict[str, list[tuple]]:  # noqa: ANN001
    """Every row of every table (to show a failed import changed nothing)."""
    with app.db.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t))] for t in Base.metadata.sorted_tables}
