"""Tables of a Word document (.docx) read like the sheets of a workbook.

Published lists (公示名单, 认定名单) often arrive as a Word attachment: a title paragraph
(“2024年第一批高新技术企业名单”) and a table below it. Each table is a candidate sheet named
``表格1``, ``表格2`` …; the paragraph just above it is its title. Merged cells are laid out
on the table's grid as a spreadsheet shows them: a cell spread over several columns
(``gridSpan``) keeps its text in its first column, and a cell merged down several rows
(``vMerge``) gives its text to every row it covers (a 所在盟市 merged down a block of rows
belongs to each of them; a header cell merged down two header rows reads on both).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

MAX_TABLE_ROWS = 200_000


class DocxError(ValueError):
    """The document cannot be read; ``str(err)`` is the Chinese reason."""


@dataclass(frozen=True)
class DocxTable:
    name: str  # 表格1
    title: str  # the paragraph just above the table ("" when none)
    rows: list[list[object]]


def _text(element) -> str:  # noqa: ANN001 - an lxml element of the document
    paragraphs = []
    for p in element.iter(qn("w:p")):
        paragraphs.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(paragraphs).strip()


def _int_attr(parent, tag: str) -> int:  # noqa: ANN001
    el = parent.find(qn(tag)) if parent is not None else None
    if el is None:
        return 0
    try:
        return int(el.get(qn("w:val")) or 0)
    except ValueError:
        return 0


def _table_rows(tbl) -> list[list[object]]:  # noqa: ANN001 - a w:tbl element
    rows: list[list[object]] = []
    above: list[str] = []  # the grid of the row above, for vertical merges
    for tr in tbl.findall(qn("w:tr")):
        row: list[str] = [""] * _int_attr(tr.find(qn("w:trPr")), "w:gridBefore")
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span = max(1, _int_attr(pr, "w:gridSpan"))
            vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
            col = len(row)
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                text = above[col] if col < len(above) else ""
            else:
                text = _text(tc)
            row.append(text)
            row.extend([""] * (span - 1))
        rows.append(list(row))
        above = row
        if len(rows) > MAX_TABLE_ROWS:
            raise DocxError(f"表格超过 {MAX_TABLE_ROWS} 行的上限，请拆分后分批导入")
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([""] * (width - len(r)))
    return rows


def read_docx_tables(path: Path) -> list[DocxTable]:
    """Every top-level table of the document, in order, with the paragraph above it."""
    try:
        doc = Document(str(path))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise DocxError(f"Word 文档“{path.name}”已损坏或无法读取（{type(exc).__name__}）") from exc
    except Exception as exc:  # lxml raises its own XMLSyntaxError on a broken document.xml
        raise DocxError(f"Word 文档“{path.name}”已损坏或无法读取（{type(exc).__name__}）") from exc
    tables: list[DocxTable] = []
    title = ""
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = _text(child)
            if text:
                title = " ".join(text.split())
        elif child.tag == qn("w:tbl"):
            tables.append(DocxTable(f"表格{len(tables) + 1}", title, _table_rows(child)))
            title = ""
    if not tables:
        raise DocxError(f"Word 文档“{path.name}”中没有表格。请确认名单是以表格形式排版的")
    return tables
