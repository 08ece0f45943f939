"""Command line for moving a database: ``kjdesk db copy --from FILE|URL --to URL|FILE``.

A bureau moving from one PC's SQLite file to its shared PostgreSQL server (or back) copies
the whole database, ids and audit chain included, into an empty target.
"""

from __future__ import annotations

import argparse

from kjdesk.cli.core import EXIT_OK, ChineseArgumentParser, command


def add_parsers(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("db", help="数据库：在 SQLite 文件与 PostgreSQL 服务器之间复制")
    d_sub = d.add_subparsers(dest="action", required=True, parser_class=ChineseArgumentParser)
    c = d_sub.add_parser("copy", help="把整个数据库（含审计链）复制到一个空的目标数据库")
    c.add_argument(
        "--from", dest="source", required=True, help="源：SQLite 文件或 postgresql://用户@主机/库名"
    )
    c.add_argument(
        "--to", dest="target", required=True, help="目标（必须为空）：postgresql://… 或 SQLite 文件"
    )


@command("db")
def cmd_db(args: argparse.Namespace) -> int:
    from kjdesk.cli.access import signed_in_file
    from kjdesk.services.core.progress import TextProgress
    from kjdesk.services.safety.db_copy import copy_database

    actor = signed_in_file(args, args.source)  # a 管理员 of the database being copied
    result = copy_database(args.source, args.target, actor, TextProgress())
    print(f"已复制 {result.total_rows} 行（{len(result.rows)} 张表）：{result.source} → {result.target}")
    print(f"目标数据库的审计链校验通过（{result.audit_events} 条事件，最后一条记录本次复制）")
    return EXIT_OK
