"""The columnar engine: what it reads itself, when it hands a file to frictionless, and that its shortcuts are safe.

The parity suite (tests/validation/parity/) compares findings with frictionless file by file; these
tests pin the engine's own mechanisms: serial re-reading for ragged rows, the frictionless fallback
and its stated reason, duplicates spilled to disk, hash collisions, conservative formulas, progress.
"""

from __future__ import annotations

import csv
import io
import json
import random
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ppid.validation import columnar, columnar_rows, uniqueness, validate_table, write_rows_to_fix
from ppid.validation.engine import SMALL_FILE_BYTES
from ppid.validation.findings import Judge
from ppid.validation.formula_columns import vectorised
from ppid.validation.formulas import RowFormula
from ppid.validation.progress import ValidationProgress
from ppid.validation.uniqueness import DuplicateFinder

from .test_cli_formats import run_ppid

SCHEMA = {
    "fields": [
        {"name": "kode", "type": "string", "constraints": {"required": True, "pattern": "[1-9][0-9]{3}"}},
        {"name": "tahun", "type": "integer", "constraints": {"minimum": 2015, "maximum": 2025}},
        {"name": "jumlah", "type": "number", "constraints": {"minimum": 0}},
        {"name": "tanggal", "type": "date"},
    ],
    "primaryKey": ["kode", "tahun"],
}


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header or ["kode", "tahun", "jumlah", "tanggal"])
        writer.writerows(rows)
    return path


def findings(path: Path, schema: dict = SCHEMA, engine: str = "kolom") -> tuple[
        list[tuple[int, str | None, str]], str | None, str | None]:
    with validate_table(path, schema, engine=engine) as result:
        table = result.report.tables[0]
        return ([(f.row, f.column, f.code) for f in result.findings()], table.engine, table.engine_reason)


