"""Command line for remembered import answers (导入对照): ``kjdesk answers …``.

``list`` shows what earlier imports were told (a published name is that unit, a wording is
that recognition type); ``add-name`` and ``add-title`` teach one; ``delete`` forgets one, so
the next list with that wording asks again.
"""

from __future__ import annotations

import argparse

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, command, emit, open_app

COLUMNS = [
    ("id", "编号"),
    ("kind_label", "类别"),
    ("shown", "名单中的写法"),
    ("meaning", "对应"),
    ("source", "首次确认的文件"),
    ("answered_by", "确认人"),
    ("updated_at", "时间"),
]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    ans = sub.add_parser("answers", help="导入对照：记住的名称与认定类型对应关系")
    ans_sub = ans.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    al = ans_sub.add_parser("list", help="列出记住的对照")
    al.add_argument("--format", choices=["table", "csv", "json"], default="table")
    an = ans_sub.add_parser("add-name", help="记住：名单中的这个名称就是这个已登记单位")
    an.add_argument("--name", required=True, help="名单中的写法")
    an.add_argument("--unit", required=True, metavar="统一社会信用代码", help="已登记单位的统一社会信用代码")
    at = ans_sub.add_parser("add-title", help="记住：名单中的这种写法就是这个认定类型")
    at.add_argument("--wording", required=True, help="名单中的写法")
    at.add_argument("--type", required=True, dest="type_name", help="认定类型（名称或编号）")
    at.add_argument("--level", default="", help="级别：国家、自治区、市级（可省略）")
    ac = ans_sub.add_parser("change", help="修改一条对照：名称改对应另一单位，或措辞改对应另一认定类型/级别")
    ac.add_argument("id", type=int, help="对照编号（见 answers list）")
    ac.add_argument("--unit", metavar="统一社会信用代码", help="名称对应的单位")
    ac.add_argument("--type", dest="type_name", help="措辞对应的认定类型")
    ac.add_argument("--level", help="措辞对应的级别：国家、自治区、市级")
    ad = ans_sub.add_parser("delete", help="删除一条对照（下次导入时重新询问）")
    ad.add_argument("id", type=int, help="对照编号（见 answers list）")


def _type_id(text: str) -> str:
    from kjdesk.cli.core import UserError
    from kjdesk.policy.titles import UnknownTitle, builtin_titles, resolve_title

    if text in builtin_titles().types:
        return text
    try:
        return resolve_title(text).type_id
    except UnknownTitle:
        for t in builtin_titles().types.values():
            if t.name == text or text in t.aliases:
                return t.id
        raise UserError(f"未知认定类型“{text}”") from None


def _change(app, args: argparse.Namespace) -> None:  # noqa: ANN001 - App
    from kjdesk.cli.core import UserError
    from kjdesk.services.imports import answers
    from kjdesk.services.register.tables import unit_choices

    if args.unit:
        code = args.unit.strip().upper()
        found = [u[0] for u in unit_choices(app) if u[2] == code]
        if not found:
            raise UserError(f"统一社会信用代码 {code} 的单位未登记")
        answers.change_answer(app, args.id, unit_id=found[0])
    elif args.type_name or args.level is not None:
        type_id = _type_id(args.type_name) if args.type_name else None
        level = args.level.removesuffix("级") if args.level is not None else None
        answers.change_answer(app, args.id, type_id=type_id, level=level)
    else:
        raise UserError("请用 --unit（名称）或 --type/--level（认定类型措辞）指定新的对应")


@command("answers")
def cmd_answers(args: argparse.Namespace) -> int:
    from kjdesk.services.imports import answers

    app = open_app(args, write=args.action != "list")
    try:
        if args.action == "list":
            rows = answers.list_answers(app)
            plain = [
                {name: getattr(r, name) for name, _label in COLUMNS}
                | {"updated_at": r.updated_at.strftime("%Y-%m-%d %H:%M")}
                for r in rows
            ]
            emit(plain, args.format, COLUMNS)
        elif args.action == "add-name":
            n = answers.add_name_answer(app, args.name, args.unit)
            print(f"已记住对照（编号 {n}）：“{args.name}”即 {args.unit}")
        elif args.action == "add-title":
            level = args.level.removesuffix("级")
            n = answers.add_title_answer(app, args.wording, _type_id(args.type_name), level)
            print(f"已记住对照（编号 {n}）：“{args.wording}”")
        elif args.action == "change":
            _change(app, args)
            print(f"已修改对照 {args.id}")
        else:
            answers.delete_answer(app, args.id)
            print(f"已删除对照 {args.id}")
    finally:
        app.close()
    return EXIT_OK
