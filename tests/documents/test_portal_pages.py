"""The public side of documents: a list with search by content, and a page whose download is the harvested file."""

from __future__ import annotations

import hashlib
import re

from ppid.pipeline.runner import run_harvest

from .helpers import PROFILE_PDF


def test_the_document_page_shows_what_a_citizen_needs_and_downloads_the_same_bytes(doc_platform, doc_client) -> None:
    run_harvest(doc_platform)

    page = doc_client.get("/dokumen/dinkes-profil-kesehatan").get_data(as_text=True)

    assert "<h1>Profil Kesehatan</h1>" in page
    assert "Dinas Kesehatan Kabupaten Contoh" in page
    assert re.search(r"<dt>Tahun</dt><dd>2023</dd>", page)
    assert re.search(r"<dt>Jumlah halaman</dt><dd>3</dd>", page)
    assert re.search(r"<dt>Frekuensi</dt><dd>Tahunan</dd>", page)  # a word, not the vocabulary code
    assert "3,7 kB" in page
    assert hashlib.sha256(PROFILE_PDF.read_bytes()).hexdigest() in page
    assert "Awal isi dokumen" in page and "Bab I Pendahuluan" in page
    link = re.search(r'href="(/unduh/\d+/[^"]+)"[^>]*download', page).group(1)
    download = doc_client.get(link)
    assert download.status_code == 200
    assert download.data == PROFILE_PDF.read_bytes()


def test_documents_are_listed_apart_and_searched_by_their_content(doc_platform, doc_client) -> None:
    run_harvest(doc_platform)

    listing = doc_client.get("/dokumen").get_data(as_text=True)
    by_word = doc_client.get("/dokumen?q=stunting").get_data(as_text=True)
    no_match = doc_client.get("/dokumen?q=jembatan").get_data(as_text=True)

    assert "Profil Kesehatan" in listing and "PDF, 3 halaman" in listing
    assert 'href="/dokumen/dinkes-profil-kesehatan"' in by_word
    assert "0 dokumen ditemukan." in no_match


def test_the_dataset_address_of_a_document_leads_to_its_document_page(doc_platform, doc_client) -> None:
    run_harvest(doc_platform)

    response = doc_client.get("/dataset/dinkes-profil-kesehatan")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dokumen/dinkes-profil-kesehatan")


def test_a_table_has_no_document_page(client, platform) -> None:
    run_harvest(platform)

    assert client.get("/dokumen/dinkes-fasilitas-kesehatan").status_code == 404
    assert client.get("/dokumen/tidak-ada").status_code == 404
