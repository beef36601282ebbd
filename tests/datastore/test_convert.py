"""The typed copy of a validated table: read as validation reads it, typed by the schema, written once."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from sqlalchemy import func, select

from ppid.datastore.convert import (
    EXACT_NUMBERS,
    ConversionError,
    _columns,
    _duckdb,
    _normalise,
    _plain_csv_to_parquet,
    _text_to_parquet,
    build_table,
    schema_digest,
)
from ppid.datastore.models import DatastoreTable
from ppid.datastore.records import record_batches
from ppid.platform import Platform
from ppid.validation import validate_table
from ppid.validation.headers import header_keys
from ppid.validation.sniff import sniff

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "kode_desa", "title": "Kode Desa", "type": "string"},
        {"name": "nama_desa", "title": "Nama Desa", "type": "string", "description": "Nama resmi desa."},
        {"name": "anggaran", "title": "Anggaran", "type": "number", "decimalChar": ",", "groupChar": ".",
         "unit": "rupiah"},
        {"name": "penduduk", "title": "Jumlah Penduduk", "type": "integer"},
        {"name": "tanggal", "title": "Tanggal", "type": "date", "format": "%d/%m/%Y"},
        {"name": "aktif", "title": "Aktif", "type": "boolean", "trueValues": ["Ya"], "falseValues": ["Tidak"]},
        {"name": "tahun", "title": "Tahun", "type": "year"},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["kode_desa"],
}

WINDOWS_CSV = (
    "DATA DESA KABUPATEN CONTOH 2024\r\n"
    ";;;;;;\r\n"
    "Kode Desa;Nama Desa;Anggaran;Jumlah Penduduk;Tanggal;Aktif;Tahun\r\n"
    "3201.0;Sukamaju – Ciherang;1.234,56;1500;05/01/2024;Ya;2024\r\n"
    "3202;Cibeureum \"Lama\";-;2000;31/12/2023;Tidak;2023\r\n"
    "3203;Pasirjaya; 7,5 ;;-;-;-\r\n"
    ";;;;;;\r\n"
).encode("cp1252")


def put(platform: Platform, data: bytes, name: str) -> tuple[str, str]:
    """Store ``data`` as a harvested file would be; returns its storage key and SHA-256."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = f"berkas/{sha256}/{name}"
    platform.storage.put(key, io.BytesIO(data))
    return key, sha256


def build(platform: Platform, data: bytes, name: str, schema: dict[str, Any] = SCHEMA,
          schema_name: str = "desa_uji") -> DatastoreTable:
    key, sha256 = put(platform, data, name)
    with platform.database.session() as session:
        table = build_table(session, platform.storage, source_key=key, file_name=name, sha256=sha256,
                            schema_name=schema_name, schema=schema)
        session.expunge(table)
    return table


def parquet_rows(platform: Platform, table: DatastoreTable, tmp_path: Path) -> tuple[list[tuple], list[tuple]]:
    """The Parquet file's (column, type) pairs and its rows in file order."""
    path = tmp_path / "salinan.parquet"
    with platform.storage.open(table.storage_key) as stream:
        data = stream.read()
    path.write_bytes(data)
    assert hashlib.sha256(data).hexdigest() == table.rows_sha256
    with duckdb.connect() as connection:
        relation = connection.sql(f"SELECT * FROM read_parquet('{path}')")
        columns = list(zip(relation.columns, [str(kind) for kind in relation.types], strict=True))
        return columns, relation.order("_id").fetchall()


