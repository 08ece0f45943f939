"""units.size_written: the size as the roster or form wrote it (中型企业, 规上企业 …)

The size class (小微企业 / 其他企业) is what the policies read; the written size is kept beside
it so that “中型企业” is not lost when it is read as 其他企业 (issue 23).

Revision ID: i23a
Revises: i21
Create Date: 2026-12-03 08:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i23a"
down_revision = "i21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("size_written", sa.String(length=20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("size_written")
