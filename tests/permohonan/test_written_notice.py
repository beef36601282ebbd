"""The written notice (UU KIP Pasal 22(7)) and the refusal decision as issued PDFs, verifiable on a public page; a
refusal telling the requester what they can do, with dates, in the letters and the e-mails (Pasal 35-37, 47-48).

Dates on the 2026 calendar of the ``holidays`` package: a refusal on Monday 16 March 2026 leaves the objection
open for 30 working days, skipping Nyepi and Idul Fitri with their cuti bersama (18-24 March), Good Friday
(3 April) and Labour Day (1 May): the last day is Wednesday 6 May 2026.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import event, select

from ppid.config import ConfigError
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import DocumentKind, IssuedDocument, Permohonan
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow
from ppid.permohonan.written_notice import Issuer, normalise_code

from .conftest import CONSEQUENCE_TEST, REFUSAL, filing
from .test_disputes import ADJUDICATION, DISPUTE
from .test_objections import OBJECTION
from .test_web import PERSONAL, csrf, sign_in

PUBLIC_URL = "https://ppid.contoh.go.id"
OBJECTION_LAST_DAY = "Rabu, 6 Mei 2026"
GRANT = {"keputusan": "dikabulkan_seluruhnya", "materi": "Daftar 14 puskesmas dan anggaran 2025", "biaya": "5000",
         "cara_pembayaran": "Transfer ke rekening kas daerah", "waktu_penyediaan": "3 hari kerja"}


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


@pytest.fixture
def desk(session, config, platform, clock) -> Workflow:
    """The request desk as the web app builds it: it e-mails each step and issues the letters of each decision."""
    return Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform),
                    issuer=Issuer(PUBLIC_URL))


def letters(session, permohonan) -> dict[DocumentKind, IssuedDocument]:
    rows = session.scalars(select(IssuedDocument).where(IssuedDocument.permohonan_id == permohonan.id))
    return {row.kind: row for row in rows}


def text_of(pdf: bytes) -> str:
    """The PDF's text as a reader sees it, with line breaks made spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def content(config, document: IssuedDocument) -> bytes:
    return config.cipher.decrypt(document.content)


def test_a_refusal_issues_the_notice_and_the_refusal_decision_in_the_perki_layout(desk, session, config,
                                                                                dinkes_officer) -> None:
    permohonan = desk.file(filing()).permohonan
    desk.decide(permohonan, officer=dinkes_officer, data={**REFUSAL, "jabatan_pejabat": "Kepala Bidang Informasi"})
    session.commit()

    issued = letters(session, permohonan)
    assert set(issued) == {DocumentKind.NOTICE, DocumentKind.REFUSAL}
    notice, refusal = text_of(content(config, issued[DocumentKind.NOTICE])), text_of(
        content(config, issued[DocumentKind.REFUSAL]))
    for text in (notice, refusal):  # the header of both (kip-rules §5.6): number and the requester's particulars
        assert "0001/PPID/DINKES/2026" in text and "Siti Rahmawati" in text
        assert "Jl. Merdeka No. 1, Kabupaten Contoh" in text and "Wartawan" in text
        assert "081234567890 / siti@example.id" in text
        assert "Daftar fasilitas kesehatan dan anggaran perawatannya tahun 2025" in text
        assert "Petugas.Dinkes" in text and "Kepala Bidang Informasi" in text and "16 Maret 2026" in text
        assert "keberatan tertulis kepada atasan PPID" in text and OBJECTION_LAST_DAY in text  # Pasal 35-36
        assert f"{PUBLIC_URL}/permohonan/lacak" in text  # how to file
        assert "3201014507900001" not in text  # the NIK is not on a letter
    assert "Pemberitahuan tertulis" in notice and "A. Informasi dapat diberikan" in notice
    assert "B. Informasi tidak dapat diberikan karena" in notice and "Pasal 17 huruf h" in notice
    assert issued[DocumentKind.REFUSAL].code in notice  # the notice names the decision that gives the reasons
    assert "Surat keputusan PPID tentang penolakan permohonan informasi" in refusal
    assert "Pasal 17 huruf h: mengungkap rahasia pribadi" in refusal
    assert CONSEQUENCE_TEST["konsekuensi_jika_dibuka"] in refusal  # the consequence (Pasal 19)
    assert CONSEQUENCE_TEST["pertimbangan_kepentingan_publik"] in refusal
    for kind, document in issued.items():
        text = notice if kind == DocumentKind.NOTICE else refusal
        assert f"Kode verifikasi: {document.code}" in text and f"{PUBLIC_URL}/verifikasi/{document.code}" in text
        assert len(document.sha256) == 64 and document.size == len(content(config, document))
    assert qr_modules(content(config, issued[DocumentKind.NOTICE])) > 200  # the QR code is drawn


