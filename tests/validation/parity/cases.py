"""The parity cases: small generated files, one per error type and a few mixed, the sample region's messy
files, and frictionless's own invalid fixtures. Each case is a file plus its schema; ``test_parity.py``
compares ppid's findings on it with frictionless's."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "schemas"
SAMPLE_REGION = ROOT / "examples" / "kabupaten-contoh"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frictionless"

Row = Sequence[str | None]
_SCHEMA_KEYS = ("missingValues", "primaryKey", "ppid", "$schema")
TABLE_SCHEMA_V2 = "https://datapackage.org/profiles/2.0/tableschema.json"


@dataclass(frozen=True)
class Case:
    id: str
    schema: dict[str, Any]
    write: Callable[[Path], Path]
    """Writes the file into the given folder (or returns a committed one) and returns its path."""
    region_codes: bool = False
    """Check region codes against the reference list shipped in ``schemas/reference``."""


def csv_bytes(header: Row | None, rows: Sequence[Row], *, delimiter: str = ",", encoding: str = "utf-8",
              newline: str = "\n", above: Sequence[Row] = ()) -> bytes:
    """A CSV file: ``above`` (a title, blank rows), the header, the rows."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    for row in above:
        writer.writerow(row)
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return text.getvalue().encode(encoding)


def generated(case_id: str, fields: list[dict[str, Any]], rows: Sequence[Row], *, header: Row | None = None,
              **options: Any) -> Case:
    """A case whose file is written from ``rows`` under the field names (or ``header``)."""
    schema_keys = {key: options.pop(key) for key in _SCHEMA_KEYS if key in options}
    schema = {"fields": fields, **schema_keys}
    labels = header if header is not None else [spec["name"] for spec in fields]
    data = csv_bytes(labels, rows, **options)

    def write(folder: Path) -> Path:
        path = folder / f"{case_id}.csv"
        path.write_bytes(data)
        return path

    return Case(case_id, schema, write)


def _f(name: str, kind: str = "string", **properties: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, **properties}


def _c(name: str, kind: str = "string", **constraints: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "constraints": constraints}


def _column(case_id: str, spec: dict[str, Any], values: Sequence[str], **options: Any) -> Case:
    """One field under test beside a row id, one row per value."""
    return generated(case_id, [_f("no", "integer"), spec], [[str(n), v] for n, v in enumerate(values, 1)],
                     **options)


ODD_NUMBERS = [" 12 ", "+5", "-7", "1_000", "١٢", "12.0", "1.234", "12,5", "1.234,56", "1,234.56", "0x1F", "1e3",
               "1E3", "NaN", "nan", "inf", "-inf", "Infinity", "-0", "0", "007", "Rp 5000", "5%", "€12", "12 kg",
               "--1", "1 000", "½", "²", "true", "12.", ".5", "3.50", "-", "NA", "１２", "\u00a012\u00a0", "12\t",
               "1_0_0", "_1", "1__0", "0b101", "+0", "+-1", "12e0", "1e400", "1E-400", "sNaN", "+inf", "Infinity",
               "-Infinity", "99999999999999999999999", "0.1e1", "1,000", "1.000.000", "(5)", "5-"]


