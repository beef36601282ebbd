"""The annual service report as issued (Perki 1/2021 Pasal 56, kip-rules §5.10): six sections, finalised and
versioned, public without sign-in, a copy to the Komisi Informasi by 31 March, and the semester summaries.

The web app runs on the real clock (December 2026), so the seeded year is 2025, which has ended. Its dates,
hand-computed on the 2025 calendar (no holiday between 3 and 24 November 2025):
- request 1, received Monday 3 November 2025, granted Wednesday 5 November: 2 working days;
- request 2, received the same day, refused (Pasal 17 h) Monday 17 November: 10 working days;
- an objection to request 2 on Tuesday 18 November, upheld by the atasan on Monday 24 November.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from ppid.permohonan import service_report
from ppid.permohonan.service_report import FinalisedVersionChanged

from .conftest import REFUSAL, filing
from .test_objections import OBJECTION
from .test_reports import GRANT
from .test_web import PERSONAL, csrf, sign_in

ADMIN_PAGE = "/admin/laporan-layanan/"
YEAR_PAGE = "/admin/laporan-layanan/2025"
PROFILE = {
    "kebijakan": "Peraturan Bupati Contoh Nomor 12 Tahun 2021 tentang Layanan Informasi Publik",
    "sop": "SOP permohonan, keberatan dan sengketa informasi (Keputusan PPID Utama Nomor 3 Tahun 2022)",
    "sk_ppid": "Keputusan Bupati Contoh Nomor 188/45/2024 tentang PPID",
    "maklumat": "Maklumat pelayanan informasi publik ditandatangani 2 Januari 2025",
    "sarana": "Meja layanan di lobi kantor bupati, komputer dan pemindai dalam kondisi baik",
    "jumlah_petugas": "7",
    "kualifikasi_petugas": "Dua lulusan S1 ilmu komunikasi, lima telah mengikuti bimtek Komisi Informasi",
    "anggaran": "Rp 125.000.000",
    "sumber_anggaran": "APBD Kabupaten Contoh 2025",
    "penggunaan_anggaran": "Bimtek petugas, pemeliharaan portal, penggandaan salinan",
}
TEXTS = {
    "kendala_internal": "Arsip dinas belum seluruhnya digital",
    "kendala_eksternal": "Jaringan internet di kecamatan terpencil sering terputus",
    "rekomendasi": "Digitalisasi arsip dinas kesehatan",
    "rencana_tindak_lanjut": "Bimtek pengelolaan arsip pada triwulan I 2026",
}


@pytest.fixture
def year_2025(workflow, session, dinkes_officer, atasan_dinkes, clock):
    clock.set(2025, 11, 3)
    granted, refused = (workflow.file(filing()).permohonan for _ in range(2))
    clock.set(2025, 11, 5)
    workflow.decide(granted, officer=dinkes_officer, data=GRANT)
    clock.set(2025, 11, 17)
    workflow.decide(refused, officer=dinkes_officer, data=REFUSAL)
    clock.set(2025, 11, 18)
    workflow.file_objection(refused, OBJECTION)
    clock.set(2025, 11, 24)
    workflow.answer_objection(refused, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Keputusan PPID dikuatkan.", "alasan": "Data memuat diagnosis pasien."})
    session.commit()
    return granted


def post(client, url: str, data: dict, page: str | None = None):
    return client.post(url, data={**data, "csrf_token": csrf(client, page or url)})


@pytest.fixture
def admin(client, ppid_utama):
    sign_in(client, "ppid.utama")
    return client


def finalise_2025(admin) -> None:
    assert post(admin, ADMIN_PAGE, PROFILE).status_code == 303
    assert post(admin, YEAR_PAGE, TEXTS).status_code == 303
    response = post(admin, f"{YEAR_PAGE}/finalisasi", {}, YEAR_PAGE)
    assert response.status_code == 303, response.text


def figure(text: str, label: str) -> str:
    """The value printed right after ``label`` (a table row: label cell, then value cell)."""
    return re.search(re.escape(label) + r"\s+(\S+)", text).group(1)


SECTIONS = ("A. Gambaran umum kebijakan layanan informasi publik",
            "B. Gambaran umum pelaksanaan layanan informasi publik",
            "C. Rincian layanan informasi publik", "D. Rincian penyelesaian sengketa",
            "E. Kendala eksternal dan internal", "F. Rekomendasi dan rencana tindak lanjut")


def test_the_finalised_report_is_public_as_page_and_pdf_with_all_six_sections(admin, app, year_2025) -> None:
    finalise_2025(admin)
    visitor = app.test_client()  # not signed in: information available at any time, Pasal 11(1)(h)
    assert 'href="/laporan-layanan/2025"' in visitor.get("/laporan-layanan/").text
    page = visitor.get("/laporan-layanan/2025")
    assert page.status_code == 200
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    document = visitor.get("/laporan-layanan/2025.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document.data)).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    for shown in (html, pdf):
        positions = [shown.index(section) for section in SECTIONS]
        assert positions == sorted(positions)  # all six, in order
        for value in (*PROFILE.values(), *TEXTS.values()):
            if value not in ("7", "Rp 125.000.000"):
                assert value in shown
        assert figure(shown, "Jumlah petugas PPID") == "7"
        assert figure(shown, "Jumlah anggaran layanan informasi (Rp)") == "125.000.000"
        assert figure(shown, "Jumlah permohonan (Pasal 12 huruf a)") == "2"
        assert figure(shown, "Dikabulkan seluruhnya atau sebagian (Pasal 12 huruf c)") == "1"
        assert figure(shown, "Ditolak (Pasal 12 huruf c)") == "1"
        assert figure(shown, "Median waktu pemenuhan (hari kerja, Pasal 12 huruf b)") == "6,0"
        assert figure(shown, "Jumlah keberatan") == "1"
        assert figure(shown, "Tanggapan atasan PPID: keberatan ditolak; keputusan PPID dikuatkan") == "1"
        assert "Pasal 17 huruf h: mengungkap rahasia pribadi" in shown
        for personal in [*PERSONAL, year_2025.number, "petugas.dinkes", "Atasan.Dinkes"]:
            assert personal not in shown
    english = visitor.get("/laporan-layanan/2025?lang=en").text
    assert "A. Overview of the public information service policy" in english and "Number of PPID staff" in english


def test_only_finalised_years_are_public_and_a_year_is_finalised_after_it_ends(admin, app, year_2025) -> None:
    visitor = app.test_client()
    assert visitor.get("/laporan-layanan/2025").status_code == 404
    assert visitor.get("/laporan-layanan/2025.pdf").status_code == 404
    assert "Belum ada laporan tahunan yang difinalisasi." in visitor.get("/laporan-layanan/").text
    refused = post(admin, "/admin/laporan-layanan/2026/finalisasi", {}, "/admin/laporan-layanan/2026")
    assert refused.status_code == 422 and "setelah tahun itu berakhir" in refused.text
    assert visitor.get("/laporan-layanan/2026").status_code == 404


def test_a_new_version_needs_a_reason_and_the_earlier_one_stays_readable(admin, app, session, year_2025) -> None:
    finalise_2025(admin)
    post(admin, YEAR_PAGE, {**TEXTS, "kendala_internal": "Arsip belum digital; dua petugas mutasi"})
    without_reason = post(admin, f"{YEAR_PAGE}/finalisasi", {}, YEAR_PAGE)
    assert without_reason.status_code == 422 and "Versi baru memerlukan alasan" in without_reason.text
    assert post(admin, f"{YEAR_PAGE}/finalisasi", {"alasan": "Kendala internal dilengkapi"}, YEAR_PAGE
                ).status_code == 303
    visitor = app.test_client()
    latest = visitor.get("/laporan-layanan/2025").text
    assert "dua petugas mutasi" in latest and "Versi 2" in latest and "Kendala internal dilengkapi" in latest
    first = visitor.get("/laporan-layanan/2025?versi=1").text
    assert "Arsip dinas belum seluruhnya digital" in first and "dua petugas mutasi" not in first
    assert visitor.get("/laporan-layanan/2025?versi=3").status_code == 404
    earlier_pdf = PdfReader(io.BytesIO(visitor.get("/laporan-layanan/2025.pdf?versi=1").data)).pages[0].extract_text()
    assert "Versi 1" in earlier_pdf

    version = service_report.find_version(session, 2025, 1)
    version.content = {**version.content, "texts": {}}
    with pytest.raises(FinalisedVersionChanged):
        session.flush()
    session.rollback()
    with pytest.raises(Exception, match="final"):  # the database refuses every other writer too
        session.execute(text("UPDATE laporan_layanan_versi SET reason = 'diam-diam' WHERE version = 1"))
    session.rollback()
    with pytest.raises(Exception, match="final"):
        session.execute(text("DELETE FROM laporan_layanan_versi"))
    session.rollback()


def test_the_copy_to_the_komisi_informasi_is_a_recorded_step_reminded_until_done(admin, year_2025) -> None:
    reminder = ("Kirim salinan laporan layanan informasi publik tahun 2025 ke Komisi Informasi paling lambat "
                "31 Maret 2026")
    workspace = admin.get("/petugas/").text
    assert reminder in workspace and 'class="task late" id="tugas-laporan-ki"' in workspace  # 31 March has passed
    assert "Finalisasi laporan tahun 2025, lalu kirim salinannya" in workspace
    assert "31 Maret 2026" in admin.get(ADMIN_PAGE).text and 'id="pengingat-ki"' in admin.get(ADMIN_PAGE).text
    early = post(admin, f"{YEAR_PAGE}/salinan-ki", {"tanggal": "2026-03-20", "cara": "e-mail"}, YEAR_PAGE)
    assert early.status_code == 422 and "Finalisasi laporan tahun 2025 sebelum mengirim salinannya" in early.text

    finalise_2025(admin)
    assert "Catat pengirimannya" in admin.get("/petugas/").text
    future = post(admin, f"{YEAR_PAGE}/salinan-ki", {"tanggal": "2030-01-02", "cara": "e-mail"}, YEAR_PAGE)
    assert future.status_code == 422
    sent = post(admin, f"{YEAR_PAGE}/salinan-ki", {"tanggal": "2026-03-20",
                                                    "cara": "e-mail ke ppid@komisiinformasi.contoh.go.id"}, YEAR_PAGE)
    assert sent.status_code == 303
    page = admin.get(YEAR_PAGE).text
    assert ("Versi 1 dikirim pada 20 Maret 2026 melalui e-mail ke ppid@komisiinformasi.contoh.go.id; "
            "dicatat oleh ppid.utama.") in page
    assert reminder not in admin.get("/petugas/").text and 'id="pengingat-ki"' not in admin.get(ADMIN_PAGE).text


def test_the_semester_summary_counts_the_requests_of_its_half_year(app, year_2025) -> None:
    visitor = app.test_client()
    second = visitor.get("/laporan-layanan/2025/semester-2")
    assert second.status_code == 200
    assert re.search(r"Jumlah permohonan \(Pasal 12 huruf a\)</th><td>2<", second.text)
    first = visitor.get("/laporan-layanan/2025/semester-1").text
    assert re.search(r"Jumlah permohonan \(Pasal 12 huruf a\)</th><td>0<", first)
    document = visitor.get("/laporan-layanan/2025/semester-2.pdf")
    pdf = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document.data)).pages))
    assert "Ringkasan layanan informasi publik semester II tahun 2025" in pdf
    assert figure(pdf, "Jumlah permohonan (Pasal 12 huruf a)") == "2"
    assert "Siti Rahmawati" not in pdf
    assert visitor.get("/laporan-layanan/2025/semester-3").status_code == 404
    assert visitor.get("/laporan-layanan/1999/semester-1").status_code == 404


def test_only_a_region_wide_administrator_writes_the_report(client, app, year_2025, dinkes_officer, session) -> None:
    from ppid.accounts.models import Role
    from ppid.accounts.service import Grant

    from .conftest import make_user

    assert client.get(ADMIN_PAGE).status_code == 302  # to the sign-in page
    sign_in(client, "petugas.dinkes")
    assert client.get(ADMIN_PAGE).status_code == 403
    make_user(session, "admin.dinkes", Grant(Role.ADMIN, "dinkes"))
    dinas_admin = app.test_client()
    sign_in(dinas_admin, "admin.dinkes")
    assert dinas_admin.get(YEAR_PAGE).status_code == 403
    assert dinas_admin.post(f"{YEAR_PAGE}/finalisasi").status_code in (400, 403)


def test_a_form_without_its_csrf_token_changes_nothing(admin, session) -> None:
    assert admin.post(ADMIN_PAGE, data=PROFILE).status_code == 400
    assert service_report.profile(session)["kebijakan"] == ""


def test_numbers_in_section_b_must_be_numbers(admin, session) -> None:
    response = post(admin, ADMIN_PAGE, {**PROFILE, "jumlah_petugas": "tujuh orang"})
    assert response.status_code == 422 and "Jumlah petugas PPID harus berupa angka." in response.text
    assert "tujuh orang" in response.text  # what was typed is kept in the form
    assert service_report.profile(session)["jumlah_petugas"] == ""


def test_the_statistics_and_officer_report_lead_to_the_reports(client, app, admin, dinkes_officer) -> None:
    assert 'href="/laporan-layanan/"' in app.test_client().get("/permohonan/statistik").text
    assert 'href="/admin/laporan-layanan/"' in admin.get("/permohonan/petugas/laporan").text
    officer = app.test_client()
    sign_in(officer, "petugas.dinkes")
    page = officer.get("/permohonan/petugas/laporan").text
    assert 'href="/laporan-layanan/"' in page and 'href="/admin/laporan-layanan/"' not in page


def test_a_finalised_version_keeps_its_figures_when_the_records_change(admin, app, workflow, session, clock,
                                                                        year_2025) -> None:
    finalise_2025(admin)
    clock.set(2025, 12, 1)  # a letter of December 2025 recorded late, after the report was finalised
    workflow.file(filing())
    session.commit()
    visitor = app.test_client()
    assert re.search(r"Jumlah permohonan \(Pasal 12 huruf a\)</th><td>2<", visitor.get("/laporan-layanan/2025").text)
    live = visitor.get("/laporan-layanan/2025/semester-2").text
    assert re.search(r"Jumlah permohonan \(Pasal 12 huruf a\)</th><td>3<", live)


def test_no_reminder_for_a_year_the_platform_kept_no_records_of(admin, workflow, session, clock) -> None:
    clock.set(2026, 2, 2)  # the pemda started using the platform this year
    workflow.file(filing())
    session.commit()
    assert 'id="tugas-laporan-ki"' not in admin.get("/petugas/").text
    assert 'id="pengingat-ki"' not in admin.get(ADMIN_PAGE).text
