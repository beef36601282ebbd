"""The Table Schema as the validation engine reads it: which descriptors are valid, and what each cell means.

Why not frictionless: importing it and building its first ``Schema`` costs about a third of a second of
every ``ppid validate`` (this module: about 25 ms, most of it Babel, which every command loads anyway; figures
in bench/cells.py). Its cell readers themselves are fast; these are 1.0–1.6 times faster, no more.
This module answers the same two questions the engine asked frictionless 5.21 and answers them the same
way, by construction: the checks below follow ``frictionless/schema/schema.py``, ``schema/field.py``,
``metadata/metadata.py`` and ``fields/*.py`` line by line, and read cells with the same standard-library
calls (``int``, ``Decimal``, ``float``, ``strptime``, ``re``, ``base64``, ``json``) and, for the few formats
frictionless reads with a third-party library (``email``, ``uri``, ``uuid``, ``any`` dates, ISO datetimes
and times), with that same library, imported only when a field uses it. tests/validation/test_table_schema.py
holds the two to the same answers.

Field types and formats this module does not read (``unsupported_reason``) are left to frictionless:
the engine hands those files to it and says why in the report.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import urlparse

from ppid import usercache
from ppid.i18n import N_, _

CellReader = Callable[[Any], tuple[Any, dict[str, str] | None]]
ValueReader = Callable[[Any], Any]

_COMPARABLE = ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum")
SUPPORTED_CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "any": ("required", "enum"),
    "array": ("required", "minLength", "maxLength", "enum"),
    "boolean": ("required", "enum"),
    "date": _COMPARABLE,
    "datetime": _COMPARABLE,
    "duration": ("required", "enum"),
    "geojson": ("required", "enum"),
    "geopoint": ("required", "enum"),
    "integer": _COMPARABLE,
    "list": ("required", "minLength", "maxLength"),
    "number": _COMPARABLE,
    "object": ("required", "minLength", "maxLength", "enum"),
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "time": _COMPARABLE,
    "year": _COMPARABLE,
    "yearmonth": _COMPARABLE,
}
"""Every field type frictionless 5.21 knows, with the constraints it checks in this order (its notes follow it)."""
IMPLEMENTED_TYPES = frozenset({"any", "boolean", "date", "datetime", "geopoint", "integer", "number", "string", "time",
                               "year", "yearmonth"})
IMPLEMENTED_STRING_FORMATS = frozenset({"default", "email", "uri", "uuid", "binary"})
DEFAULT_MISSING_VALUES = ("",)
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")
_COMMON_PROPERTIES = {"name", "type", "title", "description", "format", "missingValues", "constraints", "rdfType",
                      "example"}
_TYPE_PROPERTIES = {"integer": {"bareNumber"}, "number": {"bareNumber", "floatNumber", "decimalChar", "groupChar"},
                    "boolean": {"trueValues", "falseValues"}}
"""The properties frictionless's field classes read: the common ones and, per type, its own."""
_NAME_PATTERN = re.compile("^([-a-z0-9._/])+$")
_TYPE_PATTERN = re.compile("^([-a-z/])+$")
_NOT_BARE = r"((^[^-\d]*)|(\D*$))"
_BOUND_CHECKS = {"minimum": operator.ge, "maximum": operator.le, "exclusiveMinimum": operator.gt,
                 "exclusiveMaximum": operator.lt}

_MISSING_VALUES_PROFILE: dict[str, Any] = {"anyOf": [
    {"type": "array", "items": {"type": "string"}},
    {"type": "array", "items": {"type": "object", "required": ["value"],
                                "properties": {"value": {"type": "string"}, "label": {"type": "string"}}}},
]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_SCHEMA_PROFILE: dict[str, Any] = {
    "type": "object", "required": ["fields"], "properties": {
        "name": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"},
        "description": {"type": "string"}, "fields": {"type": "array"},
        "fieldsMatch": {"type": "string", "enum": ["exact", "equal", "subset", "superset", "partial"]},
        "missingValues": _MISSING_VALUES_PROFILE, "primaryKey": _STRINGS,
        "foreignKeys": {"type": "array", "items": {"type": "object", "properties": {
            "fields": _STRINGS,
            "reference": {"type": "object", "required": ["resource", "fields"],
                          "properties": {"resource": {"type": "string"}, "fields": _STRINGS}}}}},
    }}
"""frictionless's ``Schema.metadata_profile``; its name pattern is checked with Python's ``re`` (``$`` differs)."""
_FIELD_PROFILE: dict[str, Any] = {
    "type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"},
        "description": {"type": "string"}, "format": {"type": "string"}, "missingValues": _MISSING_VALUES_PROFILE,
        "constraints": {"type": "object", "properties": {
            "required": {"type": "boolean"}, "unique": {"type": "boolean"}, "pattern": {"type": "string"},
            "enum": {"type": "array"}, "minLength": {"type": "integer"}, "maxLength": {"type": "integer"}}},
        "rdfType": {"type": "string"},
    }}