def generated_cases() -> list[Case]:
    cases = [
        # -- strings and their formats ---------------------------------------------------------------------
        _column("string-email", _f("surel", format="email"),
                ["a@contoh.go.id", "bukan surel", "a@b", "@contoh.go.id", "dua@@contoh.id", " a@contoh.id", ""]),
        _column("string-uri", _f("tautan", format="uri"),
                ["https://contoh.go.id/data", "contoh.go.id", "ftp://x", "http://", "mailto:a@b.id", "data/x.csv"]),
        _column("string-uuid", _f("id", format="uuid"),
                ["0f8fad5b-d9cb-469f-a165-70867728950e", "0F8FAD5B-D9CB-469F-A165-70867728950E", "bukan-uuid",
                 "0f8fad5bd9cb469fa16570867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e}"]),
        # -- integer, number, boolean ----------------------------------------------------------------------
        _column("integer-odd-inputs", _f("angka", "integer"), ODD_NUMBERS),
        _column("integer-not-bare", _f("angka", "integer", bareNumber=False), ODD_NUMBERS),
        _column("number-default", _f("nilai", "number"), ODD_NUMBERS),
        _column("number-decimal-comma", _f("nilai", "number", decimalChar=",", groupChar="."), ODD_NUMBERS),
        _column("number-group-only", _f("nilai", "number", groupChar=","), ODD_NUMBERS),
        _column("number-not-bare", _f("nilai", "number", bareNumber=False), ODD_NUMBERS),
        _column("boolean-default", _f("aktif", "boolean"),
                ["true", "false", "True", "FALSE", "1", "0", "yes", "no", "ya", "tidak", "Y", " true", "benar"]),
        _column("boolean-own-values", _f("aktif", "boolean", trueValues=["ya", "Ya"], falseValues=["tidak"]),
                ["ya", "Ya", "YA", "tidak", "Tidak", "true", "false", "1", "0"]),
        # -- dates and times -------------------------------------------------------------------------------
        _column("date-default", _f("tanggal", "date"),
                ["2024-03-17", "2024-02-30", "2024-3-7", "17/03/2024", "20240317", "2024-03-17T08:30:00",
                 " 2024-03-17", "2024-03-17 ", "0001-01-01", "2024-W11-7", "2024-077", "1.5"]),
        _column("date-any", _f("tanggal", "date", format="any"),
                ["2024-03-17", "17/03/2024", "03/17/2024", "17 Maret 2024", "17 March 2024", "Mar 17 2024",
                 "2024-02-30", "kemarin", "20240317", "1710000000"]),
        _column("date-explicit-format", _f("tanggal", "date", format="%d/%m/%Y"),
                ["17/03/2024", "7/3/2024", "2024-03-17", "31/02/2024", "17/03/24", "17-03-2024", " 17/03/2024"]),
        _column("datetime-default", _f("waktu", "datetime"),
                ["2024-03-17T08:30:00", "2024-03-17T08:30:00Z", "2024-03-17T08:30:00+07:00", "2024-03-17 08:30:00",
                 "2024-03-17T08:30", "2024-03-17", "2024-03-17T25:00:00", "2024-03-17T08:30:00.123"]),
        _column("datetime-any", _f("waktu", "datetime", format="any"),
                ["2024-03-17 08:30", "17/03/2024 08:30", "2024-03-17", "besok pagi", "2024-03-17T08:30:00Z"]),
        _column("datetime-explicit-format", _f("waktu", "datetime", format="%d/%m/%Y %H:%M"),
                ["17/03/2024 08:30", "17/03/2024", "2024-03-17T08:30:00", "17/03/2024 24:00"]),
        _column("time-formats", _f("jam", "time"),
                ["08:30:00", "8:30:00", "08:30", "24:00:00", "08:30:00Z", "08:30:00+07:00", "08.30", "083000"]),
        _column("time-explicit-format", _f("jam", "time", format="%H.%M"), ["08.30", "8.30", "08:30", "25.00"]),
        _column("year", _f("tahun", "year"), ["2024", "24", "02024", "2024.0", "-2024", "tahun 2024", " 2024", "0"]),
        _column("yearmonth", _f("periode", "yearmonth"),
                ["2024-03", "2024-3", "2024-13", "03-2024", "2024/03", "202403", "2024-03-01"]),
        _column("geopoint-default", _f("lokasi", "geopoint"),
                ["106.8, -6.2", "106.8,-6.2", "181, 0", "0, 91", "-6.2", "lon, lat", "106.8 -6.2"]),
        _column("geopoint-array", _f("lokasi", "geopoint", format="array"),
                ["[106.8, -6.2]", "[181, 0]", "106.8, -6.2", "[1]"]),
        _column("geopoint-object", _f("lokasi", "geopoint", format="object"),
                ['{"lon": 106.8, "lat": -6.2}', '{"lon": 200, "lat": 0}', "106.8, -6.2", '{"lat": 1}']),
        _column("any", _f("catatan", "any"), ["apa saja", "", "12", "2024-02-30", "=1+1"]),
        # -- missing values --------------------------------------------------------------------------------
        generated("missing-values", [_c("no", "integer", required=True), _c("nilai", "number", required=True),
                                     _f("catatan")],
                  [["1", "-", "NA"], ["2", "NA", "-"], ["3", "", ""], ["-", "1.5", "n/a"], ["", "na", " - "],
                   ["NA", " NA", "x"]], missingValues=["", "-", "NA"]),
        generated("missing-values-none", [_c("no", "integer", required=True), _f("catatan")],
                  [["1", ""], ["", "x"], ["2", "-"]], missingValues=[]),
        generated("missing-value-markers-in-the-last-row", [_f("no", "integer"), _f("catatan")],
                  [["1", "x"], ["NA", "NA"], ["-", ""], ["", ""]], missingValues=["", "-", "NA"]),
        generated("blank-lines-where-empty-is-a-value", [_f("no", "integer"), _f("bulan", "yearmonth")],
                  [["1", "2024-01"], [], ["2", ""], [], [], ["3", "2024-13"]], missingValues=["NA"]),
        # -- constraints -----------------------------------------------------------------------------------
        _column("required", _c("nama", required=True), ["Ada", "", " ", "-", "x"]),
        _column("required-integer", _c("jumlah", "integer", required=True), ["1", "", "x", " "]),
        _column("required-any", _c("catatan", "any", required=True), ["apa saja", "", "12", " ", "NA", ""]),
        _column("unique-string", _c("kode", unique=True), ["A", "B", "A", "", "", "a", "A ", "B"]),
        _column("unique-integer", _c("nilai", "integer", unique=True),
                ["1", "01", "1", "+1", "x", "x", "2", "2.0", "", ""]),
        _column("unique-with-pattern", _c("kode", unique=True, pattern="[0-9]{4}"),
                ["3201", "32.01", "32.01", "3201", "abc", "abc", "3202"]),
        _column("unique-with-enum", _c("jk", "string", unique=True, enum=["L", "P", "X"]),
                ["L", "Q", "Q", "P", "L"]),
        _column("unique-number", _c("nilai", "number", unique=True), ["1.0", "1.00", "1", "2", "NaN", "NaN"]),
        _column("unique-equal-values-spelled-differently", _c("nilai", "number", unique=True),
                ["0", "-0", "0.0", "1E+1", "10", "1e1", "2", "+2"]),
        _column("unique-datetime-time-zones", _c("waktu", "datetime", unique=True),
                ["2024-03-17T08:30:00Z", "2024-03-17T15:30:00+07:00", "2024-03-17T08:30:00+00:00",
                 "2024-03-17T08:30:00", "2024-03-17T08:30:00"]),
        _column("unique-time", _c("jam", "time", unique=True), ["08:30:00", "08:30:00Z", "08:30:00+00:00", "08:30:00"]),
        _column("unique-geopoint", _c("lokasi", "geopoint", unique=True),
                ["106.8, -6.2", "106.80, -6.20", "106.8,-6.2", "1, 1"]),
        _column("unique-yearmonth-boolean", _c("periode", "yearmonth", unique=True), ["2024-03", "2024-3", "2024-03"]),
        _column("unique-year", _c("tahun", "year", unique=True), ["2024", "2024", "2023", "x", "x"]),
        _column("unique-date-any-format", {**_c("tanggal", "date", unique=True), "format": "any"},
                ["2024-03-17", "17 March 2024", "2024-03-18", "2024-03-17"]),
        _column("unique-duration", _c("lama", "duration", unique=True), ["P1D", "P1D", "PT24H", "P1Y"]),
        _column("unique-boolean", _c("aktif", "boolean", unique=True), ["true", "True", "1", "false"]),
        generated("primary-key-equal-values-spelled-differently", [_f("nilai", "number"), _f("waktu", "datetime")],
                  [["0", "2024-03-17T08:30:00Z"], ["-0", "2024-03-17T15:30:00+07:00"], ["0.0", "2024-03-17T08:30:00Z"],
                   ["1", "2024-03-17T08:30:00"]], primaryKey=["nilai", "waktu"]),
        _column("minimum-maximum-integer", _c("nilai", "integer", minimum=0, maximum=100),
                ["0", "100", "-1", "101", "50", "x", "-0", "99999999999999999999999", "-99999999999999999999999",
                 "9223372036854775808", "+100", " 100 ", "١٠١"]),
        _column("number-limits-precision", _c("nilai", "number", minimum=0.1, maximum=1e20),
                ["0.1", "0.09999999999999999999", "0.10000000000000000001", "100000000000000000000",
                 "100000000000000000001", "1E20", "1.0000000000000000001E20", "0.1e0", "1e-1"]),
        _column("length-unicode", _c("nama", minLength=2, maxLength=3),
                ["ab", "abcd", "é", "e\u0301", "👍🏽", "👍", "日本語", "日本語字", " a "]),
        _column("pattern-python-only-syntax", _c("kode", pattern="(?!000)[0-9]{3}|(.)\\1"),
                ["123", "000", "aa", "ab", "1234"]),
        _column("pattern-unicode-classes", _c("kode", pattern="\\d{3}\\w"), ["123a", "١٢٣a", "123_", "123 ", "12é3"]),
        _column("pattern-trailing-newline", _c("kode", pattern="[0-9]{3}"), ["123", "123\n", "\n123", "12\n3"]),
        _column("duration", _f("lama", "duration"), ["P1Y2M", "PT1H30M", "P1D", "1 jam", "PT", "P1W", "-P1D"]),
        _column("object", _f("data", "object"), ['{"a": 1}', "[1, 2]", "{a: 1}", "{}", "null", '{"a": {"b": []}}']),
        _column("array", _f("data", "array"), ["[1, 2]", '{"a": 1}', "[]", "1, 2", '["x"]']),
        _column("date-leap-and-edges", _c("tanggal", "date", minimum="2000-01-01"),
                ["2024-02-29", "2023-02-29", "1999-12-31", "2000-01-01", "9999-12-31", "10000-01-01", "2024-12-32",
                 "2024-00-10", "+2024-01-01", "2024-01-01\n"]),
        _column("minimum-maximum-number", _c("nilai", "number", minimum=0.5, maximum=99.5),
                ["0.5", "0.49", "99.5", "99.51", "NaN", "inf", "-inf"]),
        _column("exclusive-limits", _c("nilai", "integer", exclusiveMinimum=0, exclusiveMaximum=10),
                ["0", "1", "9", "10", "-5", "11"], **{"$schema": TABLE_SCHEMA_V2}),
        _column("exclusive-limits-number", _c("nilai", "number", exclusiveMinimum=0.5, exclusiveMaximum=1.5),
                ["0.5", "0.51", "1.49", "1.5", "1.50", "x"], **{"$schema": TABLE_SCHEMA_V2}),
        _column("minimum-date", _c("tanggal", "date", minimum="2024-01-01", maximum="2024-12-31"),
                ["2023-12-31", "2024-01-01", "2024-12-31", "2025-01-01", "2024-02-30"]),
        _column("minimum-year", _c("tahun", "year", minimum=1945, maximum=2100), ["1944", "1945", "2100", "2101"]),
        _column("length", _c("kode", minLength=2, maxLength=4), ["A", "AB", "ABCD", "ABCDE", "", "Éé", " A "]),
        _column("pattern", _c("kode", pattern="[0-9]{6}"),
                ["320101", "32010", "3201010", "32.01.01", "320101.0", " 320101", "abcdef", "３２０１０１"]),
        _column("pattern-alternation", _c("kode", pattern="A|B"), ["A", "B", "AB", "C", "a"]),
        _column("enum-string", _c("jk", enum=["L", "P"]), ["L", "P", "l", "Laki-laki", "", " L", "X"]),
        _column("enum-integer", _c("kelas", "integer", enum=[1, 2, 3]), ["1", "2", "3", "4", "01", "1.0", "x"]),
        _column("enum-number", _c("kelas", "number", enum=[1.5, 2]), ["1.5", "1.50", "2", "2.0", "3"]),
        # -- keys ------------------------------------------------------------------------------------------
        generated("primary-key-single", [_c("kode", required=True), _f("nama")],
                  [["A", "x"], ["B", "y"], ["A", "z"], ["", "a"], ["", "b"], ["C", "c"], ["A", "d"]],
                  primaryKey="kode"),
        generated("primary-key-composite",
                  [_c("tahun", "integer", minimum=2000), _f("kode", constraints={"pattern": "[0-9]{4}"}), _f("jk")],
                  [["2023", "3201", "L"], ["2023", "3201", "P"], ["2023", "3201", "L"], ["2024", "3201", "L"],
                   ["x", "3201", "L"], ["x", "3201", "L"], ["1999", "3201", "L"], ["1999", "3201", "L"],
                   ["2023", "32.01", "L"], ["2023", "32.01", "L"], ["2023", "", "L"], ["2023", "", "L"],
                   ["2023.0", "3201", "P"], ["2023", "3201", "P"]],
                  primaryKey=["tahun", "kode", "jk"]),
        generated("primary-key-number-spellings", [_f("nilai", "number"), _f("tanggal", "date")],
                  [["1.0", "2024-01-01"], ["1", "2024-01-01"], ["1.00", "2024-01-01"], ["2", "2024-01-02"]],
                  primaryKey=["nilai", "tanggal"]),
        # -- row shape -------------------------------------------------------------------------------------
        generated("blank-rows", [_f("a"), _f("b", "integer")],
                  [["x", "1"], [], ["y", "2"], [], [], ["z", "3"], [None, None], ["w", "4"], [], []]),
        generated("extra-cells", [_f("a"), _f("b", "integer")],
                  [["x", "1", "extra"], ["y", "2", ""], ["z", "3", "", "lagi"], ["w", "4", " "], ["v", "z", "e"]]),
        generated("missing-cells", [_c("a", required=True), _c("b", "integer", required=True), _f("c")],
                  [["x"], ["x", "1"], ["x", "1", "c"], ["", ""], ["y", "q"]]),
        generated("quoted-fields", [_f("nama"), _f("alamat"), _f("jumlah", "integer")],
                  [["A", "Jl. Merdeka 1,\nRT 01", "1"], ['B "kecil"', "a,b,c", "2"], ["C", "baris\r\nbaru", "x"],
                   ["D", "", "4"]]),
        generated("every-row-bad", [_c("tahun", "integer", minimum=2000), _c("jk", enum=["L", "P"]),
                                    _f("tanggal", "date")],
                  [[f"{1900 + n}", "X", f"2024-02-{30 + n % 2}"] for n in range(40)], primaryKey=["tahun"]),
        # -- encodings and separators ----------------------------------------------------------------------
        generated("windows-1252", [_f("nama"), _c("jk", enum=["L", "P"]), _f("jumlah", "integer")],
                  [["Désa", "L", "1"], ["Citeureup", "É", "2"], ["Ñ", "P", "3,5"]], encoding="cp1252"),
        generated("utf8-bom-semicolon", [_f("nama"), _c("jk", enum=["L", "P"]), _f("nilai", "number")],
                  [["Désa", "L", "1.5"], ["B", "X", "1,5"], ["C", "P", ""]], delimiter=";", encoding="utf-8-sig"),
        generated("windows-1252-accent-on-the-last-row", [_f("nama"), _c("jumlah", "integer", minimum=0)],
                  [*([f"Desa {n}", str(n - 5)] for n in range(3000)), ["Cikeusal Désa", "x"]], encoding="cp1252"),
        generated("latin-1", [_f("nama"), _c("jk", enum=["L", "P"])],
                  [["a\x81b", "L"], ["Ñ", "Ñ"]], encoding="latin-1"),
        generated("utf-16", [_f("nama"), _c("jumlah", "integer")], [["Désa", "1"], ["B", "x"], ["", ""]],
                  encoding="utf-16"),
        generated("crlf-tab", [_f("nama"), _f("jumlah", "integer")], [["A", "1"], ["B", "x"]], delimiter="\t",
                  newline="\r\n"),
        # -- header ------------------------------------------------------------------------------------------
        generated("header-reordered-and-aliased", [_c("tahun", "integer", minimum=2000), _f("kode_kec"),
                                                   _c("jumlah", "integer", minimum=0)],
                  [["3201", "-1", "1999"], ["3202", "x", "2024"], ["3203", "5", "2024", "lebih"]],
                  header=["Kode Kec.", "JML", "Tahun"], ppid={"header_aliases": {"kode_kec": ["Kode Kec."],
                                                                             "jumlah": ["Jml"]}}),
        generated("header-extra-and-missing-columns", [_c("a", required=True), _c("b", "integer", required=True),
                                                       _f("c")],
                  [["x", "isi", "1"], ["", "isi", "y"]], header=["a", "lain", "b"]),
    ]
    cases += [
        generated("title-above-header", [_c("tahun", "integer", minimum=2000), _c("jk", enum=["L", "P"])],
                  [["2023", "L"], ["1999", "X"], [], ["x", "P"]],
                  above=[["DATA UJI KABUPATEN CONTOH 2023"], [], ["Sumber: Dinas Uji"], []]),
        generated("duplicate-and-untitled-columns", [_c("a", "integer", required=True), _f("b")],
                  [["1", "isi", "x", "2"], ["y", "", "x", "z"], ["", "", "", ""], ["3", "", "", ""]],
                  header=["a", "", "b", "a"]),
        _region_codes(),
        *RAW_CASES,
    ]
    cases.append(_mixed())
    cases.append(_large())
    cases.append(_repeated_values())
    return cases