def edited(pdf: bytes) -> bytes:
    """The same letter opened and saved again by an editor that changed one detail: it still reads the same."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Subject": "diubah"})
    output = io.BytesIO()
    writer.write(output)
    assert text_of(output.getvalue()) == text_of(pdf)
    return output.getvalue()


def qr_modules(pdf: bytes) -> int:
    """Filled squares drawn on the last page: a QR code of a URL draws hundreds, text and tables a few."""
    stream = PdfReader(io.BytesIO(pdf)).pages[-1].get_contents().get_data()
    return len(re.findall(rb" re\b", stream))


def test_a_grant_records_the_means_of_delivery_the_cost_and_how_to_pay(desk, session, config, dinkes_officer) -> None:
    permohonan = desk.file(filing()).permohonan
    event = desk.decide(permohonan, officer=dinkes_officer, data=GRANT)
    session.commit()

    # Pasal 22(7)(f): left open by the officer, the means is what the requester chose at filing (e-mail).
    assert (event.payload["alat_penyampai"], event.payload["bentuk"]) == ("email", "softcopy")
    issued = letters(session, permohonan)
    assert set(issued) == {DocumentKind.NOTICE}
    notice = text_of(content(config, issued[DocumentKind.NOTICE]))
    assert "Alat penyampai (Pasal 22 ayat (7) huruf f) e-mail" in notice
    assert "Rp5.000; cara pembayaran: Transfer ke rekening kas daerah" in notice
    assert "salinan elektronik (softcopy)" in notice and "3 hari kerja" in notice


def test_the_officer_may_choose_another_means_and_an_inspection_is_named_as_such(desk, session, config,
                                                                                dinkes_officer) -> None:
    chosen = desk.file(filing()).permohonan
    event = desk.decide(chosen, officer=dinkes_officer, data={**GRANT, "alat_penyampai": "pos"})
    assert event.payload["alat_penyampai"] == "pos"
    inspection = desk.file(filing(cara_memperoleh="melihat", email="budi@example.id")).permohonan
    event = desk.decide(inspection, officer=dinkes_officer, data={**GRANT, "biaya": "0"})
    assert "alat_penyampai" not in event.payload
    notice = text_of(content(config, letters(session, inspection)[DocumentKind.NOTICE]))
    assert "huruf f) melihat / membaca / mendengarkan / mencatat" in notice and "tanpa biaya" in notice


def test_information_not_held_names_its_holder_in_the_notice_and_the_email(desk, session, config, received,
                                                                           dinkes_officer) -> None:
    permohonan = desk.file(filing()).permohonan
    desk.decide(permohonan, officer=dinkes_officer,
                data={"keputusan": "tidak_dikuasai", "badan_publik_lain": "BPS Kabupaten Contoh"})
    session.commit()

    notice = text_of(content(config, letters(session, permohonan)[DocumentKind.NOTICE]))
    assert "tidak dikuasai Dinas Kesehatan" in notice and "dikuasai oleh BPS Kabupaten Contoh" in notice
    decided = [message for message in received if message["To"] == "siti@example.id"][-1].get_content()
    assert "Informasi ini dikuasai oleh BPS Kabupaten Contoh" in decided


def test_the_refusal_email_states_the_objection_right_its_last_day_and_how_to_file(desk, session, received,
                                                                                   dinkes_officer) -> None:
    permohonan = desk.file(filing()).permohonan
    desk.decide(permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()

    decided = [message for message in received if message["To"] == "siti@example.id"][-1].get_content()
    assert "ditolak" in decided and "Pasal 17 huruf h" in decided
    assert f"berhak mengajukan keberatan tertulis kepada atasan PPID paling lambat {OBJECTION_LAST_DAY}" in decided
    assert f"{PUBLIC_URL}/permohonan/lacak" in decided and permohonan.number in decided
    assert "Ajukan keberatan kepada atasan PPID" in decided and "dapat diunduh dari halaman pelacakan" in decided


def test_a_rolled_back_decision_leaves_no_letter(desk, session, dinkes_officer) -> None:
    permohonan = desk.file(filing()).permohonan
    session.commit()
    desk.decide(permohonan, officer=dinkes_officer, data=REFUSAL)
    session.rollback()
    assert session.scalars(select(IssuedDocument)).all() == []


def test_the_verification_page_confirms_the_real_file_and_rejects_a_tampered_one(desk, session, config, client,
                                                                                 dinkes_officer) -> None:
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()
    notice = letters(session, filed.permohonan)[DocumentKind.NOTICE]

    tracking = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    link = f"/permohonan/lacak/{filed.token}/surat/{notice.code}.pdf"
    assert link in tracking  # the requester downloads it from the tracking page
    downloaded = client.get(link)
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
    assert downloaded.headers["Cache-Control"] == "no-store"
    pdf = downloaded.get_data()

    page = client.get(f"/verifikasi/{notice.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and notice.sha256 in text and "Pemberitahuan tertulis" in text
    assert "0001/PPID/DINKES/2026" in text and "Dinas Kesehatan" in text
    assert not [word for word in PERSONAL if word in text]  # nothing personal on the public page

    token = csrf(client, f"/verifikasi/{notice.code}")
    real = client.post(f"/verifikasi/{notice.code}", data={"csrf_token": token, "berkas": (io.BytesIO(pdf), "a.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Cocok." in real and "Tidak cocok." not in real
    tampered_bytes = edited(pdf)
    tampered = client.post(f"/verifikasi/{notice.code}",
                           data={"csrf_token": token, "berkas": (io.BytesIO(tampered_bytes), "a.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert "Tidak cocok." in tampered and notice.sha256 not in tampered.split("Sidik SHA-256 berkas Anda")[1]
    without_token = client.post(f"/verifikasi/{notice.code}", data={"berkas": (io.BytesIO(pdf), "a.pdf")},
                                content_type="multipart/form-data")
    assert without_token.status_code == 400  # CSRF on every form

    typed = client.get("/verifikasi", query_string={"kode": notice.code.lower().replace("-", " ")})
    assert typed.status_code == 303 and typed.location.endswith(f"/verifikasi/{notice.code}")
    assert client.get("/verifikasi/AAAA-BBBB-CCCC").status_code == 404
    assert client.get("/verifikasi", query_string={"kode": "bukan kode"}).status_code == 404


def test_the_letters_reach_the_holder_of_the_tracking_link_and_the_officers_of_the_dinas_only(
    desk, session, config, client, dinkes_officer, capil_officer
) -> None:
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()
    refusal = letters(session, filed.permohonan)[DocumentKind.REFUSAL]
    expected = content(config, refusal)

    page = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    link = f"/permohonan/lacak/{filed.token}/surat/{refusal.code}.pdf"
    assert link in page
    assert client.get(link).get_data() == expected
    # the number and the filing e-mail alone reveal nothing (they only e-mail a tracking link): no letter by them
    token = csrf(client, "/permohonan/lacak")
    by_pair = client.post(f"/permohonan/lacak/surat/{refusal.code}.pdf",
                          data={"nomor": filed.permohonan.number, "email": "siti@example.id", "csrf_token": token})
    assert by_pair.status_code in (404, 405) and by_pair.get_data() != expected

    other = desk.file(filing(email="budi@example.id"))
    session.commit()
    assert client.get(f"/permohonan/lacak/{other.token}/surat/{refusal.code}.pdf").status_code == 404

    url = f"/permohonan/petugas/{filed.permohonan.id}/surat/{refusal.code}.pdf"
    sign_in(client, "petugas.capil")
    assert client.get(url).status_code == 404  # another dinas: not even a hint
    client.post("/keluar", data={"csrf_token": csrf(client, "/permohonan/petugas/")})
    sign_in(client, "petugas.dinkes")
    detail = client.get(f"/permohonan/petugas/{filed.permohonan.id}").get_data(as_text=True)
    assert url in detail
    assert client.get(url).get_data() == expected


def test_the_officer_decides_from_the_desk_with_the_means_and_the_signers_position(client, platform, session,
                                                                                  dinkes_officer) -> None:
    from .test_web import file_directly

    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="alat_penyampai"' in page and 'name="jabatan_pejabat"' in page
    data = {**GRANT, "alat_penyampai": "kurir", "jabatan_pejabat": "Sekretaris Dinas", "csrf_token": csrf(client, url)}
    assert client.post(f"{url}/putuskan", data=data).status_code == 303
    decided = session.get(Permohonan, permohonan.id).events[-1]
    assert (decided.payload["alat_penyampai"], decided.payload["jabatan_pejabat"]) == ("kurir", "Sekretaris Dinas")
    assert len(session.scalars(select(IssuedDocument)).all()) == 1  # the web desk issues the notice


@pytest.fixture
def adjudicated(desk, session, clock, dinkes_officer, atasan_dinkes):
    """Refused on 16 March 2026; objected to; upheld on 14 April; the dispute recorded by the requester on 21 April;
    the Komisi Informasi's adjudication on Monday 15 June 2026 refused the requester's claim."""
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    clock.set(2026, 3, 17)
    desk.file_objection(filed.permohonan, OBJECTION)
    clock.set(2026, 4, 14)
    desk.answer_objection(filed.permohonan, officer=atasan_dinkes,
                          data={"putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    clock.set(2026, 4, 21)
    desk.record_dispute(filed.permohonan, data=DISPUTE)
    session.commit()
    clock.set(2026, 6, 16)
    desk.record_dispute_outcome(filed.permohonan, officer=dinkes_officer, data=ADJUDICATION)
    session.commit()
    return filed


def test_after_an_adjudication_the_court_deadline_is_a_date_on_the_tracking_page_and_in_the_email(
    desk, client, received, adjudicated
) -> None:
    dispute = desk.status(adjudicated.permohonan).objection.dispute
    # Pasal 47-48: 14 days, counted as calendar days from the decision (the earlier of the two readings, decided in
    # deadlines.court_filing_deadline): Monday 15 June + 14 days = Monday 29 June 2026.
    assert dispute.court_deadline == date(2026, 6, 29)

    page = client.get(f"/permohonan/lacak/{adjudicated.token}").get_data(as_text=True)
    assert "Batas mengajukan gugatan ke pengadilan" in page and "Senin, 29 Juni 2026" in page
    outcome = [message for message in received if message["To"] == "siti@example.id"][-1].get_content()
    assert "gugatan ke pengadilan" in outcome and "paling lambat Senin, 29 Juni 2026" in outcome


def test_a_mediated_settlement_has_no_court_deadline(desk, session, clock, dinkes_officer, atasan_dinkes) -> None:
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    desk.file_objection(filed.permohonan, OBJECTION)
    clock.set(2026, 4, 14)
    desk.answer_objection(filed.permohonan, officer=atasan_dinkes,
                          data={"putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    clock.set(2026, 4, 21)
    desk.record_dispute(filed.permohonan, data=DISPUTE)
    clock.set(2026, 6, 16)
    desk.record_dispute_outcome(filed.permohonan, officer=dinkes_officer,
                                data={"hasil": "mediasi_berhasil", "tanggal_putusan": "2026-06-15"})
    assert desk.status(filed.permohonan).objection.dispute.court_deadline is None  # Pasal 39: final and binding


def test_the_officers_of_the_dinas_are_emailed_when_the_requester_records_a_dispute(
    desk, session, clock, received, dinkes_officer, atasan_dinkes, capil_officer
) -> None:
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    clock.set(2026, 3, 17)
    desk.file_objection(filed.permohonan, OBJECTION)
    clock.set(2026, 4, 14)
    desk.answer_objection(filed.permohonan, officer=atasan_dinkes,
                          data={"putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    session.commit()
    received.clear()
    clock.set(2026, 4, 21)
    desk.record_dispute(filed.permohonan, data=DISPUTE)  # by the requester, on the tracking page
    session.commit()

    to = {message["To"]: message for message in received}
    assert {"ppid.dinkes@contoh.go.id", "petugas.dinkes@contoh.go.id", "atasan.dinkes@contoh.go.id"} <= set(to)
    assert "petugas.capil@contoh.go.id" not in to
    body = to["petugas.dinkes@contoh.go.id"].get_content()
    assert DISPUTE["nomor_register"] in body and "Senin, 11 Mei 2026" in body  # Pasal 38(1): the KI starts by then
    assert not [word for word in PERSONAL if word in body]


def test_a_dispute_recorded_by_an_officer_from_the_ki_letter_emails_only_the_requester(
    desk, session, clock, received, dinkes_officer, atasan_dinkes
) -> None:
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    desk.file_objection(filed.permohonan, OBJECTION)
    clock.set(2026, 4, 14)
    desk.answer_objection(filed.permohonan, officer=atasan_dinkes,
                          data={"putusan": "ditolak", "tanggapan": "Dikuatkan.", "alasan": "Memuat diagnosis pasien."})
    session.commit()
    received.clear()
    clock.set(2026, 4, 21)
    desk.record_dispute(filed.permohonan, officer=dinkes_officer, data=DISPUTE)
    session.commit()
    assert [message["To"] for message in received] == ["siti@example.id"]


def test_codes_are_read_as_typed_from_paper() -> None:
    assert normalise_code("k7qm 3xpa 9tzd") == "K7QM-3XPA-9TZD"
    assert normalise_code("K7QM-3XPA-9TZ0") is None  # 0 is not in the alphabet: it would be read as O
    assert normalise_code("K7QM-3XPA") is None


def self_signed_pkcs12(folder, passphrase: bytes):
    """A key and a self-signed certificate for the pemda's PPID, as a PKCS#12 file (made with ``cryptography``)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PPID Kabupaten Contoh"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "ppid.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ppid", key, certificate, None, serialization.BestAvailableEncryption(passphrase)))
    return path, certificate.public_bytes(serialization.Encoding.DER)


