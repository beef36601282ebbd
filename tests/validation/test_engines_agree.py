"""The columnar engine and frictionless's row stream give the same report, row for row, on messy generated tables.

Each case is a seeded random table with every kind of defect the engine has a shortcut for (types,
constraints, keys, region codes, row formulas, blank and ragged rows, total rows, odd spellings that
only Python reads) and is validated twice: by default (columnar) and with ``engine="frictionless"``.
The findings, every problem group (count, parameters, examples, row ranges) and the rows-to-fix CSV
must be identical.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from ppid.validation import CodeList, columnar, python_rows, validate_table, write_rows_to_fix

CODES = ["3201", "3202", "3203", "3204"]
SCHEMA = {
    "fields": [
        {"name": "kode", "type": "string", "constraints": {"required": True, "pattern": "[1-9][0-9]{3}"},
         "ppid": {"referensi": "kode_wilayah"}},
        {"name": "tahun", "type": "integer", "constraints": {"required": True, "minimum": 2015, "maximum": 2025}},
        {"name": "jenis", "type": "string", "constraints": {"enum": ["L", "P"]}},
        {"name": "laki", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "perempuan", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "jumlah", "type": "integer"},
        {"name": "anggaran", "type": "number", "decimalChar": ",", "constraints": {"minimum": 0}},
        {"name": "persen", "type": "number", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "tanggal", "type": "date"},
        {"name": "waktu", "type": "datetime"},
        {"name": "aktif", "type": "boolean", "trueValues": ["ya"], "falseValues": ["tidak"]},
        {"name": "catatan", "type": "string", "constraints": {"maxLength": 12}},
    ],
    "missingValues": ["", "-"],
    "primaryKey": ["kode", "tahun", "jenis"],
    "ppid": {"row_constraints": ["jumlah == laki + perempuan", "persen is None or persen <= 100"]},
}
ODD = {
    "kode": ["3201.0", "32.01", "9999", "abc", "", "-", " 3201", "3201\n"],
    "tahun": ["2020.0", "20I9", "2030", " 2020 ", "2_020", "", "١٢"],
    "jenis": ["X", "l", "", "-"],
    "laki": ["-1", "1.234", "12,5", "+5", "007", ""],
    "perempuan": ["n/a", "1e3", "-0"],
    "jumlah": ["99999999999999999999", "1.0"],
    "anggaran": ["1.234,56", "12.5", "1,5", "-0,5", "0", "Rp 5"],
    "persen": ["NaN", "100.0000000001", "1e2", ".5", "-0.0", "100"],
    "tanggal": ["2021-02-30", "2021-1-5", "13/05/2021", "0000-01-01", "+2021-01-05"],
    "waktu": ["2021-01-01T10:00:00", "2021-01-01 10:00", "kemarin"],
    "aktif": ["YA", "ya", "1", "tidak"],
    "catatan": ["=SUM(A1)", "panjang sekali catatan ini", "catatan, \"kutip\""],
}


def messy_table(path: Path, seed: int, rows: int) -> Path:
    rng = random.Random(seed)
    names = [spec["name"] for spec in SCHEMA["fields"]]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(names)
        for number in range(rows):
            laki, perempuan = rng.randint(0, 50), rng.randint(0, 50)
            row = [rng.choice(CODES), str(2015 + number % 11), rng.choice("LP"), str(laki), str(perempuan),
                   str(laki + perempuan + (rng.random() < 0.05)), f"{rng.randint(0, 9999)},{rng.randint(0, 99):02d}",
                   f"{rng.random() * 100:.2f}", f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                   "2024-01-01T08:30:00", rng.choice(["ya", "tidak", ""]), rng.choice(["", "baik", "rusak"])]
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                column = rng.randrange(len(names))
                row[column] = rng.choice(ODD[names[column]])
            shape = rng.random()
            if shape < 0.02:
                row = []
            elif shape < 0.03:
                row = [*row, "lebih"]
            elif shape < 0.04:
                row = row[: rng.randrange(1, len(row))]
            elif shape < 0.045:
                row = ["JUMLAH", "", "", "", "", "999"] + [""] * 6
            elif shape < 0.05:
                row = ["-"] * len(names)
            writer.writerow(row)
    return path


@pytest.mark.parametrize("seed", range(2))
def test_the_row_by_row_engine_gives_the_same_report_as_frictionless_across_its_blocks(tmp_path: Path,
                                                                                      seed: int) -> None:
    """``baris`` judges a block of rows column by column and its short, long and blank lines row by row: the
    findings, problem groups and rows to fix are frictionless's, on a table longer than two blocks."""
    path = messy_table(tmp_path / f"baris-{seed}.csv", 40 + seed, rows=python_rows.BLOCK_ROWS * 2 + 500)

    row_by_row = report_of(path, "baris", tmp_path)
    reference = report_of(path, "frictionless", tmp_path)

    assert_same_report(row_by_row, reference)


