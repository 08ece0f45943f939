"""One writer per database file: a lock file ``<db>.lock`` beside it.

The lock file holds JSON ``{user, officer, host, pid, since, token}``. It is created with
``O_CREAT | O_EXCL`` (atomic on a local disk and on a Windows/SMB shared folder), kept fresh
by a heartbeat that touches its modification time, and removed when the program closes.
A second kjdesk on the same file gets ``DatabaseLocked`` naming who holds it and since when.

A lock is stale when its holder is on this host and its process is gone, or when its file
has not been touched for ``stale_after`` seconds (a crash on another machine). A stale lock
is cleared by renaming it aside first, so two programs that both find it stale cannot both
take it. Not used for PostgreSQL, which has its own concurrency control.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import platform
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

HEARTBEAT_SECONDS = 30.0
STALE_AFTER_SECONDS = 10 * 60.0


def host_name() -> str:
    """This PC's name (the same as ``socket.gethostname()``, without importing a network module)."""
    return platform.node()


@dataclass(frozen=True)
class LockInfo:
    user: str  # the OS account
    officer: str  # the signed-in officer, when known
    host: str
    pid: int
    since: str  # local time, ISO format
    token: str = ""

    def describe(self) -> str:
        who = f"{self.officer}（系统账号 {self.user}）" if self.officer else f"系统账号 {self.user}"
        since = self.since.replace("T", " ")[:19]
        return f"{who}在计算机 {self.host} 上（进程 {self.pid}）自 {since} 起"


class DatabaseLocked(Exception):
    """Another kjdesk is writing to this database."""

    def __init__(self, path: Path, holder: LockInfo | None, other_path: bool = False) -> None:
        self.path, self.holder = Path(path), holder
        if other_path:
            who = "另一个科技兑现台（通过另一路径，如快捷方式、硬链接或映射的网络盘）"
        else:
            who = holder.describe() if holder else "另一个程序（锁文件无法读取）"
        super().__init__(f"数据库 {self.path.name} 正由{who}打开编辑。可以只读方式打开，或待其关闭后再试。")


def lock_path(db_path: Path) -> Path:
    """``<db>.lock`` beside the database file itself (a symbolic link is followed)."""
    return Path(f"{os.path.realpath(db_path)}.lock")


