"""The e-mail outbox: every message a step promises is written in the step's own transaction, handed over only
after the commit, tried again after a pause when the SMTP server fails, never sent twice for one row, and
each try is on the delivery log that the officer's page shows."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ppid.config import load_settings
from ppid.db import utcnow
from ppid.mail import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    DeliveryStatus,
    MailDelivery,
    MailDeliveryAttempt,
    deliver_due,
    deliver_rows,
    pending_count,
    retry_failed,
    send_mail,
    write_outbox,
)
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import Permohonan
from ppid.permohonan.notices import Notices, numbers_without_receipt_mail
from ppid.permohonan.workflow import Workflow
from ppid.platform import Platform

from .conftest import REFUSAL, filing
from .test_web import sign_in


def _dead_smtp_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return f"smtp://127.0.0.1:{probe.getsockname()[1]}"


def _rows(platform: Platform) -> list[MailDelivery]:
    with platform.database.session() as session:
        rows = list(session.scalars(select(MailDelivery).options(selectinload(MailDelivery.attempt_log))
                                    .order_by(MailDelivery.id)))
        session.expunge_all()
        return rows


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": "https://ppid.contoh.go.id"}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


@pytest.fixture
def notifying(session, config, platform, clock) -> Workflow:
    return Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform))


def test_a_filings_e_mails_are_outbox_rows_of_its_own_transaction(notifying, session, platform, received,
                                                                 dinkes_officer) -> None:
    permohonan = notifying.file(filing()).permohonan
    session.flush()

    with platform.database.session() as other:  # another connection sees neither the request nor its e-mails
        assert other.scalar(select(Permohonan.id)) is None and other.scalar(select(MailDelivery.id)) is None
    written = list(session.scalars(select(MailDelivery).order_by(MailDelivery.id)))
    assert [row.recipient for row in written] == ["siti@example.id", "ppid.dinkes@contoh.go.id",
                                                  "petugas.dinkes@contoh.go.id"]
    assert {row.status for row in written} == {DeliveryStatus.QUEUED} and received == []
    assert {row.reference for row in written} == {permohonan.number}

    session.commit()

    assert len(received) == 3
    assert {row.status for row in _rows(platform)} == {DeliveryStatus.SENT}
    assert pending_count(session) == 0


def test_a_step_that_rolls_back_leaves_no_outbox_row(notifying, session, platform, received) -> None:
    notifying.file(filing())
    session.rollback()
    session.commit()
    assert _rows(platform) == [] and received == []


def test_every_step_writes_its_e_mail_with_the_step(notifying, session, platform, dinkes_officer, atasan_dinkes,
                                                    clock) -> None:
    """Decision, objection and the atasan's answer: each promised e-mail is in the step's commit."""
    permohonan = notifying.file(filing()).permohonan
    session.commit()
    steps = [
        lambda: notifying.decide(permohonan, officer=dinkes_officer, data=REFUSAL),
        lambda: notifying.file_objection(permohonan, {"alasan": ["a"], "kasus_posisi": "Ditolak tanpa alasan jelas"}),
        lambda: notifying.answer_objection(permohonan, officer=atasan_dinkes, data={
            "putusan": "ditolak", "tanggapan": "Dikuatkan", "alasan": "Pengecualian Pasal 17 huruf h tetap berlaku"}),
    ]
    for day, step in zip((16, 17, 18), steps, strict=True):
        clock.set(2026, 3, day)
        before = len(list(session.scalars(select(MailDelivery.id))))
        step()
        session.flush()
        assert len(list(session.scalars(select(MailDelivery.id)))) > before  # written with the step, uncommitted
        session.commit()
    categories = [row.category for row in _rows(platform) if row.recipient == "siti@example.id"]
    assert categories == ["permohonan.diterima", "permohonan.diputuskan", "permohonan.keberatan_diajukan",
                          "permohonan.keberatan_diputus"]
    assert all(row.status is DeliveryStatus.SENT for row in _rows(platform))


def test_a_failed_delivery_is_tried_again_after_its_pause_and_every_try_is_logged(environ, smtp_server) -> None:
    down = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": _dead_smtp_url()}))
    config = PermohonanConfig.from_settings(down.settings)
    with down.database.session() as session:
        Workflow(session, config, down.registry, notices=Notices(down)).file(filing())

    failed = _rows(down)  # the filing is on record, and so are its two e-mails, although SMTP was down
    assert [row.recipient for row in failed] == ["siti@example.id", "ppid.dinkes@contoh.go.id"]
    assert {(row.status, row.attempts) for row in failed} == {(DeliveryStatus.FAILED, 1)}
    assert all(row.next_attempt_at - utcnow() > timedelta(seconds=BACKOFF_SECONDS[0] - 10) for row in failed)
    assert deliver_due(down) == []  # the pause is not over: the worker leaves them
    received = smtp_server[1]
    up = Platform.open(load_settings(environ=environ))
    with up.database.session() as session:  # the pause ran out
        session.execute(update(MailDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))

    assert deliver_due(up) == ["sent", "sent"]

    sent = _rows(up)
    assert {(row.status, row.attempts, row.next_attempt_at) for row in sent} == {(DeliveryStatus.SENT, 2, None)}
    assert sorted(message["Message-ID"] for message in received.messages) == sorted(row.message_id for row in sent)
    with up.database.session() as session:
        attempts = list(session.scalars(select(MailDeliveryAttempt).where(MailDeliveryAttempt.delivery_id == 1)
                                        .order_by(MailDeliveryAttempt.number)))
        log = [(attempt.number, attempt.result, attempt.error, attempt.finished_at is not None) for attempt in attempts]
        reply = attempts[1].server_reply
    assert log == [(1, "failed", "Server surat menolak sambungan: server mati atau alamat/port salah.", True),
                   (2, "sent", None, True)]
    assert reply.startswith("250")
    assert deliver_due(up) == [] and retry_failed(up) == 0  # nothing is sent twice
    assert len(received.messages) == 2
    down.close()
    up.close()


def test_attempts_are_bounded_and_the_pause_grows(environ) -> None:
    down = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": _dead_smtp_url()}))

    delivery_id = send_mail(down, to="warga@example.org", subject="Uji", body="Isi", category="uji")
    pauses = []
    for _retry in range(MAX_ATTEMPTS + 2):
        [row] = _rows(down)
        pauses.append(row.next_attempt_at - row.attempt_log[-1].finished_at if row.next_attempt_at else None)
        retry_failed(down)  # `ppid mail retry`: at once, without waiting for the pause

    [row] = _rows(down)
    assert row.attempts == MAX_ATTEMPTS and row.status is DeliveryStatus.FAILED and row.next_attempt_at is None
    assert [round(pause.total_seconds()) for pause in pauses[:MAX_ATTEMPTS - 1]] == list(BACKOFF_SECONDS)
    assert pauses[MAX_ATTEMPTS - 1:] == [None, None, None]
    assert len(row.attempt_log) == MAX_ATTEMPTS and deliver_rows(down, [delivery_id]) == ["failed"]
    with down.database.session() as session:
        assert pending_count(session) == 0  # given up: no longer waiting
    down.close()


class _SlowHandler:
    """An SMTP server that takes its time over each message, so that two workers overlap."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(0.3)
        self.messages.append(envelope.content.decode())
        return "250 OK"


