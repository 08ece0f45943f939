"""Showing and printing stored letters: page images, the print preview and the system
print dialog, and "open with the default viewer".

What is shown and printed is the archived PDF itself, rendered by PDFium
(``io.pdf_render``), at actual size on A4 (never scaled to fit the printer's margins,
so the 版心 stays where GB/T 9704 puts it).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from kjdesk.services.letters import PageImage, render_pages

PRINT_DPI = 300  # enough for 仿宋 at 三号; more only makes the spool file larger
PREVIEW_DPI = 72


def fit_dpi(width_px: int) -> float:
    """The resolution at which an A4 page (210 mm wide) fills ``width_px``, within reason."""
    return max(40.0, min(150.0, width_px / (210 / 25.4)))


def to_qimage(page: PageImage) -> QImage:
    image = QImage(page.rgb, page.width, page.height, page.stride, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: ``page.rgb`` may go away


def preview_pixmaps(pdf: bytes, dpi: float = PREVIEW_DPI) -> list[QPixmap]:
    return [QPixmap.fromImage(to_qimage(p)) for p in render_pages(pdf, dpi)]


def a4_printer(printer: QPrinter | None = None) -> QPrinter:
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
        )
    )
    return printer


def paint_pdf(printer: QPrinter, pdf: bytes) -> int:
    """Paint every page of ``pdf`` on ``printer`` at actual size; returns the number of pages."""
    dpi = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印（打印机不可用？）")
    pages = 0
    try:
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        target = QRectF(0, 0, paper.width(), paper.height())
        for page in render_pages(pdf, dpi):
            if pages:
                printer.newPage()
            painter.drawImage(target, to_qimage(page))
            pages += 1
    finally:
        painter.end()
    return pages


def print_preview(parent: QWidget, pdf: bytes, title: str) -> None:
    """Qt's print preview; its print button opens the system print dialog."""
    printer = a4_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(parent.tr("打印预览 — {t}").format(t=title))
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf))
    dialog.resize(900, 1000)
    dialog.exec()


def print_with_dialog(parent: QWidget, pdf: bytes, title: str) -> bool:
    printer = a4_printer()
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(parent.tr("打印 — {t}").format(t=title))
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pdf(printer, pdf)
    return True


def open_with_default_viewer(pdf: bytes, name: str) -> Path:
    """Write to a temporary file and hand it to the system's PDF viewer."""
    folder = Path(tempfile.gettempdir()) / "kjdesk-letters"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(pdf)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path
