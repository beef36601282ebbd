"""A filing is one transaction: its number, the request, its first event and the e-mails it promises are
stored together or not at all, even when the database connection drops in the middle; the e-mails leave
after the commit. The working-day calendar it needs is built once and reused until the holiday table changes."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import create_engine, event, func, select, text

from ppid.config import load_settings
from ppid.mail import DeliveryStatus, MailDelivery, retry_failed
from ppid.permohonan import holiday_table
from ppid.permohonan.models import Permohonan, PermohonanEvent
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow
from ppid.platform import Platform

from .conftest import filing

HOOKS = ["INSERT INTO permohonan (", "INSERT INTO permohonan_pemohon", "INSERT INTO permohonan_event",
         "INSERT INTO mail_delivery", "COMMIT"]
"""Where the connection is dropped: before the statement that writes each row of the filing, and at its commit
(on PostgreSQL the request, its requester and its e-mails are one statement)."""


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0]}


def _stored(platform: Platform) -> tuple[int, int, int]:
    """(requests, events, outbox rows) as a fresh connection sees them."""
    with platform.database.session() as session:
        return (session.scalar(select(func.count(Permohonan.id))),
                session.scalar(select(func.count(PermohonanEvent.id))),
                session.scalar(select(func.count(MailDelivery.id))))


def _drop_connection(platform: Platform, hook: str) -> list[str]:
    """At ``hook``, cut the filing's own database connection: PostgreSQL's backend is terminated from another
    connection (pg_terminate_backend), SQLite's connection is closed under the transaction."""
    engine = platform.database.engine
    dropped: list[str] = []

    def cut(connection) -> None:
        dbapi = connection.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            killer = create_engine(engine.url, isolation_level="AUTOCOMMIT")
            with killer.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dbapi.info.backend_pid})
            killer.dispose()
        else:
            dbapi.close()
        dropped.append(hook)

    if hook == "COMMIT":
        @event.listens_for(engine, "commit")
        def at_commit(connection) -> None:
            if not dropped:
                cut(connection)
    else:
        @event.listens_for(engine, "before_cursor_execute")
        def before(connection, _cursor, statement, _parameters, _context, _many) -> None:
            if not dropped and hook in statement:
                cut(connection)

    return dropped


@pytest.mark.parametrize("hook", HOOKS)
def test_a_connection_dropped_mid_filing_leaves_nothing_and_the_next_filing_gets_the_number(
        client, platform, dinkes_officer, hook) -> None:
    dropped = _drop_connection(platform, hook)

    try:
        status = client.post("/api/permohonan", json=filing()).status_code
    except Exception:  # the testing app lets the database error through; any refusal will do
        status = None

    assert dropped == [hook] and status != 201
    assert _stored(platform) == (0, 0, 0)  # no request without its e-mails, no e-mail without its request
    again = client.post("/api/permohonan", json=filing())
    assert again.status_code == 201 and again.get_json()["nomor"].startswith("0001/")  # the number was given back
    assert _stored(platform) == (1, 1, 3)


PERSONAL_FIELDS = ("nama", "nik", "alamat", "telepon", "email")


def test_a_failed_filing_is_logged_without_the_personal_data_the_requester_typed(
        app, client, platform, dinkes_officer, caplog) -> None:
    """UU 27/2022: the log of a database error says which statement failed, never the values it carried (a
    requester's name, NIK, address, telephone and e-mail were written to the log with the error)."""
    app.config["TESTING"] = False  # as in production: the error is answered and logged, not raised into the test
    typed = filing()
    _drop_connection(platform, "INSERT INTO permohonan_pemohon")

    with caplog.at_level(logging.WARNING):
        status = client.post("/api/permohonan", json=typed).status_code

    logged = "\n".join(record.getMessage() + "\n" + (logging.Formatter().formatException(record.exc_info)
                                                       if record.exc_info else "") for record in caplog.records)
    assert status >= 500 and "Error" in logged, "the failure is in the log"
    assert [field for field in PERSONAL_FIELDS if typed[field] in logged] == []


def test_a_connection_dropped_after_the_commit_keeps_the_whole_request_and_its_e_mails_leave_later(
        client, platform, dinkes_officer, smtp_server) -> None:
    """The hand-over after the commit loses its connection: the request is answered, its e-mails wait in the
    outbox and `ppid mail retry` (or the worker) sends them."""
    dropped = _drop_connection(platform, "UPDATE mail_delivery")

    response = client.post("/api/permohonan", json=filing())

    assert dropped and response.status_code == 201
    assert _stored(platform) == (1, 1, 3)
    with platform.database.session() as session:
        assert set(session.scalars(select(MailDelivery.status))) == {DeliveryStatus.QUEUED}
    assert retry_failed(platform) == 3
    assert len(smtp_server[1].messages) == 3
    with platform.database.session() as session:
        assert set(session.scalars(select(MailDelivery.status))) == {DeliveryStatus.SENT}


