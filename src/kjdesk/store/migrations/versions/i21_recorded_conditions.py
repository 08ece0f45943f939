"""recorded conditions (D14) and the BT-05 base by its right name (D6)

Adds the recorded conditions of units and recognitions (``conditions``, JSON of attribute →
value, policy/conditions.py) and the 须核实 mark of a yearly figure (``facts.to_verify``: why
the officer must confirm it; empty once confirmed). Then renames the fact 研发费用加计扣除额
to 加计扣除研发费用 (the R&D expense that was 加计扣除, clauses.md D6): every such figure keeps
its value under the new name and is marked 须核实 with the reason, and one audit event names
them. ``store.db.upgrade`` backs the database up before this runs.

Revision ID: i21
Revises: 0002
Create Date: 2026-12-03 08:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "i21"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_NAME = "研发费用加计扣除额"
NEW_NAME = "加计扣除研发费用"
REASON = (
    "原指标名“研发费用加计扣除额”已更名为“加计扣除研发费用”（包头（五）的计算基数是已进行加计扣除的研发费用本身，"
    "不是 75%/100% 的加计扣除额）；请核对原填数值是研发费用本身而不是加计扣除额，确认或更正后方可审批（D6）"
)


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("conditions", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("recognitions") as batch:
        batch.add_column(sa.Column("conditions", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("facts") as batch:
        batch.add_column(sa.Column("to_verify", sa.Text(), nullable=False, server_default=""))

    conn = op.get_bind()
    ids = [
        r[0]
        for r in conn.execute(
            sa.text("SELECT id FROM facts WHERE indicator = :old ORDER BY id"), {"old": OLD_NAME}
        )
    ]
    if not ids:
        return
    conn.execute(
        sa.text("UPDATE facts SET indicator = :new, to_verify = :why WHERE indicator = :old"),
        {"new": NEW_NAME, "why": REASON, "old": OLD_NAME},
    )
    _audit(conn, ids)


def _audit(conn, ids: list[int]) -> None:  # noqa: ANN001 - a Connection
    """One event in the hash chain naming every renamed figure (store/audit.py's hash)."""
    from kjdesk.store.audit import event_hash
    from kjdesk.store.models import utcnow

    last = conn.execute(sa.text("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")).first()
    prev = last[1] if last else ""
    at = utcnow()
    before = json.dumps({"indicator": OLD_NAME, "facts": ids}, ensure_ascii=False, sort_keys=True)
    after = json.dumps(
        {"indicator": NEW_NAME, "facts": ids, "to_verify": REASON}, ensure_ascii=False, sort_keys=True
    )
    row = {
        "id": (last[0] if last else 0) + 1,
        "at": at,
        "actor": "系统",
        "action": "数据迁移",
        "entity": "fact",
        "entity_id": "",
        "before": before,
        "after": after,
        "prev_hash": prev,
    }
    row["hash"] = event_hash(prev, at, "系统", "数据迁移", "fact", "", before, after)
    conn.execute(
        sa.text(
            "INSERT INTO audit_events (id, at, actor, action, entity, entity_id, before, after, prev_hash, hash) "
            "VALUES (:id, :at, :actor, :action, :entity, :entity_id, :before, :after, :prev_hash, :hash)"
        ),
        row,
    )


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text("UPDATE facts SET indicator = :old WHERE indicator = :new"),
        {"old": OLD_NAME, "new": NEW_NAME},
    )
    with op.batch_alter_table("facts") as batch:
        batch.drop_column("to_verify")
    with op.batch_alter_table("recognitions") as batch:
        batch.drop_column("conditions")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("conditions")
