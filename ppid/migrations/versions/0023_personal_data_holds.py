"""files held back from publication because they hold personal data, and the walidata's decision on each

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 18:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_data_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=60), nullable=False),
        sa.Column("dataset_name", sa.String(length=100), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("item_key", sa.String(length=1000), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("findings", ppid.db.JsonDocument, nullable=False),
        sa.Column("status", sa.Enum("ditahan", "dilepas", "dikembalikan", name="holdstatus", native_enum=False,
                                    length=20), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_data_hold")),
        sa.UniqueConstraint("source_id", "item_key", "sha256",
                            name=op.f("uq_personal_data_hold_source_id")),
    )
    op.create_index(op.f("ix_personal_data_hold_dinas_slug"), "personal_data_hold", ["dinas_slug"])


def downgrade() -> None:
    op.drop_index(op.f("ix_personal_data_hold_dinas_slug"), table_name="personal_data_hold")
    op.drop_table("personal_data_hold")
