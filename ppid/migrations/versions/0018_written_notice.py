"""the letters issued with a decision (written notice, refusal decision), kept with their SHA-256 for verification

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "permohonan_surat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("pemberitahuan_tertulis", "keputusan_penolakan", name="documentkind",
                                  native_enum=False, length=30), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("issued_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["permohonan_id"], ["permohonan.id"],
                                name=op.f("fk_permohonan_surat_permohonan_id_permohonan")),
        sa.ForeignKeyConstraint(["event_id"], ["permohonan_event.id"],
                                name=op.f("fk_permohonan_surat_event_id_permohonan_event")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_surat")),
        sa.UniqueConstraint("code", name=op.f("uq_permohonan_surat_code")),
        sa.UniqueConstraint("event_id", "kind", name=op.f("uq_permohonan_surat_event_id")),
    )
    op.create_index(op.f("ix_permohonan_surat_permohonan_id"), "permohonan_surat", ["permohonan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_permohonan_surat_permohonan_id"), "permohonan_surat")
    op.drop_table("permohonan_surat")
