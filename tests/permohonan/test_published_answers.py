"""Answers become public information (issue 15): a fulfilled request's answer is published without the requester's
identity, its PDFs redacted for real; and a Pasal 17 refusal names the DIK entry it rests on.

The requester is the one of :func:`conftest.filing` (Siti Rahmawati, NIK 3201014507900001, 0812-3456-7890);
the request is received and decided on Monday 16 March 2026.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import DocumentKind, Permohonan
from ppid.permohonan.notices import Notices
from ppid.permohonan.registers import request_register
from ppid.permohonan.workflow import InvalidInput, Workflow
from ppid.permohonan.written_notice import Issuer
from ppid.publication.answers import redact_pdf
from ppid.publication.models import ExemptInformation, PublishedAnswer

from .conftest import REFUSAL, filing
from .test_web import PERSONAL, csrf, file_directly, sign_in
from .test_written_notice import content, letters, text_of

NIK = "3201014507900001"
OTHER_NIK = "3273015203850007"
"""A NIK of someone else named in a released letter (a patient, an official): personal data all the same."""
ANSWER_TEXT = "Daftar 14 puskesmas dengan anggaran perawatan 2025 sebesar Rp 4,2 miliar."
CSV = b"puskesmas;anggaran\nPuskesmas Cibinong;1.200.000.000\nKontak;0812-3456-7890\n"


def released_pdf() -> bytes:
    """A released letter that still carries the requester's particulars and a third person's NIK."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(72, 800, "Rekapitulasi anggaran perawatan puskesmas 2025")
    pdf.drawString(72, 780, "Puskesmas Cibinong: Rp 1.200.000.000")
    pdf.showPage()
    pdf.drawString(72, 800, "Disampaikan kepada Siti Rahmawati, NIK 3201014507900001")
    pdf.drawString(72, 760, "Alamat: Jl. Merdeka No. 1")
    pdf.drawString(72, 780, f"Penanggung jawab data: NIK {OTHER_NIK}, e-mail data@dinkes.contoh.go.id")
    pdf.drawString(72, 740, "Keluhan diteruskan oleh warga.pelapor@gmail.com")
    pdf.save()
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_redacted_pdf_no_longer_holds_the_text_it_blacked_out() -> None:
    original = released_pdf()
    assert NIK in pdf_text(original)

    redacted = redact_pdf(original, [NIK, OTHER_NIK, "Siti Rahmawati"])

    text = pdf_text(redacted)
    assert NIK not in text and OTHER_NIK not in text and "Siti Rahmawati" not in text
    assert NIK.encode() not in redacted and b"Rahmawati" not in redacted
    assert "Puskesmas Cibinong" in text  # the information itself stays


