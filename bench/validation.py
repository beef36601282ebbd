"""ppid validate against frictionless on the same files: `python bench/validation.py [--quick] [--rows N] [--runs K]`.

Issue 13's proof. Four generated files (deterministic, cached in ``--data-dir``, never committed):

a) ``penduduk`` 1,000,000 rows x 9 columns with a composite primary key (real Kemendagri village codes
   from schemas/reference/kode_wilayah.csv.gz, 352 rows per village, sorted by the key), exactly as
   shared/reference/validation-baseline.md describes; schema bench/schemas/penduduk_bench.json, whose
   ``kode_wilayah`` carries ``"ppid": {"referensi": "kode_wilayah"}`` so the region check runs too;
b) the same rows with one bad cell in about one row in 111 (0.1 % of the cells, never in adjacent rows), about
   1,000 each of the baseline's nine kinds; the ground truth is written beside the file (``*_truth.csv``);
c) ``desa`` 16,000 village rows whose five code columns are written ``3201.0`` (79,680 findings, like the real
   provincial file in the issue); schema bench/schemas/desa_bench.json;
d) the 0.1 %-defect file at 10,000,000 rows (~1 GB): ppid only, unless ``--with-frictionless-10m`` (~8 min).

For each file and each tool, in child processes one after the other: wall time of the whole command (start-up
included; median of ``--runs``), the in-process time where the child can time itself, rows/s, peak RSS (the
child's own rusage from ``os.wait4``), the number of findings, whether the findings are the same, how many of
the injected defects were found, and the speed-up over frictionless's API. The tools:

* ``ppid validate FILE --schema SCHEMA.json --format json`` (when the CLI does not take a path yet, the same
  command with the schema copied into a scratch ``PPID_SCHEMAS_DIR`` and named);
* ``ppid findings()``: ``validate_table`` in a ``python -c`` child that writes ``ValidationResult.findings()``:
  the (row, field, error type) triples compared with frictionless;
* ``frictionless API``: ``frictionless.validate(Resource(path, schema=...), limit_errors=0)`` in a child;
* ``frictionless CLI``: ``frictionless validate --limit-errors 0 --json`` (``--no-frictionless-cli`` skips it).

Findings are compared as (row, field, error type) triples. ppid's cause codes are mapped to frictionless's
error types by the small table ``FRICTIONLESS_TYPE`` below (kept here on purpose, so that the bench does not
depend on the parity suite in tests/validation/parity/); a row-level finding (duplicate key) has no field.

Progress goes to stderr, the tables (Markdown) to stdout; ``--json FILE`` keeps every measurement. This is not
a test: run it by hand, on a machine that is otherwise quiet. Figures and the machine: bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
REGION_LIST = SCHEMAS / "reference" / "kode_wilayah.csv.gz"
BENCH_SCHEMAS = Path(__file__).resolve().parent / "schemas"
PENDUDUK_SCHEMA = BENCH_SCHEMAS / "penduduk_bench.json"
DESA_SCHEMA = BENCH_SCHEMAS / "desa_bench.json"
GENERATOR_VERSION = 1
"""Part of every cached file's name: bump it when the generator changes, so old files are not reused."""

# -- ppid cause code -> frictionless error type ------------------------------------------------------------------
# A small, self-contained copy for the bench; the parity suite (tests/validation/parity/) has the full one with
# its deliberate differences. Codes without a frictionless counterpart map to None and are counted apart.
FRICTIONLESS_TYPE: dict[str, str | None] = {
    **dict.fromkeys(("type-integer", "type-number", "type-date", "type-other", "float-integer",
                     "number-format-id"), "type-error"),
    **dict.fromkeys(("required", "enum", "minimum", "maximum", "length", "pattern", "float-code",
                     "dotted-code"), "constraint-error"),
    "duplicate-key": "primary-key",
    "unique": "unique-error",
    "row-constraint": "row-constraint",
    "extra-cell": "extra-cell",
    "missing-cell": "missing-cell",
    "blank-row": "blank-row",
    "unknown-code": None,  # the region reference: ppid's own check
    "total-row": None,  # a JUMLAH/TOTAL row: ppid explains it once instead of its cells
}
_ROW_LEVEL = {"primary-key", "row-constraint", "extra-cell", "missing-cell", "blank-row"}

Triple = tuple[int, str | None, str]

# -- the data -------------------------------------------------------------------------------------------------------
SEXES = ("L", "P")
AGE_GROUPS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
              "55-59", "60-64", "65-69", "70-74", "75+")