def assert_same_report(ours: tuple[list, list, bytes, int], reference: tuple[list, list, bytes, int]) -> None:
    """Rows checked, findings, problem groups, rows to fix (``report_of``), compared in that order: the first that
    differs gives the clearest diff."""
    assert ours[3] == reference[3]
    assert ours[0] == reference[0]
    assert ours[1] == reference[1]
    assert ours[2] == reference[2]


class LookupReference:
    """A reference that only answers ``exists``, as a database lookup would (no ``CodeList`` shortcut)."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = set(codes)

    def exists(self, code: str) -> bool:
        return code.strip() in self.codes


def report_of(path: Path, engine: str, tmp_path: Path, reference: object | None = None,
              schema: dict | None = None) -> tuple[list, list, bytes, int]:
    reference = reference or CodeList(CODES)
    with validate_table(path, schema or SCHEMA, reference=reference, engine=engine) as result:
        table = result.report.tables[0]
        problems = [problem.to_dict() for problem in table.problems]
        rows_to_fix = tmp_path / f"perbaikan-{engine}.csv"
        write_rows_to_fix(result, rows_to_fix)
        return list(result.findings()), problems, rows_to_fix.read_bytes(), table.rows_checked


@pytest.mark.parametrize("seed", range(6))
def test_both_engines_give_the_same_report_on_a_messy_table(tmp_path: Path, seed: int) -> None:
    path = messy_table(tmp_path / f"acak-{seed}.csv", seed, rows=1500 + seed * 700)

    columnar = report_of(path, "kolom", tmp_path)
    reference = report_of(path, "frictionless", tmp_path)

    assert_same_report(columnar, reference)


@pytest.mark.parametrize("seed", range(2))
def test_a_reference_that_only_answers_exists_gives_the_same_report_as_a_code_list(tmp_path: Path, seed: int) -> None:
    path = messy_table(tmp_path / f"rujukan-{seed}.csv", 20 + seed, rows=2500)

    assert report_of(path, "kolom", tmp_path, LookupReference(CODES)) == report_of(path, "kolom", tmp_path)


def test_both_engines_agree_when_validation_stops_at_an_error_limit(tmp_path: Path) -> None:
    path = messy_table(tmp_path / "batas.csv", 11, rows=3000)

    with (validate_table(path, SCHEMA, reference=CodeList(CODES), limit_errors=40) as columnar,
          validate_table(path, SCHEMA, reference=CodeList(CODES), limit_errors=40, engine="frictionless") as reference):
        assert not columnar.report.tables[0].complete
        assert columnar.report.to_dict()["tables"][0]["problems"] == reference.report.to_dict()["tables"][0]["problems"]
        assert list(columnar.findings()) == list(reference.findings())


@pytest.mark.parametrize("engine", ["kolom", "baris", "frictionless"])
def test_asking_for_the_report_alone_gives_the_same_report_and_keeps_no_rows(tmp_path: Path, engine: str) -> None:
    """``ppid validate`` without ``--rows-to-fix`` validates with ``rows_to_fix=False``: nothing is logged, and a
    caller that asks for the rows anyway is told so rather than given none."""
    path = messy_table(tmp_path / "laporan.csv", 31, rows=2000)

    with (validate_table(path, SCHEMA, reference=CodeList(CODES), engine=engine) as kept,
          validate_table(path, SCHEMA, reference=CodeList(CODES), engine=engine, rows_to_fix=False) as report_only):
        assert report_only.report.to_dict() == kept.report.to_dict()
        assert not report_only.report.valid and list(kept.findings())
        assert not list(Path(report_only.workdir.name).rglob("*.jsonl"))
        with pytest.raises(ValueError, match="rows_to_fix=False"):
            list(report_only.findings())
        with pytest.raises(ValueError, match="rows_to_fix=False"):
            write_rows_to_fix(report_only, tmp_path / "perbaikan.csv")


FLOAT_CODES_SCHEMA = {
    "fields": [
        {"name": "kode", "type": "string", "constraints": {"required": True, "pattern": "[1-9][0-9]{3}"},
         "ppid": {"referensi": "kode_wilayah"}},
        {"name": "kode_pos", "type": "string", "constraints": {"pattern": "[1-9][0-9]{4}"}},
        {"name": "nomor", "type": "string", "constraints": {"required": True, "pattern": "[0-9--5]+"}},
        {"name": "jumlah", "type": "integer"},
    ],
    "missingValues": ["", "0.0"],
}
"""``nomor``'s pattern is a set difference to polars but a range from ``-`` to ``5`` to Python (which warns): polars
does not clear ``3201.0``, yet Python's pattern accepts it."""


