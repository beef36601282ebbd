"""The ``baris`` engine: a small table read row by row in Python, each cell by the engine's own readers.

For a CSV under ``SMALL_FILE_BYTES`` (640 KB: below the measured sizes where the two engines tie) starting the
columnar engine (importing polars, 0.1-0.16 s, and its own modules) costs more than reading the whole file, and
frictionless's row stream costs its import and set-up (~0.3 s) and ~20 µs a cell. Here the file is split by the csv
module exactly as the columnar engine splits a row it reads alone (and as frictionless does: ``"`` quotes, doubled
quotes, no escape character), numbered as frictionless numbers rows (records, the header's included), and judged
in blocks of ``BLOCK_ROWS``, column by column: each distinct cell is read and classified once (``CellJudge``), and a
row's values are looked up only when a check asks; ``row_by_row.py`` does the rest, as for the frictionless engine.
Bench file c (16,000 rows, 1.7 MB, 79,680 findings) takes 0.5-0.8 s in-process so, against 0.3 s for the columnar
engine once polars is loaded: above the threshold the columnar engine stays faster, imports included. Asked for
(``--engine baris``) it reads workbooks too, their rows as ``workbook.py`` gives them to every engine.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from ppid.validation import workbook
from ppid.validation.findings import CellError, RowFinding
from ppid.validation.row_by_row import CellJudge, SourceRow, read_row
from ppid.validation.rows import TableRows, data_rows, frictionless_schema
from ppid.validation.sniff import FileFormat
from ppid.validation.table_schema import load_schema_descriptor

FIELD_SIZE_LIMIT = 2_147_483_646
"""The longest cell the csv module may read: frictionless's own setting, so a long text cell reads the same."""
BLOCK_ROWS = 4096
"""Rows judged together, column by column (``PythonRows._block``)."""


class PythonRows:
    """The data rows of one table below its header, read and typed by the engine's own cell readers."""

    scratch = "b"
    read_errors = (csv.Error, UnicodeError, OSError, workbook.UnreadableWorkbookError)

    def __init__(self, rows: TableRows) -> None:
        self.table_rows = rows
        schema = load_schema_descriptor(frictionless_schema(rows.descriptor, rows.columns))
        self.names = [item.name for item in schema.fields]
        self.cells = [CellJudge(item, item.create_cell_reader(), rows.judge) for item in schema.fields]
        self.positions = {name: position for position, name in enumerate(self.names)}

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
            for _ in itertools.islice(records, header_row):
                pass
            number = header_row + 1
            while block := list(itertools.islice(records, BLOCK_ROWS)):
                yield from self._block(number, block)
                number += len(block)

    def _block(self, first: int, block: list[list[str]]) -> Iterator[SourceRow]:
        """A block of rows, those of the header's width judged column by column (a list comprehension per column
        instead of a loop over each row's cells: c's 192,000 cells took 0.43 s row by row, 0.15 s so), the others
        (a blank line, a short or long row) by ``read_row``."""
        width = len(self.names)
        regular = [cells for cells in block if len(cells) == width]
        answers = []
        for judge, column in zip(self.cells, zip(*regular, strict=True), strict=bool(regular)):
            known = judge.answers.get
            answers.append([known(cell) or judge(cell) for cell in column])
        found: dict[int, list[RowFinding]] = {}
        for column in answers:
            for index in [index for index, answer in enumerate(column) if answer[1]]:
                found.setdefault(index, []).extend(column[index][1])
        blank = [index for index, answer in enumerate(answers[0]) if answer[2]] if answers else []
        for column in answers[1:]:
            blank = [index for index in blank if column[index][2]]
        blank_rows = set(blank)
        index = 0
        for number, cells in enumerate(block, start=first):
            if len(cells) != width:
                findings, errors, values, is_blank = read_row(self.names, self.cells, cells)
                yield SourceRow(number, cells, values, errors, is_blank, findings)
                continue
            values = _RowValues(self.positions, answers, index)
            if index in blank_rows:
                yield SourceRow(number, cells, values, [CellError("blank-row")], True)
            else:
                yield SourceRow(number, cells, values, (), False, found.get(index, ()))
            index += 1

    @staticmethod
    def error_detail(error: BaseException) -> str:
        return str(error)



class _RowValues(Mapping[str, Any]):
    """One row's values in a block judged column by column, looked up when asked: most rows are asked for their
    key fields alone, or nothing."""

    __slots__ = ("_answers", "_index", "_positions")

    def __init__(self, positions: dict[str, int], answers: list[list[tuple[Any, Any, bool]]], index: int) -> None:
        self._positions, self._answers, self._index = positions, answers, index

    def __getitem__(self, name: str) -> Any:
        return self._answers[self._positions[name]][self._index][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)
