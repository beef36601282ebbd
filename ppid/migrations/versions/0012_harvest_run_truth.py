"""harvest runs: failed items remembered until they change, the verify flag and the process of each run

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 04:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_run") as batch_op:
        batch_op.add_column(sa.Column("verify", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    op.create_table(
        "failed_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("schema_name", sa.String(length=120), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_failed_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("failed_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_item")),
        sa.UniqueConstraint("source_id", "key", name=op.f("uq_failed_item_source_id")),
    )


def downgrade() -> None:
    op.drop_table("failed_item")
    with op.batch_alter_table("harvest_run") as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
        batch_op.drop_column("verify")
