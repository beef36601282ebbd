"""A session for pages that only read (``Database.reads``) runs each statement on its own: it leaves no transaction
open, so the page costs no ``BEGIN`` before its statement and no ``ROLLBACK`` after it, and nothing can be written
through it, where each statement would have committed on its own."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ppid.catalogue.models import Organization
from ppid.db import Database, ReadOnlySessionError


@pytest.fixture
def database(database_url: str) -> Database:
    database = Database(database_url)
    yield database
    database.dispose()


def _in_transaction(session: Session) -> bool:
    dbapi_connection: Any = session.connection().connection.dbapi_connection
    if hasattr(dbapi_connection, "info"):  # psycopg
        return dbapi_connection.info.transaction_status != type(dbapi_connection.info.transaction_status).IDLE
    return dbapi_connection.in_transaction  # sqlite3


def test_a_read_session_leaves_no_transaction_open_after_its_statement(database: Database) -> None:
    with closing(database.reads()) as session:
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        assert not _in_transaction(session)


def test_a_session_that_may_write_keeps_its_transaction_open_on_postgresql(database: Database) -> None:
    """The other half of the difference: on PostgreSQL a read in an ordinary session starts a transaction."""
    if database.dialect != "postgresql":
        pytest.skip("sqlite3 begins a transaction only before a write")
    with closing(database.sessions()) as session:
        session.execute(text("SELECT 1"))
        assert _in_transaction(session)


def test_writing_through_a_read_session_is_refused_and_stores_nothing(database: Database) -> None:
    with closing(database.reads()) as session:
        session.add(Organization(id="00000000-0000-0000-0000-000000000001", name="dinkes"))
        with pytest.raises(ReadOnlySessionError):
            session.flush()
    with closing(database.sessions()) as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 0


def test_a_connection_a_read_session_used_goes_back_to_transactions(database: Database) -> None:
    """The pool shares connections between both kinds: one a read session gave back begins transactions again."""
    small = Database(database.url, pool_size=1, max_overflow=0)
    try:
        with closing(small.reads()) as session:
            session.execute(text("SELECT 1"))
        with small.session() as session:
            session.add(Organization(id="00000000-0000-0000-0000-000000000002", name="bpkad"))
            session.flush()
            assert _in_transaction(session)
            session.rollback()
        with closing(small.sessions()) as session:
            assert session.scalar(select(func.count()).select_from(Organization)) == 0
    finally:
        small.dispose()
