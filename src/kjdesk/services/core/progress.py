"""The progress-and-cancel object a long service call receives (after Orange's TaskState).

The GUI passes one that forwards to a progress dialog from a worker thread, the CLI one
that prints, tests ``NullProgress`` or their own. A service calls ``check()`` between
steps; when the officer cancelled, ``check()`` raises ``Cancelled`` and the service's
transaction rolls back, so a cancelled call changes nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol


class Cancelled(Exception):
    """The officer cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消，数据库未做任何改动")


class Progress(Protocol):
    def set_total(self, total: int) -> None: ...
    def set_value(self, value: int) -> None: ...
    def set_status(self, text: str) -> None: ...
    def is_cancelled(self) -> bool: ...
    def check(self) -> None: ...


class NullProgress:
    """Does nothing; never cancelled."""

    total = 0
    value = 0
    status = ""

    def set_total(self, total: int) -> None:
        self.total = total

    def set_value(self, value: int) -> None:
        self.value = value

    def set_status(self, text: str) -> None:
        self.status = text

    def is_cancelled(self) -> bool:
        return False

    def check(self) -> None:
        if self.is_cancelled():
            raise Cancelled


class CancelAfter(NullProgress):
    """Cancels once ``set_value`` reaches ``n`` (tests use it to cancel half-way)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def is_cancelled(self) -> bool:
        return self.value >= self.n


class TextProgress(NullProgress):
    """Prints a throttled one-line progress to stderr for the command line."""

    def __init__(self, stream=sys.stderr, interval: float = 0.5) -> None:  # noqa: ANN001
        self.stream, self.interval, self._last = stream, interval, 0.0

    def set_value(self, value: int) -> None:
        self.value = value
        now = time.monotonic()
        if self.total and (now - self._last >= self.interval or value >= self.total):
            self._last = now
            self.stream.write(f"\r{self.status} {value}/{self.total}")
            if value >= self.total:
                self.stream.write("\n")
            self.stream.flush()
