"""permohonan record: hash-chained events, deadline reminders, the editable calendar, encrypted NIK

Existing events are sealed in the order they were written, with the same function the application uses
(:func:`ppid.permohonan.chain.seal`). The append-only triggers are lifted only for that backfill and put
back at once (on SQLite, rebuilding the table for the new constraints drops them too).

Revision ID: 0010
Revises: 0011
Create Date: 2026-11-25 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ppid.db

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
SQLITE_TRIGGERS = ("UPDATE", "DELETE")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        _drop_sqlite_triggers()
    with op.batch_alter_table("permohonan_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    if postgres:
        op.execute("ALTER TABLE permohonan_event DISABLE TRIGGER permohonan_event_append_only")
    _seal_existing_events()
    if postgres:
        op.execute("ALTER TABLE permohonan_event ENABLE TRIGGER permohonan_event_append_only")
    with op.batch_alter_table("permohonan_event", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_permohonan_event_prev_hash"), ["prev_hash"])
        batch_op.create_unique_constraint(batch_op.f("uq_permohonan_event_hash"), ["hash"])
    if not postgres:
        _create_sqlite_triggers()

    with op.batch_alter_table("permohonan_pemohon", schema=None) as batch_op:
        batch_op.alter_column("nik", existing_type=sa.String(length=16), type_=sa.String(length=255),
                              existing_nullable=True)

    op.create_table(
        "permohonan_pengingat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("permohonan_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sent_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["permohonan_id"], ["permohonan.id"], name=op.f("fk_permohonan_pengingat_permohonan_id_permohonan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_pengingat")),
        sa.UniqueConstraint("permohonan_id", "day", name=op.f("uq_permohonan_pengingat_permohonan_id")),
    )
    op.create_table(
        "permohonan_kalender",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.Enum("libur", "hari_kerja", name="holidaykind", native_enum=False, length=20),
                  nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", ppid.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("removed_by", sa.String(length=80), nullable=True),
        sa.Column("removed_at", ppid.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permohonan_kalender")),
    )
    op.create_index(op.f("ix_permohonan_kalender_day"), "permohonan_kalender", ["day"])


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table("permohonan_kalender")
    op.drop_table("permohonan_pengingat")
    if not postgres:
        _drop_sqlite_triggers()
    with op.batch_alter_table("permohonan_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_permohonan_event_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_permohonan_event_prev_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    if not postgres:
        _create_sqlite_triggers()


def _seal_existing_events() -> None:
    # Imported here: Alembic loads every revision at each start, and a harvest must not load the request module.
    from ppid.permohonan.chain import GENESIS, REQUEST_FACTS, request_facts, seal

    events = sa.table(
        "permohonan_event",
        sa.column("id", sa.Integer()), sa.column("permohonan_id", sa.Integer()), sa.column("sequence", sa.Integer()),
        sa.column("kind", sa.String()), sa.column("at", ppid.db.UtcDateTime(timezone=True)),
        sa.column("actor_user_id", sa.Integer()), sa.column("actor_name", sa.String()),
        sa.column("dinas_slug", sa.String()), sa.column("payload", JSON),
        sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()),
    )
    requests = sa.table(
        "permohonan", sa.column("id", sa.Integer()), sa.column("received_at", ppid.db.UtcDateTime(timezone=True)),
        *(sa.column(name, sa.String()) for name in REQUEST_FACTS if name != "received_at"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events, *(requests.c[name] for name in REQUEST_FACTS))
        .join(requests, requests.c.id == events.c.permohonan_id).order_by(events.c.id)
    ).all()
    previous = GENESIS
    for row in rows:
        sealed = seal(document=request_facts(row), sequence=row.sequence, kind=row.kind, at=row.at,
                      actor_user_id=row.actor_user_id, actor_name=row.actor_name, dinas_slug=row.dinas_slug,
                      payload=row.payload, prev_hash=previous)
        connection.execute(sa.update(events).where(events.c.id == row.id).values(prev_hash=previous, hash=sealed))
        previous = sealed


def _drop_sqlite_triggers() -> None:
    for action in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS permohonan_event_no_{action.lower()}")


def _create_sqlite_triggers() -> None:
    """The same triggers as migration 0003."""
    for action in SQLITE_TRIGGERS:
        op.execute(
            f"""
            CREATE TRIGGER permohonan_event_no_{action.lower()} BEFORE {action} ON permohonan_event
            BEGIN SELECT RAISE(ABORT, 'permohonan_event is append-only'); END
            """
        )