def test_two_workers_racing_over_the_same_rows_send_each_message_once(environ) -> None:
    """PostgreSQL claims with SELECT ... FOR UPDATE SKIP LOCKED, SQLite with a conditional UPDATE of the claim."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _SlowHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        platform = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": f"smtp://127.0.0.1:{port}"}))

        with platform.database.session() as session:  # rows written and committed by a step on another machine
            session.info["ppid.mail.outbox"] = []
            for index in range(4):
                write_outbox(session, platform, to=f"warga{index}@example.org", subject="Uji", body="Isi",
                             category="uji")
            session.flush()
            ids = list(session.scalars(select(MailDelivery.id)))
            session.info.pop("ppid.mail.outbox")  # handed over by the two workers below, not by this commit
        start = threading.Barrier(2)
        results: list[list[str]] = []

        def worker() -> None:
            start.wait()
            results.append(deliver_rows(platform, ids))

        workers = [threading.Thread(target=worker) for _index in range(2)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()

        assert len(handler.messages) == 4  # not 8
        rows = _rows(platform)
        assert {row.status for row in rows} == {DeliveryStatus.SENT} and {row.attempts for row in rows} == {1}
        assert all(len(row.attempt_log) == 1 for row in rows)
        platform.close()
    finally:
        controller.stop()


def test_the_officer_page_shows_each_attempt_with_its_time_result_and_error_in_plain_words(
        app, client, platform, environ, dinkes_officer, smtp_server) -> None:
    down = Platform.open(load_settings(environ={**environ, "PPID_SMTP_URL": _dead_smtp_url()}))
    config = PermohonanConfig.from_settings(down.settings)
    with down.database.session() as session:
        Workflow(session, config, down.registry, notices=Notices(down)).file(filing())
    retry_failed(platform)  # the SMTP server is back (the app's platform sends to the real one)

    sign_in(client, "petugas.dinkes")
    page = client.get("/permohonan/petugas/1").get_data(as_text=True)

    section = page[page.index('id="pengiriman-email"'):]
    assert section.count("gagal. Server surat menolak sambungan: server mati atau alamat/port salah.") == 3
    assert section.count("diterima server surat (jawaban server: 250") == 3
    assert section.count("<li>") == 6  # one line per try: three messages, two tries each
    down.close()


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("PPID_TEST_REDIS_URL"),
                    reason="PPID_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
def test_on_rq_the_request_answers_at_once_and_the_worker_sends_and_schedules_the_retry(environ, smtp_server) -> None:
    from ppid.app import create_app
    from ppid.jobs import JobQueue

    redis_url = os.environ["PPID_TEST_REDIS_URL"]
    queue = JobQueue(redis_url).queue()
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id)
    dead = _dead_smtp_url()
    with_redis = {**environ, "PPID_REDIS_URL": redis_url}
    app = create_app(platform=Platform.open(load_settings(environ={**with_redis, "PPID_SMTP_URL": dead})))
    platform = app.extensions["ppid"]

    assert app.test_client().post("/api/permohonan", json=filing()).status_code == 201

    assert {row.status for row in _rows(platform)} == {DeliveryStatus.QUEUED}  # on the queue, not yet sent
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | with_redis | {"PPID_SMTP_URL": dead}
    worker = subprocess.run([str(Path(sys.executable).parent / "ppid"), "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr
    assert {(row.status, row.attempts) for row in _rows(platform)} == {(DeliveryStatus.FAILED, 1)}
    assert queue.scheduled_job_registry.count == 1  # the retry after the pause, on the worker's scheduler

    assert retry_failed(platform) == 2  # `ppid mail retry` puts them on the queue at once
    env["PPID_SMTP_URL"] = smtp_server[0]
    worker = subprocess.run([str(Path(sys.executable).parent / "ppid"), "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr
    assert {(row.status, row.attempts) for row in _rows(platform)} == {(DeliveryStatus.SENT, 2)}
    assert len(smtp_server[1].messages) == 2
    platform.close()


def test_a_load_test_can_ask_which_requests_lack_their_receipt_e_mail(notifying, session, platform, config,
                                                                      clock) -> None:
    notifying.file(filing())
    Workflow(session, config, platform.registry, clock=clock).file(filing(email="budi@example.id"))  # no notices
    Workflow(session, config, platform.registry, clock=clock).file(filing(email=None, cara_mendapatkan_salinan="pos"))
    session.commit()

    assert numbers_without_receipt_mail(session) == ["0002/PPID/DINKES/2026"]  # the one filed without its e-mail
    assert pending_count(session) == 0
