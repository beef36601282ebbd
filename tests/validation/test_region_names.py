"""A region name that is not the name of the row's Kemendagri code is a warning, the same through both engines.

The name is compared with the code's name in the reference list (``schemas/reference/kode_wilayah.csv.gz``),
allowing the spellings officers use ("KAB. BOGOR", "Kab Bogor", "Gunung Putri" for "Gunungputri", "Kec. Cibinong");
the table stays valid, and the report says which region the code is.
"""

from __future__ import annotations

import csv
import gzip
import random
from pathlib import Path

import pytest

from ppid.validation import CodeList, validate_file, validate_table, write_rows_to_fix
from ppid.validation.region_names import same_region

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
HEADER = ["tahun", "kode_kabupaten_kota", "nama_kabupaten_kota", "jumlah_penduduk_miskin",
          "persentase_penduduk_miskin", "garis_kemiskinan", "indeks_kedalaman_kemiskinan",
          "indeks_keparahan_kemiskinan"]


def poverty_table(path: Path, names: list[tuple[str, str]]) -> Path:
    """A ``penduduk_miskin`` table with one row per (code, name), years counting up so the key never repeats."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number, (code, name) in enumerate(names):
            writer.writerow([1950 + number, code, name, "434.56", "7.73", "459231", "1.21", "0.29"])
    return path


@pytest.mark.parametrize("engine", ["kolom", "frictionless"])
def test_a_name_of_another_region_next_to_a_code_is_a_warning_saying_which_region_the_code_is(
        tmp_path: Path, engine: str) -> None:
    spellings = [("3201", "Kabupaten Bogor"), ("3201", "KAB. BOGOR"), ("3201", "Kab Bogor"), ("3201", "bogor"),
                 ("3201", "Kabupaten  Bogor"), ("3271", "Kota Bogor"), ("3271", "KOTA BOGOR"), ("3273", "Kota Bandung")]
    rows = spellings + [("3201", "Kabupaten Bogor")] * 2 + [("3201", "Kota Bandung")] + spellings
    path = poverty_table(tmp_path / "penduduk-miskin.csv", rows)  # row 12 (file row) holds "Kota Bandung"

    with validate_file(path, schema_name="penduduk_miskin", schemas_dir=SCHEMAS, engine=engine) as result:
        table = result.report.tables[0]
        [problem] = table.problems

    assert result.report.valid
    assert table.engine == engine
    assert (problem.code, problem.severity, problem.column, problem.count) == (
        "region-name", "warning", "nama_kabupaten_kota", 1)
    assert [(example.row, example.value) for example in problem.examples] == [(12, "Kota Bandung")]
    assert problem.message == ("kolom `nama_kabupaten_kota`: 1 baris berisi nama wilayah yang bukan nama kodenya; "
                               "misalnya baris 12: kode 3201 adalah Kabupaten Bogor, bukan `Kota Bandung`.")
    assert "`kode_kabupaten_kota`" in problem.hint


def test_the_other_level_of_the_same_name_is_another_region(tmp_path: Path) -> None:
    path = poverty_table(tmp_path / "bogor.csv", [("3201", "Kota Bogor"), ("3271", "Kabupaten Bogor")])

    with validate_file(path, schema_name="penduduk_miskin", schemas_dir=SCHEMAS, engine="kolom") as result:
        [problem] = result.report.tables[0].problems

    assert problem.code == "region-name" and problem.count == 2


def test_an_unknown_code_is_reported_once_as_an_unknown_code_not_as_a_wrong_name(tmp_path: Path) -> None:
    path = poverty_table(tmp_path / "kode.csv", [("3299", "Kabupaten Bogor")])

    with validate_file(path, schema_name="penduduk_miskin", schemas_dir=SCHEMAS) as result:
        codes = [problem.code for problem in result.report.tables[0].problems]

    assert codes == ["unknown-code"]


@pytest.mark.parametrize(("written", "official"), [
    ("KAB. BOGOR", "Kabupaten Bogor"), ("Kab Bogor", "Kabupaten Bogor"), ("Bogor", "Kabupaten Bogor"),
    ("kabupaten bogor", "Kabupaten Bogor"), ("Kota  Bogor", "Kota Bogor"), ("Gunung Putri", "Gunungputri"),
    ("Kec. Cibinong", "Cibinong"), ("Desa Pondok Rajeg", "Pondok Rajeg"), ("Kel. Pondok-Rajeg", "Pondok Rajeg"),
    ("Kab. Kep. Seribu", "Kabupaten Kepulauan Seribu"),
    ("Kep. Masaloka Raya", "Kep. Masaloka Raya"), ("Kepulauan Masaloka Raya", "Kep. Masaloka Raya"),
    ("Provinsi Jawa Barat", "Jawa Barat"), ("DKI Jakarta", "Daerah Khusus Ibukota Jakarta"),
    ("Prov. DKI Jakarta", "Daerah Khusus Ibukota Jakarta"), ("DI Yogyakarta", "Daerah Istimewa Yogyakarta"),
    ("Provinsi D.I. Yogyakarta", "Daerah Istimewa Yogyakarta"), ("Jakarta Pusat", "Kota Administrasi Jakarta Pusat"),
    ("Kota Jakarta Pusat", "Kota Administrasi Jakarta Pusat"),
])
def test_the_usual_spellings_of_a_region_name_are_the_same_region(written: str, official: str) -> None:
    assert same_region(written, official)


@pytest.mark.parametrize(("written", "official"), [
    ("Kota Bandung", "Kabupaten Bogor"), ("Kota Bogor", "Kabupaten Bogor"), ("Kabupaten Bogor", "Kota Bogor"),
    ("Jonggol", "Cibinong"),
])
def test_another_region_is_not_the_same_region(written: str, official: str) -> None:
    assert not same_region(written, official)


CODES = {"3201": "Kabupaten Bogor", "3202": "Kabupaten Sukabumi", "3271": "Kota Bogor", "3273": "Kota Bandung"}
SCHEMA = {
    "fields": [
        {"name": "kode", "type": "string", "constraints": {"required": True, "pattern": "[1-9][0-9]{3}"},
         "ppid": {"referensi": "kode_wilayah"}},
        {"name": "nama", "type": "string", "constraints": {"maxLength": 20},
         "ppid": {"nama_wilayah_untuk": "kode"}},
        {"name": "tahun", "type": "integer", "constraints": {"required": True, "minimum": 2015, "maximum": 2025}},
        {"name": "jumlah", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["kode", "tahun"],
    "ppid": {"row_constraints": ["jumlah < 900"]},
}
ODD = {"kode": ["3201.0", "9999", "32.01", ""], "nama": ["", "-", "Kabupaten Bogor yang sangat panjang"],
       "tahun": ["2030", "20I9", ""], "jumlah": ["-1", "seratus", ""]}


def messy_named_table(path: Path, seed: int, rows: int) -> Path:
    """Codes with their names in every spelling, other regions' names, and other errors in the same rows."""
    rng = random.Random(seed)
    names = [spec["name"] for spec in SCHEMA["fields"]]
    others = list(CODES.values())
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for number in range(rows):
            code = rng.choice(list(CODES))
            name = rng.choice([CODES[code], CODES[code].upper(), CODES[code].replace("Kabupaten", "Kab."),
                               rng.choice(others)])
            row = [code, name, str(2015 + number % 11), str(rng.randint(0, 999))]
            for _ in range(rng.choice([0, 0, 1, 2])):
                column = rng.randrange(len(names))
                row[column] = rng.choice(ODD[names[column]])
            if rng.random() < 0.02:
                row = row[:2]
            writer.writerow(row)
    return path


