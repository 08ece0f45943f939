"""A fault of the machine in the window (issue 17, item 6): a message box that says what happened
and what to do; the old file stays, no ``.part`` is left."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.exc import OperationalError

from kjdesk.faults import Fault
from kjdesk.ui.workers import error_text
from tests.services.disbursement.disbursement_data import officers, seed_plan
from tests.ui.conftest import open_page
from tests.ui.pages.plan.test_plan_page import set_year


@pytest.fixture
def world(app):
    seed_plan(app)
    return officers(app)


def _message_box(qtbot) -> QMessageBox:
    found: list[QMessageBox] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=10000)
    return found[0]


def test_a_full_disk_during_an_export_shows_what_to_do(app, world, make_window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "明细.xlsx"
    target.write_bytes(b"yesterday")
    real_save = Workbook.save

    def full(self, filename):  # noqa: ANN001
        real_save(self, filename)
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    monkeypatch.setattr(Workbook, "save", full)
    page = open_page(make_window(world["jb1"]), qtbot, "plans")
    set_year(page, qtbot, 2025)
    page.export("disbursement", str(target))
    box = _message_box(qtbot)
    assert "磁盘空间已满" in box.text() and "请清理磁盘空间" in box.text()
    box.close()
    assert target.read_bytes() == b"yesterday"
    assert [p.name for p in Path(tmp_path).iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间已满"),
        (OSError(errno.EROFS, "Read-only file system", "/media/u/x.xlsx"), "只读"),
        (Fault("文件夹“/nope”不存在。请先建立该文件夹，或另选保存位置。"), "文件夹“/nope”不存在"),
        (
            OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
            "与数据库服务器的连接中断",
        ),
    ],
)
def test_faults_read_as_chinese_sentences(exc, words):
    text = error_text(exc)
    assert words in text and "内部错误" not in text