def float_code_spellings(code: str) -> list[str]:
    """A code written as a number, in the spellings only Python's ``\\s`` and ``\\d`` read, and the near misses."""
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return [f"{code}.0", f"{code}.000", f" {code}.0 ", f"+{code}.0", f"-{code}.0", f"\t{code}.0", f"{code}.0\n",
            f"\x1c{code}.0", f"{code}.0\u00a0", f"{arabic}.0", f"{code}.01", f"{code}.0x", f"{code[:2]}.{code[2:]}",
            f"{code[:2]} {code[2:]}", f"{code}.", "0.0"]


@pytest.mark.filterwarnings("ignore:Possible set difference:FutureWarning")
@pytest.mark.parametrize("block", [None, 1 << 12], ids=["one-batch", "batches"])
def test_the_engines_agree_on_a_column_of_codes_written_as_numbers(tmp_path: Path, block: int | None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Thousands of distinct codes written ``3201.0`` share one finding in the columnar engine: among dotted codes,
    unknown codes, a missing value spelled ``0.0`` and spellings whose space or digit only Python's regular
    expressions read, and in a column whose ``pattern`` Python reads as accepting them, the report is frictionless's;
    also when a problem's rows come from several batches, in runs across their boundaries (``kode_pos``: 250 rows
    bad, 250 good) or in more runs than the report's 200 row ranges."""
    if block is not None:
        monkeypatch.setattr(columnar, "_BLOCK_SIZE", block)
    rng = random.Random(7)
    path = tmp_path / "kode-pecahan.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([field["name"] for field in FLOAT_CODES_SCHEMA["fields"]])
        for number in range(3000):
            code = rng.choice([*CODES, "9999", str(1000 + number)])
            spellings = [code, *float_code_spellings(code)]
            postal = f"{10000 + number}.0" if number // 250 % 2 else rng.choice([f"{10000 + number}", "0.0"])
            writer.writerow([rng.choice(spellings), postal, rng.choice(spellings),
                             rng.choice([str(number), f"{number}.0"])])

    reference = report_of(path, "frictionless", tmp_path, schema=FLOAT_CODES_SCHEMA)
    for engine in ("kolom", "baris"):
        assert_same_report(report_of(path, engine, tmp_path, schema=FLOAT_CODES_SCHEMA), reference)