def _raw(case_id: str, fields: list[dict[str, Any]], text: str, encoding: str = "utf-8") -> Case:
    """A case written byte for byte, for what ``csv.writer`` would never produce."""
    data = text.encode(encoding)

    def write(folder: Path) -> Path:
        path = folder / f"{case_id}.csv"
        path.write_bytes(data)
        return path

    return Case(case_id, {"fields": fields}, write)


RAW_CASES = [
    _raw("csv-quoting", [_c("no", "integer", required=True), _c("nama", required=True), _f("jumlah", "integer")],
         '"no","nama","jumlah"\n'
         '1,"",5\n'
         '2,"  ",6\n'
         '3,"a""b",x\n'
         '"4",b,"7"\n'
         '5,a,"multi\nline"\n'
         '6, "x",8\n'
         '7,"x" ,9\n'
         '8,"x"y,10\n'
         '9,a,"1\r\n2"\n'
         '10,\'a\',11\n'
         '11,a,12'),
    _raw("csv-line-endings", [_f("a", "integer"), _f("b")], "a,b\r\n1,x\r\n2,y\n\r\nz,w\r\n\n4,v\r\n"),
    _raw("csv-blank-and-whitespace-rows", [_f("a", "integer"), _f("b")],
         "a,b\n1,x\n,\n \n , \n,,\n\t\n2,y\n\n"),
    _raw("csv-old-mac-line-endings", [_f("a", "integer"), _f("b")], "a,b\r1,x\ry,2\r\r3,z\r"),
    _raw("csv-quote-inside-unquoted-field", [_f("a", "integer"), _f("b"), _f("c", "integer")],
         'a,b,c\n1,ab"c,2\n2,"a"b"c",3\n3,ab"",x\n4,"",5\n'),
    _raw("csv-excel-sep-line", [_f("nama"), _c("jumlah", "integer", minimum=0)],
         "sep=;\nnama;jumlah\nA;1\nB;-1\nC;1,5\n"),
    _raw("csv-no-final-newline", [_c("a", "integer", minimum=2)], "a\n1\n2\n3\nx"),
    # a blank row that still holds a value beyond the labelled columns is reported even as the last row with text
    _raw("csv-value-beyond-the-header-in-the-last-row", [_f("a", "integer"), _f("b")],
         "a,b\n1,x\n,\n,,tersisa\n,\n\n"),
]


