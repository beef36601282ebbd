"""Retry-safe filing: a requester whose answer got lost (time-out, double click, flaky network) sends the same
filing again with the same one-time key and gets the first request back, never a second one."""

from __future__ import annotations

import re
import threading

from sqlalchemy import event, func, select

from ppid.mail import MailDelivery
from ppid.permohonan.models import Permohonan
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow

from .conftest import filing
from .test_web import csrf

KEY = "5b0a2c1e-2f7b-4d1e-9c57-0f0b8a1f3e42"


def _count(platform, column) -> int:
    with platform.database.session() as session:
        return session.scalar(select(func.count(column)))


def test_an_api_retry_with_the_same_key_gets_the_first_number_and_link_not_a_second_request(
        client, platform, dinkes_officer) -> None:
    first = client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": KEY})
    mails = _count(platform, MailDelivery.id)
    retry = client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": KEY})

    assert first.status_code == retry.status_code == 201
    number = first.get_json()["nomor"]
    assert number.startswith("0001/PPID/DINKES/") and retry.get_json()["nomor"] == number
    assert retry.get_json()["tautan_lacak"] == first.get_json()["tautan_lacak"]
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count(platform, Permohonan.id) == 1
    assert mails == 3 and _count(platform, MailDelivery.id) == 3  # requester + dinas mailbox + officer, once
    tracked = client.post("/api/permohonan/lacak", json={"token": retry.get_json()["token"]})
    assert tracked.status_code == 200 and tracked.get_json()["nomor"] == first.get_json()["nomor"]


def test_a_first_api_filing_with_a_key_spends_no_query_looking_the_key_up(client, platform) -> None:
    """The key's unique index answers a retry (the insert is refused, the transaction rolled back and the first
    request given): a filing without documents does not look its key up first (one statement less, issue 17)."""
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        first = client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": KEY})
        filed = list(statements)
        retry = client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": KEY})
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert first.status_code == retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["nomor"] == first.get_json()["nomor"] and _count(platform, Permohonan.id) == 1
    assert not [statement for statement in filed
                if statement.startswith("SELECT") and "submission_key =" in statement]


def test_the_same_key_with_a_different_body_is_refused_with_one_sentence(client, platform) -> None:
    assert client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": KEY}).status_code == 201

    other = client.post("/api/permohonan", json=filing(rincian_informasi="Anggaran jalan desa 2025"),
                        headers={"Idempotency-Key": KEY})

    assert other.status_code == 422
    assert other.get_json() == {"message": "Kunci pengajuan ini sudah dipakai untuk permohonan dengan isi yang "
                                           "berbeda; kirim permohonan baru dengan kunci baru."}
    assert _count(platform, Permohonan.id) == 1


def test_without_a_key_or_with_another_key_each_filing_is_a_new_request(client, platform) -> None:
    numbers = [client.post("/api/permohonan", json=filing(), headers=headers).get_json()["nomor"]
               for headers in ({}, {}, {"Idempotency-Key": "kunci-1"}, {"Idempotency-Key": "kunci-2"})]
    assert len(set(numbers)) == 4 and _count(platform, Permohonan.id) == 4


def test_an_unusable_key_is_refused_before_anything_is_filed(client, platform) -> None:
    response = client.post("/api/permohonan", json=filing(), headers={"Idempotency-Key": "x" * 101})
    assert response.status_code == 422 and "kunci_pengajuan" in response.get_json()["errors"]
    assert _count(platform, Permohonan.id) == 0


def test_the_public_form_carries_a_one_time_key_and_a_resubmitted_form_files_once(client, platform) -> None:
    page = client.get("/permohonan/ajukan").get_data(as_text=True)
    key = re.search(r'name="kunci_pengajuan" value="([^"]+)"', page).group(1)
    other_page = client.get("/permohonan/ajukan").get_data(as_text=True)
    assert key not in other_page  # every form shown gets its own key
    form = {**filing(pernyataan="1"), "csrf_token": csrf(client, "/permohonan/ajukan"), "kunci_pengajuan": key}

    first = client.post("/permohonan/ajukan", data=form)
    again = client.post("/permohonan/ajukan", data=form)  # the browser's "resend", or a second click

    assert first.status_code == again.status_code == 303
    assert again.location == first.location and "/permohonan/tanda-bukti/" in first.location
    assert _count(platform, Permohonan.id) == 1
    receipt = client.get(again.location).get_data(as_text=True)
    assert "0001/PPID/DINKES/2026" in receipt or re.search(r"0001/PPID/DINKES/\d{4}", receipt)


def test_a_form_shown_again_with_errors_keeps_its_key_and_a_changed_resubmission_is_refused(client, platform) -> None:
    token = csrf(client, "/permohonan/ajukan")
    shown = client.post("/permohonan/ajukan", data={**filing(pernyataan="1", nik="12"), "csrf_token": token,
                                                     "kunci_pengajuan": KEY})
    assert shown.status_code == 422 and f'value="{KEY}"' in shown.get_data(as_text=True)
    assert client.post("/permohonan/ajukan", data={**filing(pernyataan="1"), "csrf_token": token,
                                                    "kunci_pengajuan": KEY}).status_code == 303

    changed = client.post("/permohonan/ajukan", data={**filing(pernyataan="1", tujuan_penggunaan="Skripsi"),
                                                      "csrf_token": token, "kunci_pengajuan": KEY})

    page = changed.get_data(as_text=True)
    assert changed.status_code == 422 and "sudah dipakai untuk permohonan dengan isi yang berbeda" in page
    assert f'value="{KEY}"' not in page  # a fresh key, so that the changed filing can be sent as a new one
    assert _count(platform, Permohonan.id) == 1


def test_concurrent_retries_with_one_key_file_once_and_all_get_the_same_number(platform, config, clock) -> None:
    """Eight copies of one filing at the same moment (PostgreSQL when PPID_TEST_DATABASE_URL is set, else SQLite)."""
    threads = 8
    start = threading.Barrier(threads)
    answers: list[tuple[str, str, bool]] = []
    failures: list[BaseException] = []

    def file_once() -> None:
        try:
            start.wait()
            with platform.database.session() as session:
                filed = Workflow(session, config, platform.registry, clock=clock,
                                 notices=Notices(platform)).file(filing(), submission_key=KEY)
                answers.append((filed.permohonan.number, filed.token, filed.replayed))
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    workers = [threading.Thread(target=file_once) for _index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert failures == []
    assert {(number, token) for number, token, _replayed in answers} == {(answers[0][0], answers[0][1])}
    assert sorted(replayed for _number, _token, replayed in answers) == [False] + [True] * (threads - 1)
    assert _count(platform, Permohonan.id) == 1
    assert _count(platform, MailDelivery.id) == 2  # requester + the dinas's PPID mailbox, written once


def test_the_openapi_description_documents_the_idempotency_key_header(client) -> None:
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/permohonan"]["post"]
    [header] = operation["parameters"]
    assert header["name"] == "Idempotency-Key" and header["in"] == "header" and header["required"] is False
    assert "nomor pendaftaran" in header["description"] and "422" in header["description"]
