"""A DataStore table as a file: CKAN's ``/datastore/dump`` formats (CSV, TSV, JSON, XML) plus XLSX and Parquet.

Rows are streamed from DuckDB in batches, so a 10M-row CSV never sits in memory. CSV, TSV, JSON and XML
are byte for byte what CKAN's dump writes (its writers in ``ckanext.datastore.writer``): a header of
field ids, PostgreSQL's text for values. XLSX needs its zip directory at the end, so it is built in a
temporary file (xlsxwriter's constant-memory mode) and then streamed; text cells are neutralised against
formula injection as the project's other spreadsheets are. Parquet is the stored file itself when the
whole table is asked for, otherwise DuckDB writes the selection.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ElementTree, SubElement

import xlsxwriter
from ckanapi.errors import ValidationError

from ppid.datastore import query
from ppid.datastore.query import Query, Table
from ppid.storage import CHUNK_SIZE
from ppid.validation.report import neutralise

#: format → Content-Type
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
DUMP_KEYS = {"q", "filters", "fields", "sort", "distinct", "plain", "language"}
#: Excel's last row, less the header.
XLSX_ROWS_MAX = 1_048_575
BOM = "\ufeff"
#: CKAN's rules for XML element names (``xml_element_name_rules``).
XML_NAME_RULES = [
    (re.compile(r"^(\d*xml\d*|\d+)", re.I), ""),
    (re.compile(r"\s+"), "_"),
    (re.compile(r"[^\w_.-]", re.U), ""),
    (re.compile(r"^[\d.-]+"), ""),
]


def dump_query(table: Table, data: dict[str, Any]) -> Query:
    """The dump's selection: ``datastore_search``'s parameters, sorted by ``_id`` unless told, every row unless
    ``limit`` says otherwise."""
    arguments = {key: value for key, value in data.items() if key in DUMP_KEYS}
    arguments.setdefault("sort", "_id")
    _echo, selection = query.validate(table, arguments)
    errors: dict[str, list[str]] = {}
    limit = query.natural(data, "limit", -1, errors)
    selection.offset = query.natural(data, "offset", 0, errors)
    query.raise_if(errors)
    selection.limit = None if limit < 0 else limit
    return selection


def whole_table(data: dict[str, Any]) -> bool:
    """True when nothing narrows the table, so the stored Parquet file can be sent as it is."""
    return not any(data.get(key) for key in (*DUMP_KEYS - {"sort"}, "limit", "offset")) and data.get("sort") in (
        None, "", "_id", "_id asc")  # fmt: skip


def dump(table: Table, data: dict[str, Any], fmt: str, *, bom: bool = False) -> Iterator[bytes]:
    """The table (narrowed by ``data``) in ``fmt``; raises ValidationError before the first byte when refused."""
    if fmt not in FORMATS:
        raise ValidationError({"format": [f"Value must be one of {sorted(FORMATS)}"]})
    if fmt == "parquet" and whole_table(data):
        return _file(table.path)
    selection = dump_query(table, data)
    fields = query.result_fields(table, selection.columns, table.types)
    if fmt == "parquet":
        return _parquet(table, selection)
    if fmt == "xlsx":
        total = _count(table, selection)
        if total > XLSX_ROWS_MAX:
            raise ValidationError({"format": [
                f"Tabel ini {total:,} baris, lebih dari batas Excel ({XLSX_ROWS_MAX:,}); unduh CSV atau Parquet "
                "(too many rows for XLSX)."
            ]})  # fmt: skip
        return _xlsx(table, selection, fields)
    writer = {"csv": _delimited, "tsv": _delimited, "json": _json, "xml": _xml}[fmt]
    return writer(table, selection, fields, fmt=fmt, bom=bom)


def _count(table: Table, selection: Query) -> int:
    sql, params = query.count(table, selection)
    with query.cursor() as connection:
        total = connection.execute(sql, params).fetchone()[0]
    remaining = max(total - selection.offset, 0)
    return remaining if selection.limit is None else min(remaining, selection.limit)


def _delimited(table: Table, selection: Query, fields: list[dict[str, Any]], *, fmt: str, bom: bool) -> Iterator[bytes]:
    """CKAN's: the header as Python's csv writes it (CRLF), the rows as PostgreSQL's COPY writes them (LF)."""
    delimiter = "\t" if fmt == "tsv" else ","
    header = io.StringIO()
    csv.writer(header, dialect="excel-tab" if fmt == "tsv" else "excel").writerow(f["id"] for f in fields)
    yield ((BOM if bom else "") + header.getvalue()).encode("utf-8")
    for rows in query.batches(table, selection):
        yield query.delimited(rows, delimiter).encode("utf-8")


