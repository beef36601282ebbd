"""The courier: in `ppid serve` without a worker, a filing is answered without waiting for its e-mails, which one
background thread of the server sends in rounds (one claim, one SMTP conversation, one record per round); it
sweeps the outbox when it starts, so e-mails a stopped server left behind are sent, and it makes a failed try
again once its pause is over. `ppid mail retry --habis` gives messages that used every try one more, and a
`ppid worker` sweeps the outbox before it takes other work."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import event, select, update
from sqlalchemy.orm import selectinload

from ppid.app import create_app
from ppid.cli import main
from ppid.config import load_settings
from ppid.db import utcnow
from ppid.mail import (
    MAX_ATTEMPTS,
    DeliveryStatus,
    MailDelivery,
    deliver_rows,
    retry_failed,
    send_mail,
    start_courier,
    stop_courier,
    write_outbox,
)
from ppid.platform import Platform

from .conftest import filing


class _RecordingHandler:
    """A real SMTP server's handler that notes which connection brought each message, refuses one address, and
    takes ``pause`` seconds over each message."""

    def __init__(self, pause: float = 0.0, refuse: str | None = None) -> None:
        self.pause = pause
        self.refuse = refuse
        self.messages: list[tuple[tuple[str, int], list[str]]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.pause)
        self.messages.append((session.peer, list(envelope.rcpt_tos)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(request) -> Iterator[tuple[str, _RecordingHandler]]:
    handler = _RecordingHandler(**getattr(request, "param", {}))
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", handler
    controller.stop()


def _rows(platform: Platform) -> list[MailDelivery]:
    with platform.database.session() as session:
        rows = list(session.scalars(select(MailDelivery).options(selectinload(MailDelivery.attempt_log))
                                    .order_by(MailDelivery.id)))
        session.expunge_all()
        return rows


def _platform(environ: dict[str, str], smtp_url: str) -> Platform:
    return Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": smtp_url}))


@pytest.mark.parametrize("smtp", [{"pause": 0.3}], indirect=True)
def test_a_filing_is_answered_before_its_e_mails_leave_and_they_leave_in_one_conversation(environ, smtp) -> None:
    platform = _platform(environ, smtp[0])
    client = create_app(platform=platform).test_client()
    courier = start_courier(platform)
    try:
        assert courier.wait_until_idle(30)  # the start's sweep: nothing was waiting
        started = time.monotonic()
        answered = [client.post("/api/permohonan", json=filing(email=f"warga{index}@example.id")).status_code
                    for index in range(3)]
        waited = time.monotonic() - started
        statuses = {row.status for row in _rows(platform)}

        assert answered == [201, 201, 201]
        assert DeliveryStatus.QUEUED in statuses  # the citizens did not wait for the SMTP server (0.3 s a message)
        assert waited < 0.3 * 3  # inline, the first filing alone would wait for its two messages
        assert courier.wait_until_idle(60)
    finally:
        stop_courier(platform)

    rows = _rows(platform)
    assert len(rows) == 6 and {(row.status, row.attempts) for row in rows} == {(DeliveryStatus.SENT, 1)}
    connections = {peer for peer, _recipients in smtp[1].messages}
    assert len(smtp[1].messages) == 6
    assert len(connections) < 6  # a round's messages share one conversation, not one connection each
    platform.close()


def test_e_mails_committed_one_after_another_gather_into_few_rounds(environ, smtp) -> None:
    """A hundred steps committed about 10 ms apart (a crowd's filings): the courier, woken by the first, lets the
    others gather and starts its rounds at least a quarter second apart, so each round (two transactions and a
    conversation) carries many messages, instead of one or two in rounds run back to back."""
    platform = _platform(environ, smtp[0])
    courier = start_courier(platform)
    try:
        assert courier.wait_until_idle(30)
        started = time.monotonic()
        for index in range(100):
            with platform.database.session() as session:
                write_outbox(session, platform, to=f"warga{index}@example.id", subject="Uji", body="Isi",
                             category="uji")
            time.sleep(0.01)
        committing = time.monotonic() - started
        assert courier.wait_until_idle(60)
    finally:
        stop_courier(platform)

    assert len(smtp[1].messages) == 100
    conversations = len({peer for peer, _recipients in smtp[1].messages})
    assert conversations <= committing / 0.25 + 2
    platform.close()


def test_a_crowds_round_runs_statements_short_enough_to_be_parsed_once(environ) -> None:
    """A round of 200 messages (a crowd's filings gathered) runs statements under 4 KB, the length under which
    psycopg keeps a statement's parsing: a statement grown by a parameter or a row of values per message was parsed
    again on every round, in the server's own process."""
    platform = Platform.open(load_settings(environ=environ))  # no SMTP server: each message is saved to a file
    with platform.database.session() as session:
        for index in range(200):
            write_outbox(session, platform, to=f"warga{index}@example.id", subject="Uji", body="Isi", category="uji")
        session.flush()
        ids = list(session.scalars(select(MailDelivery.id)))
        session.info.pop("ppid.mail.outbox")  # committed, handed to the round below
    lengths: list[int] = []

    def note(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        lengths.append(len(statement.encode()))

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        statuses = deliver_rows(platform, ids)
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert statuses == ["saved"] * 200
    assert max(lengths) < 4096
    assert all(len(row.attempt_log) == 1 for row in _rows(platform))
    platform.close()


@pytest.mark.parametrize("smtp", [{"refuse": "ditolak@example.id"}], indirect=True)
def test_a_refused_address_fails_alone_and_the_round_goes_on(environ, smtp) -> None:
    platform = _platform(environ, smtp[0])
    with platform.database.session() as session:  # three rows committed by one step, handed over together
        for address in ("satu@example.id", "ditolak@example.id", "tiga@example.id"):
            write_outbox(session, platform, to=address, subject="Uji", body="Isi", category="uji")

    rows = _rows(platform)
    assert [(row.recipient, row.status) for row in rows] == [
        ("satu@example.id", DeliveryStatus.SENT), ("ditolak@example.id", DeliveryStatus.FAILED),
        ("tiga@example.id", DeliveryStatus.SENT)]
    assert rows[1].attempt_log[0].error == "Server surat menolak alamat penerima."
    assert len({peer for peer, _recipients in smtp[1].messages}) == 1  # one conversation for the round
    platform.close()


def test_e_mails_a_stopped_server_left_are_sent_when_ppid_serve_starts_again(environ, smtp) -> None:
    platform = _platform(environ, smtp[0])
    with platform.database.session() as session:  # committed, but the process stopped before handing them over
        for index in range(3):
            write_outbox(session, platform, to=f"warga{index}@example.id", subject="Uji", body="Isi",
                         category="permohonan.diterima")
        session.flush()
        session.info.pop("ppid.mail.outbox")
    assert {row.status for row in _rows(platform)} == {DeliveryStatus.QUEUED}

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ | {"PPID_SMTP_URL": smtp[0]}
    server = subprocess.Popen([str(Path(sys.executable).parent / "ppid"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(smtp[1].messages) < 3:
            time.sleep(0.1)
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert sorted(recipients[0] for _peer, recipients in smtp[1].messages) == [
        "warga0@example.id", "warga1@example.id", "warga2@example.id"]
    assert {(row.status, row.attempts) for row in _rows(platform)} == {(DeliveryStatus.SENT, 1)}
    platform.close()


def test_the_courier_makes_a_failed_try_again_once_its_pause_is_over(environ, smtp) -> None:
    down = _platform(environ, f"smtp://127.0.0.1:{_free_port()}")  # nobody listens there
    send_mail(down, to="warga@example.id", subject="Uji", body="Isi", category="uji")
    [failed] = _rows(down)
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 1) and failed.next_attempt_at > utcnow()

    up = _platform(environ, smtp[0])
    courier = start_courier(up, sweep_seconds=0.2)
    try:
        assert courier.wait_until_idle(30)
        time.sleep(0.5)
        assert smtp[1].messages == []  # the pause is not over: a sweep leaves the row alone
        with up.database.session() as session:
            session.execute(update(MailDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not smtp[1].messages:
            time.sleep(0.1)
    finally:
        stop_courier(up)

    [sent] = _rows(up)
    assert (sent.status, sent.attempts, [attempt.result for attempt in sent.attempt_log]) == (
        DeliveryStatus.SENT, 2, ["failed", "sent"])
    down.close()
    up.close()


def test_ppid_mail_retry_habis_gives_messages_that_used_every_try_one_more(environ, smtp, monkeypatch) -> None:
    down = _platform(environ, f"smtp://127.0.0.1:{_free_port()}")
    send_mail(down, to="warga@example.id", subject="Uji", body="Isi", category="uji")
    for _retry in range(MAX_ATTEMPTS):
        retry_failed(down)
    [given_up] = _rows(down)
    assert (given_up.status, given_up.attempts, given_up.next_attempt_at) == (DeliveryStatus.FAILED, MAX_ATTEMPTS,
                                                                             None)
    for key, value in {**environ, "PPID_SMTP_URL": smtp[0], "PPID_LANGUAGE": "id"}.items():
        monkeypatch.setenv(key, value)

    plain = CliRunner().invoke(main, ["mail", "retry"])
    assert (plain.exit_code, plain.output.strip()) == (0, "0 pesan dikirim ulang.")  # the limit holds by default
    assert smtp[1].messages == []

    habis = CliRunner().invoke(main, ["mail", "retry", "--habis"])

    assert (habis.exit_code, habis.output.strip()) == (0, "1 pesan dikirim ulang.")
    [sent] = _rows(down)
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, MAX_ATTEMPTS + 1)
    assert [attempt.number for attempt in sent.attempt_log] == list(range(1, MAX_ATTEMPTS + 2))
    assert len(smtp[1].messages) == 1
    down.close()


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("PPID_TEST_REDIS_URL"),
                    reason="PPID_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
def test_a_worker_sweeps_the_outbox_before_other_work(environ, smtp) -> None:
    """E-mails committed while Redis was down (so never put on the queue) leave with the worker's first job."""
    from ppid.jobs import JobQueue

    redis_url = os.environ["PPID_TEST_REDIS_URL"]
    queue = JobQueue(redis_url).queue()
    queue.empty()
    platform = _platform(environ, smtp[0])
    with platform.database.session() as session:
        write_outbox(session, platform, to="warga@example.id", subject="Uji", body="Isi", category="uji")
        session.flush()
        session.info.pop("ppid.mail.outbox")  # committed, never queued

    env = ({k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ
           | {"PPID_REDIS_URL": redis_url, "PPID_SMTP_URL": smtp[0]})
    worker = subprocess.run([str(Path(sys.executable).parent / "ppid"), "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=300)

    assert worker.returncode == 0, worker.stderr
    assert [(row.status, row.attempts) for row in _rows(platform)] == [(DeliveryStatus.SENT, 1)]
    assert len(smtp[1].messages) == 1
    platform.close()
