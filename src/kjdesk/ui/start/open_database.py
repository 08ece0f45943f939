"""Opening the database at start in the window: damaged file, another writer, newer schema.

``open_checked_gui`` wraps ``services.startup.open_checked`` with the officer's choices:

* damaged: the newest good backup is offered (恢复此备份 / 选择其他备份… / 退出); the damaged
  file is set aside, never deleted, and never replaced by an empty database;
* locked by a colleague: who and since when is shown; 只读打开 or 退出;
* written by a newer kjdesk or not a kjdesk file: a message, then ``None``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kjdesk import APP_TITLE
from kjdesk.services.core.app import App, ServiceError
from kjdesk.services.safety.startup import (
    DatabaseDamaged,
    DatabaseLocked,
    NotAKjdeskDatabase,
    SchemaTooNew,
    open_checked,
    recover_from_backup,
)

RESTORE, CHOOSE, READ_ONLY, QUIT = "restore", "choose", "read_only", "quit"


def ask_damaged(parent: QWidget | None, exc: DatabaseDamaged) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(f"{APP_TITLE}：数据库已损坏")
    box.setText(exc.window_text)  # no command to type: the choices are the buttons
    buttons = {}
    if exc.backup is not None:
        buttons[box.addButton("恢复本数据库的这份备份", QMessageBox.ButtonRole.AcceptRole)] = RESTORE
    buttons[box.addButton("选择其他备份…", QMessageBox.ButtonRole.ActionRole)] = CHOOSE
    quit_button = box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    buttons[quit_button] = QUIT
    box.setDefaultButton(quit_button)
    box.exec()
    return buttons.get(box.clickedButton(), QUIT)


def ask_locked(parent: QWidget | None, exc: DatabaseLocked) -> str:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(f"{APP_TITLE}：数据库正被使用")
    box.setText(str(exc))
    box.setInformativeText("只读方式可以查看和导出，但不能保存任何修改。")
    read_only = box.addButton("只读打开", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(read_only)
    box.exec()
    return READ_ONLY if box.clickedButton() is read_only else QUIT


def choose_backup(parent: QWidget | None, folder: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "选择备份文件", str(folder), "科技兑现台数据库 (*.sqlite *.db);;所有文件 (*)"
    )
    return Path(name) if name else None


def recover_interactively(parent: QWidget | None, exc: DatabaseDamaged, db, actor: str) -> App | None:  # noqa: ANN001
    """Ask what to do with a damaged database (退出 is the default); restore only when asked."""
    choice = ask_damaged(parent, exc)
    source = exc.backup.path if choice == RESTORE and exc.backup else None
    if choice == CHOOSE:
        source = choose_backup(parent, exc.path.parent / "backups")
    if source is None:
        return None
    aside = recover_from_backup(exc.path, source, actor)
    QMessageBox.information(
        parent, APP_TITLE, f"已用 {source.name} 恢复数据库。\n损坏的文件已保留为 {aside.name}，未删除。"
    )
    return open_checked(db, actor=actor)


def open_checked_gui(db: str | Path | None, actor: str, parent: QWidget | None = None) -> App | None:
    """The App to run the window on, or None when the officer chose to quit (or it cannot open)."""
    for _ in range(5):  # each round answers one problem; the officer may pick a bad backup
        try:
            return open_checked(db, actor=actor)
        except DatabaseDamaged as exc:
            choice = ask_damaged(parent, exc)
            source = exc.backup.path if choice == RESTORE and exc.backup else None
            if choice == CHOOSE:
                source = choose_backup(parent, exc.path.parent / "backups")
            if source is None:
                return None
            try:
                aside = recover_from_backup(exc.path, source, actor)
            except (ServiceError, DatabaseLocked, OSError) as err:
                QMessageBox.critical(parent, f"{APP_TITLE}：无法恢复", str(err))
                continue
            QMessageBox.information(
                parent,
                APP_TITLE,
                f"已用 {source.name} 恢复数据库。\n损坏的文件已保留为 {aside.name}，未删除。",
            )
        except DatabaseLocked as exc:
            if ask_locked(parent, exc) != READ_ONLY:
                return None
            try:
                return open_checked(db, actor=actor, read_only=True)
            except ServiceError as err:
                QMessageBox.critical(parent, f"{APP_TITLE}：无法打开数据库", str(err))
                return None
        except (SchemaTooNew, NotAKjdeskDatabase, ServiceError) as exc:
            QMessageBox.critical(parent, f"{APP_TITLE}：无法打开数据库", str(exc))
            return None
        except OSError as exc:
            QMessageBox.critical(parent, f"{APP_TITLE}：无法打开数据库", f"无法打开数据库文件：{exc}")
            return None
    return None