def test_a_windows_1252_semicolon_file_with_a_title_is_read_as_validation_reads_it(
        platform: Platform, tmp_path: Path) -> None:
    source = tmp_path / "desa.csv"
    source.write_bytes(WINDOWS_CSV)
    with validate_table(source, SCHEMA) as result:
        assert result.report.valid, result.report.to_dict()

    table = build(platform, WINDOWS_CSV, "desa.csv")
    columns, rows = parquet_rows(platform, table, tmp_path)

    assert columns == [("_id", "BIGINT"), ("kode_desa", "VARCHAR"), ("nama_desa", "VARCHAR"),
                       ("anggaran", "DECIMAL(18,2)"), ("penduduk", "BIGINT"), ("tanggal", "DATE"),
                       ("aktif", "BOOLEAN"), ("tahun", "INTEGER")]
    assert rows == [
        (1, "3201", "Sukamaju – Ciherang", Decimal("1234.56"), 1500, date(2024, 1, 5), True, 2024),
        (2, "3202", 'Cibeureum "Lama"', None, 2000, date(2023, 12, 31), False, 2023),
        (3, "3203", "Pasirjaya", Decimal("7.5"), None, None, None, None),
    ]
    assert table.row_count == 3
    assert table.storage_key == f"datastore/{table.sha256}/{schema_digest(SCHEMA)[:16]}.parquet"
    assert table.primary_key == ["kode_desa"]
    assert table.fields[2] == {"id": "anggaran", "type": "numeric", "info": {"label": "Anggaran", "notes": "",
                                                                              "unit": "rupiah"}}
    assert table.fields[1]["info"]["notes"] == "Nama resmi desa."


TYPES_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "harga", "type": "integer", "bareNumber": False},
        {"name": "persen", "type": "number", "bareNumber": False},
        {"name": "nilai", "type": "number"},
        {"name": "benar", "type": "boolean"},
        {"name": "waktu", "type": "datetime"},
        {"name": "jam", "type": "time", "format": "%H.%M"},
        {"name": "hari", "type": "date", "format": "any"},
        {"name": "iso", "type": "date"},
        {"name": "catatan", "type": "string"},
    ],
    "missingValues": ["NA"],
}


def test_types_follow_the_table_schema(platform: Platform, tmp_path: Path) -> None:
    data = (
        b"harga,persen,nilai,benar,waktu,jam,hari,iso,catatan\n"
        b"Rp 1250000,12.5%,-3.25,TRUE,2024-03-17T08:30:00,08.30,17 March 2024,2024-03-17,\n"
        b"NA,NA,1e3,0,NA,NA,NA,NA,NA\n"
    )
    source = tmp_path / "jenis.csv"
    source.write_bytes(data)
    with validate_table(source, TYPES_SCHEMA) as result:
        assert result.report.valid, result.report.to_dict()

    columns, rows = parquet_rows(platform, build(platform, data, "jenis.csv", TYPES_SCHEMA, "jenis"), tmp_path)

    assert [kind for _, kind in columns] == ["BIGINT", "BIGINT", "DECIMAL(18,1)", "DECIMAL(18,2)", "BOOLEAN",
                                             "TIMESTAMP", "TIME", "DATE", "DATE", "VARCHAR"]
    assert rows == [
        (1, 1250000, Decimal("12.5"), Decimal("-3.25"), True, datetime(2024, 3, 17, 8, 30), time(8, 30),
         date(2024, 3, 17), date(2024, 3, 17), ""),
        (2, None, None, Decimal("1000"), False, None, None, None, None, None),
    ]


def test_a_value_the_schema_does_not_allow_fails_the_conversion_plainly(platform: Platform) -> None:
    data = b"kode_desa,nama_desa,anggaran,penduduk,tanggal,aktif,tahun\n3201,A,1,2,05/01/2024,Mungkin,2024\n"
    with pytest.raises(ConversionError, match="aktif"):
        build(platform, data, "salah.csv")
    with platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(DatastoreTable)) == 0


def test_a_workbook_is_read_from_the_sheet_and_row_validation_chose(platform: Platform, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Catatan"
    book.active.append(["Lembar ini hanya berisi catatan"])
    sheet = book.create_sheet("Data")
    sheet.append(["Rekap Desa 2024"])
    sheet.append([])
    sheet.append(["Kode Desa", "Nama Desa", "Anggaran", "Jumlah Penduduk", "Tanggal", "Aktif", "Tahun"])
    sheet.append([3201.0, "Sukamaju", "1.234,56", 1500, "05/01/2024", "Ya", 2024])
    sheet.append([3202, "Cibeureum", None, None, None, None, None])
    sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)

    table = build(platform, buffer.getvalue(), "desa.xlsx")
    _, rows = parquet_rows(platform, table, tmp_path)

    assert rows == [(1, "3201", "Sukamaju", Decimal("1234.56"), 1500, date(2024, 1, 5), True, 2024),
                    (2, "3202", "Cibeureum", None, None, None, None, None)]


