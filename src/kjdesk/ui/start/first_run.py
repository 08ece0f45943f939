"""The first-run dialog: which city's 科技局 this database serves, and the bureau's full name.

The choice is stored in the database (``services.settings.initialize``), not on this PC,
and the city cannot change later; the dialog says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk import APP_TITLE
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.core.settings import Bureau, initialize
from kjdesk.ui.dialogs import BaseDialog
from kjdesk.validation import CITIES


class FirstRunDialog(BaseDialog):
    def __init__(self, app: App, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.bureau: Bureau | None = None
        self.want_demo = False
        self.setWindowTitle(self.tr("首次使用：选择所服务的科技局"))
        self.setMinimumWidth(480)
        intro = QLabel(
            self.tr(
                "欢迎使用{title}。\n请选择本数据库服务的科技局。城市决定适用的政策和旗县区，选定后不能更改；"
                "科技局全称会印在通知书上，请核对。"
            ).format(title=APP_TITLE),
            self,
        )
        intro.setWordWrap(True)
        self.cities = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        city_box = QVBoxLayout()
        for city in ("baotou", "wuhai"):
            radio = QRadioButton(f"{CITIES[city]['name']}科技局", self)
            radio.setObjectName(f"city_{city}")
            self.cities.addButton(radio)
            self.radios[city] = radio
            city_box.addWidget(radio)
            radio.toggled.connect(lambda on, c=city: on and self._chose(c))
        self.bureau_name = QLineEdit(self)
        self.bureau_name.setObjectName("bureau_name")
        self.bureau_name.setPlaceholderText(self.tr("先选择城市"))
        self.bureau_name.textChanged.connect(self._update)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("城市："), city_box)
        form.addRow(self.tr("科技局全称："), self.bureau_name)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("开始使用"))
        self.demo_button = self.buttons.addButton(
            self.tr("先看看演示数据"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.demo_button.setObjectName("demo")
        self.demo_button.setToolTip(
            self.tr(
                "打开一个虚构的演示科技局（另一个数据库文件），不影响本数据库；随时可以重新打开程序开始正式使用"
            )
        )
        self.demo_button.clicked.connect(self.show_demo)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._update()

    def city(self) -> str | None:
        for city, radio in self.radios.items():
            if radio.isChecked():
                return city
        return None

    def _chose(self, city: str) -> None:
        defaults = {str(info["bureau"]) for info in CITIES.values()}
        if not self.bureau_name.text().strip() or self.bureau_name.text().strip() in defaults:
            self.bureau_name.setText(str(CITIES[city]["bureau"]))
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(self.city() is not None and bool(self.bureau_name.text().strip()))

    def show_demo(self) -> None:
        self.want_demo = True
        self.done(int(self.DialogCode.Rejected))

    def accept(self) -> None:
        city = self.city()
        if city is None:
            return
        try:
            self.bureau = initialize(self.app, city, self.bureau_name.text())
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
