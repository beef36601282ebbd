"""the e-mail outbox (claims, back-off, one log row per attempt), filing keys, the calendar's version stamp

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 10:45:00.000000
"""

import uuid

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (no batch rebuild): SQLite adds and drops these columns in place, and rebuilding
    # permohonan would trip the foreign keys that point at it
    op.add_column("mail_delivery", sa.Column("next_attempt_at", ppid.db.UtcDateTime(timezone=True), nullable=True))
    op.add_column("mail_delivery", sa.Column("claimed_by", sa.String(length=80), nullable=True))
    op.add_column("mail_delivery", sa.Column("claimed_until", ppid.db.UtcDateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_mail_delivery_status"), "mail_delivery", ["status"])
    op.create_table(
        "mail_delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=80), nullable=False),
        sa.Column("started_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("server_reply", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["mail_delivery.id"], ondelete="CASCADE",
                                name=op.f("fk_mail_delivery_attempt_delivery_id_mail_delivery")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_delivery_attempt")),
        sa.UniqueConstraint("delivery_id", "number", name=op.f("uq_mail_delivery_attempt_delivery_id")),
    )
    op.add_column("permohonan", sa.Column("submission_key", sa.String(length=100), nullable=True))
    op.add_column("permohonan", sa.Column("submission_digest", sa.String(length=64), nullable=True))
    # a unique index rather than a constraint: SQLite adds it without rebuilding the table
    op.create_index("uq_permohonan_submission_key", "permohonan", ["submission_key"], unique=True)
    version = op.create_table(
        "permohonan_kalender_versi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("changed_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_kalender_versi")),
    )
    op.bulk_insert(version, [{"id": 1, "version": uuid.uuid4().hex, "changed_at": ppid.db.utcnow()}])


def downgrade() -> None:
    op.drop_table("permohonan_kalender_versi")
    op.drop_index("uq_permohonan_submission_key", "permohonan")
    op.drop_column("permohonan", "submission_digest")
    op.drop_column("permohonan", "submission_key")
    op.drop_table("mail_delivery_attempt")
    op.drop_index(op.f("ix_mail_delivery_status"), "mail_delivery")
    for column in ("claimed_until", "claimed_by", "next_attempt_at"):
        op.drop_column("mail_delivery", column)
