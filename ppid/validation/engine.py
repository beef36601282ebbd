"""Validating a table file against a Table Schema, streaming, finding every error, with frictionless's findings.

What happens, and why it is not just ``resource.validate()``:

* The file is sniffed first (``sniff.py``): a web page, a PDF or an empty file gets one plain
  problem instead of a reader crash; the encoding is detected from the whole file; a title above
  the header is skipped.
* Column titles are matched to fields here (by name, title or alias, in any order), and the rows
  are checked against a schema in the file's column order with the header row skipped, so
  missing/extra/renamed columns are explained once, in the officer's words, instead of a
  positional ``incorrect-label`` for every column after the first difference.
* Rows are checked by the columnar engine (``columnar.py``, ``_ColumnarRows``): whole batches of
  columns with polars, and every cell the vectorised checks cannot clear through frictionless's own
  cell reader, so the findings are frictionless's at 30 times its speed. ``engine="frictionless"``
  (or a file the columnar reader cannot read exactly) uses ``resource.row_stream`` instead; the
  report says which engine ran and why. Either way each row's errors are folded into groups at
  once (``Resource.validate`` would keep every error object with a copy of its row and stops at
  1000 errors by default); nothing grows with the row count except files on disk.
* Primary keys and ``unique`` columns are checked by hash, then exactly, in ``uniqueness.py``.
* Region codes are checked against a ``Reference`` (``exists(code)``), reported apart from a
  pattern mismatch; ``ppid.row_constraints`` formulas (``formulas.py``) run on rows whose cells are
  all valid.
"""

from __future__ import annotations

import copy
import csv
import difflib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, NamedTuple

import polars as pl
from frictionless import Dialect, FrictionlessException, Resource, Schema, system
from frictionless.formats import CsvControl

from ppid.validation import columnar, workbook
from ppid.validation.aggregate import ProblemCollector
from ppid.validation.archive import ArchiveLimits, UnsafeArchiveError, extract_members
from ppid.validation.formulas import RowFormula, formula_names, vectorised
from ppid.validation.headers import HeaderMatch, header_keys, match_header, normalise_header
from ppid.validation.progress import ProgressCallback, ValidationProgress
from ppid.validation.reference import Reference, region_codes
from ppid.validation.report import TableReport, ValidationReport, ValidationResult
from ppid.validation.rowlog import Note, RowLogWriter
from ppid.validation.schemas import load_schema
from ppid.validation.sniff import TABLE_FORMATS, WORKBOOK_FORMATS, FileFormat, Sniffed, sniff
from ppid.validation.uniqueness import DuplicateFinder, key_hash

_TOTAL_HINT = "jumlah|total|jml"
"""Lower-case text in any cell of a possible "JUMLAH"/"TOTAL" row; such rows are read alone to decide."""
_FLOAT_INTEGER = re.compile(r"^\s*[+-]?\d+\.0+\s*$")
_ID_NUMBER = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)\s*$")
_PROGRESS_EVERY = 10_000
_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_TOTAL_WORDS = {"jumlah", "total", "jumlah total", "total keseluruhan", "grand total", "jumlah seluruhnya", "jml",
                "sub total", "subtotal"}
_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)", "utf-16": "UTF-16"}
_LIMITS = {"minimum": ("minimum", False), "exclusiveMinimum": ("minimum", True),
           "maximum": ("maximum", False), "exclusiveMaximum": ("maximum", True)}


ENGINE_COLUMNAR = "kolom"
ENGINE_FRICTIONLESS = "frictionless"
ENGINES = (ENGINE_COLUMNAR, ENGINE_FRICTIONLESS)


class InvalidSchemaError(ValueError):
    """The schema itself is not a valid Table Schema: a fault of the schema author, not of the data."""


def validate_file(
    path: Path,
    *,
    schema_name: str,
    schemas_dir: Path,
    limit_errors: int | None = None,
    sheet: str | int | None = None,
    reference: Reference | None = None,
    progress: ProgressCallback | None = None,
    engine: str = ENGINE_COLUMNAR,
) -> ValidationResult:
    """``validate_table`` with the schema looked up by name in ``schemas_dir``, and by default the region code
    list shipped beside it, so that a file is checked exactly as the harvester checks it."""
    if reference is None:
        reference = region_codes(schemas_dir)
    result = validate_table(path, load_schema(schemas_dir, schema_name), limit_errors=limit_errors, sheet=sheet,
                            reference=reference, progress=progress, engine=engine)
    result.report.schema_name = schema_name
    return result