def _fulfilled(app, platform, dinkes_officer):
    """A request granted and closed with a PDF and a CSV handed over; the officer's signed-in client."""
    filed = file_directly(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        workflow.decide(session.get(Permohonan, filed.permohonan.id), officer=session.merge(dinkes_officer),
                        data={"keputusan": "dikabulkan_seluruhnya", "materi": ANSWER_TEXT})
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    closed = officer.post(f"{url}/tutup", content_type="multipart/form-data", data={
        "alasan": "informasi_diserahkan", "csrf_token": csrf(officer, url),
        "berkas": [(io.BytesIO(released_pdf()), "rekap-anggaran.pdf"), (io.BytesIO(CSV), "rincian.csv")]})
    assert closed.status_code == 303
    return filed, officer


def test_the_officer_publishes_the_answer_and_no_public_page_or_file_holds_the_requester(
    app, client, platform, dinkes_officer
) -> None:
    filed, officer = _fulfilled(app, platform, dinkes_officer)
    url = f"/permohonan/petugas/{filed.permohonan.id}/terbitkan-jawaban"
    assert url in officer.get(f"/permohonan/petugas/{filed.permohonan.id}").get_data(as_text=True)

    review = officer.get(url).get_data(as_text=True)
    assert "3201********0001" in review and "halaman 2" in review  # what the check found, and where
    assert "Siti" not in re.search(r'name="pokok"[^>]*>([^<]*)<', review).group(1)

    token = csrf(officer, url)
    named = officer.post(url, data={"csrf_token": token, "pokok": "Anggaran puskesmas 2025",
                                    "jawaban": ANSWER_TEXT + " Diminta oleh Siti Rahmawati.",
                                    "terbitkan": ["0", "1"]})
    assert named.status_code == 422 and "Memuat data pribadi" in named.get_data(as_text=True)

    published = officer.post(url, data={"csrf_token": token, "pokok": "Anggaran perawatan puskesmas 2025",
                                        "jawaban": ANSWER_TEXT, "terbitkan": ["0", "1"]})
    assert published.status_code == 303
    answer_page = published.location

    found = client.get("/informasi-dimohonkan?q=anggaran puskesmas").get_data(as_text=True)
    assert "Anggaran perawatan puskesmas 2025" in found and filed.permohonan.number in found
    assert "Anggaran perawatan" not in client.get("/informasi-dimohonkan?q=jembatan").get_data(as_text=True)
    page = client.get(answer_page).get_data(as_text=True)
    assert ANSWER_TEXT in page and "rekap-anggaran.pdf" in page
    pdf = client.get(f"{answer_page}/berkas/0")
    csv = client.get(f"{answer_page}/berkas/1")
    assert pdf.status_code == 200 and csv.status_code == 200
    public = [found, page, client.get("/informasi-dimohonkan").get_data(as_text=True), pdf_text(pdf.data),
              csv.get_data(as_text=True)]
    for text in public:
        leaked = [value for value in [*PERSONAL, "Rahmawati", "3456-7890", "Merdeka", OTHER_NIK] if value in text]
        assert leaked == []
    assert "Puskesmas Cibinong" in pdf_text(pdf.data) and "Puskesmas Cibinong" in csv.get_data(as_text=True)
    assert "warga.pelapor@gmail.com" not in pdf_text(pdf.data)  # a third person's e-mail goes too
    assert "data@dinkes.contoh.go.id" in pdf_text(pdf.data)  # the dinas's own contact stays
    assert officer.get(url).status_code == 303  # published once; the page now leads to it
    detail = officer.get(f"/permohonan/petugas/{filed.permohonan.id}").get_data(as_text=True)
    assert "telah diterbitkan" in detail and answer_page.split("localhost")[-1] in detail


def test_an_answer_is_published_only_once_information_was_handed_over(app, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")
    response = officer.get(f"/permohonan/petugas/{filed.permohonan.id}/terbitkan-jawaban")
    assert response.status_code == 303 and response.location.endswith(f"/permohonan/petugas/{filed.permohonan.id}")


def test_another_dinas_cannot_publish_the_answer(app, platform, dinkes_officer, capil_officer) -> None:
    filed, _officer = _fulfilled(app, platform, dinkes_officer)
    other = app.test_client()
    sign_in(other, "petugas.capil")
    assert other.get(f"/permohonan/petugas/{filed.permohonan.id}/terbitkan-jawaban").status_code == 404


def test_an_officer_of_the_dinas_withdraws_a_published_answer_and_its_files_go_with_it(
    app, client, platform, dinkes_officer, capil_officer
) -> None:
    filed, officer = _fulfilled(app, platform, dinkes_officer)
    url = f"/permohonan/petugas/{filed.permohonan.id}/terbitkan-jawaban"
    page = officer.post(url, data={"csrf_token": csrf(officer, url), "pokok": "Anggaran perawatan puskesmas 2025",
                                   "jawaban": ANSWER_TEXT, "terbitkan": "1"}).location
    assert "Tarik jawaban" not in client.get(page).get_data(as_text=True)  # the public sees no such button
    other = app.test_client()
    sign_in(other, "petugas.capil")
    withdraw = page + "/tarik"
    assert other.post(withdraw, data={"csrf_token": csrf(other, "/petugas/")}).status_code == 404
    assert officer.post(withdraw).status_code == 400  # CSRF

    assert "Tarik jawaban" in officer.get(page).get_data(as_text=True)
    assert officer.post(withdraw, data={"csrf_token": csrf(officer, page)}).status_code == 303

    assert client.get(page).status_code == 404 and client.get(page + "/berkas/0").status_code == 404
    assert "Anggaran perawatan" not in client.get("/informasi-dimohonkan").get_data(as_text=True)


def test_published_answers_are_in_the_json_api_with_links_and_never_the_requester(
    app, client, platform, dinkes_officer
) -> None:
    filed, officer = _fulfilled(app, platform, dinkes_officer)
    url = f"/permohonan/petugas/{filed.permohonan.id}/terbitkan-jawaban"
    assert client.get("/api/informasi-dimohonkan").get_json() == {"jumlah": 0, "jawaban": []}
    officer.post(url, data={"csrf_token": csrf(officer, url), "pokok": "Anggaran perawatan puskesmas 2025",
                            "jawaban": ANSWER_TEXT, "terbitkan": ["0", "1"]})

    document = client.get("/api/informasi-dimohonkan?q=anggaran puskesmas&dinas=dinkes").get_json()

    assert document["jumlah"] == 1
    [entry] = document["jawaban"]
    assert (entry["nomor"], entry["dinas"], entry["pokok"], entry["jawaban"]) == (
        filed.permohonan.number, "dinkes", "Anggaran perawatan puskesmas 2025", ANSWER_TEXT)
    with platform.database.session() as session:
        stored = session.scalars(select(PublishedAnswer)).one()
        assert (entry["diterima"], entry["diputuskan"]) == (stored.received_on.isoformat(),
                                                            stored.decided_on.isoformat())
    assert [(item["nama"], item["disamarkan"] > 0) for item in entry["berkas"]] == [
        ("rekap-anggaran.pdf", True), ("rincian.csv", True)]
    assert client.get(entry["tautan"]).status_code == 200
    downloaded = client.get(entry["berkas"][0]["tautan"])
    assert hashlib.sha256(downloaded.data).hexdigest() == entry["berkas"][0]["sha256"]
    assert [value for value in [*PERSONAL, "Rahmawati", NIK] if value in json.dumps(document)] == []
    assert client.get("/api/informasi-dimohonkan?q=jembatan").get_json()["jumlah"] == 0
    other = next(item.slug for item in platform.registry.dinas if item.slug != "dinkes")
    assert client.get(f"/api/informasi-dimohonkan?dinas={other}").get_json()["jumlah"] == 0
    unknown = client.get("/api/informasi-dimohonkan?dinas=tidak-ada")
    assert unknown.status_code == 404 and unknown.get_json() == {"message": "Perangkat daerah tidak dikenal."}
    assert client.get("/api/informasi-dimohonkan?q=%00anggaran").get_json()["jumlah"] == 1  # not a database error


def test_a_file_that_cannot_be_checked_needs_the_officers_word(app, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry).decide(
            session.get(Permohonan, filed.permohonan.id), officer=session.merge(dinkes_officer),
            data={"keputusan": "dikabulkan_seluruhnya", "materi": ANSWER_TEXT})
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")
    base = f"/permohonan/petugas/{filed.permohonan.id}"
    officer.post(f"{base}/tutup", content_type="multipart/form-data", data={
        "alasan": "informasi_diserahkan", "csrf_token": csrf(officer, base),
        "berkas": [(io.BytesIO(b"PK\x03\x04" + b"x" * 500), "rekap.xlsx"),
                   (io.BytesIO(b"%PDF-1.7\n" + b"rusak" * 100), "rusak.pdf")]})
    url = f"{base}/terbitkan-jawaban"
    form = {"csrf_token": csrf(officer, url), "pokok": "Rekap anggaran 2025", "jawaban": ANSWER_TEXT,
            "terbitkan": ["0", "1"]}

    unchecked = officer.post(url, data=form)
    page = unchecked.get_data(as_text=True)
    assert unchecked.status_code == 422 and "rekap.xlsx tidak dapat diperiksa" in page
    assert "rusak.pdf tidak dapat diperiksa" in page  # a PDF whose text cannot be read is not taken as clean
    assert officer.post(url, data={**form, "tanpa_data_pribadi": ["0", "1"]}).status_code == 303


# -- a refusal names its DIK entry -------------------------------------------------------------------------------


def _dik(session, dinas: str = "dinkes", letter: str = "h") -> ExemptInformation:
    entry = ExemptInformation(
        dinas_slug=dinas, public_title="Rekam medis pasien puskesmas", pasal_17_letter=letter,
        sub_ground="riwayat kesehatan", tested_on=date(2026, 1, 12), harm_if_opened="Mengungkap riwayat kesehatan",
        public_interest="Privasi pasien lebih besar", decided_by="Kepala Dinas Kesehatan", sk_number="188/12/2026",
        sk_date=date(2026, 1, 15), starts_on=date(2026, 1, 15), ends_on=date(2031, 1, 15),
        recorded_by_name="Petugas")
    session.add(entry)
    session.commit()
    return entry


DIK_LINE = ("Rekam medis pasien puskesmas (Pasal 17 huruf h; SK 188/12/2026 tanggal 15 Januari 2026; dikecualikan "
            "sampai 15 Januari 2031)")


def test_a_refusal_names_its_dik_entry_on_the_tracking_page_the_letters_and_the_register(
    session, config, platform, clock, client, dinkes_officer
) -> None:
    desk = Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform),
                    issuer=Issuer("https://ppid.contoh.go.id"))
    entry = _dik(session)
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": str(entry.id)})
    session.commit()

    tracking = " ".join(client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True).split())
    assert DIK_LINE in tracking
    issued = letters(session, filed.permohonan)
    assert DIK_LINE in text_of(content(config, issued[DocumentKind.NOTICE]))
    assert DIK_LINE in text_of(content(config, issued[DocumentKind.REFUSAL]))
    register = request_register(desk, year=2026, scope={"dinkes"}, officer=dinkes_officer)
    reasons = register.rows[0][register.headers.index("Alasan penolakan")]
    assert DIK_LINE in reasons


