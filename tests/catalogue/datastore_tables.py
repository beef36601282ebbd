"""DataStore tables for the read-side tests: a Parquet file laid out as ``ppid.datastore.convert`` writes it
(``_id`` BIGINT then the fields; integers BIGINT, numbers DOUBLE, dates DATE), stored where it stores it,
recorded in ``datastore_table``, and a catalogue resource naming it by ``hash`` and ``schema_name``.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from ppid.datastore.models import DatastoreTable
from ppid.platform import Platform

COLUMN_TYPES = {"text": "VARCHAR", "int8": "BIGINT", "int4": "BIGINT", "numeric": "DOUBLE", "date": "DATE",
                "bool": "BOOLEAN", "timestamp": "TIMESTAMP", "time": "TIME"}  # fmt: skip

#: A small table of villages: codes as text, numbers, a date, with a data dictionary.
FIELDS = [
    {"id": "kode_desa", "type": "text", "info": {"label": "Kode desa", "notes": "Kode wilayah Kemendagri"}},
    {"id": "nama_desa", "type": "text", "info": {"label": "Nama desa", "notes": ""}},
    {"id": "kecamatan", "type": "text", "info": {"label": "Kecamatan", "notes": ""}},
    {"id": "tahun", "type": "int4", "info": {"label": "Tahun", "notes": ""}},
    {"id": "keluarga_miskin", "type": "int8", "info": {"label": "Keluarga miskin", "notes": "", "unit": "KK"}},
    {"id": "anggaran", "type": "numeric", "info": {"label": "Anggaran", "notes": "", "unit": "rupiah"}},
    {"id": "tanggal", "type": "date", "info": {"label": "Tanggal pendataan", "notes": ""}},
]
ROWS = [
    {"kode_desa": "3201010001", "nama_desa": "Cibodas", "kecamatan": "Cisarua", "tahun": 2023,
     "keluarga_miskin": 1250, "anggaran": 1234.5, "tanggal": "2023-03-01"},
    {"kode_desa": "3201010002", "nama_desa": "Tugu Selatan", "kecamatan": "Cisarua", "tahun": 2023,
     "keluarga_miskin": 830, "anggaran": 99.75, "tanggal": "2023-03-02"},
    {"kode_desa": "3201020001", "nama_desa": "Megamendung", "kecamatan": "Megamendung", "tahun": 2024,
     "keluarga_miskin": 1020, "anggaran": 7, "tanggal": None},
    {"kode_desa": "3201020002", "nama_desa": "=HYPERLINK(\"http://x\")", "kecamatan": "Megamendung", "tahun": 2024,
     "keluarga_miskin": 15, "anggaran": -3.25, "tanggal": "2024-01-31"},
]  # fmt: skip


def write_parquet(target: Path, fields: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    columns = ", ".join(f'"{f["id"]}" {COLUMN_TYPES[f["type"]]}' for f in fields)
    with duckdb.connect() as connection:
        connection.execute(f'CREATE TABLE t ("_id" BIGINT, {columns})')
        placeholders = ", ".join("?" * (len(fields) + 1))
        connection.executemany(
            f"INSERT INTO t VALUES ({placeholders})",
            [[number, *(row[f["id"]] for f in fields)] for number, row in enumerate(rows, start=1)],
        )
        connection.execute(f"COPY (SELECT * FROM t ORDER BY _id) TO '{target}' (FORMAT parquet)")


def make_table(
    platform: Platform,
    *,
    fields: list[dict[str, Any]] = FIELDS,
    rows: list[dict[str, Any]] = ROWS,
    schema_name: str = "desa-miskin",
    primary_key: tuple[str, ...] = ("kode_desa",),
) -> DatastoreTable:
    """Store a typed copy and record it, as a publication would; the source file's SHA-256 is made up."""
    sha256 = secrets.token_hex(32)
    digest = hashlib.sha256(schema_name.encode()).hexdigest()
    key = f"datastore/{sha256}/{digest[:16]}.parquet"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.parquet"
        write_parquet(path, fields, rows)
        with path.open("rb") as stream:
            stored = platform.storage.put(key, stream)
    with platform.database.session() as session:
        table = DatastoreTable(
            sha256=sha256, schema_name=schema_name, schema_digest=digest, storage_key=key,
            rows_sha256=stored.sha256, fields=fields, primary_key=list(primary_key), row_count=len(rows),
        )  # fmt: skip
        session.add(table)
        session.flush()
        session.expunge(table)
    return table


def resource_for(table: DatastoreTable, name: str = "desa-miskin-2024.csv") -> dict[str, Any]:
    """A catalogue resource showing the file the table was made from."""
    return {"name": name, "url": f"https://contoh.go.id/{name}", "hash": f"sha256:{table.sha256}",
            "schema_name": table.schema_name}  # fmt: skip