YEARS = tuple(range(2015, 2026))
KEYS = [(str(year), sex, group) for year in YEARS for sex in SEXES for group in AGE_GROUPS]  # 352 per village
PER_VILLAGE = len(KEYS)
NOTES = ("Data sementara, menunggu verifikasi kecamatan", "Sumber: Dukcapil, konsolidasi semester II",
         "Hasil pemutakhiran, belum final", 'Catatan "revisi" dinas atas data tahun lalu',
         "Termasuk penduduk sementara dan musiman", "Angka perbaikan setelah rapat koordinasi",
         "Lihat lampiran, halaman 2", "Verifikasi lapangan oleh kader posyandu desa")
DATES = [(date(2015, 1, 1) + timedelta(days=n)).isoformat() for n in range(4096)]
BLOCK = 111
"""One defect in every block of 111 rows: 9,009 bad cells per 1M rows, 0.1 % of 9M cells."""
DEFECT_KINDS = ("bad-int", "negative-int", "bad-number", "bad-date", "enum", "pattern", "required",
                "year-range", "duplicate-key")
COLUMNS = ("kode_wilayah", "nama_wilayah", "tahun", "jenis_kelamin", "kelompok_umur", "jumlah_penduduk",
           "anggaran", "tanggal_update", "keterangan")
REQUIRED = COLUMNS[:8]


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def region_list() -> list[dict[str, str]]:
    with gzip.open(REGION_LIST, "rt", encoding="utf-8") as text:
        return list(csv.DictReader(text))


def generate_penduduk(path: Path, rows: int, *, defects: bool, seed: int = 13) -> int:
    """Write file a (``defects=False``) or b/d; with defects, the ground truth goes to ``*_truth.csv``.

    Returns the number of injected defects. The valid cells are the same with and without defects.
    """
    villages = [row for row in region_list() if row["tingkat"] == "desa"]
    needed = -(-rows // PER_VILLAGE)
    if needed > len(villages):
        raise SystemExit(f"at most {len(villages) * PER_VILLAGE:,} rows (one block of {PER_VILLAGE} per village)")
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(villages)), needed))
    data = random.Random(seed + 1)
    bad = random.Random(seed + 2)
    bits = data.getrandbits
    notes = [_quoted(note) for note in NOTES]
    truth: list[tuple[int, str | None, str, str, str]] = []
    defect_at, kinds = -1, []
    temporary = path.with_suffix(".tmp")
    written = 0
    previous = ("", KEYS[0])
    with temporary.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        lines: list[str] = []
        for index in chosen:
            kode = villages[index]["kode"]
            nama = _quoted("Desa " + villages[index]["nama"])
            prefix = f"{kode},{nama},"
            for key in KEYS:
                if written == rows:
                    break
                r = bits(72)
                cents = (r >> 13) & 0x1FFFFFFFFF
                day = DATES[(r >> 50) & 0xFFF]
                pick = r >> 62
                note = "" if pick < 205 else notes[pick % len(notes)]  # 20 % empty
                if defects and written % BLOCK == 0:
                    defect_at = written + 1 + bad.randrange(BLOCK - 2)
                    if not kinds:
                        kinds = list(DEFECT_KINDS)
                        bad.shuffle(kinds)
                if written != defect_at:
                    lines.append(f"{prefix}{','.join(key)},{r & 0x1FFF},{cents // 100}.{cents % 100:02d},"
                                 f"{day},{note}\n")
                else:
                    cells = [kode, nama, *key, str(r & 0x1FFF), f"{cents // 100}.{cents % 100:02d}",
                             day, note]
                    kind = kinds.pop()
                    column, expected = _inject(kind, cells, previous, bad)
                    truth.append((written + 2, None if column is None else COLUMNS[column], expected, kind,
                                  cells[column] if column is not None else "|".join(cells[:5])))
                    lines.append(",".join(cells[:1] + [cells[1]] + [_quoted(c) for c in cells[2:8]] + [cells[8]])
                                 + "\n")
                previous = (kode, key)
                written += 1
                if len(lines) >= 50_000:
                    out.write("".join(lines))
                    lines.clear()
        out.write("".join(lines))
    temporary.replace(path)
    if defects:
        with truth_path(path).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "field", "error_type", "kind", "value"])
            writer.writerows(truth)
    return len(truth)