"""frictionless's ``Field.metadata_profile`` (its type pattern is implied: the type was already looked up)."""
_FIELD_PROFILE_PATCHES: dict[str, dict[str, Any]] = {
    "array": {"arrayItem": {"type": "object"}},
    "boolean": {"trueValues": _STRINGS, "falseValues": _STRINGS},
    "geojson": {"format": {"type": "string", "enum": ["default", "topojson"]}},
    "integer": {"bareNumber": {"type": "boolean"}},
    "list": {"delimiter": {"type": "string"}, "itemType": {
        "type": "string", "enum": ["string", "integer", "boolean", "number", "datetime", "date", "time"]}},
    "number": {"bareNumber": {"type": "boolean"}, "floatNumber": {"type": "boolean"},
               "decimalChar": {"type": "string"}, "groupChar": {"type": "string"}},
    "string": {"format": {"type": "string", "enum": ["default", "email", "uri", "binary", "uuid", "wkt"]}},
}
"""Each field class's ``metadata_profile_patch``."""


class SchemaError(ValueError):
    """The descriptor is not a Table Schema frictionless 5.21 accepts; the message is one sentence for the officer."""


class yearmonth(NamedTuple):
    """A ``yearmonth`` value, equal to frictionless's (a named tuple of the same two numbers)."""

    year: int
    month: int


class geopoint(NamedTuple):
    """A ``geopoint`` value, equal to frictionless's (a named tuple of two ``Decimal``)."""

    lon: Any
    lat: Any

    def __repr__(self) -> str:
        return str([float(self[0]), float(self[1])])


