"""Command line for rosters: ``import``, ``imports list`` and ``template``.

``kjdesk import FILE [--kind K] [--sheet NAME] [--dry-run]`` checks the whole roster first
and writes nothing when any row is wrong: it prints every error (row, column, value,
reason) and exits with 1. ``cli.build_parser`` adds these sub-commands through
``add_parsers``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from kjdesk.cli.core import (
    EXIT_OK,
    EXIT_USER,
    ChineseArgumentParser,
    UserError,
    command,
    emit,
    open_app,
    output_arg,
    path_arg,
)
from kjdesk.services.imports import KINDS

SHOWN_ITEMS = 50
HISTORY_COLUMNS = [
    ("id", "编号"),
    ("at", "导入时间"),
    ("actor", "经办人"),
    ("file_name", "文件"),
    ("kind_label", "类型"),
    ("sheet", "工作表"),
    ("rows", "行数"),
    ("added", "新增"),
    ("updated", "更新"),
    ("unchanged", "不变"),
    ("sha256", "SHA-256"),
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="导入名单（单位、平台、人员、认定、年度数据）")
    imp.add_argument(
        "file",
        nargs="?",
        type=path_arg,
        help=".xlsx / .xls / .et / .ods / .csv 文件，或含表格的 Word 文档（.docx）",
    )
    imp.add_argument("--kind", choices=list(KINDS), help="名单类型（默认按表头自动判断）")
    imp.add_argument("--sheet", help="工作表名称，Word 文档为“表格1”“表格2”…（默认：第一个能识别表头的）")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="字段=列",
        help="指定列对应，如 --map 单位名称=B 或 --map credit_code=纳税人代码（可重复；其余列仍自动对应）",
    )
    imp.add_argument("--header-row", type=int, help="表头所在行号（默认自动查找）")
    imp.add_argument("--errors-out", type=path_arg, help="有错误时，把标出错误的名单另存为此 .xlsx 文件")
    imp.add_argument("--verbose", action="store_true", help="列出每一行的处理结果")
    imp.add_argument("--history", action="store_true", help="列出导入历史（不导入）")
    imp.add_argument("--format", choices=["table", "csv", "json"], default="table", help="导入历史的输出格式")
    whole = imp.add_argument_group("整份名单的取值（名单中没有这一列时使用，不覆盖名单已有的列）")
    whole.add_argument("--type", dest="whole_type", metavar="认定类型", help="如 高新技术企业")
    whole.add_argument("--level", dest="whole_level", metavar="级别", help="如 国家级、自治区级、市级")
    whole.add_argument("--date", dest="whole_date", metavar="YYYY-MM-DD", help="认定日期（发文日期）")
    whole.add_argument("--doc", dest="whole_doc", metavar="文号", help="如 内科高企字〔2024〕8号")
    imp.add_argument(
        "--skip-unmatched",
        action="store_true",
        help="名称无法对应到已登记单位的行不导入（列出跳过的行），其余照常导入",
    )

    imps = sub.add_parser("imports", help="导入历史")
    imps_sub = imps.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    il = imps_sub.add_parser("list", help="列出每次导入（文件、SHA-256、时间、经办人、数量）")
    il.add_argument("--format", choices=["table", "csv", "json"], default="table")

    tpl = sub.add_parser("template", help="生成空白名单模板（含下拉选项和示例行）")
    tpl.add_argument("kind", choices=list(KINDS), help="名单类型")
    tpl.add_argument("-o", "--output", required=True, type=output_arg, help="保存为 .xlsx 文件")


def _print_history(args: argparse.Namespace) -> int:
    from kjdesk.services.imports import history

    app = open_app(args, write=False)
    try:
        rows = history(app)
    finally:
        app.close()
    plain = [asdict(r) | {"at": r.at.strftime("%Y-%m-%d %H:%M:%S")} for r in rows]
    emit(plain, args.format, HISTORY_COLUMNS)
    return EXIT_OK


@command("imports")
def cmd_imports(args: argparse.Namespace) -> int:
    return _print_history(args)


@command("template")
def cmd_template(args: argparse.Namespace) -> int:
    from kjdesk.services.imports.roster_files import write_roster_template

    app = open_app(args)
    try:
        path = write_roster_template(app, args.kind, args.output)
    finally:
        app.close()
    print(f"已生成{KINDS[args.kind].label}模板：{path}")
    return EXIT_OK


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    from kjdesk.services.core.progress import NullProgress, TextProgress
    from kjdesk.services.imports import commit, inspect_roster, preview
    from kjdesk.services.imports.roster_files import save_error_workbook

    if args.history:
        return _print_history(args)
    if args.file is None:
        sys.stderr.write("错误：请指定要导入的文件（或用 --history 查看导入历史）\n")
        return EXIT_USER
    progress = TextProgress(sys.stderr) if sys.stderr.isatty() else NullProgress()
    app = open_app(args)
    try:
        mapping = None
        if args.map:
            layout = inspect_roster(args.file, args.kind, args.sheet, args.header_row)
            mapping = custom_mapping(layout, args.map)
            args.kind = layout.kind
        plan = preview(
            app,
            args.file,
            kind=args.kind,
            sheet=args.sheet,
            mapping=mapping,
            progress=progress,
            header_row=args.header_row,
            whole=whole_list(args),
            skip_unmatched=args.skip_unmatched,
        )
        print(plan.summary())
        for warning in [*plan.warnings(), *plan.whole_notes]:
            sys.stderr.write(f"提示：{warning}\n")
        for note in plan.notes:
            sys.stderr.write(f"提示：{note.line()}\n")
        report_names(plan)
        if plan.questions and not plan.errors:
            sys.stderr.write("未导入任何数据。\n")
            return EXIT_USER
        if not plan.ok:
            sys.stderr.write(f"发现 {len(plan.errors)} 处错误，未导入任何数据：\n")
            for e in plan.errors:
                fix = f"（建议改为：{e.suggestion}）" if e.suggestion else ""
                sys.stderr.write(f"  {e.line()}{fix}\n")
            if args.errors_out:
                saved = save_error_workbook(plan, args.errors_out)
                sys.stderr.write(f"已把标出错误的名单保存到：{saved}\n")
            return EXIT_USER
        _print_items(plan, args.verbose)
        if args.dry_run:
            print("（仅检查，未写入数据库）")
            return EXIT_OK
        result = commit(app, plan, progress=progress)
        print(result.summary())
    finally:
        app.close()
    return EXIT_OK


def whole_list(args: argparse.Namespace):  # noqa: ANN201 - WholeList
    """--type / --level / --date / --doc as the values of the whole list."""
    from kjdesk.services.imports import CellError, WholeList, parse_date

    day = None
    if args.whole_date:
        try:
            day = parse_date(args.whole_date)
        except CellError as exc:
            raise UserError(f"--date：{exc}") from exc
    return WholeList(args.whole_type or "", args.whole_level or "", day, args.whole_doc or "")


def report_names(plan) -> None:  # noqa: ANN001 - ImportPlan
    """Names that refuse the import (each with its rows and closest units), and the skipped ones."""
    if plan.questions:
        sys.stderr.write(f"以下 {len(plan.questions)} 个名称未能对应到已登记单位：\n")
        for q in plan.questions:
            sys.stderr.write(f"  {q.line()}\n")
        sys.stderr.write(
            "请在“导入名录”窗口中逐个确认，或用 kjdesk answers add-name 记住对应关系，"
            "或加 --skip-unmatched 只导入能对应的行\n"
        )
    if plan.skipped:
        rows = sum(len(q.rows) for q in plan.skipped)
        sys.stderr.write(f"已跳过 {rows} 行（名称未能对应到已登记单位）：\n")
        for q in plan.skipped:
            sys.stderr.write(f"  {q.line()}\n")


def custom_mapping(layout, pairs: list[str]) -> dict[str, int | None]:  # noqa: ANN001 - RosterLayout
    """The automatic mapping with the officer's ``字段=列`` pairs applied (列: a letter or a header)."""
    fields = {key: key for key, _label, _req in layout.fields} | {
        label: key for key, label, _r in layout.fields
    }
    letters = {h.split(" ", 1)[0]: i for i, h in enumerate(layout.headers)}
    titles = {h.split(" ", 1)[1] if " " in h else "": i for i, h in enumerate(layout.headers)}
    mapping: dict[str, int | None] = dict(layout.mapping)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        key = fields.get(name.strip())
        if not sep or key is None:
            raise UserError(
                f"--map “{pair}”无法识别：应为 字段=列，字段可用：{'、'.join(label for _k, label, _r in layout.fields)}"
            )
        column = column.strip()
        if column in ("", "-", "无"):
            mapping[key] = None
            continue
        index = letters.get(column.upper(), titles.get(column))
        if index is None:
            raise UserError(f"--map “{pair}”：工作表中没有“{column}”列")
        mapping = {k: (None if v == index else v) for k, v in mapping.items()}
        mapping[key] = index
    return mapping


def _print_items(plan, verbose: bool) -> None:  # noqa: ANN001 - ImportPlan
    shown = 0
    for item in plan.items:
        if item.action == "不变" and not verbose:
            continue
        if shown >= SHOWN_ITEMS and not verbose:
            print(f"  …… 另有 {plan.added + plan.updated - shown} 行（用 --verbose 列出全部）")
            break
        detail = f"：{item.detail}" if item.detail else ""
        print(f"  第 {item.row} 行 {item.action}{item.entity} {item.label}{detail}")
        shown += 1
