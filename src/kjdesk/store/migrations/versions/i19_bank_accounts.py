"""bank accounts: the payee's 开户银行 and 账号 on units and people (optional)

Revision ID: i19
Revises: i23b
Create Date: 2026-12-03 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i19"
down_revision = "i23b"
branch_labels = None
depends_on = None

TABLES = ("units", "people")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("bank_name", sa.String(length=100), nullable=False, server_default=""))
            batch.add_column(
                sa.Column("bank_account", sa.String(length=40), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("bank_account")
            batch.drop_column("bank_name")