def _region_codes() -> Case:
    """Codes checked against the region list (platform findings) beside a pattern and a row rule."""
    case = generated(
        "region-codes-and-row-rule",
        [{**_c("kode_kecamatan", pattern="[0-9]{6}", required=True), "ppid": {"referensi": "kode_wilayah"}},
         {**_f("kode_desa"), "ppid": {"referensi": "kode_wilayah"}},
         _c("laki", "integer", minimum=0), _c("perempuan", "integer", minimum=0), _c("jumlah", "integer")],
        [["320101", "3201011001", "1", "2", "3"], ["329999", "3201011001", "1", "1", "2"],
         ["320101.0", "3201011001.0", "1", "1", "2"], ["32.01.01", "3299999999", "1", "1", "5"],
         ["320101", "", "x", "1", "2"], ["", "3201011001", "-1", "1", "0"], ["320102", "32010110", "2", "2", "5"],
         ["JUMLAH", "", "7", "8", "x"]],
        primaryKey=["kode_kecamatan", "kode_desa"],
        ppid={"row_constraints": ["jumlah == laki + perempuan"]})
    return Case(case.id, case.schema, case.write, region_codes=True)


MIXED_FIELDS = [
    _c("kode_desa", pattern="[1-9][0-9]{9}", required=True),
    _f("nama_desa", constraints={"required": True, "maxLength": 40}),
    _c("tahun", "integer", required=True, minimum=2015, maximum=2025),
    _c("jenis_kelamin", required=True, enum=["L", "P"]),
    _c("jumlah", "integer", required=True, minimum=0),
    _c("anggaran", "number", minimum=0),
    _f("tanggal_update", "date"),
    _f("aktif", "boolean", trueValues=["ya"], falseValues=["tidak"]),
    _f("keterangan"),
]
_DEFECTS = {
    "kode_desa": ["32.01.01.1001", "320101100", "3201011001.0", "", "A201011001"],
    "nama_desa": ["", "x" * 41],
    "tahun": ["20I9", "2023.0", "1.234", "12,5", "2014", "2026", ""],
    "jenis_kelamin": ["X", "l", "", "Laki-laki"],
    "jumlah": ["-1", "1.234", "Rp 5", "", "12.0", "1e3"],
    "anggaran": ["1.234.567,89", "Rp 5000000", "n/a", "-0.5", "NaN"],
    "tanggal_update": ["2021-02-30", "13/05/2021", "20210513"],
    "aktif": ["true", "Ya", "1"],
}


