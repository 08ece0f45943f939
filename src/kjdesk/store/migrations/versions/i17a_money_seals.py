"""money seals: money rows bound to the audit chain; forced password change after a reset

Revision ID: i17a
Revises: i19
Create Date: 2026-12-03 08:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i17a"
down_revision = "i19"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("seal", sa.String(length=80), nullable=False, server_default=""))
    with op.batch_alter_table("officers") as batch:
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "money_seals",
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=True),  # since i20b (seal_everything writes it)
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "row_id"),
        sqlite_with_rowid=False,
    )
    from kjdesk.store.seal import seal_everything

    seal_everything(op.get_bind())  # what is there now is sealed, bound by one event 封存


def downgrade() -> None:
    op.drop_table("money_seals")
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("must_change_password")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("seal")
