"""accounts and pipeline

Revision ID: 0001
Revises:
Create Date: 2026-11-25 05:49:15.978526
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "harvest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("running", "finished", "failed", name="runstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("started_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "counts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_run")),
    )
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_run_status"), ["status"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "validation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("schema_name", sa.String(length=120), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column(
            "report", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("rows_to_fix_key", sa.String(length=500), nullable=True),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_validation_record")),
    )
    with op.batch_alter_table("validation_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_validation_record_sha256"), ["sha256"], unique=False)

    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "walidata", "petugas", "atasan", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("dinas_slug", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_role_grant_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
        sa.UniqueConstraint("user_id", "role", "dinas_slug", name=op.f("uq_role_grant_user_id")),
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_grant_user_id"), ["user_id"], unique=False)

    op.create_table(
        "run_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("item_key", sa.String(length=1000), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "new",
                "updated",
                "unchanged",
                "invalid",
                "failed",
                "withdrawn",
                "source-failed",
                name="itemoutcome",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["harvest_run.id"], name=op.f("fk_run_event_run_id_harvest_run"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_event")),
    )
    with op.batch_alter_table("run_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_event_run_id"), ["run_id"], unique=False)

    op.create_table(
        "tracked_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=60), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("schema_name", sa.String(length=120), nullable=True),
        sa.Column("dataset_name", sa.String(length=100), nullable=False),
        sa.Column(
            "dataset_meta",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "valid", "invalid", "document", "failed", "withdrawn", name="filestate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("missing_since", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("published_sha256", sa.String(length=64), nullable=True),
        sa.Column("published_storage_key", sa.String(length=500), nullable=True),
        sa.Column("publish_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["validation_record.id"], name=op.f("fk_tracked_file_report_id_validation_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_file")),
        sa.UniqueConstraint("source_id", "key", name=op.f("uq_tracked_file_source_id")),
    )
    with op.batch_alter_table("tracked_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracked_file_dataset_name"), ["dataset_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracked_file_dinas_slug"), ["dinas_slug"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("tracked_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracked_file_dinas_slug"))
        batch_op.drop_index(batch_op.f("ix_tracked_file_dataset_name"))

    op.drop_table("tracked_file")
    with op.batch_alter_table("run_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_event_run_id"))

    op.drop_table("run_event")
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_grant_user_id"))

    op.drop_table("role_grant")
    with op.batch_alter_table("validation_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_record_sha256"))

    op.drop_table("validation_record")
    op.drop_table("user_account")
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_run_status"))

    op.drop_table("harvest_run")
