"""Comparing ppid's findings with frictionless's, triple by triple: (row, field, frictionless error type).

The reference is ``frictionless.validate(resource, limit_errors=0)`` on the same file, set up the way
the engine reads a file (see ``reference_triples``): the encoding, separator and header row found by
``ppid.validation.sniff``, the header row skipped, one field per file column in file order as matched
by ``ppid.validation.headers`` (an unmatched column is an ``any`` field), ppid's own ``ppid``
properties removed, and ``unique`` and ``primaryKey`` left in for frictionless to check.

ppid's findings become triples through ``PPID_TO_FRICTIONLESS``. Whatever still differs must be
explained by one of the ``DIFFERENCES``, each decided on purpose and given its reason; anything
left over is a mismatch and fails the parity test.
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import frictionless
from frictionless import Dialect, Resource, Schema
from frictionless.formats import CsvControl

from ppid.validation import Reference, validate_table
from ppid.validation.headers import header_keys, match_header, normalise_header
from ppid.validation.sniff import WORKBOOK_FORMATS, FileFormat, sniff
from ppid.validation.workbook import iter_rows


class NoHeaderError(Exception):
    """ppid cannot find the header row, so the reference cannot be read the way the engine reads the file."""


Triple = tuple[int, str | None, str]
"""(row number in the file, schema field or None for the whole row, frictionless error type)."""

ROW_LEVEL = frozenset({"blank-row", "extra-cell", "missing-cell", "primary-key", "foreign-key"})
"""Frictionless error types that are compared per row, without a field (ppid reports them once per row)."""

PPID_TO_FRICTIONLESS: dict[str, str] = {
    **dict.fromkeys(("type-integer", "type-number", "type-date", "type-other", "float-integer",
                     "number-format-id"), "type-error"),
    **dict.fromkeys(("required", "enum", "minimum", "maximum", "length", "pattern", "dotted-code", "float-code"),
                    "constraint-error"),
    "duplicate-key": "primary-key",
    "unique": "unique-error",
    "blank-row": "blank-row",
    "extra-cell": "extra-cell",
    "missing-cell": "missing-cell",
}
"""ppid cause code → frictionless error type. Codes not listed (``unknown-code``, ``region-name``, ``row-constraint``,
``total-row``, ``other``) keep their own name: frictionless has no such finding."""

PLATFORM_ONLY = frozenset({"unknown-code", "region-name", "row-constraint"})
_TOTAL_WORDS = {"jumlah", "total", "jumlah total", "total keseluruhan", "grand total", "jumlah seluruhnya", "jml",
                "sub total", "subtotal"}


# -- the two sides ---------------------------------------------------------------------------------


@dataclass
class Side:
    """The findings of one side as triples, with what the differences need to explain them."""

    triples: set[Triple] = field(default_factory=set)
    codes: dict[Triple, set[str]] = field(default_factory=lambda: defaultdict(set))
    """The original code(s) (ppid cause or frictionless type) behind each triple."""
    extra_cells: dict[int, list[Any]] = field(default_factory=dict)
    """Frictionless only: row → the values of its extra cells."""
    repeated: list[tuple[int, str | None, str]] = field(default_factory=list)
    """ppid only: (row, column, cause) findings reported more than once."""


@dataclass
class FrictionlessRun:
    """What the reference read: its findings, every row, and which field each column is."""

    side: Side
    rows: dict[int, list[Any]]
    """Every row of the file as frictionless reads it (row number → raw cells), blank rows and the header
    included."""
    fields: list[str | None]
    """The schema field of each file column (None: unmatched)."""
    workbook: bool


ENGINES: tuple[str | None, ...] = (
    ("kolom", "baris", "frictionless") if "engine" in inspect.signature(validate_table).parameters else (None,))
"""The engines ``validate_table`` can be asked for (``engine=``); ``None``: it has no choice, use its default."""


def ppid_triples(path: Path, schema: Mapping[str, Any], reference: Reference | None = None,
                 engine: str | None = None) -> tuple[Side, Any]:
    """ppid's findings on ``path`` as triples, and the (single) table report."""
    side = Side()
    seen: set[tuple[int, str | None, str]] = set()
    options: dict[str, Any] = {} if engine is None else {"engine": engine}
    with validate_table(path, dict(schema), reference=reference, limit_errors=None, **options) as result:
        for finding in result.findings():
            assert finding.table == 0, "the parity cases are single tables"
            if (finding.row, finding.column, finding.code) in seen:
                side.repeated.append((finding.row, finding.column, finding.code))
            seen.add((finding.row, finding.column, finding.code))
            kind = PPID_TO_FRICTIONLESS.get(finding.code, finding.code)
            column = None if kind in ROW_LEVEL else finding.column
            triple = (finding.row, column, kind)
            side.triples.add(triple)
            side.codes[triple].add(finding.code)
        table = result.report.tables[0]
    return side, table


