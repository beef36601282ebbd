"""Random tables for the parity suite: a schema of one to six fields drawn from every type, format and constraint
the engine reads, cells drawn from valid, odd and wrong spellings of each, and the row and header shapes officers'
files have (short and long rows, blank lines, repeated rows for the keys, cells with line breaks or stray quotes,
columns moved, missing or added, other separators, line ends and encodings), as a CSV or an ``.xlsx``.

Hand-written cases test what someone thought of; these find the combinations nobody did (a required ``any`` field,
blank lines where an empty cell is a value, a workbook row of spaces were found this way). Seeded: the same seed
gives the same table on every machine."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence
from typing import Any

import openpyxl

from .cases import ODD_NUMBERS, TABLE_SCHEMA_V2, csv_bytes

DATES = ["2024-01-31", "2024-02-30", "31/01/2024", "2024-1-5", " 2024-01-05", "2024-01-05T10:00", "20240105", "",
         "2024-13-01", "0001-01-01", "9999-12-31", "2024/01/05", "05-01-2024", "2024-01-05 ", "2024-W01"]
DATETIMES = ["2024-01-05T10:00:00", "2024-01-05 10:00:00", "2024-01-05T10:00:00Z", "2024-01-05T10:00:00+07:00",
             "2024-01-05", "2024-01-05T25:00:00", "2024-01-05T10:00", "x"]
TIMES = ["10:00:00", "10:00", "25:00:00", "10:00:00.5", "1000", "x", "23:59:59"]
BOOLEANS = ["true", "false", "True", "FALSE", "1", "0", "yes", "no", "ya", "tidak", "Y", "", " true", "benar"]
YEARS = ["2024", "24", "02024", "-2024", "2024.0", "abc", "1e3", " 2024"]
YEAR_MONTHS = ["2024-01", "2024-13", "2024-1", "202401", "2024/01", "x"]
STRINGS = ["abc", "", " ", "x" * 30, "Jl. Merdeka, No. 1", "a@b.id", "not-an-email", "https://contoh.go.id",
           "ftp:/x", "3201", "3201.0", "32.01", "=SUM(A1)", "NA", "-", "ÄÖÜ", "漢字", '"q"', "12345678901234567890"]
CODES = ["3201", "3201.0", "32.01", "320101", "32", "ab", "", "3201 ", "0001"]
GEOPOINTS = ["106.8,-6.2", "-6.2, 106.8", "200,100", "x", "106.8", "106.8,-6.2,1"]
NUMBERS = [spelling for spelling in ODD_NUMBERS if spelling != "sNaN"]
"""Frictionless cannot be the reference for a signaling NaN: comparing or hashing it raises (``decimal`` refuses), so
a unique or key column with one stops its validation with a traceback."""
KINDS = ["integer", "number", "string", "string-format", "code", "date", "datetime", "time", "boolean", "year",
         "yearmonth", "geopoint", "any"]


def random_field(rng: random.Random, name: str) -> tuple[dict[str, Any], Sequence[str]]:
    """One field of a random kind with random properties and constraints, and the cells to draw for it."""
    kind = rng.choice(KINDS)
    spec: dict[str, Any] = {"name": name, "type": kind}
    constraints: dict[str, Any] = {}
    pool: Sequence[str] = STRINGS
    if kind == "integer":
        pool = [*NUMBERS, "1", "2", "100"]
        if rng.random() < .3:
            spec["bareNumber"] = False
        if rng.random() < .4:
            constraints["minimum"] = rng.choice([0, 1, -5])
        if rng.random() < .3:
            constraints["maximum"] = rng.choice([10, 100, 1000])
        if rng.random() < .2:
            constraints["enum"] = [1, 2, 3]
    elif kind == "number":
        pool = [*NUMBERS, "1.5", "2", "100.25"]
        chance = rng.random()
        if chance < .25:
            spec.update(decimalChar=",", groupChar=".")
        elif chance < .4:
            spec["groupChar"] = ","
        if rng.random() < .3:
            spec["bareNumber"] = False
        if rng.random() < .3:
            constraints["minimum"] = rng.choice([0, 0.5])
        if rng.random() < .2:
            constraints["exclusiveMaximum"] = 100
    elif kind in ("string", "string-format"):
        spec["type"] = "string"
        if kind == "string-format":
            spec["format"] = rng.choice(["email", "uri", "uuid"])
        if rng.random() < .3:
            constraints["maxLength"] = rng.choice([3, 10])
        if rng.random() < .2:
            constraints["minLength"] = 2
        if rng.random() < .2:
            constraints["pattern"] = rng.choice([r"\d{4}", "[a-z]+", r"[A-Z].*"])
        if rng.random() < .15:
            constraints["enum"] = ["abc", "NA", "3201"]
    elif kind == "code":
        spec["type"], pool, constraints["pattern"] = "string", CODES, r"\d{4}"
    elif kind == "date":
        pool = DATES
        if rng.random() < .3:
            spec["format"] = rng.choice(["%d/%m/%Y", "%Y%m%d", "any"])
        if rng.random() < .2 and spec.get("format", "default") in ("default", "any"):  # a limit in the cells' format
            constraints["minimum"] = "2024-01-01"
    elif kind == "datetime":
        pool = DATETIMES
    elif kind == "time":
        pool = TIMES
    elif kind == "boolean":
        pool = BOOLEANS
        if rng.random() < .4:
            spec.update(trueValues=["ya", "Y"], falseValues=["tidak", "N"])
    elif kind == "year":
        pool = YEARS
        if rng.random() < .3:
            constraints["minimum"] = 2000
    elif kind == "yearmonth":
        pool = YEAR_MONTHS
    elif kind == "geopoint":
        pool = GEOPOINTS
        if rng.random() < .3:
            spec["format"] = rng.choice(["array", "object"])
    else:
        pool = [*STRINGS, *NUMBERS]
    if rng.random() < .3:
        constraints["required"] = True
    if rng.random() < .1:
        constraints["unique"] = True
    if constraints:
        spec["constraints"] = constraints
    return spec, pool


def random_table(seed: int, *, workbook: bool = False) -> tuple[dict[str, Any], bytes]:
    """A schema and a file (CSV bytes, or ``.xlsx`` bytes when ``workbook``) drawn from ``seed``."""
    rng = random.Random(seed)
    drawn = [random_field(rng, f"f{index}") for index in range(rng.randint(1, 6))]
    fields = [spec for spec, _ in drawn]
    schema: dict[str, Any] = {"fields": fields}
    if rng.random() < .3:
        schema["missingValues"] = rng.choice([["", "-"], ["NA"], [""]])
    if any("exclusiveMaximum" in spec.get("constraints", {}) for spec in fields):
        schema["$schema"] = TABLE_SCHEMA_V2
    if rng.random() < .25:
        schema["primaryKey"] = rng.sample([spec["name"] for spec in fields], rng.randint(1, min(2, len(fields))))
    rows: list[list[str]] = []
    for _ in range(rng.randint(1, 40)):
        if rng.random() < .03:
            rows.append([])
            continue
        row = [rng.choice(pool) for _, pool in drawn]
        if rng.random() < .04:
            row = row[:-1]
        if rng.random() < .04:
            row = [*row, "extra"]
        if rng.random() < .1 and rows:
            row = list(rows[-1])
        rows.append(row)
    header = [spec["name"] for spec in fields]
    shape = rng.random()
    if shape < .08 and len(header) > 1:
        header[0], header[1] = header[1], header[0]
    elif shape < .14:
        header, rows = [*header, "tambahan"], [[*row, "x"] for row in rows]
    elif shape < .2 and len(header) > 1:
        header, rows = header[:-1], [row[:-1] for row in rows]
    elif shape < .25:
        header = [label.upper() for label in header]
    if rng.random() < .1:
        rows = [[cell + "\nlanjut" if cell and rng.random() < .1 else cell for cell in row] for row in rows]
    if rng.random() < .1:
        rows = [[cell + ',"' if cell and rng.random() < .05 else cell for cell in row] for row in rows]
    if workbook:
        return schema, _xlsx(rng, header, rows)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16"]) if rng.random() < .2 else "utf-8"
    return schema, csv_bytes(header, rows, delimiter=rng.choice([",", ",", ";", "\t"]),
                             newline=rng.choice(["\n", "\r\n"]), encoding=encoding)


def _xlsx(rng: random.Random, header: list[str], rows: list[list[str]]) -> bytes:
    """The rows in a workbook, some cells typed as a spreadsheet would hold them (numbers, dates), maybe under a
    title."""
    book = openpyxl.Workbook()
    sheet = book.active
    if rng.random() < .3:
        sheet.append(["JUDUL"])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([_typed(rng, cell) for cell in row])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _typed(rng: random.Random, cell: str) -> object:
    chance = rng.random()
    if not cell:
        return None if chance < .7 else ""
    for limit, convert in ((.4, int), (.6, float), (.7, datetime.date.fromisoformat)):
        if chance < limit:
            try:
                return convert(cell)
            except ValueError:
                return cell
    return cell
