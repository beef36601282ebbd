"""`ppid validate FILE --schema NAME --format text|json|csv`: one file, checked as the harvester would."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

MESSY_APBD = REPO / "examples" / "kabupaten-contoh" / "bpkad" / "realisasi-apbd-2023.csv"
VALID_POPULATION = REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv"


def run_ppid(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | env
    command = [str(Path(sys.executable).parent / "ppid"), *args]
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=120, cwd=REPO)


def test_text_report_explains_the_cause_and_exits_1_for_an_invalid_file(environ: dict[str, str]) -> None:
    result = run_ppid("validate", str(MESSY_APBD), "--schema", "realisasi_apbd", env=environ)

    assert result.returncode == 1, result.stderr
    assert "kolom `tahun`" in result.stdout and "2023.0" in result.stdout
    assert "Cara memperbaiki" in result.stdout


def test_a_valid_file_exits_0(environ: dict[str, str]) -> None:
    result = run_ppid("validate", str(VALID_POPULATION), "--schema", "jumlah_penduduk", env=environ)

    assert result.returncode == 0, result.stdout + result.stderr


def test_json_report_is_the_whole_report_for_programs(environ: dict[str, str]) -> None:
    result = run_ppid("validate", str(MESSY_APBD), "--schema", "realisasi_apbd", "--format", "json", env=environ)

    report = json.loads(result.stdout)
    assert report["valid"] is False and report["error_count"] >= 6
    problems = {(p["column"], p["code"]) for table in report["tables"] for p in table["problems"]}
    assert any(column == "tahun" for column, _code in problems)


def test_csv_report_has_one_line_per_problem_in_the_chosen_language(environ: dict[str, str]) -> None:
    result = run_ppid("--lang", "en", "validate", str(MESSY_APBD), "--schema", "realisasi_apbd", "--format", "csv",
                      env=environ)

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and set(rows[0]) >= {"table", "column", "problem", "how to fix"}
    year = next(row for row in rows if row["column"] == "tahun")
    assert "2023.0" in year["problem"] and year["severity"] == "error"


def test_a_region_code_that_does_not_exist_is_an_error_as_in_the_harvester(environ, tmp_path: Path) -> None:
    table = tmp_path / "penduduk.csv"
    lines = VALID_POPULATION.read_text(encoding="utf-8").splitlines()
    year, _code, *rest = lines[1].split(",")
    table.write_text("\n".join([lines[0], ",".join([year, "329999", *rest])]) + "\n", encoding="utf-8")

    result = run_ppid("validate", str(table), "--schema", "jumlah_penduduk", "--format", "json", env=environ)

    assert result.returncode == 1, result.stdout + result.stderr
    problems = [p for t in json.loads(result.stdout)["tables"] for p in t["problems"]]
    assert any(p["column"] == "kode_kecamatan" and p["severity"] == "error" for p in problems)
