"""Service calls off the UI thread: results and errors come back on it, writes never overlap."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QWidget

from kjdesk.services.core.app import Changes, ServiceError
from kjdesk.services.core.progress import Cancelled
from kjdesk.ui.workers import Hub, Operations, error_text


def make_ops(qtbot) -> tuple[Hub, Operations, QWidget]:
    parent = QWidget()
    qtbot.addWidget(parent)
    hub = Hub(parent)
    hub.ops = Operations(hub, parent)
    return hub, hub.ops, parent


def test_result_arrives_on_the_ui_thread_and_changes_are_announced(qtbot):
    hub, ops, _ = make_ops(qtbot)
    seen: dict[str, object] = {}

    def call(progress):
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(result):
        seen["result"] = result
        seen["ui"] = threading.current_thread() is threading.main_thread()

    with qtbot.waitSignal(hub.sig_changes, timeout=5000) as signal:
        ops.write(call, done, changes=Changes(units=True))
    assert seen == {"worker": False, "result": 42, "ui": True}
    assert signal.args == [Changes(units=True)]
    assert not ops.busy


def test_service_error_is_delivered_in_chinese_and_nothing_is_announced(qtbot):
    hub, ops, _ = make_ops(qtbot)
    failures: list[BaseException] = []
    announced: list[Changes] = []
    hub.sig_changes.connect(announced.append)

    def call(progress):
        raise ServiceError("“甲公司”下还有 1 条平台，不能删除")

    ops.write(call, on_failed=failures.append, changes=Changes(units=True))
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert error_text(failures[0]) == "“甲公司”下还有 1 条平台，不能删除"
    assert announced == []
    assert error_text(KeyError("x")).startswith("内部错误")


def test_cancel_from_the_progress_dialog_stops_the_call(qtbot):
    _, ops, _ = make_ops(qtbot)
    failures: list[BaseException] = []
    reached: list[int] = []

    def long_call(progress):
        progress.set_total(1000)
        for i in range(1000):
            progress.check()
            progress.set_value(i)
            reached.append(i)
            time.sleep(0.002)
        return "finished"

    task = ops.write(long_call, on_failed=failures.append, label="正在导入名录…")
    qtbot.waitUntil(lambda: len(reached) > 5, timeout=5000)
    task.progress.cancel()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], Cancelled)
    assert "未做任何改动" in error_text(failures[0])
    assert len(reached) < 1000


def test_writes_run_one_at_a_time(qtbot):
    _, ops, _ = make_ops(qtbot)
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def write(progress):
        start = time.monotonic()
        time.sleep(0.05)
        with lock:
            spans.append((start, time.monotonic()))

    for _ in range(4):
        ops.write(write)
    qtbot.waitUntil(lambda: len(spans) == 4 and not ops.busy, timeout=5000)
    spans.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