def test_the_dik_entry_must_be_the_dinass_own_and_on_the_same_ground(session, workflow, dinkes_officer) -> None:
    elsewhere, other_ground = _dik(session, dinas="disdukcapil"), _dik(session, letter="i")
    permohonan = workflow.file(filing()).permohonan
    for entry in (elsewhere, other_ground):
        try:
            workflow.decide(permohonan, officer=dinkes_officer, data={**REFUSAL, "dik": entry.id})
        except InvalidInput as error:
            assert "dik" in error.errors
        else:
            raise AssertionError("a refusal resting on a foreign or mismatched DIK entry was recorded")


def test_the_decision_form_offers_the_dinass_dik_entries_and_says_to_add_one_when_none_fits(
    app, client, platform, session, dinkes_officer
) -> None:
    filed = file_directly(platform)
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{filed.permohonan.id}"
    assert "belum punya entri DIK" in client.get(url).get_data(as_text=True)
    entry = _dik(session)
    assert f'<option value="{entry.id}">Rekam medis pasien puskesmas' in client.get(url).get_data(as_text=True)

    form = {"csrf_token": csrf(client, url), "keputusan": "ditolak", "dasar_pengecualian": "h",
            **{f"uji_konsekuensi.{key}": value for key, value in REFUSAL["uji_konsekuensi"].items()}}
    without = client.post(f"{url}/putuskan", data=form, follow_redirects=True).get_data(as_text=True)
    assert "tidak menyebut entri DIK" in without
