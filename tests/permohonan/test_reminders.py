"""Deadline reminders: officers are told before a deadline and after it, once per request per day."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from ppid.cli import main
from ppid.config import ConfigError
from ppid.db import utcnow
from ppid.jobs import JobQueue
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import Reminder
from ppid.permohonan.reminders import reminders_job, send_reminders

from .conftest import filing


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0]}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


@pytest.fixture
def filed(workflow, session, dinkes_officer):
    """Filed Monday 16 March 2026; the written notice is due Tuesday 7 April (Good Friday 3 April in between)."""
    permohonan = workflow.file(filing()).permohonan
    session.commit()
    return permohonan


def _subjects(received) -> list[str]:
    return [message["Subject"] for message in received if message["To"] == "petugas.dinkes@contoh.go.id"]


def test_officers_are_reminded_from_two_working_days_before_the_deadline(platform, filed, clock, received) -> None:
    clock.set(2026, 4, 1)  # three working days left: 2, 6 and 7 April
    assert send_reminders(platform, clock=clock) == 0
    clock.set(2026, 4, 2)
    assert send_reminders(platform, clock=clock) == 1

    [subject] = _subjects(received)
    assert "Pengingat batas waktu" in subject and filed.number in subject
    body = next(message for message in received if message["To"] == "petugas.dinkes@contoh.go.id").get_content()
    assert "Selasa, 7 April 2026, 2 hari kerja lagi" in body
    assert {message["To"] for message in received} == {"petugas.dinkes@contoh.go.id", "ppid.dinkes@contoh.go.id"}


def test_a_second_run_on_the_same_day_sends_nothing_and_the_next_working_day_sends_again(platform, filed, clock,
                                                                                         received) -> None:
    clock.set(2026, 4, 2, 7, 0)
    assert send_reminders(platform, clock=clock) == 1
    clock.set(2026, 4, 2, 15, 0)
    assert send_reminders(platform, clock=clock) == 0
    assert len(_subjects(received)) == 1
    clock.set(2026, 4, 4)  # Saturday: nobody is reminded on a non-working day
    assert send_reminders(platform, clock=clock) == 0
    clock.set(2026, 4, 6)
    assert send_reminders(platform, clock=clock) == 1
    assert len(_subjects(received)) == 2


def test_an_overdue_request_is_flagged_from_the_dates_and_nothing_but_the_sending_is_stored(
    platform, filed, clock, received, session
) -> None:
    clock.set(2026, 4, 8)
    assert send_reminders(platform, clock=clock) == 1

    [subject] = _subjects(received)
    assert subject.startswith("LEWAT WAKTU")
    assert {column.key for column in inspect(Reminder).columns} == {"id", "permohonan_id", "day", "sent_at"}
    [reminder] = session.scalars(select(Reminder)).all()
    assert (reminder.permohonan_id, reminder.day.isoformat()) == (filed.id, "2026-04-08")


def test_an_answered_request_is_not_reminded_but_its_pending_objection_is(platform, filed, workflow, session, clock,
                                                                          dinkes_officer, atasan_dinkes,
                                                                          received) -> None:
    workflow.decide(filed, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai"})
    session.commit()
    clock.set(2026, 4, 2)
    assert send_reminders(platform, clock=clock) == 0

    workflow.file_objection(filed, {"alasan": ["e"], "kasus_posisi": "Informasi ada di dinas"})
    session.commit()
    clock.set(2026, 5, 20)  # the answer is due 30 working days after 2 April
    assert send_reminders(platform, clock=clock) == 1
    [message] = [message for message in received if message["To"] == "atasan.dinkes@contoh.go.id"]
    assert "keberatan" in message.get_content() and _subjects(received) == []


def test_the_command_runs_the_same_reminders(environ, filed) -> None:
    result = CliRunner().invoke(main, ["permohonan", "reminders"], env=environ)
    assert result.exit_code == 0, result.output
    assert "pengingat dikirim" in result.output


def test_the_reminder_window_is_a_setting(settings) -> None:
    section = {"permohonan": {"reminders": {"working_days_before": 5}}}
    assert PermohonanConfig.from_settings(replace(settings, defaults=section)).reminder_working_days == 5
    with pytest.raises(ConfigError, match=r"permohonan\.reminders\.working_days_before"):
        PermohonanConfig.from_settings(replace(settings, defaults={"permohonan": {"reminders": {
            "working_days_before": "dua"}}}))


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("PPID_TEST_REDIS_URL"),
                    reason="PPID_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
def test_the_reminder_job_runs_on_an_rq_worker(platform, environ, filed, config) -> None:
    redis_url = os.environ["PPID_TEST_REDIS_URL"]
    queue = JobQueue(redis_url)
    queue.queue().empty()

    handle = queue.enqueue(reminders_job)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ | {"PPID_REDIS_URL": redis_url}
    worker = subprocess.run([str(Path(sys.executable).parent / "ppid"), "worker", "--burst"], env=env,
                            capture_output=True, text=True, timeout=300)

    assert worker.returncode == 0, worker.stderr
    job = queue.queue().fetch_job(handle.id)
    assert job.is_finished, worker.stderr
    today = config.calendar.local_date(utcnow())  # filed in March 2026: overdue by the wall clock
    assert job.return_value() == (1 if config.calendar.is_working_day(today) else 0)