class Field:
    """One schema field with what the engine asked of frictionless's ``Field``: its name, type, missing values,
    constraints and cell reader."""

    def __init__(self, descriptor: Mapping[str, Any], schema_missing_values: list[str] | None = None) -> None:
        self.descriptor = descriptor
        self.name: str = descriptor["name"]
        self.type: str = descriptor.get("type") or "string"
        # Only the properties of this type's field class are read; frictionless keeps the others as custom ones
        own = {key for key, value in descriptor.items() if value is not None and value != {}
               and key in _COMMON_PROPERTIES | _TYPE_PROPERTIES.get(self.type, set())}
        self.format: str = descriptor["format"] if "format" in own else "default"
        self.constraints: dict[str, Any] = dict(descriptor["constraints"]) if "constraints" in own else {}
        self._defined_missing = "missingValues" in own
        self.missing_values: list[str] = (_split_missing(descriptor["missingValues"]) if self._defined_missing
                                          else list(DEFAULT_MISSING_VALUES))
        self.schema_missing_values = schema_missing_values
        self.supported_constraints: list[str] = list(SUPPORTED_CONSTRAINTS.get(self.type, ()))
        self.bare_number: bool = descriptor["bareNumber"] if "bareNumber" in own else True
        self.float_number: bool = descriptor["floatNumber"] if "floatNumber" in own else False
        self.decimal_char: str = descriptor["decimalChar"] if "decimalChar" in own else "."
        self.group_char: str = descriptor["groupChar"] if "groupChar" in own else ""
        self.true_values: list[str] = list(descriptor["trueValues"] if "trueValues" in own else DEFAULT_TRUE_VALUES)
        self.false_values: list[str] = list(descriptor["falseValues"] if "falseValues" in own else DEFAULT_FALSE_VALUES)
        self._number_processed = bool({"groupChar", "decimalChar", "bareNumber"} & own)
        self._own = own

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.type}/{self.format})"

    def has_defined(self, name: str) -> bool:
        """Whether the descriptor sets this property of the field (``missing_values``: ``missingValues``)."""
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest) in self._own

    @property
    def effective_missing_values(self) -> list[str]:
        """The values read as missing in this field: its own if it declares them, else the schema's."""
        if self._defined_missing or self.schema_missing_values is None:
            return self.missing_values
        return self.schema_missing_values

    def create_cell_reader(self) -> CellReader:
        """``cell -> (value, notes)`` exactly as frictionless's ``Field.create_cell_reader``."""
        value_reader = self.create_value_reader()
        missing_values = frozenset(self.effective_missing_values)
        checks: list[tuple[str, Callable[[Any], bool]]] = []
        for name in self.supported_constraints:
            constraint = self.constraints.get(name)
            if constraint is not None:
                checks.append((name, _check(name, constraint, value_reader)))
        type_note = f'type is "{self.type}/{self.format}"'
        constraint_notes = {name: f'constraint "{name}" is "{self.constraints[name]}"' for name, _check_ in checks}

        def cell_reader(cell: Any) -> tuple[Any, dict[str, str] | None]:
            if str(cell) in missing_values:
                cell = None
            if cell is not None:
                cell = value_reader(cell)
                if cell is None:
                    return None, {"type": type_note}
            notes: dict[str, str] | None = None
            for name, check in checks:
                if not check(cell):
                    if notes is None:
                        notes = {}
                    notes[name] = constraint_notes[name]
            return cell, notes

        return cell_reader

    def create_value_reader(self) -> ValueReader:
        """``cell -> value or None`` exactly as frictionless's field class of this type reads it."""
        if self.type not in IMPLEMENTED_TYPES or (self.type == "string"
                                                  and self.format not in IMPLEMENTED_STRING_FORMATS):
            raise NotImplementedError(f"{self.type}/{self.format}")
        reader: ValueReader = getattr(self, f"_read_{self.type}")()
        return reader

    # -- value readers, one per type, in the order of frictionless/fields/*.py --------------------------------------

    def _read_any(self) -> ValueReader:
        return _identity

    def _read_string(self) -> ValueReader:
        if self.format == "uri":
            import rfc3986  # frictionless's own URI validator, loaded only for such a field

            def uri(cell: Any) -> Any:
                if not isinstance(cell, str):
                    return None
                validator = rfc3986.validators.Validator()
                validator.require_presence_of("scheme")
                try:
                    validator.validate(rfc3986.uri_reference(cell))
                except rfc3986.exceptions.ValidationError:
                    return None
                return cell

            return uri
        if self.format in ("email", "uuid"):
            import validators  # frictionless's own e-mail and UUID checks, loaded only for such a field

            check = validators.email if self.format == "email" else validators.uuid

            def checked(cell: Any) -> Any:
                if not isinstance(cell, str):
                    return None
                if not check(cell):
                    return None
                return cell

            return checked
        if self.format == "binary":

            def binary(cell: Any) -> Any:
                if not isinstance(cell, str):
                    return None
                try:
                    base64.b64decode(cell)
                except Exception:  # frictionless: any decoding failure is a type error
                    return None
                return cell

            return binary

        def string(cell: Any) -> Any:
            if not isinstance(cell, str):
                return None
            return cell

        return string

    def _read_integer(self) -> ValueReader:
        pattern = None if self.bare_number else re.compile(_NOT_BARE)

        def integer(cell: Any) -> Any:
            if isinstance(cell, str):
                cell = cell.strip()
                if pattern:
                    cell = pattern.sub("", cell)
                try:
                    return int(cell)
                except Exception:  # frictionless: whatever int() refuses is a type error
                    return None
            elif cell is True or cell is False:
                return None
            elif isinstance(cell, int):
                return cell
            elif (isinstance(cell, float) and cell.is_integer()) or (isinstance(cell, Decimal) and cell % 1 == 0):
                return int(cell)
            return None

        return integer

    def _read_number(self) -> ValueReader:
        pattern = None if self.bare_number else re.compile(_NOT_BARE)
        group_char, decimal_char = self.group_char, self.decimal_char
        processed = self._number_processed
        primary: type[Decimal] | type[float] = float if self.float_number else Decimal
        secondary: type[Decimal] | type[float] = Decimal if self.float_number else float

        def number(cell: Any) -> Any:
            if isinstance(cell, str):
                cell = cell.strip()
                if processed:
                    if pattern:
                        cell = pattern.sub("", cell)
                    cell = cell.replace(group_char, "")
                    if decimal_char != "." and "." in cell:
                        return None
                    cell = cell.replace(decimal_char, ".")
                try:
                    return primary(cell)
                except Exception:  # frictionless: whatever Decimal() / float() refuses is a type error
                    return None
            elif isinstance(cell, primary):
                return cell
            elif cell is True or cell is False:
                return None
            elif isinstance(cell, int):
                return cell
            elif isinstance(cell, secondary):
                return primary(str(cell) if primary is Decimal else cell)
            return None

        return number

    def _read_boolean(self) -> ValueReader:
        mapping: dict[str, bool] = {}
        for value in self.true_values:
            mapping[value] = True
        for value in self.false_values:
            mapping[value] = False

        def boolean(cell: Any) -> Any:
            if cell is True or cell is False:
                return cell
            if isinstance(cell, str):
                return mapping.get(cell)
            return None

        return boolean

    def _read_date(self) -> ValueReader:
        form = self.format
        parse = _dateutil_parse() if form == "any" else None
        pattern = "%Y-%m-%d" if form == "default" else form

        def read_date(cell: Any) -> Any:
            if isinstance(cell, datetime):
                if cell.hour == 0 and cell.minute == 0 and cell.second == 0:
                    return datetime(cell.year, cell.month, cell.day).date()
                return None
            if isinstance(cell, date):
                return cell
            if not isinstance(cell, str):
                return None
            try:
                if parse is not None:
                    return parse(cell).date()
                return datetime.strptime(cell, pattern).date()
            except Exception:  # frictionless: any parsing failure is a type error
                return None

        return read_date

    def _read_datetime(self) -> ValueReader:
        return self._read_moment(datetime, shape=(19, 16), iso_text=str, part=_same)

    def _read_time(self) -> ValueReader:
        return self._read_moment(time, shape=(8, 5), iso_text="2000-01-01T{}".format, part=datetime.timetz)

    def _read_moment(self, kind: type, *, shape: tuple[int, int], iso_text: Callable[[str], str],
                     part: Callable[[datetime], Any]) -> ValueReader:
        """frictionless's datetime and time readers, which differ only in these arguments: ``default`` is ISO 8601
        read by dateutil after frictionless's shape test (``shape``: the least length, and where a ``:`` must be;
        its asserts), ``any`` dateutil's parser, anything else ``strptime``; ``part`` keeps the time of a time."""
        form = self.format
        if form == "default":
            from dateutil.parser import isoparse  # frictionless's ISO 8601 reader, loaded only for such a field
        parse = _dateutil_parse() if form == "any" else None
        least, colon = shape

        def read_moment(cell: Any) -> Any:
            if isinstance(cell, kind):
                return cell
            if not isinstance(cell, str):
                return None
            try:
                if form == "default":
                    if len(cell) < least or cell[colon] != ":":
                        return None
                    return part(isoparse(iso_text(cell)))
                if parse is not None:
                    return part(parse(cell))
                return part(datetime.strptime(cell, form))
            except Exception:  # frictionless: any parsing failure is a type error
                return None

        return read_moment

    def _read_year(self) -> ValueReader:
        def year(cell: Any) -> Any:
            if not isinstance(cell, int):
                if not isinstance(cell, str):
                    return None
                if len(cell) != 4:
                    return None
                try:
                    cell = int(cell)
                except Exception:  # frictionless: whatever int() refuses is a type error
                    return None
            if cell < 0 or cell > 9999:
                return None
            return cell

        return year

    def _read_yearmonth(self) -> ValueReader:
        def read_yearmonth(cell: Any) -> Any:
            if isinstance(cell, tuple | list):
                if len(cell) != 2:
                    return None
                return yearmonth(year=cell[0], month=cell[1])
            if isinstance(cell, str):
                try:
                    year_text, month_text = cell.split("-")
                    year, month = int(year_text), int(month_text)
                    if month < 1 or month > 12:
                        return None
                    return yearmonth(year, month)
                except Exception:  # frictionless: any splitting or int() failure is a type error
                    return None
            return None

        return read_yearmonth

    def _read_geopoint(self) -> ValueReader:
        form = self.format

        def read_geopoint(cell: Any) -> Any:
            if isinstance(cell, str):
                try:
                    if form == "default":
                        lon, lat = cell.split(",")
                        lon, lat = lon.strip(), lat.strip()
                    elif form == "array":
                        lon, lat = json.loads(cell)
                    elif form == "object":
                        cell = json.loads(cell)
                        if len(cell) != 2:
                            return None
                        lon, lat = cell["lon"], cell["lat"]
                    else:  # frictionless fails on an unbound name here: no other format reads
                        return None
                    cell = geopoint(Decimal(lon), Decimal(lat))
                except Exception:  # frictionless: any parsing failure is a type error
                    return None
            try:
                cell = geopoint(*cell)
                if cell.lon > 180 or cell.lon < -180:
                    return None
                if cell.lat > 90 or cell.lat < -90:
                    return None
            except Exception:  # frictionless: any unpacking or comparison failure is a type error
                return None
            return cell

        return read_geopoint


