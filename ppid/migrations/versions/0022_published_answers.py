"""answers to fulfilled requests, published without the requester's identity

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 18:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_jawaban",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("dinas_slug", sa.String(length=60), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("files", ppid.db.JsonDocument, nullable=False),
        sa.Column("published_by_name", sa.String(length=200), nullable=False),
        sa.Column("published_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["permohonan_id"], ["permohonan.id"],
                                name=op.f("fk_publication_jawaban_permohonan_id_permohonan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_jawaban")),
        sa.UniqueConstraint("permohonan_id", name=op.f("uq_publication_jawaban_permohonan_id")),
    )
    op.create_index(op.f("ix_publication_jawaban_dinas_slug"), "publication_jawaban", ["dinas_slug"])


def downgrade() -> None:
    op.drop_index(op.f("ix_publication_jawaban_dinas_slug"), table_name="publication_jawaban")
    op.drop_table("publication_jawaban")
