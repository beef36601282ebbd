"""What is wrong with a row, in the officer's words: frictionless's errors and ppid's own checks as causes.

Both engines (``frictionless_rows.py`` and ``columnar_rows.py``) judge rows here, so a file gets the same
findings whichever engine read it: a cell's type or constraint error becomes a cause of ``causes.py``
(``3201.0`` in a code column is a float artefact, ``1.234,56`` an Indonesian number), a "JUMLAH" row is one
total-row finding, region codes are looked up, a region name is compared with its code's name (a warning), and
``ppid.row_constraints`` run on rows whose cells are valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from ppid.validation.formulas import RowFormula
from ppid.validation.headers import normalise_header
from ppid.validation.reference import NamedReference, Reference
from ppid.validation.region_names import same_region

FLOAT_INTEGER = re.compile(r"^\s*[+-]?\d+\.0+\s*$")
"""A whole number written with a decimal zero, as a spreadsheet exports codes typed as numbers: ``3201.0``."""
FLOAT_INTEGER_ASCII = r"^[ \t\n\r\f\v]*[+-]?[0-9]+\.0+[ \t\n\r\f\v]*$"
"""``FLOAT_INTEGER`` for ASCII text, in polars' regex engine (whose ``\\s`` is not Python's): every text it matches,
``FLOAT_INTEGER`` matches too."""
_ID_NUMBER = re.compile(r"^\s*[+-]?(\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d+)\s*$")
_CONSTRAINT = re.compile(r'constraint "(\w+)"')
_DOTS_AND_SPACES = re.compile(r"[.\s]")
_TOTAL_WORDS = {"jumlah", "total", "jumlah total", "total keseluruhan", "grand total", "jumlah seluruhnya", "jml",
                "sub total", "subtotal"}
_CACHE_LIMIT = 200_000
"""Region codes and (name, official name) pairs remembered per table: the whole national list fits."""
_LIMITS = {"minimum": ("minimum", False), "exclusiveMinimum": ("minimum", True),
           "maximum": ("maximum", False), "exclusiveMaximum": ("maximum", True)}


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


class Judge:
    """The findings of one table's rows, given its schema, its region-code fields and its row formulas."""

    def __init__(self, specs: Mapping[str, Mapping[str, Any]], references: Mapping[str, str],
                 reference: Reference | None, formulas: list[RowFormula],
                 region_names: Mapping[str, str] | None = None) -> None:
        self.specs = specs
        self.references = references
        """Field → reference list name, for the fields to look up in ``reference``."""
        self.reference = reference
        self.formulas = formulas
        self.region_names = dict(region_names or {}) if isinstance(reference, NamedReference) else {}
        """Region-name field → the region-code field whose name it must be (``"ppid": {"nama_wilayah_untuk": …}``)."""
        self._official: dict[str, str | None] = {}
        self._same: dict[tuple[str, str], bool] = {}

    def row_problems(self, row: Mapping[str, Any], number: int, cells: list[str | None], errors: list[Any],
                     cell_findings: Sequence[RowFinding] = ()) -> tuple[list[RowFinding], set[str]]:
        """What is wrong with one row, in report order; returns its findings and the fields whose cell failed.

        ``cell_findings`` are the row's cell errors already classified (``cell_findings``, once per distinct value),
        which come before ``errors`` in frictionless's order."""
        if (errors or cell_findings) and is_total_row(cells):
            joined = " | ".join(c for c in cells if c and c.strip())
            return [RowFinding("total-row", None, joined, {}, None)], set(self.specs)
        findings = list(cell_findings)
        broken = {finding.column for finding in cell_findings}
        per_row: set[str] = set()
        for error in errors:
            classified = self.classify(error)
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
            findings.append(self.code_finding(name, str(value)))
        for name, code_field in self.region_names.items():
            finding = self.name_finding(name, row[name], code_field, row[code_field], number, broken)
            if finding is not None:
                findings.append(finding)
        if not errors and not cell_findings and not broken:
            for check in self.formulas:
                if not check.holds(row):
                    findings.append(RowFinding("row-constraint", check.formula, None, {"formula": check.formula}, None))
        return findings, broken

    def code_finding(self, name: str, text: str) -> RowFinding:
        """A code missing from the reference list: a float artefact (``3201.0``) or an unknown code."""
        if FLOAT_INTEGER.match(text):
            return RowFinding("float-code", name, text, {}, text)
        return RowFinding("unknown-code", name, text, {"reference": self.references[name]}, text)

    def name_finding(self, name: str, value: Any, code_field: str, code: Any, number: int,
                     broken: set[str]) -> RowFinding | None:
        """A region name that is not the name of the row's (valid, listed) code: a warning naming the right region."""
        if value is None or code is None or name in broken or code_field in broken:
            return None
        official = self.official_name(str(code))
        if official is None or self.names_match(str(value), official):
            return None
        return RowFinding("region-name", name, str(value),
                          {"code_column": code_field, "code": str(code).strip(), "official": official, "row": number},
                          official)

    def official_name(self, code: str) -> str | None:
        """The reference's name of ``code`` (looked up once per code)."""
        if code in self._official:
            return self._official[code]
        official = self.reference.name(code)
        if len(self._official) < _CACHE_LIMIT:
            self._official[code] = official
        return official

    def names_match(self, value: str, official: str) -> bool:
        """``same_region``, decided once per (name, official name)."""
        key = (value, official)
        if key in self._same:
            return self._same[key]
        same = same_region(value, official)
        if len(self._same) < _CACHE_LIMIT:
            self._same[key] = same
        return same

    def classify(self, error: Any) -> tuple[str, str | None, dict[str, Any]] | None:
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
            code, params = type_cause(spec, value)
            return code, column, params
        if kind == "constraint-error":
            found = _CONSTRAINT.search(error.note or "")
            code, params = constraint_cause(spec, found.group(1) if found else "", value)
            return code, column, params
        return "other", column, {"type": kind, "note": error.note}

    def cell_findings(self, name: str, value: Any, notes: Mapping[str, str] | None) -> list[RowFinding]:
        """What ``classify`` makes of frictionless's notes on one cell of field ``name``, without building errors."""
        found: list[RowFinding] = []
        spec = self.specs.get(name)
        if not notes or spec is None:
            return found
        text = str(value)
        if "type" in notes:
            code, params = type_cause(spec, text)
            found.append(RowFinding(code, name, value, params, value))
        else:
            for constraint in notes:
                code, params = constraint_cause(spec, constraint, text)
                found.append(RowFinding(code, name, value, params, value))
        return found


