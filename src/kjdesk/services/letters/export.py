"""Writing stored letters out: one PDF of many (for one print run) or one file each.

The bytes written are the archived ones (checked against their SHA-256), never a new
rendering. Files are written to a temporary name and renamed, so a cancelled or failed
export never leaves a half-written PDF.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfWriter
from sqlalchemy import select

from kjdesk import atomic
from kjdesk.safe_text import safe_filename, strip_controls
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.progress import NullProgress, Progress
from kjdesk.services.letters.rows import LetterRow
from kjdesk.store.models import Letter

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    letters: int

    @property
    def message(self) -> str:
        if len(self.files) == 1 and self.letters != 1:
            return f"已将 {self.letters} 份通知书合并写入 {self.files[0]}"
        where = self.files[0].parent if self.files else ""
        return f"已写出 {self.letters} 份通知书到 {where}"


def file_name(row: LetterRow) -> str:
    """``包科字〔2026〕1号_某某公司.pdf``: safe on Windows (no control characters, no reserved
    name, no trailing dot), sorted by number."""
    return (
        safe_filename(_UNSAFE.sub("_", strip_controls(f"{row.number}_{row.addressee}")), "通知书", 120)
        + ".pdf"
    )


def _write_atomic(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)


def _stored_pdfs(app: App, rows: Sequence[LetterRow], progress: Progress):  # noqa: ANN202 - generator
    with app.db.session() as s:
        for i, row in enumerate(rows):
            progress.check()
            pdf = s.scalar(select(Letter.pdf).where(Letter.id == row.id))
            if pdf is None or hashlib.sha256(pdf).hexdigest() != row.sha256:
                raise ServiceError(f"通知书 {row.number} 的存档文件与校验值不符，已停止导出")
            yield row, bytes(pdf)
            progress.set_value(i + 1)


def merged_pdf(app: App, rows: Sequence[LetterRow], *, progress: Progress | None = None) -> bytes:
    """The stored letters in number order as one PDF (for one print run)."""
    progress = progress or NullProgress()
    if not rows:
        raise ServiceError("没有可打印的通知书")
    rows = sorted(rows, key=lambda r: (r.year, r.seq))
    progress.set_total(len(rows))
    progress.set_status("正在合并通知书")
    pdfs = [pdf for _, pdf in _stored_pdfs(app, rows, progress)]
    if len(pdfs) == 1:
        return pdfs[0]  # the archived bytes themselves
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    _stamp_batch(app, writer, rows)
    progress.check()
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _stamp_batch(app: App, writer: PdfWriter, rows: Sequence[LetterRow]) -> None:
    """One small line at the foot of the batch's last page: the letters and the audit chain head,
    so the printed batch anchors the audit trail (the archived letters themselves are unchanged)."""
    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from kjdesk.io.fonts import NoFontFound, find_letter_fonts
    from kjdesk.services.safety.audit_anchor import chain_head

    try:
        font = find_letter_fonts().body  # embedded, as in the letters themselves
    except NoFontFound:
        font = "STSong-Light"  # a reader's own Chinese font
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(font))
    last = writer.pages[-1]
    width, height = float(last.mediabox.width), float(last.mediabox.height)
    text = (
        f"本批通知书 {len(rows)} 份（{rows[0].number}—{rows[-1].number}）；审计链头 {chain_head(app).short}"
    )
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFont(font, 7)
    c.setFillGray(0.4)
    c.drawString(28, 14, text)
    c.save()
    last.merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])


def export_letters(
    app: App, rows: Sequence[LetterRow], target: Path, *, progress: Progress | None = None
) -> ExportResult:
    """``target`` ending in .pdf: all letters in one file, in number order; else a folder, one file each."""
    progress = progress or NullProgress()
    if not rows:
        raise ServiceError("没有可导出的通知书")
    rows = sorted(rows, key=lambda r: (r.year, r.seq))
    progress.set_total(len(rows))
    progress.set_status("正在写出通知书")
    target = Path(target)
    if target.suffix.lower() == ".pdf":
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, merged_pdf(app, rows, progress=progress))
        return ExportResult((target,), len(rows))
    if target.exists() and not target.is_dir():
        raise ServiceError(f"{target} 不是文件夹：请给出一个文件夹，或以 .pdf 结尾的文件名")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for row, pdf in _stored_pdfs(app, rows, progress):
        path = target / file_name(row)
        _write_atomic(path, pdf)
        written.append(path)
    return ExportResult(tuple(written), len(written))
