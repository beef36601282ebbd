"""Checking a table one row at a time, in file order: the loop the two row-by-row engines share.

The ``baris`` engine (``csv_rows.py``: Python's csv module and the cell readers of ``table_schema.py``) reads a
small CSV this way, because starting the columnar engine (polars, pyarrow) would take longer than the reading;
the ``frictionless`` engine (``frictionless_rows.py``: frictionless's own row stream) reads what only frictionless
reads exactly. Each gives ``SourceRow``s; this loop judges, logs and counts them, records keys, reports blank rows,
progress and the error limit, and reads the rows with repeated keys again, the same way for both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ppid.validation.findings import CellError, Judge, RowFinding, pattern_cause
from ppid.validation.rowlog import Note, RowLogWriter
from ppid.validation.rows import PROGRESS_EVERY, TableRows
from ppid.validation.table_schema import Field

CellReader = Callable[[Any], tuple[Any, dict[str, str] | None]]
"""A field's cell reader: the cell's value and its notes (``{"type": …}`` or one per failed constraint)."""
CACHE_LIMIT = 50_000
"""Distinct cell values remembered per column; beyond that the reader is simply called again."""


class CachedReader:
    """A field's cell reader remembering its answer per distinct cell value: a column repeats its values."""

    def __init__(self, reader: CellReader) -> None:
        self._reader = reader
        self._answers: dict[Any, tuple[Any, dict[str, str] | None]] = {}

    def __call__(self, cell: Any) -> tuple[Any, dict[str, str] | None]:
        answer = self._answers.get(cell)
        if answer is None:
            answer = self._reader(cell)
            if len(self._answers) < CACHE_LIMIT:
                self._answers[cell] = answer
        return answer


_NONE: list[RowFinding] = []
"""A valid cell's findings (shared: never appended to)."""


class CellJudge:
    """A field's cell reader and the ``Judge``'s findings on its cells, remembered per distinct cell value.

    A column repeats its values, and a bad value its findings: each distinct cell is read and classified once, by
    both engines (the columnar engine for the values its vectorised checks do not clear, ``baris`` for every cell).
    A plain string field whose only constraint besides ``required`` is a ``pattern`` (region codes: a real file
    had 30,000 distinct codes written ``3201.0``) skips the reader and the ``Judge``'s general steps: 1 µs a value
    instead of 4. Values that are not text (a workbook's numbers, dates) are read each time: ``1``, ``1.0`` and
    ``True`` are one dictionary key, but not one cell in the report."""

    def __init__(self, item: Field, reader: CellReader, judge: Judge) -> None:
        self.name, self.reader, self.judge = item.name, reader, judge
        self.answers: dict[str | None, tuple[Any, list[RowFinding], bool]] = {}
        self._pattern = self._pattern_match(item, judge.specs.get(item.name))
        self._missing = frozenset(item.effective_missing_values)
        self._missing_answer: tuple[Any, list[RowFinding], bool] | None = None

    @staticmethod
    def _pattern_match(item: Field, spec: Mapping[str, Any] | None) -> Callable[[str], Any] | None:
        constraints = {name: item.constraints[name] for name in item.supported_constraints
                       if item.constraints.get(name) is not None}
        if (spec is None or item.type != "string" or item.format != "default" or "pattern" not in constraints
                or not set(constraints) <= {"required", "pattern"}):
            return None
        return re.compile(f"^{constraints['pattern']}$").match  # as ``table_schema._check`` compiles it

    def __call__(self, cell: Any) -> tuple[Any, list[RowFinding], bool]:
        """The cell's value, its findings, and whether it counts as empty for a blank row (no value, not a type
        error)."""
        text = cell is None or type(cell) is str
        answer = self.answers.get(cell) if text else None
        if answer is None:
            answer = self._judge(cell)
            if text and len(self.answers) < CACHE_LIMIT:
                self.answers[cell] = answer
        return answer

    def float_code(self, texts: Sequence[str]) -> RowFinding | None:
        """The one finding of every text of ``texts``, each of which the caller found to match ``FLOAT_INTEGER``, with
        no value (the columnar engine quotes each row's own cell): a file of 16,000 villages had 31,790 distinct codes
        written ``3201.0``, 3 µs each to judge one by one. None unless the pattern shortcut would judge every one of
        them (``pattern_cause``): a missing value, or a text the ``pattern`` accepts, is for ``__call__``."""
        if (not texts or self._pattern is None or not self._missing.isdisjoint(texts)
                or any(map(self._pattern, texts))):
            return None
        code, params = pattern_cause(self.judge.specs[self.name], texts[0])
        return RowFinding(code, self.name, None, params, None)

    @property
    def pattern_only(self) -> bool:
        """Whether the field's text cells are judged by its ``pattern`` alone (``_pattern_match``)."""
        return self._pattern is not None

    def missing_cell(self) -> tuple[Any, list[RowFinding], bool]:
        """A cell the row lacks, as ``__call__`` answers: its findings quote it as frictionless's error does
        (``"None"``)."""
        if self._missing_answer is None:
            target, notes = self.reader(None)
            self._missing_answer = (target, self.judge.cell_findings(self.name, "None", notes) if notes else _NONE,
                                    target is None and not (notes and "type" in notes))
        return self._missing_answer

    def _judge(self, cell: Any) -> tuple[Any, list[RowFinding], bool]:
        if self._pattern is not None and type(cell) is str and cell not in self._missing:
            if self._pattern(cell):
                return cell, _NONE, False
            code, params = pattern_cause(self.judge.specs[self.name], cell)
            return cell, [RowFinding(code, self.name, cell, params, cell)], False
        target, notes = self.reader(cell)
        if notes:
            return target, self.judge.cell_findings(self.name, cell, notes), target is None and "type" not in notes
        return target, _NONE, target is None


