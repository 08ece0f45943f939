"""Every screen in every role at one window size, for looking at as an officer would (issue 18).

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb .venv/bin/python \
        docs/manual_lookover.py OUT_DIR 1280x800 [DB]
    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb .venv/bin/python \
        docs/manual_lookover.py OUT_DIR 1920x1080 [DB]

The database is the manual's (``manual_screenshots.populate``: the demo, a paid year, a
batch waiting for the 复核人); pass DB to reuse one made by an earlier run. For each of the
roles 经办人, 复核人 and 管理员 the window is signed in as the demo's account of that role,
every page is grabbed, then the import check, the admin dialogs and the targets dialog.
The PNGs are full size (not reduced as the manual's are): OUT_DIR/<size>/<role>-<screen>.png.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))
from manual_screenshots import (  # noqa: E402
    PASSWORD,
    import_check,
    populate,
    roster_with_errors,
    select_first,
)
from screenshots import settle  # noqa: E402

ROLES = (("jingban", "经办人"), ("fuhe", "复核人"), ("admin", "管理员"))


def main(out: Path, size: str, db: Path | None) -> None:
    from PySide6.QtCore import QSettings

    from kjdesk.services.core.app import App
    from kjdesk.services.core.officers import sign_in
    from kjdesk.services.core.settings import bureau
    from kjdesk.ui.app import make_qapplication
    from kjdesk.ui.main_window import MainWindow

    width, height = (int(x) for x in size.split("x"))
    folder = out / size
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kjdesk-lookover-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    qapp = make_qapplication([sys.argv[0]])
    path = tmp / "kjdesk.sqlite"
    if db is not None and db.exists():
        shutil.copy(db, path)
    else:
        app = App.open(path, actor="jingban")
        populate(app)
        app.close()
        if db is not None:
            shutil.copy(path, db)

    def shot(widget, name: str) -> None:  # noqa: ANN001
        widget.grab().save(str(folder / f"{name}.png"))

    for login, role in ROLES:
        app = sign_in(App.open(path, actor=login), login, PASSWORD)
        window = MainWindow(app, bureau(app), demo=True)
        window.resize(width, height - 40)
        window.show()
        settle(qapp, window)
        for page in window.pages:
            widget = window.page(page.key)
            settle(qapp, window, 1.0)
            if page.key in ("units", "recognitions", "entitlements", "letters"):
                select_first(widget)
                settle(qapp, window)
            shot(window, f"{role}-{page.key}")

        from kjdesk.ui.pages.import_wizard.wizard import ImportWizard

        if role == "经办人":
            wizard = ImportWizard(app, window)
            wizard.show()
            import_check(qapp, wizard, roster_with_errors(tmp))
            settle(qapp, window)
            shot(wizard, f"{role}-import_check")
            wizard.check_page.tabs.setCurrentIndex(1)
            settle(qapp, window)
            shot(wizard, f"{role}-import_check_items")
            wizard.ops.wait()
            wizard.close()

        from kjdesk.ui.admin.backups import BackupsDialog
        from kjdesk.ui.admin.officers import OfficersDialog
        from kjdesk.ui.admin.years import YearsDialog

        dialogs = [("backups", BackupsDialog), ("years", YearsDialog)]
        if role == "管理员":
            dialogs.append(("officers", OfficersDialog))
        for name, cls in dialogs:
            dialog = cls(app, window.hub, window)
            dialog.show()
            settle(qapp, window, 1.0)
            shot(dialog, f"{role}-{name}")
            dialog.close()
        window.hub.ops.wait()
        window.close()
        app.close()
    for png in sorted(folder.glob("*.png")):
        print(png)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]) if len(sys.argv) > 3 else None)