def _inject(kind: str, cells: list[str], previous: tuple[str, tuple[str, str, str]], bad: random.Random) -> tuple[
        int | None, str]:
    """Break one cell of ``cells`` (in place); returns (column index or None for the row, frictionless type)."""
    if kind == "bad-int":
        column = bad.choice((2, 5))
        cells[column] = bad.choice(("20I9", "1.234", "12,5"))
        return column, "type-error"
    if kind == "negative-int":
        cells[5] = f"-{int(cells[5]) + 1}"
        return 5, "constraint-error"
    if kind == "bad-number":
        cells[6] = bad.choice(("1.234.567,89", "Rp 5000000", "n/a"))
        return 6, "type-error"
    if kind == "bad-date":
        cells[7] = bad.choice(("2021-02-30", "13/05/2021", "20210513"))
        return 7, "type-error"
    if kind == "enum":
        column = bad.choice((3, 4))
        cells[column] = "X" if column == 3 else bad.choice(("5-10", "75 +"))
        return column, "constraint-error"
    if kind == "pattern":
        kode = cells[0]
        cells[0] = bad.choice((f"{kode[:2]}.{kode[2:4]}.{kode[4:6]}.{kode[6:]}", kode[1:], "0" + kode[1:]))
        return 0, "constraint-error"
    if kind == "required":
        column = bad.randrange(len(REQUIRED))
        cells[column] = ""
        return column, "constraint-error"
    if kind == "year-range":
        cells[2] = bad.choice(("2014", "2026", "1999", "2030"))
        return 2, "constraint-error"
    # duplicate-key: the previous row's key, so this row repeats it
    cells[0] = previous[0]
    cells[2:5] = previous[1]
    return None, "primary-key"


def generate_desa(path: Path, rows: int, seed: int = 17) -> int:
    """File c: one row per village from Jawa Barat on, five code columns written as floats (``3201.0``).

    Every 50th row has its ``kode_pos`` written right; returns the number of findings frictionless reports.
    """
    regions = region_list()
    names = {row["kode"]: row["nama"] for row in regions}
    villages = [row["kode"] for row in regions if row["tingkat"] == "desa"]
    start = next(n for n, kode in enumerate(villages) if kode.startswith("32"))
    rng = random.Random(seed)
    expected = 0
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kode_provinsi", "nama_provinsi", "kode_kabupaten_kota", "nama_kabupaten_kota",
                         "kode_kecamatan", "nama_kecamatan", "kode_desa", "nama_desa", "kode_pos", "tahun",
                         "jumlah_penduduk", "luas_wilayah"])
        for n in range(rows):
            kode = villages[(start + n) % len(villages)]
            year = 2024 - (start + n) // len(villages)  # a second lap is another year: the key stays unique
            parts = [kode[:2], kode[:4], kode[:6], kode]
            pos = str(rng.randrange(10_000, 99_999))
            pos_cell = pos if n % 50 == 49 else pos + ".0"
            expected += 5 if n % 50 != 49 else 4
            writer.writerow([parts[0] + ".0", names.get(parts[0], ""), parts[1] + ".0", names.get(parts[1], ""),
                             parts[2] + ".0", names.get(parts[2], ""), parts[3] + ".0", names.get(parts[3], ""),
                             pos_cell, year, rng.randrange(200, 25_000), f"{rng.randrange(10, 9_000) / 100:.2f}"])
    temporary.replace(path)
    return expected


def truth_path(path: Path) -> Path:
    return path.with_name(path.stem + "_truth.csv")


def read_truth(path: Path) -> set[Triple]:
    with truth_path(path).open(encoding="utf-8", newline="") as stream:
        return {(int(row["row"]), row["field"] or None, row["error_type"]) for row in csv.DictReader(stream)}


# -- running the tools ---------------------------------------------------------------------------------------------
PPID_FINDINGS_CHILD = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from ppid.validation import validate_table
from ppid.validation.reference import region_codes
data, schema, schemas_dir, out = sys.argv[1:5]
reference = region_codes(Path(schemas_dir))
ready = time.perf_counter()
with validate_table(Path(data), Path(schema), reference=reference) as result:
    validated = time.perf_counter()
    count = 0
    with open(out, "w", encoding="utf-8") as stream:
        for finding in result.findings():
            stream.write(json.dumps([finding.row, finding.column, finding.code]) + "\\n")
            count += 1
    table = result.report.tables[0]
    print(json.dumps({"in_process": validated - ready, "imports": ready - started,
                      "findings_written": time.perf_counter() - validated, "rows": result.report.rows_checked,
                      "findings": count, "engine": getattr(table, "engine", None),
                      "engine_reason": getattr(table, "engine_reason", None)}))
