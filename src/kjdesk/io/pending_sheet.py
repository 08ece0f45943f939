"""The 待决定事项表: the waiting items the 局务会 decides on (unit, item, quote, recognition, basis).

The last two columns (决定金额, 决定依据) are left blank for the meeting to fill in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kjdesk.io.excel_out import DATA, TOTAL, Column, TableSheet


@dataclass(frozen=True)
class PendingLine:
    year: int | None
    district: str
    unit_name: str
    clause: str  # （十一）新认定高新技术企业
    quote: str
    recognition: str
    suggested: str
    entitlement_id: int


PENDING_COLUMNS = (
    Column("序号", 6, "center"),
    Column("所属年度", 8, "center"),
    Column("旗县区", 10, "center"),
    Column("单位名称", 26, "wrap"),
    Column("事项（条款）", 24, "wrap"),
    Column("政策原文", 34, "wrap"),
    Column("认定情况", 34, "wrap"),
    Column("建议依据", 28, "wrap"),
    Column("决定金额（万元）", 12, "center"),
    Column("决定依据", 16, "wrap"),
    Column("编号", 8, "center"),
)


def _rows(lines: Sequence[PendingLine]) -> Iterator[tuple[str, Sequence[object]]]:
    for seq, p in enumerate(lines, 1):
        yield (
            DATA,
            (
                seq,
                p.year if p.year is not None else "",
                p.district,
                p.unit_name,
                p.clause,
                p.quote,
                p.recognition,
                p.suggested,
                None,
                None,
                p.entitlement_id,
            ),
        )
    yield TOTAL, (None, "合计", None, f"共 {len(lines)} 项", None, None, None, None, None, None, None)


def pending_sheet(year: int | None, bureau_name: str, lines: Sequence[PendingLine]) -> TableSheet:
    when = f"{year}年度" if year is not None else "各年度"
    return TableSheet(
        name=f"{when}待决定事项表"[:31],
        title=f"{when}科技政策待决定事项表",
        columns=PENDING_COLUMNS,
        rows=_rows(lines),
        left_note=f"编制单位：{bureau_name}",
        unit_note="",
        notes=(
            "注：所属年度为触发事项（认定、获批）的年度，决定后按决定的拨付年度列入计划；"
            "“编号”为应享资金编号，可用 kjdesk amounts enter --entitlement 编号 录入决定金额。",
        ),
    )