_NOTES = ["", "catatan", 'ada "kutip", koma', "dua\nbaris", "Data dihimpun dari laporan bulanan kecamatan; "
          "angka sementara, akan diperbarui setelah verifikasi lapangan oleh petugas dinas."]


_LONG_NOTE = ("Rekapitulasi disusun dari laporan bulanan desa dan kelurahan yang diterima sampai akhir triwulan; "
              "angka masih sementara dan akan diperbarui setelah verifikasi lapangan oleh petugas dinas bersama "
              "pemerintah kecamatan, termasuk pencocokan dengan data kependudukan, catatan sipil, dan laporan "
              "keuangan desa tahun berjalan. ")


def _mixed_rows(count: int, seed: int, every: int, notes: Sequence[str] = _NOTES) -> list[list[str]]:
    """Valid rows with a defect in every ``every``-th row (some repeated keys and blank rows among them)."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for n in range(count):
        code = str(3201000000 + n // 22 * 10000 + n % 11 + 1001)
        row = [code, f"Desa {n}", str(2015 + n % 11 // 2 * 2), "LP"[n % 2], str(rng.randint(0, 9000)),
               f"{rng.randint(0, 10**7)}.{rng.randint(0, 99):02d}", f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
               rng.choice(["ya", "tidak"]), rng.choice(notes)]
        if n % every == every - 1:
            kind = rng.randrange(10)
            if kind < 8:
                name = list(_DEFECTS)[kind]
                row[[spec["name"] for spec in MIXED_FIELDS].index(name)] = rng.choice(_DEFECTS[name])
            elif kind == 8 and rows:
                row = list(rng.choice(rows[-50:])) if rows[-1] else row
            else:
                rows.append([])
        rows.append(row)
    return rows


def _mixed() -> Case:
    rows = _mixed_rows(400, seed=13, every=3)
    rows[120] = ["JUMLAH", "", "", "", "123456", "", "", "", ""]
    rows[121] = [*rows[121], "sel lebih"]
    rows[122] = rows[122][:5]
    return generated("mixed", MIXED_FIELDS, rows, primaryKey=["kode_desa", "tahun", "jenis_kelamin"])


def _large() -> Case:
    """More bytes (~10 MB) than one 8 MiB block of the columnar reader, with defects, blank rows and quoted
    line breaks either side of the block edges; the long free text keeps frictionless's side quick."""
    notes = [*_NOTES, *[_LONG_NOTE] * 20]
    rows = _mixed_rows(30_000, seed=17, every=97, notes=notes)
    rows[26_000] = [*rows[26_000], "sel lebih"]  # ragged rows in the second block
    rows[28_000] = rows[28_000][:4]
    rows[29_000] = [*rows[29_000], ""]
    return generated("mixed-large", MIXED_FIELDS, rows,
                     primaryKey=["kode_desa", "tahun", "jenis_kelamin"])


