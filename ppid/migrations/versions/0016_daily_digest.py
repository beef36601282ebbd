"""an officer's choice of one daily digest e-mail, and the record of each day's digest

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE: SQLite adds a column with a constant default in place
    op.add_column("user_account", sa.Column("daily_digest", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "workspace_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE",
                                name=op.f("fk_workspace_digest_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace_digest")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_workspace_digest_user_id")),
    )


def downgrade() -> None:
    op.drop_table("workspace_digest")
    op.drop_column("user_account", "daily_digest")  # in place: a rebuild would trip the keys pointing at it
