"""What a file is, before it is validated."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from ppid.validation.headers import header_keys, normalise_header
from ppid.validation.sniff import FileFormat, detect_encoding, sniff

from .helpers import HEADER, PENDUDUK, valid_rows


def test_utf8_with_bom_is_read_as_utf8_sig(write_csv: Callable[..., Path]) -> None:
    path = write_csv(valid_rows(3))
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    sniffed = sniff(path)
    assert sniffed.encoding == "utf-8-sig"
    assert sniffed.labels[0] == "tahun"  # no BOM glued to the first title


def test_windows_1252_is_detected_from_the_whole_file(tmp_path: Path) -> None:
    ascii_part = ("2023,320101,Cibinong,L,1\n" * 2000).encode()  # ~50 kB of plain ASCII
    path = tmp_path / "akhir.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + ascii_part + "2023,320102,Citeurep é,P,2\n".encode("cp1252"))
    assert len(ascii_part) > 10_000
    assert detect_encoding(path) == "cp1252"


def test_utf8_accent_near_the_end_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf8.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 5000 + "3,é\n".encode())
    assert detect_encoding(path) == "utf-8"


def test_bytes_undefined_in_windows_1252_fall_back_to_latin_1(tmp_path: Path) -> None:
    path = tmp_path / "aneh.csv"
    path.write_bytes(b"a,b\n1,\x81\xe9\n")
    assert detect_encoding(path) == "latin-1"


@pytest.mark.parametrize(("delimiter", "newline"), [(";", "\n"), ("\t", "\n"), (",", "\r\n"), (";", "\r\n")])
def test_delimiter_and_line_endings(write_csv: Callable[..., Path], delimiter: str, newline: str) -> None:
    rows = [[*row[:2], f"Kec {index}, Bogor" if delimiter != "," else "Kec", *row[3:]]
            for index, row in enumerate(valid_rows(5))]
    sniffed = sniff(write_csv(rows, delimiter=delimiter, newline=newline))
    assert sniffed.delimiter == delimiter
    assert list(sniffed.labels) == HEADER


def test_semicolon_file_with_decimal_commas(write_csv: Callable[..., Path]) -> None:
    path = write_csv([["2023", "320101", "Cibinong", "L", "1234,5"]] * 4, delimiter=";")
    assert sniff(path).delimiter == ";"


def test_header_below_a_title_and_a_blank_row(write_csv: Callable[..., Path]) -> None:
    path = write_csv(valid_rows(3), delimiter=";", above=["DATA PENDUDUK KABUPATEN BOGOR 2023;;;;", ";;;;"])
    sniffed = sniff(path)
    assert sniffed.header_row == 3
    assert sniffed.title == "DATA PENDUDUK KABUPATEN BOGOR 2023"
    assert list(sniffed.labels) == HEADER


def test_known_headers_pick_the_real_header_over_a_wide_title(write_csv: Callable[..., Path]) -> None:
    path = write_csv(valid_rows(3), above=["Tabel 1,Penduduk,menurut,kecamatan,2023"])
    assert sniff(path).header_row == 1
    assert sniff(path, known_headers=header_keys(PENDUDUK).keys()).header_row == 2


@pytest.mark.parametrize("content", [b"", b"\n\n   \r\n", codecs.BOM_UTF8])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)
    assert sniff(path).format == FileFormat.EMPTY


@pytest.mark.parametrize("name", ["halaman.csv", "ekspor.xls"])
def test_html_saved_as_data(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("\n  <!DOCTYPE html>\n<html><head><title>Data</title></head><body><table><tr><td>1</td></tr>"
                    "</table></body></html>")
    assert sniff(path).format == FileFormat.HTML


def test_other_formats_by_content(tmp_path: Path) -> None:
    pdf = tmp_path / "data.csv"
    pdf.write_bytes(b"%PDF-1.7\n...")
    docx = tmp_path / "laporan.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    plain_zip = tmp_path / "tabel.zip"
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.csv", "a,b\n1,2\n")
    json_file = tmp_path / "data.json"
    json_file.write_text('[{"tahun": 2023}]')
    assert [sniff(p).format for p in (pdf, docx, plain_zip, json_file)] == [
        FileFormat.PDF, FileFormat.DOCX, FileFormat.ZIP, FileFormat.JSON]


def test_workbook_sheet_matching_the_schema_is_chosen(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Keterangan"
    book.active.append(["Sumber: Disdukcapil", "dicetak 2024"])
    data = book.create_sheet("Data 2023")
    data.append(["Tahun", "Kode Kec.", "Nama Kecamatan", "jenis_kelamin", "Jml"])
    data.append([2023, "320101", "Cibinong", "L", 1])
    path = tmp_path / "buku.xlsx"
    book.save(path)
    known = header_keys(PENDUDUK).keys()
    sniffed = sniff(path, known_headers=known)
    assert sniffed.format == FileFormat.XLSX
    assert sniffed.sheets == ("Keterangan", "Data 2023")
    assert sniffed.sheet == "Data 2023"
    assert sniff(path, sheet=1, known_headers=known).sheet == "Keterangan"
    assert sniff(path, sheet="Tidak ada").sheet is None


def test_merged_header_cells_are_found_but_a_merged_title_is_ignored(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "DATA PENDUDUK 2023"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["tahun", "kode_kecamatan", "nama_kecamatan", "Jumlah Penduduk", None])
    sheet.merge_cells("D3:E3")
    sheet.append([2023, "320101", "Cibinong", 10, 12])
    sheet.merge_cells("C4:C5")
    path = tmp_path / "gabung.xlsx"
    book.save(path)
    sniffed = sniff(path)
    assert sniffed.header_row == 3
    assert sniffed.merged_header == ("D3:E3",)
    assert sniffed.merged_data == ("C4:C5",)


def test_normalised_headers() -> None:
    assert normalise_header("  KODE_KEC. ") == "kode kec"
    assert normalise_header("Cakupan (%)") == "cakupan persen"