def _repeated_values() -> Case:
    """3,000 rows drawing every column from a few dozen values, good and bad: the columnar engine checks such
    columns once per distinct value (``ColumnarRows._distinct``), region codes included."""
    pools = [
        [*[f"320101{n:04d}" for n in range(1001, 1014)], "3201022001", "3299999999", "32.01.01.1001", "3201011001.0",
         "0201011001", ""],
        ["320101", "320102", "329999", "32010", "320101.0", ""],
        ["2019", "2020", "2021", "20I9", "999", "2021.0", ""],
        ["0", "1.5", "1000000.25", "12", "-0.5", "1.234,5", "NaN", "1e3", " 7", ""],
        [*[f"2024-{month:02d}-{day:02d}" for month in (1, 2, 6) for day in (1, 15, 28)], "2021-02-30",
         "13/05/2021", "2024-1-5", ""],
    ]
    rng = random.Random(23)
    rows = [[rng.choice(pool) for pool in pools] for _ in range(3_000)]
    case = generated(
        "repeated-values",
        [{**_c("kode_desa", pattern="[1-9][0-9]{9}", required=True), "ppid": {"referensi": "kode_wilayah"}},
         {**_c("kode_kecamatan", pattern="[0-9]{6}"), "ppid": {"referensi": "kode_wilayah"}},
         _c("tahun", "year", required=True, minimum=2020),
         _c("nilai", "number", minimum=0),
         _f("tanggal", "date")],
        rows)
    return Case(case.id, case.schema, case.write, region_codes=True)


