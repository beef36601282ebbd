"""Validating a table file against a Table Schema, streaming, finding every error, with frictionless's findings.

What happens, and why it is not just ``resource.validate()``:

* The file is sniffed first (``sniff.py``): a web page, a PDF or an empty file gets one plain
  problem instead of a reader crash; the encoding is detected from the whole file; a title above
  the header is skipped.
* Column titles are matched to fields here (by name, title or alias, in any order), and the rows
  are checked against a schema in the file's column order with the header row skipped, so
  missing/extra/renamed columns are explained once, in the officer's words, instead of a
  positional ``incorrect-label`` for every column after the first difference.
* The schema is read and every cell decided by ``table_schema.py``, the Table Schema exactly as frictionless
  reads it, without loading frictionless. Rows are checked by the columnar engine (``columnar.py``,
  ``columnar_rows.py``): whole batches of columns with polars, and every cell the vectorised checks cannot
  clear through its field's cell reader, once per distinct value; a small CSV is read row by row
  (``python_rows.py``, the ``baris`` engine), which starts faster. ``engine="frictionless"`` (or a file the
  columnar reader cannot read exactly, ``foreignKeys``, a field type ``table_schema`` leaves to frictionless)
  uses frictionless's ``resource.row_stream`` instead; the report says which engine ran and why. Either way
  each row's errors are folded into groups at once (``Resource.validate`` would keep every error object with a
  copy of its row and stops at 1000 errors by default); nothing grows with the row count except files on disk.
* Primary keys and ``unique`` columns are checked by hash, then exactly, in ``uniqueness.py``.
* Region codes are checked against a ``Reference`` (``exists(code)``), reported apart from a
  pattern mismatch; a region-name field (``"ppid": {"nama_wilayah_untuk": "<code field>"}``) is compared with the
  reference's name of the row's code and a different region is a warning (``region_names.py``);
  ``ppid.row_constraints`` formulas (``formulas.py``) run on rows whose cells are all valid.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from ppid.validation.aggregate import ProblemCollector
from ppid.validation.archive import ArchiveLimits, UnsafeArchiveError, extract_members
from ppid.validation.findings import Judge
from ppid.validation.formulas import RowFormula, formula_names
from ppid.validation.headers import HeaderMatch, header_keys, match_header, normalise_header
from ppid.validation.progress import ProgressCallback
from ppid.validation.reference import Reference, region_codes
from ppid.validation.report import TableReport, ValidationReport, ValidationResult
from ppid.validation.row_by_row import check_row_by_row
from ppid.validation.rows import TableRows, frictionless_schema
from ppid.validation.schemas import load_schema
from ppid.validation.sniff import TABLE_FORMATS, WORKBOOK_FORMATS, FileFormat, Sniffed, sniff
from ppid.validation.table_schema import SchemaError, load_schema_descriptor, unsupported_reason

_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1 (ISO-8859-1)", "utf-16": "UTF-16"}
SMALL_FILE_BYTES = 640 * 1024
"""A CSV smaller than this is read row by row (``python_rows.py``): loading polars would take longer. Measured
(2026-12-07, session 13, ``ppid validate --engine baris|kolom`` alternating, medians of 8, after the columnar engine's
start-up was cut): on the first rows of bench file a (every number distinct) the engines tie at about 7,000 rows
(714 KB: 259 ms against 253 ms); at 5,000 rows (510 KB) the ``baris`` engine takes 221 ms against 246 ms. On file c
(five bad codes a row) they tie at 7,500 rows (813 KB: 229 against 231 ms); at 6,000 rows (648 KB) 205 against
230 ms. 640 KB stays below both."""
ENGINE_AUTO = "auto"
ENGINE_COLUMNAR = "kolom"
ENGINE_ROWS = "baris"
ENGINE_FRICTIONLESS = "frictionless"
ENGINES = (ENGINE_AUTO, ENGINE_COLUMNAR, ENGINE_ROWS, ENGINE_FRICTIONLESS)


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
    engine: str = ENGINE_AUTO,
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
    engine: str = ENGINE_AUTO,
    rows_to_fix: bool = True,
) -> ValidationResult:
    """Validate a CSV, workbook or ZIP of them against a Table Schema (a descriptor or the path of one).

    All errors are found unless ``limit_errors`` is a positive number; then each table stops after
    that many errors and its report says so. ``sheet`` (name or 1-based number) picks a workbook
    sheet, otherwise the sheet whose header best matches the schema is used. ``reference`` checks
    fields carrying ``"ppid": {"referensi": ...}``. ``name`` is shown instead of the file name.
    ``progress`` is called every few thousand rows with a ``ValidationProgress``. ``engine`` ``auto`` picks the
    columnar engine unless another is better placed (a small CSV: ``baris``; ``foreignKeys``: frictionless);
    ``kolom`` insists on the columnar engine, ``baris`` on reading row by row; ``frictionless`` reads the rows with
    frictionless itself, the reference the other engines are
    held to, e.g. to cross-check. ``rows_to_fix=False`` keeps no rows for ``write_rows_to_fix`` and ``findings()``:
    the report alone, sooner on a file with many problems.
    Close the result (or use ``with``) to remove its scratch files.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if limit_errors is not None and limit_errors < 0:
        raise ValueError("limit_errors must be positive, or 0/None for no limit")
    path = Path(path)
    descriptor = _load_descriptor(schema)
    workdir = TemporaryDirectory(prefix="ppid-validasi-")
    result = ValidationResult(report=ValidationReport(), workdir=workdir, rows_kept=rows_to_fix)
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
                engine=engine, keep_rows=rows_to_fix,
            )
            table, logs = check.run()
            result.report.tables.append(table)
            result.row_logs.append(logs)
    except BaseException:
        result.close()
        raise
    return result