def _identity(cell: Any) -> Any:
    return cell


def _same(moment: datetime) -> datetime:
    return moment


def _dateutil_parse() -> Callable[[str], datetime]:
    from dateutil.parser import parse  # frictionless's reader for the "any" format, loaded only for such a field

    return parse


def _check(name: str, constraint: Any, value_reader: ValueReader) -> Callable[[Any], bool]:
    """frictionless's ``check_<name>`` bound to the constraint as it prepares it (bounds and enum read as values)."""
    if name == "required":
        return lambda cell: not (constraint and cell is None)
    if name in ("minLength", "maxLength"):
        compare = operator.ge if name == "minLength" else operator.le
        return lambda cell: cell is None or bool(compare(len(cell), constraint))
    if name in _BOUND_CHECKS:
        bound, compare = value_reader(constraint), _BOUND_CHECKS[name]

        def bounded(cell: Any) -> bool:
            if cell is None:
                return True
            if _is_signaling_nan(cell) or cell != cell:  # NaN: frictionless's type-agnostic test, before comparing
                return False
            try:
                return bool(compare(cell, bound))
            except TypeError:  # a time with a zone against a bound without one (or the reverse): not within it
                return False

        return bounded
    if name == "pattern":
        match = re.compile(f"^{constraint}$").match
        return lambda cell: cell is None or bool(match(cell))
    values = list(map(value_reader, constraint))
    return lambda cell: cell is None or (not _is_signaling_nan(cell) and cell in values)


