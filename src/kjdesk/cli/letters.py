"""Command line for award letters (通知书).

``kjdesk letters --year Y [--clause ID] [--district NAME] -o DIR|FILE.pdf`` issues the
letters not yet issued for the approved instalments of year Y (numbered now, archived),
then writes every valid letter of that year, clause and 旗县区: one file each into DIR, or
all in one FILE.pdf for a print run. ``letters list``, ``letters void`` and ``letters
reprint`` list, void (and correct) and write out issued letters. ``cli.build_parser`` adds
these sub-commands through ``add_parsers``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from kjdesk.cli.core import (
    EXIT_OK,
    ChineseArgumentParser,
    UserError,
    command,
    emit,
    open_app,
    output_arg,
    path_arg,
)
from kjdesk.money import format_yuan
from kjdesk.services.letters.print_settings import LAYOUTS

LIST_COLUMNS = [
    ("number", "发文字号"),
    ("addressee", "主送单位"),
    ("district", "旗县区"),
    ("clause_id", "条款"),
    ("budget_year", "拨付年度"),
    ("amount_yuan", "金额（元）"),
    ("issued_on", "成文日期"),
    ("status", "状态"),
    ("note", "说明"),
]


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”应写作 2026-11-23") from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    let = sub.add_parser(
        "letters",
        help="通知书：签发并导出某年度的通知书；list / void / reprint",
        description="不带子命令时：为该年度已审批、尚未发通知书的拨付计划签发通知书，再导出该年度的全部有效通知书。",
    )
    let.add_argument("--year", type=int, help="拨付年度")
    let.add_argument("--clause", help="只处理该条款（条款编号，如 BT-06-hte-cert）")
    let.add_argument("--district", help="只处理该旗县区的单位")
    let.add_argument("-o", "--output", type=path_arg, help="文件夹（每份一个文件）或 .pdf 文件（合并为一个）")
    let.add_argument("--date", type=_date_arg, help="成文日期（默认今天），如 2026-11-23")
    let.add_argument(
        "--font", help="正文字体文件（.ttf/.ttc；.ttc 可写 文件#序号），默认自动查找仿宋、宋体、黑体"
    )
    let.add_argument("--no-issue", action="store_true", help="只导出已签发的，不签发新的")
    let.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="本批通知书的版式：文件、信函 或 套打（默认为本局设置，见 kjdesk settings）",
    )
    let_sub = let.add_subparsers(dest="letters_action", parser_class=ChineseArgumentParser)

    ll = let_sub.add_parser("list", help="列出已签发的通知书（发文字号、单位、金额、日期、状态）")
    ll.add_argument("--year", type=int, default=argparse.SUPPRESS, help="发文年度（文号中的年份）")
    ll.add_argument("--status", choices=["有效", "已作废"], help="只列出该状态")
    ll.add_argument("--format", choices=["table", "csv", "json"], default="table")

    lv = let_sub.add_parser("void", help="作废一份通知书（写明原因），可同时签发更正后的通知书")
    lv.add_argument("number", help="发文字号，如 包科字〔2026〕3号")
    lv.add_argument("--reason", required=True, help="作废原因")
    lv.add_argument("--reissue", action="store_true", help="同时按现有数据签发一份替代它的新通知书")
    lv.add_argument("--date", type=_date_arg, default=argparse.SUPPRESS, help="新通知书的成文日期")
    lv.add_argument("--font", default=argparse.SUPPRESS, help="正文字体文件")
    lv.add_argument("--layout", choices=LAYOUTS, default=argparse.SUPPRESS, help="新通知书的版式")
    lv.add_argument(
        "-o", "--output", type=output_arg, default=argparse.SUPPRESS, help="把新通知书另存为此 .pdf"
    )

    lt = let_sub.add_parser(
        "test-print", help="套打测试页：按当前套打偏移生成一页，打印在预印红头纸上核对位置"
    )
    lt.add_argument(
        "-o", "--output", type=path_arg, required=True, default=argparse.SUPPRESS, help=".pdf 文件"
    )
    lt.add_argument("--offset-x", type=float, help="向右偏移（毫米，负数向左），默认用本局设置")
    lt.add_argument("--offset-y", type=float, help="向下偏移（毫米，负数向上），默认用本局设置")

    lr = let_sub.add_parser("reprint", help="按存档原样导出一份通知书（与签发时逐字节相同）")
    lr.add_argument("number", help="发文字号")
    lr.add_argument(
        "-o", "--output", type=output_arg, required=True, default=argparse.SUPPRESS, help=".pdf 文件"
    )


@command("letters")
def cmd_letters(args: argparse.Namespace) -> int:
    action = getattr(args, "letters_action", None)
    if action == "list":
        return _list(args)
    if action == "void":
        return _void(args)
    if action == "reprint":
        return _reprint(args)
    if action == "test-print":
        return _test_print(args)
    return _issue_and_export(args)


def _issue_and_export(args: argparse.Namespace) -> int:
    from kjdesk.services.core.progress import TextProgress
    from kjdesk.services.letters import issue_letters
    from kjdesk.services.letters.export import export_letters
    from kjdesk.services.letters.rows import list_letters

    if args.year is None or args.output is None:
        raise UserError(
            "请给出 --year 年度 和 -o 文件夹或 .pdf 文件，例如：kjdesk letters --year 2026 -o 通知书"
        )
    app = open_app(args)
    try:
        if not args.no_issue:
            result = issue_letters(
                app,
                args.year,
                clause_id=args.clause,
                district=args.district,
                issued_on=args.date,
                font=args.font,
                progress=TextProgress(),
                layout=args.layout,
            )
            print(result.message)
            if result.issued:
                print(f"版式：{result.layout}")
            for note in result.font_notes:
                print(f"字体提示：{note}")
        rows = list_letters(
            app, budget_year=args.year, clause_id=args.clause, district=args.district, status="有效"
        )
        if not rows:
            raise UserError(f"{args.year} 年度没有可导出的有效通知书")
        exported = export_letters(app, rows, args.output, progress=TextProgress())
        print(exported.message)
    finally:
        app.close()
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from kjdesk.services.letters.rows import list_letters

    app = open_app(args)
    try:
        from kjdesk.services.safety.audit_words import clause_names

        rows = list_letters(app, getattr(args, "year", None), status=args.status)
    finally:
        app.close()
    shown = [
        {
            **{
                k: getattr(r, k)
                for k in ("number", "addressee", "district", "clause_id", "budget_year", "status")
            },
            "clause": clause_names().get(r.clause_id, r.clause_id),
            "amount_yuan": format_yuan(r.amount_fen),
            "amount_fen": r.amount_fen,
            "issued_on": r.issued_on,
            "note": _note(r),
        }
        for r in rows
    ]
    if args.format == "json":  # json keeps the catalog id and 分, named so
        columns = [*LIST_COLUMNS, ("clause", "clause"), ("amount_fen", "amount_fen")]
    else:  # a clause as the policy names it
        columns = [("clause", "条款") if k == "clause_id" else (k, t) for k, t in LIST_COLUMNS]
    emit(shown, args.format, columns)
    return EXIT_OK


def _note(r) -> str:  # noqa: ANN001 - LetterRow
    parts = []
    if r.replaces_number:
        parts.append(f"替代{r.replaces_number}")
    if r.status == "已作废":
        parts.append(f"作废原因：{r.void_reason}")
        if r.replaced_by_number:
            parts.append(f"已由{r.replaced_by_number}替代")
    return "；".join(parts)


def _void(args: argparse.Namespace) -> int:
    from kjdesk.services.letters import letter_pdf, void_letter

    app = open_app(args)
    try:
        result = void_letter(
            app,
            args.number,
            args.reason,
            reissue=args.reissue,
            issued_on=getattr(args, "date", None),
            font=getattr(args, "font", None),
            layout=getattr(args, "layout", None),
        )
        print(f"已作废：{result.voided.number}（{result.voided.void_reason}）")
        if result.replacement is not None:
            print(f"已签发替代的通知书：{result.replacement.number}")
            out = getattr(args, "output", None)
            if out is not None:
                out.write_bytes(letter_pdf(app, result.replacement.id))
                print(f"已写入 {out}")
    finally:
        app.close()
    return EXIT_OK


def _reprint(args: argparse.Namespace) -> int:
    from kjdesk.services.letters import letter_pdf

    app = open_app(args)
    try:
        data = letter_pdf(app, args.number)
    finally:
        app.close()
    args.output.write_bytes(data)
    sys.stdout.write(f"已按存档原样写入 {args.output}（{len(data)} 字节）\n")
    return EXIT_OK


def _test_print(args: argparse.Namespace) -> int:
    from kjdesk.services.letters.print_settings import preprinted_test_page, print_settings

    app = open_app(args, write=False)
    try:
        data = preprinted_test_page(app, offset_x_mm=args.offset_x, offset_y_mm=args.offset_y)
        layout = print_settings(app).layout
    finally:
        app.close()
    args.output.write_bytes(data)
    x = layout.offset_x_mm if args.offset_x is None else args.offset_x
    y = layout.offset_y_mm if args.offset_y is None else args.offset_y
    print(f"已写入套打测试页 {args.output}（偏移：向右 {x:g} 毫米，向下 {y:g} 毫米）")
    print(
        "位置合适后保存偏移：kjdesk settings set letter_offset_x_mm X；kjdesk settings set letter_offset_y_mm Y"
    )
    return EXIT_OK
