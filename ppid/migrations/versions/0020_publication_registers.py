"""the publication registers: the walidata's classifications, declared DIP entries, the SK of a DIP, the DIK

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 17:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publication_classification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=50), nullable=False),
        sa.Column("dataset_name", sa.String(length=200), nullable=False),
        sa.Column("kategori_informasi", sa.String(length=20), nullable=False),
        sa.Column("periode_bulan", sa.Integer(), nullable=True),
        sa.Column("pasal_11_huruf", sa.String(length=1), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("changed_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_classification")),
        sa.UniqueConstraint("dinas_slug", "dataset_name", name=op.f("uq_publication_classification_dinas_slug")),
    )
    op.create_table(
        "publication_declared",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("holder_unit", sa.String(length=300), nullable=False),
        sa.Column("responsible", sa.String(length=300), nullable=False),
        sa.Column("made_when", sa.String(length=100), nullable=False),
        sa.Column("made_where", sa.String(length=200), nullable=False),
        sa.Column("formats", sa.String(length=200), nullable=False),
        sa.Column("retention", sa.String(length=100), nullable=False),
        sa.Column("kategori_informasi", sa.String(length=20), nullable=False),
        sa.Column("periode_bulan", sa.Integer(), nullable=True),
        sa.Column("pasal_11_huruf", sa.String(length=1), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_declared")),
    )
    op.create_index(op.f("ix_publication_declared_dinas_slug"), "publication_declared", ["dinas_slug"])
    op.create_table(
        "publication_dip_decree",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=50), nullable=False),
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_dip_decree")),
    )
    op.create_index(op.f("ix_publication_dip_decree_dinas_slug"), "publication_dip_decree", ["dinas_slug"])
    op.create_table(
        "publication_dik",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=50), nullable=False),
        sa.Column("public_title", sa.String(length=300), nullable=False),
        sa.Column("pasal_17_letter", sa.String(length=1), nullable=False),
        sa.Column("sub_ground", sa.String(length=300), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("tested_on", sa.Date(), nullable=False),
        sa.Column("harm_if_opened", sa.Text(), nullable=False),
        sa.Column("public_interest", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=300), nullable=False),
        sa.Column("sk_number", sa.String(length=200), nullable=False),
        sa.Column("sk_date", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("dataset_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_dik")),
    )
    op.create_index(op.f("ix_publication_dik_dinas_slug"), "publication_dik", ["dinas_slug"])


def downgrade() -> None:
    op.drop_table("publication_dik")
    op.drop_table("publication_dip_decree")
    op.drop_table("publication_declared")
    op.drop_table("publication_classification")
