"""uploader: dataset drafts, file versions, resumable upload sessions, the append-only draft record, notices

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-25 10:40:00.000000

``draft_event`` refuses UPDATE and DELETE with a trigger on both databases: it is the record of who
uploaded, approved or sent back what, and when.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, ppid.db.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "upload_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=60), nullable=False),
        sa.Column("dataset_slug", sa.String(length=100), nullable=False),
        sa.Column("meta", JSON, nullable=False),
        sa.Column("status", _enum("draftstatus", "draf", "diajukan", "dikembalikan", "disetujui"), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_draft")),
    )
    op.create_index(op.f("ix_upload_draft_dinas_slug"), "upload_draft", ["dinas_slug"])
    op.create_table(
        "upload_draft_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=300), nullable=False),
        sa.Column("schema_name", sa.String(length=120), nullable=True),
        _at("created_at"),
        sa.ForeignKeyConstraint(["draft_id"], ["upload_draft.id"],
                                name=op.f("fk_upload_draft_file_draft_id_upload_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_draft_file")),
        sa.UniqueConstraint("draft_id", "slot", name=op.f("uq_upload_draft_file_draft_id")),
    )
    op.create_index(op.f("ix_upload_draft_file_draft_id"), "upload_draft_file", ["draft_id"])
    op.create_table(
        "upload_file_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("schema_name", sa.String(length=120), nullable=True),
        sa.Column("state", _enum("versionstate", "diperiksa", "valid", "invalid", "dokumen", "gagal"), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_name", sa.String(length=200), nullable=False),
        _at("uploaded_at"),
        sa.ForeignKeyConstraint(["file_id"], ["upload_draft_file.id"],
                                name=op.f("fk_upload_file_version_file_id_upload_draft_file")),
        sa.ForeignKeyConstraint(["report_id"], ["validation_record.id"],
                                name=op.f("fk_upload_file_version_report_id_validation_record")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_file_version")),
        sa.UniqueConstraint("file_id", "number", name=op.f("uq_upload_file_version_file_id")),
    )
    op.create_index(op.f("ix_upload_file_version_file_id"), "upload_file_version", ["file_id"])
    op.create_table(
        "upload_session",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("replaces_file_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("part_size", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=500), nullable=False),
        sa.Column("storage_upload_id", sa.String(length=1024), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["draft_id"], ["upload_draft.id"],
                                name=op.f("fk_upload_session_draft_id_upload_draft")),
        sa.ForeignKeyConstraint(["replaces_file_id"], ["upload_draft_file.id"],
                                name=op.f("fk_upload_session_replaces_file_id_upload_draft_file")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_session")),
    )
    op.create_index(op.f("ix_upload_session_draft_id"), "upload_session", ["draft_id"])
    op.create_table(
        "upload_part",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["upload_session.id"], ondelete="CASCADE",
                                name=op.f("fk_upload_part_session_id_upload_session")),
        sa.PrimaryKeyConstraint("session_id", "number", name=op.f("pk_upload_part")),
    )
    op.create_table(
        "draft_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("drafteventkind", "dibuat", "metadata_diubah", "berkas_diunggah", "skema_dipilih",
                                "divalidasi", "diajukan", "dikembalikan", "disetujui", "diterbitkan",
                                "gagal_terbit"), nullable=False),
        _at("at"),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["upload_draft.id"], name=op.f("fk_draft_event_draft_id_upload_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_event")),
    )
    op.create_index(op.f("ix_draft_event_draft_id"), "draft_event", ["draft_id"])
    op.create_table(
        "upload_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _at("created_at"),
        _at("read_at", nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["upload_draft.id"], name=op.f("fk_upload_notice_draft_id_upload_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_notice")),
    )
    op.create_index(op.f("ix_upload_notice_user_id"), "upload_notice", ["user_id"])
    _create_append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS draft_event_append_only ON draft_event")
        op.execute("DROP FUNCTION IF EXISTS draft_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS draft_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS draft_event_no_delete")
    for table in ("upload_notice", "draft_event", "upload_part", "upload_session", "upload_file_version",
                  "upload_draft_file", "upload_draft"):
        op.drop_table(table)


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION draft_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'draft_event is append-only';
            END $$
            """
        )
        op.execute(
            """
            CREATE TRIGGER draft_event_append_only BEFORE UPDATE OR DELETE ON draft_event
            FOR EACH ROW EXECUTE FUNCTION draft_event_append_only()
            """
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"""
            CREATE TRIGGER draft_event_no_{action.lower()} BEFORE {action} ON draft_event
            BEGIN SELECT RAISE(ABORT, 'draft_event is append-only'); END
            """
        )
