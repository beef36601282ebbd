"""the service standards an administrator edits (standar layanan informasi publik, Perki 1/2021 Pasal 47-48)

Musyawarah and the requester's response to an objection are events of the request (``permohonan_event.kind``
is a plain string column), so they need no table.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standar_layanan",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("content", ppid.db.JsonDocument, nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_standar_layanan")),
    )


def downgrade() -> None:
    op.drop_table("standar_layanan")
