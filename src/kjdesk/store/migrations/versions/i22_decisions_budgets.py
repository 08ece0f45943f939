"""乌海 decided amounts: decisions, budgets, the basis and waiting year of entitlements

Revision ID: i22
Revises: i17a
Create Date: 2026-12-03 08:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i22"
down_revision = "i17a"
branch_labels = None
depends_on = None

FEN = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("file_ref", sa.String(length=260), nullable=False, server_default=""),
        sa.Column("created_by", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number", name="uq_decision_number"),
    )
    op.create_table(
        "budgets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.String(length=60), nullable=False, server_default=""),
        sa.Column("amount_fen", FEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "clause_id", name="uq_budget_year_clause"),
    )
    op.create_table(
        "target_notes",
        sa.Column("target_id", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_by", sa.String(length=40), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("target_id"),
    )
    with op.batch_alter_table("entered_amounts") as batch:
        batch.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("district_fen", FEN, nullable=True))
        batch.create_foreign_key("fk_entered_decision", "decisions", ["decision_id"], ["id"])
    with op.batch_alter_table("entitlements") as batch:
        batch.add_column(sa.Column("basis", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("entered_amount_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("waiting_year", sa.Integer(), nullable=True))
    with op.batch_alter_table("approval_batches") as batch:
        batch.add_column(sa.Column("over_budget_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("approval_batches") as batch:
        batch.drop_column("over_budget_reason")
    with op.batch_alter_table("entitlements") as batch:
        batch.drop_column("waiting_year")
        batch.drop_column("entered_amount_id")
        batch.drop_column("basis")
    with op.batch_alter_table("entered_amounts") as batch:
        batch.drop_constraint("fk_entered_decision", type_="foreignkey")
        batch.drop_column("district_fen")
        batch.drop_column("decision_id")
    op.drop_table("target_notes")
    op.drop_table("budgets")
    op.drop_table("decisions")