def validate_table(
    path: Path | str,
    schema: Mapping[str, Any] | str | Path,
    *,
    limit_errors: int | None = None,
    sheet: str | int | None = None,
    reference: Reference | None = None,
    archive_limits: ArchiveLimits | None = None,
    name: str | None = None,
    progress: ProgressCallback | None = None,
    engine: str = ENGINE_COLUMNAR,
) -> ValidationResult:
    """Validate a CSV, workbook or ZIP of them against a Table Schema (a descriptor or the path of one).

    All errors are found unless ``limit_errors`` is a positive number; then each table stops after
    that many errors and its report says so. ``sheet`` (name or 1-based number) picks a workbook
    sheet, otherwise the sheet whose header best matches the schema is used. ``reference`` checks
    fields carrying ``"ppid": {"referensi": ...}``. ``name`` is shown instead of the file name.
    ``progress`` is called every few thousand rows with a ``ValidationProgress``. ``engine`` ``frictionless``
    reads the rows with frictionless itself (the reference the columnar engine is held to), e.g. to cross-check.
    Close the result (or use ``with``) to remove its scratch files.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if limit_errors is not None and limit_errors < 0:
        raise ValueError("limit_errors must be positive, or 0/None for no limit")
    path = Path(path)
    descriptor = _load_descriptor(schema)
    workdir = TemporaryDirectory(prefix="ppid-validasi-")
    result = ValidationResult(report=ValidationReport(), workdir=workdir)
    try:
        work = Path(workdir.name)
        display = name or path.name
        known = header_keys(descriptor).keys()
        sniffed = sniff(path, sheet=sheet, known_headers=known)
        if sniffed.format != FileFormat.ZIP:
            jobs: list[tuple[str, Path, Sniffed | None]] = [(display, path, sniffed)]
        else:
            unpacked = _unpack(path, display, work / "arsip", archive_limits or ArchiveLimits())
            if isinstance(unpacked, TableReport):
                result.report.tables.append(unpacked)
                result.row_logs.append([])
                return result
            jobs = [(f"{display}/{member}", extracted, None) for member, extracted in unpacked]
        for index, (table_name, table_path, table_sniffed) in enumerate(jobs):
            check = _TableCheck(
                table_path, table_name, descriptor, work / f"tabel-{index}",
                sniffed=table_sniffed or sniff(table_path, sheet=sheet, known_headers=known),
                limit_errors=limit_errors or None, reference=reference, requested_sheet=sheet, progress=progress,
                engine=engine,
            )
            table, logs = check.run()
            result.report.tables.append(table)
            result.row_logs.append(logs)
    except BaseException:
        result.close()
        raise
    return result


def _load_descriptor(schema: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    if isinstance(schema, str | Path):
        with Path(schema).open(encoding="utf-8") as stream:
            schema = json.load(stream)
    descriptor = copy.deepcopy(dict(schema))
    try:
        Schema.from_descriptor(_frictionless_schema(descriptor, [spec["name"] for spec in descriptor["fields"]]))
    except (FrictionlessException, KeyError, TypeError) as error:
        raise InvalidSchemaError(str(error)) from error
    return descriptor


def _frictionless_schema(descriptor: Mapping[str, Any], columns: list[str | None]) -> dict[str, Any]:
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
    keys = [key for key in _foreign_keys(descriptor) if set(key["fields"]) | set(key["reference"]["fields"]) <= present]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def _foreign_keys(descriptor: Mapping[str, Any]) -> list[dict[str, Any]]:
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


def _unpack(path: Path, name: str, target: Path, limits: ArchiveLimits) -> list[tuple[str, Path]] | TableReport:
    """The archive's members, or a report saying why the archive is refused as a whole."""
    target.mkdir()
    collector = ProblemCollector()
    try:
        members = extract_members(path, target, limits)
    except UnsafeArchiveError as error:
        collector.add("archive-rejected", params={
            "reason": error.reason, "detail": error.detail, "max_ratio": limits.max_ratio,
            "max_total_bytes": limits.max_total_bytes, "max_members": limits.max_members})
    else:
        if members:
            return members
        collector.add("archive-empty")
    return TableReport(name=name, format=FileFormat.ZIP.value, problems=collector.problems())


def _data_rows(rows: Iterator[list[str | None]], header_row: int, width: int) -> Iterator[list[str | None]]:
    """Workbook rows below the header, padded to the header width, without the blank rows at the end.

    Read-only openpyxl leaves out empty trailing cells, and sheets often carry thousands of
    formatted but empty rows at the bottom; neither is a problem in the data.
    """
    blank = 0
    for number, cells in enumerate(rows, start=1):
        if number <= header_row:
            continue
        if not any(cell and cell.strip() for cell in cells):
            blank += 1
            continue
        yield from ([] for _ in range(blank))
        blank = 0
        while len(cells) > width and not cells[-1]:
            cells = cells[:-1]
        yield cells + [None] * (width - len(cells))


