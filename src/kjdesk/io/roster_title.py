"""The title above a published list, and a numbered header under it.

The 自治区 and the ministries publish their results as attachments: a title line
("2024年内蒙古自治区第一批认定高新技术企业名单"), then 序号 and the names, often with a
certificate number, and no type, date or 文号 column (they belong to the whole notice).
``title_text`` gives the lines above the header; ``numbered_header`` finds a header that
carries only 序号 and one known column name (too little for the usual header search).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_YEAR = re.compile(r"(20\d{2})\s*年")
_NUMBER_HEADS = frozenset(("序号", "编号", "序", "No", "NO", "no"))


def _cell_text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def title_text(rows: list[list[object]], header_row: int) -> str:
    """The non-empty text of the rows above the header, one line each (a merged banner once)."""
    lines: list[str] = []
    for row in rows[:header_row]:
        seen: list[str] = []
        for cell in row:
            text = _cell_text(cell)
            if text and text not in seen:
                seen.append(text)
        if seen:
            lines.append(" ".join(seen))
    return "\n".join(lines)


def numbered_header(rows: list[list[object]], scan: int, score: Callable[[list[object]], int]) -> int | None:
    """Index of the first row (within ``scan``) that starts with 序号 and has a known column name."""
    for i, row in enumerate(rows[:scan]):
        cells = [c for c in row if _cell_text(c)]
        if len(cells) < 2:
            continue
        first = unicodedata.normalize("NFKC", _cell_text(cells[0])).replace(" ", "")
        if first in _NUMBER_HEADS and score(cells[1:]) >= 1:
            return i
    return None


def title_year(title: str) -> int | None:
    """The year a title names ("2024年…"), the first one."""
    m = _YEAR.search(unicodedata.normalize("NFKC", title))
    return int(m.group(1)) if m else None
