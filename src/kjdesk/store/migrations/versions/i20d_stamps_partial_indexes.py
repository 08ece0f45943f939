"""row stamps as numbers on SQLite, and smaller indexes (issue 20)

``created_at`` and ``updated_at`` of every table were kept by SQLite as 26 characters of text
(2026-12-03 14:34:51.182822); they become the integer 20261203143451 (six bytes; seconds are
enough for them, the audit log keeps the exact time of every change). The indexes of a
platform's, a person's and a batch's rows keep only the rows that have one: a city's
entitlements and recognitions are nearly all a unit's, and its instalments mostly in no batch
yet. The index of entitlements by clause goes: a clause has about an eighth of a city's
entitlements, which a scan reads as fast (8 clauses, 81,899 rows: 2.4 MB of index for
nothing). ``store.db.upgrade`` backs the database up before this runs and compacts the file after it.

Revision ID: i20d
Revises: i20c
Create Date: 2026-12-03 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i20d"
down_revision = "i20c"
branch_labels = None
depends_on = None

PARTIAL = (  # (index, table, column)
    ("ix_recognitions_platform", "recognitions", "platform_id"),
    ("ix_recognitions_person", "recognitions", "person_id"),
    ("ix_facts_person", "facts", "person_id"),
    ("ix_entitlements_platform", "entitlements", "platform_id"),
    ("ix_entitlements_person", "entitlements", "person_id"),
    ("ix_instalments_batch_id", "instalments", "batch_id"),
)


def upgrade() -> None:
    conn = op.get_bind()
    op.drop_index("ix_entitlements_clause_id", table_name="entitlements")
    for index, table, column in PARTIAL:
        op.drop_index(index, table_name=table)
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(index, table, [column], sqlite_where=where, postgresql_where=where)
    if conn.dialect.name != "sqlite":
        return
    number = "CAST(strftime('%Y%m%d%H%M%S', {0}) AS INTEGER)"
    for table in sa.inspect(conn).get_table_names():
        columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
        stamps = [c for c in ("created_at", "updated_at") if c in columns]
        if not stamps:
            continue
        sets = ", ".join(f"{c} = {number.format(c)}" for c in stamps)
        where = " OR ".join(f"typeof({c}) = 'text'" for c in stamps)
        conn.exec_driver_sql(f"UPDATE {table} SET {sets} WHERE {where}")  # noqa: S608 - names from the schema


def downgrade() -> None:
    raise NotImplementedError("科技兑现台不降级数据库结构：请从升级前的备份恢复。")
