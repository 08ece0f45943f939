"""Start-up order: the window first, then the database, the bureau, the sign-in, the pages.

``run_gui`` shows the main window before it opens the database (issue 9: the window appears
at once); everything after that runs from the event loop, modal over the visible window.
These tests run the real ``run_gui`` with ``KJDESK_EXIT_WHEN_SHOWN=ready`` so a working start
ends by itself once the first page is painted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from kjdesk.services.core import officers
from kjdesk.services.core.app import App
from kjdesk.services.core.settings import bureau
from kjdesk.services.safety.startup import open_checked
from kjdesk.ui import app as gui
from kjdesk.ui.main_window import OPENING, MainWindow
from kjdesk.ui.start import sign_in

PASSWORD = "Start-2026-ok"


@pytest.fixture(autouse=True)
def _quit_when_ready(monkeypatch):
    monkeypatch.setenv("KJDESK_EXIT_WHEN_SHOWN", "ready")


@pytest.fixture
def prepared(app, db_path):
    """An initialised database with one officer, closed again: what an officer starts on."""
    officers.ensure_first_admin(app, "zhang", PASSWORD, "张经办")
    app.close()
    return db_path


@pytest.fixture
def events(monkeypatch):
    """Records, in order, the window's paints, the database opening, the sign-in and the pages."""
    seen: list[tuple] = []
    real_paint, real_open, real_attach = MainWindow.paintEvent, gui.open_database, MainWindow.attach

    def paint(self, event):
        if not seen or seen[-1] != ("paint",):
            seen.append(("paint",))
        real_paint(self, event)

    def open_database(args, parent=None):
        seen.append(("open", parent.isVisible(), parent.placeholder.text()))
        return real_open(args, parent)

    def attach(self, app, current, *, demo=False):
        seen.append(("attach", app.actor))
        real_attach(self, app, current, demo=demo)
        seen.append(("ready", self.windowTitle(), self.nav.isEnabled(), sorted(self.page_widgets)))

    monkeypatch.setattr(MainWindow, "paintEvent", paint)
    monkeypatch.setattr(gui, "open_database", open_database)
    monkeypatch.setattr(MainWindow, "attach", attach)
    return seen


def args_for(db: Path | None, **kwargs) -> argparse.Namespace:
    return argparse.Namespace(db=str(db) if db else None, user="", demo=False, smoke_test=False, **kwargs)


def test_the_window_shows_first_and_the_sign_in_comes_over_it(prepared, qtbot, monkeypatch, events):
    def answer(app, parent=None):  # the officer types the account and password
        events.append(("sign-in", parent.isVisible(), parent.nav.isEnabled(), parent.placeholder.text()))
        return officers.sign_in(app, "zhang", PASSWORD)

    monkeypatch.setattr(sign_in, "sign_in_at_start", answer)
    assert gui.run_gui(args_for(prepared)) == 0
    assert events[0] == ("paint",)  # painted before anything touches the database
    steps = [e for e in events if e != ("paint",)]
    assert steps == [
        ("open", True, OPENING),
        ("sign-in", True, False, "请登录"),
        ("attach", "zhang"),
        ("ready", "科技兑现台 — 包头市科学技术局", True, ["units"]),
    ]
    assert events[-1] == ("paint",)  # ``ready`` quits only once the first page was painted
    again = open_checked(prepared, actor="李复核", backup_daily=False, heartbeat=False)
    again.close()  # the window's database was closed and its lock released


def test_cancelled_sign_in_closes_the_window_and_quits(prepared, qtbot, monkeypatch, events):
    windows: list[MainWindow] = []
    monkeypatch.setattr(sign_in, "sign_in_at_start", lambda _app, parent=None: windows.append(parent))
    assert gui.run_gui(args_for(prepared)) == 0
    assert [e[0] for e in events if e != ("paint",)] == ["open"]  # no pages were built
    assert not windows[0].isVisible()
    open_checked(prepared, actor="李复核", backup_daily=False, heartbeat=False).close()  # lock released


def test_a_too_new_database_is_refused_over_the_window_which_then_closes(db_path, qtbot, monkeypatch, events):
    import sqlalchemy as sa

    App.open(db_path).close()
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    shown: list[tuple[MainWindow, bool, str]] = []
    monkeypatch.setattr(
        QMessageBox,
        "critical",
        staticmethod(lambda parent, _title, text: shown.append((parent, parent.isVisible(), text))),
    )
    assert gui.run_gui(args_for(db_path)) == 1
    window, visible, text = shown[0]
    assert visible and "更新版本的科技兑现台" in text
    assert not window.isVisible()
    assert [e[0] for e in events if e != ("paint",)] == ["open"]


def test_first_run_asks_for_the_city_over_the_window_and_cancel_quits(db_path, qtbot, monkeypatch):
    from kjdesk.ui.start.first_run import FirstRunDialog

    App.open(db_path).close()  # a new database: no bureau yet
    parents: list[MainWindow] = []

    def cancel(self):
        parents.append(self.parentWidget())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(FirstRunDialog, "exec", cancel)
    assert gui.run_gui(args_for(db_path)) == 0
    assert isinstance(parents[0], MainWindow) and not parents[0].isVisible()
    a = App.open(db_path)
    try:
        assert bureau(a) is None  # still to be set up
    finally:
        a.close()


def test_a_remembered_server_asks_for_its_password_over_the_window(qtbot, monkeypatch):
    from kjdesk.ui import settings
    from kjdesk.ui.start.connect import SERVER, ConnectDialog

    settings.put(SERVER, "postgresql://zhang@10.1.2.3:5432/kjdesk")
    asked: list[tuple[MainWindow, str]] = []

    def cancel(self):
        asked.append((self.parentWidget(), self.host.text()))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(ConnectDialog, "exec", cancel)
    assert gui.run_gui(args_for(None)) == 1
    window, host = asked[0]
    assert isinstance(window, MainWindow) and host == "10.1.2.3"


def test_the_frame_offers_only_what_works_without_the_database(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "科技兑现台"
    assert window.placeholder.text() == OPENING and window.stack.currentWidget() is window.placeholder
    assert window.nav.count() == len(window.pages) and not window.nav.isEnabled()
    assert not window.import_action.isEnabled()
    assert all(not a.isEnabled() for a in window._database_actions)
    assert "科技兑现台" in window.about_text()
    window.close()  # no Hub yet: closing must not need one


def test_the_window_appears_without_sqlalchemy_or_the_services(prepared, tmp_path):
    """What runs before the first paint imports neither SQLAlchemy nor kjdesk's services.

    (The empty ``kjdesk.services`` package itself is looked up by ``available_pages``.)
    """
    probe = (
        "import sys\n"
        "from kjdesk.__main__ import main\n"
        f"sys.argv = ['kjdesk', '--db', {str(prepared)!r}]\n"
        "code = main()\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'\n"
        "               or m.startswith(('kjdesk.services.', 'kjdesk.store', 'kjdesk.policy')))\n"
        "print(code, heavy[:5])\n"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KJDESK_EXIT_WHEN_SHOWN": "1",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0 []"
