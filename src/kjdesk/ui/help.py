"""帮助: the user manual in a window, and the 关于 box (version, the policy catalogs in force).

The manual is ``docs/使用手册.md`` with its screenshots in ``docs/images/``. The wheel and the
PyInstaller bundle carry both as ``kjdesk/resources/docs/``; in a source checkout they are
read from the repository's ``docs/`` folder. ``QTextDocument.setMarkdown`` renders it; images
are resolved relative to the manual's folder and shrunk to the window's width, never enlarged.
Nothing here touches the network: links are not followed outside the manual.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImageReader, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from kjdesk import APP_NAME, APP_TITLE, __version__
from kjdesk.resources import resources_dir
from kjdesk.ui.dialogs import BaseDialog

MANUAL_NAME = "使用手册.md"
IMAGE_MAX_WIDTH = 860  # px shown in the help window; the files themselves are up to 1200 px


class ManualMissing(FileNotFoundError):
    """The manual is not installed (a damaged installation); the message says so in Chinese."""


def manual_path() -> Path:
    """Where the manual is: inside the installed resources, else the checkout's ``docs/``."""
    resources = resources_dir()
    for candidate in (resources / "docs" / MANUAL_NAME, resources.parent / "docs" / MANUAL_NAME):
        if candidate.is_file():
            return candidate
    raise ManualMissing(f"找不到使用手册 {MANUAL_NAME}（安装不完整，请重新安装程序）")


def fit_images(document: QTextDocument, folder: Path, max_width: int = IMAGE_MAX_WIDTH) -> int:
    """Give every image wider than ``max_width`` that width (keeping its proportions).

    Returns how many images were found in ``folder``; a missing image is left as Qt draws it.
    """
    found = 0
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                size = QImageReader(str(folder / image.name())).size()
                if size.isValid():
                    found += 1
                    if size.width() > max_width:
                        image.setWidth(max_width)
                        image.setHeight(size.height() * max_width / size.width())
                        cursor = QTextCursor(document)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
            it += 1
        block = block.next()
    return found


class ManualDialog(BaseDialog):
    """The manual, readable while the officer works in the main window (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用手册 — ") + APP_TITLE)
        self.resize(960, 760)
        self.path = manual_path()
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)  # offline: never hand a link to a web browser
        self.browser.setOpenLinks(True)
        self.browser.setSearchPaths([str(self.path.parent)])
        document = self.browser.document()
        document.setBaseUrl(QUrl.fromLocalFile(str(self.path.parent) + "/"))
        document.setMarkdown(self.path.read_text(encoding="utf-8"))
        document.setDocumentMargin(18)
        self.images = fit_images(document, self.path.parent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    def geometry_name(self) -> str:
        return "ManualDialog"


def open_manual(parent: QWidget | None = None) -> ManualDialog | None:
    """帮助 → 使用手册: show the manual beside the window; a missing manual is said in Chinese.

    Asked again, the window already open comes to the front (one manual per main window).
    """
    dialog = getattr(parent, "_kjdesk_manual", None) if parent is not None else None
    if dialog is None:
        try:
            dialog = ManualDialog(parent)
        except (ManualMissing, OSError) as exc:
            QMessageBox.warning(parent, APP_TITLE, str(exc))
            return None
        if parent is not None:
            parent._kjdesk_manual = dialog  # closing only hides it; reopening keeps the place read
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def about_html(bureau_city: str | None = None) -> str:
    """The version and every policy catalog the program ships, with 文号 and effective dates."""
    from kjdesk.policy.catalog import builtin_policies

    lines = [
        f"<h3>{APP_TITLE}（{APP_NAME}）{escape(__version__)}</h3>",
        "<p>科技兴蒙政策资金兑现：登记认定、计算应享资金、编制与审批拨付计划、签发通知书。</p>",
        "<p><b>内置政策目录：</b></p><ul>",
    ]
    for policy in builtin_policies():
        doc = policy.document
        state = f"{doc.effective.isoformat()} 起施行"
        if doc.superseded is not None:
            state += f"，{doc.superseded.isoformat()} 起被新文件替代"
        mark = "（本局）" if bureau_city and doc.city == bureau_city else ""
        lines.append(
            f"<li>{escape(doc.title)}（{escape(doc.doc_number)}）{mark}：{state}，"
            f"共 {len(policy.clauses)} 个条款</li>"
        )
    lines.append("</ul><p>离线运行：不联网，不检查更新，不上传任何数据。</p>")
    return "".join(lines)


def about_dialog(parent: QWidget | None = None, bureau_city: str | None = None) -> QMessageBox:
    """帮助 → 关于: a window-modal box; returned so a caller (or a test) can read or close it."""
    box = QMessageBox(parent)
    box.setWindowTitle(f"关于{APP_TITLE}")
    box.setIconPixmap(_app_pixmap())
    box.setText(about_html(bureau_city))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box


def _app_pixmap():  # noqa: ANN202 - QPixmap
    from PySide6.QtGui import QPixmap

    pixmap = QPixmap(str(resources_dir() / "icons" / "kjdesk.png"))
    return pixmap.scaledToWidth(64) if not pixmap.isNull() else pixmap