"""

FRICTIONLESS_API_CHILD = """
import json, sys, time
started = time.perf_counter()
from frictionless import Resource, Schema, validate
data, schema, out = sys.argv[1:4]
ready = time.perf_counter()
with open(schema, encoding="utf-8") as stream:
    descriptor = json.load(stream)
report = validate(Resource(data, schema=Schema.from_descriptor(descriptor)), limit_errors=0)
validated = time.perf_counter()
task = report.tasks[0]
with open(out, "w", encoding="utf-8") as stream:
    for error in task.errors:
        stream.write(json.dumps([getattr(error, "row_number", None), getattr(error, "field_name", None) or None,
                                 error.type]) + "\\n")
print(json.dumps({"in_process": validated - ready, "imports": ready - started, "rows": task.stats.get("rows"),
                  "findings": len(task.errors), "warnings": task.warnings}))
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit_code: int
    cpu: float = 0.0
    """User + system CPU seconds of the child: steadier than wall time on a shared machine."""
    in_process: float | None = None


@dataclass
class Measurement:
    file: str
    tool: str
    command: str
    runs: list[Run] = field(default_factory=list)
    findings: int | None = None
    same: str = ""
    """'yes', 'no (...)', 'reference' or '' (not compared)."""
    truth_found: str = ""
    engine: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def in_process(self) -> float | None:
        values = [run.in_process for run in self.runs if run.in_process is not None]
        return statistics.median(values) if values else None


def run_child(command: list[str], *, cwd: Path, env: dict[str, str], stdout: Path) -> Run:
    """Run one command to the end; its wall time and its own peak RSS (``os.wait4``, not the sum of children)."""
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            log(f"    exit code {child.returncode}: " + " / ".join(tail))
    return Run(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, exit_code=child.returncode,
               cpu=usage.ru_utime + usage.ru_stime)


_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} +{time.perf_counter() - _STARTED:6.0f} s] {message}", file=sys.stderr,
          flush=True)


def ppid_triples(path: Path) -> tuple[Counter[Triple], Counter[str]]:
    """ppid's findings as frictionless triples, and the codes that have no frictionless counterpart."""
    triples: Counter[Triple] = Counter()
    unmapped: Counter[str] = Counter()
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            row, column, code = json.loads(line)
            kind = FRICTIONLESS_TYPE.get(code, f"?{code}")
            if kind is None:
                unmapped[code] += 1
                continue
            triples[(row, None if kind in _ROW_LEVEL else column, kind)] += 1
    return triples, unmapped


def frictionless_triples(path: Path) -> Counter[Triple]:
    triples: Counter[Triple] = Counter()
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            row, column, kind = json.loads(line)
            triples[(row, None if kind in _ROW_LEVEL else column, kind)] += 1
    return triples


def compare(found: Counter[Triple], reference: Counter[Triple], key: list[str] | None = None) -> str:
    """'yes', or 'no (...)' with what differs by error type; a repeated primary key on a row where the key also has
    an empty or invalid cell is named apart: frictionless compares such a key with None in it, ppid did not."""
    if found == reference:
        return "yes"
    extra, missing = found - reference, reference - found

    def kinds(counter: Counter[Triple]) -> str:
        by_kind: Counter[str] = Counter()
        for (_row, column, kind), count in counter.items():
            by_kind[f"{kind}{'@' + column if column else ''}"] += count
        return ", ".join(f"{n:,} {k}" for k, n in by_kind.most_common(4))

    def broken_key(counter: Counter[Triple]) -> str:
        if not key:
            return ""
        rows = {row for (row, column, kind) in found + reference if column in key and kind != "primary-key"}
        count = sum(n for (row, _column, kind), n in counter.items() if kind == "primary-key" and row in rows)
        return f" ({count:,} of them on rows whose key has an empty or invalid cell)" if count else ""

    parts = []
    if extra:
        parts.append(f"+{sum(extra.values()):,} only in ppid: {kinds(extra)}{broken_key(extra)}")
    if missing:
        parts.append(f"-{sum(missing.values()):,} only in frictionless: {kinds(missing)}{broken_key(missing)}")
    return "no (" + "; ".join(parts) + ")"


def compare_counts(found: Counter[tuple[str | None, str]], reference: Counter[Triple]) -> str:
    """The JSON report has counts per field and type, not rows: compare those."""
    expected: Counter[tuple[str | None, str]] = Counter()
    for (_row, column, kind), count in reference.items():
        expected[(column, kind)] += count
    if found == expected:
        return "yes (counts per field and type)"
    differing = [f"{kind}{'@' + column if column else ''} {found[(column, kind)]:,} vs {expected[(column, kind)]:,}"
                 for column, kind in sorted(set(found) | set(expected), key=str)
                 if found[(column, kind)] != expected[(column, kind)]]
    return "no (counts: " + ", ".join(differing[:4]) + ")"


