"""Writing a file whole or not at all: ``<name>.part`` first, renamed into place when complete.

``replacing(path)`` yields the ``.part`` path to write; when the block ends normally the part
replaces ``path`` (``os.replace``, atomic on one volume); on any failure — a full disk, a
cancel, an error — the part is removed and the old file is as it was. A folder that does not
exist is refused before anything is written, in Chinese.

A run that is killed cannot remove its part. Each part is therefore noted, with the writing
process's id, in a small record under ``registry_dir()``; ``clean_leftovers()`` (called at
start) removes the parts of processes that are gone.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from kjdesk.faults import Fault, describe_os_error

PART = ".part"
REGISTRY: Path | None = None  # set by tests; else the user's data folder


def registry_dir() -> Path:
    if REGISTRY is not None:
        return REGISTRY
    from platformdirs import user_data_dir

    return Path(user_data_dir("kjdesk", appauthor=False)) / "pending-parts"


def _note(part: Path) -> Path | None:
    """Record ``part`` as being written by this process; None when the record cannot be kept."""
    try:
        folder = registry_dir()
        folder.mkdir(parents=True, exist_ok=True)
        note = folder / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.txt"
        note.write_text(str(Path(part).absolute()), encoding="utf-8")
        return note
    except OSError:
        return None  # a full disk here must not stop the write itself from saying why it fails


def _forget(note: Path | None) -> None:
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink()


def part_path(path: Path, unique: bool = False) -> Path:
    """``x.xlsx.part``; with ``unique``, a hidden ``.x.sqlite.1a2b3c4d.part`` (backups)."""
    if unique:
        return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{PART}")
    return path.with_name(path.name + PART)


def check_folder(path: Path) -> None:
    """Refuse, in Chinese, to write into a folder that does not exist (or is a file)."""
    parent = Path(path).absolute().parent
    if not parent.is_dir():
        if parent.exists():
            raise Fault(f"“{parent}”不是文件夹，无法在其中保存文件。请另选保存位置。")
        raise Fault(f"文件夹“{parent}”不存在。请先建立该文件夹，或另选保存位置。")


@contextlib.contextmanager
def replacing(path: str | Path, *, unique: bool = False, doing: str = "保存文件") -> Iterator[Path]:
    """Yield the part to write; it replaces ``path`` when the block completes, else it is removed."""
    path = Path(path)
    check_folder(path)
    part = part_path(path, unique)
    note = _note(part)
    try:
        yield part
        try:
            os.replace(part, path)
        except PermissionError as exc:  # Windows: the target is open in Excel
            raise Fault(
                describe_os_error(PermissionError(exc.errno, exc.strerror, str(path)), doing)
            ) from exc
    except BaseException as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        if isinstance(exc, OSError) and exc.filename is not None and Path(exc.filename) == part:
            exc.filename = str(path)  # the officer chose this name; the part is ours
        raise
    finally:
        _forget(note)


def write_bytes(path: str | Path, data: bytes) -> Path:
    with replacing(path) as part:
        part.write_bytes(data)
    return Path(path)


def clean_leftovers(pid_alive: Callable[[int], bool]) -> list[Path]:
    """Remove the parts left by killed runs (``pid_alive`` says their process is gone); returns
    what was removed."""
    removed: list[Path] = []
    try:
        notes = list(registry_dir().glob("*.txt"))
    except OSError:
        return removed
    for note in notes:
        pid_text = note.name.split("-", 1)[0]
        if pid_text.isdigit() and pid_alive(int(pid_text)):
            continue
        try:
            part = Path(note.read_text(encoding="utf-8").strip())
        except OSError:
            continue
        if part.name.endswith(PART) and part.is_file():
            with contextlib.suppress(OSError):
                part.unlink()
                removed.append(part)
        with contextlib.suppress(OSError):
            note.unlink()
    return removed
