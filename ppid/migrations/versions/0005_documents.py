"""documents: text and page counts read from public documents, and the catalogue's search-only resource text

Revision ID: 0005
Revises: 0009
Create Date: 2026-11-25 10:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0005"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("extracted_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_text")),
        sa.UniqueConstraint("sha256", name=op.f("uq_document_text_sha256")),
    )
    with op.batch_alter_table("catalogue_resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("catalogue_resource", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    op.drop_table("document_text")
