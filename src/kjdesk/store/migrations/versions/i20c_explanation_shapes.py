"""the words of an entitlement's own explanation lines stored once, its figures kept (issue 20)

An entitlement's own lines (认定记录, 年度数据, 计算, 上限, 结论 …) differ from another's only in
their figures: dates, amounts, 文号 and record numbers. Creates ``explanation_shapes`` (the words
with the figures cut out, once each) and ``entitlements.shape_id``; every stored explanation
keeps only its figures and points at its shape. Nothing an officer reads changes: the
explanation filled again is the same text, byte for byte. ``store.db.upgrade`` backs the
database up before this runs and compacts the file after it.

Revision ID: i20c
Revises: i20b
Create Date: 2026-12-03 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i20c"
down_revision = "i20b"
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "explanation_shapes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shape", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":  # in place: a rebuilt table would break the keys pointing at it
        conn.exec_driver_sql(
            "ALTER TABLE entitlements ADD COLUMN shape_id INTEGER REFERENCES explanation_shapes (id)"
        )
    else:
        op.add_column("entitlements", sa.Column("shape_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_entitlements_shape_id", "entitlements", "explanation_shapes", ["shape_id"], ["id"]
        )
    _shape_stored(conn)


def _shape_stored(conn) -> None:  # noqa: ANN001 - a Connection
    from kjdesk.store.models import shape_of

    shapes: dict[str, int] = {}
    last = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, explanation FROM entitlements WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": CHUNK},
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        updates = []
        for eid, text in rows:
            cut = shape_of(text or "")
            if cut is None:
                continue
            shape, figures = cut
            if shape not in shapes:
                shapes[shape] = conn.execute(
                    sa.text("INSERT INTO explanation_shapes (shape) VALUES (:s) RETURNING id"), {"s": shape}
                ).scalar_one()
            updates.append({"f": figures, "s": shapes[shape], "i": eid})
        if updates:
            conn.execute(
                sa.text("UPDATE entitlements SET explanation = :f, shape_id = :s WHERE id = :i"), updates
            )


def downgrade() -> None:
    raise NotImplementedError("科技兑现台不降级数据库结构：请从升级前的备份恢复。")