def test_a_clean_csv_is_read_by_the_columnar_engine(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bersih.csv", [[str(1000 + i), "2020", "1.5", "2024-01-31"] for i in range(500)])

    found, engine, reason = findings(path)

    assert (found, engine, reason) == ([], "kolom", None)


def test_rows_with_too_many_or_too_few_cells_keep_their_file_row_numbers(tmp_path: Path) -> None:
    rows = [[str(1000 + i), "2020", "1", "2024-01-31"] for i in range(300)]
    rows[9] = rows[9] + ["lebih"]  # file row 11
    rows[199] = rows[199][:2]  # file row 201
    rows[250][1] = "20x0"  # file row 252, after both: numbering must not shift
    path = write_csv(tmp_path / "compang.csv", rows)

    found, engine, _ = findings(path)

    assert engine == "kolom"
    assert (11, None, "extra-cell") in found
    assert (201, None, "missing-cell") in found
    assert (252, "tahun", "type-integer") in found


def test_multi_line_quoted_cells_count_as_one_row_as_frictionless_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text('kode,tahun,jumlah,tanggal\n1001,2020,1,"2024-01-31"\n1002,"20\n20",1,2024-01-31\n'
                    "1003,2030,1,2024-01-31\n", encoding="utf-8")

    found, _, _ = findings(path)

    assert found == [(3, "tahun", "type-integer"), (4, "tahun", "maximum")]


def test_blank_rows_inside_the_table_are_reported_and_blank_rows_at_the_end_are_not(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_text("kode,tahun,jumlah,tanggal\n1001,2020,1,2024-01-31\n\n,,,\n1002,2020,1,2024-01-31\n\n\n",
                    encoding="utf-8")

    found, _, _ = findings(path)

    assert found == [(3, None, "blank-row"), (4, None, "blank-row")]


def test_cells_outside_the_vectorised_shapes_are_decided_by_frictionless_reader(tmp_path: Path) -> None:
    # Python's int() accepts " 12 " and "1_000"; Decimal accepts "1e3"; both are valid for frictionless.
    rows = [["1001", " 2020 ", "1e3", "2024-01-31"], ["1002", "2_020", "-0", "2024-02-30"],
            ["1003", "2020", "NaN", "2024-1-5"]]
    path = write_csv(tmp_path / "aneh.csv", rows)

    found, engine, _ = findings(path)

    assert engine == "kolom"
    assert found == [(3, "tanggal", "type-date"), (4, "jumlah", "minimum")]


def test_a_workbook_is_checked_by_the_columnar_engine_too(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["kode", "tahun", "jumlah", "tanggal"])
    sheet.append(["1001", "2020", "5", "2024-01-31"])
    sheet.append(["0001", "2031", "-1", "2024-01-31"])
    path = tmp_path / "buku.xlsx"
    book.save(path)

    found, engine, _ = findings(path)

    assert engine == "kolom"
    assert found == [(3, "kode", "pattern"), (3, "tahun", "maximum"), (3, "jumlah", "minimum")]


def test_frictionless_can_be_asked_for_and_gives_the_same_findings_with_the_reason_stated(tmp_path: Path) -> None:
    rows = [[str(1000 + i % 40), rng_value, "1", "2024-01-31"]
            for i, rng_value in enumerate(["2020", "20x0", "2031", " 2020", ""] * 12)]
    path = write_csv(tmp_path / "silang.csv", rows)

    with (validate_table(path, SCHEMA, engine="kolom") as columnar_result,
          validate_table(path, SCHEMA, engine="frictionless") as reference):
        columnar_table, reference_table = columnar_result.report.tables[0], reference.report.tables[0]
        assert (columnar_table.engine, reference_table.engine) == ("kolom", "frictionless")
        assert reference_table.engine_reason == "diminta"
        assert list(columnar_result.findings()) == list(reference.findings())
        assert [(p.code, p.column, p.count) for p in columnar_table.problems] == [
            (p.code, p.column, p.count) for p in reference_table.problems]


def test_duplicates_are_found_the_same_in_memory_and_spilled_to_disk(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[str(1000 + i % 700), "2020", "1", "2024-01-31"] for i in range(1000)]
    path = write_csv(tmp_path / "ganda.csv", rows)
    in_memory, _, _ = findings(path)

    monkeypatch.setattr(uniqueness, "_SPILL_ROWS", 100)
    spilled, _, _ = findings(path)

    assert len(in_memory) == 300
    assert in_memory[0] == (702, None, "duplicate-key")
    assert spilled == in_memory


@pytest.mark.parametrize(("ending", "encoding", "multi_line"), [
    ("\n", "utf-8", False), ("\r\n", "utf-8", False), ("\n", "cp1252", False), ("\n", "utf-8", True),
    ("\r", "utf-8", False)])
@pytest.mark.parametrize("reading", ["one pass", "two passes", "small blocks"])
def test_repeated_keys_come_with_their_cells_whether_taken_from_their_lines_or_parsed_again(
        tmp_path: Path, ending: str, encoding: str, multi_line: bool, reading: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows whose key hash repeats are fetched again for the exact check and the rows-to-fix file: straight from their
    lines when every row is one line (checked in the same pass while few enough rows are wanted, else in a pass of
    its own; lines longer than a block of the line reader), parsed again when a quoted cell spans lines or lines end
    in a lone CR."""
    if reading == "two passes":
        monkeypatch.setattr(columnar_rows, "_LINE_ROWS_HELD", 10)
    elif reading == "small blocks":
        monkeypatch.setattr(columnar, "_LINE_BLOCK", 64)
    schema = {**SCHEMA, "fields": [*SCHEMA["fields"], {"name": "catatan", "type": "string"}]}
    rows = [[str(1000 + i % 400), "2020", str(i), "2024-01-31", f"Désa {i}, \"kutip\""] for i in range(600)]
    rows[50][4] = rows[450][4] = "panjang " * 40
    if multi_line:
        rows[5][4] = "dua\nbaris"
    path = tmp_path / "ganda.csv"
    with path.open("w", newline="", encoding=encoding) as stream:
        csv.writer(stream, lineterminator=ending).writerows([["kode", "tahun", "jumlah", "tanggal", "catatan"], *rows])

    reports = []
    for engine in ("kolom", "frictionless"):
        with validate_table(path, schema, engine=engine) as result:
            rows_to_fix = tmp_path / f"perbaikan-{engine}.csv"
            write_rows_to_fix(result, rows_to_fix)
            problems = [problem.to_dict() for problem in result.report.tables[0].problems]
            reports.append((list(result.findings()), problems, rows_to_fix.read_bytes()))

    assert [finding.row for finding in reports[0][0]] == list(range(402, 602))
    assert reports[0] == reports[1]
    assert "Désa 401, \"\"kutip\"\"" in reports[0][2].decode("utf-8-sig")


def test_equal_hashes_of_different_keys_never_make_a_duplicate(tmp_path: Path) -> None:
    finder = DuplicateFinder(tmp_path / "kunci.duckdb", {"primaryKey": ["kode"]})
    finder.add_hashes(pl.DataFrame({"h": [7, 7, 7], "r": [2, 3, 4]}, schema={"h": pl.UInt64, "r": pl.Int64}))

    candidates = list(finder.candidates())
    for row, kode in zip(candidates, ["a", "b", "a"], strict=True):
        finder.add_exact(row, {"kode": kode}, [kode])
    duplicates = list(finder.duplicates())
    finder.close()

    assert candidates == [2, 3, 4]
    assert [(d.row, d.first_row, d.key) for d in duplicates] == [(4, 2, "a")]


def test_a_vectorised_formula_is_never_true_where_the_python_evaluation_is_not() -> None:
    formulas = [
        "jumlah == laki + perempuan",
        "-0.05 <= a + b - c <= 0.05",
        "-a / 2 <= p * a - r * 100 <= a / 2",
        "p is None or a == 0 or -a / 2 <= p * a - r * 10 <= a / 2",
        "kode[:2] == induk",
        "laki is not None or perempuan is not None",
    ]
    rng = random.Random(1)

    def decimal() -> Decimal | None:
        return rng.choice([None, Decimal("0"), Decimal("0.05"), Decimal("0.1"), Decimal("0.2"), Decimal("0.3"),
                           Decimal(rng.randint(-5, 5)) / 10, Decimal("1e20"), Decimal("-0.04999999999999999")])

    rows = []
    for _ in range(3000):
        laki, perempuan = rng.choice([None, rng.randint(0, 5)]), rng.choice([None, rng.randint(0, 5)])
        rows.append({"jumlah": rng.choice([None, rng.randint(0, 10)]), "laki": laki, "perempuan": perempuan,
                     "a": decimal(), "b": decimal(), "c": decimal(), "p": decimal(), "r": decimal(),
                     "kode": rng.choice([None, "3201", "32", "3"]), "induk": rng.choice([None, "32", "33"])})
    kinds = {"jumlah": "int", "laki": "int", "perempuan": "int", "a": "dec", "b": "dec", "c": "dec", "p": "dec",
             "r": "dec", "kode": "str", "induk": "str"}
    frame = pl.DataFrame(
        {name: [None if row[name] is None else (float(row[name]) if kind == "dec" else row[name]) for row in rows]
         for name, kind in kinds.items()},
        schema={name: {"int": pl.Int64, "dec": pl.Float64, "str": pl.String}[kind] for name, kind in kinds.items()})
    columns = {name: (pl.col(name), kind) for name, kind in kinds.items()}

    for formula in formulas:
        expression = vectorised(formula, columns)
        assert expression is not None, formula
        certain = frame.select(expression.alias("ok"))["ok"].to_list()
        check = RowFormula(formula)
        wrong = [row for row, ok in zip(rows, certain, strict=True) if ok and not check.holds(row)]
        assert wrong == [], (formula, wrong[:3])
        assert any(certain), formula  # the shortcut does clear rows, or it would be useless


def test_a_formula_mixing_decimal_fields_with_float_constants_in_arithmetic_is_left_to_python() -> None:
    # Decimal + float raises TypeError in Python, so the rule is always broken there: never certain here.
    assert vectorised("a + 0.5 <= b", {"a": (pl.col("a"), "dec"), "b": (pl.col("b"), "dec")}) is None


def test_progress_is_reported_while_reading_and_once_at_the_end(tmp_path: Path) -> None:
    rows = [[str(1000 + i % 9000), str(2015 + i // 9000), "1", "2024-01-31"] for i in range(90_000)]
    path = write_csv(tmp_path / "besar.csv", rows)
    seen: list[ValidationProgress] = []

    with validate_table(path, SCHEMA, progress=seen.append, engine="kolom"):
        pass

    assert seen[-1].done and seen[-1].rows == 90_000
    assert [p.rows for p in seen] == sorted(p.rows for p in seen)
    assert seen[-1].bytes_total == path.stat().st_size


def test_a_schema_with_a_foreign_key_is_read_by_frictionless_which_checks_it(tmp_path: Path) -> None:
    path = tmp_path / "wilayah.csv"
    path.write_text("id,induk,nama\n1,,Jawa Barat\n2,1,Bogor\n3,9,Bekasi\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "induk", "type": "integer"},
                         {"name": "nama", "type": "string"}],
              "foreignKeys": [{"fields": "induk", "reference": {"resource": "", "fields": "id"}}]}

    with validate_table(path, schema) as result:
        table = result.report.tables[0]
        found = [(f.row, f.column, f.code) for f in result.findings()]

    assert (table.engine, table.engine_reason) == ("frictionless", "foreignKeys")
    assert found == [(4, "induk", "foreign-key")]
    assert table.problems[0].message.startswith("kolom `induk`: 1 baris merujuk nilai yang tidak ada di kolom `id`")


def test_a_csv_under_640_kb_is_read_row_by_row_which_starts_faster_and_a_larger_one_by_the_columnar_engine(
        tmp_path: Path) -> None:
    """``SMALL_FILE_BYTES``: below where the two engines tie (about 7,000 rows of bench file a, 7,500 of c)."""
    small = write_csv(tmp_path / "kecil.csv", [[str(1000 + i), "2020", "1", "2024-01-31"] for i in range(50)])
    mid = write_csv(tmp_path / "sedang.csv", [[str(1000 + i % 9000), str(2015 + i // 9000), "1", "2024-01-31"]
                                              for i in range(17_000)])
    upper = write_csv(tmp_path / "sedang-besar.csv", [[str(1000 + i % 9000), str(2015 + i // 9000), "1", "2024-01-31"]
                                                      for i in range(22_500)])
    large = write_csv(tmp_path / "besar.csv", [[str(1000 + i % 9000), str(2015 + i // 9000), "1", "2024-01-31"]
                                               for i in range(30_000)])
    assert 256 * 1024 < mid.stat().st_size < 512 * 1024 < upper.stat().st_size < SMALL_FILE_BYTES == 640 * 1024
    assert large.stat().st_size > SMALL_FILE_BYTES

    with (validate_table(small, SCHEMA) as small_result, validate_table(mid, SCHEMA) as mid_result,
          validate_table(upper, SCHEMA) as upper_result, validate_table(large, SCHEMA) as large_result):
        assert (small_result.report.tables[0].engine, small_result.report.tables[0].engine_reason) == (
            "baris", "berkas kecil")
        assert (mid_result.report.tables[0].engine, mid_result.report.tables[0].engine_reason) == (
            "baris", "berkas kecil")
        assert (upper_result.report.tables[0].engine, upper_result.report.tables[0].engine_reason) == (
            "baris", "berkas kecil")
        assert (large_result.report.tables[0].engine, large_result.report.tables[0].engine_reason) == ("kolom", None)


def test_where_an_empty_cell_is_a_value_an_empty_line_is_still_a_blank_row_read_row_by_row(tmp_path: Path) -> None:
    """With ``missingValues`` lacking ``""`` frictionless reads ``,`` as two empty values (type errors here) but an
    empty line as a blank row; the columnar readers see both as empty cells, so the table is read row by row."""
    path = tmp_path / "kosong.csv"
    path.write_text("no,bulan\n1,2024-01\n\n2,\n,\n3,2024-13\n", encoding="utf-8")
    schema = {"fields": [{"name": "no", "type": "integer"}, {"name": "bulan", "type": "yearmonth"}],
              "missingValues": ["NA"]}

    found, engine, reason = findings(path, schema)

    assert (engine, reason) == ("baris", 'sel kosong adalah nilai (missingValues tanpa "")')
    assert sorted(found) == [(3, None, "blank-row"), (4, "bulan", "type-other"), (5, "bulan", "type-other"),
                             (5, "no", "type-integer"), (6, "bulan", "type-other")]


def test_the_command_line_can_ask_for_frictionless_and_its_text_report_says_so(
        tmp_path: Path, environ: dict[str, str]) -> None:
    path = write_csv(tmp_path / "silang.csv", [["1001", "2031", "1", "2024-01-31"]])
    schema = tmp_path / "skema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")

    asked = run_ppid("validate", str(path), "--schema", str(schema), "--engine", "frictionless", env=environ)
    default = run_ppid("validate", str(path), "--schema", str(schema), env=environ)

    assert asked.returncode == default.returncode == 1
    assert "Baris dibaca oleh frictionless, sesuai permintaan (--engine frictionless)." in asked.stdout
    assert "frictionless" not in default.stdout
    assert asked.stdout.replace(
        "  Baris dibaca oleh frictionless, sesuai permintaan (--engine frictionless).\n", "") == default.stdout


def test_a_small_table_is_checked_without_loading_polars_pyarrow_or_duckdb(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write_csv(tmp_path / "kecil.csv", [["1001", "2020", "1", "2024-01-31"], ["1001", "2020", "2", "2024-01-31"]])
    schema = tmp_path / "skema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    probe = ("import sys\nfrom ppid.validation import validate_table\n"
             f"with validate_table({str(path)!r}, {str(schema)!r}) as result:\n"
             "    loaded = sorted(m for m in ('polars', 'pyarrow', 'duckdb') if m in sys.modules)\n"
             "    print(result.report.error_count, loaded)")

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)

    assert done.stdout.split("\n")[0] == "1 []", done.stderr


def test_keys_found_exactly_in_python_are_the_same_once_there_are_too_many_to_hold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[str(1000 + i % 300), "2020", "1", "2024-01-31"] for i in range(500)]
    path = write_csv(tmp_path / "ganda.csv", rows)
    held, _, _ = findings(path, engine="frictionless")

    monkeypatch.setattr(uniqueness, "_PYTHON_KEYS", 50)
    hashed, _, _ = findings(path, engine="frictionless")

    assert len(held) == 200 and held[0] == (302, None, "duplicate-key")
    assert hashed == held


def bytes_read_by_this_process() -> int:
    with open("/proc/self/io", encoding="ascii") as stream:
        return int(next(line for line in stream if line.startswith("rchar:")).split()[1])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts bytes read through /proc/self/io")
def test_a_table_without_repeated_keys_is_not_read_again_for_them(tmp_path: Path) -> None:
    """The encoding is sniffed over the whole file and pyarrow reads it once: with no repeated key hash, the
    duplicate step reads nothing more (it once took the file's lines for no row at all)."""
    rows = [[str(1000 + i % 9000), str(2015 + i // 9000), str(i), "2024-01-31"] for i in range(90_000)]
    path = write_csv(tmp_path / "unik.csv", rows)
    validate_table(path, SCHEMA, engine="kolom").close()  # modules imported, caches warm

    before = bytes_read_by_this_process()
    with validate_table(path, SCHEMA, engine="kolom") as result:
        assert result.report.valid
    read = bytes_read_by_this_process() - before

    assert read < 2.5 * path.stat().st_size


def plain_rows(tmp_path: Path, data: bytes, *, width: int = 3, delimiter: str = ",", encoding: str = "utf-8") -> list[
        tuple[int, list[str | None]]]:
    """The rows ``columnar.plain_csv_batches`` reads from ``data`` (a header and rows), with their numbers."""
    path = tmp_path / "polos.csv"
    path.write_bytes(data)
    batches = list(columnar.plain_csv_batches(path, encoding=encoding, delimiter=delimiter, header_row=1, width=width))
    return [(int(number), list(cells)) for batch in batches
            for number, cells in zip(batch.numbers.to_list(), batch.frame.rows(), strict=True)]


def python_rows(data: bytes, *, delimiter: str = ",") -> list[tuple[int, list[str]]]:
    """Rows as Python's csv module (frictionless's reader) reads them, numbered as frictionless numbers them."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                           strict=False))
    return [(number, row) for number, row in enumerate(rows[1:], start=2)]


@pytest.mark.parametrize("data", [
    b"a,b,c\n1,2,3\n4,,6\n",
    b"a,b,c\r\n1,2,3\r\n4,,6\r\n",
    b"a,b,c\n1,2,3\n4,5,6",  # no line end after the last row
    b"a,b,c\r\n1,2,3\r\n4,5,6",
    b'\xef\xbb\xbf"a","b","c"\n"1","x, y","z ""quoted"""\n," 2 ",""\n',  # a BOM, quotes, a delimiter in a cell
    b"a,b,c\n" + b"".join(b"%d,Desa %d,\"catatan, ke %d\"\n" % (i, i, i) for i in range(200_000)),  # many blocks
], ids=["lf", "crlf", "no-final-lf", "crlf-no-final", "quotes", "blocks"])
def test_the_plain_reader_reads_rows_as_python_does(tmp_path: Path, data: bytes,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "_BLOCK_SIZE", 1 << 20)
    assert plain_rows(tmp_path, data) == python_rows(data)


def test_the_plain_reader_reads_other_delimiters(tmp_path: Path) -> None:
    data = b"a;b;c\n1;2,5;3\n"
    assert plain_rows(tmp_path, data, delimiter=";") == python_rows(data, delimiter=";") == [(2, ["1", "2,5", "3"])]


@pytest.mark.parametrize("data", [
    b"a,b,c\n1,2,3\n4,5\n",  # a missing cell: polars would pad it
    b"a,b,c\n1,2,3\n4,5,6,7\n",  # an extra cell
    b"a,b,c\n1,2,3\n\n4,5,6\n",  # a blank line
    b"a,b,c\n1,2,3\n,\n",  # two cells, both empty
    b'a,b,c\n1,"2\n2",3\n',  # a quoted line break: the row numbers would move
    b'a,b,c\r\n1,"2\r\n2",3\r\n',
    b"a,b,c\r1,2,3\r",  # lone carriage returns end rows for Python
    b"a,b,c\r\n1,2\r3,4\r\n",
    b"a,b,c\r\n1,2,3\n4,5,6\r\n",  # mixed line ends
    b'a,b,c\n1,ab"c,3\n',  # a quote inside an unquoted cell
    b'a,b,c\n1,"ab"c,3\n',  # text after a closing quote
    b'"a\nb",b,c\n1,2,3\n',  # a header over two lines
], ids=["short", "long", "blank", "short-empty", "quoted-lf", "quoted-crlf", "cr", "lone-cr", "mixed", "stray-quote",
        "after-quote", "header-lf"])
def test_the_plain_reader_hands_over_what_it_cannot_read_exactly(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(columnar.NotPlainError):
        plain_rows(tmp_path, data)


def test_the_plain_reader_hands_over_other_encodings_and_single_columns(tmp_path: Path) -> None:
    with pytest.raises(columnar.NotPlainError):
        plain_rows(tmp_path, "a,b,c\n1,é,3\n".encode("cp1252"), encoding="cp1252")
    with pytest.raises(columnar.NotPlainError):
        plain_rows(tmp_path, "a,b,c\n1,\xe9,3\n".encode("cp1252"))  # not UTF-8 after all
    with pytest.raises(columnar.NotPlainError):
        plain_rows(tmp_path, b"a\n1\n\n2\n", width=1)  # a blank line and an empty cell look alike in one column


@pytest.mark.parametrize("tail", [b"4,5\n", b"\n7,8,9\n", b'4,"5\n5",6\n', b"4,5,6,7\n"])
def test_a_file_the_plain_reader_hands_over_is_validated_as_frictionless_does(tmp_path: Path, tail: bytes) -> None:
    """A doubt met after whole batches were checked (the plain reader's blocks are 1 MB here): the table is read
    again by pyarrow from the start, with the same findings as frictionless and nothing counted twice."""
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"},
                         {"name": "c", "type": "integer"}], "primaryKey": ["a"]}
    body = b"".join(b"%d,x,%d\n" % (i, i) for i in range(1, 150_001))
    path = tmp_path / "ragam.csv"
    path.write_bytes(b"a,b,c\n" + body + tail + b"8,y,x\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columnar, "_BLOCK_SIZE", 1 << 20)
        found, engine, _ = findings(path, schema)
        with validate_table(path, schema, engine="kolom") as result:
            rows_checked = result.report.tables[0].rows_checked
    expected, _, _ = findings(path, schema, engine="frictionless")
    assert engine == "kolom"
    assert found == expected
    assert rows_checked == 150_000 + tail.count(b"\n") + 1 - (tail == b'4,"5\n5",6\n')


def test_a_pattern_only_code_column_is_judged_without_the_general_reader(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A code column's bad values (30,000 distinct in a real file) are judged by ``_pattern_findings`` at 1 µs a
    value, with the same findings as frictionless: codes written ``3201.0``, dotted, too short, with spaces, missing,
    non-ASCII digits."""
    schema = {"fields": [{"name": "kode", "type": "string", "constraints": {"required": True, "pattern": "[0-9]{4}"}},
                         {"name": "n", "type": "integer"}],
              "missingValues": ["", "-"]}
    values = ["3201", "3201.0", "32.01", "3 201", "321", "-", "", " 3201", "3201\n", "٣٢٠١", "3201.00", "+3201.0"]
    rows = [[values[i % len(values)] + ("" if i % 3 else str(i % 7) * (i % len(values) in (1, 10))), str(i)]
            for i in range(5_000)]
    path = write_csv(tmp_path / "kode.csv", rows, header=["kode", "n"])
    general: list[tuple[str, object]] = []
    original = Judge.cell_findings

    def counted(self: Judge, name: str, value: object, notes: object) -> object:
        general.append((name, value))
        return original(self, name, value, notes)

    monkeypatch.setattr(Judge, "cell_findings", counted)
    found, engine, _ = findings(path, schema)
    expected, _, _ = findings(path, schema, engine="frictionless")

    assert engine == "kolom"
    assert found == expected
    assert {value for name, value in general if name == "kode"} <= {"", "-"}  # missing: left to the reader


def test_repeated_keys_are_checked_from_their_key_cells_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows whose key hash repeats are read again for their key fields only (b's 2,002 candidates took 0.1 s
    to read whole, dates above all), with the same findings as frictionless."""
    rows = [[str(1000 + i % 300), "2020", "1.5", "2024-01-31"] for i in range(500)]
    path = write_csv(tmp_path / "ganda.csv", rows)
    read_whole: list[int] = []
    original = columnar_rows.ColumnarRows._read_row

    def counted(self: columnar_rows.ColumnarRows, cells: list[str | None]) -> object:
        read_whole.append(1)
        return original(self, cells)

    monkeypatch.setattr(columnar_rows.ColumnarRows, "_read_row", counted)
    found, engine, _ = findings(path)
    expected, _, _ = findings(path, engine="frictionless")

    assert engine == "kolom"
    assert found == expected and len(found) == 200
    assert read_whole == []


def test_a_key_with_an_empty_or_invalid_cell_is_never_recorded_and_equal_values_spelled_apart_are_one_key(
        tmp_path: Path) -> None:
    """Keys checked in columns are recorded where every key cell is valid and present, as for a row read alone: the
    empty ``tahun`` (allowed: not required) and the invalid one make no duplicate, ``2020`` and ``+2020`` do, and a
    ``unique`` column that may be empty repeats only its values."""
    schema = {**SCHEMA, "fields": [*SCHEMA["fields"], {"name": "nomor", "type": "integer",
                                                       "constraints": {"unique": True}}]}
    rows = [[str(1000 + i), "2020", "1", "2024-01-31", str(i)] for i in range(300)]
    rows += [["5000", "", "1", "2024-01-31", ""], ["5000", "", "2", "2024-01-31", ""],
             ["5001", "20x0", "1", "2024-01-31", "7"], ["5001", "20x0", "1", "2024-01-31", ""],
             ["5002", "2020", "1", "2024-01-31", ""], ["5002", "+2020", "1", "2024-01-31", "x"]]
    path = write_csv(tmp_path / "kunci.csv", rows, header=["kode", "tahun", "jumlah", "tanggal", "nomor"])

    in_columns, engine, _ = findings(path, schema)
    row_by_row, _, _ = findings(path, schema, engine="baris")

    assert engine == "kolom"
    assert in_columns == row_by_row
    assert [(row, code) for row, _, code in in_columns if code in ("duplicate-key", "unique")] == [
        (304, "unique"), (307, "duplicate-key")]


@pytest.mark.parametrize(("block", "piece"), [(64, 16), (1 << 12, 1 << 10), (1 << 20, 1 << 18)])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("final", [True, False], ids=["final-line-end", "no-final-line-end"])
def test_rows_are_taken_from_their_lines_however_far_apart_and_however_long_the_lines(
        tmp_path: Path, block: int, piece: int, ending: bytes, final: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """``lines_at`` counts its way to each wanted line in stretches sized by the lines seen so far: behind lines far
    longer or shorter than those before them (a stretch that holds the wanted line is counted again in small steps),
    rows next to each other, far apart, the first and the last all come whole, across the line reader's blocks and
    whatever the pieces newlines are counted in."""
    monkeypatch.setattr(columnar, "_LINE_BLOCK", block)
    monkeypatch.setattr(columnar, "_COUNT_PIECE", piece)
    generator = random.Random(13)
    lines = [b"kode,catatan"]
    for number in range(2, 30_002):
        width = generator.choice([300, 2_000]) if 10_000 <= number < 20_000 else generator.choice([1, 5, 40])
        lines.append(b"%d,%s" % (number, b"x" * generator.randrange(width)))
    path = tmp_path / "baris.csv"
    path.write_bytes(ending.join(lines) + (ending if final else b""))
    wanted = sorted({2, 3, 4, 30_001, *generator.sample(range(2, 30_002), 300), *range(19_990, 20_010), 29_000})

    found = list(columnar.lines_at(path, iter(wanted), encoding="utf-8", delimiter=","))

    assert found == [(number, lines[number - 1].decode().split(",")) for number in wanted]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False], ids=["final-line-end", "no-final-line-end"])
def test_repeated_keys_of_a_plain_csv_read_in_many_blocks_are_taken_from_their_lines_as_frictionless_reads_them(
        tmp_path: Path, ending: str, final: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plain reader proved every row one line: the candidates, in the second block and the ones after, down to
    the last row without a line end, are taken from their lines without checking that again."""
    monkeypatch.setattr(columnar, "_BLOCK_SIZE", 4096)
    monkeypatch.setattr(columnar, "_LINE_BLOCK", 4096)
    rows = [[str(1000 + i), "2020", str(i), "2024-01-31"] for i in range(3_000)]
    rows += [rows[5], rows[1_500], rows[2_999]]
    text = ending.join(",".join(row) for row in [["kode", "tahun", "jumlah", "tanggal"], *rows])
    path = tmp_path / "polos.csv"
    path.write_text(text + (ending if final else ""), encoding="utf-8", newline="")

    reports = []
    for engine in ("kolom", "frictionless"):
        with validate_table(path, SCHEMA, engine=engine) as result:
            rows_to_fix = tmp_path / f"perbaikan-{engine}.csv"
            write_rows_to_fix(result, rows_to_fix)
            reports.append((list(result.findings()), result.report.tables[0].engine, rows_to_fix.read_bytes()))

    assert [(finding.row, finding.code) for finding in reports[0][0]] == [
        (3002, "duplicate-key"), (3003, "duplicate-key"), (3004, "duplicate-key")]
    assert reports[0][1] == "kolom"
    assert (reports[0][0], reports[0][2]) == (reports[1][0], reports[1][2])


@pytest.mark.parametrize(("kind", "in_columns", "alone", "repeats"), [
    ("integer", "2010", " 2010", [402, 403]), ("year", "0201", "+201", [403])])
@pytest.mark.parametrize("spill", [False, True], ids=["in-memory", "spilled"])
def test_a_key_read_in_columns_and_the_same_key_read_alone_hash_alike(
        tmp_path: Path, kind: str, in_columns: str, alone: str, repeats: list[int], spill: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Integer and year key parts are hashed as integers both where polars typed them and where a row was read alone
    (for a spelling only Python reads as a number: `` 2010``, ``+201``), so a key repeated across the two ways is
    still a candidate."""
    if spill:
        monkeypatch.setattr(uniqueness, "_SPILL_ROWS", 100)
    schema = {"fields": [{"name": "kode", "type": "string"}, {"name": "tahun", "type": kind},
                         {"name": "catatan", "type": "string"}, {"name": "nilai", "type": "integer"}],
              "primaryKey": ["kode", "tahun"]}
    rows = [[str(1000 + i), str(2000 + i % 20), "-", "1"] for i in range(400)]
    rows += [["1390", in_columns, "-", "1"], ["1390", alone, "-", "1"]]  # row 392 is 1390, 2010
    path = write_csv(tmp_path / "kunci.csv", rows, header=["kode", "tahun", "catatan", "nilai"])

    found, engine, _ = findings(path, schema)
    by_frictionless, _, _ = findings(path, schema, engine="frictionless")

    assert engine == "kolom"
    assert [row for row, _, code in found if code == "duplicate-key"] == repeats
    assert found == by_frictionless
