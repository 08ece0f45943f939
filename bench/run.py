"""Run every benchmark: ``python bench/run.py [--quick] [--only engine,import,...]``.

Prints one line per measurement (time, peak memory, ratio against a baseline measured in the
same run) and writes ``bench/results.md``: the table of this run, followed by the
before/after notes kept in ``bench/before_after.md``. ``--quick`` uses small sizes (a smoke
run: the ratios then mean little).

How it grows: each benchmark runs again at a tenth of its scale (every size argument of its
``run`` divided by ten: ``n``, ``n_units``, ``n_rows`` …), and each line of the table says
how much longer ten times the data took (``增长``: 规模×10 → 用时×N). About 10 is linear;
much more shows a path that grows faster than the data (quadratic: about 100); about 1, a
time that does not depend on the data (a first screen). ``--no-growth`` skips the tenth.
"""

from __future__ import annotations

import argparse
import inspect
import platform
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # ``python bench/run.py`` from the repository root
    sys.path.insert(0, str(HERE.parent))

from bench.common import Result  # noqa: E402

BENCHMARKS = ("engine", "import", "register", "pages", "sheets", "letters", "backup", "startup")
QUICK = {
    "engine": {"n_units": 2_000, "n_recs": 6_000, "n_facts": 6_000},
    "import": {"n_rows": 5_000, "n_units": 2_000},
    "register": {"n": 10_000},
    "pages": {"n_units": 2_000, "n_recs": 6_000, "n_facts": 6_000},
    "sheets": {"n": 2_000},
    "letters": {"n": 50},
    "backup": {"n_units": 2_000, "n_recs": 6_000, "n_facts": 6_000},
    "startup": {"repeat": 2},
}
GROWTH = 10  # the scale of a benchmark over its smaller run
GROWTH_TITLE = "增长（规模×10 → 用时×N）"


def _module(name: str):  # noqa: ANN202 - a benchmark module
    return __import__(f"bench.bench_{name}", fromlist=["run"])


def sizes(name: str, quick: bool) -> dict[str, int]:
    """The size arguments of a benchmark's run (``n``, ``n_*``), as they are for this run."""
    chosen = QUICK[name] if quick else {}
    found = {}
    for arg, p in inspect.signature(_module(name).run).parameters.items():
        value = chosen.get(arg, p.default)
        if (arg == "n" or arg.startswith("n_")) and isinstance(value, int) and not isinstance(value, bool):
            found[arg] = value
    return found


def run_one(name: str, quick: bool, scale: int = 1) -> list[Result]:
    """The benchmark at its size (``--quick``: its quick size), or at 1/``scale`` of it."""
    args = dict(QUICK[name]) if quick else {}
    if scale != 1:
        args.update({arg: max(value // scale, 1) for arg, value in sizes(name, quick).items()})
    return _module(name).run(**args)


def growth(full: Result, tenth: Result | None) -> str:
    """规模×10 → 用时×N for a line measured at both scales ("—" where there is no smaller run)."""
    if tenth is None or tenth.seconds <= 0:
        return "—"
    return f"×{full.seconds / tenth.seconds:.1f}（{tenth.seconds:.3f} {tenth.unit}）"


def table(results: list[tuple[str, Result]], tenths: dict[int, Result] | None = None) -> str:
    tenths = tenths or {}
    lines = [
        f"| 基准 | 项目 | 用时 (s) | 基线 (s) | 比值 | 目标 | {GROWTH_TITLE} | 峰值内存 (MB) | 结论 |",
        "|---|---|---:|---:|---:|---|---:|---:|---|",
    ]
    for k, (bench, r) in enumerate(results):
        mem = f"{r.peak_mb:.0f}" if r.peak_mb else ""
        verdict = r.verdict if r.ok else f"**{r.verdict}**"
        lines.append(
            f"| {bench} | {r.name} {r.note} | {r.seconds:.3f} | {r.baseline_seconds:.3f} | "
            f"{r.ratio:.2f} | {r.target} | {growth(r, tenths.get(k))} | {mem} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="运行全部基准测试并写出 bench/results.md")
    p.add_argument("--quick", action="store_true", help="小规模数据，冒烟运行")
    p.add_argument("--only", default="", help="只运行这些（逗号分隔）：" + ",".join(BENCHMARKS))
    p.add_argument("--out", default=str(HERE / "results.md"), help="结果文件")
    p.add_argument("--no-growth", action="store_true", help="不在十分之一规模上再运行（不给出增长倍数）")
    args = p.parse_args(argv)
    chosen = [b for b in args.only.split(",") if b] or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        p.error(f"未知基准：{'、'.join(sorted(unknown))}")
    results: list[tuple[str, Result]] = []
    tenths: dict[int, Result] = {}  # position in results: the same line at a tenth of the scale
    failed: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        try:
            got = run_one(name, args.quick)
        except Exception:  # report it, go on with the others
            failed.append(name)
            print(f"[{name}] 运行失败：\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            continue
        first = len(results)
        for r in got:
            results.append((name, r))
            print(f"[{name}] {r.line()}", flush=True)
        if args.no_growth or not sizes(name, args.quick):
            continue
        try:
            small = run_one(name, args.quick, GROWTH)
        except Exception:  # the lines at full scale stand; the growth column says "—"
            print(f"[{name}] 十分之一规模运行失败：\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            continue
        if len(small) != len(got):  # not the same lines: no growth to state
            continue
        for k, (r, t) in enumerate(zip(got, small, strict=True)):
            tenths[first + k] = t
            print(
                f"[{name}] 规模÷{GROWTH}：{t.name} {t.seconds:.3f} {t.unit}，增长 {growth(r, t)}", flush=True
            )
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    head = [
        "# 基准测试结果",
        "",
        f"运行于 {stamp}，{platform.node()}（{platform.machine()}，Python {platform.python_version()}），"
        f"{'快速冒烟运行（小规模数据，比值仅供参考）' if args.quick else '完整规模'}，"
        f"共用时 {time.perf_counter() - started:.0f} s。由 `python bench/run.py` 生成。",
        "",
        "比值 = 用时 ÷ 同一次运行中测得的基线用时（机器由多人共用，绝对时间会漂移）。"
        "单位页、认定记录页与应享资金页的首屏与按键为绝对目标（基线列即目标时间）。"
        f"{GROWTH_TITLE}：同一项在十分之一规模上再测一次，列出十倍数据的用时倍数（括号内为十分之一规模的用时）；"
        "约 10 为线性，约 100 为平方增长，约 1 为与数据量无关（如首屏）；启动没有规模参数，不测。"
        "峰值内存 = 测量期间进程常驻内存（RSS）的峰值：导入、单位页与认定记录页、应享资金页、启动各在自己的子进程中测量，"
        "其余在基准进程中测量（含此前已载入的内容）。",
        "",
        table(results, tenths),
    ]
    if failed:
        head += ["", f"运行失败：{'、'.join(failed)}（见终端输出）"]
    notes = HERE / "before_after.md"
    if notes.exists():
        head += ["", notes.read_text(encoding="utf-8").strip()]
    Path(args.out).write_text("\n".join(head) + "\n", encoding="utf-8")
    print(f"结果已写入 {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