@dataclass(slots=True)
class SourceRow:
    number: int
    """The row's number in the file (header rows counted), as frictionless numbers it."""
    cells: list[str | None]
    values: Mapping[str, Any]
    """Field name → the cell's value (None when missing or unreadable)."""
    errors: Sequence[Any]
    """Frictionless errors or ``CellError``s, in frictionless's order, after ``findings``; empty for a valid row."""
    blank: bool
    findings: Sequence[RowFinding] = ()
    """The row's cell findings already classified (the ``baris`` engine's ``CellJudge``s), before ``errors``."""


class RowSource(Protocol):
    """Where a row-by-row engine gets its rows: read once to check, and again for the rows with a repeated key."""

    scratch: str
    """Suffix of the engine's scratch files, so that two engines on one table never share them."""
    read_errors: tuple[type[BaseException], ...]
    """What reading can raise part-way: the table is reported ``unreadable`` from that row on."""

    def rows(self) -> Iterator[SourceRow]: ...

    def error_detail(self, error: BaseException) -> str: ...


def read_row(names: Sequence[str], cells_judges: Sequence[CellJudge], cells: Sequence[Any]) -> tuple[
        list[RowFinding], list[CellError], dict[str, Any], bool]:
    """One row as frictionless's ``Row`` reads it: its cells' findings in frictionless's order, the errors of its
    shape (extra or missing cells) after them, the values, and whether it is blank."""
    findings: list[RowFinding] = []
    values: dict[str, Any] = {}
    blank = 0
    width = len(names)
    count = len(cells)
    for position, (name, judge) in enumerate(zip(names, cells_judges, strict=True)):
        if position < count:
            cell = cells[position]
            answer = judge.answers.get(cell) if type(cell) is str else None  # inline: 12 calls a row cost 0.1 s on c
            target, found, empty = answer if answer is not None else judge(cell)
        else:
            target, found, empty = judge.missing_cell()
        if empty:
            blank += 1
        if found:
            findings.extend(found)
        values[name] = target
    if blank == width:
        return [], [CellError("blank-row")], values, True
    errors = [CellError("extra-cell", "", str(cells[position - 1]), "", position)
              for position in range(width + 1, count + 1)]
    errors += [CellError("missing-cell", "", "", names[position - 1], position)
               for position in range(count + 1, width + 1)]
    return findings, errors, values, False


def holds_text(cells: Sequence[Any]) -> bool:
    """Whether a blank row still has something written in it (a value beyond the labelled columns, a missing-value
    marker such as ``NA``): not what a sheet leaves at its bottom, so it is reported even after the last data row,
    as frictionless reports it, and the officer sees the value that no column holds."""
    return any(cell is not None and str(cell).strip() for cell in cells)


def check_row_by_row(rows: TableRows, source: RowSource) -> list[Path]:
    """Every data row of ``source`` judged in file order; returns the row logs for the rows-to-fix file."""
    table, columns, collector = rows.table, rows.columns, rows.collector
    finder = rows.duplicate_finder(f"kunci-{source.scratch}.duckdb")
    untitled = [index for index, name in enumerate(columns) if name is None and not rows.sniffed.labels[index]]
    untitled_seen: dict[int, tuple[int, str]] = {}
    blank_rows: list[list[int]] = []
    log = RowLogWriter(rows.work / f"baris-{source.scratch}.jsonl", keep=rows.keep_rows)
    last_row, stopped, readable = rows.sniffed.header_row, False, True
    try:
        for row in source.rows():
            number = last_row = row.number
            if row.blank:
                if blank_rows and blank_rows[-1][1] == number - 1:
                    blank_rows[-1][1] = number
                else:
                    blank_rows.append([number, number])
                if holds_text(row.cells):
                    table.rows_checked += _flush_blank_rows(rows, blank_rows, log)
                continue
            table.rows_checked += 1 + _flush_blank_rows(rows, blank_rows, log)
            cells = row.cells
            findings, broken = rows.judge.row_problems(row.values, number, cells, list(row.errors), row.findings)
            if finder is not None:
                finder.add(number, {name: row.values[name] for name in finder.fields}, broken)
            for index in untitled:
                if index not in untitled_seen and index < len(cells) and (cells[index] or "").strip():
                    untitled_seen[index] = (number, cells[index])
            rows.commit_row(log, number, cells, findings)
            if rows.progress is not None and table.rows_checked % PROGRESS_EVERY == 0:
                rows.report_progress()
            if rows.limit and collector.error_count >= rows.limit:
                stopped = True
                break
    except source.read_errors as error:
        readable = False
        collector.add("unreadable", params={"detail": source.error_detail(error), "row": last_row})
    finally:
        log.close()

    def reread(candidates: Iterator[int]) -> Iterator[tuple[int, Mapping[str, Any], list[str | None]]]:
        """The candidate rows read again; where the file stopped being readable the first pass said so
        (``unreadable``), and the rows read again until there are all the duplicates there are to report."""
        wanted = next(candidates, None)
        if wanted is None:
            return
        try:
            for row in source.rows():
                if wanted is None:
                    return
                if wanted == row.number:
                    yield wanted, row.values, row.cells
                    wanted = next(candidates, None)
        except source.read_errors:
            return

    return rows.finish([log.path], finder, reread, stopped=stopped, readable=readable,
                       last_row=last_row, untitled_seen=untitled_seen)


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