class FileHold:
    """An OS lock on the database file itself, so that a second path to the same file — a hard
    link, a symbolic link, another drive letter for the same share — is locked out too.

    POSIX: ``flock`` on the whole file (independent of the byte-range locks SQLite takes).
    Windows: one byte of the lock-byte page at 1 GiB, which SQLite never reads or writes
    (it uses the first 512 bytes of that page for its own locks).
    """

    OFFSET = 0x40000000 + 0x800

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def take(self) -> bool:
        """True when held (or nothing to hold: no file yet); False when another holder has it."""
        if self.fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return True  # no file yet (init), or not readable: the lock file alone guards it
        try:
            if os.name == "nt":  # pragma: no cover - Windows only
                import msvcrt

                os.lseek(fd, self.OFFSET, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            # held by another: False; a file system without locks (some shares): the lock file guards it
            return not (
                isinstance(exc, BlockingIOError) or exc.errno in (errno.EACCES, errno.EAGAIN, errno.EDEADLK)
            )
        self.fd = fd
        return True

    def give_back(self) -> None:
        """Release the hold. Call it after the database's connections are closed: on POSIX,
        closing any descriptor of a file drops the process's byte-range locks on it."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        with contextlib.suppress(OSError):
            os.close(fd)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises several kinds when no name is set
        return "未知"


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (never sends it a signal on Windows)."""
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_lock(path: Path) -> LockInfo | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return LockInfo(
            user=str(data.get("user", "")),
            officer=str(data.get("officer", "")),
            host=str(data.get("host", "")),
            pid=int(data.get("pid", 0)),
            since=str(data.get("since", "")),
            token=str(data.get("token", "")),
        )
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def is_stale(path: Path, info: LockInfo | None, stale_after: float = STALE_AFTER_SECONDS) -> bool:
    """A lock whose process is gone (same host) or that had no heartbeat for ``stale_after`` s."""
    try:
        age = time.time() - Path(path).stat().st_mtime
    except FileNotFoundError:
        return True
    if info is not None and info.host == host_name() and not pid_alive(info.pid):
        return True
    return age > stale_after


class WriterLock:
    """The lock of one database file, held by this process while it writes."""

    def __init__(self, db_path: Path, officer: str = "", stale_after: float = STALE_AFTER_SECONDS) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self.stale_after = stale_after
        self.info = LockInfo(
            user=_os_user(),
            officer=officer,
            host=host_name(),
            pid=os.getpid(),
            since=datetime.now().isoformat(timespec="seconds"),
            token=uuid.uuid4().hex,
        )
        self.held = False
        self.file_hold = FileHold(self.db_path)
        self.cleared: LockInfo | None = None  # the stale lock this one replaced, if any
        # Called from the heartbeat thread when the lock turns out to be someone else's now
        # (this PC slept past ``stale_after`` and a colleague took over): stop writing.
        self.on_lost: Callable[[LockInfo | None], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- taking and giving back ---

    def acquire(self) -> WriterLock:
        """Take the lock or raise ``DatabaseLocked``; clears a stale lock on the way."""
        for _ in range(3):
            if self._create():
                self.held = True
                try:
                    self.hold_file()
                except DatabaseLocked:
                    self.release()
                    raise
                return self
            holder = read_lock(self.path)
            if holder is None and self._young():
                time.sleep(0.2)  # being written by its creator this very moment
                holder = read_lock(self.path)
            if not is_stale(self.path, holder, self.stale_after):
                raise DatabaseLocked(self.db_path, holder)
            self._clear_stale(holder)
        raise DatabaseLocked(self.db_path, read_lock(self.path))

    def hold_file(self) -> None:
        """Lock the database file itself (again after it was created or swapped); raises
        ``DatabaseLocked`` when a kjdesk that opened it through another path holds it."""
        if not self.file_hold.take():
            raise DatabaseLocked(self.db_path, None, other_path=True)

    def let_go_of_file(self) -> None:
        """Release the file itself (before it is renamed or replaced: Windows refuses an open file)."""
        self.file_hold.give_back()

    def release(self) -> None:
        """Stop the heartbeat and remove the lock file, if it is still ours."""
        self.stop_heartbeat()
        self.file_hold.give_back()
        if not self.held:
            return
        self.held = False
        current = read_lock(self.path)
        if current is not None and current.token == self.info.token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(self.info), f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        return True

    def _young(self) -> bool:
        try:
            return time.time() - self.path.stat().st_mtime < 5
        except FileNotFoundError:
            return False

    def _clear_stale(self, judged: LockInfo | None) -> None:
        """Move the stale lock aside; if it turns out to be someone's fresh lock, put it back."""
        aside = self.path.with_name(f"{self.path.name}.stale-{uuid.uuid4().hex[:8]}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return  # someone else cleared it first
        moved = read_lock(aside)
        same = (moved is None and judged is None) or (
            moved is not None and judged is not None and moved.token == judged.token
        )
        if not same:  # another program took the lock between our look and our rename
            with contextlib.suppress(FileExistsError, OSError):
                os.link(aside, self.path)
        else:
            self.cleared = judged
        with contextlib.suppress(FileNotFoundError):
            aside.unlink()

    # --- keeping it fresh ---

    def refresh(self) -> None:
        """Touch the lock file (the heartbeat); a lock no longer ours raises ``DatabaseLocked``."""
        if not self.held:
            return
        current = read_lock(self.path)
        if current is None or current.token != self.info.token:
            self.held = False
            raise DatabaseLocked(self.db_path, current)
        os.utime(self.path)

    def set_officer(self, officer: str) -> None:
        """Name the signed-in officer in the lock file (rewritten atomically)."""
        self.info = LockInfo(**{**asdict(self.info), "officer": officer})
        if not self.held:
            return
        tmp = self.path.with_name(f"{self.path.name}.{self.info.token[:8]}.tmp")
        tmp.write_text(json.dumps(asdict(self.info), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)

    def start_heartbeat(self, interval: float = HEARTBEAT_SECONDS) -> None:
        """Touch the lock every ``interval`` seconds from a daemon thread until ``release``."""
        if self._thread is not None:
            return
        self._stop.clear()

        def beat() -> None:
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                except DatabaseLocked as exc:
                    if self.on_lost is not None:
                        self.on_lost(exc.holder)
                    return
                except OSError:  # the shared folder is briefly unreachable: try again next beat
                    continue

        self._thread = threading.Thread(target=beat, name="kjdesk-lock-heartbeat", daemon=True)
        self._thread.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