def found_truth(found: Counter[Triple], truth: set[Triple] | None) -> str:
    if truth is None:
        return ""
    return f"{sum(1 for triple in truth if triple in found):,}/{len(truth):,}"


def counts_from_json_report(path: Path) -> tuple[int | None, Counter[tuple[str | None, str]], str | None]:
    """Findings of a ``ppid validate --format json`` report, per (field, frictionless type), and the engine."""
    report = _json(path)
    if not report:
        return None, Counter(), None
    counts: Counter[tuple[str | None, str]] = Counter()
    engine = None
    for table in report.get("tables", []):
        engine = table.get("engine", engine)
        for problem in table.get("problems", []):
            kind = FRICTIONLESS_TYPE.get(problem["code"])
            if kind is not None:
                counts[(None if kind in _ROW_LEVEL else problem.get("column"), kind)] += problem.get("count", 0)
    return sum(counts.values()), counts, engine


class Bench:
    def __init__(self, args: argparse.Namespace, scratch: Path) -> None:
        self.args = args
        self.scratch = scratch
        self.python = sys.executable
        self.ppid = shutil.which("ppid", path=str(Path(sys.executable).parent)) or shutil.which("ppid")
        self.frictionless = (shutil.which("frictionless", path=str(Path(sys.executable).parent))
                             or shutil.which("frictionless"))
        if self.ppid is None:
            raise SystemExit("no `ppid` command next to this Python: run with the project's .venv/bin/python")
        self.env = {**os.environ, "PPID_HOME": str(scratch / "home"), "PYTHONPATH": str(REPO)}
        for name in ("PPID_DATABASE_URL", "PPID_REDIS_URL", "PPID_STORAGE_URL", "PPID_SCHEMAS_DIR"):
            self.env.pop(name, None)
        self.compiled = self._byte_compile()
        self.schema_by_path = self._cli_takes_schema_path()
        self.results: list[Measurement] = []

    @staticmethod
    def _byte_compile() -> bool:
        """ppid's modules byte-compiled, as ``pip install`` leaves an installed package, so that ``ppid validate`` does
        not compile its own source on every start where ``PYTHONDONTWRITEBYTECODE`` is set (as on the development
        machine: about 0.05 s a command). frictionless, installed from a wheel, is compiled already."""
        return all(compileall.compile_dir(REPO / package, quiet=1) for package in ("ppid", "harvesters"))

    def _cli_takes_schema_path(self) -> bool:
        """Does ``ppid validate --schema`` take a file (issue 13)? Otherwise the schema goes in a schemas dir."""
        probe = self.scratch / "probe.csv"
        probe.write_text(",".join(COLUMNS) + "\n1101012001,Desa Keude Bakongan,2020,L,0-4,1,2.00,2020-01-01,\n",
                         encoding="utf-8")
        run = run_child([self.ppid, "validate", str(probe), "--schema", str(PENDUDUK_SCHEMA), "--format", "json"],
                        cwd=REPO, env=self.env, stdout=self.scratch / "probe.json")
        try:
            json.loads((self.scratch / "probe.json").read_text(encoding="utf-8"))
            return run.exit_code in (0, 1)
        except ValueError:
            schemas = self.scratch / "schemas"
            (schemas / "reference").mkdir(parents=True, exist_ok=True)
            shutil.copy(REGION_LIST, schemas / "reference" / REGION_LIST.name)
            for schema in (PENDUDUK_SCHEMA, DESA_SCHEMA):
                shutil.copy(schema, schemas / schema.name)
            log("`ppid validate --schema PATH` not available in this checkout: using PPID_SCHEMAS_DIR and the name")
            return False

    def ppid_cli(self, data: Path, schema: Path) -> tuple[list[str], dict[str, str]]:
        if self.schema_by_path:
            return [self.ppid, "validate", str(data), "--schema", str(schema), "--format", "json"], self.env
        env = {**self.env, "PPID_SCHEMAS_DIR": str(self.scratch / "schemas")}
        return [self.ppid, "validate", str(data), "--schema", schema.stem, "--format", "json"], env

    def measure(self, label: str, data: Path, schema: Path, rows: int, truth: set[Triple] | None,
                *, frictionless: bool) -> None:
        runs = self.args.runs
        out = self.scratch / "out"
        out.mkdir(exist_ok=True)
        shutil.copy(schema, data.parent / schema.name)  # frictionless refuses absolute paths: run it beside the data
        group: list[Measurement] = []

        # ppid, the whole command
        command, env = self.ppid_cli(data, schema)
        cli = Measurement(label, "ppid validate (CLI)", " ".join(command[1:]))
        for n in range(runs):
            log(f"{label}: ppid validate run {n + 1}/{runs}")
            cli.runs.append(run_child(command, cwd=REPO, env=env, stdout=out / "ppid.json"))
            log(f"    {cli.runs[-1].seconds:.2f} s, {cli.runs[-1].peak_mb:.0f} MB, exit code {cli.runs[-1].exit_code}")
        cli.findings, cli_counts, cli.engine = counts_from_json_report(out / "ppid.json")
        group.append(cli)

        # ppid, in-process findings() for the triple comparison
        log(f"{label}: ppid findings() (validate_table in a child, for the comparison)")
        api = Measurement(label, "ppid findings() (API)", "python -c validate_table(...).findings()")
        run = run_child([self.python, "-c", PPID_FINDINGS_CHILD, str(data), str(schema), str(SCHEMAS),
                         str(out / "ppid.jsonl")], cwd=REPO, env=self.env, stdout=out / "ppid-meta.json")
        meta = _json(out / "ppid-meta.json")
        run.in_process = meta.get("in_process")
        api.runs.append(run)
        api.engine = meta.get("engine") or cli.engine
        if meta.get("engine_reason"):
            api.notes.append(f"engine reason: {meta['engine_reason']}")
        log(f"    {run.seconds:.2f} s ({run.in_process or 0:.2f} s validating), {run.peak_mb:.0f} MB")
        ppid_found, unmapped = ppid_triples(out / "ppid.jsonl")
        api.findings = sum(ppid_found.values())
        api.truth_found = found_truth(ppid_found, truth)
        if unmapped:
            api.notes.append("ppid-only findings (no frictionless type): "
                             + ", ".join(f"{n:,} {code}" for code, n in unmapped.items()))
        group.append(api)

        if frictionless:
            fl = Measurement(label, "frictionless API", "validate(Resource(path, schema=...), limit_errors=0)")
            for n in range(runs):
                log(f"{label}: frictionless API run {n + 1}/{runs}")
                run = run_child([self.python, "-c", FRICTIONLESS_API_CHILD, data.name, schema.name,
                                 str(out / "fl.jsonl")], cwd=data.parent, env=self.env, stdout=out / "fl-meta.json")
                run.in_process = _json(out / "fl-meta.json").get("in_process")
                fl.runs.append(run)
                log(f"    {run.seconds:.2f} s, {run.peak_mb:.0f} MB")
            reference = frictionless_triples(out / "fl.jsonl")
            fl.findings = sum(reference.values())
            fl.same = "reference"
            fl.truth_found = found_truth(reference, truth)
            group.append(fl)
            key = json.loads(schema.read_text(encoding="utf-8")).get("primaryKey")
            api.same = compare(ppid_found, reference, [key] if isinstance(key, str) else key)
            cli.same = compare_counts(cli_counts, reference)

            if not self.args.no_frictionless_cli and self.frictionless:
                flc = Measurement(label, "frictionless CLI", "frictionless validate --limit-errors 0 --json")
                for n in range(runs):
                    log(f"{label}: frictionless CLI run {n + 1}/{runs}")
                    flc.runs.append(run_child([self.frictionless, "validate", data.name, "--schema", schema.name,
                                               "--limit-errors", "0", "--json"], cwd=data.parent, env=self.env,
                                              stdout=out / "flc.json"))
                    log(f"    {flc.runs[-1].seconds:.2f} s, {flc.runs[-1].peak_mb:.0f} MB")
                cli_found: Counter[Triple] = Counter()
                for task in _json(out / "flc.json").get("tasks", []):
                    for error in task.get("errors", []):
                        kind = error.get("type")
                        cli_found[(error.get("rowNumber"), None if kind in _ROW_LEVEL else error.get("fieldName"),
                                   kind)] += 1
                flc.findings = sum(cli_found.values())
                flc.same = compare(cli_found, reference)
                group.append(flc)
        else:
            cli.same = api.same = "(frictionless not run)"

        for measurement in group:
            measurement.notes.insert(0, f"rows={rows}")
        self.results.extend(group)


