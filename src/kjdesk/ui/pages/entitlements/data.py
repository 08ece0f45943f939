"""What the 应享资金 page holds of its lines, prepared on the read pool.

``page_data`` turns the lines a service read into everything the page needs to show them: the
table rows (``line_row``), the instant filter's index (``haystacks``), the choices of the four
filter boxes and the count the totals line mentions. A plain function of plain data, so the
UI thread only swaps the result in.
"""

from __future__ import annotations

from dataclasses import dataclass

from kjdesk.services.entitlements.listing import EntitlementLine
from kjdesk.ui.pages.entitlements.table import COLUMNS, STATUS_TIPS, clause_words, line_row
from kjdesk.ui.table import haystacks

# Entitlements whose lines make the first screen (each has one line or more; a screen shows ~30).
FIRST_ENTITLEMENTS = 200
AWAITING = "待录入金额"


@dataclass(frozen=True)
class PageData:
    lines: list[EntitlementLine]
    rows: list[tuple]  # line_row(i, lines[i])
    index: list[str]  # the instant filter's haystack of each row
    enterable: frozenset[str]  # clauses that take an officer's amount
    complete: bool  # every line of the database (else the first screen's)
    years: list[int]  # newest first
    clauses: list[tuple[str, str]]  # (clause id, its words)
    districts: list[str]  # the city's order first, then any other
    statuses: list[str]
    undated: int  # lines waiting for an amount, without a year


def page_data(
    lines: list[EntitlementLine], enterable: frozenset[str], city_districts: tuple[str, ...], complete: bool
) -> PageData:
    rows = [line_row(i, ln) for i, ln in enumerate(lines)]
    years = sorted({ln.year for ln in lines if ln.year is not None}, reverse=True)
    clauses = sorted(
        {(ln.clause_id, clause_words(ln.article, ln.clause_title, ln.clause_id)) for ln in lines}
    )
    present = {ln.district for ln in lines if ln.district}
    districts = [d for d in city_districts if d in present] + sorted(present - set(city_districts))
    order = list(STATUS_TIPS)
    statuses = sorted({ln.status for ln in lines}, key=lambda s: order.index(s) if s in order else 99)
    undated = sum(1 for ln in lines if ln.year is None and ln.status == AWAITING)
    return PageData(
        lines=lines,
        rows=rows,
        index=haystacks(COLUMNS, rows),
        enterable=enterable,
        complete=complete,
        years=years,
        clauses=clauses,
        districts=districts,
        statuses=statuses,
        undated=undated,
    )
