"""The Table Schemas in schemas/, their shared fields, their samples, and the region-code reference list."""

from __future__ import annotations

import copy
import csv
import gzip
import importlib.util
import io
import json
import re
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from frictionless import Checklist, Package, Resource, Schema, checks

REPO = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = REPO / "schemas"
SHARED_PATH = SCHEMAS_DIR / "fields" / "shared.json"
REFERENCE_DIR = SCHEMAS_DIR / "reference"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SCHEMA_NAMES = sorted(path.stem for path in SCHEMAS_DIR.glob("*.json"))

# Table Schema v1 (https://specs.frictionlessdata.io/table-schema/): what a standalone schema may use so that
# tools other than frictionless 5 (ckanext-validation, goodtables, frictionless-js) read it the same way.
V1_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
            "yearmonth", "duration", "geopoint", "geojson", "any"}
V1_CONSTRAINTS = {"required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern", "enum"}
QUANTITY_TYPES = {"integer", "number"}
LEVEL_DIGITS = {"provinsi": 2, "kabupaten_kota": 4, "kecamatan": 6, "desa": 10}
PARENT_LEVEL = {"kabupaten_kota": "provinsi", "kecamatan": "kabupaten_kota", "desa": "kecamatan"}
ENGLISH_WORDS = {"the", "of", "and", "with", "is", "are", "which", "number", "code", "name", "year", "total"}
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


