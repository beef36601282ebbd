"""embedded catalogue

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:20:00.000000

The full-text index differs per database: an FTS5 table on SQLite, a GIN-indexed ``tsvector``
in ``catalogue_package_search`` on PostgreSQL (empty on SQLite); see ``ppid.catalogue.search``.
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
FTS_TABLE = "catalogue_package_fts"


def upgrade() -> None:
    op.create_table(
        "catalogue_organization",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("extras", JSON, nullable=False),
        sa.Column("created", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_organization")),
        sa.UniqueConstraint("name", name=op.f("uq_catalogue_organization_name")),
    )
    op.create_table(
        "catalogue_package",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("owner_org", sa.String(length=36), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("license_id", sa.String(length=100), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("author_email", sa.Text(), nullable=True),
        sa.Column("maintainer", sa.Text(), nullable=True),
        sa.Column("maintainer_email", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("version", sa.String(length=100), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("extras", JSON, nullable=False),
        sa.Column("metadata_created", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("metadata_modified", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_org"],
            ["catalogue_organization.id"],
            name=op.f("fk_catalogue_package_owner_org_catalogue_organization"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_catalogue_package")),
        sa.UniqueConstraint("id", name=op.f("uq_catalogue_package_id")),
        sa.UniqueConstraint("name", name=op.f("uq_catalogue_package_name")),
    )
    with op.batch_alter_table("catalogue_package", schema=None) as batch_op:
        batch_op.create_index("ix_catalogue_package_metadata_created", ["metadata_created", "pk"], unique=False)
        batch_op.create_index("ix_catalogue_package_metadata_modified", ["metadata_modified", "pk"], unique=False)
        batch_op.create_index("ix_catalogue_package_title", ["title", "pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_catalogue_package_owner_org"), ["owner_org"], unique=False)
        batch_op.create_index(batch_op.f("ix_catalogue_package_revision"), ["revision"], unique=False)

    op.create_table(
        "catalogue_resource",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("format", sa.String(length=100), nullable=False),
        sa.Column("mimetype", sa.String(length=200), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_type", sa.String(length=50), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("hash", sa.String(length=200), nullable=False),
        sa.Column("last_modified", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("metadata_modified", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("extras", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["catalogue_package.id"],
            name=op.f("fk_catalogue_resource_package_id_catalogue_package"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_resource")),
    )
    with op.batch_alter_table("catalogue_resource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_catalogue_resource_package_id"), ["package_id"], unique=False)

    op.create_table(
        "catalogue_package_term",
        sa.Column("package_pk", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_pk"],
            ["catalogue_package.pk"],
            name=op.f("fk_catalogue_package_term_package_pk_catalogue_package"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_pk", "field", "value", name=op.f("pk_catalogue_package_term")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("catalogue_package_term", schema=None) as batch_op:
        batch_op.create_index("ix_catalogue_package_term_field_value", ["field", "value"], unique=False)

    op.create_table(
        "catalogue_package_search",
        sa.Column("package_pk", sa.Integer(), nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_pk"],
            ["catalogue_package.pk"],
            name=op.f("fk_catalogue_package_search_package_pk_catalogue_package"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_pk", name=op.f("pk_catalogue_package_search")),
    )
    search_state = op.create_table(
        "catalogue_search_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_search_state")),
    )
    op.bulk_insert(search_state, [{"id": 1, "revision": 0, "epoch": str(uuid.uuid4())}])

    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_catalogue_package_search_vector", "catalogue_package_search", ["search_vector"], postgresql_using="gin"
        )
    else:
        op.execute(
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
            "title, tags, notes, organization, other, tokenize = 'unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    op.drop_table("catalogue_search_state")
    op.drop_table("catalogue_package_search")
    op.drop_table("catalogue_package_term")
    op.drop_table("catalogue_resource")
    op.drop_table("catalogue_package")
    op.drop_table("catalogue_organization")