DATA_RESOURCE_V2 = "https://datapackage.org/profiles/2.0/dataresource.json"


def reference_triples(path: Path, schema: Mapping[str, Any]) -> FrictionlessRun:
    """frictionless's findings on ``path``, read the way the engine reads it (see the module docstring)."""
    known = header_keys(schema).keys()
    sniffed = sniff(path, known_headers=known)
    if sniffed.header_row is None:
        raise NoHeaderError(f"{path.name}: ppid's sniffing finds no header row ({sniffed.format.value})")
    columns = match_header(sniffed.labels, schema).fields
    descriptor = _file_order_schema(schema, columns)
    basepath = str(path.parent)
    if sniffed.format == FileFormat.CSV:
        dialect = Dialect(header=False, comment_rows=list(range(1, sniffed.header_row + 1)),
                          controls=[CsvControl(delimiter=sniffed.delimiter)])

        def resource(fields: dict[str, Any]) -> Resource:
            if "$schema" in fields:  # a v2 Table Schema (exclusiveMinimum …) needs a v2 resource around it
                return Resource.from_descriptor(
                    {"$schema": DATA_RESOURCE_V2, "name": "tabel", "path": path.name, "format": "csv",
                     "encoding": sniffed.encoding, "schema": fields, "dialect": dialect.to_descriptor()},
                    basepath=basepath)
            return Resource(path.name, basepath=basepath, format="csv", encoding=sniffed.encoding,
                            schema=Schema.from_descriptor(fields), dialect=dialect)
    else:
        assert sniffed.format in WORKBOOK_FORMATS, sniffed.format
        # The cells as the sheet shows them (see difference "workbook-text"); the rows above the data stay
        # as commented rows, so frictionless numbers rows as the sheet does.
        data = list(iter_rows(path, sniffed.format, sniffed.sheet))
        dialect = Dialect(header=False, comment_rows=list(range(1, sniffed.header_row + 1)))

        def resource(fields: dict[str, Any]) -> Resource:
            rows = [list(row) for row in data]
            if "$schema" in fields:  # as for a CSV: a v2 Table Schema needs a v2 resource around it
                return Resource.from_descriptor({"$schema": DATA_RESOURCE_V2, "name": "tabel", "data": rows,
                                                 "schema": fields, "dialect": dialect.to_descriptor()})
            return Resource(data=rows, schema=Schema.from_descriptor(fields), dialect=dialect)

    report = frictionless.validate(resource(descriptor), limit_errors=0)
    side = Side()
    problems = [error for task in report.tasks for error in task.errors] + list(report.errors)
    for error in problems:
        row = getattr(error, "row_number", None)
        assert row is not None, f"{path.name}: frictionless reported a table error: {error.type}: {error.message}"
        kind = error.type
        column = None if kind in ROW_LEVEL else error.field_name
        if kind == "extra-cell":
            side.extra_cells.setdefault(row, []).append(error.cell)
        triple = (row, column, kind)
        side.triples.add(triple)
        side.codes[triple].add(kind)
    with resource(descriptor) as raw:  # the raw cells, numbered as frictionless numbers rows
        rows_read = {number: list(cells) for number, cells in enumerate(raw.cell_stream, start=1)}
    return FrictionlessRun(side, rows_read, columns, sniffed.format in WORKBOOK_FORMATS)


def _file_order_schema(schema: Mapping[str, Any], columns: list[str | None]) -> dict[str, Any]:
    specs = {spec["name"]: spec for spec in schema["fields"]}
    fields = []
    for position, name in enumerate(columns, start=1):
        if name is None:
            fields.append({"name": f"_kolom_{position}", "type": "any"})
        else:
            fields.append({key: value for key, value in specs[name].items() if key != "ppid"})
    descriptor: dict[str, Any] = {"fields": fields, "missingValues": schema.get("missingValues", [""])}
    if "$schema" in schema:  # the Table Schema version: v2 is needed for exclusiveMinimum/exclusiveMaximum
        descriptor["$schema"] = schema["$schema"]
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    if key and set(key) <= set(columns):
        descriptor["primaryKey"] = key
    if schema.get("foreignKeys"):
        descriptor["foreignKeys"] = schema["foreignKeys"]
    return descriptor


