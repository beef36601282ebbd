"""permohonan: requests, their append-only events, requesters' personal data, objections, number counters

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:40:00.000000

``permohonan_event`` refuses UPDATE and DELETE with a trigger on both databases: the history of a
request is its legal record (UU KIP Pasal 22; kip-rules §4 "minimum audit data").
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade() -> None:
    op.create_table(
        "permohonan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence_scope", sa.String(length=60), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "channel", _enum("channel", 20, "web", "api", "surat", "email", "telepon", "langsung"), nullable=False
        ),
        sa.Column("received_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "requester_type", _enum("requestertype", 20, "perorangan", "badan_hukum", "kelompok"), nullable=False
        ),
        sa.Column("information_requested", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("access_method", _enum("accessmethod", 20, "melihat", "salinan"), nullable=False),
        sa.Column("copy_format", _enum("copyformat", 20, "softcopy", "hardcopy"), nullable=True),
        sa.Column(
            "delivery_method",
            _enum("deliverymethod", 30, "mengambil_langsung", "kurir", "pos", "faksimili", "email"),
            nullable=True,
        ),
        sa.Column("tracking_token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan")),
        sa.UniqueConstraint("number", name=op.f("uq_permohonan_number")),
        sa.UniqueConstraint("tracking_token_hash", name=op.f("uq_permohonan_tracking_token_hash")),
        sa.UniqueConstraint("year", "sequence_scope", "sequence", name=op.f("uq_permohonan_year")),
    )
    op.create_table(
        "permohonan_counter",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", "scope", name=op.f("pk_permohonan_counter")),
    )
    op.create_table(
        "permohonan_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "eventkind", 30, "diterima", "diteruskan", "kelengkapan_diminta", "kelengkapan_dipenuhi",
                "diperpanjang", "diputuskan", "ditutup", "keberatan_diajukan", "keberatan_diputus",
            ),
            nullable=False,
        ),
        sa.Column("at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("dinas_slug", sa.String(length=60), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["permohonan_id"], ["permohonan.id"], name=op.f("fk_permohonan_event_permohonan_id_permohonan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_event")),
        sa.UniqueConstraint("permohonan_id", "sequence", name=op.f("uq_permohonan_event_permohonan_id")),
    )
    op.create_table(
        "permohonan_pemohon",
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=True),
        sa.Column("legal_entity_decree", sa.String(length=120), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("occupation", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("identity_documents", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["permohonan_id"], ["permohonan.id"], name=op.f("fk_permohonan_pemohon_permohonan_id_permohonan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("permohonan_id", name=op.f("pk_permohonan_pemohon")),
    )
    op.create_table(
        "permohonan_keberatan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence_scope", sa.String(length=60), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("received_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("grounds", JSON, nullable=False),
        sa.Column("case_description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["permohonan_id"], ["permohonan.id"], name=op.f("fk_permohonan_keberatan_permohonan_id_permohonan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_keberatan")),
        sa.UniqueConstraint("number", name=op.f("uq_permohonan_keberatan_number")),
        sa.UniqueConstraint("year", "sequence_scope", "sequence", name=op.f("uq_permohonan_keberatan_year")),
    )
    with op.batch_alter_table("permohonan_keberatan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_permohonan_keberatan_permohonan_id"), ["permohonan_id"], unique=False)
    _create_append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS permohonan_event_append_only ON permohonan_event")
        op.execute("DROP FUNCTION IF EXISTS permohonan_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS permohonan_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS permohonan_event_no_delete")
    with op.batch_alter_table("permohonan_keberatan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_permohonan_keberatan_permohonan_id"))
    op.drop_table("permohonan_keberatan")
    op.drop_table("permohonan_pemohon")
    op.drop_table("permohonan_event")
    op.drop_table("permohonan_counter")
    op.drop_table("permohonan")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION permohonan_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'permohonan_event is append-only';
            END $$
            """
        )
        op.execute(
            """
            CREATE TRIGGER permohonan_event_append_only BEFORE UPDATE OR DELETE ON permohonan_event
            FOR EACH ROW EXECUTE FUNCTION permohonan_event_append_only()
            """
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"""
            CREATE TRIGGER permohonan_event_no_{action.lower()} BEFORE {action} ON permohonan_event
            BEGIN SELECT RAISE(ABORT, 'permohonan_event is append-only'); END
            """
        )
