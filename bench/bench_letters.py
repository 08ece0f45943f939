"""Letters: 1,000 award letters in one batch (``services.letters.issue_letters``).

Baseline (issue 20): reportlab writing the same letters one PDF each — the same text (number,
title, addressee, paragraphs, signature) in the same font file, registered afresh as a plain
reportlab program would, on bare pages, one document per letter (each its own font subset,
compression and file), as each letter is archived. Target: at most 1.5× the baseline. The
figure of the same text drawn on 1,000 pages of one document is kept in the note, as a
reference (a single document embeds one font subset for all the letters).
"""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

from bench.common import Result, measure, reference, sqlite_rows
from bench.data import approved_instalments

N_LETTERS = 1_000
BATCHES = 3  # the batch is timed this many times (each on a fresh copy), the best kept
YEAR = 2026
DAY = date(2026, 11, 23)


def letter_texts(app, n: int) -> tuple[list, str]:  # noqa: ANN001
    """The text of each letter the batch will issue (composed before, outside the timing)."""
    from kjdesk.services.letters import content as letter_content
    from kjdesk.services.letters import pending_letters, prepare
    from kjdesk.store.models import Instalment

    issuer = prepare(app)
    texts = []
    with app.db.session() as s:
        for item in pending_letters(app, YEAR)[:n]:
            inst = s.get(Instalment, item.instalment_id)
            _k, text, _p, _a = letter_content.compose(
                s,
                issuer.bureau,
                issuer.policy,
                issuer.templates,
                inst.entitlement,
                inst,
                "包科字〔2026〕1号",
                DAY,
            )
            texts.append(text)
        s.rollback()
    return texts, stock_font(issuer.fonts)


def stock_font(fonts) -> str:  # noqa: ANN001 - LetterFonts
    """The letters' body font registered afresh with reportlab, as a plain reportlab program
    would (the program's own registration keeps the font's tables: ``fonts.keep_tables``)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    face = fonts.by_role["body"]
    name = "bench-stock-" + fonts.body
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.subfont_index))
    return name


def baseline(texts: list, font: str, *, one_file_each: bool = False) -> int:
    """reportlab drawing the texts on bare pages: one document per letter (the baseline), or
    all of them in one (the reference)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    size = 0
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4)
    for t in texts:
        if one_file_each:
            buf = io.BytesIO()
            canvas = Canvas(buf, pagesize=A4)
        y = 760.0
        for para in (t.number, t.title, t.addressee, *t.paragraphs, t.signature):
            for i in range(0, max(len(para), 1), 28):
                canvas.setFont(font, 16)
                canvas.drawString(80, y, para[i : i + 28])
                y -= 28
        canvas.showPage()
        if one_file_each:
            canvas.save()
            size += len(buf.getvalue())
    if not one_file_each:
        canvas.save()
        size = len(buf.getvalue())
    return size


def baseline_letters(path: Path) -> int:
    """sqlite3 reading the letters (without their PDFs) and the instalments they pay."""
    return sqlite_rows(
        path,
        "SELECT l.id, l.number, l.year, l.seq, l.kind, l.addressee, u.district, e.clause_id, i.year,"
        " l.amount_fen, l.issued_on, l.issued_by, l.status, l.void_reason, l.sha256, l.instalment_id,"
        " l.entitlement_id FROM letters l LEFT JOIN units u ON u.id = l.unit_id"
        " LEFT JOIN entitlements e ON e.id = l.entitlement_id LEFT JOIN instalments i ON i.id = l.instalment_id"
        " ORDER BY l.year, l.seq",
    )


def run(n: int = N_LETTERS) -> list[Result]:
    from kjdesk.services.core.app import App
    from kjdesk.services.letters import issue_letters, pending_letters
    from kjdesk.services.letters.rows import list_letters

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "letters.sqlite"
        approved_instalments(db, n, YEAR)
        # the batch, like the baselines, is timed BATCHES times (each on its own copy of the
        # database, every letter still to issue) and the best taken: the machine is shared
        copies = []
        for k in range(1, BATCHES):
            copies.append(Path(tmp) / f"letters-{k}.sqlite")
            shutil.copyfile(db, copies[-1])
        app = App.open(db, actor="bench")
        texts, font = letter_texts(app, n)
        base = measure(lambda: baseline(texts, font), repeat=3)
        each = measure(lambda: baseline(texts, font, one_file_each=True), repeat=BATCHES)
        apps = iter([*(App.open(c, actor="bench") for c in copies), app])
        used = []

        def one_batch():  # noqa: ANN202
            used.append(next(apps))
            return issue_letters(used[-1], YEAR, issued_on=DAY)

        batch = measure(one_batch, repeat=BATCHES)
        for other in used[:-1]:
            other.close()
        page_base = measure(lambda: baseline_letters(db), repeat=3)
        page = measure(lambda: (list_letters(app), pending_letters(app, None)), repeat=3)
        app.close()
    issued = len(batch.result.issued)
    assert issued == n, issued
    return [
        Result(
            f"通知书：一批签发 {n:,} 份（编号、排版、存档、审计）",
            "≤ 1.5×",
            batch.seconds,
            each.seconds,
            batch.seconds / each.seconds,
            1.5,
            batch.peak_mb,
            note=f"（基线为 reportlab 每份单独写一个 PDF；参考：全部画进一个 PDF 需 {base.seconds:.3f} s，"
            f"比值 {batch.seconds / base.seconds:.1f}）",
        ),
        reference(
            f"通知书页：读出 {len(page.result[0]):,} 份通知书与待签发",
            page.seconds,
            page_base.seconds,
            "（基线为 sqlite3 读出同样的通知书行）",
            page.peak_mb,
        ),
    ]


if __name__ == "__main__":
    for r in run():
        print(r.line())
