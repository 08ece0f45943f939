"""版式与字体: the bureau's print settings, edited in one form, with the 套打 test page.

Each field is an option of ``services.print_settings.OPTIONS``; 保存 writes all of them in
one transaction (audited), 套打测试页 shows one page with the offsets in the form (saved or
not) so the officer can print it on the pre-printed paper and adjust.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App
from kjdesk.services.letters.print_settings import (
    FILE,
    LAYOUTS,
    LETTER,
    MAX_OFFSET_MM,
    OPTIONS,
    preprinted_test_page,
    print_settings,
    set_print_settings,
)
from kjdesk.ui.dialogs import BaseDialog, inform
from kjdesk.ui.pages.letters import printing as letter_print
from kjdesk.ui.workers import error_text

LAYOUT_CHOICES = (("本局设置", None), ("文件", FILE), ("信函", LETTER), ("套打", "套打"))
FONT_KEYS = ("font_title", "font_body", "font_heading", "font_number", "sheet_font")
OFFSET_KEYS = ("letter_offset_x_mm", "letter_offset_y_mm")
AUTOMATIC = "（自动选择）"


class PrintSettingsDialog(BaseDialog):
    def __init__(self, app: App, ops, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.app, self.ops = app, ops
        self.setObjectName("print_settings")
        self.setWindowTitle(self.tr("通知书版式与字体"))
        current = print_settings(app).values()
        from kjdesk.services.letters.print_settings import installed_families

        families = installed_families()
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        for option in OPTIONS:
            value = current.get(option.key, "")
            if option.key in ("letter_layout", "letter_preprinted"):
                widget = QComboBox(self)
                choices = LAYOUTS if option.key == "letter_layout" else (FILE, LETTER)
                widget.addItems(list(choices))
                widget.setCurrentText(value)
            elif option.key in OFFSET_KEYS:
                widget = QDoubleSpinBox(self)
                widget.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
                widget.setDecimals(1)
                widget.setSingleStep(0.5)
                widget.setSuffix(self.tr(" 毫米"))
                widget.setValue(float(value or 0))
            elif option.key in FONT_KEYS:
                widget = QComboBox(self)
                widget.setEditable(True)
                widget.addItem(AUTOMATIC if option.key != "sheet_font" else "宋体")
                widget.addItems(families)
                widget.setCurrentText(value or widget.itemText(0))
            else:
                widget = QLineEdit(value, self)
            widget.setObjectName(option.key)
            widget.setToolTip(self.tr(option.help))
            self.fields[option.key] = widget
            form.addRow(self.tr(option.label), widget)
        note = QLabel(
            self.tr(
                "字体按名称查找（如 方正小标宋简体、仿宋_GB2312），本机未安装时暂用其他字体，并在预览和签发结果中提示。"
            ),
            self,
        )
        note.setWordWrap(True)
        self.test_button = QPushButton(self.tr("套打测试页…"), self)
        self.test_button.setObjectName("test_print")
        self.test_button.setToolTip(self.tr("按上面的套打偏移生成一页，打印在预印红头纸上核对位置"))
        self.test_button.clicked.connect(self.test_print)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.test_button)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        out = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QDoubleSpinBox):
                out[key] = f"{widget.value():g}"
            elif isinstance(widget, QComboBox):
                text = widget.currentText().strip()
                out[key] = "" if text == AUTOMATIC else text
            else:
                out[key] = widget.text().strip()
        return out

    def save(self) -> None:
        values = self.values()
        self.ops.write(
            lambda _p: set_print_settings(self.app, values),
            lambda _r: self.accept(),
            lambda exc: inform(self, self.tr("不能保存"), error_text(exc), warning=True),
            label=self.tr("正在保存设置"),
        )

    def test_print(self) -> None:
        x = self.fields["letter_offset_x_mm"].value()
        y = self.fields["letter_offset_y_mm"].value()
        self.ops.read(
            lambda _p: preprinted_test_page(self.app, offset_x_mm=x, offset_y_mm=y),
            lambda pdf: letter_print.print_preview(self, pdf, self.tr("套打测试页")),
            lambda exc: inform(self, self.tr("不能生成测试页"), error_text(exc), warning=True),
        )
