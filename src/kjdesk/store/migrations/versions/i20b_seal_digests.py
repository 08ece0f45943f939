"""money seals of entitlements keep their digest only, in one b-tree (issue 20)

An entitlement's seal held its whole content (key, clause, amounts, subject) as JSON: the
largest part of ``money_seals``. Entitlements are derived from the register, so their seals now
keep the SHA-256 digest only (the same digest the ledger already sums: the chain's ledger does
not change); the seals of instalments, payments, letters, batches and accounts keep their
content, so a direct edit still reads 记录为 … 现为 …. On SQLite the table becomes WITHOUT
ROWID (one b-tree keyed by table and row, no second index).

Revision ID: i20b
Revises: i20a
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i20b"
down_revision = "i20a"
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    conn = op.get_bind()
    columns = {c["name"] for c in sa.inspect(conn).get_columns("money_seals")}
    if "digest" not in columns:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                "CREATE TABLE money_seals_new (tbl VARCHAR(40) NOT NULL, row_id INTEGER NOT NULL,"
                " content TEXT NOT NULL, digest BLOB, event_id INTEGER NOT NULL,"
                " PRIMARY KEY (tbl, row_id)) WITHOUT ROWID"
            )
            conn.exec_driver_sql(
                "INSERT INTO money_seals_new (tbl, row_id, content, digest, event_id)"
                " SELECT tbl, row_id, content, NULL, event_id FROM money_seals"
            )
            conn.exec_driver_sql("DROP TABLE money_seals")
            conn.exec_driver_sql("ALTER TABLE money_seals_new RENAME TO money_seals")
        else:
            op.add_column("money_seals", sa.Column("digest", sa.LargeBinary(), nullable=True))
    from kjdesk.store.seal import DIGEST_ONLY, digest_bytes

    for table in sorted(DIGEST_ONLY):
        rows = conn.execute(
            sa.text("SELECT row_id, content FROM money_seals WHERE tbl = :t AND content <> ''"), {"t": table}
        ).all()
        for start in range(0, len(rows), CHUNK):
            conn.execute(
                sa.text("UPDATE money_seals SET content = '', digest = :d WHERE tbl = :t AND row_id = :r"),
                [
                    {"d": digest_bytes(table, r, c), "t": table, "r": r}
                    for r, c in rows[start : start + CHUNK]
                ],
            )


def downgrade() -> None:
    raise NotImplementedError("科技兑现台不降级数据库结构：请从升级前的备份恢复。")
