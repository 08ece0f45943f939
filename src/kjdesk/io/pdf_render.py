"""PDF pages as pixels, for the letter preview and for printing through the system dialog.

PDFium (``pypdfium2``, a wheel with the library inside, no network) renders the stored PDF
itself, so what an officer previews and prints is exactly the archived letter.
"""

from __future__ import annotations

from dataclasses import dataclass


class RenderError(Exception):
    """The PDF cannot be shown; the message is Chinese."""


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    stride: int
    rgb: bytes  # 3 bytes a pixel, rows ``stride`` bytes apart


def _document(pdf: bytes):  # noqa: ANN202 - pypdfium2.PdfDocument
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise RenderError("缺少 PDF 显示组件 pypdfium2，无法预览或打印（请重新安装程序）") from exc
    try:
        return pdfium.PdfDocument(pdf)
    except Exception as exc:  # PdfiumError and friends
        raise RenderError(f"无法打开该 PDF：{exc}") from exc


def page_count(pdf: bytes) -> int:
    doc = _document(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: float, first: int = 0, last: int | None = None) -> list[PageImage]:
    """Pages ``first``..``last`` (inclusive, default all) at ``dpi``, white background."""
    doc = _document(pdf)
    try:
        end = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        out = []
        for i in range(first, end + 1):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            out.append(PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
            page.close()
        return out
    finally:
        doc.close()


def page_text(pdf: bytes, index: int = 0) -> str:
    """The text of one page (the preview's fallback and the tests' check)."""
    doc = _document(pdf)
    try:
        page = doc[index]
        text = page.get_textpage().get_text_range()
        page.close()
        return text
    finally:
        doc.close()
