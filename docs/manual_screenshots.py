"""The screenshots of the user manual (docs/使用手册.md), remade from scratch by one command:

    xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb .venv/bin/python docs/manual_screenshots.py

A temporary database gets the demo bureau (``services/demo.py``: units, platforms, people,
recognitions, yearly facts, entered amounts, accounts, the early years approved and paid),
then, through the services as officers would: the 2025 instalments proposed, approved,
mostly paid, their letters issued; part of 2026 proposed and waiting for the 复核人. The window is then
grabbed page by page into docs/images/ as PNG files no wider than 1200 px, reduced to 256
colours and optimised (a page is about 60–150 KB). Settings go to a temporary folder. The
helper ``settle`` is shared with docs/screenshots.py (the window engineer's look-over shots).
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))
from screenshots import settle  # noqa: E402 - the window engineer's helper, not a copy

OUT = DOCS / "images"
MAX_WIDTH = 1200
try:  # the demo's accounts share one password; older demos had none
    from kjdesk.services.demo import DEMO_PASSWORD as PASSWORD
except ImportError:
    PASSWORD = "manual-pass-1"
PAID_YEAR, PROPOSED_YEAR = 2025, 2026


def save_png(pixmap, name: str, out: Path) -> Path:  # noqa: ANN001 - QPixmap
    """Scale to at most MAX_WIDTH, 256 colours, optimised: small files that still read well."""
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    if image.width > MAX_WIDTH:
        image = image.resize(
            (MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS
        )
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target = out / f"{name}.png"
    image.save(target, optimize=True)
    return target


def populate(app):  # noqa: ANN001, ANN201 - App -> dict of signed-in Apps
    """The demo register, then accounts, an approved and paid year, letters and a pending batch."""
    from kjdesk.services.disbursement.approval import approve_batch, propose_batch
    from kjdesk.services.safety.backups import backup
    from kjdesk.services.demo import build_demo
    from kjdesk.services.letters import issue_letters
    from kjdesk.services.core.officers import create_officer, ensure_first_admin, has_officers, sign_in
    from kjdesk.services.disbursement.payments import record_payment
    from kjdesk.services.disbursement.plan import year_plan

    build_demo(app, "baotou")
    if not has_officers(app):  # the demo brings its accounts (管理员 admin, 经办人 jingban, 复核人 fuhe)
        ensure_first_admin(app, "admin", PASSWORD, "系统管理员")
        admin = sign_in(app, "admin", PASSWORD)
        create_officer(admin, "jingban", "王经办", "经办人", PASSWORD)
        create_officer(admin, "fuhe", "李复核", "复核人", PASSWORD)
    admin = sign_in(app, "admin", PASSWORD)
    maker, checker = sign_in(app, "jingban", PASSWORD), sign_in(app, "fuhe", PASSWORD)

    batch = propose_batch(maker, PAID_YEAR, note=f"{PAID_YEAR} 年度第一批")
    approve_batch(checker, batch.id)
    rows = [r for r in year_plan(maker, PAID_YEAR).rows if r.state == "approved"]
    for n, row in enumerate(rows[: len(rows) * 3 // 4], start=1):  # a quarter stays unpaid
        record_payment(
            maker, row.instalment_id, date(PAID_YEAR, 9, 20), f"记-{PAID_YEAR}-{n:03d}", row.amount_fen
        )
    issue_letters(maker, PAID_YEAR, issued_on=date(PAID_YEAR, 9, 10))
    backup(admin)  # one by hand, so the 备份与恢复 window lists something

    pending = [r.instalment_id for r in year_plan(maker, PROPOSED_YEAR).rows if r.state == "planned"][:12]
    propose_batch(maker, PROPOSED_YEAR, pending, note=f"{PROPOSED_YEAR} 年度第一批")
    return {"admin": admin, "maker": maker, "checker": checker}


def grab_page(qapp, window, key: str, name: str, out: Path, prepare=None) -> Path:  # noqa: ANN001
    page = window.page(key)
    settle(qapp, window)
    if prepare is not None:
        prepare(page)
        settle(qapp, window)
    return save_png(window.grab(), name, out)


def wait_until(qapp, predicate, seconds: float = 15.0) -> None:  # noqa: ANN001
    import time

    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    qapp.processEvents()


def roster_with_errors(folder: Path) -> Path:
    """A small 单位名录 with two mistakes an officer makes: a wrong check digit, no 旗县区."""
    from openpyxl import Workbook
    from stdnum.cn import uscc

    def code(body: str) -> str:
        return body + uscc.calc_check_digit(body)

    wb = Workbook()
    ws = wb.active
    ws.title = "2026年新增企业"
    ws.append(["企业名称", "统一社会信用代码", "所属旗县区", "企业规模", "联系人", "联系电话"])
    ws.append(
        [
            "包头市示例稀土材料有限公司",
            code("91150207MA0NX0001"),
            "九原区",
            "小微企业",
            "赵工",
            "0472-5100001",
        ]
    )
    ws.append(
        [
            "包头市示例智能装备有限公司",
            code("91150204MA0NX0002")[:-1] + "0",
            "青山区",
            "小微企业",
            "钱工",
            "0472-5100002",
        ]
    )
    ws.append(
        ["包头市示例生物科技有限公司", code("91150202MA0NX0003"), "", "小微企业", "孙工", "0472-5100003"]
    )
    path = folder / "2026年新增企业名单.xlsx"
    wb.save(path)
    return path


def import_check(qapp, wizard, path: Path) -> None:  # noqa: ANN001 - ImportWizard
    """Walk the wizard as an officer: file → sheet → column mapping → check (stops there)."""
    from PySide6.QtWidgets import QWizard

    def next_when(done) -> None:  # noqa: ANN001
        button = wizard.button(QWizard.WizardButton.NextButton)
        wait_until(qapp, button.isEnabled)
        button.click()
        wait_until(qapp, done)

    wizard.file_page.path_edit.setText(str(path))
    next_when(wizard.sheet_page.isComplete)
    next_when(lambda: wizard.mapping_page.isComplete() or bool(wizard.mapping_page.message.text()))
    next_when(lambda: wizard.plan is not None)


def select_first(page) -> None:  # noqa: ANN001 - a page with .view
    view = getattr(page, "view", None) or getattr(page, "letter_view", None)
    if view is not None and view.model() is not None and view.model().rowCount():
        view.selectRow(0)


def plan_year(year: int):  # noqa: ANN202
    def prepare(page) -> None:  # noqa: ANN001 - PlanPage
        page.year_box.setValue(year)

    return prepare


def main(out: Path = OUT) -> None:
    from PySide6.QtCore import QSettings

    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import bureau
    from kjdesk.ui.app import make_qapplication
    from kjdesk.ui.start.first_run import FirstRunDialog
    from kjdesk.ui.help import about_dialog
    from kjdesk.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kjdesk-manual-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    qapp = make_qapplication([sys.argv[0]])
    written: list[Path] = []

    first = App.open(tmp / "first.sqlite", actor="王经办")
    dialog = FirstRunDialog(first)
    dialog.show()
    dialog.radios["baotou"].setChecked(True)
    qapp.processEvents()
    written.append(save_png(dialog.grab(), "first_run", out))
    dialog.close()
    first.close()

    app = App.open(tmp / "kjdesk.sqlite", actor="jingban")
    apps = populate(app)
    maker = apps["maker"]
    window = MainWindow(maker, bureau(maker))
    window.resize(1280, 800)
    window.show()
    settle(qapp, window)

    written.append(grab_page(qapp, window, "units", "units", out, select_first))
    written.append(grab_page(qapp, window, "recognitions", "recognitions", out, select_first))
    written.append(grab_page(qapp, window, "entitlements", "entitlements", out, select_first))
    written.append(grab_page(qapp, window, "plans", "plan_approval", out, plan_year(PROPOSED_YEAR)))
    written.append(grab_page(qapp, window, "plans", "plan_paid", out, plan_year(PAID_YEAR)))
    written.append(grab_page(qapp, window, "overview", "overview", out))
    written.append(grab_page(qapp, window, "letters", "letters", out, select_first))
    written.append(grab_page(qapp, window, "audit", "audit", out))

    from kjdesk.ui.pages.import_wizard.wizard import ImportWizard

    wizard = ImportWizard(maker, window)
    wizard.show()
    settle(qapp, window)
    written.append(save_png(wizard.grab(), "import_file", out))
    import_check(qapp, wizard, roster_with_errors(tmp))
    settle(qapp, window)
    written.append(save_png(wizard.grab(), "import_check", out))
    wizard.ops.wait()
    wizard.close()

    from kjdesk.ui.admin.backups import BackupsDialog

    backups = BackupsDialog(maker, window.hub, window)
    backups.show()
    settle(qapp, window)
    written.append(save_png(backups.grab(), "backups", out))
    backups.close()

    about = about_dialog(window, "baotou")
    settle(qapp, window)
    written.append(save_png(about.grab(), "about", out))
    about.close()

    window.hub.ops.wait()
    window.close()
    for a in {id(x): x for x in (app, *apps.values())}.values():
        a.close()
    for png in written:
        print(f"{png}  {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
