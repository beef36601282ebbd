"""Detection of Indonesian personal data: a NIK by its structure, phone numbers in their +62/08 forms, personal
e-mail addresses, names beside street addresses; and no alarm for aggregate statistics that merely look alike."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ppid.publication.personal_data import (
    ADDRESS,
    EMAIL,
    NIK,
    PHONE,
    Scan,
    find_in_text,
    is_nik,
    mask,
    matches_in_text,
    scan_frame,
    scan_table,
)


@pytest.mark.parametrize(("value", "why"), [
    ("3201014509900001", "a woman born 5 September 1990 (day 45 = 5 + 40) in 32.01.01"),
    ("3201010101850002", "a man born 1 January 1985"),
    ("3171012902000003", "29 February 2000, a leap year"),
])
def test_a_nik_fits_region_birth_date_and_sequence(value: str, why: str) -> None:
    assert is_nik(value), why


@pytest.mark.parametrize(("value", "why"), [
    ("1234567890123456", "day 78 is no day, even less 40"),
    ("9901014509900001", "no province 99"),
    ("3200014509900001", "no regency 00"),
    ("3201013202900001", "32 February"),
    ("3201014509900000", "sequence 0000"),
    ("320101450990001", "fifteen digits"),
    ("3201014509900001.5", "not digits only"),
])
def test_sixteen_digits_that_do_not_fit_are_not_a_nik(value: str, why: str) -> None:
    assert not is_nik(value), why


def test_values_are_masked_so_they_can_be_found_not_read() -> None:
    assert mask(NIK, "3201014509900001") == "3201********0001"
    assert mask(PHONE, "0812-3456-7890") == "0812******90"
    assert mask(EMAIL, "budi.santoso@gmail.com") == "b***@gmail.com"


def test_free_text_yields_nik_phone_personal_email_and_a_name_beside_an_address() -> None:
    text = ("Pemohon: Nama: Budi Santoso, Jl. Melati No. 5 RT 01/RW 02\n"
            "NIK 3201014509900001, HP +62 812-3456-7890 atau 081298765432, budi@gmail.com.\n"
            "Hubungi PPID di ppid@bogorkab.go.id atau (0251) 000001; anggaran Rp 1234567890123456.")

    found = list(find_in_text(text))

    assert (NIK, "3201********0001") in found
    assert [kind for kind, _sample in found].count(PHONE) == 2
    assert (EMAIL, "b***@gmail.com") in found
    assert [kind for kind, _sample in found].count(EMAIL) == 1  # the .go.id address is the public body's own
    assert [kind for kind, _sample in found].count(ADDRESS) == 1
    assert [kind for kind, _sample in found].count(NIK) == 1  # the budget amount does not fit a NIK


def test_a_table_names_the_cells_and_counts_every_hit(tmp_path: Path) -> None:
    path = tmp_path / "penerima.csv"
    path.write_text("no;nama_lengkap;no_ktp;alamat_rumah;no_hp;email\n"
                    "1;Budi;3201014509900001;Jl. Melati 5;0812 3456 7890;budi@gmail.com\n"
                    "2;Siti;'3201010101850002;Gg. Mawar 2;6281298765432;siti@yahoo.co.id\n"
                    "3;Ani;;;;\n", encoding="utf-8")

    scan = scan_table(path)

    assert scan.counts == {NIK: 2, PHONE: 2, EMAIL: 2, ADDRESS: 2}
    assert [(p.row, p.column) for p in scan.places if p.kind == NIK] == [(2, "no_ktp"), (3, "no_ktp")]
    assert [(p.row, p.column) for p in scan.places if p.kind == ADDRESS] == [
        (2, "nama_lengkap + alamat_rumah"), (3, "nama_lengkap + alamat_rumah")]
    assert "baris 2, kolom no_ktp: 3201********0001" in scan.summary()
    assert Scan.from_dict(scan.to_dict()) == scan


def test_rows_with_more_or_fewer_cells_than_the_header_are_scanned_too(tmp_path: Path) -> None:
    """The validator reports such rows apart; a NIK in one of them must not slip through to publication."""
    path = tmp_path / "penerima.csv"
    path.write_text("no,nama_lengkap,no_ktp,keterangan\n"
                    "1,Budi,3201014509900001,-\n"
                    "2,Siti,3201010101850002,-,sel tambahan\n"
                    "3,Ani,3201014507900001\n", encoding="utf-8")

    scan = scan_table(path)

    assert scan.counts[NIK] == 3
    assert sorted(p.row for p in scan.places if p.kind == NIK) == [2, 3, 4]


def test_statistics_that_look_like_numbers_or_name_places_do_not_trigger() -> None:
    frame = pl.DataFrame({
        "kode_kecamatan": ["320101", "320102", "320103", "320104"],
        "nama_kecamatan": ["Cibinong", "Gunungputri", "Citeureup", "Sukaraja"],
        "alamat_kantor": ["Jl. Tegar Beriman 1", "Jl. Raya 2", "Jl. Raya 3", "Jl. Raya 4"],
        # one amount happens to fit a NIK's structure, in a column of amounts: not identifiers
        "pagu_anggaran": [3201014509900001, 250_000_000, 125_000_000, 980_000_000],
        "jumlah_penduduk": [120_345, 98_765, 87_654, 76_543],
    })

    assert not scan_frame(frame).found


def test_an_untitled_column_counts_when_half_its_cells_are_niks() -> None:
    frame = pl.DataFrame({"kolom_a": ["3201014509900001", "3201010101850002", "-", None],
                          "kolom_b": ["3201014509900001", "12", "15", "20"]})

    scan = scan_frame(frame)

    assert scan.counts == {NIK: 2}
    assert {place.column for place in scan.places} == {"kolom_a"}


def test_matches_say_where_each_value_is_so_that_it_can_be_blacked_out() -> None:
    text = "Nama: Budi, Jl. Melati 5\nNIK 3201014509900001 telp 0812-3456-7890"

    spans = {match.kind: text[match.start:match.end] for match in matches_in_text(text)}

    assert spans == {NIK: "3201014509900001", PHONE: "0812-3456-7890", ADDRESS: "Nama: Budi, Jl. Melati 5"}