def _json(path: Path) -> dict:
    """The JSON a child printed; anything printed before it (a library's progress bar) is skipped and named."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    for start in [0, *(match.start() + 1 for match in re.finditer(r"\n\{", text))]:
        try:
            found = json.loads(text[start:])
        except ValueError:
            continue
        if start:
            log(f"    {path.name}: skipped {start} characters before the JSON: {text[:120]!r}")
        return found if isinstance(found, dict) else {}
    if text.strip():
        log(f"    {path.name}: no JSON in the output: {text[:200]!r}")
    return {}


def machine() -> dict[str, str]:
    info = {"cpus": str(os.cpu_count()), "python": platform.python_version(), "system": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        info["cpu"] = model.group(1).strip() if model else "?"
        total = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["ram"] = f"{int(total.group(1)) / 1024 / 1024:.1f} GiB" if total else "?"
    except OSError:
        pass
    for package in ("ppid", "frictionless", "polars", "pyarrow", "duckdb"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "-"
    commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %cd", "--date=iso"],
                            capture_output=True, text=True)
    info["ppid commit"] = commit.stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True)
    if dirty.stdout.strip():
        info["ppid commit"] += " (with uncommitted changes)"
    return info


def table(results: list[Measurement], sizes: dict[str, tuple[int, float]]) -> str:
    lines = ["| file | tool | wall s | CPU s | in-process s | rows/s | peak RSS MB | findings | same as frictionless "
             "| injected found | × frictionless API: wall (CPU) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    reference = {m.file: m.wall for m in results if m.tool == "frictionless API"}
    reference_cpu = {m.file: m.cpu for m in results if m.tool == "frictionless API"}
    for m in results:
        rows = sizes[m.file][0]
        speedup = reference.get(m.file)
        tool = m.tool + (f" [{m.engine}]" if m.engine else "")
        inproc = f"{m.in_process:.2f}" if m.in_process is not None else "–"
        ratio = (f"{speedup / m.wall:.1f}× ({reference_cpu[m.file] / max(m.cpu, 0.001):.1f}×)"
                 if speedup and not m.tool.startswith("frictionless") else "–")
        lines.append(f"| {m.file} | {tool} | {m.wall:.2f} | {m.cpu:.2f} | {inproc} | {rows / m.wall:,.0f} "
                     f"| {m.peak_mb:,.0f} | {'' if m.findings is None else f'{m.findings:,}'} | {m.same or '–'} "
                     f"| {m.truth_found or '–'} | {ratio} |")
    return "\n".join(lines)


def targets(results: list[Measurement], big: str | None) -> list[str]:
    lines = []
    reference = {m.file: m.wall for m in results if m.tool == "frictionless API"}
    for m in results:
        if m.tool != "ppid validate (CLI)":
            continue
        checks = []
        if m.file in reference:
            factor = reference[m.file] / m.wall
            checks.append(f"{factor:.1f}× frictionless {'✓' if factor >= 30 else '✗'} (≥ 30×)")
        checks.append(f"peak RSS {m.peak_mb:,.0f} MB {'✓' if m.peak_mb < 1000 else '✗'} (< 1 GB)")
        if m.file == big:
            checks.append(f"{m.wall:.1f} s {'✓' if m.wall < 30 else '✗'} (< 30 s)")
        lines.append(f"- {m.file}: " + ", ".join(checks))
    for m in results:
        if m.tool == "ppid findings() (API)" and m.same and not m.same.startswith(("yes", "(")):
            lines.append(f"- {m.file}: findings differ from frictionless: {m.same.removeprefix('no (')[:-1]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--rows", type=int, help="rows of files a and b (default 1,000,000; --quick: 100,000)")
    parser.add_argument("--rows-floats", type=int, help="rows of file c (default 16,000; --quick: 4,000)")
    parser.add_argument("--rows-10m", type=int, default=10_000_000, help="rows of file d (default 10,000,000)")
    parser.add_argument("--quick", action="store_true",
                        help="a and b at 100,000 rows, c at 4,000, no d: about a minute on a quiet machine")
    parser.add_argument("--files", default="abcd", help="which files to run, e.g. `ab` (default abcd)")
    parser.add_argument("--skip-10m", action="store_true", help="leave out file d (the ~1 GB file)")
    parser.add_argument("--with-frictionless-10m", action="store_true",
                        help="run frictionless on file d too (about 8 minutes and 3 GB)")
    parser.add_argument("--no-frictionless-cli", action="store_true", help="do not run frictionless's CLI")
    parser.add_argument("--no-frictionless", action="store_true",
                        help="ppid only (no comparison, no speed-up): for a quick look while working on the engine")
    parser.add_argument("--runs", type=int, default=1, help="runs of each timed command; the median is shown")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ppid-bench"
                        / "validation", help="where the generated files are kept between runs")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args()
    if args.rows is None:
        args.rows = 100_000 if args.quick else 1_000_000
    if args.rows_floats is None:
        args.rows_floats = 4_000 if args.quick else 16_000
    args.skip_10m = args.skip_10m or args.quick
    files = set(args.files) - ({"d"} if args.skip_10m else set())
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    args.data_dir.mkdir(parents=True, exist_ok=True)
    info = machine()
    load_before = os.getloadavg()
    log(f"machine: {info}")

    def cached(name: str, make) -> tuple[Path, float]:
        path = args.data_dir / name
        if not path.exists():
            log(f"generating {path}")
            started = time.perf_counter()
            make(path)
            log(f"    {path.stat().st_size / 1e6:,.1f} MB in {time.perf_counter() - started:.1f} s")
        return path, path.stat().st_size / 1e6

    plan: list[tuple[str, Path, Path, int, float, set[Triple] | None, bool]] = []
    with_fl = not args.no_frictionless
    v = GENERATOR_VERSION
    if "a" in files:
        path, mb = cached(f"penduduk_{args.rows}_v{v}.csv",
                          lambda p: generate_penduduk(p, args.rows, defects=False))
        plan.append((f"a) penduduk {_short(args.rows)}", path, PENDUDUK_SCHEMA, args.rows, mb, None, with_fl))
    if "b" in files:
        path, mb = cached(f"penduduk_{args.rows}_defects_v{v}.csv",
                          lambda p: generate_penduduk(p, args.rows, defects=True))
        plan.append((f"b) penduduk {_short(args.rows)}, 0.1 % bad cells", path, PENDUDUK_SCHEMA, args.rows, mb,
                     read_truth(path), with_fl))
    if "c" in files:
        path, mb = cached(f"desa_floats_{args.rows_floats}_v{v}.csv", lambda p: generate_desa(p, args.rows_floats))
        plan.append((f"c) desa {_short(args.rows_floats)}, codes as 3201.0", path, DESA_SCHEMA, args.rows_floats,
                     mb, None, with_fl))
    if "d" in files:
        path, mb = cached(f"penduduk_{args.rows_10m}_defects_v{v}.csv",
                          lambda p: generate_penduduk(p, args.rows_10m, defects=True))
        plan.append((f"d) penduduk {_short(args.rows_10m)}, 0.1 % bad cells", path, PENDUDUK_SCHEMA, args.rows_10m,
                     mb, read_truth(path), with_fl and args.with_frictionless_10m))

    sizes: dict[str, tuple[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ppid-bench-validation-") as scratch:
        bench = Bench(args, Path(scratch))
        for label, path, schema, rows, mb, truth, with_frictionless in plan:
            sizes[label] = (rows, mb)
            bench.measure(label, path, schema, rows, truth, frictionless=with_frictionless)
        results = bench.results
        by_path = bench.schema_by_path
        compiled = bench.compiled
    load_after = os.getloadavg()

    print("# bench/validation.py\n")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; " + "; ".join(f"{k} {v}" for k, v in info.items()))
    print(f"load average (1/5/15 min) before {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}, "
          f"after {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}; runs per command: {args.runs} "
          "(median wall, highest RSS); ppid's modules byte-compiled first: " + ("yes" if compiled else "no"))
    print("ppid command: `ppid validate FILE --schema " + ("bench/schemas/NAME.json" if by_path else
          "NAME` with PPID_SCHEMAS_DIR (the CLI took no path yet)") + " --format json`\n")
    print("| file | rows | MB |\n|---|---:|---:|")
    for label, path, _schema, rows, mb, truth, _f in plan:
        extra = f" ({len(truth):,} injected bad cells)" if truth else ""
        print(f"| {label}: `{path.name}`{extra} | {rows:,} | {mb:,.1f} |")
    print()
    print(table(results, sizes))
    notes = [f"- {m.file}, {m.tool}: {note}" for m in results for note in m.notes if not note.startswith("rows=")]
    if notes:
        print("\n" + "\n".join(notes))
    print("\nTargets (issue 13):")
    print("\n".join(targets(results, next((p[0] for p in plan if p[0].startswith("d)")), None))))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "load_before": load_before, "load_after": load_after,
                                         "results": [asdict(m) | {"wall": m.wall, "cpu": m.cpu, "peak_mb": m.peak_mb}
                                                     for m in results]}, indent=2), encoding="utf-8")


def _short(rows: int) -> str:
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1_000 and rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return f"{rows:,}"


if __name__ == "__main__":
    main()
