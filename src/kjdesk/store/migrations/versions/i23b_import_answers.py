"""certificate numbers on recognitions, remembered import answers

Revision ID: i23b
Revises: i23a
Create Date: 2026-12-03 08:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i23b"
down_revision = "i23a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recognitions") as batch:
        batch.add_column(sa.Column("cert_number", sa.String(length=60), nullable=False, server_default=""))
        batch.create_index("ix_recognitions_cert_number", ["cert_number"])
    op.create_table(
        "import_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("wording", sa.String(length=200), nullable=False),
        sa.Column("shown", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("type_id", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=260), nullable=False),
        sa.Column("answered_by", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "wording", name="uq_import_answer"),
    )
    op.create_index("ix_import_answers_unit_id", "import_answers", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_import_answers_unit_id", table_name="import_answers")
    op.drop_table("import_answers")
    with op.batch_alter_table("recognitions") as batch:
        batch.drop_index("ix_recognitions_cert_number")
        batch.drop_column("cert_number")
