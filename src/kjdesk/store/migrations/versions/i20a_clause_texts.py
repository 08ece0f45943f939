"""the fixed lines of explanations stored once per catalog version (issue 20)

Creates ``clause_texts`` (catalog version, clause, the head lines 条款/原文/依据/资金性质 and
the tail lines 按本系统口径) and ``entitlements.texts_id``. Every stored explanation that starts
with the head and ends with the tail of its clause in the current catalog keeps only the lines
between them and points at the fixed lines; any other (computed with other words) stays whole.
Nothing an officer reads changes: the explanation joined again is the same text, byte for byte.
``store.db.upgrade`` backs the database up before this runs and compacts the file after it.

Revision ID: i20a
Revises: i22
Create Date: 2026-12-03 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i20a"
down_revision = "i22"
branch_labels = None
depends_on = None

CHUNK = 2000


def upgrade() -> None:
    op.create_table(
        "clause_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_version", sa.String(length=120), nullable=False),
        sa.Column("clause_id", sa.String(length=60), nullable=False),
        sa.Column("head", sa.Text(), nullable=False),
        sa.Column("tail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("catalog_version", "clause_id", name="uq_clause_texts"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":  # in place: a rebuilt table would break the keys pointing at it
        conn.exec_driver_sql(
            "ALTER TABLE entitlements ADD COLUMN texts_id INTEGER REFERENCES clause_texts (id)"
        )
    else:
        op.add_column("entitlements", sa.Column("texts_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_entitlements_texts_id", "entitlements", "clause_texts", ["texts_id"], ["id"]
        )
    _split_stored(conn)


def _split_stored(conn) -> None:  # noqa: ANN001 - a Connection
    from kjdesk.policy import explain
    from kjdesk.policy.catalog import load_builtin

    cities = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT city FROM entitlements"))]
    for city in cities:
        try:
            policy = load_builtin(city)
        except KeyError:
            continue
        version = explain.catalog_version(policy)
        fixed = {c.id: explain.fixed_lines(policy, c) for c in policy.clauses}
        ids = {}
        for cid, (head, tail) in fixed.items():
            ids[cid] = conn.execute(
                sa.text(
                    "INSERT INTO clause_texts (catalog_version, clause_id, head, tail)"
                    " VALUES (:v, :c, :h, :t) RETURNING id"
                ),
                {"v": version, "c": cid, "h": "\n".join(head), "t": "\n".join(tail)},
            ).scalar_one()
        last = 0
        while True:
            rows = conn.execute(
                sa.text(
                    "SELECT id, clause_id, explanation FROM entitlements"
                    " WHERE city = :city AND id > :last ORDER BY id LIMIT :n"
                ),
                {"city": city, "last": last, "n": CHUNK},
            ).all()
            if not rows:
                break
            last = rows[-1][0]
            updates = []
            for eid, cid, text in rows:
                if cid not in fixed or not text:
                    continue
                body = explain.split_fixed(tuple(text.split("\n")), *fixed[cid])
                if body is not None:
                    updates.append({"b": "\n".join(body), "t": ids[cid], "i": eid})
            if updates:
                conn.execute(
                    sa.text("UPDATE entitlements SET explanation = :b, texts_id = :t WHERE id = :i"), updates
                )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE entitlements SET explanation = (SELECT"
            " CASE WHEN entitlements.explanation = '' THEN"
            "   CASE WHEN t.tail = '' THEN t.head ELSE t.head || char(10) || t.tail END"
            " ELSE t.head || char(10) || entitlements.explanation"
            "   || CASE WHEN t.tail = '' THEN '' ELSE char(10) || t.tail END END"
            " FROM clause_texts t WHERE t.id = entitlements.texts_id) WHERE texts_id IS NOT NULL"
        )
    )
    if conn.dialect.name != "sqlite":
        op.drop_constraint("fk_entitlements_texts_id", "entitlements", type_="foreignkey")
    op.drop_column("entitlements", "texts_id")
    op.drop_table("clause_texts")