# -- the deliberate differences --------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """Everything a difference may look at to decide whether it explains a triple."""

    schema: Mapping[str, Any]
    ppid: Side
    frictionless: Side
    rows: dict[int, list[Any]]
    fields: list[str | None]
    workbook: bool

    def cell(self, row: int, name: str) -> Any:
        cells = self.rows.get(row, [])
        position = self.fields.index(name) if name in self.fields else len(cells)
        return cells[position] if position < len(cells) else None

    def is_missing(self, row: int, name: str) -> bool:
        value = self.cell(row, name)
        return value is None or str(value) in set(self.schema.get("missingValues", [""]))

    def beyond_row_end(self, row: int, name: str | None) -> bool:
        """The field's column lies past the last cell of the row as read."""
        return name in self.fields and self.fields.index(name) >= len(self.rows.get(row, []))

    def is_nan(self, row: int, name: str) -> bool:
        return str(self.cell(row, name)).strip().lower() == "nan"

    @cached_property
    def _cells_with_errors(self) -> set[tuple[int, str | None]]:
        """Cells with a finding about the cell itself (not a repeat of it), on either side."""
        return {(row, name) for row, name, kind in self.ppid.triples | self.frictionless.triples
                if name is not None and kind != "unique-error"}

    @cached_property
    def _rows_with_errors(self) -> set[int]:
        return {row for row, _, _ in self.frictionless.triples}

    def cell_has_error(self, row: int, name: str) -> bool:
        """The cell already has a finding of its own, on either side."""
        return (row, name) in self._cells_with_errors

    def ppid_row_has(self, row: int, kind: str) -> bool:
        return (row, None, kind) in self.ppid.triples

    def frictionless_row_has_errors(self, row: int) -> bool:
        return row in self._rows_with_errors

    @cached_property
    def last_data_row(self) -> int:
        filled = [row for row, cells in self.rows.items() if any(str(c).strip() for c in cells if c is not None)]
        return max(filled, default=0)


@dataclass(frozen=True)
class Difference:
    name: str
    reason: str
    """One sentence: why ppid reports this differently from frictionless, on purpose."""
    frictionless_only: Callable[[Situation, Triple], bool] | None = None
    """Explains a triple frictionless reports and ppid does not."""
    ppid_only: Callable[[Situation, Triple], bool] | None = None
    """Explains a triple ppid reports and frictionless does not."""


