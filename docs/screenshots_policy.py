"""Screenshots of the policy pages: 应享资金 (with a year, a selected line and its explanation),
录入金额, 年度标准, 政策 (searched), and a unit's 可享政策 tab.

    xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb .venv/bin/python docs/screenshots_policy.py [OUT_DIR]

A temporary 包头 database and a temporary 乌海 database are filled through the services with a
few fictional units, platforms, recognitions and yearly figures. ``shoot(qapp, window, out)``
grabs the 包头 pages of an open main window, so ``docs/screenshots.py`` can call it too.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from stdnum.cn import uscc

ROOT = Path(__file__).resolve().parent.parent


def credit_code(n: int) -> str:
    body = f"91150{n:03d}MA0N{n:04d}Y"[:17]
    return body + uscc.calc_check_digit(body)


def fill_baotou(app) -> None:  # noqa: ANN001 - App
    from kjdesk.policy.model import SubjectKind
    from kjdesk.services.register.records import FactInput, RecognitionInput, add_recognition, upsert_fact
    from kjdesk.services.register import PlatformInput, UnitInput, add_platform, add_unit

    units = [
        ("包头稀土新材料科技有限公司", "稀土高新区", "小微企业"),
        ("内蒙古北方重工装备制造有限公司", "青山区", "其他企业"),
        ("包头市昆区智能传感技术有限公司", "昆都仑区", "小微企业"),
        ("包头铝业先进材料有限公司", "东河区", "其他企业"),
    ]
    ids = [
        add_unit(app, UnitInput(name=n, credit_code=credit_code(i), district=d, size_class=s)).id
        for i, (n, d, s) in enumerate(units, start=1)
    ]
    unit = SubjectKind.UNIT
    add_recognition(
        app, RecognitionInput(unit, ids[0], "hte", "国家", date(2022, 11, 20), "国科火字〔2022〕18号")
    )
    add_recognition(
        app, RecognitionInput(unit, ids[1], "hte", "国家", date(2023, 10, 9), "国科火字〔2023〕7号")
    )
    add_recognition(
        app, RecognitionInput(unit, ids[3], "hte", "国家", date(2021, 3, 1), "国科火字〔2021〕2号")
    )
    lab = add_platform(app, PlatformInput("稀土功能材料国家重点实验室", "kl", "国家", ids[0]))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.PLATFORM, lab.id, "kl", "国家", date(2022, 5, 1), "国科发〔2022〕5号"),
    )
    upsert_fact(app, FactInput(unit, ids[1], 2021, "加计扣除研发费用", Decimal("1234567.89")))
    upsert_fact(app, FactInput(unit, ids[2], 2021, "加计扣除研发费用", Decimal("2860000")))
    upsert_fact(app, FactInput(unit, ids[2], 2021, "企业规模", text="小微企业"))


def settle(qapp, window, seconds: float = 0.6) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or window.hub.ops.busy:
        qapp.processEvents()
        time.sleep(0.01)


def _dialog(qapp, window, page, cls, out: Path, name: str) -> None:  # noqa: ANN001
    settle(qapp, window)
    dialog = page.findChild(cls)
    if dialog is None:
        print(f"no {cls.__name__} to grab")
        return
    qapp.processEvents()
    dialog.grab().save(str(out / name))
    dialog.reject()
    settle(qapp, window, 0.2)


def shoot(qapp, window, out: Path) -> None:  # noqa: ANN001 - QApplication, MainWindow
    from kjdesk.ui.pages.entitlements.dialogs import StandardDialog

    page = window.page("entitlements")
    settle(qapp, window)
    page.year_box.setCurrentIndex(page.year_box.findText("2022 年"))
    settle(qapp, window)
    for r in range(page.model.rowCount()):
        if page.model.row_tuple(r)[4].startswith("BT-08"):
            page.view.selectRow(r)
            break
    settle(qapp, window)
    window.grab().save(str(out / "entitlements_2022.png"))
    page.year_box.setCurrentIndex(0)
    settle(qapp, window)
    window.grab().save(str(out / "entitlements_all.png"))

    policy = window.page("policy")
    settle(qapp, window)
    policy.search_box.setText("高新技术企业")
    policy.select_clause("BT-06-hte-cert")
    settle(qapp, window)
    window.grab().save(str(out / "policy_search.png"))

    units = window.page("units")
    settle(qapp, window)
    units.view.selectRow(0)
    settle(qapp, window)
    units.detail.tabs.setCurrentWidget(units.detail.eligibility)
    settle(qapp, window)
    units.detail.eligibility.select_clause("BT-06-little-giant")
    settle(qapp, window, 0.2)
    window.grab().save(str(out / "unit_eligibility.png"))

    window.page("entitlements")
    page.edit_standard()
    _dialog(qapp, window, page, StandardDialog, out, "standard_dialog.png")


def shoot_wuhai(qapp, window, out: Path) -> None:  # noqa: ANN001
    from kjdesk.ui.pages.entitlements.dialogs import EnterAmountDialog

    page = window.page("entitlements")
    settle(qapp, window)
    page.view.selectRow(0)
    settle(qapp, window)
    window.grab().save(str(out / "entitlements_wuhai.png"))
    page.enter_amount()
    settle(qapp, window)
    dialog = page.findChild(EnterAmountDialog)
    if dialog is not None:
        dialog.amount.edit.setText("3")  # below nothing, above nothing: fine; show the form filled
        dialog.amount.unit.setCurrentText("万元")
        dialog.basis.setText("乌海市科技局党组会议纪要〔2023〕12号")
        dialog.revalidate()
    _dialog(qapp, window, page, EnterAmountDialog, out, "enter_amount_dialog.png")


def main(out: Path) -> None:
    from PySide6.QtCore import QSettings

    from kjdesk.policy.model import SubjectKind
    from kjdesk.services.core.app import App
    from kjdesk.services.register.records import RecognitionInput, add_recognition
    from kjdesk.services.register import UnitInput, add_unit
    from kjdesk.services.core.settings import bureau, initialize
    from kjdesk.ui.app import make_qapplication
    from kjdesk.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kjdesk-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    qapp = make_qapplication([sys.argv[0]])

    empty = App.open(tmp / "empty.sqlite", actor="王经办")
    initialize(empty, "baotou")
    window = MainWindow(empty, bureau(empty))
    window.resize(1280, 760)
    window.show()
    window.page("entitlements")
    settle(qapp, window)
    window.grab().save(str(out / "entitlements_empty.png"))
    window.close()
    empty.close()

    app = App.open(tmp / "kjdesk.sqlite", actor="王经办")
    initialize(app, "baotou")
    fill_baotou(app)
    window = MainWindow(app, bureau(app))
    window.resize(1280, 760)
    window.show()
    shoot(qapp, window, out)
    window.close()
    app.close()

    wuhai = App.open(tmp / "wuhai.sqlite", actor="李经办")
    initialize(wuhai, "wuhai")
    u = add_unit(
        wuhai, UnitInput(name="乌海市化工新材料有限公司", credit_code=credit_code(7), district="乌达区")
    )
    add_recognition(
        wuhai, RecognitionInput(SubjectKind.UNIT, u.id, "hte", "国家", date(2023, 11, 1), "内科发〔2023〕2号")
    )
    window = MainWindow(wuhai, bureau(wuhai))
    window.resize(1280, 760)
    window.show()
    shoot_wuhai(qapp, window, out)
    window.close()
    wuhai.close()
    for png in sorted(out.glob("*.png")):
        print(f"{png}  {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots-tmp")
