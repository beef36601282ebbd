"""Knowing someone's e-mail and guessing sequential numbers reveals nothing: the number with the filing e-mail only
gets a tracking link sent to that e-mail ("kirim tautan ke e-mail saya"), the answer is the same whether the pair
matched or not, and the receipt PDF, handed-over files and every page with the request need the link's secret."""

from __future__ import annotations

import re

import itsdangerous.timed
from sqlalchemy import select

from ppid.mail import MailDelivery
from ppid.permohonan.access import LINK_VALID_DAYS, TrackingLinks
from ppid.permohonan.notices import LINK_CATEGORY

from .test_reports import pdf_text
from .test_web import PERSONAL, csrf, file_directly

LINK = re.compile(r"https?://\S+/permohonan/lacak/(\S+)")


def _link_mails(platform) -> list[MailDelivery]:
    with platform.database.session() as session:
        mails = list(session.scalars(select(MailDelivery).where(MailDelivery.category == LINK_CATEGORY)))
        session.expunge_all()
        return mails


def _ask(client, number: str, email: str):
    return client.post("/permohonan/lacak", data={"nomor": number, "email": email,
                                                  "csrf_token": csrf(client, "/permohonan/lacak")})


def _visible(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_a_matching_and_a_wrong_pair_get_the_same_answer_and_only_the_owner_gets_a_link(client, platform) -> None:
    filed = file_directly(platform)
    number = filed.permohonan.number

    matching = _ask(client, number, " SITI@example.id ")
    wrong_email = _ask(client, number, "tetangga@example.id")
    no_such_number = _ask(client, "0999/PPID/DINKES/2026", "siti@example.id")

    assert matching.status_code == wrong_email.status_code == no_such_number.status_code == 200
    pages = {_visible(answer.get_data(as_text=True)) for answer in (matching, wrong_email, no_such_number)}
    assert len(pages) == 1  # not a word more for the pair that exists
    [page] = pages
    assert "tautan untuk melacaknya sudah dikirim" in page and number not in page
    assert filed.permohonan.information_requested not in page and all(p not in page for p in PERSONAL)

    [mail] = _link_mails(platform)
    assert mail.recipient == "siti@example.id" and mail.reference == number
    token = LINK.search(mail.body).group(1)
    assert "." in token and token != filed.token  # a signed link of its own; the receipt's secret is never stored
    status = client.get(f"/permohonan/lacak/{token}")
    assert status.status_code == 200 and number in status.get_data(as_text=True)
    receipt = client.get(f"/permohonan/tanda-bukti/{token}.pdf")
    assert receipt.status_code == 200 and "Siti Rahmawati" in pdf_text(receipt.data)


def test_asking_again_soon_does_not_flood_the_requesters_inbox(client, platform) -> None:
    filed = file_directly(platform)
    for _attempt in range(3):
        assert _ask(client, filed.permohonan.number, "siti@example.id").status_code == 200
    assert len(_link_mails(platform)) == 1


def test_both_fields_are_needed(client) -> None:
    response = _ask(client, "0001/PPID/DINKES/2026", "")
    assert response.status_code == 422 and "Wajib diisi" in response.get_data(as_text=True)


def test_the_receipt_pdf_and_handed_over_files_are_no_longer_reachable_by_number_and_e_mail(client, platform
                                                                                            ) -> None:
    filed = file_directly(platform)
    token = csrf(client, "/permohonan/lacak")
    pair = {"nomor": filed.permohonan.number, "email": "siti@example.id", "csrf_token": token}
    for address in ("/permohonan/lacak/tanda-bukti.pdf", "/permohonan/lacak/informasi/0"):
        response = client.post(address, data=pair)
        assert response.status_code in (404, 405) and b"%PDF" not in response.data
    objection = client.post("/permohonan/keberatan", data={**pair, "alasan": "a", "kasus_posisi": "x"})
    assert objection.status_code == 404 and filed.permohonan.number not in objection.get_data(as_text=True)


def test_an_altered_or_expired_link_opens_nothing(client, platform, monkeypatch) -> None:
    filed = file_directly(platform)
    links = TrackingLinks(platform.settings.personal_data_key)
    fresh = links.issue(filed.permohonan.id)
    assert client.get(f"/permohonan/lacak/{fresh}").status_code == 200
    altered = fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")
    forged = TrackingLinks("kunci-lain").issue(filed.permohonan.id)
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - (LINK_VALID_DAYS * 86400 + 60))
    expired = links.issue(filed.permohonan.id)
    monkeypatch.undo()
    for token in (altered, forged, expired):
        assert client.get(f"/permohonan/lacak/{token}").status_code == 404
        assert client.get(f"/permohonan/tanda-bukti/{token}.pdf").status_code == 404


def test_the_api_answers_202_either_way_and_only_the_token_shows_the_request(client, platform) -> None:
    filed = file_directly(platform)
    number = filed.permohonan.number
    matching = client.post("/api/permohonan/lacak", json={"nomor": number, "email": "siti@example.id"})
    wrong = client.post("/api/permohonan/lacak", json={"nomor": number, "email": "x@example.id"})
    assert matching.status_code == wrong.status_code == 202 and matching.get_json() == wrong.get_json()
    assert number not in matching.get_data(as_text=True)
    assert len(_link_mails(platform)) == 1
    by_token = client.post("/api/permohonan/lacak", json={"token": filed.token})
    assert by_token.status_code == 200 and by_token.get_json()["nomor"] == number
    objection = client.post("/api/permohonan/keberatan", json={"nomor": number, "email": "siti@example.id",
                                                               "alasan": ["a"], "kasus_posisi": "x"})
    assert objection.status_code == 404 and number not in objection.get_data(as_text=True)


def test_every_429_says_when_to_come_back_on_pages_and_in_the_api(client) -> None:
    token = csrf(client, "/permohonan/lacak")
    for _attempt in range(19):
        client.post("/permohonan/lacak", data={"nomor": "1", "email": "a@b.id", "csrf_token": token})
    page = client.get("/permohonan/lacak/tebakan")
    api = client.post("/api/permohonan/lacak", json={"token": "tebakan"})
    for refused in (page, api):
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Terlalu banyak permintaan" in page.get_data(as_text=True) and "message" in api.get_json()
