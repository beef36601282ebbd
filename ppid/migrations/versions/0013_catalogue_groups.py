"""catalogue groups (topics) and the creator of each dataset

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:15:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "catalogue_group",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("extras", JSON, nullable=False),
        sa.Column("created", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_group")),
        sa.UniqueConstraint("name", name=op.f("uq_catalogue_group_name")),
    )
    op.create_table(
        "catalogue_package_group",
        sa.Column("package_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["catalogue_package.id"],
            name=op.f("fk_catalogue_package_group_package_id_catalogue_package"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["catalogue_group.id"],
            name=op.f("fk_catalogue_package_group_group_id_catalogue_group"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "group_id", name=op.f("pk_catalogue_package_group")),
    )  # fmt: skip
    op.create_index(op.f("ix_catalogue_package_group_group_id"), "catalogue_package_group", ["group_id"])
    with op.batch_alter_table("catalogue_package") as batch_op:
        batch_op.add_column(sa.Column("creator_user_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogue_package") as batch_op:
        batch_op.drop_column("creator_user_id")
    op.drop_table("catalogue_package_group")
    op.drop_table("catalogue_group")
