"""The validation report: what a data officer reads, and what is stored as JSON with each file.

Problems are grouped by cause and column, each with a count, the first examples and the rows
concerned. Sentences are not stored as the source of truth: ``code`` and ``params`` are, and the
sentences are rendered in the reader's language (``to_dict`` adds them, rendered in the language
active at that moment, for clients that just display JSON).
"""

from __future__ import annotations

import csv
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, NamedTuple

from ppid.i18n import _, ngettext
from ppid.validation.causes import CAUSES, Context, Severity, number
from ppid.validation.rowlog import LoggedRow, Note, read_row_log

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Example:
    row: int | None = None
    column: str | None = None
    value: str | None = None
    related_row: int | None = None
    """For a duplicate: the earlier row holding the same value."""

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "related_row": self.related_row}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Example:
        return cls(data.get("row"), data.get("column"), data.get("value"), data.get("related_row"))


@dataclass
class Problem:
    """One group: every occurrence of one cause in one column (or in the table, when column is None)."""

    code: str
    column: str | None = None
    count: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    rows: list[list[int]] = field(default_factory=list)
    """Rows concerned as [first, last] ranges, at most a few hundred ranges (see ``more_rows``)."""
    more_rows: bool = False
    """True when more rows are concerned than ``rows`` lists; the rows-to-fix file has them all."""

    @property
    def severity(self) -> Severity:
        return CAUSES[self.code].severity

    def _context(self, value: str | None = None, related_row: int | None = None) -> Context:
        return Context(column=self.column, count=self.count, params=self.params, value=value, related_row=related_row)

    @property
    def message(self) -> str:
        return CAUSES[self.code].message(self._context())

    @property
    def hint(self) -> str:
        return CAUSES[self.code].hint(self._context())

    def note(self, value: str | None = None, related_row: int | None = None) -> str:
        """The short explanation of one occurrence, for the rows-to-fix file."""
        return CAUSES[self.code].note(self._context(value, related_row))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "column": self.column,
            "count": self.count,
            "params": self.params,
            "examples": [example.to_dict() for example in self.examples],
            "rows": self.rows,
            "more_rows": self.more_rows,
            "message": self.message,
            "hint": self.hint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(
            code=data["code"],
            column=data.get("column"),
            count=data.get("count", 0),
            params=dict(data.get("params") or {}),
            examples=[Example.from_dict(example) for example in data.get("examples", [])],
            rows=[list(pair) for pair in data.get("rows", [])],
            more_rows=data.get("more_rows", False),
        )


