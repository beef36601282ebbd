"""Data shared by the validation tests: a small schema like the real ones, and rows valid against it."""

from __future__ import annotations

from typing import Any

PENDUDUK: dict[str, Any] = {
    "name": "penduduk_uji",
    "fields": [
        {"name": "tahun", "title": "Tahun", "type": "integer",
         "constraints": {"required": True, "minimum": 2000, "maximum": 2100}},
        {"name": "kode_kecamatan", "title": "Kode Kecamatan",
         "description": "6 digit angka tanpa titik, misalnya 320101.", "type": "string",
         "constraints": {"required": True, "pattern": "[0-9]{6}"},
         "ppid": {"referensi": "kode_wilayah", "tingkat": "kecamatan"}},
        {"name": "nama_kecamatan", "title": "Nama Kecamatan", "type": "string", "constraints": {"required": True}},
        {"name": "jenis_kelamin", "type": "string", "constraints": {"required": True, "enum": ["L", "P"]}},
        {"name": "jumlah", "title": "Jumlah Penduduk", "type": "integer",
         "constraints": {"required": True, "minimum": 0}},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["tahun", "kode_kecamatan", "jenis_kelamin"],
    "ppid": {"header_aliases": {"kode_kecamatan": ["Kode Kec.", "kd_kec"], "jumlah": ["Jml"]}},
}
HEADER = ["tahun", "kode_kecamatan", "nama_kecamatan", "jenis_kelamin", "jumlah"]


def valid_rows(count: int, year: int = 2023) -> list[list[str]]:
    """Distinct, valid rows: kecamatan 320101… with both sexes."""
    return [[str(year), f"32{index // 2 + 101:04d}", f"Kecamatan {index}", "LP"[index % 2], str(index)]
            for index in range(count)]
