"""Start-up in the window: a damaged database offers the newest good backup; a held one opens read-only."""

from __future__ import annotations

import pytest

from kjdesk.services.register import UnitInput, add_unit, list_units
from kjdesk.services.safety.backups import backup_before
from kjdesk.services.safety.startup import open_checked
from kjdesk.ui.start import open_database as od
from tests.conftest import make_credit_code


@pytest.fixture
def prompts(monkeypatch):
    """Records what the officer was shown and answers with the queued choices."""
    seen: list[str] = []
    answers: list[str] = []

    def answer(_parent, exc):  # noqa: ANN001
        seen.append(str(exc))
        return answers.pop(0)

    monkeypatch.setattr(od, "ask_damaged", answer)
    monkeypatch.setattr(od, "ask_locked", answer)
    monkeypatch.setattr(od.QMessageBox, "information", staticmethod(lambda _p, _t, text: seen.append(text)))
    monkeypatch.setattr(od.QMessageBox, "critical", staticmethod(lambda _p, _t, text: seen.append(text)))
    return seen, answers


def _damage(path) -> bytes:
    with open(path, "r+b") as f:
        f.write(b"\x00" * 100)
    return path.read_bytes()


def test_damaged_database_offers_the_newest_backup_and_restores_it(app, db_path, qtbot, prompts):
    seen, answers = prompts
    add_unit(
        app,
        UnitInput(
            name="包头稀土研究院", credit_code=make_credit_code("91150203MA0N00001"), district="昆都仑区"
        ),
    )
    backup_before(app, "daily")
    app.close()
    damaged = _damage(db_path)
    answers.append(od.RESTORE)
    a = od.open_checked_gui(db_path, "张经办")
    try:
        assert a is not None and not a.read_only
        assert "已损坏" in seen[0] and "最新的完好备份" in seen[0]
        assert "未删除" in seen[1]
        assert [u.name for u in list_units(a)] == ["包头稀土研究院"]
        assert [p.read_bytes() for p in db_path.parent.glob("kjdesk.sqlite.damaged-*")] == [damaged]
    finally:
        a.close()


def test_quitting_leaves_the_damaged_file_as_it_was(app, db_path, qtbot, prompts):
    _seen, answers = prompts
    backup_before(app, "daily")
    app.close()
    damaged = _damage(db_path)
    answers.append(od.QUIT)
    assert od.open_checked_gui(db_path, "张经办") is None
    assert db_path.read_bytes() == damaged


def test_a_database_held_by_a_colleague_opens_read_only(app, db_path, qtbot, prompts):
    seen, answers = prompts
    app.close()
    holder = open_checked(db_path, actor="李复核", heartbeat=False)
    try:
        answers.append(od.READ_ONLY)
        a = od.open_checked_gui(db_path, "张经办")
        assert a is not None and a.read_only
        assert "李复核" in seen[0]
        a.close()
        answers.append(od.QUIT)
        assert od.open_checked_gui(db_path, "张经办") is None
    finally:
        holder.close()


def test_the_damaged_dialog_defaults_to_quit_and_asks_no_command(app, db_path, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from kjdesk.services.safety.startup import DatabaseDamaged

    backup_before(app, "daily")
    app.close()
    _damage(db_path)
    with pytest.raises(DatabaseDamaged) as err:
        open_checked(db_path)
    seen = {}

    def inspect() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        seen["text"] = box.text()
        seen["default"] = box.defaultButton().text()
        seen["buttons"] = [b.text() for b in box.buttons()]
        box.defaultButton().click()

    QTimer.singleShot(200, inspect)
    assert od.ask_damaged(None, err.value) == od.QUIT
    assert seen["default"] == "退出"
    assert "恢复本数据库的这份备份" in seen["buttons"]
    assert (
        "kjdesk --db" not in seen["text"] and " restore " not in seen["text"] and "运行" not in seen["text"]
    )