class _TableCheck:
    """Validation of one table; every problem goes through one ``ProblemCollector``."""

    def __init__(
        self,
        path: Path,
        name: str,
        descriptor: dict[str, Any],
        work: Path,
        *,
        sniffed: Sniffed,
        limit_errors: int | None,
        reference: Reference | None,
        requested_sheet: str | int | None,
        progress: ProgressCallback | None = None,
        engine: str = "kolom",
    ) -> None:
        self.path, self.name, self.descriptor, self.work, self.sniffed = path, name, descriptor, work, sniffed
        self.limit = limit_errors
        self.reference = reference
        self.requested_sheet = requested_sheet
        self.progress = progress
        self.engine = engine
        self.specs = {spec["name"]: spec for spec in descriptor["fields"]}
        self.collector = ProblemCollector()
        self.references: dict[str, str] = {}
        """Field → reference list name, for the fields to look up in ``reference``."""
        self.formulas: list[RowFormula] = []
        work.mkdir(parents=True)

    def run(self) -> tuple[TableReport, list[Path]]:
        sniffed = self.sniffed
        table = TableReport(
            name=self.name, format=sniffed.format.value, encoding=sniffed.encoding, delimiter=sniffed.delimiter,
            sheet=sniffed.sheet, header_row=sniffed.header_row, labels=list(sniffed.labels),
        )
        logs: list[Path] = []
        if self._layout_ok():
            match = match_header(sniffed.labels, self.descriptor)
            table.fields = match.fields
            self._header_problems(match)
            logs = self._check_rows(table, match.fields)
        table.problems = self.collector.problems()
        return table, logs

    # -- the file and its layout -------------------------------------------------------------------

    def _layout_ok(self) -> bool:
        """Report what stands in the way of reading rows; False when rows cannot be read sensibly."""
        sniffed, add = self.sniffed, self.collector.add
        if sniffed.format == FileFormat.EMPTY:
            add("file-empty")
            return False
        if sniffed.format == FileFormat.HTML:
            add("html-page", params={"suffix": self.path.suffix or None})
            return False
        if sniffed.format not in TABLE_FORMATS:
            add("not-a-table", params={"format": sniffed.format.value})
            return False
        if sniffed.unreadable:
            add("unreadable", params={"detail": sniffed.unreadable})
            return False
        if sniffed.format in WORKBOOK_FORMATS:
            if sniffed.sheet is None:
                add("sheet-missing", params={"sheet": str(self.requested_sheet), "sheets": list(sniffed.sheets)})
                return False
            if len(sniffed.sheets) > 1:
                add("sheet-chosen", params={"sheets": list(sniffed.sheets), "sheet": sniffed.sheet})
        elif sniffed.encoding not in ("utf-8", "utf-8-sig"):
            add("encoding", params={"encoding": _ENCODING_NAMES.get(sniffed.encoding or "", sniffed.encoding)})
        if sniffed.header_row is None:
            add("file-empty")
            return False
        if sniffed.header_row > 1:
            add("header-not-first-row", params={"row": sniffed.header_row, "title": sniffed.title})
        if sniffed.merged_header:
            add("merged-header", params={"ranges": list(sniffed.merged_header)})
            return False
        if sniffed.merged_data:
            add("merged-cells", params={"ranges": list(sniffed.merged_data[:12])}, count=len(sniffed.merged_data))
        return True

    def _header_problems(self, match: HeaderMatch) -> None:
        found = [label for label in self.sniffed.labels if label]
        extras = {normalise_header(label): label for _, label in match.extra}
        for name in match.missing:
            spec = self.specs[name]
            close = difflib.get_close_matches(normalise_header(name), list(extras), n=1, cutoff=0.75)
            self.collector.add("missing-column", name, params={
                "required": bool(spec.get("constraints", {}).get("required")), "found": found,
                "title": spec.get("title"), "similar": extras[close[0]] if close else None})
        for position, label in match.extra:
            self.collector.add("extra-column", label, params={"position": position, "expected": list(self.specs)})
        for name, positions in match.duplicates.items():
            self.collector.add("duplicate-column", name, params={"positions": positions})
        if match.renamed:
            renamed = [[label, name] for _, label, name in match.renamed]
            self.collector.add("renamed-columns", params={"renamed": renamed})

    # -- the rows ----------------------------------------------------------------------------------

    def _resource(self, columns: list[str | None]) -> tuple[Resource, int]:
        """The Frictionless resource for the data rows, and what to add to its row numbers to get the file's."""
        sniffed = self.sniffed
        schema = Schema.from_descriptor(_frictionless_schema(self.descriptor, columns))
        if sniffed.format == FileFormat.CSV:
            dialect = Dialect(header=False, comment_rows=list(range(1, sniffed.header_row + 1)),
                              controls=[CsvControl(delimiter=sniffed.delimiter)])
            return Resource(str(self.path), format="csv", encoding=sniffed.encoding, schema=schema,
                            dialect=dialect), 0

        def source() -> Iterator[list[str | None]]:
            rows = workbook.iter_rows(self.path, sniffed.format, sniffed.sheet)
            return _data_rows(rows, sniffed.header_row, len(columns))

        return Resource(data=source, schema=schema, dialect=Dialect(header=False)), sniffed.header_row

    def _check_rows(self, table: TableReport, columns: list[str | None]) -> list[Path]:
        """Check every data row: with the columnar engine, or with frictionless where it cannot read exactly."""
        present = {name for name in columns if name}
        references = {name: (self.specs[name].get("ppid") or {}).get("referensi") for name in present}
        self.references = {name: ref for name, ref in references.items() if ref} if self.reference else {}
        self.formulas = [RowFormula(formula)
                         for formula in (self.descriptor.get("ppid") or {}).get("row_constraints", [])
                         if formula_names(formula) <= present]
        if self.engine == ENGINE_FRICTIONLESS:
            table.engine, table.engine_reason = ENGINE_FRICTIONLESS, "diminta"
            return self._check_rows_frictionless(table, columns, present)
        if "foreignKeys" in _frictionless_schema(self.descriptor, columns):
            table.engine, table.engine_reason = ENGINE_FRICTIONLESS, "foreignKeys"
            return self._check_rows_frictionless(table, columns, present)
        before = copy.deepcopy(self.collector)
        try:
            try:
                return _ColumnarRows(self, table, columns, present, serial=False).run()
            except columnar.RaggedRowsError:
                self.collector = copy.deepcopy(before)
                table.rows_checked = 0
                return _ColumnarRows(self, table, columns, present, serial=True).run()
        except columnar.UnreadableTableError as error:
            self.collector = before
            table.rows_checked, table.complete = 0, True
            table.engine, table.engine_reason = ENGINE_FRICTIONLESS, str(error)
            return self._check_rows_frictionless(table, columns, present)

    def _check_rows_frictionless(self, table: TableReport, columns: list[str | None], present: set[str]) -> list[Path]:
        """frictionless's own row stream: the reference engine, for what the columnar reader does not read."""
        header_row = self.sniffed.header_row
        finder = self._duplicate_finder(present, "kunci-f.duckdb")
        untitled = [index for index, name in enumerate(columns) if name is None and not self.sniffed.labels[index]]
        untitled_seen: dict[int, tuple[int, str]] = {}
        blank_rows: list[list[int]] = []
        log = RowLogWriter(self.work / "baris-f.jsonl")
        last_row, stopped, readable = header_row, False, True
        try:
            resource, offset = self._resource(columns)
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
                    table.rows_checked += 1 + self._flush_blank_rows(blank_rows, log)
                    cells = [None if cell is None else str(cell) for cell in row.cells]
                    findings, broken = self._row_problems(row, number, cells, errors)
                    if finder is not None:
                        finder.add(number, {name: row[name] for name in finder.fields}, broken)
                    for index in untitled:
                        if index not in untitled_seen and index < len(cells) and (cells[index] or "").strip():
                            untitled_seen[index] = (number, cells[index])
                    self._commit_row(log, number, cells, findings)
                    if self.progress is not None and table.rows_checked % _PROGRESS_EVERY == 0:
                        self._report_progress(table)
                    if self.limit and self.collector.error_count >= self.limit:
                        stopped = True
                        break
        except (FrictionlessException, workbook.UnreadableWorkbookError, csv.Error, UnicodeError, OSError) as error:
            readable = False
            detail = error.error.message if isinstance(error, FrictionlessException) else str(error)
            self.collector.add("unreadable", params={"detail": detail, "row": last_row})
        finally:
            log.close()

        def reread(candidates: Iterator[int]) -> Iterator[tuple[int, Mapping[str, Any], list[str | None]]]:
            wanted = next(candidates, None)
            resource, offset = self._resource(columns)
            with system.use_context(trusted=True), resource:
                for row in resource.row_stream:
                    if wanted is None:
                        return
                    if wanted == row.row_number + offset:
                        yield wanted, row, [None if cell is None else str(cell) for cell in row.cells]
                        wanted = next(candidates, None)

        return self._finish(table, [log.path], finder, reread, stopped=stopped, readable=readable,
                            last_row=last_row, untitled_seen=untitled_seen)

    def _finish(self, table: TableReport, log_paths: list[Path], finder: DuplicateFinder | None,
                reread: Any, *, stopped: bool, readable: bool, last_row: int,
                untitled_seen: dict[int, tuple[int, str]]) -> list[Path]:
        """What comes after the last row: the limit note, untitled columns, duplicates, the empty-table note."""
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
                    logs.append(self._duplicates(finder, table, reread))
                if readable and table.rows_checked == 0:
                    self.collector.add("header-only")
        finally:
            if finder is not None:
                finder.close()
        if self.progress is not None:
            self._report_progress(table, done=True)
        return logs

    def _report_progress(self, table: TableReport, *, done: bool = False, bytes_read: int | None = None) -> None:
        self.progress(ValidationProgress(table=self.name, rows=table.rows_checked, errors=self.collector.error_count,
                                         bytes_read=bytes_read, bytes_total=self.path.stat().st_size, done=done))

    def _flush_blank_rows(self, blank_rows: list[list[int]], log: RowLogWriter) -> int:
        """Report blank rows met before this data row (blank rows at the very end are not reported)."""
        count = 0
        for first, last in blank_rows:
            for number in range(first, last + 1):
                self.collector.add("blank-row", row=number)
                log.write(number, [], [Note("blank-row", None)])
                count += 1
        blank_rows.clear()
        return count

    def _row_problems(self, row: Mapping[str, Any], number: int, cells: list[str | None], errors: list[Any]) -> tuple[
            list[RowFinding], set[str]]:
        """What is wrong with one row, in report order; returns its findings and the fields whose cell failed."""
        findings: list[RowFinding] = []
        broken: set[str] = set()
        if errors and _is_total_row(cells):
            joined = " | ".join(c for c in cells if c and c.strip())
            return [RowFinding("total-row", None, joined, {}, None)], set(self.specs)
        per_row: set[str] = set()
        for error in errors:
            classified = self._classify(error)
            if classified is None:
                continue
            code, column, params = classified
            if column is None and code in per_row:
                continue
            per_row.add(code)
            position = getattr(error, "field_number", 0) or 0
            value = cells[position - 1] if 0 < position <= len(cells) else getattr(error, "cell", None)
            if value is None and getattr(error, "field_cells", None):  # a foreign key's cells
                value = ", ".join(str(cell) for cell in error.field_cells)
            if column is not None:
                broken.add(column)
            findings.append(RowFinding(code, column, value, params, value))
        for name in self.references:
            value = row[name]
            if name in broken or value is None or self.reference.exists(str(value)):
                continue
            broken.add(name)
            findings.append(self._code_finding(name, str(value)))
        if not errors and not broken:
            for check in self.formulas:
                if not check.holds(row):
                    findings.append(RowFinding("row-constraint", check.formula, None, {"formula": check.formula}, None))
        return findings, broken

    def _code_finding(self, name: str, text: str) -> RowFinding:
        """A code missing from the reference list: a float artefact (``3201.0``) or an unknown code."""
        if _FLOAT_INTEGER.match(text):
            return RowFinding("float-code", name, text, {}, text)
        return RowFinding("unknown-code", name, text, {"reference": self.references[name]}, text)

    def _commit_row(self, log: RowLogWriter, number: int, cells: list[str | None], findings: list[RowFinding]) -> None:
        """Count one row's findings in their groups and log the row for the rows-to-fix file."""
        for finding in findings:
            self.collector.add(finding.code, finding.column, row=number, value=finding.value, params=finding.params)
        if findings:
            log.write(number, cells, [Note(finding.code, finding.column, finding.note_value) for finding in findings])

    def _classify(self, error: Any) -> tuple[str, str | None, dict[str, Any]] | None:
        """The cause of one Frictionless error, with the column it is about; None to ignore it."""
        kind = error.type
        value = getattr(error, "cell", "") or ""
        if kind == "extra-cell":
            return ("extra-cell", None, {}) if value.strip() else None
        if kind == "missing-cell":
            return "missing-cell", None, {}
        if kind == "foreign-key":
            fields = list(getattr(error, "field_names", None) or [])
            return "foreign-key", ", ".join(fields) or None, {
                "reference": ", ".join(getattr(error, "reference_field_names", None) or [])}
        column = getattr(error, "field_name", None) or None
        spec = self.specs.get(column or "")
        if spec is None:
            return "other", column, {"type": kind, "note": error.note}
        if kind == "type-error":
            code, params = _type_cause(spec, value)
            return code, column, params
        if kind == "constraint-error":
            found = _CONSTRAINT.search(error.note or "")
            code, params = _constraint_cause(spec, found.group(1) if found else "", value)
            return code, column, params
        return "other", column, {"type": kind, "note": error.note}

    def _duplicate_finder(self, present: set[str], file_name: str) -> DuplicateFinder | None:
        groups: dict[str, list[str]] = {}
        primary_key = self.descriptor.get("primaryKey") or []
        primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
        if primary_key and set(primary_key) <= present:
            groups["primaryKey"] = primary_key
        for name in sorted(present):
            if self.specs[name].get("constraints", {}).get("unique"):
                groups[name] = [name]
        return DuplicateFinder(self.work / file_name, groups) if groups else None

    def _duplicates(self, finder: DuplicateFinder, table: TableReport, reread: Any) -> Path:
        """Report repeated keys, in row order, and log those rows for the rows-to-fix file.

        ``reread`` reads the candidate rows (whose key hash repeats) again: (row, values, cells) in row order.
        """
        for number, values, cells in reread(finder.candidates()):
            finder.add_exact(number, values, cells)
        log = RowLogWriter(self.work / "ganda.jsonl")
        try:
            for duplicate in finder.duplicates():
                if self.limit and self.collector.error_count >= self.limit:
                    table.complete = False
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


