"""the annual information service report as issued: sections A-B, E-F, finalised versions, copies to the KI

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "laporan_layanan_profil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", ppid.db.JsonDocument, nullable=False),
        sa.Column("edited_by", sa.String(length=80), nullable=False),
        sa.Column("edited_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laporan_layanan_profil")),
    )
    op.create_table(
        "laporan_layanan_tahun",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("content", ppid.db.JsonDocument, nullable=False),
        sa.Column("edited_by", sa.String(length=80), nullable=False),
        sa.Column("edited_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_laporan_layanan_tahun")),
    )
    op.create_table(
        "laporan_layanan_versi",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", ppid.db.JsonDocument, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finalised_by", sa.String(length=80), nullable=False),
        sa.Column("finalised_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laporan_layanan_versi")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_laporan_layanan_versi_year")),
    )
    op.create_index(op.f("ix_laporan_layanan_versi_year"), "laporan_layanan_versi", ["year"])
    op.create_table(
        "laporan_layanan_salinan_ki",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["laporan_layanan_versi.id"],
                                name=op.f("fk_laporan_layanan_salinan_ki_version_id_laporan_layanan_versi")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_laporan_layanan_salinan_ki")),
    )
    op.create_index(op.f("ix_laporan_layanan_salinan_ki_year"), "laporan_layanan_salinan_ki", ["year"])
    # a finalised version is immutable (the ORM guard is in ppid.permohonan.service_report): enforce it for
    # every other writer too, as migration 0003 does for the request events
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION laporan_layanan_versi_final() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'laporan_layanan_versi is final'; END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER laporan_layanan_versi_final BEFORE UPDATE OR DELETE ON laporan_layanan_versi
                      FOR EACH ROW EXECUTE FUNCTION laporan_layanan_versi_final()""")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER laporan_layanan_versi_final_{action.lower()} BEFORE {action}
                           ON laporan_layanan_versi BEGIN SELECT RAISE(ABORT, 'laporan_layanan_versi is final'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER laporan_layanan_versi_final ON laporan_layanan_versi")
        op.execute("DROP FUNCTION laporan_layanan_versi_final()")
    op.drop_index(op.f("ix_laporan_layanan_salinan_ki_year"), table_name="laporan_layanan_salinan_ki")
    op.drop_table("laporan_layanan_salinan_ki")
    op.drop_index(op.f("ix_laporan_layanan_versi_year"), table_name="laporan_layanan_versi")
    op.drop_table("laporan_layanan_versi")
    op.drop_table("laporan_layanan_tahun")
    op.drop_table("laporan_layanan_profil")
