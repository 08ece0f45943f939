"""Faults of the machine, told in Chinese: what happened and what to do.

A full disk, a read-only or locked file, a folder that does not exist, a network share that
went away, a PostgreSQL server that closed the connection: each becomes one sentence an
officer can act on (``describe``), never a traceback. The command line exits 1 with it; the
window shows it in a message box. Nothing here imports Qt, SQLAlchemy or the services.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

# Windows error numbers (``OSError.winerror``) that mean the same as a POSIX errno.
_WIN_SHARING = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
_WIN_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_NETWORK = {51, 53, 59, 64, 67, 1231, 1232}  # network path / name gone
_NETWORK_ERRNOS = {
    errno.ENETDOWN,
    errno.ENETUNREACH,
    errno.EHOSTDOWN,
    errno.EHOSTUNREACH,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.ETIMEDOUT,
    getattr(errno, "ESTALE", -1),
}
UNCHANGED = "数据库未改动。"


class Fault(Exception):
    """A fault already told in Chinese (``str(err)``); a user error (exit 1), not a program error."""


def _where(exc: OSError) -> str:
    name = str(exc.filename or "").removesuffix(".part")  # the officer's file, never the working copy
    return f"“{name}”" if name else ""


def describe_os_error(exc: OSError, doing: str = "") -> str:
    """One Chinese sentence for an ``OSError``: what happened, and what to do."""
    doing = doing or "读写文件"
    where = _where(exc)
    win = getattr(exc, "winerror", None)
    if exc.errno == errno.ENOSPC or win in _WIN_FULL or getattr(errno, "EDQUOT", -1) == exc.errno:
        return f"{doing}失败：磁盘空间已满{('（' + where + '）') if where else ''}。请清理磁盘空间（例如删除旧的备份或导出文件）后再试。{UNCHANGED}"
    if exc.errno == errno.EROFS:
        return f"{doing}失败：{where or '该位置'}所在的磁盘是只读的。请另选可写的位置后再试。{UNCHANGED}"
    if win in _WIN_SHARING or exc.errno in (errno.EBUSY, errno.ETXTBSY):
        return f"{doing}失败：文件{where}正被其他程序占用（是否已在 Excel 或 WPS 中打开？）。请关闭后再试。{UNCHANGED}"
    if exc.errno in _NETWORK_ERRNOS or win in _WIN_NETWORK:
        return f"{doing}失败：网络共享文件夹无法访问{('（' + where + '）') if where else ''}。请检查网络连接或共享盘后再试。{UNCHANGED}"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{doing}失败：没有权限写入{where or '该位置'}（文件可能是只读的，或已在 Excel 中打开）。"
            f"请检查文件属性或另选保存位置。{UNCHANGED}"
        )
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        parent = Path(exc.filename).parent if exc.filename else None
        if parent is not None and str(parent) not in ("", ".") and not parent.exists():
            return f"{doing}失败：文件夹“{parent}”不存在。请先建立该文件夹，或另选保存位置。"
        return f"{doing}失败：找不到文件{where}。"
    if exc.errno == errno.EIO:
        return f"{doing}失败：磁盘读写出错{('（' + where + '）') if where else ''}（磁盘或 U 盘可能已拔出或损坏）。{UNCHANGED}"
    return f"{doing}失败：{exc.strerror or exc}{('（' + where + '）') if where else ''}。{UNCHANGED}"


def describe_db_error(exc: BaseException) -> str | None:
    """One Chinese sentence for a database error that is a fault of the machine, else None.

    Takes a ``sqlite3.Error`` or a SQLAlchemy ``DBAPIError`` (whose ``orig`` is the driver's)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    if isinstance(orig, OSError):
        return describe_os_error(orig, "写入数据库")
    if "database or disk is full" in text or "no space left" in text:
        return f"写入数据库失败：磁盘空间已满。请清理磁盘空间后再试。{UNCHANGED}"
    if "readonly database" in text or "read-only" in text:
        return f"写入数据库失败：数据库文件是只读的（文件属性或所在磁盘只读）。请检查后再试。{UNCHANGED}"
    if "database is locked" in text or "database table is locked" in text:
        return f"写入数据库失败：数据库正被另一个程序锁定。请稍后再试，或关闭其他正在使用该数据库的程序。{UNCHANGED}"
    if "disk i/o error" in text or "unable to open database file" in text:
        return (
            "读写数据库失败：数据库文件无法访问（所在的磁盘或网络共享文件夹可能已断开）。"
            f"请检查后重新打开程序。{UNCHANGED}"
        )
    pg_gone = (
        "server closed the connection",
        "connection already closed",
        "terminating connection",
        "could not connect to server",
        "connection refused",
        "connection timed out",
        "no connection to the server",
        "ssl connection has been closed",
        "connection is closed",
        "the connection is lost",
        "consuming input failed",
    )
    if any(p in text for p in pg_gone) or getattr(exc, "connection_invalidated", False):
        return (
            "与数据库服务器的连接中断（服务器已关闭或网络断开）。本次操作未完成，已写入的部分全部撤销。"
            "请检查网络和数据库服务器后再试。"
        )
    return None


def describe(exc: BaseException, doing: str = "") -> str | None:
    """A Chinese sentence for any fault of the machine; None for anything else (a program error)."""
    if isinstance(exc, Fault):
        return str(exc)
    if isinstance(exc, OSError):
        return describe_os_error(exc, doing)
    if isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("sqlalchemy"):
        return describe_db_error(exc)
    return None
