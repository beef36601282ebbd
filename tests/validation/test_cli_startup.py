"""`ppid validate` starts fast: it imports the validation floor and nothing of the database, the web app or the
storage client (SQLAlchemy, Alembic, Flask and boto3 cost ~0.5 s together before a single row is read)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ppid.validation.engine import SMALL_FILE_BYTES

REPO = Path(__file__).resolve().parents[2]
VALID_POPULATION = REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv"
HEAVY = ("sqlalchemy", "alembic", "flask", "werkzeug", "boto3", "botocore", "ppid.platform", "ppid.db", "ppid.app",
         "ppid.storage")


def modules_loaded_by(*args: str, tmp_path: Path) -> tuple[int, set[str]]:
    """Run ``ppid *args`` in a fresh interpreter; its exit code and every module imported by then."""
    probe = (
        "import json, sys\n"
        "from ppid.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit as end:\n"
        "    code = end.code\n"
        "sys.__stderr__.write('MODULES ' + json.dumps([code, sorted(sys.modules)]) + '\\n')\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | {
        "PPID_HOME": str(tmp_path / "instance"), "PPID_CONFIG_DIR": str(REPO / "config"),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    line = next((line for line in result.stderr.splitlines() if line.startswith("MODULES ")), None)
    assert line is not None, result.stdout + result.stderr
    code, modules = json.loads(line.removeprefix("MODULES "))
    return code, set(modules)


def heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if any(name == h or name.startswith(h + ".") for h in HEAVY))


def test_validate_imports_neither_the_database_nor_the_web_app_nor_the_storage_client(tmp_path: Path) -> None:
    code, modules = modules_loaded_by("validate", str(VALID_POPULATION), "--schema", "jumlah_penduduk",
                                      tmp_path=tmp_path)

    assert code == 0
    assert "ppid.validation.engine" in modules  # the probe did validate
    assert heavy(modules) == []


def test_validate_in_the_default_language_loads_no_babel_once_click_s_catalogue_is_compiled(tmp_path: Path) -> None:
    """Babel took 0.04 s of every command (Click's catalogue compiled as ``ppid.cli`` is imported) and 0.026 s of
    every report with a number: the catalogue is compiled once into the user's cache, and numbers are written
    without it. The first command compiles it; the next ones read it with the standard library."""
    messy = REPO / "examples" / "kabupaten-contoh" / "bpkad" / "realisasi-apbd-2023.csv"
    first_code, first = modules_loaded_by("validate", str(messy), "--schema", "realisasi_apbd", tmp_path=tmp_path)
    code, modules = modules_loaded_by("validate", str(messy), "--schema", "realisasi_apbd", tmp_path=tmp_path)

    assert "babel" in first and list((tmp_path / "cache" / "ppid" / "catalogues").glob("id-click-*.mo"))
    assert first_code == code == 1
    assert not {name for name in modules if name == "babel" or name.startswith("babel.")}


def test_the_settings_and_a_checked_schema_are_read_again_without_pyyaml_or_jsonschema(tmp_path: Path) -> None:
    """PyYAML (~25 ms with the regular expressions it compiles) and jsonschema_rs (10–20 ms) are loaded to read
    defaults.yaml and to check a schema against frictionless's profiles; what they found is kept in the user's
    cache (``ppid.usercache``), so the next command on unchanged files loads neither."""
    schema = tmp_path / "skema.json"
    schema.write_text((REPO / "schemas" / "jumlah_penduduk.json").read_text(encoding="utf-8"), encoding="utf-8")
    args = ("validate", str(VALID_POPULATION), "--schema", str(schema))

    first_code, first = modules_loaded_by(*args, tmp_path=tmp_path)
    code, modules = modules_loaded_by(*args, tmp_path=tmp_path)

    assert first_code == code == 0
    assert {"yaml", "jsonschema_rs"} <= first
    assert not {"yaml", "jsonschema_rs"} & modules


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    """Where the user's cache is not a folder (or not writable), every command derives what it needs again."""
    (tmp_path / "cache").write_text("bukan folder", encoding="utf-8")
    args = ("validate", str(VALID_POPULATION), "--schema", "jumlah_penduduk")

    for _ in range(2):
        code, modules = modules_loaded_by(*args, tmp_path=tmp_path)
        assert code == 0
        assert {"yaml", "jsonschema_rs"} <= modules


def test_a_changed_schema_is_checked_again_and_refused(tmp_path: Path) -> None:
    """The cache remembers a schema by its content: the same file made invalid is checked, and refused, at once."""
    schema = tmp_path / "skema.json"
    descriptor = json.loads((REPO / "schemas" / "jumlah_penduduk.json").read_text(encoding="utf-8"))
    schema.write_text(json.dumps(descriptor), encoding="utf-8")
    args = ("validate", str(VALID_POPULATION), "--schema", str(schema))
    assert modules_loaded_by(*args, tmp_path=tmp_path)[0] == 0

    descriptor["fields"][0]["constraints"] = {"required": "ya"}  # frictionless's profile wants true or false
    schema.write_text(json.dumps(descriptor), encoding="utf-8")
    code, modules = modules_loaded_by(*args, tmp_path=tmp_path)

    assert code == 2
    assert "jsonschema_rs" in modules
    assert modules_loaded_by(*args, tmp_path=tmp_path)[0] == 2  # a refused schema is never remembered


def test_validating_a_csv_does_not_load_the_workbook_reader(tmp_path: Path) -> None:
    """openpyxl takes ~0.08 s to import and only workbooks need it."""
    _code, modules = modules_loaded_by("validate", str(VALID_POPULATION), "--schema", "jumlah_penduduk",
                                       tmp_path=tmp_path)

    assert "openpyxl" not in modules


def test_a_schema_file_with_errors_in_the_data_loads_nothing_heavier(tmp_path: Path) -> None:
    schema = tmp_path / "skema.json"
    schema.write_text((REPO / "schemas" / "realisasi_apbd.json").read_text(encoding="utf-8"), encoding="utf-8")
    messy = REPO / "examples" / "kabupaten-contoh" / "bpkad" / "realisasi-apbd-2023.csv"

    code, modules = modules_loaded_by("validate", str(messy), "--schema", str(schema), "--format", "json",
                                      tmp_path=tmp_path)

    assert code == 1
    assert heavy(modules) == []


def test_validating_small_and_large_tables_never_loads_frictionless(tmp_path: Path) -> None:
    """The engine reads schemas and cells itself (``table_schema.py``): frictionless and the jsonschema it
    validates schemas with cost ~0.3 s to load, more than checking a small file, and load only when its row
    stream is asked for (``--engine frictionless``, ``foreignKeys``, a field type the engine leaves to it)."""
    rows = (REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv").read_text(encoding="utf-8")
    header, *body = rows.splitlines()
    large = tmp_path / "besar.csv"
    large.write_text("\n".join([header, *(body * (SMALL_FILE_BYTES // sum(len(line) for line in body) + 1))]) + "\n",
                     encoding="utf-8")
    for path in (VALID_POPULATION, large):
        _code, modules = modules_loaded_by("validate", str(path), "--schema", "jumlah_penduduk", tmp_path=tmp_path)

        assert ("polars" in modules) == (path == large)  # the columnar engine for the large one, row by row else
        assert not {"frictionless", "jsonschema"} & modules, path.name
    _code, modules = modules_loaded_by("validate", str(large), "--schema", "jumlah_penduduk", "--engine",
                                       "frictionless", tmp_path=tmp_path)
    assert "frictionless" in modules


def test_a_plain_csv_loads_neither_pyarrow_nor_numpy(tmp_path: Path) -> None:
    """polars reads a plain UTF-8 CSV itself (``columnar.plain_csv_batches``): pyarrow with numpy costs 0.07–0.18 s
    to import. A CSV it cannot read exactly (here Windows-1252) still goes to pyarrow."""
    header = VALID_POPULATION.read_text(encoding="utf-8").splitlines()[0]
    body = [f"{1945 + i % 150},{320100 + i // 150},Kecamatan {i},100,200,300" for i in range(20_000)]
    large = tmp_path / "besar.csv"
    large.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    _code, modules = modules_loaded_by("validate", str(large), "--schema", "jumlah_penduduk", tmp_path=tmp_path)
    assert "polars" in modules
    assert not {"pyarrow", "numpy"} & modules

    latin = tmp_path / "latin.csv"
    latin.write_text("\n".join([header, *body, body[0].replace("a", "\u00e9", 1)]) + "\n", encoding="cp1252")
    _code, modules = modules_loaded_by("validate", str(latin), "--schema", "jumlah_penduduk", tmp_path=tmp_path)
    assert "pyarrow" in modules


def test_repeated_keys_in_a_plain_csv_are_read_again_without_numpy(tmp_path: Path) -> None:
    """The rows whose key hashes repeat are read again from their lines (``columnar.lines_at``), their newlines
    counted by ``bytes.replace`` (``columnar._newlines``): numpy alone would cost 0.08 s to import."""
    header = VALID_POPULATION.read_text(encoding="utf-8").splitlines()[0]
    body = [f"{1945 + i % 150},{320100 + i // 150},Kecamatan {i},100,200,300" for i in range(20_000)]
    repeated = tmp_path / "kunci-ganda.csv"
    repeated.write_text("\n".join([header, *body, body[7], body[19_000]]) + "\n", encoding="utf-8")
    code, modules = modules_loaded_by("validate", str(repeated), "--schema", "jumlah_penduduk", tmp_path=tmp_path)
    assert code == 1  # the two repeated keys
    assert "polars" in modules
    assert "numpy" not in modules


def test_no_progress_bar_machinery_without_a_terminal(tmp_path: Path) -> None:
    """The bar's rich widgets are imported only once a bar is drawn, and never when stderr is not a terminal."""
    _code, modules = modules_loaded_by("validate", str(VALID_POPULATION), "--schema", "jumlah_penduduk",
                                       tmp_path=tmp_path)

    assert "rich.progress" not in modules and "rich.live" not in modules


def test_validate_help_does_not_load_the_validation_engine(tmp_path: Path) -> None:
    code, modules = modules_loaded_by("validate", "--help", tmp_path=tmp_path)

    assert code == 0
    assert "ppid.validation.engine" not in modules and "frictionless" not in modules
    assert heavy(modules) == []


def test_the_region_list_reads_the_same_quoted_or_not(tmp_path: Path) -> None:
    """Every start loads the region list, so it is split at commas when nothing is quoted; quotes still parse."""
    from ppid.validation.reference import CodeList

    plain, quoted = tmp_path / "plain.csv", tmp_path / "quoted.csv"
    plain.write_text("kode,nama\n3201,Kabupaten Bogor\n320101,Cibinong\n\n", encoding="utf-8")
    quoted.write_text('\ufeffkode,nama\r\n"3201","Kabupaten Bogor, Jawa Barat"\r\n320101,Cibinong\r\n',
                      encoding="utf-8")

    for path in (plain, quoted):
        codes = CodeList.from_csv(path)
        assert codes.exists("3201") and codes.exists("320101") and not codes.exists("Cibinong")
    assert not CodeList.from_csv(plain, column="kode_bps").exists("3201")


def test_the_shipped_region_list_loads_whole() -> None:
    from ppid.validation.reference import REGION_CODES, CodeList

    codes = CodeList.from_csv(REPO / "schemas" / REGION_CODES)

    assert codes.exists("32") and codes.exists("3201") and codes.exists("320101")  # province, regency, district
    assert not codes.exists("kode")


def test_the_columnar_lookup_answers_as_exists_does(tmp_path: Path) -> None:
    """``listed`` (a sorted polars column, for the columnar engine) and ``exists`` (a Python set) never disagree:
    padded codes, control characters Python strips, unknown codes and lists read from any CSV shape."""
    import polars as pl

    from ppid.validation.reference import REGION_CODES, CodeList

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("kode,nama\n3201,Kabupaten Bogor,lebih\n 320101 ,Cibinong\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    unsorted = tmp_path / "unsorted.csv"  # the shipped list is sorted and used as it is; any other is sorted first
    unsorted.write_text("kode,nama\n3201,Kabupaten Bogor\n32,Jawa Barat\n3201,Kabupaten Bogor\n", encoding="utf-8")
    makers = [lambda: CodeList.from_csv(REPO / "schemas" / REGION_CODES), lambda: CodeList.from_csv(ragged),
              lambda: CodeList.from_csv(empty), lambda: CodeList.from_csv(unsorted),
              lambda: CodeList(["3201", " 320101\u3000"]), lambda: CodeList([])]
    asked = ["32", "3201", " 3201", "3201 ", "3201\x1f", "\x1c3201", "3201\u3000", "3201.0", "320101", "", " ",
             "kode", "Cibinong", "99", "3201\n", "zzzz"]

    for make in makers:
        by_set, in_columns = make(), make()  # each reads the list its own way
        assert in_columns.listed(pl.Series(asked)).to_list() == [by_set.exists(code) for code in asked]
        assert in_columns.listed(pl.Series([], dtype=pl.String)).to_list() == []
