"""Several server processes started at once on a new PostgreSQL database (two machines booting together): the
first applies the migrations, the others wait for it and find the database current, instead of one failing on
a table the other has just created."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ppid.db import Database
from tests.conftest import POSTGRES_URL

pytestmark = [pytest.mark.postgres_only,
              pytest.mark.skipif(not POSTGRES_URL, reason="SQLite has one writer; the race is PostgreSQL's")]


def test_processes_starting_together_on_a_new_database_migrate_it_once() -> None:
    url = make_url(POSTGRES_URL).set(database=f"{make_url(POSTGRES_URL).database}_start")
    admin = create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    databases = [Database(url.render_as_string(hide_password=False)) for _ in range(3)]
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            outcomes = list(pool.map(lambda database: database.upgrade(), databases))
        assert outcomes == [None, None, None]  # none raised
        with databases[0].engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert len(versions) == 1
    finally:
        for database in databases:
            database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()
