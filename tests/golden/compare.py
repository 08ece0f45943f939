"""What a golden harness does with its dump: write it as the golden, or check it against it."""

from __future__ import annotations

from pathlib import Path


def write_or_check(action: str, text: str, golden: Path, current: Path) -> int:
    """``write``: ``text`` becomes the golden. ``check``: ``text`` is written beside it and
    compared byte for byte, the first differing line named. Returns the exit code."""
    if action == "write":
        golden.write_text(text, encoding="utf-8")
        print(f"golden: {golden}")
        return 0
    current.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if expected == text:
        print("identical")
        return 0
    for i, (a, b) in enumerate(zip(expected.splitlines(), text.splitlines(), strict=False)):
        if a != b:
            print(f"first difference at line {i + 1}:\n- {a}\n+ {b}")
            break
    else:
        print("one dump is a prefix of the other")
    return 1
