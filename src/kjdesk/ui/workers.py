"""Service calls off the UI thread (after Anki's CollectionOp/QueryOp and Orange's TaskState).

``Operations`` owns two thread pools: one with a single thread for writes, so two writes
never overlap, and one for reads. A call is a plain function of a ``Progress``; its result
or its Chinese error comes back on the UI thread, and the ``Changes`` it reports are
announced on ``Hub.sig_changes`` so every page refreshes what it shows. Pages never create
threads of their own: they call ``ops.read(...)`` or ``ops.write(...)``.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from kjdesk.faults import Fault, describe
from kjdesk.services.core.app import ServiceError
from kjdesk.services.core.changes import Changes, recording
from kjdesk.services.core.progress import Cancelled

Call = Callable[["QtProgress"], Any]
ChangesOf = Changes | Callable[[Any], Changes] | None


class Hub(QObject):
    """What the main window and its pages tell each other.

    ``sig_changes`` announces what the database changed (pages refresh themselves);
    ``ops`` runs service calls; pages ask the window for the import wizard or a template
    through the ``sig_request_*`` signals.
    """

    sig_changes = Signal(object)  # Changes
    sig_request_import = Signal()
    sig_request_template = Signal(str)  # the register kind: units / platforms / people / recognitions

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ops: Operations = None  # type: ignore[assignment]  # set by the main window

    def announce(self, changes: Changes) -> None:
        if any(getattr(changes, f) for f in changes.__dataclass_fields__):
            self.sig_changes.emit(changes)


class QtProgress(QObject):
    """The ``services.progress.Progress`` a worker call receives; thread-safe, throttled."""

    sig_progress = Signal(int, int, str)  # value, total, status

    def __init__(self, interval: float = 0.1) -> None:
        super().__init__()
        self.listener: Callable[[int, int, str], None] | None = None
        self.sig_progress.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.total, self.value, self.status = 0, 0, ""
        self._cancel = threading.Event()
        self._interval, self._last = interval, 0.0

    def set_total(self, total: int) -> None:
        self.total = total
        self._emit(force=True)

    def set_value(self, value: int) -> None:
        self.value = value
        self._emit(force=value >= self.total > 0)

    def set_status(self, text: str) -> None:
        self.status = text
        self._emit(force=True)

    def cancel(self) -> None:
        self._cancel.set()

    def _deliver(self, value: int, total: int, status: str) -> None:
        if self.listener is not None:
            self.listener(value, total, status)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def _emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self._interval:
            self._last = now
            self.sig_progress.emit(self.value, self.total, self.status)


def error_text(exc: BaseException) -> str:
    """The Chinese message an officer reads for a failed call."""
    if isinstance(exc, ServiceError | Cancelled):
        return str(exc)
    told = describe(exc)  # a full disk, a locked file, a server gone away: what happened, what to do
    if told is not None and not isinstance(exc, FileNotFoundError | PermissionError):
        return told
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件：{exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"没有权限访问文件：{exc.filename or exc}（文件是否已在 Excel 中打开？）"
    if isinstance(exc, OSError):
        return f"读写文件失败：{exc}"
    return f"内部错误，请把以下信息发给维护人员：\n{type(exc).__name__}: {exc}"


class Task(QObject):
    """One call on its way through a pool; its signals arrive on the UI thread."""

    sig_done = Signal(object)
    sig_failed = Signal(object)

    def __init__(self, call: Call, progress: QtProgress, *, record: bool = False) -> None:
        super().__init__()
        self.call, self.progress = call, progress
        self.record = record  # a write: collect what it changed (services.core.changes)
        self.recorded = Changes()
        self.finished = False
        self.on_done: Callable[[Any], None] = lambda _result: None
        self.on_failed: Callable[[BaseException], None] = lambda _exc: None
        # Bound methods of an object created on the UI thread: the queued calls run there.
        self.sig_done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)
        self.sig_failed.connect(self._deliver_failed, Qt.ConnectionType.QueuedConnection)

    def _deliver_done(self, result: object) -> None:
        self.on_done(result)

    def _deliver_failed(self, exc: BaseException) -> None:
        self.on_failed(exc)

    def run(self) -> None:  # in the worker thread
        try:
            if self.record:
                with recording() as recorded:
                    result = self.call(self.progress)
                self.recorded = recorded.changes
            else:
                result = self.call(self.progress)
        except BaseException as exc:  # every failure is delivered to the UI thread, never lost
            if not isinstance(exc, ServiceError | Cancelled | OSError | Fault):
                traceback.print_exc()
            self.sig_failed.emit(exc)
        else:
            self.sig_done.emit(result)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task.run()


class Operations(QObject):
    """Runs service calls for the window. ``parent`` is where progress and errors are shown."""

    def __init__(self, hub: Hub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.window = parent
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(2)
        self._running: set[Task] = set()

    def read(
        self,
        call: Call,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None] | None = None,
        *,
        label: str = "",
    ) -> Task:
        """A query (QueryOp): no changes announced."""
        return self._start(self.read_pool, call, on_done, on_failed, None, label)

    def write(
        self,
        call: Call,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        *,
        changes: ChangesOf = None,
        label: str = "",
    ) -> Task:
        """A mutation (CollectionOp): after success, what it wrote is announced on the hub.

        The tables the call wrote give its ``Changes`` (``services.core.changes``); a service
        that returns ``Changes`` (a restore) adds them, and ``changes`` may add more (a
        ``Changes`` or a function of the result) for a page that shows something derived."""
        return self._start(self.write_pool, call, on_done, on_failed, changes, label, record=True)

    def _start(
        self,
        pool: QThreadPool,
        call: Call,
        on_done: Callable[[Any], None] | None,
        on_failed: Callable[[BaseException], None] | None,
        changes: ChangesOf,
        label: str,
        *,
        record: bool = False,
    ) -> Task:
        progress = QtProgress()
        task = Task(call, progress, record=record)
        dialog = self._progress_dialog(progress, label) if label else None

        def finish() -> None:
            task.finished = True
            self._running.discard(task)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()

        def done(result: object) -> None:
            finish()
            if on_done is not None:
                on_done(result)
            announced = task.recorded
            if isinstance(result, Changes):
                announced = announced | result
            extra = changes(result) if callable(changes) else changes
            if extra is not None:
                announced = announced | extra
            self.hub.announce(announced)

        def failed(exc: BaseException) -> None:
            finish()
            if on_failed is not None:
                on_failed(exc)
            else:
                self.show_error(exc)

        task.on_done, task.on_failed = done, failed
        self._running.add(task)
        pool.start(_Runnable(task))
        return task

    def _progress_dialog(self, progress: QtProgress, label: str) -> QProgressDialog:
        dialog = QProgressDialog(label, self.tr("取消"), 0, 0, self.window)
        dialog.setWindowTitle(self.tr("请稍候"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(progress.cancel)
        dialog.canceled.connect(lambda: dialog.setLabelText(self.tr("正在取消…")))

        def show(value: int, total: int, status: str) -> None:
            if dialog.wasCanceled():
                return
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(value, total) if total else 0)
            dialog.setLabelText(f"{label}\n{status}" if status else label)

        progress.listener = show
        return dialog

    def show_error(self, exc: BaseException) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information if isinstance(exc, Cancelled) else QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("操作未完成"))
        box.setText(error_text(exc))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for every running call (at shutdown): writes finish, nothing is cut short."""
        ok = self.write_pool.waitForDone(msecs) and self.read_pool.waitForDone(msecs)
        return ok
