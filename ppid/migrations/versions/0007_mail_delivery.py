"""mail_delivery: every outgoing e-mail and what became of it

Revision ID: 0007
Revises: 0003
Create Date: 2026-11-25 10:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "sent", "saved", "failed", name="deliverystatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("server_reply", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_delivery_message_id")),
    )
    op.create_index(op.f("ix_mail_delivery_category"), "mail_delivery", ["category"])
    op.create_index(op.f("ix_mail_delivery_reference"), "mail_delivery", ["reference"])


def downgrade() -> None:
    op.drop_table("mail_delivery")