def test_letters_carry_a_pades_signature_when_the_pemdas_certificate_is_configured(
    tmp_path, monkeypatch, session, settings, platform, clock, dinkes_officer
) -> None:
    pytest.importorskip("pyhanko")
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    path, certificate = self_signed_pkcs12(tmp_path, b"sandi-sertifikat")
    monkeypatch.setenv("PPID_SANDI_TANDA_TANGAN", "sandi-sertifikat")
    signing = PermohonanConfig.from_settings(replace(settings, defaults={"permohonan": {"signing": {
        "certificate": str(path), "passphrase_env": "PPID_SANDI_TANDA_TANGAN"}}}))
    desk = Workflow(session, signing, platform.registry, clock=clock, issuer=Issuer(PUBLIC_URL, signer=signing.signer))
    permohonan = desk.file(filing()).permohonan
    desk.decide(permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()

    for document in letters(session, permohonan).values():
        pdf = content(signing, document)
        assert document.signed and hashlib.sha256(pdf).hexdigest() == document.sha256  # the hash is of the signed file
        [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        trusted = ValidationContext(trust_roots=[asn1_x509.Certificate.load(certificate)], allow_fetching=False)
        result = validate_pdf_signature(signature, trusted)
        assert result.intact and result.valid and result.trusted
        assert "0001/PPID/DINKES/2026" in text_of(pdf)


def test_a_configured_certificate_that_cannot_be_used_stops_start_up(tmp_path, settings) -> None:
    def configured(section: dict) -> PermohonanConfig:
        return PermohonanConfig.from_settings(replace(settings, defaults={"permohonan": {"signing": section}}))

    assert configured({}).signer is None
    with pytest.raises(ConfigError, match=r"permohonan\.signing\.certificate"):
        configured({"certificate": str(tmp_path / "tidak-ada.p12")})
    (tmp_path / "rusak.p12").write_bytes(b"bukan sertifikat")
    with pytest.raises(ConfigError, match=r"permohonan\.signing\.certificate"):
        configured({"certificate": str(tmp_path / "rusak.p12")})


def test_the_tracking_page_lists_the_letters_without_reading_their_pdfs(desk, session, client, platform,
                                                                         dinkes_officer) -> None:
    """The page names and links each letter; the encrypted PDF is read only when it is downloaded (issue 17)."""
    filed = desk.file(filing())
    desk.decide(filed.permohonan, officer=dinkes_officer, data=REFUSAL)
    session.commit()
    refusal = letters(session, filed.permohonan)[DocumentKind.REFUSAL]
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        page = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
        listed = list(statements)
        pdf = client.get(f"/permohonan/lacak/{filed.token}/surat/{refusal.code}.pdf")
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert f"/permohonan/lacak/{filed.token}/surat/{refusal.code}.pdf" in page
    assert [statement for statement in listed if "FROM permohonan_surat" in statement]
    assert not [statement for statement in listed if "permohonan_surat.content" in statement]
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
