"""The reference engine: frictionless's own row stream, read row by row.

Used when asked (``engine="frictionless"``), for a file small enough that starting the columnar engine
would cost more than reading it, for a schema with ``foreignKeys`` (frictionless resolves them while
streaming), and for a file the columnar reader cannot read exactly as frictionless would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from frictionless import Dialect, FrictionlessException, Resource, Schema, system
from frictionless.formats import CsvControl

from ppid.validation import workbook
from ppid.validation.rowlog import Note, RowLogWriter
from ppid.validation.rows import PROGRESS_EVERY, TableRows, data_rows, frictionless_schema
from ppid.validation.sniff import FileFormat

READ_ERRORS = (FrictionlessException, workbook.UnreadableWorkbookError, csv.Error, UnicodeError, OSError)
"""What reading a table can raise part-way: the table is reported ``unreadable`` from that row on."""


def check_with_frictionless(rows: TableRows) -> list[Path]:
    """frictionless's own row stream: the reference engine, for what the columnar reader does not read."""
    table, columns, collector = rows.table, rows.columns, rows.collector
    header_row = rows.sniffed.header_row
    finder = rows.duplicate_finder("kunci-f.duckdb")
    untitled = [index for index, name in enumerate(columns) if name is None and not rows.sniffed.labels[index]]
    untitled_seen: dict[int, tuple[int, str]] = {}
    blank_rows: list[list[int]] = []
    log = RowLogWriter(rows.work / "baris-f.jsonl")
    last_row, stopped, readable = header_row, False, True
    try:
        resource, offset = _resource(rows)
        with system.use_context(trusted=True), resource:
            for row in resource.row_stream:
                number = last_row = row.row_number + offset
                errors = row.errors
                if errors and errors[0].type == "blank-row":
                    if blank_rows and blank_rows[-1][1] == number - 1:
                        blank_rows[-1][1] = number
                    else:
                        blank_rows.append([number, number])
                    continue
                table.rows_checked += 1 + _flush_blank_rows(rows, blank_rows, log)
                cells = [None if cell is None else str(cell) for cell in row.cells]
                findings, broken = rows.judge.row_problems(row, number, cells, errors)
                if finder is not None:
                    finder.add(number, {name: row[name] for name in finder.fields}, broken)
                for index in untitled:
                    if index not in untitled_seen and index < len(cells) and (cells[index] or "").strip():
                        untitled_seen[index] = (number, cells[index])
                rows.commit_row(log, number, cells, findings)
                if rows.progress is not None and table.rows_checked % PROGRESS_EVERY == 0:
                    rows.report_progress()
                if rows.limit and collector.error_count >= rows.limit:
                    stopped = True
                    break
    except READ_ERRORS as error:
        readable = False
        detail = error.error.message if isinstance(error, FrictionlessException) else str(error)
        collector.add("unreadable", params={"detail": detail, "row": last_row})
    finally:
        log.close()

    def reread(candidates: Iterator[int]) -> Iterator[tuple[int, Mapping[str, Any], list[str | None]]]:
        """The candidate rows read again; where the file stopped being readable the first pass said so
        (``unreadable``), and the rows read again until there are all the duplicates there are to report."""
        wanted = next(candidates, None)
        if wanted is None:
            return
        try:
            resource, offset = _resource(rows)
            with system.use_context(trusted=True), resource:
                for row in resource.row_stream:
                    if wanted is None:
                        return
                    if wanted == row.row_number + offset:
                        yield wanted, row, [None if cell is None else str(cell) for cell in row.cells]
                        wanted = next(candidates, None)
        except READ_ERRORS:
            return

    return rows.finish([log.path], finder, reread, stopped=stopped, readable=readable,
                       last_row=last_row, untitled_seen=untitled_seen)


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


def _flush_blank_rows(rows: TableRows, blank_rows: list[list[int]], log: RowLogWriter) -> int:
    """Report blank rows met before this data row (blank rows at the very end are not reported)."""
    count = 0
    for first, last in blank_rows:
        for number in range(first, last + 1):
            rows.collector.add("blank-row", row=number)
            log.write(number, [], [Note("blank-row", None)])
            count += 1
    blank_rows.clear()
    return count

