"""Opening the demo bureau (``kjdesk --demo`` or the first-run dialog's 先看看演示数据 button).

The demo database sits beside the officer's own (``services.demo.open_demo``), never in its
place; it is generated on first use, which takes a little while, so it is built on the write
thread behind a progress dialog.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QInputDialog, QMessageBox

from kjdesk import APP_TITLE
from kjdesk.services.core.app import App, default_data_dir
from kjdesk.ui.workers import Hub, Operations, error_text

CITY_CHOICES = {"包头市": "baotou", "乌海市": "wuhai"}


def demo_folder(args: argparse.Namespace) -> Path:
    """The demo file goes beside ``--db`` when one is given, else in the user data folder."""
    return Path(args.db).expanduser().resolve().parent if args.db else default_data_dir()


def ask_city() -> str | None:
    name, ok = QInputDialog.getItem(
        None, f"{APP_TITLE}：演示数据", "生成哪个城市的演示数据？", list(CITY_CHOICES), 0, False
    )
    return CITY_CHOICES[name] if ok else None


def open_demo_database(args: argparse.Namespace, city: str | None = None) -> App | None:
    """The demo bureau's App, built first if needed; None when the officer cancelled."""
    from kjdesk.services.demo import demo_db_path, open_demo

    folder = demo_folder(args)
    if city is None and not demo_db_path(folder).exists():
        city = "baotou" if args.smoke_test else ask_city()
        if city is None:
            return None
    hub = Hub()
    ops = Operations(hub, None)
    outcome: dict[str, object] = {}
    loop = QEventLoop()

    def done(app: App) -> None:
        outcome["app"] = app
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    label = "" if args.smoke_test else "正在生成演示数据（只在第一次打开时需要）…"
    ops.write(lambda progress: open_demo(folder, city or "baotou", progress), done, failed, label=label)
    loop.exec()
    if "error" in outcome:
        QMessageBox.warning(None, f"{APP_TITLE}：演示数据", error_text(outcome["error"]))  # type: ignore[arg-type]
        return None
    if not args.smoke_test:
        show_demo_accounts()
    return outcome["app"]  # type: ignore[return-value]


def show_demo_accounts(parent=None) -> QMessageBox:  # noqa: ANN001 - QWidget
    """The demo's first words: its accounts and their password (not modal: the window opens behind)."""
    from kjdesk.services.demo import demo_accounts_text

    box = QMessageBox(
        QMessageBox.Icon.Information, f"{APP_TITLE}：演示数据", demo_accounts_text(), parent=parent
    )
    box.setObjectName("demo_accounts")
    box.setModal(False)
    box.show()
    global _shown  # keep it alive until the officer closes it
    _shown = box
    return box


_shown: QMessageBox | None = None
