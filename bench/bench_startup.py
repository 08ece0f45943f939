"""Start-up: from process start to the main window shown (``kjdesk --db prepared.sqlite``).

``KJDESK_EXIT_WHEN_SHOWN=1`` makes the main window quit right after its first show event;
the database is prepared and initialised beforehand, so no first-run dialog appears.
The sign-in dialog is answered by the child itself (``services.officers.sign_in`` with a
prepared account) — the real start-up path without a person typing a password.
Baseline: a bare PySide6 program that shows an empty window and quits the same way.
Target: at most 2× the baseline. Best of several runs each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class W(QMainWindow):
    def showEvent(self, e):
        super().showEvent(e)
        QTimer.singleShot(0, QApplication.quit)

app = QApplication(sys.argv)
w = W()
w.resize(1280, 800)
w.show()
sys.exit(app.exec())
"""


PASSWORD = "Bench-2026-start"
APP = f"""
import sys
import kjdesk.ui.sign_in as sign_in
from kjdesk.services import officers
sign_in.sign_in_at_start = lambda app, parent=None: officers.sign_in(app, "bench", "{PASSWORD}")
from kjdesk.__main__ import main
sys.argv = ["kjdesk", "--db", sys.argv[1]]
sys.exit(main())
"""


def timed(cmd: list[str], env: dict[str, str], timeout: float = 60) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} 退出码 {out.returncode}：{out.stderr[-2000:]}")
    return seconds


def run(repeat: int = 5) -> list[Result]:
    from kjdesk.services.app import App
    from kjdesk.services.officers import ensure_first_admin
    from kjdesk.services.settings import initialize

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "startup.sqlite"
        app = App.open(db, actor="bench")
        initialize(app, "baotou")
        ensure_first_admin(app, "bench", PASSWORD)
        app.close()
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            KJDESK_EXIT_WHEN_SHOWN="1",
            HOME=tmp,  # QSettings and backups stay in the temporary folder
            XDG_CONFIG_HOME=str(Path(tmp) / "config"),
            XDG_DATA_HOME=str(Path(tmp) / "data"),
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
        )
        app_cmd = [sys.executable, "-c", APP, str(db)]
        bare_cmd = [sys.executable, "-c", BARE]
        timed(app_cmd, env)  # the first start makes the daily backup and warms the disk cache
        base = min(timed(bare_cmd, env) for _ in range(repeat))
        got = min(timed(app_cmd, env) for _ in range(repeat))
    return [
        Result(
            "启动：进程启动到主窗口显示",
            "≤ 2×",
            got,
            base,
            got / base,
            2,
        )
    ]


if __name__ == "__main__":
    for r in run():
        print(r.line())
