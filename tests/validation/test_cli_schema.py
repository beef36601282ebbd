"""`ppid validate FILE --schema X`: X is a name from schemas/, a Table Schema file, or a datapackage.json.

A schema that cannot be used is the command's fault, not the data's: one Indonesian sentence on stderr and exit
code 2, never a traceback; exit 1 stays "the file has errors".
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ppid.validation.schemas import ResolvedSchema, SchemaFileError, SchemaNotFoundError, resolve_schema

from .helpers import PENDUDUK

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
VALID_POPULATION = REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A machine with the shipped config and schemas and no database: validating a file needs none."""
    return {"PPID_HOME": str(tmp_path / "instance"), "PPID_CONFIG_DIR": str(REPO / "config"),
            "PPID_SCHEMAS_DIR": str(SCHEMAS)}


def run_validate(*args: str | Path, env: dict[str, str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | env
    command = [str(Path(sys.executable).parent / "ppid"), "validate", *map(str, args)]
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=120, cwd=cwd)


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2, nothing on stdout, one line on stderr containing ``words``; returns that line."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def with_unknown_region(tmp_path: Path) -> Path:
    """The valid population file with one kecamatan code that has the right shape but does not exist."""
    lines = VALID_POPULATION.read_text(encoding="utf-8").splitlines()
    year, _code, *rest = lines[1].split(",")
    table = tmp_path / "penduduk.csv"
    table.write_text("\n".join([lines[0], ",".join([year, "329999", *rest]), *lines[2:]]) + "\n", encoding="utf-8")
    return table


def problems(stdout: str) -> list[tuple[str | None, str, str]]:
    report = json.loads(stdout)
    return sorted((p["column"], p["code"], p["severity"]) for t in report["tables"] for p in t["problems"])


# -- a Table Schema file ------------------------------------------------------------------------------------------


def test_a_table_schema_file_validates_like_the_same_schema_by_name(env: dict[str, str], tmp_path: Path) -> None:
    schema = write_json(tmp_path / "skema saya.json", json.loads((SCHEMAS / "jumlah_penduduk.json").read_text()))

    by_path = run_validate(VALID_POPULATION, "--schema", schema, "--format", "json", env=env)
    by_name = run_validate(VALID_POPULATION, "--schema", "jumlah_penduduk", "--format", "json", env=env)

    assert by_path.returncode == 0 == by_name.returncode, by_path.stderr
    assert json.loads(by_path.stdout)["schema_name"] == str(schema)
    assert json.loads(by_name.stdout)["schema_name"] == "jumlah_penduduk"


def test_a_schema_file_still_checks_region_codes_against_the_shipped_list(env: dict[str, str],
                                                                           tmp_path: Path) -> None:
    schema = write_json(tmp_path / "skema.json", json.loads((SCHEMAS / "jumlah_penduduk.json").read_text()))
    table = with_unknown_region(tmp_path)

    by_path = run_validate(table, "--schema", schema, "--format", "json", env=env)
    by_name = run_validate(table, "--schema", "jumlah_penduduk", "--format", "json", env=env)

    assert by_path.returncode == 1, by_path.stdout + by_path.stderr
    assert ("kode_kecamatan", "unknown-code", "error") in problems(by_path.stdout)
    assert problems(by_path.stdout) == problems(by_name.stdout)


def test_a_relative_path_is_read_from_the_current_folder(env: dict[str, str], tmp_path: Path) -> None:
    write_json(tmp_path / "skema.json", PENDUDUK)
    (tmp_path / "data.csv").write_text("tahun,kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah\n"
                                       "2023,320101,Cibinong,L,10\n", encoding="utf-8")

    result = run_validate("data.csv", "--schema", "skema.json", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_file_with_errors_still_exits_1_with_a_schema_file(env: dict[str, str], tmp_path: Path) -> None:
    schema = write_json(tmp_path / "skema.json", PENDUDUK)
    table = tmp_path / "data.csv"
    table.write_text("tahun,kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah\n2023,320101,Cibinong,X,10\n",
                     encoding="utf-8")

    result = run_validate(table, "--schema", schema, env=env)

    assert result.returncode == 1, result.stderr
    assert "jenis_kelamin" in result.stdout


# -- a data package -----------------------------------------------------------------------------------------------


def test_a_datapackage_gives_the_schema_of_its_only_resource(env: dict[str, str], tmp_path: Path) -> None:
    package = write_json(tmp_path / "datapackage.json",
                         {"name": "paket", "resources": [{"name": "penduduk", "path": "x.csv", "schema": PENDUDUK}]})
    table = tmp_path / "data.csv"
    table.write_text("tahun,kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah\n2023,320101,Cibinong,L,10\n",
                     encoding="utf-8")

    result = run_validate(table, "--schema", package, "--format", "json", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["schema_name"] == f"{package}#penduduk"


def test_a_datapackage_resource_is_chosen_by_the_file_name_and_its_schema_file_read(env: dict[str, str],
                                                                                   tmp_path: Path) -> None:
    write_json(tmp_path / "skema" / "penduduk.json", json.loads((SCHEMAS / "jumlah_penduduk.json").read_text()))
    other = {"fields": [{"name": "nama", "type": "string"}]}
    package = write_json(tmp_path / "datapackage.json", {"resources": [
        {"name": "lain", "path": "data/lain.csv", "schema": other},
        {"name": "penduduk", "path": "data/penduduk.csv", "schema": "skema/penduduk.json"},
    ]})
    table = with_unknown_region(tmp_path)

    result = run_validate(table, "--schema", package, "--format", "json", env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    assert ("kode_kecamatan", "unknown-code", "error") in problems(result.stdout)
    assert json.loads(result.stdout)["schema_name"] == f"{package}#penduduk"


def test_resource_chooses_among_several(env: dict[str, str], tmp_path: Path) -> None:
    loose = copy.deepcopy(PENDUDUK) | {"primaryKey": []}
    package = write_json(tmp_path / "datapackage.json", {"resources": [
        {"name": "ketat", "path": "a.csv", "schema": {"fields": [{"name": "nama"}]}},
        {"name": "longgar", "path": "b.csv", "schema": loose},
    ]})
    table = tmp_path / "data.csv"
    table.write_text("tahun,kode_kecamatan,nama_kecamatan,jenis_kelamin,jumlah\n2023,320101,Cibinong,L,10\n",
                     encoding="utf-8")

    ambiguous = run_validate(table, "--schema", package, env=env)
    chosen = run_validate(table, "--schema", package, "--resource", "longgar", env=env)

    assert_one_sentence(ambiguous, "ketat", "longgar", "--resource")
    assert chosen.returncode == 0, chosen.stdout + chosen.stderr


def test_an_unknown_resource_names_the_ones_there_are(env: dict[str, str], tmp_path: Path) -> None:
    package = write_json(tmp_path / "datapackage.json",
                         {"resources": [{"name": "penduduk", "path": "x.csv", "schema": PENDUDUK}]})

    result = run_validate(VALID_POPULATION, "--schema", package, "--resource", "sekolah", env=env)

    assert_one_sentence(result, "`sekolah`", "penduduk")


def test_resource_without_a_datapackage_is_a_command_error(env: dict[str, str]) -> None:
    result = run_validate(VALID_POPULATION, "--schema", "jumlah_penduduk", "--resource", "penduduk", env=env)

    assert_one_sentence(result, "--resource", "datapackage.json")


# -- schemas that cannot be used: one sentence, exit 2 -----------------------------------------------------------


def test_an_unknown_name_suggests_the_closest_schemas(env: dict[str, str]) -> None:
    line = assert_one_sentence(run_validate(VALID_POPULATION, "--schema", "jumlah_pendudk", env=env),
                               "`jumlah_pendudk`", "jumlah_penduduk")

    assert "realisasi_apbd" not in line  # the close names only, not the whole folder


def test_a_name_like_no_schema_lists_the_schemas_there_are(env: dict[str, str]) -> None:
    assert_one_sentence(run_validate(VALID_POPULATION, "--schema", "zzz", env=env),
                        "`zzz`", "jumlah_penduduk", "realisasi_apbd")


def test_a_missing_schema_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    assert_one_sentence(run_validate(VALID_POPULATION, "--schema", tmp_path / "tidak-ada.json", env=env),
                        "tidak-ada.json", "tidak ada")


def test_a_json_syntax_error_gives_its_line(env: dict[str, str], tmp_path: Path) -> None:
    schema = tmp_path / "rusak.json"
    schema.write_text('{\n  "fields": [\n    {"name": "tahun",}\n  ]\n}\n', encoding="utf-8")

    assert_one_sentence(run_validate(VALID_POPULATION, "--schema", schema, env=env),
                        "rusak.json", "bukan JSON yang sah", "baris 3")


@pytest.mark.parametrize(("schema", "words"), [
    ([{"name": "tahun"}], ("objek JSON",)),
    ({"title": "tanpa kolom"}, ('"fields"',)),
    ({"fields": [{"type": "integer"}]}, ("Kolom ke-1", '"name"')),
    ({"fields": [{"name": "tahun"}, {"name": "tahun"}]}, ("`tahun`", "dua kali")),
    ({"fields": [{"name": "tahun", "type": "integr"}]}, ("`tahun`", '"integr"', "integer")),
    ({"fields": [{"name": "kode", "constraints": {"pattern": "[0-9"}}]}, ("`kode`", "pattern")),
    ({"fields": [{"name": "tahun"}], "primaryKey": ["kode"]}, ("primaryKey", "`kode`")),
    ({"fields": [{"name": "tahun"}], "ppid": {"row_constraints": ["tahun >"]}}, ("row_constraints", "tahun >")),
    ({"fields": [{"name": "tahun"}], "ppid": {"header_aliases": {"tahun": "Thn"}}}, ("header_aliases",)),
    ({"fields": [{"name": "tahun", "ppid": "kode_wilayah"}]}, ('"ppid"', "`tahun`")),
])
def test_a_schema_authors_common_mistakes_are_named(env: dict[str, str], tmp_path: Path, schema: Any,
                                                    words: tuple[str, ...]) -> None:
    path = write_json(tmp_path / "skema.json", schema)

    assert_one_sentence(run_validate(VALID_POPULATION, "--schema", path, env=env), "skema.json", *words)


def test_what_only_frictionless_finds_wrong_is_one_sentence_too(env: dict[str, str], tmp_path: Path) -> None:
    """The engine's ``InvalidSchemaError``: frictionless's own words for the property, inside ours."""
    schema = {"fields": [{"name": "tahun", "type": "integer", "bareNumber": "tidak"}]}
    path = write_json(tmp_path / "skema.json", schema)

    assert_one_sentence(run_validate(VALID_POPULATION, "--schema", path, env=env),
                        "bukan Table Schema yang sah", "bareNumber")


def test_a_missing_folder_for_the_rows_to_fix_is_said_before_validating(env: dict[str, str], tmp_path: Path) -> None:
    result = run_validate(VALID_POPULATION, "--schema", "jumlah_penduduk", "--rows-to-fix",
                          tmp_path / "tidak-ada" / "perbaiki.csv", env=env)

    assert_one_sentence(result, "tidak-ada", "--rows-to-fix")


def test_a_folder_as_the_rows_to_fix_file_is_a_command_error(env: dict[str, str], tmp_path: Path) -> None:
    result = run_validate(VALID_POPULATION, "--schema", "jumlah_penduduk", "--rows-to-fix", tmp_path, env=env)

    assert_one_sentence(result, "folder", "--rows-to-fix")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_rows_to_fix_that_cannot_be_written_is_one_sentence_after_the_report(env: dict[str, str]) -> None:
    result = run_validate(VALID_POPULATION, "--schema", "jumlah_penduduk", "--rows-to-fix", "/dev/full", env=env)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Data sesuai skema" in result.stdout
    assert result.stderr.strip().startswith("/dev/full tidak dapat ditulis")


def test_a_missing_data_file_is_a_command_error(env: dict[str, str], tmp_path: Path) -> None:
    assert_one_sentence(run_validate(tmp_path / "tidak-ada.csv", "--schema", "jumlah_penduduk", env=env),
                        "tidak-ada.csv", "tidak ada")


# -- resolve_schema, the domain function behind --schema ---------------------------------------------------------


def test_a_name_wins_over_a_file_of_the_same_name_in_the_current_folder(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_json(tmp_path / "jumlah_penduduk", {"fields": [{"name": "lain"}]})

    resolved = resolve_schema("jumlah_penduduk", SCHEMAS)

    assert resolved == ResolvedSchema(json.loads((SCHEMAS / "jumlah_penduduk.json").read_text()), "jumlah_penduduk")
    assert resolved.uses_reference


@pytest.mark.parametrize("name", [path.stem for path in sorted(SCHEMAS.glob("*.json"))])
def test_every_shipped_schema_passes_the_checks_when_given_as_a_file(name: str) -> None:
    by_path = resolve_schema(str(SCHEMAS / f"{name}.json"), SCHEMAS)

    assert by_path.descriptor == resolve_schema(name, SCHEMAS).descriptor


def test_a_schema_without_reference_fields_needs_no_region_list(tmp_path: Path) -> None:
    resolved = resolve_schema(str(write_json(tmp_path / "s.json", {"fields": [{"name": "nama"}]})), SCHEMAS)

    assert not resolved.uses_reference and resolved.path == tmp_path / "s.json"


def test_a_datapackage_schema_on_the_web_is_not_downloaded(tmp_path: Path) -> None:
    package = write_json(tmp_path / "datapackage.json",
                         {"resources": [{"name": "r", "path": "r.csv", "schema": "https://contoh.go.id/skema.json"}]})

    with pytest.raises(SchemaFileError, match=re.escape("https://contoh.go.id/skema.json")):
        resolve_schema(str(package), SCHEMAS, tmp_path / "r.csv")


def test_a_datapackage_resource_without_schema_is_named(tmp_path: Path) -> None:
    package = write_json(tmp_path / "datapackage.json", {"resources": [{"name": "r", "path": "r.csv"}]})

    with pytest.raises(SchemaFileError, match="`r`"):
        resolve_schema(str(package), SCHEMAS, tmp_path / "r.csv")


def test_a_datapackage_pointing_at_a_missing_schema_file(tmp_path: Path) -> None:
    package = write_json(tmp_path / "datapackage.json",
                         {"resources": [{"name": "r", "path": "r.csv", "schema": "skema/r.json"}]})

    with pytest.raises(SchemaNotFoundError, match=re.escape("r.json")):
        resolve_schema(str(package), SCHEMAS, tmp_path / "r.csv")


def test_help_says_in_indonesian_what_schema_may_be_and_what_exit_2_means(env: dict[str, str]) -> None:
    result = run_validate("--help", env=env)

    text = " ".join(result.stdout.split())  # as read, whatever the terminal width wrapped
    assert result.returncode == 0
    assert text.startswith("Cara pakai: ppid validate [PILIHAN] BERKAS")
    assert "jalur berkas Table Schema JSON" in text and "datapackage.json" in text
    assert "--resource NAMA" in text and "2 bila perintahnya salah" in text
