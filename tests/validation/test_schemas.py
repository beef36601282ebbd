"""Finding schemas by name and suggesting one for a header."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ppid.validation import SchemaNotFoundError, list_schemas, load_schema, suggest_schema

from .helpers import PENDUDUK

SEKOLAH: dict[str, Any] = {
    "name": "sekolah_uji",
    "fields": [{"name": "tahun_ajaran", "type": "string"}, {"name": "kode_kecamatan", "type": "string"},
               {"name": "jenjang", "type": "string"}, {"name": "jumlah_sekolah", "type": "integer"}],
    "ppid": {"header_aliases": {"jenjang": ["Jenjang Pendidikan", "tingkat"]}},
}


@pytest.fixture
def schemas_dir(tmp_path: Path) -> Path:
    for schema in (PENDUDUK, SEKOLAH):
        (tmp_path / f"{schema['name']}.json").write_text(json.dumps(schema))
    (tmp_path / "fields").mkdir()
    (tmp_path / "fields" / "shared.json").write_text("{}")
    return tmp_path


def test_list_and_load(schemas_dir: Path) -> None:
    assert list_schemas(schemas_dir) == ["penduduk_uji", "sekolah_uji"]
    assert load_schema(schemas_dir, "sekolah_uji")["fields"][2]["name"] == "jenjang"


@pytest.mark.parametrize("name", ["tidak_ada", "../penduduk_uji", "fields/shared", ""])
def test_unknown_names_are_refused(schemas_dir: Path, name: str) -> None:
    with pytest.raises(SchemaNotFoundError, match="penduduk_uji, sekolah_uji"):
        load_schema(schemas_dir, name)


def test_suggestion_ranks_by_header_overlap(schemas_dir: Path) -> None:
    schemas = {name: load_schema(schemas_dir, name) for name in list_schemas(schemas_dir)}
    ranked = suggest_schema(["Tahun Ajaran", "KODE_KEC", "Jenjang Pendidikan", "Jumlah Sekolah", "Keterangan"],
                            schemas)
    assert [s.name for s in ranked] == ["sekolah_uji", "penduduk_uji"]
    best = ranked[0]
    assert best.matched == ("tahun_ajaran", "jenjang", "jumlah_sekolah")
    assert best.missing == ("kode_kecamatan",) and best.extra == ("KODE_KEC", "Keterangan")
    assert ranked[1].matched == ("kode_kecamatan",)
    assert suggest_schema(["apa", "ini"], schemas) == []
