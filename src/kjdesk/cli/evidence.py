"""Command line for 证明材料 in bulk: what 后补助 lacks before approval, and one description for many.

kjdesk recognitions missing --year 2024
kjdesk recognitions evidence --ids 1,2,3 --text "认定文件及证书复印件已存档"
kjdesk recognitions evidence --all-missing --year 2024 --text "…" [--doc 文号] [--replace]
"""

from __future__ import annotations

import argparse

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, UserError, command, emit, open_app

MISSING_COLUMNS = [
    ("recognition_id", "认定记录"),
    ("instalment_id", "拨付计划"),
    ("year", "年度"),
    ("unit_name", "单位名称"),
    ("clause", "条款"),
    ("lacks", "缺少"),
]


def _ids(text: str) -> list[int]:
    try:
        ids = [int(x) for x in text.replace("，", ",").replace("、", ",").split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"编号“{text}”应写作 1,2,3") from None
    if not ids:
        raise argparse.ArgumentTypeError("请至少写一个认定记录编号，如 1,2,3")
    return ids


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from kjdesk.cli.money import account_args

    rec = sub.add_parser("recognitions", help="认定记录：查看后补助缺少的材料，批量登记证明材料")
    rec_sub = rec.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    ms = rec_sub.add_parser("missing", help="列出缺少认定文号或证明材料、因而不能审批的后补助")
    ms.add_argument("--year", type=int, help="拨付年度（默认：所有年度待审批的）")
    ms.add_argument("--batch", type=int, help="只看这个报批批次")
    ms.add_argument("--format", choices=["table", "csv", "json"], default="table", help="输出格式")

    ev = rec_sub.add_parser("evidence", help="为多条认定记录登记同一份证明材料（及缺少的认定文号）")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--ids", type=_ids, help="认定记录编号，如 1,2,3")
    which.add_argument(
        "--all-missing", action="store_true", help="全部缺少证明材料的后补助（可用 --year 或 --batch 限定）"
    )
    ev.add_argument("--year", type=int, help="与 --all-missing 同用：只登记该拨付年度的")
    ev.add_argument("--batch", type=int, help="与 --all-missing 同用：只登记该报批批次的")
    ev.add_argument("--text", default="", help="证明材料：材料名称、存放位置或文件路径")
    ev.add_argument("--doc", default="", help="认定文号：只填入还没有文号的记录")
    ev.add_argument("--replace", action="store_true", help="已有证明材料的记录也改为这份材料")
    account_args(ev)


def _open(args: argparse.Namespace, *, write: bool):  # noqa: ANN202 - App
    """Signed in when the database has officer accounts (or ``--user`` is given), else as it opens."""
    from kjdesk.cli.money import signed_in
    from kjdesk.services.core.officers import has_officers

    if write and getattr(args, "user", ""):
        return signed_in(args)
    app = open_app(args, write=write)
    if write and has_officers(app):
        app.close()
        return signed_in(args)
    return app


@command("recognitions")
def cmd_recognitions(args: argparse.Namespace) -> int:
    from kjdesk.services.register.evidence import missing_for_approval, register_evidence

    if args.action == "missing":
        app = _open(args, write=False)
        try:
            items = missing_for_approval(app, year=args.year, batch_id=args.batch)
        finally:
            app.close()
        emit([{**m.__dict__, "lacks": m.lacks} for m in items], args.format, MISSING_COLUMNS)
        if args.format == "table" and items:
            print(f"共 {len(items)} 项；可用 kjdesk recognitions evidence --all-missing 为它们登记证明材料")
        return EXIT_OK

    if not args.all_missing and (args.year is not None or args.batch is not None):
        raise UserError("--year 和 --batch 须与 --all-missing 同用")
    if not args.text.strip() and not args.doc.strip():
        raise UserError("请用 --text 写明证明材料（材料名称、存放位置或文件路径），或用 --doc 写认定文号")
    app = _open(args, write=True)
    try:
        if args.all_missing:
            items = missing_for_approval(app, year=args.year, batch_id=args.batch)
            ids = list(dict.fromkeys(m.recognition_id for m in items))
            if not ids:
                print("没有缺少证明材料或认定文号的后补助")
                return EXIT_OK
        else:
            ids = args.ids
        result = register_evidence(app, ids, args.text, doc_number=args.doc, replace=args.replace)
    finally:
        app.close()
    kept = f"，{result.unchanged} 条已有证明材料未改动" if result.unchanged else ""
    print(f"已为 {result.updated} 条认定记录登记证明材料{kept}")
    return EXIT_OK
