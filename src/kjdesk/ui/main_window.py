"""The main window: a navigation list of pages, the pages, the menus and the status bar.

The window is shown before the database is open (``ui/app.py``): ``MainWindow()`` is the
frame with its menus, the navigation list (greyed) and a "正在打开数据库……" placeholder, made
without importing SQLAlchemy or the services, so it appears at once. ``attach(app, bureau)``
then gives it the database and builds the pages; ``MainWindow(app, bureau)`` does both.

Pages come from ``ui/pages/__init__.py`` (``PAGES``); each is created the first time it is
shown. The window owns the ``Hub``: service calls run through ``hub.ops`` and what they
change is passed to every created page's ``refresh(changes)``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.util import find_spec
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from kjdesk import APP_TITLE, __version__
from kjdesk.ui import settings
from kjdesk.ui.dialogs import PreserveGeometry, inform
from kjdesk.ui.icons import page_icon
from kjdesk.ui.pages import Page, available_pages

if TYPE_CHECKING:  # the services (and SQLAlchemy) are imported only when the database opens
    from kjdesk.services.core.app import App, Changes
    from kjdesk.services.core.settings import Bureau
    from kjdesk.ui.workers import Hub

OPENING = "正在打开数据库……"
PAINT_FALLBACK_MS = 300

NAV_STYLE = """
QListWidget#navigation { background: #f3f5f8; border: none; border-right: 1px solid #d8dde4; outline: 0; }
QListWidget#navigation::item { padding: 8px 6px; border-radius: 4px; margin: 2px 6px; color: #222; }
QListWidget#navigation::item:selected { background: #dbe7f5; color: #0b3d75; }
QListWidget#navigation::item:hover:!selected { background: #e8edf3; }
QListWidget#navigation::item:disabled { color: #9aa3ad; }
"""
PLACEHOLDER_STYLE = "QLabel#placeholder { color: #5a6573; font-size: 15pt; }"


def import_changes() -> Changes:
    """What an import may have changed: every register and what is computed from it."""
    from kjdesk.services.core.app import Changes

    return Changes(
        units=True,
        platforms=True,
        people=True,
        recognitions=True,
        facts=True,
        entitlements=True,
        instalments=True,
    )


class MainWindow(PreserveGeometry, QMainWindow):
    def __init__(self, app: App | None = None, bureau: Bureau | None = None, *, demo: bool = False) -> None:
        super().__init__()
        self.app: App | None = None
        self.bureau: Bureau | None = None
        self.demo = demo
        self.hub: Hub | None = None
        self._after_paint: list[Callable[[], None]] = []
        self.setWindowTitle(APP_TITLE)
        self.resize(1280, 800)

        self.pages: list[Page] = available_pages()
        self.page_widgets: dict[str, QWidget] = {}
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(26, 26))
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet(NAV_STYLE)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for page in self.pages:
            item = QListWidgetItem(page_icon(page.icon, page.title), page.title, self.nav)
            item.setToolTip(page.tip)
        self.nav.setEnabled(False)  # until the database is open and the officer signed in
        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(self.tr(OPENING), self.stack)
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(PLACEHOLDER_STYLE)
        self.stack.addWidget(self.placeholder)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self.statusBar()  # there from the start, so the page area does not move when it fills
        self.restore_geometry()
        if app is not None:
            if bureau is None:
                raise ValueError("MainWindow(app) needs the bureau too")
            self.attach(app, bureau, demo=demo)

    def show_progress(self, text: str) -> None:
        """What the page area says while the window waits for the database or the sign-in."""
        self.placeholder.setText(text)

    def attach(self, app: App, bureau: Bureau, *, demo: bool = False) -> None:
        """The database is open and the officer signed in: build the pages, open the last one."""
        from kjdesk.ui.workers import Hub, Operations

        self.app, self.bureau, self.demo = app, bureau, demo
        self.hub = Hub(self)
        self.hub.ops = Operations(self.hub, self)
        self.hub.sig_changes.connect(self._refresh_pages)
        self.hub.sig_request_import.connect(self.open_import)
        self.hub.sig_request_template.connect(self.save_template)
        title = f"{APP_TITLE} — {bureau.name}"
        if demo and "演示" not in bureau.name:  # one marker: the demo bureau's name already says it
            title += "（演示数据）"
        title += "（只读）" if app.read_only else ""
        self.setWindowTitle(title)

        self.stack.removeWidget(self.placeholder)
        self.placeholder.hide()
        for _page in self.pages:
            self.stack.addWidget(QWidget(self.stack))  # replaced by the page on first visit
        self.nav.currentRowChanged.connect(self.show_page)
        self.nav.setEnabled(True)
        for action in self._database_actions:
            action.setEnabled(True)
        self._status_bar()
        last = str(settings.get(settings.LAST_PAGE))
        keys = [p.key for p in self.pages]
        row = keys.index(last) if last in keys else 0
        if self.nav.currentRow() == row:
            self.show_page(row)
        else:
            self.nav.setCurrentRow(row)

    def call_after_paint(self, callback: Callable[[], None], fallback_ms: int = PAINT_FALLBACK_MS) -> None:
        """Run ``callback`` once, from the event loop, after the window has next been painted.

        Start-up waits for this so the frame is on the screen before the slow work begins. Should
        no paint come (a minimised window), it runs after ``fallback_ms`` all the same.
        """
        done = False

        def once() -> None:
            nonlocal done
            if not done:
                done = True
                callback()

        self._after_paint.append(once)
        self.update()
        QTimer.singleShot(fallback_ms, self, once)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            QTimer.singleShot(0, callback)

    # --- pages ----------------------------------------------------------------------------

    def show_page(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[row]
        if page.key not in self.page_widgets:
            widget = page.create(self.app, self.hub)
            widget.setObjectName(f"page_{page.key}")
            old = self.stack.widget(row)
            self.stack.insertWidget(row, widget)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.page_widgets[page.key] = widget
            self.restore_splitters(widget)
        self.stack.setCurrentIndex(row)
        settings.put(settings.LAST_PAGE, page.key)

    def page(self, key: str) -> QWidget:
        """Show the page ``key`` and return its widget."""
        row = [p.key for p in self.pages].index(key)
        self.nav.setCurrentRow(row)
        self.show_page(row)
        return self.page_widgets[key]

    def _refresh_pages(self, changes: Changes) -> None:
        for widget in self.page_widgets.values():
            widget.refresh(changes)  # type: ignore[attr-defined]

    # --- menus and status bar -------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self.import_action = QAction(self.tr("导入名录…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.open_import)
        file_menu.addAction(self.import_action)
        template_menu = file_menu.addMenu(self.tr("下载导入模板"))
        # What needs the database stays greyed until it is open and the officer signed in.
        self._database_actions: list[QAction] = [self.import_action, template_menu.menuAction()]
        for kind, label in (
            ("units", "单位名录模板"),
            ("platforms", "平台名录模板"),
            ("people", "人员名录模板"),
            ("recognitions", "认定记录模板"),
            ("facts", "年度申报数据模板"),
        ):
            action = template_menu.addAction(self.tr(label))
            action.triggered.connect(lambda _=False, k=kind: self.save_template(k))
        file_menu.addSeparator()
        for label, opener in (
            ("备份与恢复…", self.open_backups),
            ("年度结账…", self.open_years),
            ("账号管理…", self.open_officers),
            ("修改密码…", self.change_password),
            ("切换用户（注销）…", self.switch_user),
        ):
            action = file_menu.addAction(self.tr(label))
            action.triggered.connect(opener)
            self._database_actions.append(action)
        file_menu.addAction(self.tr("连接数据库服务器…")).triggered.connect(self.connect_server)
        for action in self._database_actions:
            action.setEnabled(False)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        manual = QAction(self.tr("使用手册"), self)
        manual.setShortcut(QKeySequence("F1"))
        manual.triggered.connect(self.open_manual)
        help_menu.addAction(manual)
        about = QAction(self.tr("关于科技兑现台"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def open_backups(self) -> None:
        from kjdesk.ui.admin.backups import BackupsDialog

        BackupsDialog(self.app, self.hub, self).exec()

    def open_years(self) -> None:
        from kjdesk.ui.admin.years import YearsDialog

        YearsDialog(self.app, self.hub, self).exec()

    def open_officers(self) -> None:
        from kjdesk.ui.admin.officers import OfficersDialog

        if self.app.role != "管理员":
            inform(self, self.tr("账号管理"), self.tr("只有管理员可以管理账号。"))
            return
        OfficersDialog(self.app, self.hub, self).exec()

    def change_password(self) -> None:
        from kjdesk.ui.start.account_actions import change_password

        change_password(self)

    def switch_user(self) -> None:
        from kjdesk.ui.start.account_actions import switch_user

        switch_user(self)

    def sign_out(self) -> None:
        """Close every page (they act as the officer signing out) until someone signs in."""
        for key, widget in list(self.page_widgets.items()):
            row = [p.key for p in self.pages].index(key)
            self.stack.insertWidget(row, QWidget(self.stack))
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.page_widgets.clear()
        self.nav.setEnabled(False)
        for action in self._database_actions:
            action.setEnabled(False)
        self._who.setText(self.tr("已注销"))

    def sign_in_as(self, app: App) -> None:
        """Go on as ``app``'s officer: the pages are made anew for them."""
        self.app = app
        self.nav.setEnabled(True)
        for action in self._database_actions:
            action.setEnabled(True)
        self._who.setText(self._who_text())
        self.show_page(max(self.nav.currentRow(), 0))

    def _who_text(self) -> str:
        """The officer's name, not the login (the login is in the tooltip)."""
        from kjdesk.services.core.officer_names import officer_names

        assert self.app is not None
        name = officer_names(self.app).get(self.app.actor, self.app.actor)
        return self.tr("当前用户：") + f"{name}（{self.app.role}）"

    def connect_server(self) -> None:
        """Choose the bureau's PostgreSQL server (or go back to this PC's file) for the next start."""
        from kjdesk.ui.start.connect import ConnectDialog, forget_server, remembered_server

        dialog = ConnectDialog(self, previous=remembered_server())
        back = dialog.buttons.addButton(self.tr("改用本机数据库"), dialog.buttons.ButtonRole.ResetRole)
        back.clicked.connect(lambda: (forget_server(), dialog.reject()))
        if dialog.exec() == dialog.DialogCode.Accepted:
            inform(
                self,
                self.tr("连接数据库服务器"),
                self.tr("已记住服务器 {url}。下次启动时将连接该服务器并询问密码。").format(
                    url=dialog.remembered
                ),
            )

    def open_manual(self) -> None:
        from kjdesk.ui.help import open_manual

        open_manual(self)

    def _status_bar(self) -> None:
        assert self.app is not None
        path = self.app.db.path
        where = QLabel(self.tr("数据库：") + (str(path) if path else self.app.db.url), self)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setToolTip(where.text())
        # a long path gives way (cut at the right, whole in the tooltip): the demo's accounts and
        # the officer's name always show, at 1280 as at 1920
        where.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        where.setMinimumWidth(80)
        who = self._who = QLabel(self._who_text(), self)
        who.setObjectName("current_user")
        who.setToolTip(self.tr("登录名：") + self.app.actor)
        self.statusBar().addWidget(where, 1)
        if self.demo:
            self.statusBar().addPermanentWidget(QLabel("<b style='color:#b03a48'>演示数据</b>", self))
            accounts = QLabel(
                self.tr("演示账号 admin 管理员、jingban 经办人、fuhe 复核人，密码 kjdesk-demo"),
                self,
            )
            accounts.setObjectName("demo_accounts")
            accounts.setToolTip(self.tr("“文件 → 切换用户”换人，体验经办人报批、复核人审批"))
            self.statusBar().addPermanentWidget(accounts)
        self.statusBar().addPermanentWidget(who)

    def about_text(self) -> str:
        from html import escape

        city = self.bureau.city if self.bureau else ""
        lines = [f"<h3>{APP_TITLE}（kjdesk）{__version__}</h3>"]
        if self.bureau is not None:
            lines.append(f"<p>服务单位：{self.bureau.name}</p>")
        if find_spec("kjdesk.policy.catalog") is not None:
            from kjdesk.policy.catalog import builtin_policies

            lines.append("<p>内置政策：</p><ul>")
            for policy in builtin_policies():
                doc = policy.document
                mark = "（本局）" if doc.city == city else ""
                lines.append(
                    f"<li>{escape(doc.title)}（{escape(doc.doc_number)}）{mark}，"
                    f"{doc.effective.isoformat()} 起施行，共 {len(policy.clauses)} 个条款</li>"
                )
            lines.append("</ul>")
        lines.append("<p>离线运行，不联网，不上传任何数据。</p>")
        return "".join(lines)

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("关于科技兑现台"), self.about_text())

    # --- import and templates -------------------------------------------------------------

    def open_import(self) -> None:
        if self.app is None or self.hub is None:
            return
        if find_spec("kjdesk.ui.pages.import_wizard.wizard") is None:
            inform(
                self,
                self.tr("导入名录"),
                self.tr("本版本尚未包含导入向导，请使用命令行：kjdesk import 文件名"),
            )
            return
        from kjdesk.ui.pages.import_wizard.wizard import ImportWizard

        wizard = ImportWizard(self.app, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        hub = self.hub
        wizard.finished.connect(lambda _result: hub.announce(import_changes()))
        wizard.open()

    def save_template(self, kind: str) -> None:
        from kjdesk.ui.pages.import_wizard.template_download import download_template

        if self.app is not None and self.hub is not None:
            download_template(self, self.hub.ops, self.app, kind)

    # --- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.hub is not None and self.hub.ops.busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.hub.ops.wait()
            finally:
                QApplication.restoreOverrideCursor()
        self.save_geometry()
        super().closeEvent(event)
