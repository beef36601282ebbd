"""The read side over typed copies made by the real converter (``ppid.datastore.convert.build_table``): a
Windows-1252 CSV with a title row and Indonesian numbers, searched, queried and dumped as CKAN would."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from ppid.datastore.convert import build_table
from ppid.platform import Platform

from .conftest import Api

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "kode_desa", "title": "Kode Desa", "type": "string"},
        {"name": "nama_desa", "title": "Nama Desa", "type": "string", "description": "Nama resmi desa."},
        {"name": "anggaran", "title": "Anggaran", "type": "number", "decimalChar": ",", "groupChar": ".",
         "unit": "rupiah"},
        {"name": "penduduk", "title": "Jumlah Penduduk", "type": "integer"},
        {"name": "tanggal", "title": "Tanggal", "type": "date", "format": "%d/%m/%Y"},
        {"name": "tahun", "title": "Tahun", "type": "year"},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["kode_desa"],
}  # fmt: skip
CSV = (
    "DATA DESA KABUPATEN CONTOH 2024\r\n"
    ";;;;;\r\n"
    "Kode Desa;Nama Desa;Anggaran;Jumlah Penduduk;Tanggal;Tahun\r\n"
    "3201.0;Sukamaju – Ciherang;1.234,56;1500;05/01/2024;2024\r\n"
    "3202;Cibeureum;-;2000;31/12/2023;2023\r\n"
    "3203;Pasirjaya; 7,5 ;;-;2024\r\n"
).encode("cp1252")


def publish(api: Api, platform: Platform) -> str:
    """Store the file, make its typed copy, publish a dataset showing it; returns the resource id."""
    sha256 = hashlib.sha256(CSV).hexdigest()
    key = f"berkas/{sha256}/desa.csv"
    platform.storage.put(key, io.BytesIO(CSV))
    with platform.database.session() as session:
        build_table(session, platform.storage, source_key=key, file_name="desa.csv", sha256=sha256,
                    schema_name="desa_uji", schema=SCHEMA)  # fmt: skip
    api.ok("organization_create", name="dpmd")
    package = api.ok("package_create", name="desa", owner_org="dpmd", resources=[
        {"name": "desa.csv", "url": "https://contoh.go.id/desa.csv", "hash": f"sha256:{sha256}",
         "schema_name": "desa_uji"}])  # fmt: skip
    return package["resources"][0]["id"]


def test_a_converted_table_is_searched_with_its_types_and_dictionary(api: Api, platform: Platform) -> None:
    resource_id = publish(api, platform)
    result = api.ok("datastore_search", resource_id=resource_id, sort="anggaran desc nulls last", token=None)
    assert [f["id"] for f in result["fields"]] == ["_id", "kode_desa", "nama_desa", "anggaran", "penduduk",
                                                    "tanggal", "tahun"]  # fmt: skip
    assert result["fields"][3] == {"id": "anggaran", "type": "numeric",
                                   "info": {"label": "Anggaran", "notes": "", "unit": "rupiah"}}  # fmt: skip
    assert result["records"][0] == {"_id": 1, "kode_desa": "3201", "nama_desa": "Sukamaju – Ciherang",
                                    "anggaran": 1234.56, "penduduk": 1500, "tanggal": "2024-01-05", "tahun": 2024}
    assert [r["kode_desa"] for r in result["records"]] == ["3201", "3203", "3202"]
    assert result["records"][2]["anggaran"] is None


def test_a_converted_table_answers_sql_and_dumps(api: Api, platform: Platform) -> None:
    resource_id = publish(api, platform)
    sql = f'SELECT tahun, sum(penduduk) AS penduduk FROM "{resource_id}" GROUP BY tahun ORDER BY tahun'
    assert api.ok("datastore_search_sql", sql=sql, token=None)["records"] == [
        {"tahun": 2023, "penduduk": 2000}, {"tahun": 2024, "penduduk": 1500}]  # fmt: skip
    csv_text = api.client.get(f"/datastore/dump/{resource_id}").get_data(as_text=True)
    assert csv_text.splitlines()[:2] == ["_id,kode_desa,nama_desa,anggaran,penduduk,tanggal,tahun",
                                         "1,3201,Sukamaju – Ciherang,1234.56,1500,2024-01-05,2024"]  # fmt: skip
