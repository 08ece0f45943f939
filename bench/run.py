"""Run every benchmark: ``python bench/run.py [--quick] [--only engine,import,...]``.

Prints one line per measurement (time, peak memory, ratio against a baseline measured in the
same run) and writes ``bench/results.md``: the table of this run, followed by the
before/after notes kept in ``bench/before_after.md``. ``--quick`` uses small sizes (a smoke
run: the ratios then mean little).
"""

from __future__ import annotations

import argparse
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

BENCHMARKS = ("engine", "import", "register", "sheets", "letters", "startup")
QUICK = {
    "engine": {"n_units": 2_000, "n_recs": 6_000, "n_facts": 6_000},
    "import": {"n_rows": 5_000, "n_units": 2_000},
    "register": {"n": 10_000},
    "sheets": {"n": 2_000},
    "letters": {"n": 50},
    "startup": {"repeat": 2},
}


def run_one(name: str, quick: bool) -> list[Result]:
    module = __import__(f"bench.bench_{name}", fromlist=["run"])
    return module.run(**QUICK[name]) if quick else module.run()


def table(results: list[tuple[str, Result]]) -> str:
    lines = [
        "| 基准 | 项目 | 用时 (s) | 基线 (s) | 比值 | 目标 | 峰值内存 (MB) | 结论 |",
        "|---|---|---:|---:|---:|---|---:|---|",
    ]
    for bench, r in results:
        mem = f"{r.peak_mb:.0f}" if r.peak_mb else ""
        verdict = r.verdict if r.ok else f"**{r.verdict}**"
        lines.append(
            f"| {bench} | {r.name} {r.note} | {r.seconds:.3f} | {r.baseline_seconds:.3f} | "
            f"{r.ratio:.2f} | {r.target} | {mem} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="运行全部基准测试并写出 bench/results.md")
    p.add_argument("--quick", action="store_true", help="小规模数据，冒烟运行")
    p.add_argument("--only", default="", help="只运行这些（逗号分隔）：" + ",".join(BENCHMARKS))
    p.add_argument("--out", default=str(HERE / "results.md"), help="结果文件")
    args = p.parse_args(argv)
    chosen = [b for b in args.only.split(",") if b] or list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        p.error(f"未知基准：{'、'.join(sorted(unknown))}")
    results: list[tuple[str, Result]] = []
    failed: list[str] = []
    started = time.perf_counter()
    for name in chosen:
        try:
            for r in run_one(name, args.quick):
                results.append((name, r))
                print(f"[{name}] {r.line()}", flush=True)
        except Exception:  # report it, go on with the others
            failed.append(name)
            print(f"[{name}] 运行失败：\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    head = [
        "# 基准测试结果",
        "",
        f"运行于 {stamp}，{platform.node()}（{platform.machine()}，Python {platform.python_version()}），"
        f"{'快速冒烟运行（小规模数据，比值仅供参考）' if args.quick else '完整规模'}，"
        f"共用时 {time.perf_counter() - started:.0f} s。由 `python bench/run.py` 生成。",
        "",
        "比值 = 用时 ÷ 同一次运行中测得的基线用时（机器由多人共用，绝对时间会漂移）。"
        "单位页两项为绝对目标（基线列即目标时间）。"
        "峰值内存 = 测量期间进程常驻内存（RSS）的峰值：导入、单位页与认定记录页、启动各在自己的子进程中测量，"
        "其余在基准进程中测量（含此前已载入的内容）。",
        "",
        table(results),
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
