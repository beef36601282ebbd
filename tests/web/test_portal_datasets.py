"""The citizen's way through the datasets: facets and paging, dinas pages, previews and validation summaries."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.portal import preview, views
from ppid.portal.preview import preview_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kabupaten-contoh"
POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"


@pytest.fixture
def harvested(platform, client):
    run_harvest(platform)
    return client


def listed(page: str) -> list[str]:
    """Titles of the datasets in the result list (facet links are not results)."""
    return re.findall(r'<li><a href="/dataset/[^"]+"><strong>([^<]+)</strong>', page)


def test_the_dataset_list_has_dinas_topic_format_and_year_facets(harvested) -> None:
    page = harvested.get("/dataset").get_data(as_text=True)

    for heading in ("Perangkat daerah", "Topik", "Format", "Tahun"):
        assert f'<h2 class="facet-title">{heading}</h2>' in page
    assert 'href="/dataset?extras_tahun=2024"' in page
    assert 'href="/dataset?res_format=PDF"' in page


def test_a_facet_narrows_the_list_and_can_be_removed(harvested) -> None:
    by_format = harvested.get("/dataset?res_format=DOCX").get_data(as_text=True)
    by_year_and_topic = harvested.get("/dataset?extras_tahun=2024&tags=kependudukan").get_data(as_text=True)

    assert sorted(listed(by_format)) == ["Laporan Kinerja Dinas PUPR", "Rencana Strategis Dinas Pendidikan"]
    assert "Format: DOCX ✕" in by_format
    assert 'href="/dataset" aria-label="Hapus saringan Format: DOCX"' in by_format
    assert listed(by_year_and_topic) == ["Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin"]


def test_the_dataset_list_is_paged(harvested, monkeypatch: pytest.MonkeyPatch) -> None:
    total = harvested.get("/api/3/action/package_search?rows=0").get_json()["result"]["count"]
    monkeypatch.setattr(views, "PAGE_SIZE", total - 1)
    first = harvested.get("/dataset").get_data(as_text=True)
    second = harvested.get("/dataset?page=2").get_data(as_text=True)

    assert len(listed(first)) == total - 1
    assert "Halaman 1 dari 2" in first
    assert len(listed(second)) == 1
    assert not set(listed(first)) & set(listed(second))


def test_the_dinas_page_shows_the_dinas_its_ppid_contact_and_its_datasets(harvested) -> None:
    page = harvested.get("/dinas/dinkes").get_data(as_text=True)

    assert "<h1>Dinas Kesehatan Kabupaten Contoh</h1>" in page
    assert "PPID Pelaksana Dinas Kesehatan" in page
    assert 'href="mailto:ppid.dinkes@contoh.go.id"' in page
    assert 'href="tel:0251-000001"' in page
    assert sorted(listed(page)) == [
        "Cakupan Imunisasi Dasar Lengkap", "Fasilitas Kesehatan", "Laporan Kinerja Dinas Kesehatan", "Profil Kesehatan"
    ]
    assert harvested.get("/dinas/tidak-ada").status_code == 404


def test_a_dinas_without_published_datasets_still_has_a_page(platform, client) -> None:
    run_harvest(platform, dinas_slugs=["dinkes"])
    page = client.get("/dinas/bpkad").get_data(as_text=True)  # not harvested yet

    assert "PPID Pelaksana BPKAD" in page
    assert "Belum ada dataset yang diterbitkan." in page


def test_the_dataset_page_explores_its_tables(harvested) -> None:
    page = harvested.get(f"/dataset/{POPULATION}").get_data(as_text=True)

    assert "Jelajahi data: penduduk-2024.csv" in page  # the explorer itself: tests/web/test_explorer.py
    assert 'Nama Kecamatan <span class="field-name">nama_kecamatan</span>' in page
    assert "<td>Cibinong</td>" in page
    assert 'href="/dinas/disdukcapil"' in page


def test_a_document_has_no_preview(harvested) -> None:
    page = harvested.get("/dataset/dinkes-profil-kesehatan").get_data(as_text=True)

    assert "Pratinjau" not in page and "Jelajahi data" not in page
    assert "Laporan validasi" not in page


def test_the_public_validation_summary_is_linked_from_the_dataset_page(platform, harvested) -> None:
    page = harvested.get(f"/dataset/{POPULATION}").get_data(as_text=True)
    link = re.search(rf'href="(/dataset/{POPULATION}/validasi/\d+)"', page).group(1)

    summary = harvested.get(link).get_data(as_text=True)

    assert "Lolos validasi skema" in summary
    assert "jumlah_penduduk" in summary
    assert "nilai sel tidak ditampilkan" in summary
    assert re.search(r"Diperiksa pada</dt><dd>\d+ \w+ \d{4}, \d{2}\.\d{2} WIB</dd>", summary)  # the pemda's zone


def test_an_unpublished_file_has_no_public_validation_summary(platform, harvested) -> None:
    with platform.database.session() as session:
        invalid = session.scalar(select(TrackedFile).where(TrackedFile.dinas_slug == "bpkad"))

    assert harvested.get(f"/dataset/{invalid.dataset_name}/validasi/{invalid.id}").status_code == 404
    assert harvested.get(f"/dataset/{POPULATION}/validasi/{invalid.id}").status_code == 404


def test_a_workbook_is_previewed_from_its_header_row_down(platform, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DATA PENDUDUK KABUPATEN CONTOH 2024"])
    sheet.append([])
    sheet.append(["kode_kecamatan", "nama_kecamatan", "jumlah_penduduk"])
    for number in range(1, 51):
        sheet.append([f"3201{number:02d}", f"Kecamatan {number}", number * 1000])
    book.save(tmp_path / "penduduk.xlsx")
    with (tmp_path / "penduduk.xlsx").open("rb") as stream:
        platform.storage.put("uji/penduduk.xlsx", stream)

    shown = preview_table(platform.storage, "uji/penduduk.xlsx", "penduduk.xlsx")

    assert shown.labels == ["kode_kecamatan", "nama_kecamatan", "jumlah_penduduk"]
    assert len(shown.rows) == 20
    assert shown.rows[0] == ["320101", "Kecamatan 1", "1000"]


def test_only_the_head_of_a_large_csv_is_read(platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preview, "CSV_HEAD_BYTES", 4096)
    big = tmp_path / "besar.csv"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("kode;nama\n")
        for number in range(200_000):
            handle.write(f"{number};Desa {number}\n")
    with big.open("rb") as stream:
        platform.storage.put("uji/besar.csv", stream)

    shown = preview_table(platform.storage, "uji/besar.csv", "besar.csv")

    assert shown.labels == ["kode", "nama"]
    assert shown.rows[:2] == [["0", "Desa 0"], ["1", "Desa 1"]]
    assert len(shown.rows) == 20


def test_a_file_that_is_not_a_table_has_no_preview(platform) -> None:
    with (EXAMPLES / "dinkes" / "profil-kesehatan-2023.pdf").open("rb") as stream:
        platform.storage.put("uji/profil.pdf", stream)
    with (EXAMPLES / "dinkes" / "profil-kesehatan-2023.pdf").open("rb") as stream:
        platform.storage.put("uji/menyamar.csv", stream)

    assert preview_table(platform.storage, "uji/profil.pdf", "profil.pdf") is None
    assert preview_table(platform.storage, "uji/menyamar.csv", "menyamar.csv") is None
    assert preview_table(platform.storage, "uji/tidak-ada.csv", "tidak-ada.csv") is None