def _key(schema: Mapping[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _is_total_row(cells: Iterable[Any]) -> bool:
    leading = [str(cell) for cell in cells if cell is not None and str(cell).strip()][:3]
    return any(normalise_header(cell) in _TOTAL_WORDS for cell in leading)


def _broken_key(s: Situation, row: int, names: list[str]) -> bool:
    return any(s.is_missing(row, name) or s.cell_has_error(row, name) for name in names)


DIFFERENCES: list[Difference] = [
    Difference(
        "header-by-name",
        "Columns are matched to fields by name, title or alias in any order and header problems are reported once "
        "per column in the officer's words, so the reference is given the same file-order schema and frictionless's "
        "positional label errors are not compared.",
    ),
    Difference(
        "encoding-whole-file",
        "The encoding is detected from the whole file (a Windows-1252 export whose first accented name is on the "
        "last row is read correctly), and the reference is given that encoding instead of guessing from the first "
        "bytes.",
    ),
    Difference(
        "workbook-text",
        "Workbook cells are checked as the text the sheet shows (3201, 2024-03-17), not as frictionless's Excel "
        "reader gives them (a code typed as a number fails a string field, a date gains a time), so the reference "
        "is given the same text rows.",
    ),
    Difference(
        "row-shape-once-per-row",
        "Extra and missing cells are reported once per row (one thing for the officer to fix), so both sides are "
        "compared as (row, extra-cell) and (row, missing-cell) without the column.",
    ),
    Difference(
        "blank-extra-cells",
        "Empty cells beyond the last column (trailing separators that spreadsheets write) are not an error: "
        "they hold no data that could be lost.",
        frictionless_only=lambda s, t: t[2] == "extra-cell"
        and all(cell is None or not str(cell).strip() for cell in s.frictionless.extra_cells.get(t[0], [])),
    ),
    Difference(
        "trailing-blank-rows",
        "Blank rows after the last data row are what spreadsheets leave at the bottom of a sheet and are not "
        "reported; blank rows between data rows are.",
        frictionless_only=lambda s, t: t[2] == "blank-row" and t[0] > s.last_data_row,
    ),
    Difference(
        "total-row",
        'A "JUMLAH"/"TOTAL" row under the data is reported once as total-row, instead of every cell that does '
        "not fit the schema, and takes no part in key checks.",
        frictionless_only=lambda s, t: s.ppid_row_has(t[0], "total-row") and _is_total_row(s.rows.get(t[0], [])),
        ppid_only=lambda s, t: t[2] == "total-row" and _is_total_row(s.rows.get(t[0], []))
        and s.frictionless_row_has_errors(t[0]),
    ),
    Difference(
        "key-with-bad-part",
        "A primary key with an empty or invalid part is not checked for duplicates (frictionless treats the empty "
        "part as a value, so two rows with an empty code collide): the cell already has its own error, and a "
        "duplicate on top of it only confuses.",
        frictionless_only=lambda s, t: t[2] == "primary-key" and _broken_key(s, t[0], _key(s.schema)),
    ),
    Difference(
        "unique-with-bad-cell",
        "A unique column's cell that already has its own error is not checked for repeats either, for the same "
        "reason as the primary key.",
        frictionless_only=lambda s, t: t[2] == "unique-error" and t[1] is not None and _broken_key(s, t[0], [t[1]]),
    ),
    Difference(
        "nan-repeats",
        "A unique or key cell written NaN twice is a repeated value the officer can see; frictionless misses it "
        "only because NaN is not equal to itself in arithmetic.",
        ppid_only=lambda s, t: (t[2] == "unique-error" and t[1] is not None and s.is_nan(t[0], t[1]))
        or (t[2] == "primary-key" and any(s.is_nan(t[0], name) for name in _key(s.schema))),
    ),
    Difference(
        "workbook-short-rows",
        "A workbook row is as wide as the header: spreadsheet files do not store empty cells at the end of a row, "
        "so those cells are empty (and checked as empty), not missing.",
        frictionless_only=lambda s, t: s.workbook and t[2] == "missing-cell",
        ppid_only=lambda s, t: s.workbook and t[2] == "constraint-error" and s.beyond_row_end(t[0], t[1])
        and s.ppid.codes.get(t) == {"required"},
    ),
    Difference(
        "platform-findings",
        "Region codes missing from the reference list (unknown-code, or float-code for a code written 3201.0), "
        "region names that are not their code's name (region-name, a warning) and ppid.row_constraints formulas "
        "are the platform's own checks, which frictionless does not have.",
        ppid_only=lambda s, t: bool(s.ppid.codes.get(t, set()) & (PLATFORM_ONLY | {"float-code"})),
    ),
]
DIFFERENCE_NAMES = {difference.name for difference in DIFFERENCES}


# -- the comparison --------------------------------------------------------------------------------


@dataclass
class Comparison:
    ppid: Side
    frictionless: Side
    used: dict[str, list[Triple]]
    """Difference name → the triples it explained."""
    frictionless_only: list[Triple]
    """Unexplained: reported by frictionless, not by ppid."""
    ppid_only: list[Triple]
    """Unexplained: reported by ppid, not by frictionless."""
    engine: str | None = None
    engine_reason: str | None = None

    @property
    def equal(self) -> bool:
        return not self.frictionless_only and not self.ppid_only and not self.ppid.repeated

    def diff(self, limit: int = 20) -> str:
        """The unexplained triples, at most ``limit`` each way, for a failing test's message."""
        lines = [f"engine: {self.engine or '?'}" + (f" ({self.engine_reason})" if self.engine_reason else "")]
        for title, triples in (("frictionless only", self.frictionless_only), ("ppid only", self.ppid_only)):
            lines.append(f"{title}: {len(triples)}")
            lines += [f"  row {row:>5}  {column or '-':<24} {kind}" for row, column, kind in triples[:limit]]
            if len(triples) > limit:
                lines.append(f"  … {len(triples) - limit} more")
        if self.ppid.repeated:
            lines.append(f"reported more than once by ppid: {self.ppid.repeated[:limit]}")
        return "\n".join(lines)


def _sort_key(triple: Triple) -> tuple[int, str, str]:
    return triple[0], triple[1] or "", triple[2]


def compare(path: Path, schema: Mapping[str, Any], reference: Reference | None = None,
            engine: str | None = None) -> Comparison:
    """Validate ``path`` with ppid (``engine``: the one to ask for, if it can be chosen) and with frictionless,
    and explain every difference, or list it."""
    ours, table = ppid_triples(path, schema, reference, engine)
    theirs = reference_triples(path, schema)
    comparison = explain(Situation(schema, ours, theirs.side, theirs.rows, theirs.fields, theirs.workbook))
    comparison.engine = getattr(table, "engine", None)
    comparison.engine_reason = getattr(table, "engine_reason", None)
    return comparison


def explain(situation: Situation) -> Comparison:
    """Set the two sides against each other: every triple on one side only is explained by the first
    difference that claims it, or is a mismatch."""
    ours, theirs = situation.ppid, situation.frictionless
    used: dict[str, list[Triple]] = defaultdict(list)

    def unexplained(triples: set[Triple], which: str) -> list[Triple]:
        left = []
        for triple in sorted(triples, key=_sort_key):
            for difference in DIFFERENCES:
                explains = getattr(difference, which)
                if explains is not None and explains(situation, triple):
                    used[difference.name].append(triple)
                    break
            else:
                left.append(triple)
        return left

    frictionless_only = unexplained(theirs.triples - ours.triples, "frictionless_only")
    ppid_only = unexplained(ours.triples - theirs.triples, "ppid_only")
    return Comparison(ppid=ours, frictionless=theirs, used=dict(used), frictionless_only=frictionless_only,
                      ppid_only=ppid_only)
