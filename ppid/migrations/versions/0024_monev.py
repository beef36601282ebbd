"""the administrator's answers to the monev questions the platform cannot answer from its records

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 18:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monev_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", ppid.db.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monev_item")),
        sa.UniqueConstraint("year", "dinas_slug", "key", name=op.f("uq_monev_item_year")),
    )


def downgrade() -> None:
    op.drop_table("monev_item")
