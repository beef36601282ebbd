"""the DIK keeps its history: an entry is opened (UU KIP Pasal 20) instead of deleted, every version of it is kept,
and an entry removed as a mistake leaves a record of who removed it and what it said

Each existing entry becomes version 1 of itself. The downgrade drops the history and the removal log, and
deletes entries that were opened: the schema before this one has no way to say that an entry is no longer in force,
and keeping them would show opened information as still exempt.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 21:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

CONTENT = ("public_title", "pasal_17_letter", "sub_ground", "legal_basis", "tested_on", "harm_if_opened",
           "public_interest", "decided_by", "sk_number", "sk_date", "starts_on", "ends_on", "dataset_name")
DAYS = {"tested_on", "sk_date", "starts_on", "ends_on"}


def upgrade() -> None:
    with op.batch_alter_table("publication_dik") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("changed_at", ppid.db.UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("opened_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("opened_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("opened_sk_number", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("opened_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("opened_by_name", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("opened_at", ppid.db.UtcDateTime(timezone=True), nullable=True))
    versions = op.create_table(
        "publication_dik_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dik_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("values", ppid.db.JsonDocument, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["dik_id"], ["publication_dik.id"],
                                name=op.f("fk_publication_dik_version_dik_id_publication_dik")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_dik_version")),
        sa.UniqueConstraint("dik_id", "version", name=op.f("uq_publication_dik_version_dik_id")),
    )
    op.create_index(op.f("ix_publication_dik_version_dik_id"), "publication_dik_version", ["dik_id"])
    op.create_table(
        "publication_dik_removal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dik_id", sa.Integer(), nullable=False),
        sa.Column("dinas_slug", sa.String(length=50), nullable=False),
        sa.Column("public_title", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("versions", ppid.db.JsonDocument, nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_by_name", sa.String(length=200), nullable=False),
        sa.Column("removed_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_dik_removal")),
    )
    op.create_index(op.f("ix_publication_dik_removal_dinas_slug"), "publication_dik_removal", ["dinas_slug"])
    entries = sa.table("publication_dik", sa.column("id", sa.Integer),
                       sa.column("recorded_by_name", sa.String), sa.column("recorded_at", ppid.db.UtcDateTime()),
                       *(sa.column(name, sa.Date if name in DAYS else sa.String) for name in CONTENT))
    connection = op.get_bind()
    rows = connection.execute(sa.select(entries)).mappings().all()
    if rows:
        connection.execute(versions.insert(), [
            {"dik_id": row["id"], "version": 1, "reason": "", "recorded_by_id": None,
             "recorded_by_name": row["recorded_by_name"], "recorded_at": row["recorded_at"],
             "values": {name: row[name].isoformat() if name in DAYS else row[name] for name in CONTENT}}
            for row in rows])


def downgrade() -> None:
    op.drop_index(op.f("ix_publication_dik_removal_dinas_slug"), table_name="publication_dik_removal")
    op.drop_table("publication_dik_removal")
    op.drop_index(op.f("ix_publication_dik_version_dik_id"), table_name="publication_dik_version")
    op.drop_table("publication_dik_version")
    op.execute("DELETE FROM publication_dik WHERE opened_on IS NOT NULL")
    with op.batch_alter_table("publication_dik") as batch:
        for column in ("opened_at", "opened_by_name", "opened_by_id", "opened_sk_number", "opened_reason",
                       "opened_on", "changed_at", "version"):
            batch.drop_column(column)