@dataclass
class TableReport:
    """The result for one table: a file, the chosen sheet of a workbook, or one member of a ZIP."""

    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    labels: list[str | None] = field(default_factory=list)
    """Column titles as found in the file, in file order."""
    fields: list[str | None] = field(default_factory=list)
    """The schema field read from each column (None: extra, untitled or repeated column)."""
    rows_checked: int = 0
    complete: bool = True
    """False when validation stopped at the configured error limit."""
    engine: str | None = None
    """Which engine read the rows: ``kolom`` (the columnar engine), ``baris`` (row by row, for a small table) or
    ``frictionless`` (the reference, and the fallback)."""
    engine_reason: str | None = None
    """Why that engine rather than the columnar one, e.g. ``berkas kecil``, or a quoting the columnar reader does not
    read exactly."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def error_count(self) -> int:
        return sum(problem.count for problem in self.errors)

    @property
    def valid(self) -> bool:
        return not self.errors

    def problem(self, code: str, column: str | None = None) -> Problem | None:
        return next((p for p in self.problems if p.code == code and p.column == column), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "labels": self.labels,
            "fields": self.fields,
            "rows_checked": self.rows_checked,
            "complete": self.complete,
            "engine": self.engine,
            "engine_reason": self.engine_reason,
            "valid": self.valid,
            "error_count": self.error_count,
            "problems": [problem.to_dict() for problem in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableReport:
        return cls(
            name=data["name"],
            format=data["format"],
            encoding=data.get("encoding"),
            delimiter=data.get("delimiter"),
            sheet=data.get("sheet"),
            header_row=data.get("header_row"),
            labels=list(data.get("labels", [])),
            fields=list(data.get("fields", [])),
            rows_checked=data.get("rows_checked", 0),
            complete=data.get("complete", True),
            engine=data.get("engine"),
            engine_reason=data.get("engine_reason"),
            problems=[Problem.from_dict(problem) for problem in data.get("problems", [])],
        )


@dataclass
class ValidationReport:
    tables: list[TableReport] = field(default_factory=list)
    schema_name: str | None = None

    @property
    def valid(self) -> bool:
        return bool(self.tables) and all(table.valid for table in self.tables)

    @property
    def complete(self) -> bool:
        return all(table.complete for table in self.tables)

    @property
    def error_count(self) -> int:
        return sum(table.error_count for table in self.tables)

    @property
    def rows_checked(self) -> int:
        return sum(table.rows_checked for table in self.tables)

    @property
    def summary(self) -> str:
        """One sentence for lists and logs: the verdict and the first thing to fix."""
        if self.valid:
            return ngettext("Data sesuai skema: %(baris)s baris diperiksa.",
                            "Data sesuai skema: %(baris)s baris diperiksa.",
                            self.rows_checked, baris=number(self.rows_checked))
        errors = [problem for table in self.tables for problem in table.errors]
        first = errors[0].message if errors else ""
        return ngettext("Data tidak sesuai skema: %(jumlah)s kesalahan. Yang pertama: %(pertama)s",
                        "Data tidak sesuai skema: %(jumlah)s kesalahan. Yang pertama: %(pertama)s",
                        self.error_count, jumlah=number(self.error_count), pertama=first)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_name": self.schema_name,
            "valid": self.valid,
            "complete": self.complete,
            "error_count": self.error_count,
            "rows_checked": self.rows_checked,
            "summary": self.summary,
            "tables": [table.to_dict() for table in self.tables],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        return cls(tables=[TableReport.from_dict(t) for t in data.get("tables", [])],
                   schema_name=data.get("schema_name"))


class Finding(NamedTuple):
    table: int
    """Index of the table in ``report.tables`` (0 unless the file was an archive)."""
    row: int
    column: str | None
    """The schema field (or column label) the finding is about; None for a whole-row finding."""
    code: str
    """The cause code, a key of ``causes.CAUSES``."""


@dataclass
class ValidationResult:
    """The report plus the scratch files from which the rows-to-fix CSV is written; close it when done."""

    report: ValidationReport
    row_logs: list[list[Path]] = field(default_factory=list)
    """Per table, the row logs (each in row order) that make up its rows to fix."""
    workdir: TemporaryDirectory | None = None
    rows_kept: bool = True
    """False when validated with ``rows_to_fix=False``: the report only."""

    def close(self) -> None:
        if self.workdir is not None:
            self.workdir.cleanup()
            self.workdir = None

    def findings(self) -> Iterator[Finding]:
        """Every row-level finding of every table, in row order per table: what the parity suite compares
        with frictionless, and what the rows-to-fix CSV is made of."""
        self.require_rows()
        for index, logs in enumerate(self.row_logs):
            for logged in _merged(logs):
                for note in logged.notes:
                    yield Finding(index, logged.row, note.column, note.code)

    def require_rows(self) -> None:
        """Refuse to read rows that ``rows_to_fix=False`` never kept (rather than answer "no rows to fix")."""
        if not self.rows_kept:
            raise ValueError("validated with rows_to_fix=False: no rows were kept")

    def __enter__(self) -> ValidationResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def neutralise(value: str | None) -> str:
    """Make a cell inert in a spreadsheet: text starting with = + - @ tab or CR gets a leading apostrophe."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_rows_to_fix(result: ValidationResult, destination: Path, *, delimiter: str | None = None) -> int:
    """Write every row that needs fixing, with its original row number and what is wrong; returns the row count.

    Columns: (the table, for a ZIP), the row number, the schema fields, any extra columns, and the
    explanation, in the current language. The separator defaults to the one the officer's own CSV
    used (``;`` in Indonesian-locale Excel), else a comma. The file is UTF-8 with BOM so Excel
    shows accented names correctly, and every cell is neutralised against formula injection.
    """
    result.require_rows()
    tables = result.report.tables
    if delimiter is None:
        delimiter = next((t.delimiter for t in tables if t.delimiter), ",")
    several = len(tables) > 1
    columns: dict[str, None] = {}
    for table in tables:
        for position, label in enumerate(table.labels, start=1):
            columns.setdefault(_column_name(table, position, label))
    header = ([_("berkas")] if several else []) + [_("baris"), *columns, _("masalah")]
    written = 0
    with destination.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow([neutralise(cell) for cell in header])
        for table, logs in zip(tables, result.row_logs, strict=True):
            names = [_column_name(table, position, label) for position, label in enumerate(table.labels, start=1)]
            for row, cells, notes in _merged(logs):
                by_column = dict(zip(names, cells, strict=False))
                line = ([table.name] if several else []) + [str(row)]
                line += [by_column.get(name) or "" for name in columns]
                line.append("; ".join(_explain(table, note) for note in notes))
                writer.writerow([neutralise(cell) for cell in line])
                written += 1
    return written


def _column_name(table: TableReport, position: int, label: str | None) -> str:
    name = table.fields[position - 1] if position <= len(table.fields) else None
    return name or label or _("kolom_%(nomor)s", nomor=position)


def _explain(table: TableReport, note: Note) -> str:
    problem = table.problem(note.code, note.column) or Problem(code=note.code, column=note.column)
    return problem.note(note.value, note.related_row)


def _merged(logs: list[Path]) -> Iterator[LoggedRow]:
    """Rows from several row-ordered logs as one row-ordered stream, notes of the same row joined."""
    streams = heapq.merge(*(read_row_log(path) for path in logs), key=lambda logged: logged.row)
    for row, group in itertools.groupby(streams, key=lambda logged: logged.row):
        entries = list(group)
        cells = max((entry.cells for entry in entries), key=len)
        yield LoggedRow(row, cells, [note for entry in entries for note in entry.notes])