# -- a workbook ------------------------------------------------------------------------------------------


def _xlsx_case() -> Case:
    fields = [_c("tahun", "integer", required=True, minimum=2000), _c("kode", pattern="[0-9]{4}"),
              _f("nilai", "number"), _f("tanggal", "date"), _c("jk", enum=["L", "P"])]
    import datetime

    rows: list[list[Any]] = [
        [2023, "3201", 1.5, datetime.date(2024, 3, 17), "L"],
        [2023.0, 3201, 2, datetime.datetime(2024, 3, 17, 0, 0), "P"],
        ["2023", "32.01", "1,5", "17/03/2024", "X"],
        [1999, 3201.0, "abc", datetime.datetime(2024, 3, 17, 8, 30), "L"],
        [None, None, None, None, None],
        [2024, "3202", 1e20, "2024-02-30", None],
        [2024.5, "3203", True, 45000, "P", "lebih"],
        [" ", " ", None, None, "  "],
        [2023, "3201", 1.5, datetime.date(2024, 3, 17), "L"],
    ]

    def write(folder: Path) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Data"
        sheet.append(["REKAP DATA UJI"])
        sheet.append([])
        sheet.append([spec["name"] for spec in fields])
        for row in rows:
            sheet.append(row)
        for _ in range(3):
            sheet.append([None] * 5)
        path = folder / "workbook.xlsx"
        book.save(path)
        return path

    return Case("xlsx-workbook", {"fields": fields, "primaryKey": ["tahun", "kode", "jk"]}, write)


