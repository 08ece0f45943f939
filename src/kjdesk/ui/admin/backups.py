"""备份与恢复: the automatic backups, 立即备份, and restore with confirmation (in a worker).

A restore is checked by the service before anything is replaced and backs up the database
it replaces; afterwards every page reloads (all ``Changes`` are announced).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kjdesk.services.core.app import App
from kjdesk.services.core.roles import allowed
from kjdesk.services.safety.backups import (
    BackupRow,
    RestoreResult,
    backups_dir,
    keep_count,
    list_backups,
    restore,
)
from kjdesk.ui import settings
from kjdesk.ui.dialogs import BaseDialog, confirm, inform
from kjdesk.ui.table import Column, RowTableModel, make_table_view
from kjdesk.ui.workers import Hub

# row: (index, time, kind, size, file name)
COLUMNS = [
    Column(1, "备份时间", width=150),
    Column(2, "类型", "每日自动 / 手动 / 升级前 / 导入前 / 恢复前", width=80),
    Column(3, "大小", width=80, align_right=True),
    Column(4, "文件", width=320),
]


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


class BackupsDialog(BaseDialog):
    def __init__(self, app: App, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app, self.hub, self.ops = app, hub, hub.ops
        self.rows: list[BackupRow] = []
        self.loaded = False
        self.last_result: RestoreResult | None = None
        self.last_warning = ""
        self.setWindowTitle(self.tr("备份与恢复"))
        self.resize(760, 460)

        self.may_restore = False
        path = app.db.path
        self.folder = backups_dir(path) if path else None
        self.where = QLabel(self)
        self.where.setObjectName("where")
        self.where.setWordWrap(True)
        self.model = RowTableModel(COLUMNS, self)
        self.view = make_table_view(self.model, self, sortable=False, name="BackupsDialog")
        self.view.setObjectName("backups")
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.view.doubleClicked.connect(lambda _i: self.restore_selected())

        self.backup_button = self._button(
            "backup_now", "立即备份", "把当前数据库备份到备份文件夹", self.backup_now
        )
        self.restore_button = self._button(
            "restore",
            "从所选备份恢复…",
            "用所选备份替换当前数据库（会先备份当前数据库）",
            self.restore_selected,
        )
        self.restore_file_button = self._button(
            "restore_file", "从文件恢复…", "选择一个备份文件（如 U 盘上的）来恢复", self.restore_from_file
        )
        self.folder_button = self._button(
            "open_folder", "打开备份文件夹", "在文件管理器中打开", self.open_folder
        )
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.restore_button, self.restore_file_button, self.folder_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        if self.folder is None:
            self.where.setText(self.tr("PostgreSQL 数据库请使用数据库服务器自身的备份工具（pg_dump）。"))
            for b in (self.backup_button, self.restore_button, self.restore_file_button, self.folder_button):
                b.setEnabled(False)
            return
        self.may_restore = allowed(app.role, "restore") and not app.read_only
        if not self.may_restore:
            self.restore_file_button.setEnabled(False)
        if not allowed(app.role, "restore"):  # the service would refuse: say so on the buttons
            why = self.tr("恢复数据库需要管理员账号（当前：{role}）").format(role=app.role)
            self.restore_button.setToolTip(why)
            self.restore_file_button.setToolTip(why)
        self._selection_changed()
        self.reload()

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:  # noqa: ANN001
        button = QPushButton(self.tr(text), self)
        button.setObjectName(name)
        button.setToolTip(self.tr(tip))
        button.clicked.connect(slot)
        return button

    # --- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.ops.read(lambda _p: (list_backups(self.app), keep_count(self.app)), self._loaded)

    def _loaded(self, result: tuple[list[BackupRow], int]) -> None:
        self.rows, keep = result
        self.model.set_rows(
            [
                (i, f"{r.made_at:%Y-%m-%d %H:%M:%S}", r.reason_label, size_text(r.size), r.name)
                for i, r in enumerate(self.rows)
            ]
        )
        self.where.setText(
            self.tr(
                "备份文件夹：{f}\n共 {n} 份备份，自动保留最新 {k} 份；每天首次启动、升级、导入和恢复前自动备份。"
            ).format(f=self.folder, n=len(self.rows), k=keep)
        )
        self.loaded = True
        self._selection_changed()

    def selected(self) -> BackupRow | None:
        index = self.view.currentIndex()
        return self.rows[self.model.row_id(index.row())] if index.isValid() else None

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and self.may_restore)

    # --- actions ----------------------------------------------------------------------------

    def backup_now(self) -> None:
        from kjdesk.services.safety.backups import backup_checked

        self.ops.write(
            lambda p: backup_checked(self.app, None, p), self._backed_up, label=self.tr("正在备份数据库…")
        )

    def _backed_up(self, made) -> None:  # noqa: ANN001 - CheckedBackup
        self.last_backup = made.path
        self.last_warning = made.warning
        self.reload()
        if made.problems:  # loudly: the trail of this database does not verify
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, self.tr("备份已做，但审计记录校验未通过"), made.warning)

    def restore_selected(self) -> None:
        row = self.selected()
        if row is not None and not self.app.read_only:
            self.restore_path(row.path, f"{row.made_at:%Y-%m-%d %H:%M:%S}（{row.reason_label}）")

    def restore_from_file(self) -> None:
        folder = str(settings.get(settings.LAST_FOLDER)) or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), folder, self.tr("科技兑现台数据库 (*.sqlite *.db);;所有文件 (*)")
        )
        if name:
            settings.put(settings.LAST_FOLDER, str(Path(name).parent))
            self.restore_path(Path(name), Path(name).name)

    def restore_path(self, path: Path, what: str) -> None:
        text = self.tr(
            "将用备份 {w} 替换当前数据库。\n\n恢复前会检查该文件，并先把当前数据库另行备份（类型“恢复前”），"
            "之后的修改将以备份中的数据为准。确定恢复吗？"
        ).format(w=what)
        if not confirm(self, self.tr("从备份恢复"), text, yes=self.tr("恢复")):
            return
        from kjdesk.services.safety.restore_checks import read_trail

        self.ops.read(
            lambda _p: read_trail(path),
            lambda trail: self._restore_checked(path, trail),
            label=self.tr("正在校验备份的审计记录…"),
        )

    def _restore_checked(self, path: Path, trail) -> None:  # noqa: ANN001 - BackupTrail
        """A backup whose trail fails verification: only with a 管理员's written reason."""
        reason = ""
        if trail.problems:
            from PySide6.QtWidgets import QInputDialog

            shown = "\n".join(trail.problems[:8])
            reason, ok = QInputDialog.getMultiLineText(
                self,
                self.tr("备份的审计记录校验未通过"),
                self.tr(
                    "该备份的审计记录校验未通过：\n{p}\n\n通常不应恢复这样的备份。如确需恢复，"
                    "请管理员写明原因（将记入当前数据库和恢复后数据库的审计日志）："
                ).format(p=shown),
            )
            if not ok or not reason.strip():
                return
        self.ops.write(
            lambda p: restore(self.app, path, p, override_reason=reason),
            self._restore_done,
            changes=lambda r: r.changes,
            label=self.tr("正在恢复数据库…"),
        )

    def _restore_done(self, result: RestoreResult) -> None:
        self.last_result = result
        self.reload()
        inform(
            self,
            self.tr("恢复完成"),
            self.tr("已用 {s} 恢复数据库。\n被替换的数据库已备份为 {b}。").format(
                s=result.restored_from.name, b=result.previous_backup.name
            ),
        )

    def open_folder(self) -> None:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