def _is_signaling_nan(cell: Any) -> bool:
    """``sNaN`` reads as a number but raises on any comparison; frictionless's own validation crashes on it.
    Deliberate difference: here it is outside every bound and list, like ``NaN``."""
    return isinstance(cell, Decimal) and cell.is_snan()


def _split_missing(entries: list[Any]) -> list[str]:
    """Missing values as strings: a Table Schema v2 entry ``{"value": …, "label": …}`` counts by its value."""
    return [entry["value"] if isinstance(entry, dict) else entry for entry in entries]


@dataclass(frozen=True)
class TableSchema:
    """A valid Table Schema: its fields in descriptor order and the missing values they default to."""

    fields: list[Field]
    missing_values: list[str]
    """The schema's missing values, for the fields that do not declare their own."""

    def create_cell_readers(self) -> list[CellReader]:
        """One cell reader per field, in field order (as frictionless's ``Schema.create_cell_readers``)."""
        return [item.create_cell_reader() for item in self.fields]


def load_schema_descriptor(descriptor: Any) -> TableSchema:
    """The schema read from ``descriptor``, or ``SchemaError`` when frictionless 5.21 would refuse it.

    Valid means what ``frictionless.Schema.from_descriptor`` checks, in its order: the field types exist,
    the JSON shapes match its profiles, constraints suit the type, names are unique, keys name fields,
    v2-only features appear only under a v2 (or custom) ``$schema``, and every ``example`` reads. Deliberate
    differences, each where frictionless fails later with a Python error instead: a field that is not a JSON
    object (frictionless opens it as a file path, or fails), a broken ``foreignKeys`` shape, a ``pattern`` that is
    not a regular expression, and a bound its field cannot read (``"minimum": "abc"`` on an integer, a NaN bound),
    which frictionless accepts and then fails on with ``TypeError`` at the first cell.
    """
    if not isinstance(descriptor, Mapping):
        raise SchemaError(_("Table Schema harus berupa objek JSON."))
    descriptor = copy.deepcopy(dict(descriptor))
    _transform(descriptor)
    checked = _checked_name(descriptor)
    profiled = checked is not None and usercache.known("schemas", checked)
    _validate(descriptor, profiles=not profiled)
    missing = _split_missing(descriptor["missingValues"]) if descriptor.get("missingValues") is not None else [""]
    fields = [Field(spec, missing) for spec in descriptor["fields"]]
    for item in fields:
        _check_readable(item)
    if checked is not None and not profiled:
        usercache.keep("schemas", checked)
    return TableSchema(fields=fields, missing_values=missing)