@cache
def descriptor(name: str) -> dict[str, Any]:
    """The parsed JSON of schemas/<name>.json (callers must not mutate it)."""
    return json.loads((SCHEMAS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@cache
def shared() -> dict[str, Any]:
    """The shared field definitions file."""
    return json.loads(SHARED_PATH.read_text(encoding="utf-8"))


@cache
def shared_fields() -> dict[str, dict[str, Any]]:
    """Shared field definitions by name."""
    return {field["name"]: field for field in shared()["fields"]}


@cache
def reference() -> dict[str, tuple[str, str, str]]:
    """The region-code reference list, loaded once: kode -> (nama, tingkat, induk)."""
    path = REFERENCE_DIR / "kode_wilayah.csv.gz"
    raw = gzip.decompress(path.read_bytes()) if path.exists() else (REFERENCE_DIR / "kode_wilayah.csv").read_bytes()
    reader = csv.reader(io.StringIO(raw.decode("utf-8")))
    assert next(reader) == ["kode", "nama", "tingkat", "induk"]
    rows: dict[str, tuple[str, str, str]] = {}
    duplicates: list[str] = []
    for kode, nama, tingkat, induk in reader:
        if kode in rows:
            duplicates.append(kode)
        rows[kode] = (nama, tingkat, induk)
    assert not duplicates, f"kode ganda: {duplicates[:10]}"
    return rows


@cache
def reference_package() -> dict[str, Any]:
    """schemas/reference/datapackage.json."""
    return json.loads((REFERENCE_DIR / "datapackage.json").read_text(encoding="utf-8"))


def normalise_header(label: str) -> str:
    """How a header is compared with names and aliases: case, punctuation and spacing ignored, "%" read as "persen"."""
    return " ".join(re.sub(r"[^0-9a-z²]+", " ", label.casefold().replace("%", " persen ")).split())


def words(text: str) -> set[str]:
    """Lower-case words of a text."""
    return set(re.findall(r"[a-z]+", text.casefold()))


# Schemas ------------------------------------------------------------------------------------------


def test_there_are_at_least_ten_schemas() -> None:
    assert len(SCHEMA_NAMES) >= 10, SCHEMA_NAMES


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_a_valid_frictionless_schema(name: str) -> None:
    report = Schema.validate_descriptor(copy.deepcopy(descriptor(name)))
    assert report.valid, [error.message for error in report.errors]
    schema = Schema.from_descriptor(copy.deepcopy(descriptor(name)))
    assert schema.name == name
    assert [field.name for field in schema.fields] == [field["name"] for field in descriptor(name)["fields"]]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_uses_only_table_schema_v1(name: str) -> None:
    schema = descriptor(name)
    assert set(schema) <= {"name", "title", "description", "fields", "missingValues", "primaryKey", "ppid"}
    assert "" in schema["missingValues"]
    names = [field["name"] for field in schema["fields"]]
    for field in schema["fields"]:
        assert field["type"] in V1_TYPES, field["name"]
        assert set(field["constraints"]) <= V1_CONSTRAINTS, field["name"]
        if "pattern" in field["constraints"]:
            re.compile(field["constraints"]["pattern"])
    for key in schema.get("primaryKey", []):
        assert key in names, key
        field = schema["fields"][names.index(key)]
        assert field["constraints"].get("required") is True, f"kunci primer {key} harus wajib diisi"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_and_fields_are_described_in_indonesian(name: str) -> None:
    schema = descriptor(name)
    for key in ("name", "title", "description"):
        assert isinstance(schema.get(key), str) and schema[key].strip(), key
    assert not words(schema["title"] + " " + schema["description"]) & ENGLISH_WORDS
    for field in schema["fields"]:
        assert SNAKE_CASE.fullmatch(field["name"]), field["name"]
        for key in ("title", "description"):
            assert isinstance(field.get(key), str) and field[key].strip(), f"{field['name']}: {key}"
        english = words(field["title"] + " " + field["description"]) & ENGLISH_WORDS
        assert not english, f"{field['name']}: {english}"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_field_names_are_unique(name: str) -> None:
    names = [field["name"] for field in descriptor(name)["fields"]]
    assert len(names) == len(set(names))


def test_schema_names_are_unique_and_match_file_names() -> None:
    names = [descriptor(name)["name"] for name in SCHEMA_NAMES]
    assert names == SCHEMA_NAMES
    titles = [descriptor(name)["title"] for name in SCHEMA_NAMES]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_quantity_has_a_unit(name: str) -> None:
    vocabulary = set(shared()["ppid"]["satuan_baku"])
    for field in descriptor(name)["fields"]:
        if field["type"] not in QUANTITY_TYPES:
            assert "satuan" not in field, field["name"]
        elif field.get("ppid", {}).get("besaran") is False:
            assert "satuan" not in field, f"{field['name']} bukan besaran, jadi tanpa satuan"
        else:
            assert field.get("satuan") in vocabulary, f"{field['name']}: satuan {field.get('satuan')!r}"
            assert "minimum" in field["constraints"], f"{field['name']}: besaran perlu batas minimum"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_shared_fields_are_copied_verbatim(name: str) -> None:
    definitions = shared_fields()
    schema = descriptor(name)
    for field in schema["fields"]:
        if field["name"] in definitions:
            assert field == definitions[field["name"]], f"{field['name']} berbeda dari schemas/fields/shared.json"
            aliases = schema["ppid"]["header_aliases"][field["name"]]
            missing = set(shared()["ppid"]["header_aliases"][field["name"]]) - set(aliases)
            assert not missing, f"{field['name']}: alias bersama tidak ada: {missing}"
        else:
            assert "referensi" not in field.get("ppid", {}), f"{field['name']}: kode wilayah harus kolom bersama"


def test_shared_definitions() -> None:
    assert Schema.validate_descriptor(copy.deepcopy(shared())).valid
    definitions = shared_fields()
    required = {"kode_provinsi", "kode_kabupaten_kota", "kode_kecamatan", "kode_desa", "tahun", "nama_kecamatan",
                "nama_desa"}
    assert required <= set(definitions)
    for tingkat, digits in LEVEL_DIGITS.items():
        field = definitions["kode_desa" if tingkat == "desa" else f"kode_{tingkat}"]
        assert field["type"] == "string"
        assert field["constraints"] == {"required": True, "pattern": f"[0-9]{{{digits}}}"}
        assert field["ppid"] == {"referensi": "kode_wilayah", "tingkat": tingkat}
    tahun = definitions["tahun"]
    assert tahun["type"] == "integer"
    assert 1900 <= tahun["constraints"]["minimum"] < tahun["constraints"]["maximum"] <= 2200
    assert set(shared()["ppid"]["header_aliases"]) <= set(definitions)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_header_aliases_point_at_one_field_each(name: str) -> None:
    schema = descriptor(name)
    aliases: dict[str, list[str]] = schema["ppid"]["header_aliases"]
    fields = {field["name"]: field for field in schema["fields"]}
    assert set(aliases) <= set(fields)
    owner: dict[str, str] = {}
    for field_name, field in fields.items():
        labels = [field_name, field["title"], *aliases.get(field_name, [])]
        assert all(isinstance(label, str) and label.strip() for label in labels)
        for label in labels:
            key = normalise_header(label)
            assert owner.setdefault(key, field_name) == field_name, f"{label!r}: {owner[key]} dan {field_name}"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_conventions_are_the_same_everywhere(name: str) -> None:
    schema = descriptor(name)
    assert schema["missingValues"] == shared()["missingValues"]
    assert schema["ppid"]["format_angka"] == shared()["ppid"]["format_angka"] == "baku"
    assert isinstance(schema["ppid"]["tema"], str) and schema["ppid"]["tema"]
    for field in schema["fields"]:
        # "baku": decimal point, no thousands separator, frictionless' defaults; nothing overrides them.
        assert not {"decimalChar", "groupChar", "bareNumber", "format"} & set(field), field["name"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_value_aliases_lead_to_allowed_values(name: str) -> None:
    for field in descriptor(name)["fields"]:
        value_aliases = field.get("ppid", {}).get("value_aliases", {})
        enum = field["constraints"].get("enum")
        for alias, value in value_aliases.items():
            assert alias != value
            if enum is not None:
                assert value in enum, f"{field['name']}: {alias} -> {value}"


# Samples ------------------------------------------------------------------------------------------


def validate_sample(name: str, text: str | None = None) -> list[tuple[str, str]]:
    """Validate a sample (or ``text`` instead of it) against its schema and row constraints; return errors."""
    schema = Schema.from_descriptor(copy.deepcopy(descriptor(name)))
    checklist = Checklist(checks=[checks.row_constraint(formula=formula)
                                  for formula in descriptor(name)["ppid"].get("row_constraints", [])])
    if text is None:
        resource = Resource(path=f"{name}.csv", basepath=str(SAMPLES_DIR), schema=schema)
    else:
        resource = Resource(data=text.encode("utf-8"), format="csv", schema=schema)
    report = resource.validate(checklist)
    return [(error.type, error.message) for task in report.tasks for error in task.errors] + [
        (error.type, error.message) for error in report.errors
    ]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_sample_validates_cleanly(name: str) -> None:
    path = SAMPLES_DIR / f"{name}.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert 3 <= len(rows) <= 5
    assert validate_sample(name) == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_sample_region_codes_exist_and_agree(name: str) -> None:
    codes = reference()
    rows = list(csv.DictReader((SAMPLES_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()))
    for row in rows:
        for field in descriptor(name)["fields"]:
            tingkat = field.get("ppid", {}).get("tingkat")
            if tingkat is None:
                continue
            kode = row[field["name"]]
            assert kode in codes and codes[kode][1] == tingkat, f"{field['name']}={kode}"
            nama_field = "nama_desa" if tingkat == "desa" else f"nama_{tingkat}"
            if nama_field in row:
                assert row[nama_field].casefold() == codes[kode][0].casefold(), f"{kode}: {row[nama_field]}"
            parent = codes[kode][2]
            parent_field = {"kecamatan": "kode_kabupaten_kota", "desa": "kode_kecamatan"}.get(tingkat)
            if parent_field in row:
                assert row[parent_field] == parent


def test_schemas_reject_what_they_should() -> None:
    header = "tahun,kode_kecamatan,nama_kecamatan,jumlah_laki_laki,jumlah_perempuan,jumlah_penduduk\n"
    dotted = validate_sample("jumlah_penduduk", header + "2024,32.01.01,Cibinong,10,20,30\n")
    assert [kind for kind, _ in dotted] == ["constraint-error"]
    wrong_sum = validate_sample("jumlah_penduduk", header + "2024,320101,Cibinong,10,20,31\n")
    assert [kind for kind, _ in wrong_sum] == ["row-constraint"]
    indonesian_number = validate_sample("jumlah_penduduk", header + '2024,320101,Cibinong,"1.234",20,1254\n')
    assert "type-error" in {kind for kind, _ in indonesian_number}
    dash_for_required = validate_sample("jumlah_penduduk", header + "2024,320101,Cibinong,-,20,20\n")
    assert "constraint-error" in {kind for kind, _ in dash_for_required}
    personal = "tahun,kode_kecamatan,nama_kecamatan,program_bantuan,jumlah_keluarga_penerima,jumlah_jiwa_penerima," \
               "nilai_bantuan,nik\n2024,320101,Cibinong,PKH,1,,,3201010101010001\n"
    assert "extra-label" in {kind for kind, _ in validate_sample("penerima_bansos", personal)}


# Reference list -----------------------------------------------------------------------------------


def test_reference_codes_have_the_right_shape_and_parents() -> None:
    codes = reference()
    for kode, (nama, tingkat, induk) in codes.items():
        assert nama and nama == nama.strip()
        assert len(kode) == LEVEL_DIGITS[tingkat] and kode.isdigit(), kode
        if tingkat == "provinsi":
            assert induk == ""
        else:
            assert kode.startswith(induk) and codes[induk][1] == PARENT_LEVEL[tingkat], kode


def test_reference_counts_match_the_package_and_readme() -> None:
    counts = {tingkat: 0 for tingkat in LEVEL_DIGITS}
    for _, tingkat, _ in reference().values():
        counts[tingkat] += 1
    package = reference_package()
    assert package["ppid"]["jumlah"] == counts
    assert counts["provinsi"] == 38 and counts["kabupaten_kota"] >= 500 and counts["desa"] >= 80_000
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    for count in counts.values():
        assert f"{count:,}".replace(",", ".") in readme
    assert package["ppid"]["versi"] in readme and package["ppid"]["keputusan"] in readme
    assert package["ppid"]["keputusan"].startswith("Keputusan Menteri Dalam Negeri Nomor")


def test_reference_knows_the_demo_region() -> None:
    codes = reference()
    assert codes["32"] == ("Jawa Barat", "provinsi", "")
    assert codes["3201"] == ("Kabupaten Bogor", "kabupaten_kota", "32")
    assert codes["320101"] == ("Cibinong", "kecamatan", "3201")
    assert codes["3201011001"] == ("Pondok Rajeg", "desa", "320101")
    assert "32.01" not in codes


def test_reference_package_descriptor_is_valid_and_licensed() -> None:
    package = Package(str(REFERENCE_DIR / "datapackage.json"))
    (resource,) = package.resources
    assert (REFERENCE_DIR / resource.path).is_file()
    assert package.licenses[0]["name"] == "ODbL-1.0"
    assert (REFERENCE_DIR / "LICENSE-ODbL.md").read_text(encoding="utf-8").startswith("# Open Database License")


# The update script ----------------------------------------------------------------------------------


def update_script() -> ModuleType:
    """Import schemas/reference/update_kode_wilayah.py (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("update_kode_wilayah", REFERENCE_DIR / "update_kode_wilayah.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_package(root: Path, villages: str) -> Path:
    """A tiny unpacked idn-area-data package."""
    data = root / "package" / "data"
    data.mkdir(parents=True)
    (root / "package" / "package.json").write_text('{"name": "idn-area-data", "version": "9.9.9"}')
    (data / "LICENSE.md").write_text("# Open Database License (ODbL)\n")
    (data / "provinces.csv").write_text("code,name\n32,Jawa Barat\n")
    (data / "regencies.csv").write_text("code,province_code,name\n32.01,32,Kabupaten Bogor\n")
    (data / "districts.csv").write_text("code,regency_code,name\n32.01.01,32.01,Cibinong\n")
    (data / "villages.csv").write_text("code,district_code,name\n" + villages)
    return root / "package"


def test_update_script_regenerates_the_files(tmp_path: Path) -> None:
    module = update_script()
    package = fake_package(tmp_path, '32.01.01.1001,32.01.01,"Pondok  Rajeg"\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("a\n<!-- jumlah:mulai -->\nSTALE\n<!-- jumlah:selesai -->\nb\n", encoding="utf-8")
    counts = module.update(package, out, keputusan="Kepmendagri Nomor 1 Tahun 2099")
    assert counts == {"provinsi": 1, "kabupaten_kota": 1, "kecamatan": 1, "desa": 1}
    assert (out / "kode_wilayah.csv").read_text(encoding="utf-8").splitlines() == [
        "kode,nama,tingkat,induk",
        "32,Jawa Barat,provinsi,",
        "3201,Kabupaten Bogor,kabupaten_kota,32",
        "320101,Cibinong,kecamatan,3201",
        "3201011001,Pondok Rajeg,desa,320101",
    ]
    descriptor_ = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor_["ppid"]["versi"] == "9.9.9" and descriptor_["resources"][0]["path"] == "kode_wilayah.csv"
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "STALE" not in readme and readme.startswith("a\n") and readme.endswith("b\n")
    assert "**9.9.9**" in readme and "Kepmendagri Nomor 1 Tahun 2099" in readme
    assert module.update(package, out) == counts  # the decree is kept from datapackage.json


def test_update_script_refuses_orphans(tmp_path: Path) -> None:
    module = update_script()
    package = fake_package(tmp_path, "32.01.02.1001,32.01.02,Yatim\n")
    with pytest.raises(module.ReferenceDataError, match="induk"):
        module.update(package, tmp_path, keputusan="x")
    assert not (tmp_path / "kode_wilayah.csv").exists()
