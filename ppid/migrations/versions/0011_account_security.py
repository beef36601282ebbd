"""account security: API tokens, the account event log, and a session epoch per user

Revision ID: 0011
Revises: 0005
Create Date: 2026-11-25 10:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import ppid.db

revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None

EVENT_KINDS = (
    "login", "login_failed", "account_locked", "address_locked", "logout", "password_reset_requested",
    "password_changed", "token_created", "token_revoked", "user_created", "user_deactivated", "user_reactivated",
    "role_granted", "role_revoked",
)


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"])
    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.Enum(*EVENT_KINDS, name="accounteventkind", native_enum=False, length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_account_event_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_account_event_actor_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_event")),
    )
    op.create_index(op.f("ix_account_event_created_at"), "account_event", ["created_at"])
    op.create_index(op.f("ix_account_event_kind"), "account_event", ["kind"])
    op.create_index(op.f("ix_account_event_user_id"), "account_event", ["user_id"])
    op.create_index(op.f("ix_account_event_ip_address"), "account_event", ["ip_address"])


def downgrade() -> None:
    op.drop_table("account_event")
    op.drop_table("api_token")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("session_epoch")
