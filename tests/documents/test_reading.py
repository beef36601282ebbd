"""Reading documents: page counts and text from PDF, DOCX, XLSX and ODS, within limits, and never a crash."""

from __future__ import annotations

from pathlib import Path

from ppid.documents.extract import Limits, read_document

from .helpers import (
    ASSETS_XLSX,
    HARVEST_ODS,
    PROFILE_PDF,
    STRATEGY_DOCX,
    corrupt_pdf,
    docx_without_page_count,
    locked_pdf,
)

LIMITS = Limits()


def test_a_pdf_gives_its_page_count_and_text() -> None:
    read = read_document(PROFILE_PDF, PROFILE_PDF.name, LIMITS)

    assert read.problem is None
    assert read.page_count == 3
    assert "Profil Kesehatan Kabupaten Contoh 2023" in read.text
    assert "stunting" in read.text
    assert not read.truncated


def test_a_docx_gives_its_paragraphs_its_tables_and_the_page_count_word_recorded() -> None:
    read = read_document(STRATEGY_DOCX, STRATEGY_DOCX.name, LIMITS)

    assert read.problem is None
    assert "Visi: terwujudnya pendidikan yang merata" in read.text
    assert "APM SMP | 78,4 | 85,0" in read.text
    assert read.page_count == 3


def test_a_docx_without_recorded_pages_has_an_unknown_page_count(tmp_path: Path) -> None:
    path = docx_without_page_count(tmp_path / "tanpa-halaman.docx")

    read = read_document(path, path.name, LIMITS)

    assert read.page_count is None
    assert "Visi" in read.text


def test_spreadsheets_give_their_cells_as_text() -> None:
    xlsx = read_document(ASSETS_XLSX, ASSETS_XLSX.name, LIMITS)
    ods = read_document(HARVEST_ODS, HARVEST_ODS.name, LIMITS)

    assert "Gedung dan Bangunan" in xlsx.text and "Catatan" in xlsx.text
    assert "Padi Sawah" in ods.text
    assert xlsx.problem is None and ods.problem is None


def test_a_corrupt_pdf_gets_a_plain_indonesian_message_instead_of_an_error(tmp_path: Path) -> None:
    path = corrupt_pdf(tmp_path / "rusak.pdf")

    read = read_document(path, path.name, LIMITS)

    assert read.problem is not None
    assert "rusak atau tidak lengkap" in read.problem
    assert "diterbitkan apa adanya" in read.problem
    assert read.text == ""


def test_a_password_protected_pdf_says_so(tmp_path: Path) -> None:
    path = locked_pdf(tmp_path / "terkunci.pdf")

    read = read_document(path, path.name, LIMITS)

    assert read.problem is not None and "kata sandi" in read.problem
    assert read.text == ""


def test_a_pdf_encrypted_only_against_copying_is_still_read(tmp_path: Path) -> None:
    path = locked_pdf(tmp_path / "hanya-cetak.pdf", user_password="")

    read = read_document(path, path.name, LIMITS)

    assert read.problem is None
    assert "stunting" in read.text


def test_reading_stops_at_the_page_and_character_limits() -> None:
    one_page = read_document(PROFILE_PDF, PROFILE_PDF.name, Limits(max_pages=1))
    short = read_document(STRATEGY_DOCX, STRATEGY_DOCX.name, Limits(max_chars=60))

    assert one_page.truncated and one_page.page_count == 3
    assert "Bab I Pendahuluan" in one_page.text and "Bab III" not in one_page.text
    assert short.truncated and len(short.text) <= 60


def test_a_file_that_is_not_what_its_name_says_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "laporan.docx"
    path.write_bytes(b"bukan dokumen word")

    read = read_document(path, path.name, LIMITS)

    assert read.problem is not None and "DOCX" in read.problem
