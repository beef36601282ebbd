"""The ``baris`` engine: a small table read row by row in Python, each cell by the engine's own readers.

For a CSV under ``SMALL_FILE_BYTES`` starting the columnar engine (importing polars and pyarrow, ~0.3 s) costs
more than reading the whole file, and frictionless's row stream costs its import and set-up (~0.3 s) and ~20 µs a
cell. Here the file is split by the csv module exactly as the columnar engine splits a row it reads alone (and
as frictionless does: ``"`` quotes, doubled quotes, no escape character), numbered as frictionless numbers rows
(records, the header's included), and every cell goes through its field's cell reader, remembered per distinct
value; ``row_by_row.py`` does the rest, as for the frictionless engine. Asked for (``--engine baris``) it reads
workbooks too, their rows as ``workbook.py`` gives them to every engine.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from ppid.validation import workbook
from ppid.validation.row_by_row import CellJudge, SourceRow, read_row
from ppid.validation.rows import TableRows, data_rows, frictionless_schema
from ppid.validation.sniff import FileFormat
from ppid.validation.table_schema import load_schema_descriptor

FIELD_SIZE_LIMIT = 2_147_483_646
"""The longest cell the csv module may read: frictionless's own setting, so a long text cell reads the same."""


class PythonRows:
    """The data rows of one table below its header, read and typed by the engine's own cell readers."""

    scratch = "b"
    read_errors = (csv.Error, UnicodeError, OSError, workbook.UnreadableWorkbookError)

    def __init__(self, rows: TableRows) -> None:
        self.table_rows = rows
        schema = load_schema_descriptor(frictionless_schema(rows.descriptor, rows.columns))
        self.names = [item.name for item in schema.fields]
        self.cells = [CellJudge(item, item.create_cell_reader(), rows.judge) for item in schema.fields]

    def rows(self) -> Iterator[SourceRow]:
        sniffed = self.table_rows.sniffed
        header_row = sniffed.header_row or 0
        if sniffed.format != FileFormat.CSV:
            sheet_rows = workbook.iter_rows(self.table_rows.path, sniffed.format, sniffed.sheet)
            for number, cells in enumerate(data_rows(sheet_rows, header_row, len(self.names)), start=header_row + 1):
                findings, errors, values, blank = read_row(self.names, self.cells, cells)
                yield SourceRow(number, cells, values, errors, blank, findings)
            return
        if csv.field_size_limit() < FIELD_SIZE_LIMIT:
            csv.field_size_limit(FIELD_SIZE_LIMIT)
        with self.table_rows.path.open(encoding=sniffed.encoding or "utf-8", newline="") as stream:
            records = csv.reader(stream, delimiter=sniffed.delimiter or ",", quotechar='"', doublequote=True)
            for number, cells in enumerate(records, start=1):
                if number <= header_row:
                    continue
                findings, errors, values, blank = read_row(self.names, self.cells, cells)
                yield SourceRow(number, cells, values, errors, blank, findings)

    @staticmethod
    def error_detail(error: BaseException) -> str:
        return str(error)

