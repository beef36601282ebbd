"""Two requests walked from filing to their last legal step as their requester and officers live them: every date
the tracking page, the letters and the e-mails show is checked against a case computed by hand on the 2026 calendar.

The hand computation (working days count from the day after day 0; Saturdays, Sundays, national holidays and cuti
bersama are skipped): filed and refused on Monday 16 March 2026 (day 0). Skipped in March-May: 18 March (cuti
bersama Nyepi), 19 March (Nyepi), 20, 23, 24 March (cuti bersama Idul Fitri), 3 April (Good Friday), 1 May (Labour
Day).
- written notice due, 10 working days: 17, 25, 26, 27, 30, 31 March, 1, 2, 6, 7 April -> Tuesday 7 April;
- objection window, 30 working days from the refusal (Pasal 36(1)): ... 29, 30 April, 4, 5, 6 May -> Wednesday 6 May;
- objection filed Tuesday 17 March; the atasan's answer due, 30 working days (Pasal 36(2)) -> Thursday 7 May;
- objection answered Tuesday 14 April; dispute window, 14 working days (Pasal 37(2)): 15, 16, 17, 20-24, 27-30
  April, 4, 5 May -> Tuesday 5 May;
- dispute received by the KI Monday 20 April; mediation or adjudication starts within 14 working days (Pasal 38(1)):
  21-24, 27-30 April, 4-8, 11 May -> Monday 11 May; settled within 100 working days (Pasal 38(2)) -> Friday 18
  September (tests/permohonan/test_disputes.py lists the nine holidays of May-August);
- adjudicated Monday 15 June; court within 14 days of the decision (Pasal 48; calendar days, the earlier reading)
  -> Monday 29 June.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader

from ppid.permohonan import registers
from ppid.permohonan.notices import Notices
from ppid.permohonan.statistics import annual_report
from ppid.permohonan.workflow import Workflow
from ppid.permohonan.written_notice import Issuer

from .conftest import REFUSAL, filing
from .test_disputes import ADJUDICATION, DISPUTE

PUBLIC_URL = "https://ppid.contoh.go.id"
REQUESTER = "siti@example.id"
DINAS_PPID = "ppid.dinkes@contoh.go.id"
OFFICER = "petugas.dinkes@contoh.go.id"
ATASAN = "atasan.dinkes@contoh.go.id"


@pytest.fixture
def environ(environ, smtp_server):
    """E-mail goes to the real SMTP test server."""
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def mailbox(smtp_server):
    """Every message the SMTP server accepted, in order."""
    return smtp_server[1].messages


@pytest.fixture
def desk(session, config, platform, clock) -> Workflow:
    """The request desk as the web app builds it: it e-mails each step and issues the letters of each decision."""
    return Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform),
                    issuer=Issuer(PUBLIC_URL))


class Inbox:
    """What each party has received since the last look, one party at a time."""

    def __init__(self, messages: list) -> None:
        self.messages = messages
        self.seen = 0

    def new(self) -> dict[str, list[tuple[str, str]]]:
        fresh, self.seen = self.messages[self.seen:], len(self.messages)
        by_party: dict[str, list[tuple[str, str]]] = {}
        for message in fresh:
            by_party.setdefault(message["To"], []).append((str(message["Subject"]), " ".join(
                message.get_content().split())))
        return by_party


def page_text(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_refusal_objection_and_musyawarah_end_in_a_settlement(desk, session, client, mailbox, clock,
                                                             dinkes_officer, atasan_dinkes) -> None:
    inbox = Inbox(mailbox)
    filed = desk.file(filing())  # Monday 16 March 2026, 09.00 WIB
    session.commit()
    track = f"/permohonan/lacak/{filed.token}"
    mail = inbox.new()
    [(subject, body)] = mail[REQUESTER]
    assert "0001/PPID/DINKES/2026" in subject and "Batas waktu pemberitahuan tertulis: Selasa, 7 April 2026" in body
    assert set(mail) == {REQUESTER, DINAS_PPID, OFFICER}
    assert "Selasa, 7 April 2026" in mail[OFFICER][0][1] and "siti" not in mail[OFFICER][0][1].lower()

    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)  # the same Monday
    session.commit()
    mail = inbox.new()
    [(subject, body)] = mail[REQUESTER]
    assert "paling lambat Rabu, 6 Mei 2026 (30 hari kerja" in body and f"{PUBLIC_URL}/permohonan/lacak" in body
    page = page_text(client, track)
    assert "Batas mengajukan keberatan 6 Mei 2026 (30 hari kerja, Pasal 36 ayat (1))" in page
    letter = client.get(next(link for link in re.findall(r'href="([^"]+\.pdf)"', client.get(track).get_data(
        as_text=True)) if "/surat/" in link))
    assert "Rabu, 6 Mei 2026" in pdf_text(letter.get_data())

    clock.set(2026, 3, 17)  # Ground e: the request was not fulfilled; such an objection may be settled by agreement.
    desk.file_objection(filed.permohonan, {"alasan": ["e"], "kasus_posisi": "Data tanpa nama pasien bukan rahasia."})
    session.commit()
    mail = inbox.new()
    assert set(mail) == {REQUESTER, DINAS_PPID, ATASAN}
    assert "paling lambat Kamis, 7 Mei 2026" in mail[REQUESTER][0][1]
    [(subject, body)] = mail[ATASAN]
    assert "paling lambat Kamis, 7 Mei 2026" in body and "0001/KEBERATAN/DINKES/2026" in subject
    assert "Kamis, 7 Mei 2026" in page_text(client, track)

    clock.set(2026, 3, 24)
    desk.record_deliberation(filed.permohonan, officer=atasan_dinkes, data={
        "tanggal": "2026-03-24", "peserta": "Siti Rahmawati; Atasan PPID Dinas Kesehatan", "sepakat": "tidak"})
    session.commit()
    assert "Kamis, 7 Mei 2026" in page_text(client, track)  # a failed musyawarah leaves the answer due as it was
    [(subject, body)] = inbox.new()[REQUESTER]
    assert "Musyawarah pada 24 Maret 2026 tidak mencapai kesepakatan; keberatan tetap diperiksa atasan PPID" in body

    clock.set(2026, 4, 7)
    desk.record_deliberation(filed.permohonan, officer=atasan_dinkes, data={
        "tanggal": "2026-04-07", "peserta": "Siti Rahmawati; Atasan PPID Dinas Kesehatan", "sepakat": "ya",
        "kesepakatan": "PPID menyerahkan data semua puskesmas tanpa nama pasien."})
    session.commit()
    mail = inbox.new()
    [(subject, body)] = mail[REQUESTER]
    assert "musyawarah" in (subject + body).lower() and "7 April 2026" in body
    assert "PPID menyerahkan data semua puskesmas tanpa nama pasien." in body
    assert "sengketa informasi ke Komisi Informasi paling lambat" not in body  # an agreement ends it: no dispute
    page = page_text(client, track)
    assert "musyawarah" in page and "7 April 2026" in page and "Selasa, 5 Mei 2026" not in page

    clock.set(2026, 4, 8)
    desk.record_response(filed.permohonan, {"tanggapan": "Saya menerima kesepakatan ini."})
    session.commit()
    register = registers.objection_register(desk, year=2026, scope=None, officer=atasan_dinkes)
    [row] = [dict(zip(register.headers, values, strict=True)) for values in register.rows]
    assert row["Tanggal pemberian tanggapan"] == "2026-04-07"
    assert row["Tanggapan pemohon informasi"].startswith("Saya menerima kesepakatan ini.")
    report = annual_report(desk, year=2026, scope=None, scope_label="Kabupaten Contoh")
    settled = "Tanggapan atasan PPID: selesai melalui musyawarah (Pasal 35 ayat (2))"
    assert dict(report.objection_summary())[settled] == 1  # report section D


def test_refusal_objection_dispute_and_adjudication_lead_to_the_court_deadline(desk, session, client, mailbox, clock,
                                                                              dinkes_officer, atasan_dinkes) -> None:
    inbox = Inbox(mailbox)
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()
    track = f"/permohonan/lacak/{filed.token}"
    inbox.new()

    clock.set(2026, 3, 17)  # Ground a: the Pasal 17 refusal itself, never settled by musyawarah
    desk.file_objection(filed.permohonan, {"alasan": ["a"], "kasus_posisi": "Data tanpa nama pasien bukan rahasia."})
    session.commit()
    inbox.new()

    clock.set(2026, 4, 14)
    desk.answer_objection(filed.permohonan, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Keputusan PPID dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    session.commit()
    mail = inbox.new()
    assert "sengketa informasi ke Komisi Informasi paling lambat Selasa, 5 Mei 2026 (14 hari kerja" in \
        mail[REQUESTER][0][1]

    clock.set(2026, 4, 21)  # the requester records the dispute filed on 17 April, received by the KI on 20 April
    desk.record_dispute(filed.permohonan, data=DISPUTE)
    session.commit()
    mail = inbox.new()
    assert set(mail) == {REQUESTER, DINAS_PPID, OFFICER, ATASAN}  # the officers are told too, without personal data
    milestones = "paling lambat Senin, 11 Mei 2026 dan menyelesaikan sengketa paling lambat Jumat, 18 September 2026"
    for officer in (DINAS_PPID, OFFICER, ATASAN):
        [(subject, body)] = mail[officer]
        assert "Sengketa informasi di Komisi Informasi: 0001/PPID/DINKES/2026" in subject
        assert "012/REG-PSI/IV/2026" in body and milestones in body
        assert "Siti" not in body and REQUESTER not in body and "3201014507900001" not in body
    page = page_text(client, track)
    assert "Senin, 11 Mei 2026" in page and "Jumat, 18 September 2026" in page

    clock.set(2026, 6, 16)
    desk.record_dispute_outcome(filed.permohonan, officer=dinkes_officer, data=ADJUDICATION)  # 15 June
    session.commit()
    [(_subject, body)] = inbox.new()[REQUESTER]
    assert "15 Juni 2026" in body and "paling lambat Senin, 29 Juni 2026 (14 hari sejak tanggal putusan" in body
    assert "Senin, 29 Juni 2026" in page_text(client, track)
    tracked = client.post("/api/permohonan/lacak", json={"token": filed.token}).get_json()  # and in the API
    assert tracked["keberatan"]["sengketa"]["batas_gugatan_pengadilan"] == "2026-06-29"
