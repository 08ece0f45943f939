"""Screenshots of the window, for looking at it as an officer would and for the user manual.

    xvfb-run -a -s "-screen 0 1440x900x24" env QT_QPA_PLATFORM=xcb .venv/bin/python docs/screenshots.py [OUT_DIR]

(``QT_QPA_PLATFORM=offscreen`` works too, without Xvfb.) A temporary database is filled with
a few fictional units, platforms, people and recognitions through the services; each page,
the unit detail, the unit form with a wrong check digit, and the first-run dialog are
grabbed as PNG files into OUT_DIR (default ``docs/screenshots``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from stdnum.cn import ric, uscc

ROOT = Path(__file__).resolve().parent.parent
UNITS = [
    ("包头稀土新材料科技有限公司", "稀土高新区", "小微企业", "新材料"),
    ("内蒙古北方重工装备制造有限公司", "青山区", "其他企业", "装备制造"),
    ("包头市昆区智能传感技术有限公司", "昆都仑区", "小微企业", "电子信息"),
    ("九原区绿色能源研究院", "九原区", "", "新能源"),
    ("土默特右旗农牧科技发展有限公司", "土默特右旗", "小微企业", "农牧业"),
    ("东河区数字医疗科技有限公司", "东河区", "小微企业", "生物医药"),
    ("包头铝业先进材料有限公司", "东河区", "其他企业", "有色金属"),
    ("固阳县风电设备技术有限公司", "固阳县", "其他企业", "新能源"),
]


def credit_code(n: int) -> str:
    body = f"91150{n:03d}MA0N{n:04d}X"[:17]
    return body + uscc.calc_check_digit(body)


def id_number(n: int) -> str:
    body = f"1502031985{(n % 12) + 1:02d}{(n % 27) + 1:02d}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def fill(app) -> None:  # noqa: ANN001 - App
    from kjdesk.policy.model import SubjectKind
    from kjdesk.services.register.records import RecognitionInput, add_recognition
    from kjdesk.services.register import (
        PersonInput,
        PlatformInput,
        UnitInput,
        add_person,
        add_platform,
        add_unit,
    )

    ids = []
    for n, (name, district, size, industry) in enumerate(UNITS, start=1):
        unit = add_unit(
            app,
            UnitInput(
                name=name,
                credit_code=credit_code(n),
                district=district,
                size_class=size,
                industry=industry,
                contact=["王工", "李主任", "赵经理", "刘老师"][n % 4],
                phone=f"0472-51{n:05d}",
            ),
        )
        ids.append(unit.id)
    add_platform(app, PlatformInput("稀土功能材料重点实验室", "kl", "自治区", ids[0]))
    add_platform(app, PlatformInput("重型装备技术创新中心", "tic", "国家", ids[1]))
    add_platform(app, PlatformInput("稀土高新区科技企业孵化器", "incubator", "自治区", ids[0]))
    add_person(app, PersonInput("张晓东", id_number(1), ids[0], "技术经纪人", "13800000001"))
    add_person(app, PersonInput("李娜", id_number(2), ids[3], "科技特派员", "13800000002"))
    add_recognition(
        app,
        RecognitionInput(SubjectKind.UNIT, ids[0], "hte", "国家", date(2023, 11, 20), "国科火字〔2023〕18号"),
    )
    add_recognition(
        app,
        RecognitionInput(SubjectKind.UNIT, ids[2], "tsme", "国家", date(2024, 5, 10), "内科高字〔2024〕7号"),
    )
    add_recognition(
        app, RecognitionInput(SubjectKind.PLATFORM, 1, "kl", "自治区", date(2022, 9, 1), "内科发〔2022〕55号")
    )


def settle(qapp, window, seconds: float = 0.6) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or window.hub.ops.busy:
        qapp.processEvents()
        time.sleep(0.01)


def main(out: Path) -> None:
    from PySide6.QtCore import QSettings

    from kjdesk.services.core.app import App
    from kjdesk.services.core.settings import bureau, initialize
    from kjdesk.ui.app import make_qapplication
    from kjdesk.ui.start.first_run import FirstRunDialog
    from kjdesk.ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kjdesk-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    qapp = make_qapplication([sys.argv[0]])

    first = App.open(tmp / "first.sqlite", actor="王经办")
    dialog = FirstRunDialog(first)
    dialog.show()
    dialog.radios["baotou"].setChecked(True)
    qapp.processEvents()
    dialog.grab().save(str(out / "first_run.png"))
    dialog.close()
    first.close()

    empty = App.open(tmp / "empty.sqlite", actor="王经办")
    initialize(empty, "baotou")
    window = MainWindow(empty, bureau(empty))
    window.resize(1280, 760)
    window.show()
    settle(qapp, window)
    window.grab().save(str(out / "units_empty.png"))
    window.close()
    empty.close()

    app = App.open(tmp / "kjdesk.sqlite", actor="王经办")
    initialize(app, "baotou")
    fill(app)
    window = MainWindow(app, bureau(app))
    window.resize(1280, 760)
    window.show()
    for page in window.pages:
        window.page(page.key)
        settle(qapp, window)
        window.grab().save(str(out / f"page_{page.key}.png"))
    units = window.page("units")
    settle(qapp, window)
    units.view.selectRow(0)
    settle(qapp, window)
    window.grab().save(str(out / "unit_detail.png"))
    units.add_new()
    settle(qapp, window)
    from kjdesk.ui.pages.register.units import UnitForm

    form = units.findChild(UnitForm)
    form.name.setText("示例科技有限公司")
    form.credit_code.setText(credit_code(99)[:17] + "0")
    form._touched.update({"name", "credit_code"})  # as if typed
    form.revalidate()
    qapp.processEvents()
    form.grab().save(str(out / "unit_form_error.png"))
    form.reject()
    settle(qapp, window)

    from kjdesk.ui.pages.register.recognitions import RecognitionForm

    records = window.page("recognitions")
    settle(qapp, window)
    records.view.selectRow(0)
    records.edit_selected()
    settle(qapp, window)
    rform = records.findChild(RecognitionForm)
    rform.grab().save(str(out / "recognition_form.png"))
    rform.reject()

    from PySide6.QtWidgets import QMessageBox

    about = QMessageBox(window)
    about.setWindowTitle("关于科技兑现台")
    about.setText(window.about_text())
    about.show()
    qapp.processEvents()
    about.grab().save(str(out / "about.png"))
    about.close()
    window.close()
    app.close()
    for png in sorted(out.glob("*.png")):
        print(f"{png}  {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
