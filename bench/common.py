"""Shared helpers for the benchmarks: timing, peak memory, generated data with a fixed seed."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows
    resource = None

from stdnum.cn import uscc

SEED = 20261123
DISTRICTS = (
    "昆都仑区",
    "青山区",
    "东河区",
    "九原区",
    "石拐区",
    "白云鄂博矿区",
    "土默特右旗",
    "固阳县",
    "达尔罕茂明安联合旗",
    "稀土高新区",
)


@dataclass
class Measure:
    seconds: float
    peak_mb: float  # the process's peak resident memory while it ran (0 where it cannot be read)
    result: Any = None


def reset_peak_rss() -> bool:
    """Start this process's peak resident memory afresh (Linux: ``/proc/self/clear_refs``), from
    what it holds now: garbage collected and freed memory given back to the system first, so
    what earlier work left in the allocator's free lists is not counted."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """This process's peak resident memory. ``VmHWM`` belongs to the process image (it starts
    afresh at exec and at ``reset_peak_rss``); ``ru_maxrss`` would also count a parent's memory
    at fork, and is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    if resource is None:
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fn: Callable[[], Any], *, repeat: int = 1) -> Measure:
    """Best wall time of ``repeat`` runs, and the highest peak resident memory among them."""
    best = float("inf")
    peak = 0.0
    result = None
    for _ in range(repeat):
        resettable = reset_peak_rss()
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        if resettable:
            peak = max(peak, peak_rss_mb())
    return Measure(best, peak, result)


def sqlite_rows(path: Path, *queries: str) -> int:
    """A baseline: sqlite3 reading the rows of ``queries`` into Python tuples; how many."""
    con = sqlite3.connect(path)
    try:
        return sum(len(con.execute(q).fetchall()) for q in queries)
    finally:
        con.close()


def credit_code(rng: random.Random, i: int) -> str:
    body = f"9115{rng.randint(0, 99):02d}00MA{i:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def unit_rows(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "name": f"包头市测试科技有限公司{i:06d}",
            "credit_code": credit_code(rng, i),
            "district": rng.choice(DISTRICTS),
            "kind": "企业",
            "size_class": rng.choice(("小微企业", "其他企业")),
        }
        for i in range(n)
    ]


@dataclass
class Result:
    name: str
    target: str
    seconds: float
    baseline_seconds: float
    ratio: float
    limit: float | None  # None: a reference line, measured and shown but with no target
    peak_mb: float = 0.0
    note: str = ""
    unit: str = "s"  # what ``seconds`` and ``baseline_seconds`` hold (the file-size line: MB)

    @property
    def ok(self) -> bool:
        return self.limit is None or self.ratio <= self.limit

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "参考"
        return "达标" if self.ok else "未达标"

    def line(self) -> str:
        mem = f"，峰值内存 {self.peak_mb:.0f} MB" if self.peak_mb else ""
        target = "无目标" if self.limit is None else f"目标 ≤ {self.limit:g}"
        return (
            f"{self.name}: {self.seconds:.3f} {self.unit}，基线 {self.baseline_seconds:.3f} {self.unit}，"
            f"比值 {self.ratio:.2f}（{target}）{mem} — {self.verdict} {self.note}"
        )


def reference(
    name: str, seconds: float, baseline_seconds: float, note: str = "", peak_mb: float = 0.0
) -> Result:
    """A line measured for the record (how a page's reading grows with the data), with no target."""
    return Result(name, "—", seconds, baseline_seconds, seconds / baseline_seconds, None, peak_mb, note)