def _checked_name(descriptor: dict[str, Any]) -> str | None:
    """The name under which the user's cache remembers that this descriptor passed frictionless's JSON profiles
    (``_profile``), so that the next command on the same schema need not load jsonschema_rs (10–20 ms of a small
    table's 0.3 s). It changes with the descriptor and with the profiles; None for a descriptor that is not JSON."""
    try:
        text = json.dumps([descriptor, _SCHEMA_PROFILE, _FIELD_PROFILE, _FIELD_PROFILE_PATCHES], sort_keys=True,
                          allow_nan=False)
    except (TypeError, ValueError):
        return None
    return usercache.digest(text.encode())


def _check_readable(item: Field) -> None:
    """The constraints frictionless prepares when it builds the cell reader: a pattern it cannot compile and a
    bound it cannot read would fail on the first cell, so they are refused with the schema instead."""
    if item.type not in IMPLEMENTED_TYPES or unsupported_reason({"fields": [item.descriptor]}) is not None:
        return
    pattern = item.constraints.get("pattern") if "pattern" in item.supported_constraints else None
    if pattern is not None:
        try:
            re.compile(f"^{pattern}$")
        except re.error as error:
            raise SchemaError(_("Pola (pattern) kolom `%(nama)s` bukan ekspresi reguler yang sah: %(reason)s.",
                                nama=item.name, reason=error)) from error
    reader = item.create_value_reader()
    for name in _BOUND_CHECKS:
        limit = item.constraints.get(name) if name in item.supported_constraints else None
        if limit is None:
            continue
        bound = reader(limit)
        if bound is None or (isinstance(bound, Decimal) and bound.is_nan()) or (isinstance(bound, float)
                                                                                and math.isnan(bound)):
            raise SchemaError(_("Batasan \"%(batasan)s\" kolom `%(nama)s` bernilai %(nilai)s, yang bukan %(tipe)s yang "
                                "sah.", batasan=name, nama=item.name, nilai=json.dumps(limit), tipe=item.type))


def unsupported_reason(descriptor: Any) -> str | None:
    """Why this module cannot read the descriptor's cells exactly as frictionless does, as a short phrase for the
    report (``kolom `durasi` bertipe "duration"``, the end of render.py's "… tidak dapat membacanya persis sama:"
    sentence); None when it can. The engine hands such a file to frictionless."""
    fields = descriptor.get("fields") if isinstance(descriptor, Mapping) else None
    for spec in fields if isinstance(fields, list) else []:
        if not isinstance(spec, Mapping):
            continue
        kind = spec.get("type") or "string"
        name = spec.get("name")
        if isinstance(kind, str) and kind in SUPPORTED_CONSTRAINTS and kind not in IMPLEMENTED_TYPES:
            return _("kolom `%(nama)s` bertipe \"%(tipe)s\"", nama=name, tipe=kind)
        form = spec.get("format")
        if isinstance(form, str) and form.startswith("fmt:"):
            form = form.replace("fmt:", "")
        if kind == "string" and form == "wkt":
            return _("kolom `%(nama)s` berformat \"wkt\"", nama=name)
    return None


# -- what Schema.from_descriptor checks, in its order ------------------------------------------------------------


def _transform(descriptor: dict[str, Any]) -> None:
    """frictionless's ``metadata_transform``: field types looked up, ``fmt:`` formats, keys as lists."""
    fields = descriptor.get("fields")
    if isinstance(fields, list):
        for position, spec in enumerate(fields, start=1):
            if not isinstance(spec, dict):
                raise SchemaError(_("Kolom ke-%(posisi)s di \"fields\" bukan objek JSON.", posisi=position))
            kind = spec.get("type")
            if kind and (not isinstance(kind, str) or kind not in SUPPORTED_CONSTRAINTS):
                raise SchemaError(_("Kolom `%(nama)s` bertipe %(tipe)s, yang tidak dikenal Table Schema.",
                                    nama=spec.get("name"), tipe=json.dumps(kind)))
            form = spec.get("format")
            if form and isinstance(form, str) and form.startswith("fmt:"):
                spec["format"] = form.replace("fmt:", "")
    primary_key = descriptor.get("primaryKey")
    if primary_key and not isinstance(primary_key, list):
        descriptor["primaryKey"] = [primary_key]
    foreign_keys = descriptor.get("foreignKeys")
    if foreign_keys:
        if not isinstance(foreign_keys, list):
            raise SchemaError(_("\"foreignKeys\" harus berupa daftar."))
        for key in foreign_keys:
            if not isinstance(key, dict):
                continue
            key.setdefault("fields", [])
            reference = key.setdefault("reference", {})
            if not isinstance(reference, dict):
                raise SchemaError(_("\"reference\" sebuah foreign key harus berupa objek JSON."))
            reference.setdefault("resource", "")
            reference.setdefault("fields", [])
            if not isinstance(key["fields"], list):
                key["fields"] = [key["fields"]]
            if not isinstance(reference["fields"], list):
                reference["fields"] = [reference["fields"]]


