"""E-mail on every step, through ppid.mail to a real SMTP server (aiosmtpd), sent only once the step is on record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ppid.mail import DeliveryStatus, MailDelivery
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow

from .conftest import filing
from .test_web import PERSONAL, csrf, sign_in


@pytest.fixture
def environ(environ, smtp_server):
    """Every platform in these tests sends to the real SMTP server."""
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": "https://ppid.contoh.go.id"}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


@pytest.fixture
def notifying(session, config, platform, clock) -> Workflow:
    return Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform))


def _to(messages, address: str) -> list:
    return [message for message in messages if message["To"] == address]


def test_filing_tells_the_requester_the_number_deadline_and_how_it_was_computed(notifying, session, received,
                                                                               dinkes_officer) -> None:
    filed = notifying.file(filing())
    assert received == []  # nothing leaves before the step is committed
    session.commit()

    [message] = _to(received, "siti@example.id")
    body = message.get_content()
    assert "0001/PPID/DINKES/2026" in message["Subject"] and "0001/PPID/DINKES/2026" in body
    assert "Selasa, 7 April 2026" in body  # the deadline
    assert "Hari ke-0: Senin, 16 Maret 2026" in body and "10 hari kerja" in body
    assert "Hari Suci Nyepi" in body  # a holiday that was skipped, by name
    assert f"https://ppid.contoh.go.id/permohonan/lacak/{filed.token}" in body


def test_the_dinas_ppid_officers_are_told_without_the_requesters_personal_data(notifying, session, received,
                                                                              dinkes_officer, capil_officer) -> None:
    permohonan = notifying.file(filing()).permohonan
    session.commit()

    to_officers = _to(received, "ppid.dinkes@contoh.go.id") + _to(received, "petugas.dinkes@contoh.go.id")
    assert len(to_officers) == 2 and _to(received, "petugas.capil@contoh.go.id") == []
    body = to_officers[0].get_content()
    assert f"https://ppid.contoh.go.id/permohonan/petugas/{permohonan.id}" in body
    assert not [word for word in PERSONAL if word in body]
    # drafted before the request had its number and id: every stand-in was filled, the delivery log's key too
    rows = session.execute(select(MailDelivery.subject, MailDelivery.body, MailDelivery.reference)).all()
    assert len(rows) == 3 and all(row.reference == permohonan.number for row in rows)
    assert not [text for row in rows for text in row if "\ue000" in text]


def test_a_forwarded_request_reaches_the_officers_of_the_new_dinas(notifying, session, received, dinkes_officer,
                                                                  capil_officer) -> None:
    permohonan = notifying.file(filing()).permohonan
    session.commit()
    notifying.forward(permohonan, officer=dinkes_officer, dinas="disdukcapil", reason="Data kependudukan")
    session.commit()

    [officer_message] = _to(received, "petugas.capil@contoh.go.id")
    assert "0001/PPID/DINKES/2026" in officer_message["Subject"]
    assert len(_to(received, "siti@example.id")) == 2


def test_extension_decision_and_objection_each_reach_the_requester(notifying, session, received, clock,
                                                                   dinkes_officer, atasan_dinkes) -> None:
    permohonan = notifying.file(filing()).permohonan
    notifying.extend(permohonan, officer=dinkes_officer, days=5, reason="Data tersebar di 12 puskesmas")
    notifying.decide(permohonan, officer=dinkes_officer, data={"keputusan": "tidak_dikuasai",
                                                               "badan_publik_lain": "BPS Kabupaten Contoh"})
    session.commit()
    objection = notifying.file_objection(permohonan, {"alasan": ["e"], "kasus_posisi": "Informasi ada di dinas"})
    session.commit()
    notifying.answer_objection(permohonan, officer=atasan_dinkes,
                               data={"putusan": "ditolak", "tanggapan": "Dikuatkan", "alasan": "Tidak dikuasai"})
    session.commit()

    messages = _to(received, "siti@example.id")
    assert len(messages) == 5
    extended, decided, filed, answered = (message.get_content() for message in messages[1:])
    assert "diperpanjang 5 hari kerja" in extended and "perpanjangan 5 hari kerja (Pasal 22 ayat (8))" in extended
    assert "informasi tidak dikuasai" in decided and "BPS Kabupaten Contoh" in decided
    assert objection.number in filed and "30 hari kerja" in filed
    assert "Komisi Informasi" in answered
    [to_atasan] = _to(received, "atasan.dinkes@contoh.go.id")  # the objection is on the atasan's desk
    assert objection.number in to_atasan["Subject"] and "Pasal 36 ayat (2)" in to_atasan.get_content()
    categories = list(session.scalars(select(MailDelivery.category).where(
        MailDelivery.recipient == "siti@example.id").order_by(MailDelivery.id)))
    assert categories == ["permohonan.diterima", "permohonan.diperpanjang", "permohonan.diputuskan",
                          "permohonan.keberatan_diajukan", "permohonan.keberatan_diputus"]


def test_a_step_that_rolls_back_sends_nothing(notifying, session, received) -> None:
    notifying.file(filing())
    session.rollback()
    session.commit()
    assert received == []


def test_officers_see_the_delivery_log_and_the_public_never_does(client, platform, received, dinkes_officer) -> None:
    response = client.post("/permohonan/ajukan", data={**filing(pernyataan="1"),
                                                       "csrf_token": csrf(client, "/permohonan/ajukan")})
    assert response.status_code == 303
    [message] = _to(received, "siti@example.id")
    link = re.search(r"https://ppid\.contoh\.go\.id(/permohonan/lacak/\S+)", message.get_content()).group(1)
    public = client.get(link).get_data(as_text=True)  # the link in the e-mail opens the tracking page
    assert "0001/PPID/DINKES/2026" in public and "Pengiriman e-mail" not in public and "250" not in public
    api = client.post("/api/permohonan/lacak", json={"token": link.rsplit("/", 1)[1]}).get_data(as_text=True)
    assert "siti@example.id" not in api and "250 " not in api

    with platform.database.session() as session:
        deliveries = list(session.scalars(select(MailDelivery)))
    assert {delivery.status for delivery in deliveries} == {DeliveryStatus.SENT}
    sign_in(client, "petugas.dinkes")
    page = client.get("/permohonan/petugas/1").get_data(as_text=True)
    assert "Pengiriman e-mail" in page and "diterima server surat" in page
    assert "siti@example.id" in page and deliveries[0].server_reply in page