def _xlsx_value_beyond_the_header_case() -> Case:
    """A sheet whose last row with text has it only in a column without a label: a blank row to frictionless, and
    a value no column holds."""
    fields = [_f("a", "integer"), _f("b")]

    def write(folder: Path) -> Path:
        book = openpyxl.Workbook()
        for row in [["a", "b"], [1, "x"], [None, None, "tersisa"], [2, "y"], [None, None, None, "lagi"],
                    [None, None]]:
            book.active.append(row)
        path = folder / "value-beyond-the-header.xlsx"
        book.save(path)
        return path

    return Case("xlsx-value-beyond-the-header-in-the-last-row", {"fields": fields}, write)


# -- files committed elsewhere ---------------------------------------------------------------------------


def _committed(path: Path) -> Callable[[Path], Path]:
    return lambda folder: path


def sample_region_cases() -> list[Case]:
    """Every table of the sample region that its registry gives a schema, checked as the harvester checks it."""
    import yaml

    registry = yaml.safe_load((ROOT / "config" / "dinas.yaml").read_text(encoding="utf-8"))
    cases = []
    for dinas in registry["dinas"]:
        for source in dinas.get("sources", []):
            folder = (ROOT / "config" / source["path"]).resolve()
            for rule in source.get("rules", []):
                if not rule.get("schema"):
                    continue
                schema = json.loads((SCHEMAS / f"{rule['schema']}.json").read_text(encoding="utf-8"))
                for path in sorted(folder.glob(rule["match"])):
                    case_id = f"sample-{dinas['slug']}-{path.name}"
                    cases.append(Case(case_id, schema, _committed(path), region_codes=True))
    return cases


def frictionless_fixture_cases() -> list[Case]:
    """frictionless-py's invalid data files, each with the schema named in ``cases.json`` beside them."""
    listing = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    return [Case(f"frictionless-{entry['data']}", json.loads((FIXTURES / entry["schema"]).read_text("utf-8")),
                 _committed(FIXTURES / entry["data"])) for entry in listing]


def all_cases() -> list[Case]:
    return [*generated_cases(), _xlsx_case(), _xlsx_value_beyond_the_header_case(), *sample_region_cases(),
            *frictionless_fixture_cases()]