def _validate(descriptor: dict[str, Any], *, profiles: bool) -> None:
    """frictionless's ``Schema.metadata_validate`` and, for each field, ``Field.metadata_validate``; the JSON
    profiles only when ``profiles`` (false: the descriptor is known to pass them)."""
    if descriptor.get("type"):  # Schema.metadata_select_class refuses any type for a schema
        raise SchemaError(_("Table Schema tidak boleh punya properti \"type\"."))
    if profiles:
        _profile(None, descriptor, where=_("Table Schema"))
    name = descriptor.get("name")
    if isinstance(name, str) and not _NAME_PATTERN.search(name):
        raise SchemaError(_("Nama Table Schema \"%(nama)s\" hanya boleh berisi huruf kecil, angka, \".\", \"_\", "
                            "\"-\" dan \"/\".", nama=name))
    version = _version(descriptor)
    for spec in descriptor["fields"]:
        _validate_field(spec, version, profiles=profiles)
    names = [spec["name"] for spec in descriptor["fields"] if "name" in spec]
    repeated = sorted({item for item in names if names.count(item) > 1})
    if repeated:
        raise SchemaError(_("Nama kolom `%(nama)s` dipakai lebih dari sekali di \"fields\".", nama=repeated[0]))
    for item in descriptor.get("primaryKey", []):
        if item not in names:
            raise SchemaError(_("primaryKey menyebut kolom `%(nama)s` yang tidak ada di \"fields\".", nama=item))
    _validate_missing(descriptor.get("missingValues", []), version, where=_("Table Schema"))
    for key in descriptor.get("foreignKeys", []):
        for item in key["fields"]:
            if item not in names:
                raise SchemaError(_("foreignKeys menyebut kolom `%(nama)s` yang tidak ada di \"fields\".", nama=item))
        if len(key["fields"]) != len(key["reference"]["fields"]):
            raise SchemaError(_("Sebuah foreign key punya %(kolom)s kolom tetapi merujuk %(rujukan)s kolom.",
                                kolom=len(key["fields"]), rujukan=len(key["reference"]["fields"])))


def _validate_field(spec: dict[str, Any], version: str, *, profiles: bool) -> None:
    kind = spec.get("type") or "string"
    name = spec.get("name")
    where = _("kolom `%(nama)s`", nama=name) if isinstance(name, str) else _("sebuah kolom")
    if profiles:
        _profile(kind, spec, where=where)
    type_name = spec.get("type")
    if type_name is not None and not _TYPE_PATTERN.search(type_name):
        raise SchemaError(_("Kolom `%(nama)s` bertipe %(tipe)s, yang tidak dikenal Table Schema.", nama=name,
                            tipe=json.dumps(type_name)))
    constraints = spec.get("constraints", {})
    for constraint in constraints:
        if constraint not in (*SUPPORTED_CONSTRAINTS[kind], "unique"):
            raise SchemaError(_("Batasan \"%(batasan)s\" tidak berlaku untuk kolom `%(nama)s` yang bertipe "
                                "\"%(tipe)s\".", batasan=constraint, nama=name, tipe=kind))
    _validate_missing(spec.get("missingValues", []), version, where=where)
    if version == "v1":
        for constraint in ("exclusiveMinimum", "exclusiveMaximum"):
            if constraint in constraints:
                raise SchemaError(_("Batasan \"%(batasan)s\" kolom `%(nama)s` baru ada di Table Schema v2: tambahkan "
                                    "\"$schema\": \"https://datapackage.org/profiles/2.0/tableschema.json\".",
                                    batasan=constraint, nama=name))
    example = spec.get("example")
    probe = {"name": name, "type": kind, "format": spec.get("format", "default")}
    if kind == "boolean":
        probe.update({key: spec[key] for key in ("trueValues", "falseValues") if key in spec})
    # frictionless reads the example with the base Field (which reads anything) when the type is left out, and
    # with its own field class otherwise: those of unsupported types are left to it, as their files are
    readable = bool(spec.get("type")) and unsupported_reason({"fields": [probe]}) is None
    if example and readable and Field(probe).create_cell_reader()(example)[1] is not None:
        raise SchemaError(_("Contoh (example) \"%(contoh)s\" kolom `%(nama)s` tidak sesuai tipenya.",
                            contoh=example, nama=name))
    if "required" in spec:
        raise SchemaError(_("\"required\" kolom `%(nama)s` harus ditulis di dalam \"constraints\".", nama=name))


