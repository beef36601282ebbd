"""Abuse of the public forms: a hidden honeypot field for bots, and rate limits on filing and tracking."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import func, select

from ppid.mail import MailDelivery
from ppid.permohonan.models import Permohonan
from ppid.permohonan.rate_storage import QuietMemoryStorage

from .conftest import filing
from .test_web import PERSONAL, csrf


def test_a_filled_honeypot_is_refused_quietly_and_nothing_is_stored_or_sent(client, platform, caplog) -> None:
    caplog.set_level(logging.INFO)
    data = {**filing(pernyataan="1"), "situs_web": "http://spam.example",
            "csrf_token": csrf(client, "/permohonan/ajukan")}

    response = client.post("/permohonan/ajukan", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Permohonan tidak dapat diproses" in page and "situs_web" not in page.split("<form")[0]
    assert "Siti Rahmawati" not in page  # what the bot typed is not echoed back
    with platform.database.session() as session:
        assert session.scalar(select(func.count(Permohonan.id))) == 0
        assert session.scalar(select(func.count(MailDelivery.id))) == 0
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "hidden field" in logged
    assert not [word for word in [*PERSONAL, "spam.example", "127.0.0.1"] if word in logged]


def test_people_never_see_the_honeypot_and_an_empty_one_files_normally(client) -> None:
    form = client.get("/permohonan/ajukan").get_data(as_text=True)
    assert 'class="hp" aria-hidden="true"' in form and 'name="situs_web" type="text" tabindex="-1"' in form
    data = {**filing(pernyataan="1"), "situs_web": "", "csrf_token": csrf(client, "/permohonan/ajukan")}
    assert client.post("/permohonan/ajukan", data=data).status_code == 303


def test_the_honeypot_counts_against_the_filing_rate_limit(client) -> None:
    token = csrf(client, "/permohonan/ajukan")
    for _attempt in range(5):
        assert client.post("/permohonan/ajukan", data={"csrf_token": token, "situs_web": "x"}).status_code == 400
    assert client.post("/permohonan/ajukan", data={"csrf_token": token}).status_code == 429


def test_the_tracking_form_is_rate_limited_per_address_and_shares_its_limit_with_the_api(client) -> None:
    token = csrf(client, "/permohonan/lacak")  # showing the form counts too: 20 per minute in all
    wrong = {"nomor": "0001/PPID/DINKES/2026", "email": "tebakan@example.id", "csrf_token": token}
    for _attempt in range(18):
        assert client.post("/permohonan/lacak", data=wrong).status_code == 200  # the same answer as a match
    assert client.post("/api/permohonan/lacak", json={"token": "tebakan"}).status_code == 404
    refused = client.post("/permohonan/lacak", data=wrong)
    assert refused.status_code == 429 and "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert client.get("/permohonan/lacak/tebakan-lain").status_code == 429  # the secret link too: no guessing


def test_counting_the_rate_limits_starts_no_thread_per_request(client, monkeypatch) -> None:
    """limits' own memory storage starts a Timer thread on nearly every request (CPU under a crowd, issue 17)."""
    started = []

    class CountedTimer(threading.Timer):
        def start(self) -> None:
            started.append(self)
            super().start()

    monkeypatch.setattr(threading, "Timer", CountedTimer)
    for _attempt in range(15):
        assert client.get("/permohonan/lacak/tebakan").status_code == 404
        time.sleep(0.015)  # longer than the 10 ms after which limits' timer has run and is started again
    assert started == []


def test_a_rate_limit_window_that_is_over_counts_from_zero_again() -> None:
    storage = QuietMemoryStorage()
    assert [storage.incr("alamat", expiry=0.05) for _hit in range(3)] == [1, 2, 3]
    time.sleep(0.06)
    assert storage.incr("alamat", expiry=0.05) == 1
    assert storage.get("lain") == 0