def region_name_fields(specs: Mapping[str, Mapping[str, Any]], present: set[str],
                       checked: Mapping[str, str]) -> dict[str, str]:
    """Region-name field → its region-code field, for the pairs this file has both of and whose codes are looked up."""
    pairs = {name: (spec.get("ppid") or {}).get("nama_wilayah_untuk") for name, spec in specs.items()}
    return {name: code for name, code in pairs.items() if code and name in present and code in checked}


def _load_descriptor(schema: Mapping[str, Any] | str | Path) -> dict[str, Any]:
    if isinstance(schema, str | Path):
        with Path(schema).open(encoding="utf-8") as stream:
            schema = json.load(stream)
    descriptor = copy.deepcopy(dict(schema))
    try:
        as_read = frictionless_schema(descriptor, [spec["name"] for spec in descriptor["fields"]])
        load_schema_descriptor(as_read)
    except (SchemaError, KeyError, TypeError) as error:
        raise InvalidSchemaError(str(error)) from error
    if unsupported_reason(as_read) is not None:  # frictionless reads these fields, and checks their examples
        from frictionless import FrictionlessException, Schema

        try:
            Schema.from_descriptor(as_read)
        except FrictionlessException as error:
            raise InvalidSchemaError(str(error)) from error
    return descriptor


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
        engine: str = ENGINE_AUTO,
        keep_rows: bool = True,
    ) -> None:
        self.path, self.name, self.descriptor, self.work, self.sniffed = path, name, descriptor, work, sniffed
        self.limit = limit_errors
        self.reference = reference
        self.requested_sheet = requested_sheet
        self.progress = progress
        self.engine = engine
        self.keep_rows = keep_rows
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

    def _check_rows(self, table: TableReport, columns: list[str | None]) -> list[Path]:
        """Check every data row: with the columnar engine, row by row where that starts faster, or with frictionless
        where only it is exact."""
        present = {name for name in columns if name}
        references = {name: (self.specs[name].get("ppid") or {}).get("referensi") for name in present}
        formulas = [RowFormula(formula) for formula in (self.descriptor.get("ppid") or {}).get("row_constraints", [])
                    if formula_names(formula) <= present]
        checked = {name: ref for name, ref in references.items() if ref} if self.reference else {}
        judge = Judge(self.specs, checked, self.reference, formulas, region_name_fields(self.specs, present, checked))
        rows = TableRows(self.path, self.name, self.sniffed, self.work, self.descriptor, columns, judge, table,
                         self.limit, self.progress, self.collector, keep_rows=self.keep_rows)
        reason = self._frictionless_reason(columns)
        if reason is not None:
            table.engine, table.engine_reason = ENGINE_FRICTIONLESS, reason
            return _check_with_frictionless(rows)
        rows_reason = self._row_by_row_reason()
        if rows_reason is not None:
            from ppid.validation.python_rows import PythonRows

            table.engine, table.engine_reason = ENGINE_ROWS, rows_reason
            return check_row_by_row(rows, PythonRows(rows))
        from ppid.validation import columnar  # polars (and pyarrow where needed) load only for tables worth it
        from ppid.validation.columnar_rows import ColumnarRows

        before = copy.deepcopy(self.collector)
        try:
            for reader in columnar.READERS[:-1]:
                try:
                    return ColumnarRows(rows, reader=reader).run()
                except columnar.ReadAgainError:
                    rows.collector = self.collector = copy.deepcopy(before)
                    table.rows_checked = 0
            return ColumnarRows(rows, reader=columnar.READERS[-1]).run()
        except columnar.UnreadableTableError as error:
            rows.collector = self.collector = before
            table.rows_checked, table.complete = 0, True
            table.engine, table.engine_reason = ENGINE_FRICTIONLESS, str(error)
            return _check_with_frictionless(rows)

    def _frictionless_reason(self, columns: list[str | None]) -> str | None:
        """Why frictionless should read this table's rows rather than the engine's own readers, if it should."""
        if self.engine == ENGINE_FRICTIONLESS:
            return "diminta"
        schema = frictionless_schema(self.descriptor, columns)
        if "foreignKeys" in schema:
            return "foreignKeys"
        return unsupported_reason(schema)

    def _row_by_row_reason(self) -> str | None:
        """Why the ``baris`` engine reads this table, if it should: asked for; a CSV too small to be worth starting
        the columnar engine; or a CSV where an empty cell is a value (``missingValues`` without ``""``), whose empty
        lines (blank rows to frictionless) the columnar readers cannot tell from lines of empty cells."""
        if self.engine == ENGINE_ROWS:
            return "diminta"
        if self.sniffed.format != FileFormat.CSV:
            return None
        if _empty_cell_is_a_value(self.descriptor):
            return "sel kosong adalah nilai (missingValues tanpa \"\")"
        if self.engine == ENGINE_AUTO and self.path.stat().st_size < SMALL_FILE_BYTES:
            return "berkas kecil"
        return None


def _empty_cell_is_a_value(descriptor: Mapping[str, Any]) -> bool:
    """Whether some field reads an empty cell as a value rather than as missing (its ``missingValues`` or the
    schema's lack ``""``)."""
    default = descriptor.get("missingValues", [""])
    return any("" not in spec.get("missingValues", default) for spec in descriptor.get("fields", []))


def _check_with_frictionless(rows: TableRows) -> list[Path]:
    """frictionless's own row stream (imported only here: it takes a third of a second to load)."""
    from ppid.validation.frictionless_rows import check_with_frictionless

    return check_with_frictionless(rows)