def test_a_copy_is_made_once_per_file_and_schema(platform: Platform, tmp_path: Path) -> None:
    first = build(platform, WINDOWS_CSV, "desa.csv")
    again = build(platform, WINDOWS_CSV, "desa-lagi.csv")
    assert (again.id, again.rows_sha256, again.storage_key) == (first.id, first.rows_sha256, first.storage_key)

    edited = {**SCHEMA, "fields": [*SCHEMA["fields"][:6], {"name": "tahun", "title": "Tahun data", "type": "year"}]}
    changed = build(platform, WINDOWS_CSV, "desa.csv", edited)
    assert changed.id != first.id and changed.storage_key != first.storage_key
    assert changed.schema_digest == schema_digest(edited) != first.schema_digest
    assert changed.fields[-1]["info"]["label"] == "Tahun data"
    with platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(DatastoreTable)) == 2
    assert platform.storage.exists(first.storage_key)


def test_a_file_that_is_no_table_is_refused(platform: Platform) -> None:
    with pytest.raises(ConversionError, match="bukan berkas tabel"):
        build(platform, b"%PDF-1.4 ...", "laporan.pdf")
    with pytest.raises(ConversionError, match="bukan tabel"):
        build(platform, b"<!doctype html><html><table></table></html>", "desa.csv")


def test_decimal_numbers_keep_their_value(platform: Platform, tmp_path: Path) -> None:
    schema = {"fields": [{"name": "nilai", "type": "number", "decimalChar": ","}]}
    _, rows = parquet_rows(platform, build(platform, b'nilai\n"0,1"\n"12345678,25"\n', "n.csv", schema, "n"), tmp_path)
    assert [Decimal(str(value)) for _, value in rows] == [Decimal("0.1"), Decimal("12345678.25")]


def test_numbers_are_exact_decimals_so_sums_are_exact(platform: Platform, tmp_path: Path) -> None:
    """As in CKAN's DataStore (PostgreSQL numeric): 14.32 + 4.87 is 19.19, not 19.189999999999998."""
    schema = {"fields": [{"name": "luas", "type": "number"}, {"name": "pagu", "type": "number"}]}
    data = b"luas,pagu\n14.32,1500000000000.25\n4.87,2\n"
    table = build(platform, data, "luas.csv", schema, "luas")
    columns, _ = parquet_rows(platform, table, tmp_path)
    path = tmp_path / "salinan.parquet"

    with duckdb.connect() as connection:
        (total, pagu), = connection.execute(f"SELECT sum(luas), sum(pagu) FROM '{path}'").fetchall()

    assert columns[1:] == [("luas", "DECIMAL(18,2)"), ("pagu", "DECIMAL(18,2)")]
    assert (str(total), str(pagu)) == ("19.19", "1500000000002.25")


def test_a_number_column_that_is_no_decimal_falls_back_to_floating_point(platform: Platform, tmp_path: Path) -> None:
    schema = {"fields": [{"name": "rasio", "type": "number"}, {"name": "luas", "type": "number"}]}
    table = build(platform, b"rasio,luas\nNaN,1.5\n2.5,INF\n", "rasio.csv", schema, "rasio")

    columns, rows = parquet_rows(platform, table, tmp_path)

    assert columns[1:] == [("rasio", "DOUBLE"), ("luas", "DOUBLE")]
    assert rows[1][1:] == (2.5, float("inf"))


def test_a_schema_edit_undone_makes_the_first_copy_the_newest_again(platform: Platform) -> None:
    first = build(platform, WINDOWS_CSV, "desa.csv")
    edited = {**SCHEMA, "title": "Desa (sunting)"}
    build(platform, WINDOWS_CSV, "desa.csv", edited)

    again = build(platform, WINDOWS_CSV, "desa.csv")

    with platform.database.session() as session:
        newest = session.scalar(select(DatastoreTable).order_by(DatastoreTable.id.desc()).limit(1))
        assert session.scalar(select(func.count()).select_from(DatastoreTable)) == 2
    assert (newest.id, newest.schema_digest, newest.rows_sha256) == (again.id, first.schema_digest, first.rows_sha256)
    assert again.id != first.id