def report_of(path: Path, engine: str, tmp_path: Path) -> tuple[list, list, bytes]:
    with validate_table(path, SCHEMA, reference=CodeList(CODES, names=CODES), engine=engine) as result:
        rows_to_fix = tmp_path / f"perbaikan-{engine}.csv"
        write_rows_to_fix(result, rows_to_fix)
        problems = [problem.to_dict() for problem in result.report.tables[0].problems]
        return list(result.findings()), problems, rows_to_fix.read_bytes()


@pytest.mark.parametrize("seed", range(3))
def test_both_engines_report_wrong_region_names_identically_among_other_errors(tmp_path: Path, seed: int) -> None:
    path = messy_named_table(tmp_path / f"nama-{seed}.csv", seed, rows=2000 + seed * 500)

    columnar = report_of(path, "kolom", tmp_path)
    reference = report_of(path, "frictionless", tmp_path)

    assert any(problem["code"] == "region-name" for problem in columnar[1])
    assert columnar[0] == reference[0]
    assert columnar[1] == reference[1]
    assert columnar[2] == reference[2]


def test_every_name_of_the_region_list_is_its_own_region_however_it_is_cased() -> None:
    with gzip.open(SCHEMAS / "reference" / "kode_wilayah.csv.gz", "rt", encoding="utf-8") as stream:
        names = [row["nama"] for row in csv.DictReader(stream)]

    assert len(names) > 90_000
    assert [name for name in names if not same_region(name, name) or not same_region(name.upper(), name)] == []
