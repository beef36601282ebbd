"""One table's rows as both engines check them: the schema as frictionless reads the file, and what follows.

``TableRows`` carries what a row check needs (the sniffed file, its columns, the ``Judge``, the problem
collector, the error limit, progress) and does what both engines do the same way: commit a row's
findings, report progress, find duplicate keys, and add the end-of-table notes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ppid.validation.aggregate import ProblemCollector
from ppid.validation.findings import Judge, RowFinding
from ppid.validation.progress import ProgressCallback, ValidationProgress
from ppid.validation.report import TableReport
from ppid.validation.rowlog import Note, RowLogWriter
from ppid.validation.sniff import Sniffed
from ppid.validation.uniqueness import INTEGER_KINDS, DuplicateFinder

PROGRESS_EVERY = 10_000
"""Rows between two progress calls of the row-by-row engine."""


@dataclass
class TableRows:
    path: Path
    name: str
    """The table's name in the report (``archive.zip/member.csv`` inside an archive)."""
    sniffed: Sniffed
    work: Path
    """Scratch folder of this table: row logs and key stores."""
    descriptor: dict[str, Any]
    columns: list[str | None]
    """The schema field read from each file column (None: unmatched)."""
    judge: Judge
    table: TableReport
    limit: int | None
    progress: ProgressCallback | None
    collector: ProblemCollector = field(default_factory=ProblemCollector)
    keep_rows: bool = True
    """Whether the rows to fix are logged (``validate_table(rows_to_fix=...)``)."""

    @property
    def present(self) -> set[str]:
        return {name for name in self.columns if name}

    def duplicate_finder(self, file_name: str) -> DuplicateFinder | None:
        groups: dict[str, list[str]] = {}
        primary_key = self.descriptor.get("primaryKey") or []
        primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
        if primary_key and set(primary_key) <= self.present:
            groups["primaryKey"] = primary_key
        for name in sorted(self.present):
            if self.judge.specs[name].get("constraints", {}).get("unique"):
                groups[name] = [name]
        integers = {name for fields in groups.values() for name in fields
                    if self.judge.specs[name].get("type", "string") in INTEGER_KINDS}
        return DuplicateFinder(self.work / file_name, groups, integers) if groups else None

    def commit_row(self, log: RowLogWriter, number: int, cells: list[str | None], findings: list[RowFinding]) -> None:
        """Count one row's findings in their groups and log the row for the rows-to-fix file."""
        for finding in findings:
            self.collector.add(finding.code, finding.column, row=number, value=finding.value, params=finding.params)
        if findings and log.keeps:
            log.write(number, cells, [Note(finding.code, finding.column, finding.note_value) for finding in findings])

    def report_progress(self, *, done: bool = False, bytes_read: int | None = None) -> None:
        self.progress(ValidationProgress(
            table=self.name, rows=self.table.rows_checked, errors=self.collector.error_count, bytes_read=bytes_read,
            bytes_total=self.path.stat().st_size, done=done))

    def finish(self, log_paths: list[Path], finder: DuplicateFinder | None,
                reread: Any, *, stopped: bool, readable: bool, last_row: int,
                untitled_seen: dict[int, tuple[int, str]]) -> list[Path]:
        """What comes after the last row: the limit note, untitled columns, duplicates, the empty-table note."""
        table = self.table
        logs = list(log_paths)
        try:
            if stopped:
                table.complete = False
                self.collector.add("limit-reached", params={"limit": self.limit, "last_row": last_row})
            else:
                for index, (row_number, value) in sorted(untitled_seen.items()):
                    self.collector.add("blank-header",
                                       params={"position": index + 1, "example": value, "row": row_number})
                if finder is not None:
                    logs.append(self.duplicates(finder, reread))
                if readable and table.rows_checked == 0:
                    self.collector.add("header-only")
        finally:
            if finder is not None:
                finder.close()
        if self.progress is not None:
            self.report_progress(done=True)
        return logs

    def duplicates(self, finder: DuplicateFinder, reread: Any) -> Path:
        """Report repeated keys, in row order, and log those rows for the rows-to-fix file.

        ``reread`` reads the candidate rows (whose key hash repeats) again: (row, values, cells) in row order.
        """
        for number, values, cells in reread(finder.candidates()):
            finder.add_exact(number, values, cells)
        log = RowLogWriter(self.work / "ganda.jsonl", keep=self.keep_rows)
        try:
            for duplicate in finder.duplicates():
                if self.limit and self.collector.error_count >= self.limit:
                    self.table.complete = False
                    self.collector.add("limit-reached", params={"limit": self.limit, "last_row": duplicate.row})
                    break
                params = {"first_row": duplicate.first_row, "second_row": duplicate.row}
                if duplicate.group == "primaryKey":
                    code, column = "duplicate-key", None
                    params["fields"] = list(finder.groups["primaryKey"])
                else:
                    code, column = "unique", duplicate.group
                self.collector.add(code, column, row=duplicate.row, value=duplicate.key,
                                   related_row=duplicate.first_row, params=params)
                log.write(duplicate.row, duplicate.cells, [Note(code, column, duplicate.key, duplicate.first_row)])
        finally:
            log.close()
        return log.path


