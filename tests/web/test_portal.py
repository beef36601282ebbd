"""The public portal after the sample region has been harvested."""

from __future__ import annotations

import pytest

from ppid.pipeline.runner import run_harvest


@pytest.fixture
def harvested(platform, client):
    run_harvest(platform)
    return client


def test_health_reports_database_and_storage(client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_home_is_in_indonesian_and_lists_the_dinas(harvested) -> None:
    page = harvested.get("/").get_data(as_text=True)

    assert 'lang="id"' in page
    assert "Data terbuka Kabupaten Contoh" in page
    assert "Dinas Kesehatan Kabupaten Contoh" in page


def test_a_page_in_english_leaves_the_thread_speaking_as_before(client) -> None:
    """The language a request chose is forgotten when it ends: the thread's next work (the server's next task, the
    code after a test request) must not speak it. A test after an English page got an English error message."""
    from ppid import i18n

    assert client.get("/?lang=en").headers["Content-Language"] == "en"

    assert i18n.get_language() == "id"
    assert i18n.gettext("Kesalahan konfigurasi: %(message)s", message="x") == "Kesalahan konfigurasi: x"


def test_english_is_one_click_away_and_remembered(harvested) -> None:
    first = harvested.get("/?lang=en")
    again = harvested.get("/")

    assert "Open data of Kabupaten Contoh" in first.get_data(as_text=True)
    assert 'lang="en"' in again.get_data(as_text=True)


def test_search_filters_by_dinas_and_finds_by_words(harvested) -> None:
    by_word = harvested.get("/dataset?q=imunisasi").get_data(as_text=True)
    by_dinas = harvested.get("/dataset?organization=disdukcapil").get_data(as_text=True)

    assert "Cakupan Imunisasi Dasar Lengkap" in by_word
    assert "Jumlah Penduduk" not in by_word
    assert "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin" in by_dinas
    assert "Fasilitas Kesehatan" not in by_dinas.split("<section>", 1)[1]


def test_a_search_with_broken_syntax_finds_its_words_and_says_so(harvested) -> None:
    datasets = harvested.get("/dataset?q=imunisasi: (dasar")
    documents = harvested.get("/dokumen?q=profil: [")

    assert datasets.status_code == 200 and documents.status_code == 200
    assert "Cakupan Imunisasi Dasar Lengkap" in datasets.get_data(as_text=True)
    for page in (datasets, documents):
        assert "Tanda baca dalam pencarian diabaikan" in page.get_data(as_text=True)


def test_dataset_page_shows_metadata_badge_and_download(harvested) -> None:
    page = harvested.get("/dataset/dinkes-fasilitas-kesehatan").get_data(as_text=True)

    assert "Lolos validasi skema" in page
    assert "fasilitas-kesehatan-2024.csv" in page
    assert "Dinas Kesehatan Kabupaten Contoh" in page
    assert "/unduh/" in page


def test_unknown_dataset_and_unpublished_files_are_not_found(harvested) -> None:
    assert harvested.get("/dataset/tidak-ada").status_code == 404
    assert harvested.get("/unduh/9999/apa.csv").status_code == 404


def test_an_invalid_file_cannot_be_downloaded_from_the_portal(platform, harvested) -> None:
    from sqlalchemy import select

    from ppid.pipeline.models import TrackedFile

    with platform.database.session() as session:
        apbd = session.scalar(select(TrackedFile).where(TrackedFile.name == "realisasi-apbd-2023.csv"))

    assert harvested.get(f"/unduh/{apbd.id}/x.csv").status_code == 404


def test_a_path_traversal_in_a_download_is_not_found(harvested) -> None:
    response = harvested.get("/dataset/dinkes-fasilitas-kesehatan/resource/abc/download/..%2F..%2Fppid.sqlite3")

    assert response.status_code == 404
