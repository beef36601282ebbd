"""The reference engine: frictionless's own row stream, read row by row.

Used when asked (``engine="frictionless"``), for a schema with ``foreignKeys`` (frictionless resolves them while
streaming) or a field the engine's own readers do not implement exactly (``table_schema.unsupported_reason``),
and for a file the columnar reader cannot read exactly as frictionless would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from frictionless import Dialect, FrictionlessException, Resource, Schema, system
from frictionless.formats import CsvControl

from ppid.validation import workbook
from ppid.validation.row_by_row import SourceRow, check_row_by_row
from ppid.validation.rows import TableRows, data_rows, frictionless_schema
from ppid.validation.sniff import FileFormat

READ_ERRORS = (FrictionlessException, workbook.UnreadableWorkbookError, csv.Error, UnicodeError, OSError)
"""What reading a table can raise part-way: the table is reported ``unreadable`` from that row on."""


def check_with_frictionless(rows: TableRows) -> list[Path]:
    """frictionless's own row stream: the reference engine, for what the engine's own readers do not read."""
    return check_row_by_row(rows, FrictionlessRows(rows))


class FrictionlessRows:
    """The data rows of a table as frictionless's ``Resource.row_stream`` reads and types them."""

    scratch = "f"
    read_errors = READ_ERRORS

    def __init__(self, rows: TableRows) -> None:
        self.table_rows = rows

    def rows(self) -> Iterator[SourceRow]:
        resource, offset = _resource(self.table_rows)
        with system.use_context(trusted=True), resource:
            for row in resource.row_stream:
                errors = row.errors
                yield SourceRow(row.row_number + offset, [None if cell is None else str(cell) for cell in row.cells],
                                row, errors, bool(errors) and errors[0].type == "blank-row")

    @staticmethod
    def error_detail(error: BaseException) -> str:
        return error.error.message if isinstance(error, FrictionlessException) else str(error)


def _resource(rows: TableRows) -> tuple[Resource, int]:
    """The Frictionless resource for the data rows, and what to add to its row numbers to get the file's."""
    sniffed, columns = rows.sniffed, rows.columns
    schema = Schema.from_descriptor(frictionless_schema(rows.descriptor, columns))
    if sniffed.format == FileFormat.CSV:
        dialect = Dialect(header=False, comment_rows=list(range(1, sniffed.header_row + 1)),
                          controls=[CsvControl(delimiter=sniffed.delimiter)])
        return Resource(str(rows.path), format="csv", encoding=sniffed.encoding, schema=schema,
                        dialect=dialect), 0

    def source() -> Iterator[list[str | None]]:
        sheet_rows = workbook.iter_rows(rows.path, sniffed.format, sniffed.sheet)
        return data_rows(sheet_rows, sniffed.header_row, len(columns))

    return Resource(data=source, schema=schema, dialect=Dialect(header=False)), sniffed.header_row