def is_total_row(cells: list[str | None]) -> bool:
    """A "JUMLAH"/"TOTAL" row that spreadsheets add under the data."""
    leading = [cell for cell in cells if cell and cell.strip()][:3]
    return any(_total_word(cell) for cell in leading)


@lru_cache(maxsize=4096)
def _total_word(cell: str) -> bool:
    """Whether one cell says "JUMLAH"/"TOTAL": the leading cells of rows with errors repeat (province, regency)."""
    return normalise_header(cell) in _TOTAL_WORDS


def type_cause(spec: Mapping[str, Any], value: str) -> tuple[str, dict[str, Any]]:
    kind = spec.get("type", "string")
    if kind in ("integer", "year") and FLOAT_INTEGER.match(value):
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


def constraint_cause(spec: Mapping[str, Any], constraint: str, value: str) -> tuple[str, dict[str, Any]]:
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
        return pattern_cause(spec, value)
    return "other", {"type": f"constraint {constraint}", "note": value}


def pattern_cause(spec: Mapping[str, Any], value: str) -> tuple[str, dict[str, Any]]:
    """Why a cell does not match its field's ``pattern``: a code written as a number, with dots or spaces, or else.

    A code written as a number gets parameters that do not depend on its value (``CellJudge.float_code`` relies on
    it)."""
    if FLOAT_INTEGER.match(value):
        return "float-code", {}
    pattern = spec.get("constraints", {}).get("pattern", "")
    squeezed = _DOTS_AND_SPACES.sub("", value)
    if squeezed != value and re.fullmatch(pattern, squeezed):
        return "dotted-code", {"corrected": squeezed}
    return "pattern", {"pattern": pattern, "description": spec.get("description")}
