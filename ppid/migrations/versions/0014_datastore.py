"""the DataStore: typed Parquet copies of validated tables

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 07:15:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "datastore_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("schema_name", sa.String(length=100), nullable=False),
        sa.Column("schema_digest", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("rows_sha256", sa.String(length=64), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("primary_key", JSON, nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("created", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datastore_table")),
        sa.UniqueConstraint("sha256", "schema_name", "schema_digest",
                            name=op.f("uq_datastore_table_sha256_schema_name_schema_digest")),
    )
    op.create_index(op.f("ix_datastore_table_sha256"), "datastore_table", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_datastore_table_sha256"), table_name="datastore_table")
    op.drop_table("datastore_table")
