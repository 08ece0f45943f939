"""Starting the desktop window: ``kjdesk`` with no sub-command calls ``run_gui(args)``.

The window comes first: ``run_gui`` creates the QApplication (Chinese Qt translations, a CJK
font) and shows the main window's frame — menus, the navigation list, "正在打开数据库……" —
before anything of SQLAlchemy or the services is imported. Once that frame has been painted,
``Startup.run`` carries on from the event loop: it opens the database (asking for the server's
password when one is remembered; damaged, held, too new or foreign files handled as below),
asks for the bureau on first run, signs the officer in (modal, over the window), and builds
the pages. Cancelling, or a database that cannot be opened, closes the window and quits.
With ``--smoke-test`` it opens every page, lets them load, and exits 0 (CI and the bundle check).

``KJDESK_EXIT_WHEN_SHOWN`` is the start-up benchmark's hook (``bench/bench_startup.py``):
``1`` quits once the window has first been painted, ``ready`` once the pages are built and
the first page has been painted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from kjdesk import APP_NAME, APP_TITLE, __version__

EXIT_OK, EXIT_USER, EXIT_INTERNAL = 0, 1, 2

# Fonts that draw Chinese well, best first: Windows, macOS, then Linux packages.
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "微软雅黑",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "文泉驿微米黑",
    "SimHei",
)


def make_qapplication(argv: list[str] | None = None):  # noqa: ANN201 - QApplication
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    from kjdesk.ui import settings

    existing = QApplication.instance()
    qapp = existing or QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName(settings.ORGANIZATION)
    QCoreApplication.setApplicationName(settings.APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QApplication.setApplicationDisplayName(APP_TITLE)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if not getattr(qapp, "_kjdesk_translator", None):
        import PySide6

        translator = QTranslator(qapp)
        folders = (  # Qt's own path, else the copy PySide6 ships (a frozen bundle may report another)
            QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
            str(Path(PySide6.__file__).parent / "Qt" / "translations"),
            str(Path(sys.executable).parent / "PySide6" / "Qt" / "translations"),
        )
        if any(translator.load("qtbase_zh_CN", folder) for folder in folders):
            qapp.installTranslator(translator)
            qapp._kjdesk_translator = translator  # keep it alive
        from kjdesk.ui.qt_chinese import MissingQtWords

        words = MissingQtWords(qapp)  # what qtbase_zh_CN lacks (Qt 6 added mnemonics to these)
        qapp.installTranslator(words)
        qapp._kjdesk_words = words
    from PySide6.QtGui import QIcon

    from kjdesk.resources import resource_path

    icon = resource_path("icons", "kjdesk.png")
    if icon.exists():
        qapp.setWindowIcon(QIcon(str(icon)))
    families = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in families:
            font = QFont(family)
            font.setPointSize(10)
            qapp.setFont(font)
            break
    return qapp


def is_demo_database(app) -> bool:  # noqa: ANN001 - App
    return bool(app.extra.get("demo"))


def open_database(args: argparse.Namespace, parent=None):  # noqa: ANN001, ANN201 - QWidget, App | None
    """Open the database checked (``services.startup``), or say in Chinese why it cannot be.

    Another kjdesk writing to it: offer to open it read-only. A damaged file: offer the newest
    good backup. A newer schema or a file that is not kjdesk's: refuse, the file untouched.
    The questions and messages are modal over ``parent`` (the main window at start-up).
    """
    from PySide6.QtWidgets import QMessageBox

    from kjdesk.services.core.app import ServiceError
    from kjdesk.services.safety.startup import (
        DatabaseDamaged,
        DatabaseLocked,
        NotAKjdeskDatabase,
        SchemaTooNew,
        open_checked,
    )

    db = args.db
    if db is None and args.smoke_test:  # never touch the officer's own database for a self-check
        import tempfile

        db = Path(tempfile.mkdtemp(prefix="kjdesk-smoke-")) / "smoke.sqlite"
        args.smoke_db = db
    if db is None and not args.smoke_test:
        from kjdesk.ui.start.connect import ConnectDialog, remembered_server

        server = remembered_server()
        if server:  # this PC works on the bureau's server: ask for the password each start
            dialog = ConnectDialog(parent, previous=server)
            if dialog.exec() != dialog.DialogCode.Accepted:
                return None
            db = dialog.url()
    title = f"{APP_TITLE}：无法打开数据库"
    actor = args.user or "经办人"
    try:
        try:
            return open_checked(db, actor=actor, backup_daily=not args.smoke_test)
        except DatabaseLocked as exc:
            if args.smoke_test:
                raise
            answer = QMessageBox.question(
                parent, f"{APP_TITLE}：数据库正在被编辑", f"{exc}\n\n以只读方式打开（只能查看，不能修改）？"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
            return open_checked(db, actor=actor, read_only=True)
        except DatabaseDamaged as exc:
            if args.smoke_test:
                raise
            from kjdesk.ui.start.open_database import recover_interactively

            return recover_interactively(parent, exc, db, actor)  # 退出 is the default choice
    except DatabaseDamaged as exc:
        QMessageBox.critical(parent, title, exc.window_text)
    except (SchemaTooNew, NotAKjdeskDatabase, DatabaseLocked, ServiceError) as exc:
        QMessageBox.critical(parent, title, str(exc))
    except OSError as exc:
        QMessageBox.critical(parent, title, f"无法打开数据库文件：{exc}")
    return None


def smoke_test(window, qapp, timeout: float = 20.0) -> int:  # noqa: ANN001 - MainWindow, QApplication
    """Open every page and let it load; 0 when each page came up, 2 otherwise."""
    failures: list[str] = []
    for page in window.pages:
        try:
            window.page(page.key)
            deadline = time.monotonic() + timeout
            qapp.processEvents()
            while window.hub.ops.busy and time.monotonic() < deadline:
                qapp.processEvents()
                time.sleep(0.01)
            qapp.processEvents()
            if window.hub.ops.busy:
                failures.append(f"{page.title}：载入超时")
        except Exception:  # report every page, then fail
            failures.append(f"{page.title}：\n{traceback.format_exc()}")
    titles = "、".join(p.title for p in window.pages)
    if failures:
        sys.stderr.write("窗口自检失败：\n" + "\n".join(failures) + "\n")
        return EXIT_INTERNAL
    sys.stdout.write(f"窗口自检通过：{len(window.pages)} 个页面（{titles}）\n")
    return EXIT_OK


class Startup:
    """What follows the first paint of the main window: database, bureau, sign-in, pages.

    ``run`` is called once from the event loop. When start-up ends the program (cancelled,
    refused, smoke test done) it stores the exit code in ``exit_code`` and leaves the loop.
    """

    def __init__(self, args: argparse.Namespace, qapp, window) -> None:  # noqa: ANN001 - QApplication, MainWindow
        self.args, self.qapp, self.window = args, qapp, window
        self.app = None  # the App once the database is open; run_gui closes it at the end
        self.exit_code: int | None = None
        self.started = False

    def run(self) -> None:
        if self.started:
            return
        self.started = True
        try:
            code = self._start()
        except Exception as exc:  # never a window left waiting with nothing behind it
            traceback.print_exc()
            if self.window.isVisible():
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.critical(
                    self.window,
                    f"{APP_TITLE}：启动失败",
                    f"启动时发生内部错误，请把以下信息发给维护人员：\n{exc!r}",
                )
            code = EXIT_INTERNAL
        if code is not None:
            self.exit_code = code
            self.qapp.exit(code)

    def _start(self) -> int | None:
        """None when the window is ready to use; otherwise the exit code of the program."""
        from PySide6.QtWidgets import QDialog

        from kjdesk.services.core.settings import bureau
        from kjdesk.ui.start import sign_in
        from kjdesk.ui.start.demo import open_demo_database
        from kjdesk.ui.start.first_run import FirstRunDialog

        args, window = self.args, self.window
        app = open_demo_database(args) if args.demo else open_database(args, window)
        if app is None:
            return EXIT_USER
        self.app = app
        if not window.isVisible():  # closed while the demo database was being built
            return EXIT_OK
        current = bureau(app)
        if current is None:
            if args.smoke_test and getattr(args, "smoke_db", None):
                from kjdesk.services.core.settings import initialize

                current = initialize(app, "baotou")
            elif args.smoke_test:
                sys.stderr.write("错误：数据库尚未初始化，请先运行 kjdesk init --city baotou|wuhai\n")
                return EXIT_USER
            else:
                window.show_progress(window.tr("请选择所服务的城市"))
                dialog = FirstRunDialog(app, window)
                accepted = dialog.exec() == QDialog.DialogCode.Accepted
                if dialog.want_demo:  # 先看看演示数据: the officer's database stays as it was
                    app.close()
                    self.app = None
                    app = open_demo_database(args, dialog.city() or "baotou")
                    if app is None:
                        return EXIT_USER
                    self.app = app
                    current = bureau(app)
                elif not accepted or dialog.bureau is None:
                    return EXIT_OK
                else:
                    current = dialog.bureau
        if not args.smoke_test and not is_demo_database(app):
            from kjdesk.services.safety.startup import sign_lock

            window.show_progress(window.tr("请登录"))
            signed = sign_in.sign_in_at_start(
                app, window
            )  # 经办人 / 复核人 / 管理员: every action records who
            if signed is None:
                return EXIT_OK
            from kjdesk.services.core.officers import must_change_password

            if must_change_password(signed):  # a 管理员 reset it: the officer's own password first
                from kjdesk.ui.start.account_actions import ChangePasswordDialog

                if ChangePasswordDialog(signed, window, forced=True).exec() != QDialog.DialogCode.Accepted:
                    return EXIT_OK
            self.app = app = signed
            sign_lock(app)
        window.show_progress(window.tr("正在载入……"))
        window.attach(app, current, demo=is_demo_database(app))
        warning = app.extra.get("backup_warning")
        if warning:
            window.statusBar().showMessage(str(warning), 30000)
        if args.smoke_test:
            return smoke_test(window, self.qapp)
        if os.environ.get("KJDESK_EXIT_WHEN_SHOWN") == "ready":  # the start-up benchmark (bench/)
            window.call_after_paint(self.qapp.quit)
        return None


def run_gui(args: argparse.Namespace) -> int:
    """Show the window at once, then open the database from the event loop (``Startup``)."""
    qapp = make_qapplication([sys.argv[0]])
    from kjdesk.ui.main_window import MainWindow

    window = MainWindow()
    startup = Startup(args, qapp, window)
    if os.environ.get("KJDESK_EXIT_WHEN_SHOWN") == "1":  # the start-up benchmark (bench/)
        window.call_after_paint(qapp.quit)
    else:
        window.call_after_paint(startup.run)
    window.show()
    try:
        code = qapp.exec()
    finally:
        if window.isVisible():
            window.close()  # waits for running service calls, remembers the geometry
        if startup.app is not None:
            startup.app.close()
        window.deleteLater()
    return startup.exit_code if startup.exit_code is not None else code


if __name__ == "__main__":  # pragma: no cover - ``python -m kjdesk.ui.app`` for a quick look
    sys.exit(run_gui(argparse.Namespace(db=None, user="", demo=False, smoke_test=False, app=APP_NAME)))
