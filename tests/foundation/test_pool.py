"""The pool hands a connection taken again at once straight out, as a crowd's requests take them; a connection that
rested is pinged first, so one the database dropped meanwhile (a restart, a firewall's idle time-out) is replaced
and the request never sees it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from ppid.db import IDLE_BEFORE_PING, Database


@pytest.fixture
def database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Database, list[int]]:
    database = Database(database_url, pool_size=1, max_overflow=0)
    pings: list[int] = []
    dialect = database.engine.dialect
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or ping(connection))
    yield database, pings
    database.dispose()


def _one(database: Database) -> int:
    with database.session() as session:
        return session.execute(text("SELECT 1")).scalar_one()


def test_a_connection_taken_again_at_once_is_not_pinged_and_one_that_rested_is(database) -> None:
    database, pings = database
    for _request in range(50):
        _one(database)
    assert pings == []

    time.sleep(IDLE_BEFORE_PING + 0.1)
    _one(database)
    assert pings == [1]


def test_a_connection_the_database_dropped_while_it_rested_is_replaced_unseen(database, database_url: str) -> None:
    database, pings = database
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL ends a connection's server side; SQLite has none")
    with database.session() as session:
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(database_url)
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    admin.dispose()

    time.sleep(IDLE_BEFORE_PING + 0.1)
    with database.session() as session:
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != backend
    assert pings == [1]