def _json(table: Table, selection: Query, fields: list[dict[str, Any]], *, fmt: str, bom: bool) -> Iterator[bytes]:
    head = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    yield f'{BOM if bom else ""}{{\n  "fields": {head},\n  "records": ['.encode()
    first = True
    for rows in query.batches(table, selection):
        out = io.StringIO()
        for row in rows:
            out.write("\n    " if first else ",\n    ")
            first = False
            out.write(json.dumps([query.json_value(v) for v in row], ensure_ascii=False, separators=(",", ":")))
        yield out.getvalue().encode("utf-8")
    yield b"\n]}\n"


def _xml(table: Table, selection: Query, fields: list[dict[str, Any]], *, fmt: str, bom: bool) -> Iterator[bytes]:
    columns = [f["id"] for f in fields]
    id_column = columns[:1] == ["_id"]
    names: dict[str, str] = {}
    for column in columns[1:] if id_column else columns:
        name = unicodedata.normalize("NFC", column)
        for rule, replacement in XML_NAME_RULES:
            name = rule.sub(replacement, name)
        unique, suffix = name, 0
        while unique in names.values():
            unique, suffix = f"{name}_{suffix}", suffix + 1
        names[column] = unique
    yield (b"\xef\xbb\xbf" if bom else b"") + b'<data xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    for rows in query.batches(table, selection):
        out = io.BytesIO()
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            root = Element("row")
            if id_column:
                root.attrib["_id"] = str(values["_id"])
            for column, element_name in names.items():
                element = SubElement(root, element_name)
                value = query.json_value(values[column])
                if value is None:
                    element.attrib["xsi:nil"] = "true"
                else:
                    element.text = value if isinstance(value, str) else json.dumps(value) if isinstance(
                        value, dict | list) else str(value)  # fmt: skip
            ElementTree(root).write(out, encoding="utf-8")
            out.write(b"\n")
        yield out.getvalue()
    yield b"</data>\n"


def _xlsx(table: Table, selection: Query, fields: list[dict[str, Any]]) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as target:
        workbook = xlsxwriter.Workbook(target, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False,
        })  # fmt: skip
        sheet = workbook.add_worksheet("data")
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for column, field in enumerate(fields):
            sheet.write_string(0, column, neutralise(field["id"]), bold)
        row_number = 1
        for rows in query.batches(table, selection):
            for row in rows:
                for column, value in enumerate(row):
                    _cell(sheet, row_number, column, value, day, moment)
                row_number += 1
        sheet.freeze_panes(1, 0)
        workbook.close()
        target.seek(0)
        yield from iter(lambda: target.read(CHUNK_SIZE), b"")


def _cell(sheet: Any, row: int, column: int, value: Any, day: Any, moment: Any) -> None:
    """Numbers as numbers and dates as dates (Excel sorts and sums them); text as inert text."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, value, moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), day)
    else:
        sheet.write_string(row, column, neutralise(query.text_value(value)))


def _parquet(table: Table, selection: Query) -> Iterator[bytes]:
    sql, params = query.select(table, selection)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "dump.parquet"
        with query.cursor() as connection:
            connection.execute(f"COPY ({sql}) TO {query.literal(str(target))} (FORMAT parquet)", params)
        yield from _file(target)


def _file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from iter(lambda: stream.read(CHUNK_SIZE), b"")
