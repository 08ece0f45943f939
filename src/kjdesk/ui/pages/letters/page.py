"""The 通知书 page: issued letters and the approved instalments still waiting for one.

The 已签发 tab lists every letter (发文字号, 单位, 金额, 成文日期, 状态) with the stored PDF
previewed beside it; the 待签发 tab lists approved instalments without a letter. Actions:
签发所选 and 全部签发 (in the background, with progress and cancel; a cancelled batch keeps
the letters already numbered), 作废… (with the reason, optionally issuing the correction),
打印预览 / 打印 / 用默认程序打开 for the selected letter or all shown, 导出…, and 选择字体…
(a per-PC setting) with the fonts in use shown under the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kjdesk.money import format_yuan
from kjdesk.services.core.app import App, Changes, ServiceError
from kjdesk.services.core.settings import require_bureau
from kjdesk.services.disbursement.plan import clause_infos, clause_label
from kjdesk.services.letters import (
    BatchResult,
    draft_pdf,
    issue_letter,
    issue_letters,
    letter_pdf,
    pending_letters,
    void_letter,
)
from kjdesk.services.letters.print_settings import letter_fonts
from kjdesk.services.letters.rows import LetterRow, PendingLetter, list_letters
from kjdesk.ui.dialogs import confirm, inform
from kjdesk.ui.pages.letters import printing as letter_print
from kjdesk.ui.pages.letters.actions import LetterOutputActions
from kjdesk.ui.pages.letters.print_settings_dialog import LAYOUT_CHOICES, PrintSettingsDialog
from kjdesk.ui.pages.letters.widgets import (
    LETTER_COLUMNS,
    PENDING_COLUMNS,
    LetterNumber,
    MoneyModel,
    VoidDialog,
    note_of,
)
from kjdesk.ui.table import make_table_view
from kjdesk.ui.table_columns import lead_with
from kjdesk.ui.workers import Hub, QtProgress, error_text

ALL = ""
WATCHES = ("letters", "instalments", "entitlements", "units", "platforms", "people", "settings")


@dataclass(frozen=True)
class PageData:
    letters: list[LetterRow]
    pending: list[PendingLetter]
    fonts: str  # what the letters are set in (by font name), or why they cannot be
    fonts_ok: bool
    clause_names: dict[str, str] = field(default_factory=dict)  # id → "（六）国家高新技术企业认定"
    font_files: str = ""  # where those fonts are (the tooltip)
    font_notes: tuple[str, ...] = ()  # roles that fell back to another font


class LettersPage(LetterOutputActions):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.loaded = False
        self.data = PageData([], [], "", False)
        self.preview_for: tuple | None = None

        self.year_box = self._combo("year", "拨付年度")
        self.clause_box = self._combo("clause", "按条款筛选")
        self.district_box = self._combo("district", "按旗县区筛选")
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("filter")
        self.filter_box.setPlaceholderText(self.tr("筛选：文号、单位、旗县区或条款"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._text_filter)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setObjectName("issue_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy年M月d日")
        self.date_edit.setToolTip(self.tr("新签发通知书的成文日期"))
        self.date_edit.dateChanged.connect(lambda _d: self._selection_changed())
        self.layout_box = QComboBox(self)
        self.layout_box.setObjectName("layout")
        self.layout_box.setToolTip(self.tr("本批通知书的版式（默认按本局设置）"))
        for text, kind in LAYOUT_CHOICES:
            self.layout_box.addItem(self.tr(text), kind)
        self.layout_box.currentIndexChanged.connect(lambda _i: self._selection_changed())
        bar = QHBoxLayout()
        for label, w in (
            (self.tr("年度"), self.year_box),
            (self.tr("条款"), self.clause_box),
            (self.tr("旗县区"), self.district_box),
            (self.tr("成文日期"), self.date_edit),
            (self.tr("版式"), self.layout_box),
        ):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(w)
        bar.addWidget(self.filter_box, 1)

        self.letter_model = MoneyModel(LETTER_COLUMNS, 6, self, status_field=8)
        self.letter_view = make_table_view(self.letter_model, self, name="LettersIssued")
        self.letter_view.setObjectName("letters")
        self.letter_view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.letter_view.doubleClicked.connect(lambda _i: self.open_external())
        self.pending_model = MoneyModel(PENDING_COLUMNS, 5, self)
        self.pending_view = make_table_view(self.pending_model, self, name="LettersPending")
        self.pending_view.setObjectName("pending")
        # the list beside the preview is narrow at 1280: the addressee and the money first
        lead_with(self.letter_view, ("发文字号", "主送单位", "金额（元）", "状态"))
        lead_with(self.pending_view, ("主送单位", "金额（元）"))
        self.pending_view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.letter_view, self.tr("已签发"))
        self.tabs.addTab(self.pending_view, self.tr("待签发"))
        self.tabs.currentChanged.connect(lambda _i: self._selection_changed())

        self.preview = QWidget(self)
        self.preview_layout = QVBoxLayout(self.preview)
        self.preview_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_note = QLabel(self.tr("选择一份通知书以预览"), self.preview)
        self.preview_note.setObjectName("preview_note")
        self.preview_note.setWordWrap(True)
        self.preview_layout.addWidget(self.preview_note)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)
        scroll.setMinimumWidth(320)
        self.scroll = scroll
        self.font_label = QLabel(self)
        self.font_label.setObjectName("fonts")
        self.font_label.setWordWrap(True)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.font_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("letters_splitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.issue_button = self._button(
            "issue", "签发所选", "为所选的已审批拨付计划签发通知书（此时编号）", self.issue_selected
        )
        self.batch_button = self._button(
            "batch", "全部签发…", "为所选年度（条款、旗县区）全部待签发的拨付计划签发通知书", self.issue_batch
        )
        self.void_button = self._button(
            "void", "作废…", "作废所选通知书，可同时签发更正后的通知书", self.void_selected
        )
        self.preview_button = self._button(
            "print_preview",
            "打印预览…",
            "预览并打印所选通知书（未选时为列表中全部有效通知书）",
            self.print_preview,
        )
        self.print_button = self._button("print", "打印…", "用系统打印对话框打印", self.print_direct)
        self.open_button = self._button(
            "open", "用默认程序打开", "用电脑上的 PDF 阅读器打开所选通知书", self.open_external
        )
        self.export_button = self._button(
            "export", "导出…", "把列表中的有效通知书导出为一个 PDF，或每份一个文件", lambda: None
        )
        menu = QMenu(self.export_button)
        self.export_one_action = QAction(self.tr("合并为一个 PDF…"), menu)
        self.export_one_action.triggered.connect(lambda: self.export(merged=True))
        self.export_dir_action = QAction(self.tr("每份一个文件（选择文件夹）…"), menu)
        self.export_dir_action.triggered.connect(lambda: self.export(merged=False))
        menu.addActions([self.export_one_action, self.export_dir_action])
        self.export_button.setMenu(menu)
        self.font_button = self._button(
            "font", "选择字体…", "指定通知书正文字体（.ttf/.ttc），仅对本机有效", self.choose_font
        )
        self.settings_button = self._button(
            "print_settings",
            "版式与字体…",
            "本局的通知书版式、红头文字、抄送、印发机关、套打偏移和各部分字体",
            self.edit_print_settings,
        )
        actions = QHBoxLayout()
        self.totals = QLabel(self.tr("正在载入…"), self)
        self.totals.setObjectName("totals")
        self.totals.setWordWrap(True)  # a row of its own: a long total never widens the window past 1280
        for b in (
            self.issue_button,
            self.batch_button,
            self.void_button,
            self.preview_button,
            self.print_button,
            self.open_button,
            self.export_button,
            self.font_button,
            self.settings_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(bar)
        layout.addWidget(self.totals)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)
        self._selection_changed()
        self.reload()

    # --- building -------------------------------------------------------------------------

    def _combo(self, name: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setToolTip(self.tr(tip))
        box.setMinimumContentsLength(6)
        box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return box

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), self)
        button.setObjectName(name)
        button.setToolTip(self.tr(tip))
        button.clicked.connect(slot)
        return button

    def issue_date(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    # --- loading --------------------------------------------------------------------------

    def refresh(self, changes: Changes) -> None:
        if any(getattr(changes, w) for w in WATCHES):
            self.reload()

    def reload(self) -> None:
        font = self.font_path

        def fetch(_p: QtProgress) -> PageData:
            notes: tuple[str, ...] = ()
            files = ""
            try:
                found = letter_fonts(self.app, font or None)
                fonts, ok, notes = found.describe(), True, found.notes
                files = found.files()
            except ServiceError as exc:
                fonts, ok = str(exc), False
            names = {
                cid: clause_label(info, cid)
                for cid, info in clause_infos(require_bureau(self.app).city).items()
            }
            return PageData(
                list_letters(self.app), pending_letters(self.app, None), fonts, ok, names, files, notes
            )

        self.ops.read(fetch, self._loaded)

    def _loaded(self, data: PageData) -> None:
        self.data = data
        years = sorted({r.budget_year for r in data.letters} | {p.year for p in data.pending}, reverse=True)
        clauses = sorted({r.clause_id for r in data.letters} | {p.clause_id for p in data.pending})
        districts = sorted(
            {r.district for r in data.letters if r.district}
            | {p.district for p in data.pending if p.district}
        )
        self._fill(self.year_box, "全部年度", [(f"{y} 年", y) for y in years])
        self._fill(self.clause_box, "全部条款", [(data.clause_names.get(c, c), c) for c in clauses])
        self._fill(self.district_box, "全部旗县区", [(d, d) for d in districts])
        self.font_label.setText(self.tr("通知书字体：") + data.fonts)
        self.font_label.setToolTip(data.font_files)
        self.font_label.setStyleSheet(
            "color:#b00020;" if not data.fonts_ok else ("color:#9a5b00;" if data.font_notes else "")
        )
        self.loaded = True
        self._apply_filters()

    def _fill(self, box: QComboBox, everything: str, items: list[tuple[str, object]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr(everything), ALL)
        for text, value in items:
            box.addItem(text, value)
        box.setCurrentIndex(max(0, box.findData(current)) if current not in (None, ALL) else 0)
        box.blockSignals(False)

    def _apply_filters(self) -> None:
        if not self.loaded:
            return
        year, clause, district = (
            self.year_box.currentData(),
            self.clause_box.currentData(),
            self.district_box.currentData(),
        )

        names = self.data.clause_names

        def keep(y: int, c: str, d: str) -> bool:
            return (
                (year == ALL or y == year)
                and (clause == ALL or c == clause)
                and (district == ALL or d == district)
            )

        self.letter_model.set_rows(
            [
                (
                    i,
                    LetterNumber(r.number, r.year, r.seq),
                    r.addressee,
                    r.district,
                    names.get(r.clause_id, r.clause_id),
                    r.budget_year,
                    r.amount_fen,
                    r.issued_on,
                    r.status,
                    note_of(r),
                )
                for i, r in enumerate(self.data.letters)
                if keep(r.budget_year, r.clause_id, r.district)
            ]
        )
        self.pending_model.set_rows(
            [
                (i, p.addressee, p.district, names.get(p.clause_id, p.clause_id), p.year, p.amount_fen)
                for i, p in enumerate(self.data.pending)
                if keep(p.year, p.clause_id, p.district)
            ]
        )
        self._update_totals()
        self._selection_changed()

    def _text_filter(self, text: str) -> None:
        self.letter_model.set_filter(text)
        self.pending_model.set_filter(text)
        self._update_totals()

    def _update_totals(self) -> None:
        shown = [self.data.letters[self.letter_model.row_id(r)] for r in range(self.letter_model.shown)]
        valid = [r for r in shown if r.status == "有效"]
        waiting = [self.data.pending[self.pending_model.row_id(r)] for r in range(self.pending_model.shown)]
        self.totals.setText(
            self.tr("已签发 {n} 份（有效 {v} 份，合计 {t} 元）；待签发 {w} 份").format(
                n=len(shown), v=len(valid), t=format_yuan(sum(r.amount_fen for r in valid)), w=len(waiting)
            )
        )
        self.tabs.setTabText(1, self.tr("待签发（{n}）").format(n=len(waiting)))

    # --- selection and preview ------------------------------------------------------------

    def selected_letter(self) -> LetterRow | None:
        if self.tabs.currentIndex() != 0:
            return None
        index = self.letter_view.currentIndex()
        return self.data.letters[self.letter_model.row_id(index.row())] if index.isValid() else None

    def selected_pending(self) -> PendingLetter | None:
        if self.tabs.currentIndex() != 1:
            return None
        index = self.pending_view.currentIndex()
        return self.data.pending[self.pending_model.row_id(index.row())] if index.isValid() else None

    def shown_valid_letters(self) -> list[LetterRow]:
        rows = [self.data.letters[self.letter_model.row_id(r)] for r in range(self.letter_model.shown)]
        return [r for r in rows if r.status == "有效"]

    def _selection_changed(self) -> None:
        letter, pending = self.selected_letter(), self.selected_pending()
        self.issue_button.setEnabled(pending is not None)
        self.batch_button.setEnabled(self.loaded and self.year_box.currentData() not in (None, ALL))
        self.void_button.setEnabled(letter is not None and letter.status == "有效")
        self.open_button.setEnabled(letter is not None)
        any_letters = letter is not None or bool(self.shown_valid_letters())
        for b in (self.preview_button, self.print_button, self.export_button):
            b.setEnabled(any_letters)
        if letter is None and pending is None:
            self.preview_for = None
            self._show_preview([], self.tr("选择一份通知书以预览"))
            return
        key = (
            ("letter", letter.id)
            if letter is not None
            else ("draft", pending.instalment_id, self.issue_date(), self.layout_box.currentData())
        )
        if self.preview_for == key:
            return
        self.preview_for = key
        dpi = letter_print.fit_dpi(self.scroll.viewport().width() - 60)
        if letter is not None:
            call = lambda _p, lid=letter.id: letter_print.render_pages(letter_pdf(self.app, lid), dpi)  # noqa: E731
            note = ""
        else:  # what the letter will say, marked 草稿 and without a number: nothing is written
            day, font, iid = self.issue_date(), self.font_path or None, pending.instalment_id
            kind = self.layout_box.currentData()
            call = lambda _p: letter_print.render_pages(  # noqa: E731
                draft_pdf(self.app, iid, issued_on=day, font=font, layout=kind), dpi
            )
            note = self.tr("草稿预览：尚未签发，签发时编号；虚线圆为盖章位置，不会打印")
            if self.data.font_notes:
                note += "\n" + self.tr("字体提示：") + "；".join(self.data.font_notes)
        self.ops.read(
            call,
            lambda pages: self._preview_ready(key, pages, note),
            lambda exc: self._preview_failed(key, exc),
        )

    def _preview_ready(self, key: tuple, pages: list, note: str = "") -> None:
        if key != self.preview_for:
            return  # the officer has moved on
        pixmaps = [QPixmap.fromImage(letter_print.to_qimage(p)) for p in pages]
        self._show_preview(pixmaps, note)

    def _preview_failed(self, key: tuple, exc: BaseException) -> None:
        if key == self.preview_for:
            self._show_preview([], self.tr("无法预览：") + error_text(exc))

    def _show_preview(self, pixmaps: list, note: str) -> None:
        while self.preview_layout.count() > 1:
            item = self.preview_layout.takeAt(1)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.preview_note.setText(note)
        self.preview_note.setVisible(bool(note))
        for pixmap in pixmaps:
            label = QLabel(self.preview)
            label.setObjectName("preview_page")
            label.setPixmap(pixmap)
            label.setStyleSheet("border: 1px solid #bbb; background: white;")
            self.preview_layout.addWidget(label)

    # --- actions --------------------------------------------------------------------------

    def issue_selected(self) -> None:
        pending = self.selected_pending()
        if pending is None:
            return
        day, font = self.issue_date(), self.font_path or None
        self.ops.write(
            lambda _p: issue_letter(
                self.app,
                pending.instalment_id,
                issued_on=day,
                font=font,
                layout=self.layout_box.currentData(),
            ),
            lambda row: self._issued_one(row),
            label=self.tr("正在签发通知书"),
        )

    def _issued_one(self, row: LetterRow) -> None:
        inform(
            self,
            self.tr("已签发"),
            self.tr("已签发 {n}（{u}，{a} 元）").format(
                n=row.number, u=row.addressee, a=format_yuan(row.amount_fen)
            ),
        )

    def issue_batch(self) -> None:
        year = self.year_box.currentData()
        if year in (None, ALL):
            return
        clause = self.clause_box.currentData() or None
        district = self.district_box.currentData() or None
        count = self.pending_model.total
        day, font, kind = self.issue_date(), self.font_path or None, self.layout_box.currentData()
        text = self.tr(
            "将为 {y} 年度{c}{d}待签发的 {n} 个拨付计划签发通知书，成文日期 {day}。\n签发后文号即占用，通知书不能修改，只能作废后重签。"
        ).format(
            y=year,
            c=f"、{self.data.clause_names.get(clause, clause)}" if clause and self.data else "",
            d=f"、{district}" if district else "",
            n=count,
            day=f"{day.year}年{day.month}月{day.day}日",
        )
        if not confirm(self, self.tr("全部签发"), text, yes=self.tr("签发")):
            return
        self.ops.write(
            lambda p: issue_letters(
                self.app,
                year,
                clause_id=clause,
                district=district,
                issued_on=day,
                font=font,
                progress=p,
                layout=kind,
            ),
            self._batch_done,
            label=self.tr("正在签发通知书"),
        )

    def _batch_done(self, result: BatchResult) -> None:
        text = result.message
        if result.issued:
            text += "\n" + self.tr("版式：") + result.layout
        if result.font_notes:
            text += "\n" + self.tr("字体提示：") + "；".join(result.font_notes)
        inform(self, self.tr("签发通知书"), text, warning=result.cancelled)

    def void_selected(self) -> None:
        letter = self.selected_letter()
        if letter is None or letter.status != "有效":
            return
        dialog = VoidDialog(letter.number, self)
        if not dialog.exec():
            return
        reason, reissue = dialog.reason.text(), dialog.reissue.isChecked()
        day, font, kind = self.issue_date(), self.font_path or None, self.layout_box.currentData()
        self.ops.write(
            lambda _p: void_letter(
                self.app, letter.id, reason, reissue=reissue, issued_on=day, font=font, layout=kind
            ),
            lambda r: inform(
                self,
                self.tr("作废通知书"),
                self.tr("已作废 {n}").format(n=r.voided.number)
                + (self.tr("，已签发替代的 {m}").format(m=r.replacement.number) if r.replacement else ""),
            ),
            label=self.tr("正在作废通知书"),
        )

    def edit_print_settings(self) -> None:
        dialog = PrintSettingsDialog(self.app, self.ops, self)
        dialog.exec()
