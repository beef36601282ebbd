"""serta-merta announcements and their revisions, the record of overdue periodic information flagged, and notices
that lead elsewhere than to a draft

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 18:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

KINDS = ("bencana-alam", "bencana-nonalam", "bencana-sosial", "wabah", "keracunan", "gangguan-ketertiban",
         "gangguan-layanan", "lainnya")
ACTIONS = ("diterbitkan", "diubah", "diakhiri")


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("dinas_slug", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.Enum(*KINDS, name="kind", native_enum=False, length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("area", sa.String(length=300), nullable=False),
        sa.Column("starts_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
        sa.UniqueConstraint("key", name=op.f("uq_announcement_key")),
    )
    op.create_index(op.f("ix_announcement_dinas_slug"), "announcement", ["dinas_slug"])
    op.create_index(op.f("ix_announcement_starts_at"), "announcement", ["starts_at"])
    op.create_table(
        "announcement_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Enum(*ACTIONS, name="action", native_enum=False, length=30), nullable=False),
        sa.Column("at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("values", ppid.db.JsonDocument, nullable=False),
        sa.ForeignKeyConstraint(["announcement_id"], ["announcement.id"],
                                name=op.f("fk_announcement_revision_announcement_id_announcement")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_revision")),
    )
    op.create_index(op.f("ix_announcement_revision_announcement_id"), "announcement_revision", ["announcement_id"])
    op.create_table(
        "periodic_overdue_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_name", sa.String(length=200), nullable=False),
        sa.Column("dinas_slug", sa.String(length=100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("flagged_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodic_overdue_flag")),
        sa.UniqueConstraint("package_name", "due_on", name=op.f("uq_periodic_overdue_flag_package_name")),
    )
    op.create_index(op.f("ix_periodic_overdue_flag_dinas_slug"), "periodic_overdue_flag", ["dinas_slug"])
    with op.batch_alter_table("upload_notice") as batch:
        batch.alter_column("draft_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("path", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM upload_notice WHERE draft_id IS NULL")
    with op.batch_alter_table("upload_notice") as batch:
        batch.drop_column("path")
        batch.alter_column("draft_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("periodic_overdue_flag")
    op.drop_table("announcement_revision")
    op.drop_table("announcement")