class RowFinding(NamedTuple):
    code: str
    column: str | None
    value: str | None
    """The value the report shows as an example."""
    params: dict[str, Any]
    note_value: str | None
    """The value the rows-to-fix note quotes (None for a finding about the whole row)."""


class CellError(NamedTuple):
    """One finding of frictionless's cell reader, with the attributes of a frictionless error ``_classify`` reads."""

    type: str
    note: str = ""
    cell: str = ""
    field_name: str = ""
    field_number: int = 0


class _ColumnarRows:
    """The rows of one table through the columnar engine (``columnar.py``).

    Each batch is split in two: rows the vectorised checks clear entirely (fast rows: only their keys
    are recorded), and every other row (slow rows), which goes cell by cell through frictionless's
    own cell reader and the same ``_row_problems`` as the frictionless engine, in row order.
    """

    def __init__(self, check: _TableCheck, table: TableReport, columns: list[str | None], present: set[str], *,
                 serial: bool) -> None:
        self.check, self.table, self.columns, self.serial = check, table, columns, serial
        self.scratch = "-urut" if serial else ""
        """Scratch file suffix: a serial re-read must not find the first attempt's files."""
        self.width = len(columns)
        names = columnar.column_names(self.width)
        descriptor = _frictionless_schema(check.descriptor, columns)
        schema = Schema.from_descriptor(descriptor)
        self.fields = list(schema.fields)
        self.readers = [columnar.CachedReader(item.create_cell_reader()) for item in self.fields]
        self.rules: list[columnar.FieldRule] = []
        for name, spec, item in zip(names, descriptor["fields"], self.fields, strict=True):
            missing = item.missing_values if item.has_defined("missing_values") else schema.missing_values
            self.rules.append(columnar.field_rule(
                name, None if item.type == "any" else spec, missing, item.create_value_reader(),
                item.supported_constraints))
        self.by_name = {item.name: rule for item, rule in zip(self.fields, self.rules, strict=True)}
        self.finder = check._duplicate_finder(present, f"kunci{self.scratch}.duckdb")
        labels = check.sniffed.labels
        self.untitled = [index for index, name in enumerate(columns) if name is None and not labels[index]]
        self.untitled_seen: dict[int, tuple[int, str]] = {}
        self.good_codes: dict[str, set[str]] = {name: set() for name in check.references}
        self.formula_check = self._vectorised_formulas()
        self.finding_cache: dict[int, dict[Any, list[RowFinding]]] = {}
        self.keys_vectorised = self.finder is None or all(
            self.by_name[name].key is not None for fields in self.finder.groups.values() for name in fields)
        """False when a key field has no vectorised spelling (datetime, time …): every row with a finding is then
        read alone, and no row is fast."""

    # -- per table ---------------------------------------------------------------------------------

    def batches(self) -> Iterator[columnar.Batch]:
        sniffed = self.check.sniffed
        if sniffed.format == FileFormat.CSV:
            return columnar.csv_batches(self.check.path, encoding=sniffed.encoding or "utf-8",
                                        delimiter=sniffed.delimiter or ",", header_row=sniffed.header_row,
                                        width=self.width, serial=self.serial)
        rows = workbook.iter_rows(self.check.path, sniffed.format, sniffed.sheet)
        return columnar.row_batches(_data_rows(rows, sniffed.header_row, self.width),
                                    first_number=sniffed.header_row + 1, width=self.width)

    def run(self) -> list[Path]:
        check, table = self.check, self.table
        self.table.engine, self.table.engine_reason = ENGINE_COLUMNAR, None
        log = RowLogWriter(check.work / f"baris{self.scratch}.jsonl")
        self.log = log
        vector_path = check.work / f"baris-kolom{self.scratch}.jsonl"
        self.vector_log = vector_path.open("ab")
        self.pending_blank: list[int] = []
        last_row, stopped, readable = check.sniffed.header_row, False, True
        try:
            for batch in self.batches():
                stop_at = self._batch(batch)
                last_row = stop_at if stop_at is not None else self._last_number(batch, last_row)
                if check.progress is not None:
                    check._report_progress(table, bytes_read=batch.bytes_read)
                if stop_at is not None:
                    stopped = True
                    break
        except (workbook.UnreadableWorkbookError, UnicodeError, OSError) as error:
            readable = False
            check.collector.add("unreadable", params={"detail": str(error), "row": last_row})
        except (columnar.RaggedRowsError, columnar.UnreadableTableError):
            if self.finder is not None:
                self.finder.close()
            raise
        finally:
            log.close()
            self.vector_log.close()
        return check._finish(table, [log.path, vector_path], self.finder, self._reread, stopped=stopped,
                             readable=readable,
                             last_row=last_row, untitled_seen=self.untitled_seen)

    @staticmethod
    def _last_number(batch: columnar.Batch, previous: int) -> int:
        last = previous
        if batch.numbers.len():
            last = max(last, int(batch.numbers[-1]))
        if batch.odd:
            last = max(last, batch.odd[-1][0])
        return last

    def _vectorised_formulas(self) -> pl.Expr | None:
        """One expression true where every row formula certainly holds; None when a formula has no vectorised form."""
        if not self.check.formulas:
            return pl.lit(True)
        kinds = {"integer": "int", "year": "int", "number": "dec", "string": "str", "date": "date", "boolean": "bool"}
        typed = {name: (rule.typed, kinds[rule.kind]) for name, rule in self.by_name.items()
                 if rule.typed is not None and rule.kind in kinds}
        expressions = [vectorised(formula.formula, typed) for formula in self.check.formulas]
        if any(expression is None for expression in expressions):
            return None
        return pl.all_horizontal(expressions)

    # -- per batch ---------------------------------------------------------------------------------

    def _batch(self, batch: columnar.Batch) -> int | None:
        """Check one batch; returns the row number at which the error limit stopped validation, if it did.

        Rows fall in three sets: fast rows (every vectorised check clears them: only keys recorded),
        vectorised error rows (their cells' findings come from frictionless's reader per distinct value and
        are joined back to the rows as a table), and rows read one by one (wrong cell count, blank, a
        possible total row, a formula that could not be decided, a value only frictionless could read).
        """
        frame = batch.frame.with_columns(batch.numbers)
        flags = self._flags(frame)
        self._untitled(frame, batch.odd)
        check = self.check
        if check.limit:
            return self._rows_one_by_one(frame, flags, batch)
        rest = frame.hstack(flags).filter(~pl.col("__fast"))
        verdicts = self._verdicts(rest)
        rest = rest.with_columns(self._python_rows(verdicts).alias("__python"))
        vector_rows = rest.filter(~pl.col("__python"))
        alone = rest.filter(pl.col("__python")).select(*columnar.column_names(self.width), "__row")
        python_events = [(int(row[-1]), list(row[:-1])) for row in alone.iter_rows()]
        python_events = sorted(python_events + batch.odd, key=lambda event: event[0])

        fast_rows = frame.filter(flags["__fast"])
        last_data = max([int(fast_rows["__row"].max() or 0), int(vector_rows["__row"].max() or 0)])
        findings: list[tuple[int, list[str | None], list[RowFinding]]] = []
        blanks: list[int] = []
        for number, cells in python_events:
            errors, values, blank = self._read_row(cells)
            if blank:
                blanks.append(number)
                continue
            last_data = max(last_data, number)
            text_cells = [None if cell is None else str(cell) for cell in cells]
            row_findings, broken = check._row_problems(values, number, text_cells, errors)
            if self.finder is not None:
                self.finder.add(number, values, broken)
            findings.append((number, text_cells, row_findings))
            self.table.rows_checked += 1
        self.pending_blank.extend(blanks)
        reported = [number for number in self.pending_blank if number < last_data]
        self.pending_blank = [number for number in self.pending_blank if number >= last_data]
        findings.extend((number, [], [RowFinding("blank-row", None, None, {}, None)]) for number in reported)
        self.table.rows_checked += len(reported) + fast_rows.height + vector_rows.height
        findings.sort(key=lambda entry: entry[0])
        self._commit(findings, self._vector_findings(vector_rows, verdicts), vector_rows)
        if self.finder is not None and self.keys_vectorised:
            keyed = frame.hstack(flags).filter(pl.col("__fast"))
            self._record_keys(pl.concat([keyed, vector_rows.select(keyed.columns)]))
        return None

    def _rows_one_by_one(self, frame: pl.DataFrame, flags: pl.DataFrame, batch: columnar.Batch) -> int | None:
        """Every row that is not fast read alone and committed at once, so that an error limit stops on its row."""
        check, table = self.check, self.table
        fast = flags["__fast"]
        slow = frame.filter(~fast)
        fast_numbers = frame.filter(fast)["__row"]
        events = [(int(row[-1]), list(row[:-1])) for row in slow.iter_rows()]
        events = sorted(events + batch.odd, key=lambda event: event[0])
        for number, cells in events:
            errors, values, blank = self._read_row(cells)
            if blank:
                self.pending_blank.append(number)
                continue
            self._flush_blank(before=number)
            table.rows_checked += 1
            text_cells = [None if cell is None else str(cell) for cell in cells]
            row_findings, broken = check._row_problems(values, number, text_cells, errors)
            if self.finder is not None:
                self.finder.add(number, values, broken)
            check._commit_row(self.log, number, text_cells, row_findings)
            if check.collector.error_count >= check.limit:
                table.rows_checked += int((fast_numbers < number).sum())
                return number
        if fast_numbers.len():
            self._flush_blank(before=int(fast_numbers[-1]))
        table.rows_checked += fast_numbers.len()
        if self.finder is not None and self.keys_vectorised and fast_numbers.len():
            self._record_keys(frame.hstack(flags).filter(fast))
        return None

    def _flags(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Per row: each column's vectorised verdict (``__ok_i``), each reference lookup (``__code_name``), and
        ``__fast``, true where all of them, the formulas and the key shapes clear the row."""
        oks = [self._column_ok(rule, frame).fill_null(False).alias(f"__ok_{index}")
               for index, rule in enumerate(self.rules)]
        codes = [self._codes_ok(name, frame).fill_null(False).alias(f"__code_{name}") for name in self.check.references]
        flags = frame.select(*oks, *codes,
                             pl.all_horizontal([rule.missing for rule in self.rules]).alias("__blank"),
                             (self.formula_check if self.formula_check is not None else pl.lit(False))
                             .fill_null(False).alias("__formula"))
        conditions = [pl.col(f"__ok_{index}") for index in range(len(self.rules))]
        conditions += [pl.col(f"__code_{name}") for name in self.check.references]
        conditions += [~pl.col("__blank"), pl.col("__formula"), pl.lit(self.keys_vectorised)]
        return flags.with_columns(pl.all_horizontal(conditions).alias("__fast"))

    def _verdicts(self, rest: pl.DataFrame) -> dict[int, dict[Any, list[RowFinding]]]:
        """Per column, frictionless's findings for each distinct value the vectorised check did not clear
        (an empty list: the value is valid after all)."""
        verdicts: dict[int, dict[Any, list[RowFinding]]] = {}
        for index, rule in enumerate(self.rules):
            if rule.kind == "any":
                continue
            suspect = rest.filter(~pl.col(f"__ok_{index}"))
            if suspect.height:
                values = suspect.get_column(rule.column).unique().to_list()
                verdicts[index] = {value: self._cell_findings(index, value) for value in values}
        return verdicts

    def _cell_findings(self, index: int, value: Any) -> list[RowFinding]:
        """What frictionless's reader finds in one cell, classified as ``_row_problems`` would (cached per value)."""
        cache = self.finding_cache.setdefault(index, {})
        found = cache.get(value)
        if found is not None:
            return found
        item = self.fields[index]
        _, notes = self.readers[index](value)
        found = []
        spec = self.check.specs.get(item.name)
        if notes and spec is not None:  # what ``_classify`` makes of the reader's notes, without building errors
            text = str(value)
            if "type" in notes:
                code, params = _type_cause(spec, text)
                found.append(RowFinding(code, item.name, value, params, value))
            else:
                for constraint in notes:
                    code, params = _constraint_cause(spec, constraint, text)
                    found.append(RowFinding(code, item.name, value, params, value))
        elif notes:
            errors = ([CellError("type-error", notes["type"], str(value), item.name, index + 1)] if "type" in notes
                      else [CellError("constraint-error", note, str(value), item.name, index + 1)
                            for note in notes.values()])
            for error in errors:
                classified = self.check._classify(error)
                if classified is not None:
                    code, column, params = classified
                    found.append(RowFinding(code, column, value, params, value))
        if len(cache) < columnar.CACHE_LIMIT:
            cache[value] = found
        return found

    def _python_rows(self, verdicts: dict[int, dict[Any, list[RowFinding]]]) -> pl.Expr:
        """Which of the remaining rows must be read one by one."""
        bad = {index: [value for value, found in values.items() if found] for index, values in verdicts.items()}
        valid = {index: [value for value, found in values.items() if not found] for index, values in verdicts.items()}
        typed_fields = set(self.check.references) | {name for check in self.check.formulas
                                                     for name in formula_names(check.formula)}
        if self.finder is not None:
            typed_fields |= self.finder.fields
        has_error = [_member(pl.col(f"c{index}"), values) for index, values in bad.items() if values]
        codes_failed = [pl.col(f"__ok_{self._index(name)}") & ~pl.col(f"__code_{name}")
                        for name in self.check.references]
        read_alone = [_member(pl.col(f"c{index}"), values) for index, values in valid.items()
                      if values and self.fields[index].name in typed_fields]
        any_finding = pl.any_horizontal([*has_error, *codes_failed]) if has_error or codes_failed else pl.lit(False)
        alone = pl.any_horizontal(read_alone) if read_alone else pl.lit(False)
        total = pl.any_horizontal([pl.col(f"c{index}").str.to_lowercase().str.contains(_TOTAL_HINT).fill_null(False)
                                   for index in range(self.width)])
        return pl.col("__blank") | total | alone | ~any_finding | pl.lit(not self.keys_vectorised)

    def _index(self, name: str) -> int:
        return next(index for index, item in enumerate(self.fields) if item.name == name)

    def _vector_findings(self, rows: pl.DataFrame, verdicts: dict[int, dict[Any, list[RowFinding]]]) -> tuple[
            pl.DataFrame, list[RowFinding]]:
        """The findings of the vectorised error rows as a table (row, seq, fid, value) and the findings it points at."""
        table: list[RowFinding] = []
        parts: list[pl.DataFrame] = []
        schema = {"row": pl.Int64, "seq": pl.Int32, "fid": pl.Int32}
        if not rows.height:
            return pl.DataFrame(schema=schema), table
        for index, values in verdicts.items():
            pairs = []
            for value, found in values.items():
                for position, finding in enumerate(found):
                    pairs.append((value, index * 16 + position, len(table)))
                    table.append(finding)
            if not pairs:
                continue
            mapping = pl.DataFrame(pairs, schema={"v": pl.String, "seq": pl.Int32, "fid": pl.Int32}, orient="row")
            cells = rows.select(pl.col("__row").alias("row"), pl.col(f"c{index}").alias("v"))
            parts.append(cells.join(mapping, on="v", how="inner", nulls_equal=True).select("row", "seq", "fid"))
        for position, name in enumerate(self.check.references):
            index = self._index(name)
            failed = rows.filter(pl.col(f"__ok_{index}") & ~pl.col(f"__code_{name}")).select(
                pl.col("__row").alias("row"), self.by_name[name].key.alias("v"))
            if not failed.height:
                continue
            pairs = []
            for value in failed["v"].unique().to_list():
                pairs.append((value, 100_000 + position, len(table)))
                table.append(self.check._code_finding(name, value))
            mapping = pl.DataFrame(pairs, schema={"v": pl.String, "seq": pl.Int32, "fid": pl.Int32}, orient="row")
            parts.append(failed.join(mapping, on="v", how="inner").select("row", "seq", "fid"))
        found = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
        return found.sort("row", "seq"), table

    def _commit(self, python: list[tuple[int, list[str | None], list[RowFinding]]],
                vector: tuple[pl.DataFrame, list[RowFinding]], vector_rows: pl.DataFrame) -> None:
        """Count the batch's findings in their groups, group by group in the order first met, and log their rows."""
        found, table = vector
        schema = {"row": pl.Int64, "seq": pl.Int32, "fid": pl.Int32}
        extra: list[tuple[int, int, int]] = []
        for number, cells, row_findings in python:
            for position, finding in enumerate(row_findings):
                extra.append((number, position, len(table)))
                table.append(finding)
            if row_findings:
                self.log.write(number, cells, [Note(f.code, f.column, f.note_value) for f in row_findings])
        if extra:
            found = pl.concat([found, pl.DataFrame(extra, schema=schema, orient="row")]).sort("row", "seq")
        if not found.height:
            return
        groups = pl.DataFrame({"fid": range(len(table)), "grp": [f"{f.code}\x1f{f.column}" for f in table]},
                              schema={"fid": pl.Int32, "grp": pl.String})
        grouped = (found.join(groups, on="fid").group_by("grp", maintain_order=True)
                   .agg(pl.col("fid"), pl.col("row")))
        collector = self.check.collector
        for fids, rows in zip(grouped["fid"].to_list(), grouped["row"].to_list(), strict=True):
            first = table[fids[0]]
            examples = [(row, table[fid].value) for row, fid in zip(rows[:collector.max_examples], fids, strict=False)]
            collector.add_bulk(first.code, first.column, rows=rows, examples=examples, params=first.params)
        self._log_vector_rows(found, table, vector_rows)

    def _log_vector_rows(self, found: pl.DataFrame, table: list[RowFinding], rows: pl.DataFrame) -> None:
        """The vectorised error rows, with their notes, appended to their own row log (merged by row when read)."""
        vector = found.join(rows.select(pl.col("__row").alias("row")), on="row", how="semi")
        if not vector.height:
            return
        notes = pl.DataFrame({"fid": range(len(table)),
                              "code": [f.code for f in table], "column": [f.column for f in table],
                              "value": [f.note_value for f in table]},
                             schema={"fid": pl.Int32, "code": pl.String, "column": pl.String, "value": pl.String})
        per_row = (vector.join(notes, on="fid").sort("row", "seq")
                   .group_by("row", maintain_order=True)
                   .agg(pl.struct("code", "column", "value").alias("notes")))
        names = columnar.column_names(self.width)
        lines = per_row.join(rows.select(pl.col("__row").alias("row"), pl.concat_list(names).alias("cells")),
                             on="row").sort("row").select("row", "cells", "notes")
        lines.write_ndjson(self.vector_log)

    def _column_ok(self, rule: columnar.FieldRule, frame: pl.DataFrame) -> pl.Expr:
        """The rule's vectorised check, or for a field without one, the distinct values frictionless rejects."""
        if rule.ok is not None:
            return rule.ok
        reader = self.readers[int(rule.column[1:])]
        distinct = frame.get_column(rule.column).unique().to_list()
        bad = [value for value in distinct if reader(value)[1]]
        cell = pl.col(rule.column)
        ok = ~cell.is_in([value for value in bad if value is not None])
        return ok & cell.is_not_null() if None in bad else ok

    def _codes_ok(self, name: str, frame: pl.DataFrame) -> pl.Expr:
        """Cells whose code is in the reference list (distinct values looked up once)."""
        rule = self.by_name[name]
        if rule.key is None:
            return pl.lit(False)
        good = self.good_codes[name]
        codes = frame.select(rule.key.alias("k"))["k"].unique().drop_nulls().to_list()
        reference = self.check.reference
        good.update(code for code in codes if code not in good and reference.exists(code))
        return rule.key.is_in(list(good)) | rule.missing

    def _record_keys(self, rows: pl.DataFrame) -> None:
        """Record the keys of rows checked in columns (with their ``__ok_i`` and ``__code_name`` flags): a group's key
        only where every one of its cells is valid, present and a known code, as for a row read alone."""
        parts = []
        for group, fields in self.finder.groups.items():
            keys = [self.by_name[name].key for name in fields]
            valid = [pl.col(f"__ok_{self._index(name)}") for name in fields] + [key.is_not_null() for key in keys]
            valid += [pl.col(f"__code_{name}") for name in fields if name in self.check.references]
            parts.append(rows.filter(pl.all_horizontal(valid)).select(
                key_hash(keys, self.finder.group_ids[group]).alias("h"), pl.col("__row").alias("r")))
        self.finder.add_hashes(pl.concat(parts))

    def _untitled(self, frame: pl.DataFrame, odd: list[tuple[int, list[str | None]]]) -> None:
        for index in self.untitled:
            if index in self.untitled_seen:
                continue
            column = f"c{index}"
            found = frame.filter(pl.col(column).str.strip_chars() != "").select(column, "__row").head(1)
            candidates = [(int(found["__row"][0]), found[column][0])] if found.height else []
            candidates += [(number, cells[index]) for number, cells in odd
                           if index < len(cells) and (cells[index] or "").strip()][:1]
            if candidates:
                self.untitled_seen[index] = min(candidates)

    def _flush_blank(self, *, before: int) -> None:
        """Report the blank rows met before a data row (blank rows at the very end of a table are not reported)."""
        while self.pending_blank and self.pending_blank[0] < before:
            number = self.pending_blank.pop(0)
            self.check.collector.add("blank-row", row=number)
            self.log.write(number, [], [Note("blank-row", None)])
            self.table.rows_checked += 1

    def _read_row(self, cells: list[str | None]) -> tuple[list[CellError], dict[str, Any], bool]:
        """One row as frictionless's ``Row`` reads it: the errors in its order, the values, and whether it is blank."""
        errors: list[CellError] = []
        values: dict[str, Any] = {}
        blank = 0
        for position, (item, reader) in enumerate(zip(self.fields, self.readers, strict=True), start=1):
            source = cells[position - 1] if position <= len(cells) else None
            target, notes = reader(source)
            type_note = notes.get("type") if notes else None
            if target is None and not type_note:
                blank += 1
            if type_note:
                errors.append(CellError("type-error", type_note, str(source), item.name, position))
            elif notes:
                errors.extend(CellError("constraint-error", note, str(source), item.name, position)
                              for note in notes.values())
            values[item.name] = target
        if blank == self.width:
            return [CellError("blank-row")], values, True
        for position in range(self.width + 1, len(cells) + 1):
            errors.append(CellError("extra-cell", "", str(cells[position - 1]), "", position))
        for position in range(len(cells) + 1, self.width + 1):
            errors.append(CellError("missing-cell", "", "", self.fields[position - 1].name, position))
        return errors, values, False

    def _reread(self, candidates: Iterator[int]) -> Iterator[tuple[int, Mapping[str, Any], list[str | None]]]:
        """The candidate duplicate rows read again, in one pass merged with the candidates (both in row order)."""
        wanted = next(candidates, None)
        if wanted is None:
            return
        for batch in self.batches():
            last = self._last_number(batch, 0)
            group: list[int] = []
            while wanted is not None and wanted <= last:
                group.append(wanted)
                wanted = next(candidates, None)
            if group:
                rows = dict(batch.odd)
                frame = batch.frame.with_columns(batch.numbers).filter(pl.col("__row").is_in(group))
                rows.update((int(row[-1]), list(row[:-1])) for row in frame.iter_rows())
                for number in group:
                    cells = rows.get(number, [])
                    yield number, self._read_row(cells)[1], cells
            if wanted is None:
                return


def _member(cell: pl.Expr, values: list[Any]) -> pl.Expr:
    """``cell`` is one of ``values``, None included."""
    found = cell.is_in([value for value in values if value is not None])
    return found | cell.is_null() if None in values else found.fill_null(False)


def _is_total_row(cells: list[str | None]) -> bool:
    """A "JUMLAH"/"TOTAL" row that spreadsheets add under the data."""
    leading = [cell for cell in cells if cell and cell.strip()][:3]
    return any(normalise_header(cell) in _TOTAL_WORDS for cell in leading)


def _type_cause(spec: Mapping[str, Any], value: str) -> tuple[str, dict[str, Any]]:
    kind = spec.get("type", "string")
    if kind in ("integer", "year") and _FLOAT_INTEGER.match(value):
        return "float-integer", {}
    if kind in ("integer", "number") and spec.get("decimalChar", ".") == "." and _ID_NUMBER.match(value):
        return "number-format-id", {}
    if kind == "integer":
        return "type-integer", {}
    if kind == "number":
        return "type-number", {"decimal_char": spec.get("decimalChar", ".")}
    if kind in ("date", "datetime", "time"):
        return "type-date", {"type": kind, "format": spec.get("format", "default")}
    allowed = [*spec.get("trueValues", []), *spec.get("falseValues", [])] if kind == "boolean" else []
    return "type-other", {"type": kind, "allowed": allowed}


def _constraint_cause(spec: Mapping[str, Any], constraint: str, value: str) -> tuple[str, dict[str, Any]]:
    constraints = spec.get("constraints", {})
    if constraint == "required":
        return "required", {}
    if constraint == "enum":
        return "enum", {"allowed": list(constraints.get("enum", []))}
    if constraint in _LIMITS:
        code, exclusive = _LIMITS[constraint]
        return code, {"limit": constraints.get(constraint), "exclusive": exclusive}
    if constraint in ("minLength", "maxLength"):
        return "length", {"limit": constraints.get(constraint), "below": constraint == "minLength"}
    if constraint == "pattern":
        pattern = constraints.get("pattern", "")
        if _FLOAT_INTEGER.match(value):
            return "float-code", {}
        squeezed = re.sub(r"[.\s]", "", value)
        if squeezed != value and re.fullmatch(pattern, squeezed):
            return "dotted-code", {"corrected": squeezed}
        return "pattern", {"pattern": pattern, "description": spec.get("description")}
    return "other", {"type": f"constraint {constraint}", "note": value}
