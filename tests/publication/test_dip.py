"""The Daftar Informasi Publik: built from the catalogue and the dinas's declarations, set by an SK, searchable
and filterable on a public page, and downloadable as CSV, XLSX, JSON and PDF with the Perki columns."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
from pypdf import PdfReader
from sqlalchemy import select

from ppid.pipeline.runner import run_harvest
from ppid.publication.models import DeclaredInformation

from .conftest import EXEMPT_TITLE, SAMPLES

DECLARED = {
    "title": "Buku Register Izin Praktik Tenaga Kesehatan",
    "summary": "Register izin praktik yang diterbitkan, per tahun.",
    "holder_unit": "Bidang Sumber Daya Kesehatan",
    "responsible": "Kepala Bidang Sumber Daya Kesehatan",
    "made_when": "2025",
    "made_where": "Cibinong",
    "formats": "Cetak",
    "retention": "10 tahun",
    "kategori_informasi": "setiap-saat",
    "pasal_11_huruf": "b",
}


def declare(officer, dinas: str = "dinkes", **fields: str):
    return officer.post(f"/petugas/informasi-publik/{dinas}/entri",
                        data={**DECLARED, **fields, "csrf_token": officer.token})


def dip_json(client, **filters) -> dict:
    response = client.get("/informasi-publik/unduh.json", query_string=filters)
    assert response.status_code == 200
    return json.loads(response.get_data())


def test_the_dip_lists_catalogue_items_and_declared_entries_with_the_perki_columns_and_never_exempt_ones(
        platform, client, sign_in) -> None:
    run_harvest(platform)
    assert declare(sign_in("petugas-dinkes")).status_code == 303

    document = dip_json(client)

    rows = {row["judul"]: row for row in document["informasi"]}
    assert sorted(rows) == [DECLARED["title"], "Profil Kesehatan", "Rencana Strategis Dinas Pendidikan"]
    assert [row["nomor"] for row in document["informasi"]] == [1, 2, 3]
    profile = rows["Profil Kesehatan"]
    assert profile == profile | {
        "ringkasan": "Dokumen profil kesehatan.", "unit_penguasa": "Dinas Kesehatan Kabupaten Contoh",
        "penanggung_jawab": "PPID Pelaksana Dinas Kesehatan", "waktu_tempat_pembuatan": "2023, Kabupaten Contoh",
        "format": "PDF", "retensi": "5 tahun", "kategori": "berkala", "dinas": "dinkes", "sumber": "katalog",
        "tautan": "http://127.0.0.1:5000/dokumen/dinkes-profil-kesehatan",
    }
    assert "6 bulan" in profile["kategori_label"]
    declared = rows[DECLARED["title"]]
    assert declared == {
        "nomor": declared["nomor"], "judul": DECLARED["title"], "ringkasan": DECLARED["summary"],
        "unit_penguasa": DECLARED["holder_unit"], "penanggung_jawab": DECLARED["responsible"],
        "waktu_tempat_pembuatan": "2025, Cibinong", "format": "Cetak", "retensi": "10 tahun", "kategori": "setiap-saat",
        "kategori_label": declared["kategori_label"], "dinas": "dinkes", "tautan": "", "sumber": "dinyatakan",
    }
    assert declared["kategori_label"].endswith("huruf b")
    page = client.get("/informasi-publik").get_data(as_text=True)
    assert "Profil Kesehatan" in page and DECLARED["title"] in page
    assert EXEMPT_TITLE not in page


def test_search_and_filters_keep_each_row_its_number(platform, client, sign_in) -> None:
    run_harvest(platform)
    declare(sign_in("petugas-dinkes"))

    assert [(r["nomor"], r["judul"]) for r in dip_json(client, q="izin praktik")["informasi"]] == [
        (1, DECLARED["title"])]
    assert [r["judul"] for r in dip_json(client, kategori="berkala")["informasi"]] == ["Profil Kesehatan"]
    assert [r["judul"] for r in dip_json(client, format="DOCX")["informasi"]] == ["Rencana Strategis Dinas Pendidikan"]
    by_dinas = dip_json(client, dinas="disdik")
    assert by_dinas["judul"] == "Daftar Informasi Publik Dinas Pendidikan Kabupaten Contoh"
    assert [(r["nomor"], r["judul"]) for r in by_dinas["informasi"]] == [(1, "Rencana Strategis Dinas Pendidikan")]
    page = client.get("/informasi-publik", query_string={"q": "profil"}).get_data(as_text=True)
    assert "Profil Kesehatan" in page and "Rencana Strategis" not in page


def test_the_exports_carry_the_same_rows_and_a_spreadsheet_never_runs_a_cell_as_a_formula(
        platform, client, sign_in) -> None:
    run_harvest(platform)
    declare(sign_in("petugas-dinkes"), title="=HYPERLINK(\"http://contoh.invalid\",\"klik\")")

    text = client.get("/informasi-publik/unduh.csv").get_data().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["No", "Ringkasan isi informasi", "Pejabat/unit yang menguasai informasi"]
    assert len(table) == 4
    assert any(row[1].startswith("'=HYPERLINK") for row in table[1:])

    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/informasi-publik/unduh.xlsx").get_data()))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Jangka waktu penyimpanan" in cells
    assert any(value.startswith("'=HYPERLINK") for value in cells)
    assert not any(value.startswith("=") for value in cells)

    response = client.get("/informasi-publik/unduh.pdf")
    assert response.mimetype == "application/pdf"
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert "Profil Kesehatan" in pdf_text and "Rencana Strategis" in pdf_text
    assert EXEMPT_TITLE not in pdf_text


def test_the_sk_is_recorded_with_its_document_and_named_on_the_page_and_in_the_exports(
        platform, client, sign_in) -> None:
    run_harvest(platform)
    admin = sign_in("admin")
    sk = (SAMPLES / "dinkes" / "profil-kesehatan-2023.pdf").read_bytes()

    response = admin.post("/petugas/informasi-publik/sk", data={
        "dinas": "", "number": "188.45/12/KPTS/2026", "decided_on": "2026-01-15",
        "document": (io.BytesIO(sk), "SK DIP 2026.pdf"), "csrf_token": admin.token},
        content_type="multipart/form-data")

    assert response.status_code == 303
    page = client.get("/informasi-publik").get_data(as_text=True)
    assert "188.45/12/KPTS/2026" in page and "15 Januari 2026" in page
    document = dip_json(client)
    assert document["sk"]["nomor"] == "188.45/12/KPTS/2026" and document["sk"]["tanggal"] == "2026-01-15"
    path = document["sk"]["dokumen"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).get_data() == sk
    assert dip_json(client, dinas="dinkes")["sk"] is None  # the pemda's SK does not set a dinas's DIP
    pdf = client.get("/informasi-publik/unduh.pdf").get_data()
    assert "188.45/12/KPTS/2026" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_pemda_sk_is_the_administrators_and_a_dinas_sk_its_own_officers(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    sk = {"number": "1/2026", "decided_on": "2026-01-15", "csrf_token": officer.token}

    pemda = officer.post("/petugas/informasi-publik/sk", data={**sk, "dinas": "",
                         "document": (io.BytesIO(b"%PDF-1.4"), "sk.pdf")}, content_type="multipart/form-data")
    other = officer.post("/petugas/informasi-publik/sk", data={**sk, "dinas": "disdik",
                         "document": (io.BytesIO(b"%PDF-1.4"), "sk.pdf")}, content_type="multipart/form-data")
    own = officer.post("/petugas/informasi-publik/sk", data={**sk, "dinas": "dinkes",
                       "document": (io.BytesIO(b"%PDF-1.4"), "sk.pdf")}, content_type="multipart/form-data")

    assert (pemda.status_code, other.status_code, own.status_code) == (403, 403, 303)
    assert declare(officer, dinas="disdik").status_code == 403


def test_a_declared_entry_is_checked_and_exempt_information_is_sent_to_the_dik(platform, sign_in) -> None:
    officer = sign_in("petugas-dinkes")

    exempt = declare(officer, kategori_informasi="dikecualikan", pasal_11_huruf="")
    periodic = declare(officer, kategori_informasi="berkala", pasal_11_huruf="")

    assert exempt.status_code == 422
    assert "Daftar Informasi yang Dikecualikan" in exempt.get_data(as_text=True)
    assert periodic.status_code == 422
    assert "wajib diisi untuk informasi berkala" in periodic.get_data(as_text=True)


def test_the_dip_api_answers_what_the_openapi_description_says(platform, client, sign_in) -> None:
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate as validate_spec

    run_harvest(platform)
    declare(sign_in("petugas-dinkes"))
    spec = client.get("/api/v1/openapi.json").get_json()
    validate_spec(spec)
    operation = spec["paths"]["/api/informasi-publik"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"dinas", "q", "kategori", "format"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)

    for query in ({}, {"dinas": "dinkes", "kategori": "setiap-saat"}):
        answer = client.get("/api/informasi-publik", query_string=query)
        assert answer.mimetype == "application/json"
        assert list(validator.iter_errors(answer.get_json())) == []
    assert answer.get_json()["jumlah"] == 1
    broken = answer.get_json() | {"jumlah": "satu"}
    assert list(validator.iter_errors(broken)) != []


def test_a_declared_entry_is_listed_for_its_dinas_and_removed_only_by_its_officers(platform, client, sign_in) -> None:
    officer = sign_in("petugas-dinkes")
    declare(officer)
    with platform.database.session() as session:
        entry_id = session.scalar(select(DeclaredInformation.id))
    assert DECLARED["title"] in officer.get("/petugas/informasi-publik").get_data(as_text=True)
    other = sign_in("walidata-disdik")
    assert DECLARED["title"] not in other.get("/petugas/informasi-publik").get_data(as_text=True)

    refused = other.post(f"/petugas/informasi-publik/entri/{entry_id}/hapus", data={"csrf_token": other.token})
    removed = officer.post(f"/petugas/informasi-publik/entri/{entry_id}/hapus", data={"csrf_token": officer.token})

    assert (refused.status_code, removed.status_code) == (403, 303)
    assert dip_json(client)["jumlah"] == 0