def test_duckdb_reads_a_plain_utf8_csv_as_the_python_pass_does(tmp_path: Path) -> None:
    """The fast path (DuckDB's CSV reader) and the Python pass agree on quoting, short rows and blank rows."""
    schema = {"fields": [{"name": "kode", "type": "string"}, {"name": "nama", "type": "string"},
                         {"name": "nilai", "type": "number", "decimalChar": ",", "groupChar": "."},
                         {"name": "catatan", "type": "string"}],
              "missingValues": ["-"]}
    path = tmp_path / "desa.csv"
    path.write_bytes(
        "\ufeffKode;Nama;Nilai;Catatan\r\n"
        '01;"Suka\r\nmaju";1.234,5;"kata ""resmi"""\r\n'
        "\r\n"
        "02;;-\r\n"
        "03;Cikole;7;;\r\n"
        " ; ; ; \r\n"
        '04;"";2;-\r\n'.encode()
    )
    sniffed = sniff(path, known_headers=header_keys(schema).keys())
    positions = _columns(sniffed, schema)

    with _duckdb(tmp_path / "spill") as connection:
        assert _plain_csv_to_parquet(connection, path, sniffed, schema, positions, tmp_path / "cepat.parquet",
                                     EXACT_NUMBERS) == 4
        _normalise(path, sniffed, positions, schema, tmp_path / "baris.csv")
        assert _text_to_parquet(connection, tmp_path / "baris.csv", schema, tmp_path / "python.parquet",
                                EXACT_NUMBERS) == 4
        fast, python = (connection.sql(f"SELECT * FROM '{tmp_path / name}' ORDER BY _id").fetchall()
                        for name in ("cepat.parquet", "python.parquet"))

    assert fast == python == [
        (1, "01", "Suka\r\nmaju", 1234.5, 'kata "resmi"'),
        (2, "02", "", None, ""),
        (3, "03", "Cikole", 7.0, ""),
        (4, "04", "", 2.0, None),
    ]


def test_the_rows_come_back_in_batches_of_json_ready_records(platform: Platform) -> None:
    table = build(platform, WINDOWS_CSV, "desa.csv")

    batches = list(record_batches(platform.storage, table.storage_key, table.fields, size=2))

    assert [len(batch) for batch in batches] == [2, 1]
    assert batches[0][0] == {"kode_desa": "3201", "nama_desa": "Sukamaju – Ciherang", "anggaran": 1234.56,
                             "penduduk": 1500, "tanggal": "2024-01-05", "aktif": True, "tahun": 2024}
    assert batches[1] == [{"kode_desa": "3203", "nama_desa": "Pasirjaya", "anggaran": 7.5, "penduduk": None,
                           "tanggal": None, "aktif": None, "tahun": None}]


def test_a_code_its_pattern_accepts_keeps_its_decimal_point(platform: Platform, tmp_path: Path) -> None:
    schema = {"fields": [{"name": "kode_rekening", "type": "string", "constraints": {"pattern": r"[4-6](\.[0-9]+)*"}},
                         {"name": "kode_fasyankes", "type": "string"}]}
    data = b"kode_rekening,kode_fasyankes\n4.0,1020304.0\n5.1.02,P3201010101\n"

    _, rows = parquet_rows(platform, build(platform, data, "rekening.csv", schema, "rekening"), tmp_path)

    assert rows == [(1, "4.0", "1020304"), (2, "5.1.02", "P3201010101")]


def test_fields_come_back_in_ckans_key_order_whatever_order_the_database_kept() -> None:
    """PostgreSQL's JSONB orders an object's keys by length; CKAN's dumps, compared byte for byte, do not."""
    table = DatastoreTable(fields=[{"info": {"unit": "KK", "notes": "", "label": "Keluarga"}, "type": "int8",
                                    "id": "keluarga"}])

    field = table.ckan_fields()[0]

    assert list(field) == ["id", "type", "info"]
    assert list(field["info"]) == ["label", "notes", "unit"]