def frictionless_schema(descriptor: Mapping[str, Any], columns: list[str | None]) -> dict[str, Any]:
    """The schema as Frictionless must read this file: one field per file column, in file order.

    Unmatched columns become ``any`` fields (the header analysis reports them); ``unique`` and
    ``primaryKey`` are left to ``uniqueness.py``; ppid's own properties are dropped.
    """
    specs = {spec["name"]: spec for spec in descriptor["fields"]}
    fields = []
    for position, name in enumerate(columns, start=1):
        if name is None:
            fields.append({"name": f"_kolom_{position}", "type": "any"})
            continue
        spec = {key: value for key, value in specs[name].items() if key != "ppid"}
        spec["constraints"] = {k: v for k, v in spec.get("constraints", {}).items() if k != "unique"}
        fields.append(spec)
    schema = {"fields": fields, "missingValues": descriptor.get("missingValues", [""])}
    if "$schema" in descriptor:  # Table Schema v2 features (exclusiveMinimum …) need it in frictionless 5
        schema["$schema"] = descriptor["$schema"]
    present = {name for name in columns if name}
    keys = [key for key in foreign_keys(descriptor) if set(key["fields"]) | set(key["reference"]["fields"]) <= present]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def foreign_keys(descriptor: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The schema's foreign keys into this same table (``"resource": ""``), fields as lists.

    A key into another table cannot be checked on one file; region codes are checked through
    ``"ppid": {"referensi": ...}`` instead.
    """
    keys = []
    for key in descriptor.get("foreignKeys") or []:
        reference = key.get("reference") or {}
        if reference.get("resource", "") != "":
            continue
        fields = [key["fields"]] if isinstance(key.get("fields"), str) else list(key.get("fields") or [])
        targets = reference.get("fields")
        targets = [targets] if isinstance(targets, str) else list(targets or [])
        if fields and len(fields) == len(targets):
            keys.append({"fields": fields, "reference": {"resource": "", "fields": targets}})
    return keys


def data_rows(rows: Iterator[list[str | None]], header_row: int, width: int) -> Iterator[list[str | None]]:
    """Workbook rows below the header, padded to the header width, without the blank rows at the end.

    Read-only openpyxl leaves out empty trailing cells, and sheets often carry thousands of
    formatted but empty rows at the bottom; neither is a problem in the data. A cell of spaces is not empty: it is
    a value, as frictionless reads it (a row of them is checked, not a blank row).
    """
    blank = 0
    for number, cells in enumerate(rows, start=1):
        if number <= header_row:
            continue
        if not any(cells):
            blank += 1
            continue
        yield from ([] for _ in range(blank))
        blank = 0
        while len(cells) > width and not cells[-1]:
            cells = cells[:-1]
        yield cells + [None] * (width - len(cells))
