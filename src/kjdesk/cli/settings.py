"""Command line for the bureau's print settings: ``kjdesk settings list`` / ``set KEY VALUE``.

The keys (or their Chinese labels) are declared in ``services.print_settings.OPTIONS``:
letter layout, 发文机关标志, 发文字号格式, 抄送, 印发机关, 套打 offset and base, fonts by role.
"""

from __future__ import annotations

import argparse

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, UserError, command, emit, open_app


def add_parsers(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser("settings", help="本局设置：通知书版式、红头文字、抄送、印发机关、套打偏移、字体")
    st_sub = st.add_subparsers(dest="settings_action", parser_class=ChineseArgumentParser)
    sl = st_sub.add_parser("list", help="列出全部设置及当前值")
    sl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ss = st_sub.add_parser("set", help="修改一项设置，如 kjdesk settings set letter_layout 信函")
    ss.add_argument("key", help="设置名（如 letter_layout）或其中文名（如 通知书版式）")
    ss.add_argument("value", help='新的值；写 "" 清空')
    st_sub.add_parser("fonts", help="列出本机找到的中文字体（按字体名称）及通知书各部分所用字体")


@command("settings")
def cmd_settings(args: argparse.Namespace) -> int:
    action = getattr(args, "settings_action", None)
    if action == "set":
        return _set(args)
    if action == "fonts":
        return _fonts(args)
    if action in (None, "list"):
        return _list(args)
    raise UserError(f"未知的子命令 {action}")


def _list(args: argparse.Namespace) -> int:
    from kjdesk.services.letters.print_settings import OPTIONS, print_settings

    app = open_app(args, write=False)
    try:
        values = print_settings(app).values()
    finally:
        app.close()
    rows = [{"key": o.key, "label": o.label, "value": values.get(o.key, ""), "help": o.help} for o in OPTIONS]
    emit(
        rows,
        getattr(args, "format", "table"),
        [("key", "设置名"), ("label", "名称"), ("value", "当前值"), ("help", "说明")],
    )
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    from kjdesk.services.letters.print_settings import option_of, print_settings, set_print_setting

    app = open_app(args)
    try:
        set_print_setting(app, args.key, args.value)
        option = option_of(args.key)
        value = print_settings(app).values()[option.key]
    finally:
        app.close()
    print(f"已设置 {option.label}（{option.key}）：{value or '（空）'}")
    return EXIT_OK


def _fonts(args: argparse.Namespace) -> int:
    from kjdesk.services.letters.print_settings import installed_families, letter_fonts

    app = open_app(args, write=False)
    try:
        fonts = letter_fonts(app)
    finally:
        app.close()
    families = installed_families()
    print("本机中文字体：" + ("、".join(families) if families else "（无）"))
    print("通知书字体：" + fonts.describe())
    print("字体文件：\n" + fonts.files())
    return EXIT_OK
