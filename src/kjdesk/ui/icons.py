"""Navigation icons drawn in code: a coloured rounded square with one character.

No image files to ship or to lose in a bundle, and the character (from the page title)
reads well at any scale. A page names its icon by key; unknown keys get a neutral colour.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

COLOURS = {
    "units": "#2f6fb0",
    "platforms": "#2e8b57",
    "people": "#b0652f",
    "recognitions": "#7a4fb0",
    "entitlements": "#b03a48",
    "policy": "#4f7f8f",
    "plans": "#8f7f2f",
    "letters": "#3f5f9f",
    "overview": "#555555",
}


@cache
def page_icon(key: str, text: str, size: int = 64) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS.get(key, "#607080")))
    painter.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), size * 0.22, size * 0.22)
    font = QFont(painter.font())
    font.setPixelSize(int(size * 0.56))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text[:1])
    painter.end()
    return QIcon(pixmap)
