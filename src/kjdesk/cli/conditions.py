"""Command line for what the officer must record or confirm (clauses.md D14, D6).

``kjdesk conditions set --unit CODE 纳税地在本市=是 …`` and ``--recognition ID 第一完成单位=是 …``
record the conditions the policy text attaches (as the unit and recognition forms do, and as
the roster columns of the same names import them); ``kjdesk facts to-verify`` lists the yearly
figures marked 须核实 and ``kjdesk facts confirm ID …`` confirms them as they stand.
"""

from __future__ import annotations

import argparse

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, UserError, command, emit, open_app

FACT_COLUMNS = [
    ("id", "编号"),
    ("subject_name", "主体"),
    ("code", "代码"),
    ("year", "年度"),
    ("indicator", "指标"),
    ("value", "数值（元）"),
    ("item_ref", "事项编号"),
    ("reason", "须核实原因"),
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("conditions", help="登记政策原文附加的条件（纳税地在本市、第一完成单位等）")
    c_sub = c.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    cs = c_sub.add_parser("set", help="登记一个单位或一条认定记录的条件：条件=值（值留空则清除）")
    who = cs.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="单位的统一社会信用代码")
    who.add_argument("--recognition", type=int, help="认定记录编号")
    cs.add_argument("pairs", nargs="+", help="如 纳税地在本市=是、第一完成单位=否、奖励类别=科学技术进步奖")

    f = sub.add_parser("facts", help="年度数据：须核实的数据（如更名的加计扣除研发费用）")
    f_sub = f.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    fl = f_sub.add_parser("to-verify", help="列出须核实的年度数据")
    fl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    fc = f_sub.add_parser("confirm", help="按原值确认须核实的年度数据（数值有误请重新导入或录入）")
    fc.add_argument("ids", nargs="+", type=int, help="年度数据编号（见 facts to-verify）")


@command("conditions")
def cmd_conditions(args: argparse.Namespace) -> int:
    from kjdesk.services.register import conditions
    from kjdesk.services.register.condition_edits import set_recognition_conditions, set_unit_conditions

    of = "unit" if args.unit else "recognition"
    try:
        values = conditions.parse_pairs(args.pairs, of)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    app = open_app(args)
    try:
        if args.unit:
            row = set_unit_conditions(app, args.unit, values)
            print(
                f"已登记 {row.name}（{row.credit_code}）的条件：{conditions.describe(row.conditions) or '（无）'}"
            )
        else:
            rec = set_recognition_conditions(app, args.recognition, values)
            print(
                f"已登记认定记录 {rec.id}（{rec.subject_name} {rec.type_name}）的条件：{conditions.describe(rec.conditions) or '（无）'}"
            )
    finally:
        app.close()
    return EXIT_OK


@command("facts")
def cmd_facts(args: argparse.Namespace) -> int:
    from kjdesk.services.register.records import confirm_facts, facts_to_verify

    if args.action == "to-verify":
        app = open_app(args, write=False)
        try:
            emit(facts_to_verify(app), args.format, FACT_COLUMNS)
        finally:
            app.close()
        return EXIT_OK
    app = open_app(args)
    try:
        n = confirm_facts(app, args.ids)
    finally:
        app.close()
    print(f"已确认 {n} 条须核实的年度数据，相关应享资金已重新计算")
    return EXIT_OK