def test_an_smtp_server_that_fails_after_the_commit_does_not_undo_the_filing(environ, dinkes_officer) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"smtp://127.0.0.1:{probe.getsockname()[1]}"
    down = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": dead}))
    from ppid.app import create_app

    app = create_app(platform=down)
    app.config["TESTING"] = True

    response = app.test_client().post("/api/permohonan", json=filing())

    assert response.status_code == 201 and response.get_json()["nomor"].startswith("0001/")
    assert _stored(down) == (1, 1, 3)
    with down.database.session() as session:
        assert set(session.scalars(select(MailDelivery.status))) == {DeliveryStatus.FAILED}
    down.close()


# -- the calendar ------------------------------------------------------------------------------------------


def _statements(platform: Platform) -> list[str]:
    seen: list[str] = []

    @event.listens_for(platform.database.engine, "before_cursor_execute")
    def record(_connection, _cursor, statement, _parameters, _context, _many) -> None:
        seen.append(statement)

    return seen


def _reads_holiday_table(statements: list[str]) -> bool:
    return any(re.search(r"\bpermohonan_kalender\b(?!_)", statement) for statement in statements)


def test_the_calendar_is_built_once_and_each_filing_only_checks_its_stamp_before_taking_its_number(
        platform, config, clock) -> None:
    """The stamp is read before the registration number: from the number to the commit every other filing waits
    on the counter row, so nothing that can be done before happens after it (issue 17)."""
    statements = _statements(platform)
    for _filing in range(3):
        with platform.database.session() as session:
            Workflow(session, config, platform.registry, clock=clock).file(filing())
    reads = [statement for statement in statements if re.search(r"\bpermohonan_kalender\b(?!_)", statement)]
    order = [("stamp" if "permohonan_kalender_versi" in statement else "number") for statement in statements
             if "permohonan_kalender_versi" in statement or "permohonan_counter" in statement]

    assert len(reads) <= 1  # built at most once (another test may have built it)
    assert order == ["stamp", "number"] * 3  # checked thrice, each time before the number


def test_a_holiday_added_by_another_process_moves_the_next_filings_deadline(platform, environ, config, clock,
                                                                            ppid_utama) -> None:
    with platform.database.session() as session:
        workflow = Workflow(session, config, platform.registry, clock=clock)
        first = workflow.file(filing()).permohonan
        assert workflow.status(first).due == date(2026, 4, 7)
    other = Platform.open(load_settings(environ=environ))  # its own engine and pool, as a second server would have
    with other.database.session() as session:
        holiday_table.add_entry(session, day=date(2026, 3, 25), kind="libur", name="Hari jadi Kabupaten Contoh",
                                user=ppid_utama)
    other.close()

    statements = _statements(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform))
        second = workflow.file(filing()).permohonan
        assert workflow.status(second).due == date(2026, 4, 8)  # one working day later
        assert workflow.calendar.holiday_name(date(2026, 3, 25)) == "Hari jadi Kabupaten Contoh"
    assert _reads_holiday_table(statements)  # rebuilt once, because the stamp changed

    statements.clear()
    with platform.database.session() as session:
        Workflow(session, config, platform.registry, clock=clock).file(filing())
    assert not _reads_holiday_table(statements)  # and then reused


class _PoolWatchingHandler:
    """An SMTP server that notes, for each message, how many database connections the platform holds."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self.held: list[int] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.held.append(self.pool.checkedout())
        return "250 OK"


def test_no_database_connection_is_held_while_the_e_mails_are_handed_over(environ, dinkes_officer) -> None:
    """The filing's connection is back in the pool before the SMTP conversation starts, and the delivery's own
    claim and record transactions do not span it: a slow mail server cannot starve the pool."""
    import socket

    from aiosmtpd.controller import Controller

    from ppid.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    platform = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": f"smtp://127.0.0.1:{port}"}))
    handler = _PoolWatchingHandler(platform.database.engine.pool)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = create_app(platform=platform)
        app.config["TESTING"] = True
        response = app.test_client().post("/api/permohonan", json=filing())
    finally:
        controller.stop()
        platform.close()

    assert response.status_code == 201
    assert handler.held == [0, 0, 0]  # three e-mails, each sent with no connection checked out
