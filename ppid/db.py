"""The database: one SQLAlchemy engine per settings, sessions, and Alembic migrations applied on start."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.types import TypeDecorator

from ppid.config import ConfigError, Settings
from ppid.i18n import _

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x70706964  # "ppid": the PostgreSQL advisory lock held while migrations are applied
IDLE_BEFORE_PING = 1.0
"""Seconds a pooled connection may rest and still be handed out without a ping first (see :class:`Database`)."""
_RESTING_SINCE = "ppid.resting_since"
READ_ONLY = "ppid.read_only"
"""The ``Session.info`` key that marks a session from :attr:`Database.reads`."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """An engine and its session factory; one per application or CLI run.

    A connection that rested in the pool longer than :data:`IDLE_BEFORE_PING` is pinged before it is handed out,
    and replaced when the database dropped it meanwhile (a restart, a firewall's idle time-out). One taken again
    sooner is not: under a crowd that ping was a round trip and a tenth of a millisecond of CPU on every request
    (issue 17), and a connection the database drops mid-crowd fails its request with a 503 like any other drop.

    The pool holds ``pool_size`` connections (plus ``max_overflow`` for a burst). A request that finds none free
    waits ``pool_timeout`` seconds, then gets :class:`sqlalchemy.exc.TimeoutError`, which the web app answers
    with 503 and Retry-After (:mod:`ppid.error_pages`): a crowd is told to come back instead of queueing for
    half a minute and failing. ``None`` keeps SQLAlchemy's default.

    ``reads`` makes sessions for a page that only reads: no transaction, so no ``BEGIN`` before its statement and
    no ``ROLLBACK`` when it closes, two of a tracking page's three round trips, each a wait for the GIL again under
    a crowd (issue 17). Each statement sees what was committed when it ran, so a page whose statements must agree
    with each other uses ``sessions``; writing through a read session raises :class:`ReadOnlySessionError`.
    """

    def __init__(self, url: str, *, pool_size: int | None = None, max_overflow: int | None = None,
                 pool_timeout: float | None = None) -> None:
        self.url = url
        # A failed statement's error names the statement but not its values: those are what requesters typed
        # (name, address, e-mail), and the error goes to the log (UU 27/2022).
        options: dict[str, object] = {"future": True, "hide_parameters": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if make_url(url).database not in (None, "", ":memory:"):  # an in-memory SQLite has one connection per thread
            pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
            options.update({key: value for key, value in pool.items() if value is not None})
        self.engine: Engine = create_engine(url, **options)
        event.listen(self.engine, "checkin", _note_rest)
        event.listen(self.engine, "checkout", _pinging_after_rest(self.engine.dialect))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.reads = sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False,
                                  info={READ_ONLY: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def check(self) -> None:
        """Raise :class:`ConfigError` with one sentence if the database cannot be reached."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            raise ConfigError(
                _(
                    "Basis data di PPID_DATABASE_URL (%(url)s) tidak dapat dihubungi: %(reason)s.",
                    url=self.engine.url.render_as_string(hide_password=True),
                    reason=_reason(error),
                )
            ) from error

    def upgrade(self) -> None:
        """Apply every Alembic migration not yet applied (idempotent). Several processes starting at once on
        PostgreSQL (``ppid serve`` on two machines) take turns: the first migrates, the others find it done."""
        self.check()
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    database = Database(settings.database_url, pool_size=settings.pool_size,
                        max_overflow=settings.database_max_overflow, pool_timeout=settings.database_pool_timeout)
    if upgrade:
        database.upgrade()
    return database


class ReadOnlySessionError(RuntimeError):
    """Something tried to write through a session from :attr:`Database.reads`: every statement would commit on its
    own, so a half-done change could stay."""


@event.listens_for(Session, "before_flush")
def _refuse_writes_when_read_only(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(READ_ONLY):
        raise ReadOnlySessionError("a read-only session (Database.reads) cannot write; use Database.sessions")


def _note_rest(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
    record.info[_RESTING_SINCE] = time.monotonic()


def _pinging_after_rest(dialect: Dialect) -> Callable[[Any, ConnectionPoolEntry, PoolProxiedConnection], None]:
    """The pool's checkout hook: a ping for a connection that rested longer than :data:`IDLE_BEFORE_PING`; one the
    database dropped is given up, and the pool hands out a new one (SQLAlchemy's documented use of
    :class:`DisconnectionError`)."""

    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        resting_since = record.info.get(_RESTING_SINCE)
        if resting_since is None or time.monotonic() - resting_since < IDLE_BEFORE_PING:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(str(error)) from error

    return checkout


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    if isinstance(error, OperationalError) and "password" in first_line.lower():
        return _("nama pengguna atau kata sandi ditolak")
    return first_line.rstrip(".")