def _validate_missing(entries: Any, version: str, *, where: str) -> None:
    """Table Schema v2's object-form missing values: unique values and labels, and only under v2."""
    if not any(isinstance(entry, dict) for entry in entries):
        return
    values = _split_missing(entries)
    labels = [entry["label"] for entry in entries if isinstance(entry, dict) and entry.get("label") is not None]
    for items, what in ((values, _("nilai")), (labels, _("label"))):
        repeated = [item for item in items if items.count(item) > 1]
        if repeated:
            raise SchemaError(_("missingValues %(tempat)s menyebut %(apa)s \"%(isi)s\" lebih dari sekali.",
                                tempat=where, apa=what, isi=repeated[0]))
    if version == "v1":
        raise SchemaError(_("missingValues %(tempat)s berbentuk objek, yang baru ada di Table Schema v2: tambahkan "
                            "\"$schema\": \"https://datapackage.org/profiles/2.0/tableschema.json\".", tempat=where))


def _version(descriptor: Mapping[str, Any]) -> str:
    """frictionless's ``effective_datapackage_version`` of a schema: its ``$schema`` decides; absent means v1."""
    profile = descriptor.get("$schema")
    if not profile:
        return "v1"
    if not isinstance(profile, str):
        raise SchemaError(_("\"$schema\" harus berupa alamat (URL) profil Table Schema."))
    url = urlparse(profile)
    if url.netloc == "datapackage.org" and re.search(r"/profiles/\d+\.\d+/", url.path):
        match = re.search(r"/profiles/(\d+)\.\d+/", url.path)
        if match and match.group(1) in ("1", "2"):
            return "v" + match.group(1)
    return "unknown"


_TYPE_NAMES = {"string": N_("teks"), "array": N_("daftar"), "object": N_("objek JSON"),
               "integer": N_("bilangan bulat"), "boolean": N_("true atau false"), "number": N_("angka")}
"""JSON Schema's type names as the officer reads them."""


@functools.cache
def _validator(kind: str | None) -> Any:
    """The compiled profile of a schema (``kind`` None) or of a field of type ``kind``, built once per process."""
    import jsonschema_rs  # 10-20 ms to import: only when a schema is checked

    if kind is None:
        return jsonschema_rs.Draft202012Validator(_SCHEMA_PROFILE)
    profile = copy.deepcopy(_FIELD_PROFILE)
    profile["properties"].update(_FIELD_PROFILE_PATCHES.get(kind, {}))
    return jsonschema_rs.Draft202012Validator(profile)


def _profile(kind: str | None, instance: Any, *, where: str) -> None:
    """The descriptor part against frictionless's JSON Schema profile for it (draft 2020-12, as frictionless)."""
    error = next(iter(_validator(kind).iter_errors(instance)), None)
    if error is None:
        return
    path = "/".join(str(part) for part in error.instance_path)
    kind = type(error.kind).__name__
    if kind == "Required":
        detail = _("properti \"%(nama)s\" wajib ada", nama=error.kind.property)
    elif kind == "Type":
        expected = _(" atau ").join(_(_TYPE_NAMES[name]) if (name := str(item).lower()) in _TYPE_NAMES else name
                                    for item in error.kind.types)
        detail = _("\"%(jalur)s\" harus berupa %(tipe)s", jalur=path, tipe=expected)
    elif kind == "Enum":
        detail = _("\"%(jalur)s\" harus salah satu dari %(pilihan)s", jalur=path,
                   pilihan=", ".join(json.dumps(item) for item in error.kind.options))
    elif kind == "AnyOf":  # only missingValues has two forms
        detail = _("\"%(jalur)s\" harus berupa daftar teks, atau (Table Schema v2) daftar objek {\"value\": …, "
                   "\"label\": …}", jalur=path)
    else:
        detail = _("\"%(jalur)s\" tidak sah (%(sebab)s)", jalur=path, sebab=error.message)
    raise SchemaError(_("%(tempat)s tidak sah: %(rincian)s.", tempat=where[:1].upper() + where[1:], rincian=detail))
