"""Validation of messy real-world files, end to end through Frictionless."""

from __future__ import annotations

import codecs
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ppid.validation import (
    ArchiveLimits,
    CodeList,
    InvalidSchemaError,
    SchemaNotFoundError,
    ValidationResult,
    validate_file,
    validate_table,
)
from ppid.validation.report import TableReport

from .helpers import HEADER, valid_rows

Schema = dict[str, Any]


def check(path: Path, schema: Schema, **options: Any) -> TableReport:
    """Validate and return the single table's report (scratch files removed)."""
    with validate_table(path, schema, **options) as result:
        assert len(result.report.tables) == 1
        return result.report.tables[0]


def codes(table: TableReport) -> dict[tuple[str, str | None], int]:
    return {(p.code, p.column): p.count for p in table.problems}


def test_valid_utf8_with_bom(write_csv: Callable[..., Path], schema: Schema) -> None:
    path = write_csv(valid_rows(20))
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    table = check(path, schema)
    assert table.valid, codes(table)
    assert (table.encoding, table.rows_checked, table.problems) == ("utf-8-sig", 20, [])


def test_windows_1252_read_correctly_with_a_warning(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = [*valid_rows(600), ["2023", "329901", "Cisarua", "É", "1"]]
    table = check(write_csv(rows, encoding="cp1252"), schema)
    assert codes(table) == {("enum", "jenis_kelamin"): 1, ("encoding", None): 1}
    assert table.problem("enum", "jenis_kelamin").examples[0].value == "É"
    assert "Windows-1252" in table.problem("encoding").message


@pytest.mark.parametrize("delimiter", [";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_delimiters_and_crlf(write_csv: Callable[..., Path], schema: Schema, delimiter: str, newline: str) -> None:
    rows = [*valid_rows(10), ["2023", "320199", "Kec; \"Baru\"\tx", "L", "x"]]
    path = write_csv(rows, delimiter=delimiter, newline=newline)
    text = path.read_text()
    path.write_text(text.replace('Kec; "Baru"\tx', '"Kec; ""Baru""\tx"'), newline="")
    table = check(path, schema)
    assert (table.delimiter, table.rows_checked) == (delimiter, 11)
    assert codes(table) == {("type-integer", "jumlah"): 1}
    assert table.problem("type-integer", "jumlah").examples[0].row == 12


def test_header_below_title_rows_keeps_file_row_numbers(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = valid_rows(3)
    rows[1][4] = "-7"
    path = write_csv(rows, delimiter=";", above=["DATA PENDUDUK KABUPATEN BOGOR 2023;;;;", ";;;;"])
    table = check(path, schema)
    assert table.header_row == 3
    assert codes(table) == {("minimum", "jumlah"): 1, ("header-not-first-row", None): 1}
    assert table.problem("minimum", "jumlah").examples[0].row == 5
    message = table.problem("header-not-first-row").message
    assert "baris 3" in message and "DATA PENDUDUK KABUPATEN BOGOR 2023" in message


def test_xlsx_with_several_sheets(tmp_path: Path, schema: Schema) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Keterangan"
    book.active["A1"] = "Sumber: Disdukcapil Kabupaten Bogor"
    data = book.create_sheet("Data")
    data.append(["Jumlah Penduduk per Kecamatan"])
    data.append(HEADER)
    for row in valid_rows(4):
        data.append([int(row[0]), row[1], row[2], row[3], int(row[4])])
    data.append([2023.0, 320199, "Cisarua", "P", "banyak"])  # numbers typed in Excel are fine in a code column
    data.append([])
    data.append([None, None])  # formatted, empty rows at the bottom are not data
    path = tmp_path / "buku.xlsx"
    book.save(path)
    table = check(path, schema)
    assert (table.format, table.sheet, table.header_row, table.rows_checked) == ("xlsx", "Data", 2, 5)
    assert codes(table) == {("type-integer", "jumlah"): 1, ("sheet-chosen", None): 1,
                            ("header-not-first-row", None): 1}
    assert table.problem("type-integer", "jumlah").examples[0].row == 7
    assert "`Data`" in table.problem("sheet-chosen").message


def test_ods_workbook(tmp_path: Path, schema: Schema) -> None:
    ezodf = pytest.importorskip("ezodf")
    path = tmp_path / "data.ods"
    document = ezodf.newdoc(doctype="ods", filename=str(path))
    sheet = ezodf.Sheet("Data", size=(5, 5))
    document.sheets += sheet
    rows = [HEADER, *valid_rows(3), ["2023.5", "320199", "Cisarua", "P", "1"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet[(r, c)].set_value(float(value) if r and c in (0, 4) else value)
    document.save()
    table = check(path, schema)
    assert (table.format, table.rows_checked) == ("ods", 4)
    assert codes(table) == {("type-integer", "tahun"): 1}
    assert table.problem("type-integer", "tahun").examples[0].row == 5


def test_xlsx_missing_sheet(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "buku.xlsx"
    openpyxl.Workbook().save(path)
    table = check(path, schema, sheet="Data 2023")
    assert codes(table) == {("sheet-missing", None): 1}


def test_merged_header_cells_are_an_error_not_a_misread(tmp_path: Path, schema: Schema) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["tahun", "kode_kecamatan", "nama_kecamatan", "Penduduk", None])
    sheet.append([None, None, None, "jenis_kelamin", "jumlah"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("D1:E1")
    sheet.append([2023, "320101", "Cibinong", "L", 5])
    path = tmp_path / "gabung.xlsx"
    book.save(path)
    table = check(path, schema)
    assert codes(table) == {("merged-header", None): 1}
    assert table.rows_checked == 0
    assert "A1:A2" in table.problem("merged-header").message
    assert "Unmerge" in table.problem("merged-header").hint


def test_indonesian_number_format_where_the_schema_says_so(write_csv: Callable[..., Path], schema: Schema) -> None:
    schema["fields"].append({"name": "anggaran", "type": "number", "decimalChar": ",", "groupChar": ".",
                             "constraints": {"minimum": 0}})
    rows = [[*row, "1.234.567,89"] for row in valid_rows(5)]
    path = write_csv(rows, delimiter=";", header=[*HEADER, "anggaran"])
    assert check(path, schema).valid
    plain = {**schema, "fields": [*schema["fields"][:-1], {"name": "anggaran", "type": "number"}]}
    table = check(path, plain)
    assert codes(table) == {("number-format-id", "anggaran"): 5}
    assert "1.234.567,89" in table.problem("number-format-id", "anggaran").message


def test_codes_and_years_written_as_floats_are_grouped_and_explained(
        write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = valid_rows(1300)
    for row in rows[:1204]:
        row[0] = "2019.0"
    for row in rows[:7]:
        row[1] = "320101.0"
    table = check(write_csv(rows), schema)
    assert codes(table) == {("float-integer", "tahun"): 1204, ("float-code", "kode_kecamatan"): 7}
    year = table.problem("float-integer", "tahun")
    assert year.message == ("kolom `tahun`: 1.204 baris berisi angka desimal seperti `2019.0`; seharusnya "
                            "bilangan bulat.")
    assert "0 desimal" in year.hint
    assert year.rows == [[2, 1205]]
    assert "Text" in table.problem("float-code", "kode_kecamatan").hint


def test_empty_file(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    assert codes(check(path, schema)) == {("file-empty", None): 1}


def test_header_only(write_csv: Callable[..., Path], schema: Schema) -> None:
    table = check(write_csv([], newline="\r\n"), schema)
    assert codes(table) == {("header-only", None): 1}
    assert table.rows_checked == 0


def test_html_page_saved_as_csv(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "unduhan.csv"
    path.write_text("<html><body><table><tr><td>tahun</td></tr></table></body></html>")
    table = check(path, schema)
    assert codes(table) == {("html-page", None): 1}
    assert "HTML" in table.problem("html-page").message and "`.csv`" in table.problem("html-page").message


def test_pdf_is_not_a_table(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"%PDF-1.4 ...")
    table = check(path, schema)
    assert codes(table) == {("not-a-table", None): 1}
    assert "PDF" in table.problem("not-a-table").message


def test_truncated_xlsx_is_unreadable_not_a_crash(tmp_path: Path, schema: Schema) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    whole = tmp_path / "utuh.xlsx"
    book.save(whole)
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(whole.read_bytes()[:2000])
    table = check(path, schema)
    assert codes(table) == {("unreadable", None): 1}


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _csv_text(rows: list[list[str]]) -> str:
    return "".join(",".join(row) + "\n" for row in [HEADER, *rows])


def test_zip_of_csvs_validates_each_member(tmp_path: Path, schema: Schema) -> None:
    bad = valid_rows(3)
    bad[2][3] = "X"
    path = _zip(tmp_path / "tabel.zip", {"2022.csv": _csv_text(valid_rows(4, 2022)), "sub/2023.csv": _csv_text(bad),
                                         "__MACOSX/._2022.csv": "junk", "lain.zip": b"PK\x05\x06" + b"\0" * 18})
    with validate_table(path, schema) as result:
        tables = result.report.tables
        assert [t.name for t in tables] == ["tabel.zip/2022.csv", "tabel.zip/sub/2023.csv", "tabel.zip/lain.zip"]
        assert [t.valid for t in tables] == [True, False, False]
        assert codes(tables[1]) == {("enum", "jenis_kelamin"): 1}
        assert codes(tables[2]) == {("not-a-table", None): 1}
        assert not result.report.valid


@pytest.mark.parametrize(("members", "limits", "reason"), [
    ({"../../etc/passwd.csv": "a"}, ArchiveLimits(), "unsafe-path"),
    ({"C:\\data.csv": "a"}, ArchiveLimits(), "unsafe-path"),
    ({"bom.csv": "0" * (5 * 1024 * 1024)}, ArchiveLimits(), "ratio"),
    ({"a.csv": "x" * 5000, "b.csv": "x" * 5000}, ArchiveLimits(max_total_bytes=8000), "too-large"),
    ({f"{n}.csv": "a" for n in range(5)}, ArchiveLimits(max_members=4), "too-many"),
])
def test_unsafe_zip_is_rejected_whole(tmp_path: Path, schema: Schema, members: dict[str, str],
                                      limits: ArchiveLimits, reason: str) -> None:
    path = _zip(tmp_path / "arsip.zip", members)
    with validate_table(path, schema, archive_limits=limits) as result:
        (table,) = result.report.tables
        problem = table.problem("archive-rejected")
        assert problem is not None and problem.params["reason"] == reason
        assert problem.message.startswith("Arsip ZIP ditolak")
        assert not any(Path(result.workdir.name, "arsip").iterdir())  # refused before anything was written


def test_unknown_region_code_is_not_a_pattern_mismatch(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = valid_rows(4)
    rows[0][1], rows[1][1], rows[2][1] = "329999", "32010", "32.01.02"
    reference = CodeList(row[1] for row in valid_rows(4))
    table = check(write_csv(rows), schema, reference=reference)
    assert codes(table) == {("unknown-code", "kode_kecamatan"): 1, ("pattern", "kode_kecamatan"): 1,
                            ("dotted-code", "kode_kecamatan"): 1}
    assert "tidak terdaftar" in table.problem("unknown-code", "kode_kecamatan").message
    assert "`320102`" in table.problem("dotted-code", "kode_kecamatan").message
    assert "6 digit" in table.problem("pattern", "kode_kecamatan").hint
    assert check(write_csv(rows), schema).problem("unknown-code", "kode_kecamatan") is None  # no reference given


def test_every_error_is_found_beyond_1000(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = valid_rows(1600)
    for row in rows[:1500]:
        row[3] = "Laki-laki"
    path = write_csv(rows)
    table = check(path, schema)
    assert table.complete and codes(table) == {("enum", "jenis_kelamin"): 1500}
    assert "1.500 baris" in table.problems[0].message
    limited = check(path, schema, limit_errors=1000)
    assert not limited.complete
    assert codes(limited) == {("enum", "jenis_kelamin"): 1000, ("limit-reached", None): 1}
    assert "1.000 kesalahan" in limited.problem("limit-reached").message


def test_header_problems_are_explained(write_csv: Callable[..., Path], schema: Schema) -> None:
    header = ["Tahun", "Kode Kec.", "nama_kecamatn", "jumlah", "NIK", "tahun", ""]
    rows = [["2023", "320101", "Cibinong", "5", "3201010101010001", "2023", ""]]
    table = check(write_csv(rows, header=header), schema)
    assert codes(table) == {
        ("missing-column", "nama_kecamatan"): 1, ("missing-column", "jenis_kelamin"): 1,
        ("extra-column", "nama_kecamatn"): 1, ("extra-column", "NIK"): 1,
        ("duplicate-column", "tahun"): 1, ("renamed-columns", None): 1,
    }
    missing = table.problem("missing-column", "jenis_kelamin")
    assert missing.message.startswith("Kolom wajib `jenis_kelamin` tidak ada; judul kolom yang ditemukan: `Tahun`")
    assert "`nama_kecamatn`" in table.problem("missing-column", "nama_kecamatan").hint
    assert "kolom ke-5" in table.problem("extra-column", "NIK").message
    assert "`Kode Kec.` → `kode_kecamatan`" in table.problem("renamed-columns").message


def test_untitled_column_with_data_and_stray_cells(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = [[*row[:2], "", *row[2:]] for row in valid_rows(3)]
    rows[1][2] = "catatan"
    rows[2] += ["", "lebih"]
    table = check(write_csv(rows, header=[*HEADER[:2], "", *HEADER[2:]]), schema)
    assert codes(table) == {("blank-header", None): 1, ("extra-cell", None): 1}
    assert "Kolom ke-3 tidak punya judul" in table.problem("blank-header").message
    assert "`lebih`" in table.problem("extra-cell").message


def test_duplicate_primary_key_names_both_rows(write_csv: Callable[..., Path], schema: Schema) -> None:
    rows = valid_rows(4)
    rows[3] = [rows[1][0], rows[1][1], "Lain", rows[1][3], "9"]
    table = check(write_csv(rows), schema)
    assert codes(table) == {("duplicate-key", None): 1}
    assert "baris 3 dan 5 sama-sama berisi tahun 2023, kode_kecamatan 320101, jenis_kelamin P" in \
        table.problems[0].message


def test_unique_constraint(write_csv: Callable[..., Path], schema: Schema) -> None:
    schema["fields"][2]["constraints"]["unique"] = True
    rows = valid_rows(4)
    rows[2][2] = rows[0][2]
    table = check(write_csv(rows), schema)
    assert codes(table) == {("unique", "nama_kecamatan"): 1}
    assert "baris 2 dan 4" in table.problems[0].message


def test_row_constraints_blank_and_total_rows(write_csv: Callable[..., Path], schema: Schema) -> None:
    schema["ppid"]["row_constraints"] = ["jumlah < 100", "tidak_ada > 0"]
    rows = [*valid_rows(3), ["", "", "", "", ""], ["2023", "320199", "Cisarua", "L", "500"],
            ["JUMLAH", "", "", "", "503"], ["", "", "", "", ""], ["", "", "", "", ""]]
    table = check(write_csv(rows), schema)
    assert codes(table) == {("blank-row", None): 1, ("row-constraint", "jumlah < 100"): 1, ("total-row", None): 1}
    assert table.rows_checked == 6
    assert table.problem("blank-row").rows == [[5, 5]]


def test_validate_file_by_schema_name(tmp_path: Path, write_csv: Callable[..., Path], schema: Schema) -> None:
    (tmp_path / "penduduk_uji.json").write_text(json.dumps(schema))
    result: ValidationResult = validate_file(write_csv(valid_rows(2)), schema_name="penduduk_uji",
                                             schemas_dir=tmp_path)
    with result:
        assert result.report.valid and result.report.schema_name == "penduduk_uji"
    assert result.workdir is None
    with pytest.raises(SchemaNotFoundError, match="penduduk_uji"):
        validate_file(write_csv(valid_rows(2)), schema_name="../penduduk_uji", schemas_dir=tmp_path)


def test_invalid_schema_is_refused(write_csv: Callable[..., Path]) -> None:
    with pytest.raises(InvalidSchemaError):
        validate_table(write_csv(valid_rows(1)), {"fields": [{"name": "tahun", "type": "bilangan"}]})


def test_a_utf16_table_cut_off_mid_character_is_unreadable_not_a_crash_in_the_key_check(tmp_path: Path) -> None:
    """A small table with a primary key whose UTF-16 text ends in half a character: no reader can even open it, and
    the duplicate check must not try to read it again (it raised, and `ppid validate` said "error inside ppid",
    exit 2). Every engine that reads it row by row says so."""
    path = tmp_path / "terpotong.csv"
    path.write_bytes("kode,tahun\n1001,2020\n1002,2021\n".encode("utf-16")[:-1])
    schema = {"fields": [{"name": "kode", "type": "integer"}, {"name": "tahun", "type": "integer"}],
              "primaryKey": ["kode", "tahun"]}

    for engine in ("auto", "frictionless"):
        with validate_table(path, schema, engine=engine) as result:
            table = result.report.tables[0]

        assert table.engine == ("baris" if engine == "auto" else engine)
        assert "unreadable" in [problem.code for problem in table.problems]


def test_a_field_type_the_engine_does_not_read_itself_goes_to_frictionless_which_also_checks_its_schema(
        tmp_path: Path) -> None:
    """``table_schema.py`` reads every type the schemas use; a ``duration`` (or object, array, list, geojson, wkt)
    field is frictionless's to read, the report says so, and its schema is checked by frictionless too (an example
    that does not read is refused, as frictionless refuses it)."""
    path = tmp_path / "durasi.csv"
    path.write_text("lama,jumlah\nP1D,2\nsehari,3\n", encoding="utf-8")
    fields = [{"name": "lama", "type": "duration"}, {"name": "jumlah", "type": "integer"}]

    with validate_table(path, {"fields": fields}) as result:
        table = result.report.tables[0]
        found = [(finding.row, finding.column, finding.code) for finding in result.findings()]

    assert (table.engine, table.engine_reason) == ("frictionless", 'kolom `lama` bertipe "duration"')
    assert found == [(3, "lama", "type-other")]
    with pytest.raises(InvalidSchemaError, match="sehari"):
        validate_table(path, {"fields": [{**fields[0], "example": "sehari"}, fields[1]]})


@pytest.mark.parametrize("engine", ["baris", "kolom"])
def test_not_a_number_is_outside_every_bound_and_written_twice_repeats_a_key(tmp_path: Path, engine: str) -> None:
    """``NaN`` and ``sNaN`` read as numbers. ``sNaN`` raises on any comparison (frictionless's own validation crashes
    on it, and so did the engine: "error inside ppid"): both are outside every bound and list, and written twice
    they repeat a key as the officer sees it (the parity suite's listed difference ``nan-repeats``)."""
    path = tmp_path / "nan.csv"
    path.write_text("kode,jumlah,nilai\n1,1,1\n2,NaN,NaN\n3,sNaN,sNaN\n4,sNaN,sNaN\n5,NaN,NaN\n", encoding="utf-8")
    schema = {"fields": [{"name": "kode", "type": "integer"},
                         {"name": "jumlah", "type": "number", "constraints": {"minimum": 0, "enum": [1, 2]}},
                         {"name": "nilai", "type": "number"}],
              "primaryKey": ["nilai"]}

    with validate_table(path, schema, engine=engine) as result:
        found = sorted((finding.row, str(finding.column), finding.code) for finding in result.findings())

    cells = [(row, "jumlah", code) for row in (3, 4, 5, 6) for code in ("enum", "minimum")]
    assert found == sorted([*cells, (5, "None", "duplicate-key"), (6, "None", "duplicate-key")])
