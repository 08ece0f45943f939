"""A safety net for work on the import: every preview and commit result as canonical text.

``python -m tests.golden.import_golden OUT.txt`` runs a fixed set of rosters — the rosters of
``tests/services/test_imports*.py``, ``tests/io`` and ``tests/cli``, the committed fixtures,
generated rosters full of repeated good and bad cells of every type (xlsx and csv, every kind)
and the benchmark roster at 20,000 rows — each through ``preview`` and, when it has no
errors, ``commit``, on fresh SQLite databases with a fixed “today”. It writes what the
officer could see or the database keeps: every parsed value, plan item, error (row, column,
value, reason), warning, count, the writes the plan would make, and after a commit the
stored rows (raw SQLite values; timestamps, file hashes and recompute summaries left out).

Run it before a change and after; ``python -m tests.golden.import_golden OUT.txt --check GOLDEN.txt``
says whether the two are byte-identical and shows the first lines that differ.
``--no-bench`` leaves out the 20,000-row roster (a quick run).

The entitlement recompute a commit ends with belongs to the engine and is skipped here: the
subjects handed to it are written down instead.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import unit_rows  # noqa: E402

TODAY = date(2026, 11, 23)
FIXTURES = ROOT / "tests" / "fixtures"
DB_TABLES = ("units", "platforms", "people", "recognitions", "facts", "imports")
# conditions / to_verify (issue 21: D14 recorded conditions, D6 须核实 mark) are empty for every
# roster here; their import is held by tests/services/register/test_recorded_conditions.py.
SKIP_COLUMNS = {"created_at", "updated_at", "at", "sha256", "conditions", "to_verify"}
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
_SHA = re.compile(r'"sha256": "[0-9a-f]{64}"')


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_show(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    return repr(value)


class Run:
    """One database, a sequence of roster steps, and the lines they produce."""

    def __init__(
        self, out: list[str], tmp: Path, name: str, city: str = "baotou", db: Path | None = None
    ) -> None:
        from kjdesk.services.core.app import App
        from kjdesk.services.core.settings import initialize

        self.out, self.tmp, self.name = out, tmp / name, name
        self.tmp.mkdir(exist_ok=True)
        self.db = db or self.tmp / "golden.sqlite"
        self.app = App.open(self.db, actor="测试员")
        if db is None:
            initialize(self.app, city)
        out.append(f"=== {name} ({city})")

    def close(self) -> None:
        self.app.close()

    def file(self, name: str) -> Path:
        return self.tmp / name

    def xlsx(
        self, name: str, rows: list[list[object]], title: str | None = None, sheet: str = "Sheet1"
    ) -> Path:
        from tests.rosters import xlsx

        return xlsx(self.file(name), rows, title, sheet)

    def csv(self, name: str, rows: list[list[object]], encoding: str = "utf-8") -> Path:
        path = self.file(name)
        with path.open("w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows(rows)
        return path

    def step(self, label: str, path: Path, commit: bool = True, **kw: Any) -> Any:
        from kjdesk.services.core.app import ServiceError
        from kjdesk.services.imports import commit as do_commit
        from kjdesk.services.imports import preview

        out = self.out
        out.append(f"--- {label}: {path.name} {_show(kw)}")
        try:
            plan = preview(self.app, path, today=TODAY, **kw)
        except ServiceError as exc:
            out.append(f"ServiceError: {exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - a crash is a result too, kept as it is
            out.append(f"raised {type(exc).__name__}: {exc}")
            return None
        dump_plan(plan, out)
        if commit and plan.ok and plan._ops is not None:
            recorded.clear()
            try:
                result = do_commit(self.app, plan)
            except ServiceError as exc:
                out.append(f"commit ServiceError: {exc}")
                return plan
            out.append(
                f"result: {result.kind} {result.file_name} +{result.added} ~{result.updated} ={result.unchanged}"
                f" new_units={result.new_units} new_platforms={result.new_platforms} changes={result.changes}"
            )
            out.append(f"summary: {result.summary()}")
            out.append(f"recompute subjects: {_show(sorted(recorded))}")
            dump_db(self.db, out)
        return plan


def dump_plan(plan: Any, out: list[str]) -> None:
    out.append(
        f"plan: kind={plan.kind} label={plan.kind_label} sheet={plan.sheet} sheets={plan.sheets}"
        f" header_row={plan.header_row} rows={plan.rows} ok={plan.ok}"
    )
    out.append(f"headers: {_show(plan.headers)}")
    out.append(f"mapping: {_show(plan.mapping)}")
    out.append(f"fields: {_show(plan.fields)}")
    out.append(
        f"counts: +{plan.added} ~{plan.updated} ={plan.unchanged}"
        f" new_units={plan.new_units} new_platforms={plan.new_platforms}"
    )
    out.append(f"summary: {plan.summary()}")
    for w in plan.warnings():
        out.append(f"warning: {_TIME.sub('<time>', w)}")
    for e in plan.errors:
        out.append(f"error: {e.row} {e.col} {e.column!r} {e.value!r} {e.reason!r} | {e.line()}")
    for p in plan._parsed:
        out.append(f"parsed: {p.row} {_show(dict(sorted(p.values.items())))}")
    for i in plan.items:
        out.append(f"item: {i.row} {i.action} {i.entity} {i.label!r} {i.detail!r}")
    ops = plan._ops
    if ops is not None:
        for name in (
            "unit_inserts",
            "unit_updates",
            "platform_inserts",
            "platform_updates",
            "person_inserts",
            "person_updates",
            "recognition_inserts",
            "recognition_updates",
            "fact_inserts",
            "fact_updates",
        ):
            value = getattr(ops, name)
            entries = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in entries:
                out.append(f"op {name}: {_show(k)} -> {_show(v)}")
        out.append(f"op touched: {_show(sorted(ops.touched, key=repr))}")


def dump_db(db: Path, out: list[str]) -> None:
    conn = sqlite3.connect(db)
    try:
        for table in DB_TABLES:
            cur = conn.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - fixed names
            names = [d[0] for d in cur.description]
            keep = [i for i, n in enumerate(names) if n not in SKIP_COLUMNS]
            out.append(f"table {table}: {[names[i] for i in keep]}")
            for row in cur:
                out.append(f"  {table}: {_show(tuple(row[i] for i in keep))}")
            types = conn.execute(
                f"SELECT {', '.join(f'typeof({names[i]})' for i in keep)} FROM {table} ORDER BY id"  # noqa: S608
            )
            seen = sorted({tuple(r) for r in types})
            out.append(f"  {table} storage classes: {seen}")
        for row in conn.execute(
            "SELECT action, entity, entity_id, actor, before, after FROM audit_events "
            "WHERE entity = 'imports' ORDER BY id"
        ):
            out.append(f"  audit: {_show(tuple(_SHA.sub('<sha>', str(v)) for v in row))}")
    finally:
        conn.close()


recorded: list[tuple[str, int]] = []


def _record_recompute(session, actor, city, subjects, progress) -> str:  # noqa: ANN001
    recorded.extend((s.kind.value, s.id) for s in subjects)
    return ""


# --- the rosters of the tests -------------------------------------------------------------


def tests_units(out: list[str], tmp: Path) -> None:
    from tests.rosters import CODE_A, CODE_C, units_rows

    r = Run(out, tmp, "tests-units")
    path = r.xlsx("名录.xlsx", units_rows(), title="2023年科技型企业名录")
    r.step("units", path)
    r.step("units again", path)
    renamed = units_rows()
    renamed[1][1] = "包头市甲稀土集团有限公司"
    renamed[2][3] = "青山区"
    r.step("renamed", r.xlsx("b.xlsx", renamed))
    rows = units_rows()
    rows[0].append("联系电话")
    rows[1].append("0472-1234567")
    rows[2].append("")
    r.step("phones", r.xlsx("c.xlsx", rows))
    rows[1][4] = ""
    r.step("blank phone", r.xlsx("d.xlsx", rows))
    rows = [
        ["企业名称", "统一社会信用代码", "联系电话"],
        ["包头市甲稀土有限公司", CODE_A, "0472-5550001"],
        ["包头市丙科技有限公司", CODE_C, "0472-5550002"],
    ]
    r.step("no district", r.xlsx("phones.xlsx", rows))
    del rows[2]
    r.step("no district fixed", r.xlsx("phones2.xlsx", rows))
    bad = units_rows()
    bad[2][3] = "火星区"
    bad.append([3, "", CODE_C, "九原区"])
    r.step("error workbook", r.xlsx("u.xlsx", bad, title="名录"), commit=False)
    r.step("error csv", r.csv("u.csv", units_rows()[:1] + bad[2:]), commit=False)
    cli = units_rows()
    cli[1][3] = "火星区"
    cli.append([3, "包头市丙公司", CODE_C[:-1] + "0", "九原区"])
    r.step("cli errors", r.xlsx("bad.xlsx", cli), commit=False)
    odd = [["公司", "代码", "区域"], ["包头市甲稀土有限公司", CODE_A, "东河区"]]
    path = r.xlsx("odd.xlsx", odd)
    r.step("odd", path, kind="units")
    r.step("odd header", path, kind="units", header_row=1)
    r.step("odd dup mapping", path, kind="units", header_row=1, mapping={"name": 0, "credit_code": 0})
    r.step(
        "odd mapped", path, kind="units", header_row=1, mapping={"name": 0, "credit_code": 1, "district": 2}
    )
    r.step("sheet", r.xlsx("s.xlsx", units_rows(), sheet="名单"), sheet="汇总")
    r.close()


def tests_recognitions(out: list[str], tmp: Path) -> None:
    from tests.rosters import CODE_A, CODE_B, CODE_C, units_rows

    r = Run(out, tmp, "tests-recognitions")
    r.step("units", r.xlsx("u.xlsx", units_rows()))
    bad_digit = CODE_C[:-1] + ("0" if CODE_C[-1] != "0" else "1")
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期", "旗县区"],
        ["包头市甲稀土有限公司", CODE_A, "高薪技术企业", "2022-12-01", ""],
        ["包头市丙公司", bad_digit, "高新技术企业", "2022-12-01", "昆都仑区"],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "1999-12-31", ""],
        ["包头市乙机械有限公司", CODE_B, "高新技术企业", "2099-01-01", ""],
        ["包头市乙机械有限公司（改名）", CODE_B, "科技型中小企业", "2023-05-01", ""],
        ["包头市丁公司", CODE_C, "高新技术企业", "2022-12-01", "火星区"],
    ]
    r.step("dry run errors", r.xlsx("r.xlsx", rows))
    rows = [
        ["企业名称", "社会信用代码", "认定类型", "认定时间", "发文文号"],
        ["包头市甲稀土有限公司", CODE_A, "国家高新技术企业", date(2022, 12, 1), "国科火字〔2023〕25号"],
    ]
    r.step("one title column", r.xlsx("r1.xlsx", rows))
    rows = [
        ["依托单位", "统一社会信用代码", "平台名称", "类型", "级别", "获批日期"],
        ["包头市甲稀土有限公司", CODE_A, "稀土功能材料重点实验室", "重点实验室", "自治区级", "2023/3/15"],
        ["包头市乙机械有限公司", CODE_B, "", "企业技术中心", "国家", "2023.6.1"],
    ]
    path = r.xlsx("p.xlsx", rows)
    r.step("platforms from recognitions", path)
    r.step("platforms again", path)
    rows = [
        ["企业名称", "统一社会信用代码", "所属旗县区", "认定类型", "认定日期"],
        ["包头市丙科技有限公司", CODE_C, "九原区", "科技型中小企业", "2023-04-01"],
        ["包头市甲稀土有限公司", CODE_A, "", "科技型中小企业", "2023-04-01"],
    ]
    r.step("new units error", r.xlsx("n.xlsx", rows))
    del rows[2]
    r.step("new units", r.xlsx("n2.xlsx", rows))
    rows = [["企业名称", "统一社会信用代码", "认定类型", "认定日期"]]
    rows += [["包头市甲稀土有限公司", CODE_A, "科技型中小企业", f"{y}-05-01"] for y in (2021, 2022, 2023)]
    r.step("three years", r.xlsx("y.xlsx", rows))
    rows = [
        ["企业名称", "统一社会信用代码", "认定类型", "认定日期"],
        ["包头市甲稀土有限公司", CODE_A, "高企", "2022-12-01"],
    ]
    r.step("revocation base", r.xlsx("rv.xlsx", rows))
    rows[0] += ["状态", "状态日期"]
    rows[1] += ["撤销", ""]
    r.step("revocation no date", r.xlsx("rv2.xlsx", rows))
    rows[1][5] = "2024-03-01"
    r.step("revocation", r.xlsx("rv3.xlsx", rows))
    rows = [["企业名称", "统一社会信用代码", "认定类型", "级别", "认定日期"]]
    rows += [["包头市甲稀土有限公司", CODE_A, "#N/A", "", "2022-12-01"]]
    r.step("formula error in the title", r.xlsx("na.xlsx", rows))
    rows[1][2:4] = ["瞪羚企业", "#N/A"]
    r.step("formula error in the level", r.xlsx("na2.xlsx", rows))
    r.close()


def tests_kinds(out: list[str], tmp: Path) -> None:
    from tests.rosters import CODE_A, CODE_B, CODE_C, ID_A, units_rows

    r = Run(out, tmp, "tests-kinds")
    r.step("units", r.xlsx("units.xlsx", units_rows()))
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位", "事项编号"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "加计扣除研发费用", "356.78", "万元", ""],
        ["包头市甲稀土有限公司", CODE_A, "2023年", "企业规模", "小型", "", ""],
        [
            "包头市乙机械有限公司",
            CODE_B,
            2023,
            "技术合同登记成交额",
            "１，２３４，５６７．８９",
            "元",
            "HT-001",
        ],
        ["包头市乙机械有限公司", CODE_B, 2023, "高新区年度位次", 12, "", ""],
    ]
    path = r.xlsx("facts.xlsx", rows)
    r.step("facts", path)
    r.step("facts again", path)
    rows[1][4] = "400"
    r.step("facts changed", r.xlsx("facts2.xlsx", rows))
    rows = [
        ["单位名称", "统一社会信用代码", "年度", "指标", "金额（万元）"],
        ["包头市甲稀土有限公司", CODE_A, 2022, "加计扣除研发费用", 12.5],
    ]
    r.step("facts header unit", r.xlsx("f.xlsx", rows))
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"],
        ["包头市丙公司", CODE_C, 2023, "加计扣除研发费用", 10, "万元"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "加计扣除研发费用", 10, ""],
        ["包头市甲稀土有限公司", CODE_A, 2023, "研发经费", 10, "万元"],
        ["包头市乙机械有限公司", CODE_B, 2023, "技术交易额", 10, "万元"],
        ["包头市乙机械有限公司", CODE_B, 2023, "技术交易额", 11, "万元"],
    ]
    r.step("fact errors", r.xlsx("bad.xlsx", rows))
    rows = [["姓名", "身份证号码", "工作单位统一社会信用代码", "身份"], ["张三", ID_A, CODE_A, "技术经纪人"]]
    r.step("people", r.xlsx("p.xlsx", rows))
    rows[1][0] = "张叁"
    r.step("people renamed", r.xlsx("p2.xlsx", rows))
    rec = [["姓名", "身份证号", "认定类型", "认定日期"], ["张叁", ID_A, "优秀农业科技特派员", "2023-09-10"]]
    r.step("person recognition", r.xlsx("r.xlsx", rec))
    rows = [
        ["平台名称", "平台类型", "级别", "依托单位统一社会信用代码"],
        ["稀土冶金中试基地", "中试公共服务平台", "市级", CODE_A],
        ["乙机械院士工作站", "院士工作站", "", CODE_B],
        ["丙公司院士工作站", "院士工作站", "市级", CODE_C],
    ]
    r.step("platforms errors", r.xlsx("pl.xlsx", rows))
    del rows[2:]
    r.step("platforms", r.xlsx("pl2.xlsx", rows))
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值（万元）"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "项目总投资", "12000"],
    ]
    r.step("gbk csv", r.csv("f.csv", rows, "gbk"))
    rows = [
        [
            "企业名称",
            "统一社会信用代码",
            "年度",
            "加计扣除研发费用（万元）",
            "企业规模",
            "2022年技术合同登记成交额（元）",
        ],
        ["包头市甲稀土有限公司", CODE_A, 2023, 120.5, "小微企业", "1,000,000"],
        ["包头市乙机械有限公司", CODE_B, 2023, "", "中型", "abc"],
    ]
    r.step("wide errors", r.xlsx("wide.xlsx", rows, title="2023年度研发投入统计表"))
    rows[2][5] = 2000000
    r.step("wide", r.xlsx("wide2.xlsx", rows))
    rows = [
        ["主体名称", "统一社会信用代码", "年度", "指标", "数值", "单位"],
        ["包头市甲稀土有限公司", CODE_A, 2023, "#N/A", 10, "万元"],
    ]
    r.step("formula error in the indicator", r.xlsx("na.xlsx", rows))
    r.close()


def tests_files(out: list[str], tmp: Path) -> None:
    import openpyxl

    from kjdesk.services.imports.roster_files import write_roster_template
    from tests.rosters import CODE_A, CODE_C

    r = Run(out, tmp, "tests-files")
    r.step("formulas", FIXTURES / "formulas_na.xlsx")
    r.step("xls", FIXTURES / "units_wps.xls")
    r.step("ods", FIXTURES / "hte_2022.ods")
    r.step("password", FIXTURES / "password_1234.xlsx")
    empty = r.file("empty.xlsx")
    empty.write_bytes(b"")
    r.step("empty", empty)
    r.step("no header", r.xlsx("nohead.xlsx", [["这是一份说明"], ["没有表头"]]))
    corrupt = r.file("corrupt.xlsx")
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    r.step("corrupt", corrupt)
    path = write_roster_template(r.app, "recognitions", r.file("认定模板.xlsx"))
    r.step("template example only", path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    col = {c.value: i + 1 for i, c in enumerate(ws[1])}
    ws.cell(row=3, column=col["单位名称"], value="包头市丙科技有限公司")
    ws.cell(row=3, column=col["统一社会信用代码"], value=CODE_C)
    ws.cell(row=3, column=col["认定类型"], value="高新技术企业")
    ws.cell(row=3, column=col["认定日期"], value=date(2023, 11, 20))
    ws.cell(row=3, column=col["旗县区"], value="九原区")
    wb.save(path)
    r.step("template filled", path)
    units = write_roster_template(r.app, "units", r.file("单位模板.xlsx"))
    wb = openpyxl.load_workbook(units)
    wb.active.append(["包头市甲稀土有限公司", CODE_A, "东河区", "企业"])
    wb.save(units)
    r.step("units template", units)
    rows = [
        ["企业名称", "统一社会信用代码", "认定情况", ""],
        ["", "", "认定日期", "认定文号"],
        ["包头市甲稀土有限公司", CODE_A, "2022-12-01", "国科火字〔2023〕1号"],
    ]
    r.step("two-row header", r.xlsx("two.xlsx", rows), kind="recognitions")
    r.close()
    w = Run(out, tmp, "tests-wuhai", city="wuhai")
    from tests.conftest import make_credit_code

    rows = [
        ["企业名称", "统一社会信用代码", "旗县区"],
        ["乌海某化工有限公司", CODE_A, "乌达区"],
        ["乙", make_credit_code("91150300MA0N00009"), "昆都仑区"],
    ]
    w.step("wuhai", w.xlsx("u.xlsx", rows))
    w.close()


def tests_big_units(out: list[str], tmp: Path) -> None:
    from tests.conftest import make_credit_code

    r = Run(out, tmp, "tests-big-units")
    rows: list[list[object]] = [["企业名称", "统一社会信用代码", "所属旗县区"]]
    for i in range(3000):
        rows.append([f"包头市测试{i}有限公司", make_credit_code(f"91150200MA{i:07d}"), "青山区"])
    rows[-1][2] = "火星区"
    r.step("big with one bad row", r.csv("big.csv", rows))
    rows.pop()
    r.step("big", r.csv("big2.csv", rows))
    r.close()


# --- generated rosters: every cell type, good and bad values repeated --------------------


DISTRICTS = ("昆都仑区", "青山区", "东河区", "九原区", "稀土高新区", "达茂旗", "固阳县")


def _pick(rng: random.Random, good: list[Any], bad: list[Any], p_bad: float) -> Any:
    return rng.choice(bad) if bad and rng.random() < p_bad else rng.choice(good)


def _code_forms(code: str) -> list[Any]:
    full = code.translate({i: i + 0xFEE0 for i in range(0x21, 0x7F)})
    return [code, code, code, code.lower(), f" {code[:6]} {code[6:]} ", full, code + "\n"]


def _units_roster(rng: random.Random, units: list[dict], p_bad: float) -> list[list[object]]:
    head = [
        "单位名称",
        "统一社会信用代码",
        "旗县区",
        "单位类型",
        "企业规模",
        "所属行业",
        "地址",
        "联系人",
        "联系电话",
        "落户日期",
        "备注",
    ]
    rows: list[list[object]] = [head]
    for u in units:
        rows.append(
            [
                _pick(rng, [u["name"], f" {u['name']} "], ["", "#N/A", "x" * 250], p_bad),
                _pick(
                    rng,
                    _code_forms(u["credit_code"]),
                    [u["credit_code"][:-1] + "0", 9.1150200e17, "#REF!", 123],
                    p_bad,
                ),
                _pick(rng, list(DISTRICTS), ["火星区", "#N/A", 12], p_bad),
                _pick(rng, ["企业", "高校院所", ""], ["公司", True], p_bad),
                _pick(rng, ["小微企业", "其他企业", "小型", "中型", ""], ["巨型"], p_bad),
                _pick(rng, ["稀土", "装备  制造", "", 2023], [], p_bad),
                _pick(rng, ["包头市昆区钢铁大街1号", "", "a\u3000b"], [], p_bad),
                _pick(rng, ["张三", "", "李 四"], [], p_bad),
                _pick(rng, ["0472-1234567", "13912345678", "", 13912345678], ["12ab", "0472-12"], p_bad),
                _pick(
                    rng,
                    [
                        date(2020, 3, 1),
                        "2020年3月1日",
                        20210801,
                        44896.0,
                        "",
                        datetime(2019, 5, 6),
                        "2019.5.6",
                    ],
                    ["2020-02-30", "明年", True, "#DIV/0!"],
                    p_bad,
                ),
                _pick(rng, ["", "备注", "多行\n备注", "  两  个  "], [], p_bad),
            ]
        )
    return rows


def _people_roster(
    rng: random.Random, people: list[tuple[str, str]], units: list[dict], p_bad: float
) -> list[list[object]]:
    rows: list[list[object]] = [
        ["姓名", "身份证号", "工作单位统一社会信用代码", "工作单位", "身份", "联系电话", "备注"]
    ]
    for name, idno in people:
        u = rng.choice(units)
        with_code = rng.random() < 0.6
        rows.append(
            [
                _pick(rng, [name], ["", "#N/A"], p_bad),
                _pick(
                    rng,
                    [idno, idno.lower(), f" {idno} "],
                    [idno[:-1] + ("0" if idno[-1] != "0" else "1"), 1.5e17],
                    p_bad,
                ),
                _pick(rng, [u["credit_code"] if with_code else ""], ["91150200MA0N0ZZZ99"], p_bad),
                _pick(rng, ["" if with_code else u["name"]], ["不存在的单位"], p_bad),
                _pick(rng, ["技术经纪人", "人才", "科技特派员", ""], ["教授"], p_bad),
                _pick(rng, ["", "13912345678"], ["abc"], p_bad),
                "",
            ]
        )
    return rows


UNIT_TITLES = [
    ("国家高新技术企业", ""),
    ("高企", ""),
    ("高新技术企业", "国家级"),
    ("科技型中小企业", ""),
    ("瞪羚企业", "市级"),
    ("瞪羚企业", "自治区"),
    ("高新技术企业培育库", ""),
    ("科技“小巨人”企业", "市级"),
    ("新型研发机构", "自治区级"),
]
PLATFORM_TITLES = [
    ("重点实验室", "自治区级"),
    ("企业技术中心", "国家"),
    ("院士工作站", "市级"),
    ("科技企业孵化器", "国家级"),
]
BAD_TITLES = [("高薪技术企业", ""), ("院士工作站", ""), ("瞪羚企业", "省级"), ("高新技术企业", "市级")]


def _recognitions_roster(
    rng: random.Random,
    units: list[dict],
    people: list[tuple[str, str]],
    n: int,
    p_bad: float,
    unique: bool,
) -> list[list[object]]:
    head = [
        "单位名称",
        "统一社会信用代码",
        "身份证号",
        "平台名称",
        "认定类型",
        "级别",
        "阶段",
        "认定日期",
        "文号",
        "有效期至",
        "状态",
        "状态日期",
        "旗县区",
        "备注",
    ]
    rows: list[list[object]] = [head]
    seen: set[tuple] = set()
    new_units = [
        (f"包头市新登记科技有限公司{i}", c, rng.choice(DISTRICTS)) for i, c in enumerate(_codes(rng, 40))
    ]
    while len(rows) <= n:
        roll = rng.random()
        name = code = idno = platform = district = ""
        level = stage = ""
        if roll < 0.08 and people:
            name, idno = rng.choice(people)
            title, level = ("优秀农业科技特派员", "") if rng.random() < 0.5 else ("农业科技特派员", "市级")
        elif roll < 0.2:
            u = rng.choice(units)
            name, code = u["name"], u["credit_code"]
            title, level = rng.choice(PLATFORM_TITLES)
            platform = (
                rng.choice(["", f"{u['name'][-6:]}{title}", "稀土材料实验室"]) if rng.random() < 0.7 else ""
            )
        elif roll < 0.26:
            name, code, district = rng.choice(new_units)
            title, level = rng.choice(UNIT_TITLES)
        else:
            u = rng.choice(units)
            name, code = u["name"], u["credit_code"]
            title, level = rng.choice(UNIT_TITLES)
        day = date(rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28))
        if day > TODAY:
            day = day.replace(year=2025)
        key = (code or idno, title, level, platform, day)
        if unique and key in seen:
            continue
        seen.add(key)
        day_cell = rng.choice(
            [
                day,
                day,
                day,
                datetime(day.year, day.month, day.day),
                day.isoformat(),
                f"{day.year}/{day.month}/{day.day}",
                f"{day.year}年{day.month}月{day.day}日",
                int(day.strftime("%Y%m%d")),
                float((day - date(1899, 12, 30)).days),
                f"{day.year}.{day.month}.{day.day}",
                f" {day.isoformat()} 00:00:00 ",
            ]
        )
        status = rng.choice(["", "", "", "有效", "撤销", "过期", " 迁出 "])
        status_date = (
            rng.choice([date(2025, 6, 1), "2025-06-01", 20250601])
            if status.strip() not in ("", "有效")
            else ""
        )
        valid = rng.choice(["", "", "", date(2030, 1, 1), "2031-12-31", day.isoformat()])
        row = [
            _pick(rng, [name, f" {name} ", name], [f"{name}（改名）"], p_bad),
            _pick(
                rng,
                _code_forms(code) if code else [""],
                ["91150200MA0N0ZZZ99", 9.115e17, "#N/A", "ABC", ""] if code else [],
                p_bad,
            ),
            _pick(
                rng,
                [idno, idno.lower()] if idno else [""],
                ["150202198001011239", "#VALUE!", "", 1.5e17] if idno else [],
                p_bad,
            ),
            platform,
            *_pick(rng, [(title, level), (f" {title} ", level)], BAD_TITLES, p_bad),
            stage,
            _pick(
                rng,
                [day_cell],
                ["2099-01-01", "1999-12-31", "2022-13-01", "#N/A", True, "", "昨天", 3000000.0, 12.5],
                p_bad,
            ),
            _pick(
                rng,
                [f"包科发〔{day.year}〕{rng.randint(1, 30)}号", "", 2023, 12.0, "国科  火字\n1号"],
                [],
                p_bad,
            ),
            _pick(rng, [valid], ["2014-01-01", "下月", "#N/A", 20221301], p_bad),
            _pick(rng, [status], ["作废", "#N/A", 1], p_bad),
            _pick(rng, [status_date], ["2099-01-01", "不详"], p_bad),
            _pick(
                rng, [district, district, ""] if p_bad and district else [district], ["火星区", "#N/A"], p_bad
            ),
            _pick(rng, ["", "", "备注", "  a  b  ", "x\ty", 7], [], p_bad),
        ]
        rows.append(row)
    rows.insert(
        1, ["（示例）包头某某公司", "91150200MA0N000000", "", "", "高新技术企业", "", "", "2022-12-01"]
    )
    rows.insert(5, [""] * len(head))
    rows.insert(7, [None, "", "", ""])
    if p_bad:
        rows.insert(9, [None, " ", "", "\u3000"])
    return rows


def _codes(rng: random.Random, n: int) -> list[str]:
    from bench.common import credit_code

    return [credit_code(rng, 9_000_000 + i) for i in range(n)]


def _people(n: int) -> list[tuple[str, str]]:
    from tests.conftest import make_id_number

    return [
        (f"测试人员{i}", make_id_number(f"1502021980{i % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"))
        for i in range(n)
    ]


def _facts_roster(
    rng: random.Random, units: list[dict], people: list[tuple[str, str]], n: int, p_bad: float
) -> list[list[object]]:
    rows: list[list[object]] = [
        ["主体名称", "统一社会信用代码", "身份证号", "年度", "指标", "数值", "单位", "事项编号", "来源"]
    ]
    seen: set[tuple] = set()
    while len(rows) <= n:
        if rng.random() < 0.1:
            name, idno = rng.choice(people)
            code = ""
        else:
            u = rng.choice(units)
            name, code, idno = u["name"], u["credit_code"], ""
        indicator = rng.choice(
            [
                "加计扣除研发费用",
                "研发费用加计扣除",
                "企业规模",
                "技术交易额",
                "高新区年度位次",
                "技术合同登记成交额",
                "奖金额度",
            ]
        )
        year = rng.randint(2019, 2026)
        ref = rng.choice(["", "", f"HT-{rng.randint(1, 50)}"])
        key = (code or idno, year, {"研发费用加计扣除": "加计扣除研发费用"}.get(indicator, indicator), ref)
        if key in seen:
            continue
        seen.add(key)
        if indicator == "企业规模":
            value: object = rng.choice(["小微企业", "小型", "中型", "其他企业"])
            unit = ""
        elif indicator == "高新区年度位次":
            value, unit = rng.choice([3, 12.0, "7"]), ""
        else:
            value = rng.choice([356.78, "1,234.5", "１２３．４", 1000, "12.5万", "￥2,000元", "0.01"])
            unit = rng.choice(["万元", "元", "万", "元人民币", " 万元 "])
        rows.append(
            [
                name,
                _pick(rng, _code_forms(code) if code else [""], ["#N/A"] if code else [], p_bad),
                idno,
                _pick(
                    rng,
                    [year, f"{year}年", f"{year}年度", float(year), str(year)],
                    [1999, "二〇二三", 2030, "#N/A"],
                    p_bad,
                ),
                _pick(rng, [indicator], ["研发经费", "", "研发 费用"], p_bad),
                _pick(rng, [value], ["abc", -5, "", True, 1.5, date(2023, 1, 1)], p_bad),
                _pick(rng, [unit], ["美元", "#N/A"], p_bad),
                ref,
                _pick(rng, ["", "税务局", 2023], [], p_bad),
            ]
        )
    return rows


def generated(out: list[str], tmp: Path) -> None:
    rng = random.Random(9)
    units = unit_rows(300, seed=77)
    people = _people(60)
    r = Run(out, tmp, "generated")
    bad_units = _units_roster(rng, units, 0.08)
    r.step("units with errors", r.xlsx("units_bad.xlsx", bad_units), commit=False)
    r.step("units with errors csv", r.csv("units_bad.csv", bad_units), commit=False)
    r.step("units", r.xlsx("units.xlsx", _units_roster(rng, units, 0.0)))
    r.step("units update", r.xlsx("units2.xlsx", _units_roster(rng, units, 0.0)))
    bad_people = _people_roster(rng, people, units, 0.1)
    r.step("people with errors", r.xlsx("people_bad.xlsx", bad_people), commit=False)
    r.step("people", r.xlsx("people.xlsx", _people_roster(rng, people, units, 0.0)))
    plat = [["平台名称", "平台类型", "级别", "依托单位统一社会信用代码", "依托单位", "备注"]]
    for i, u in enumerate(units[:80]):
        title, level = PLATFORM_TITLES[i % len(PLATFORM_TITLES)]
        plat.append(
            [f"{u['name'][-6:]}{title}", title, level, u["credit_code"], u["name"], "" if i % 3 else "备注"]
        )
    plat_bad = [list(p) for p in plat]
    for i in range(1, len(plat_bad), 7):
        plat_bad[i][1 + i % 3] = ["高新技术企业", "", "#N/A"][i % 3]
    r.step("platforms with errors", r.xlsx("plat_bad.xlsx", plat_bad), commit=False)
    r.step("platforms", r.xlsx("plat.xlsx", plat))
    bad = _recognitions_roster(rng, units, people, 2500, 0.06, unique=False)
    r.step("recognitions with errors", r.xlsx("rec_bad.xlsx", bad), commit=False)
    r.step("recognitions with errors csv", r.csv("rec_bad.csv", bad), commit=False)
    r.step("recognitions with errors gbk csv", r.csv("rec_bad_gbk.csv", bad, "gb18030"), commit=False)
    good = _recognitions_roster(rng, units, people, 2500, 0.0, unique=True)
    r.step("recognitions", r.xlsx("rec.xlsx", good))
    again = [list(row) for row in good]
    for row in again[1::9]:
        if len(row) > 10:
            row[8] = "改后的文号"
            row[10], row[11] = "撤销", "2025-07-01"
    r.step("recognitions changed", r.xlsx("rec2.xlsx", again))
    r.step("recognitions changed csv again", r.csv("rec2.csv", again))
    facts_bad = _facts_roster(rng, units, people, 1500, 0.06)
    r.step("facts with errors", r.xlsx("facts_bad.xlsx", facts_bad), commit=False)
    r.step("facts", r.xlsx("facts.xlsx", _facts_roster(rng, units, people, 1500, 0.0)))
    wide = [
        [
            "企业名称",
            "统一社会信用代码",
            "年度",
            "加计扣除研发费用（万元）",
            "企业规模",
            "2022年技术合同登记成交额（元）",
            "高新区年度位次",
        ]
    ]
    for u in units[:200]:
        wide.append(
            [
                u["name"],
                u["credit_code"],
                rng.choice([2023, "2024年", 2025.0]),
                rng.choice([120.5, "", "3.5万", 7, "abc", "#N/A"]),
                rng.choice(["小微企业", "中型", "", "巨型"]),
                rng.choice(["1,000,000", 2000000, "", "x"]),
                rng.choice(["", 5, 2.5, "-1"]),
            ]
        )
    r.step("wide facts with errors", r.xlsx("wide.xlsx", wide))
    r.close()


def bench_roster(out: list[str], tmp: Path, n_rows: int = 20_000, n_units: int = 20_000) -> None:
    from bench.bench_import import make_db, make_roster

    name = f"bench-{n_rows}"
    (tmp / name).mkdir()
    xlsx = tmp / name / "recognitions.xlsx"
    make_roster(xlsx, n_rows, n_units)
    db = tmp / name / "golden.sqlite"
    make_db(db, n_units)
    r = Run(out, tmp, name, db=db)
    r.step("bench roster", xlsx, kind="recognitions")
    r.step("bench roster again", xlsx, kind="recognitions", commit=False)
    r.close()


SCENARIOS: dict[str, Callable[[list[str], Path], None]] = {
    "tests-units": tests_units,
    "tests-recognitions": tests_recognitions,
    "tests-kinds": tests_kinds,
    "tests-files": tests_files,
    "tests-big-units": tests_big_units,
    "generated": generated,
    "bench": bench_roster,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--check", type=Path, help="a golden file the output must equal byte for byte")
    parser.add_argument("--no-bench", action="store_true", help="leave out the 20,000-row roster")
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args(argv)
    import kjdesk.services.imports as imports

    imports.recompute = _record_recompute  # the engine's part; its subjects are written down
    names = (
        args.only.split(",") if args.only else [n for n in SCENARIOS if not (args.no_bench and n == "bench")]
    )
    out: list[str] = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            t = time.perf_counter()
            SCENARIOS[name](out, Path(tmp))
            print(f"{name}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    text = "\n".join(out) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(out)} lines in {time.perf_counter() - t0:.1f} s → {args.out}", file=sys.stderr)
    if args.check is None:
        return 0
    want = args.check.read_text(encoding="utf-8")
    if want == text:
        print("identical", file=sys.stderr)
        return 0
    got_lines, want_lines = text.splitlines(), want.splitlines()
    shown = 0
    for i, (a, b) in enumerate(zip(want_lines, got_lines, strict=False)):
        if a != b:
            print(f"line {i + 1}:\n- {a[:400]}\n+ {b[:400]}", file=sys.stderr)
            shown += 1
            if shown >= 10:
                break
    if len(got_lines) != len(want_lines):
        print(f"{len(want_lines)} lines expected, {len(got_lines)} written", file=sys.stderr)
    print("DIFFERENT", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
