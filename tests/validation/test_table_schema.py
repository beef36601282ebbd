"""``table_schema`` reads descriptors and cells exactly as frictionless 5.21 does, without importing it.

frictionless is the reference here: every case is run through both and the answers compared whole —
the value (type and equality), the notes (keys, order, text), the exception when the reader fails —
and for descriptors, whether frictionless accepts them.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from frictionless import FrictionlessException, Schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppid.validation.rows import frictionless_schema
from ppid.validation.table_schema import SchemaError, load_schema_descriptor, unsupported_reason

ROOT = Path(__file__).resolve().parents[2]
V2 = "https://datapackage.org/profiles/2.0/tableschema.json"

FIELDS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "string", "format": "email"},
    {"type": "string", "format": "uri"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "binary"},
    {"type": "string", "constraints": {"minLength": 2, "maxLength": 5}},
    {"type": "string", "constraints": {"pattern": "[0-9]{4}", "required": True}},
    {"type": "string", "constraints": {"pattern": "a|b"}},
    {"type": "string", "constraints": {"enum": ["a", "b", "1"]}},
    {"type": "string", "constraints": {"required": False}},
    {"type": "integer"},
    {"type": "integer", "bareNumber": False},
    {"type": "integer", "groupChar": "."},
    {"type": "integer", "constraints": {"minimum": 0, "maximum": 100, "enum": [1, 5, 7, "8"]}},
    {"type": "integer", "constraints": {"minimum": "-5", "required": True}},
    {"type": "number"},
    {"type": "number", "decimalChar": ",", "groupChar": "."},
    {"type": "number", "groupChar": ","},
    {"type": "number", "decimalChar": ","},
    {"type": "number", "decimalChar": " ", "groupChar": "_"},
    {"type": "number", "bareNumber": False},
    {"type": "number", "decimalChar": "."},
    {"type": "number", "floatNumber": True},
    {"type": "number", "floatNumber": True, "constraints": {"minimum": 0.5, "maximum": 10}},
    {"type": "number", "constraints": {"minimum": 0, "maximum": "1e3", "enum": [1, "2.5", 3.0]}},
    {"type": "boolean"},
    {"type": "boolean", "trueValues": ["ya", "Y"], "falseValues": ["tidak", "Y"]},
    {"type": "boolean", "constraints": {"enum": [True]}},
    {"type": "date"},
    {"type": "date", "format": "%d/%m/%Y"},
    {"type": "date", "format": "fmt:%d-%m-%Y"},
    {"type": "date", "format": "any"},
    {"type": "date", "constraints": {"minimum": "2020-01-01", "maximum": "2024-12-31"}},
    {"type": "datetime"},
    {"type": "datetime", "format": "any"},
    {"type": "datetime", "format": "%Y-%m-%d %H:%M"},
    {"type": "datetime", "constraints": {"minimum": "2020-01-01T00:00:00Z"}},
    {"type": "time"},
    {"type": "time", "format": "any"},
    {"type": "time", "format": "%H.%M"},
    {"type": "year"},
    {"type": "year", "constraints": {"minimum": 1945, "maximum": 2100}},
    {"type": "yearmonth"},
    {"type": "yearmonth", "constraints": {"minimum": "2020-01"}},
    {"type": "geopoint"},
    {"type": "geopoint", "format": "array"},
    {"type": "geopoint", "format": "object"},
    {"type": "any"},
    {"type": "any", "constraints": {"required": True, "enum": ["x", "1"]}},
    {"constraints": {"required": True}},
    {"type": "string", "missingValues": ["NA", "x"]},
    {"type": "integer", "missingValues": []},
]

CELLS: list[Any] = [
    # missing and blank
    None, "", " ", "-", "NA", "n/a", "\t1", "1\t", "1\n", "\u200b1",
    # numbers as officers and spreadsheets write them
    "0", "1", "-1", "+1", " 1 ", "01", "-0", "1.0", "3201.0", "1e3", "1E-3", "1e400", "1.234,56", "1,234.56", "1.234",
    "1 234", "1\u00a0234", "1_000", "0x10", "$12", "12%", "Rp 1.000", " 1 5 ", "1 5", "1_5 ", "1234", "12345",
    "NaN", "nan", "-nan", "inf", "-Infinity", "sNaN", "\u0661\u0662\u0663", "\uff11\uff12",
    # years, dates, times
    "2024", "0000", "-001", " 202", "99999", "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-2", "29/02/2024",
    "31-12-2024", "2024-01-01T00:00:00Z", "2024-01-01T24:00:00", "2020-01-01T10:00:00+07:00", "2024-01-01 10:00",
    "2019-12-31T23:59:59", "10:00:00", "24:00:00", "23:59:60", "10:00", "10.30", "10:00:00Z", "2024-01", "2019-12",
    "2024-13", "20240101T101010.500", "2024-001T10:00:00Z", "2024-W01-1T10:00:00",
    # booleans, points, strings
    "true", "TRUE", "True", "yes", "ya", "Y", "tidak", "false", "1,2", " 1 , 2 ", "200,1", "1,95", "1,90", "1,90.5",
    "-180,-90.0001", "[1, 2]", "[1,2,3]",
    '{"lon": 1, "lat": 2}', '{"lon": 1}', '{"lat": 2, "lon": 181}', "x", "a", "b", "ab", "abcdef", "a@b.co",
    "nama@dinas.go.id", "x@", "http://x.y/z", "https://data.go.id", "urn:isbn:0451450523", "not a uri",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6", "aGVsbG8=", "abc", "abc=", "x" * 10_000,
]


def outcome(reader: Any, cell: Any) -> tuple[str, Any]:
    """What a cell reader does with ``cell``: ("ok", (value, notes)) or ("raises", exception type)."""
    try:
        return "ok", reader(cell)
    except Exception as error:  # both readers must fail alike; the type is compared
        return "raises", type(error).__name__


def same_value(ours: Any, theirs: Any) -> bool:
    """Equal and spelled alike, of the same type (by class name for frictionless's own named tuples)."""
    if type(ours).__name__ != type(theirs).__name__:
        return False
    if isinstance(theirs, tuple):
        return len(ours) == len(theirs) and all(same_value(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(theirs, float | Decimal):  # repr tells NaN, sNaN, -0.0 and 1.0 from 1.00 apart
        return repr(ours) == repr(theirs)
    return bool(ours == theirs) and repr(ours) == repr(theirs)


def assert_same(ours: tuple[str, Any], theirs: tuple[str, Any], context: Any) -> None:
    if theirs[0] == "raises":  # deliberate difference: where frictionless's check crashes (sNaN against a bound or
        # a list, a time with a zone against a bound without one), the cell is outside that constraint instead
        assert ours[0] == "ok" and ours[1][1], (context, ours, theirs)
        return
    assert ours[0] == theirs[0], (context, ours, theirs)
    (value, notes), (expected_value, expected_notes) = ours[1], theirs[1]
    assert same_value(value, expected_value), (context, value, expected_value)
    assert (None if notes is None else list(notes.items())) == (
        None if expected_notes is None else list(expected_notes.items())), (context, notes, expected_notes)


def both(descriptor: dict[str, Any]) -> tuple[Any, Any]:
    """Our field and frictionless's for a one-field schema."""
    return load_schema_descriptor(descriptor).fields[0], Schema.from_descriptor(descriptor).fields[0]


def one_field(spec: dict[str, Any], **schema: Any) -> dict[str, Any]:
    return {"fields": [{"name": "kolom", **spec}], **schema}


@pytest.mark.parametrize("spec", FIELDS, ids=lambda spec: json.dumps(spec, ensure_ascii=False))
def test_every_adversarial_cell_reads_as_frictionless_reads_it(spec: dict[str, Any]) -> None:
    descriptor = one_field(spec, missingValues=["", "-", "NA"], **{"$schema": V2})
    ours, theirs = both(descriptor)
    assert (ours.name, ours.type, ours.format, ours.missing_values, ours.has_defined("missing_values")) == (
        theirs.name, theirs.type, theirs.format, theirs.missing_values, theirs.has_defined("missing_values"))
    assert ours.supported_constraints == theirs.supported_constraints
    read, expected = ours.create_cell_reader(), theirs.create_cell_reader()
    value_read, value_expected = ours.create_value_reader(), theirs.create_value_reader()
    for cell in CELLS:
        assert_same(outcome(read, cell), outcome(expected, cell), (spec, cell))
        value, other = outcome(value_read, cell), outcome(value_expected, cell)
        assert value[0] == other[0] and (value[0] == "raises" or same_value(value[1], other[1])), (spec, cell)


def test_exclusive_bounds_and_object_missing_values_as_table_schema_v2_has_them() -> None:
    spec = {"type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": "100"},
            "missingValues": [{"value": "-", "label": "tidak ada"}, {"value": "x"}]}
    ours, theirs = both(one_field(spec, **{"$schema": V2}))
    read, expected = ours.create_cell_reader(), theirs.create_cell_reader()
    for cell in ["0", "0.0001", "100", "99.99", "-", "x", "NaN", "", "-1e-9"]:
        assert_same(outcome(read, cell), outcome(expected, cell), cell)


def test_schema_missing_values_apply_unless_the_field_has_its_own() -> None:
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer", "missingValues": ["?"]}]
    descriptor = {"fields": fields, "missingValues": ["", "-", "…"]}
    ours = load_schema_descriptor(descriptor)
    theirs = Schema.from_descriptor(descriptor)
    assert ours.missing_values == theirs.missing_values
    for mine, reference in zip(ours.fields, theirs.fields, strict=True):
        for cell in ["-", "…", "?", "", "5", None]:
            assert_same(outcome(mine.create_cell_reader(), cell), outcome(reference.create_cell_reader(), cell), cell)


NUMBERISH = st.from_regex(r"\A[ +\-]?[0-9.,_ eE]{0,12}[0-9]?\Z", fullmatch=True)
TEXT = st.one_of(st.text(max_size=30), NUMBERISH, st.sampled_from(CELLS))
HYPOTHESIS_FIELDS = [spec for spec in FIELDS if spec.get("format") not in ("any", "email", "uri", "uuid")]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from(HYPOTHESIS_FIELDS), cell=TEXT)
def test_any_text_reads_as_frictionless_reads_it(spec: dict[str, Any], cell: str) -> None:
    ours, theirs = both(one_field(spec, **{"$schema": V2}))
    assert_same(outcome(ours.create_cell_reader(), cell), outcome(theirs.create_cell_reader(), cell), (spec, cell))


@settings(max_examples=100, deadline=None)
@given(spec=st.sampled_from([spec for spec in FIELDS if spec.get("format") in ("any", "email", "uri", "uuid")]),
       cell=TEXT)
def test_third_party_formats_read_as_frictionless_reads_them(spec: dict[str, Any], cell: str) -> None:
    ours, theirs = both(one_field(spec))
    assert_same(outcome(ours.create_cell_reader(), cell), outcome(theirs.create_cell_reader(), cell), (spec, cell))


def test_non_text_cells_from_workbooks_read_as_frictionless_reads_them() -> None:
    from datetime import date, datetime, time

    cells = [0, 1, -3, 2.0, 2.5, math.nan, True, False, Decimal("3"), Decimal("3.5"), date(2024, 2, 29),
             datetime(2024, 1, 1), datetime(2024, 1, 1, 10, 30), datetime(2024, 1, 1, 0, 0, 30), time(10, 30),
             (2024, 5), [1, 2], (1, 2, 3), (2024,), []]
    for spec in FIELDS:
        ours, theirs = both(one_field(spec, **{"$schema": V2}))
        for cell in cells:
            assert_same(outcome(ours.create_cell_reader(), cell), outcome(theirs.create_cell_reader(), cell),
                        (spec, cell))


# -- descriptors ----------------------------------------------------------------------------------------------------


def frictionless_accepts(descriptor: Any) -> bool:
    try:
        Schema.from_descriptor(descriptor)
    except FrictionlessException:
        return False
    return True


def we_accept(descriptor: Any) -> bool:
    try:
        load_schema_descriptor(descriptor)
    except SchemaError as error:
        message = str(error)
        assert message and message.endswith(".") and "\n" not in message and "Traceback" not in message
        return False
    return True


VALID = [
    {"fields": []},
    one_field({}),
    one_field({"type": "integer", "format": "default", "title": "T", "description": "D", "rdfType": "x"}),
    one_field({"type": "integer", "constraints": {"unique": True, "required": False}}),
    one_field({"type": "string", "format": "fmt:email"}),
    one_field({"type": "string", "example": "x", "constraints": {}}),
    one_field({"type": "integer", "example": "12"}),
    one_field({"type": "boolean", "example": "ya", "trueValues": ["ya"]}),
    one_field({"type": "date", "format": "%d/%m/%Y", "example": "01/02/2024"}),
    one_field({"type": "string", "constraints": {"minLength": 1.0}}, name="nama-skema"),
    one_field({"type": "number", "constraints": {"exclusiveMinimum": 0}}, **{"$schema": V2}),
    one_field({"type": "number", "constraints": {"exclusiveMinimum": 0}}, **{"$schema": "https://example.org/s.json"}),
    one_field({"type": "number", "ppid": {"besaran": True}, "satuan": "jiwa"}, ppid={"tema": "x"}),
    one_field({"type": "integer"}, primaryKey="kolom"),
    one_field({"type": "integer"}, primaryKey=["kolom"], foreignKeys=[{"fields": "kolom", "reference": {
        "resource": "", "fields": "kolom"}}]),
    one_field({"type": "integer"}, foreignKeys=[{"fields": ["kolom"], "reference": {"fields": ["x"]}}]),
    one_field({"type": "integer"}, missingValues=[], fieldsMatch="subset", name="a.b/c"),
    one_field({"type": "integer"}, missingValues=[{"value": "-", "label": "kosong"}], **{"$schema": V2}),
    one_field({"type": "duration"}),
]
INVALID = [
    {},
    {"fields": "a"},
    {"fields": [{"type": "string"}]},
    one_field({"type": "text"}),
    one_field({"type": ""}),
    one_field({"type": None}),
    one_field({"type": 5}),
    one_field({"type": "integer\n"}),
    {"fields": [{"name": 5}]},
    one_field({"type": "string", "format": "phone"}),
    one_field({"type": "integer", "bareNumber": "no"}),
    one_field({"type": "number", "decimalChar": 1}),
    one_field({"type": "boolean", "trueValues": "ya"}),
    one_field({"type": "integer", "constraints": {"pattern": "[0-9]+"}}),
    one_field({"type": "integer", "constraints": {"minLength": 1}}),
    one_field({"type": "string", "constraints": {"minimum": 1}}),
    one_field({"type": "string", "constraints": {"required": "yes"}}),
    one_field({"type": "string", "constraints": {"enum": "a"}}),
    one_field({"type": "string", "constraints": {"maxLength": "5"}}),
    one_field({"type": "string", "constraints": {"maxLength": True}}),
    one_field({"type": "string", "constraints": {"foo": 1}}),
    one_field({"type": "string", "constraints": []}),
    one_field({"type": "string", "required": True}),
    one_field({"type": "integer", "example": "dua"}),
    one_field({"type": "boolean", "example": "ya"}),
    one_field({"type": "number", "constraints": {"exclusiveMinimum": 0}}),
    one_field({"type": "number", "constraints": {"exclusiveMaximum": 0}},
              **{"$schema": "https://datapackage.org/profiles/1.0/tableschema.json"}),
    one_field({"type": "integer"}, missingValues=[{"value": "-"}]),
    one_field({"type": "integer", "missingValues": [{"value": "-"}]}),
    one_field({"type": "integer"}, missingValues=[{"value": "-"}, {"value": "-"}], **{"$schema": V2}),
    one_field({"type": "integer"}, missingValues=[{"value": "-", "label": "a"}, {"value": "x", "label": "a"}],
              **{"$schema": V2}),
    one_field({"type": "integer"}, missingValues=[1]),
    one_field({"type": "integer"}, missingValues="-"),
    one_field({"type": "integer"}, missingValues=None),
    {"fields": [{"name": "a"}, {"name": "a"}]},
    one_field({}, primaryKey=["x"]),
    one_field({}, primaryKey=""),
    one_field({}, primaryKey=[1]),
    one_field({}, foreignKeys=[{"fields": ["x"], "reference": {"resource": "", "fields": ["x"]}}]),
    one_field({}, foreignKeys=[{"fields": ["kolom"], "reference": {"resource": "", "fields": ["a", "b"]}}]),
    one_field({}, foreignKeys=[{"fields": ["kolom"], "reference": {"resource": 1, "fields": ["kolom"]}}]),
    one_field({}, foreignKeys=["kolom"]),
    one_field({}, name="Nama Besar"),
    one_field({}, fieldsMatch="some"),
    one_field({}, type="table"),
    one_field({}, title=5),
]


@pytest.mark.parametrize("descriptor", VALID, ids=lambda item: json.dumps(item)[:80])
def test_a_descriptor_frictionless_accepts_is_accepted(descriptor: dict[str, Any]) -> None:
    assert frictionless_accepts(descriptor)
    assert we_accept(descriptor)


@pytest.mark.parametrize("descriptor", INVALID, ids=lambda item: json.dumps(item)[:80])
def test_a_descriptor_frictionless_refuses_is_refused_in_one_sentence(descriptor: dict[str, Any]) -> None:
    assert not frictionless_accepts(descriptor)
    assert not we_accept(descriptor)


def test_a_field_that_is_not_an_object_is_refused_where_frictionless_reads_a_file_or_fails() -> None:
    """Deliberate difference: frictionless opens ``"kolom"`` as a descriptor path and fails on ``5`` with a
    Python error; both are a broken schema, said in one sentence here."""
    for item in ["kolom", 5]:
        with pytest.raises(SchemaError, match="bukan objek JSON"):
            load_schema_descriptor({"fields": [item]})


@pytest.mark.parametrize(("spec", "cell"), [
    ({"type": "string", "constraints": {"pattern": "[unclosed"}}, "x"),
    ({"type": "integer", "constraints": {"minimum": "abc"}}, "1"),
    ({"type": "integer", "constraints": {"maximum": 1.5}}, "1"),
    ({"type": "number", "constraints": {"exclusiveMaximum": "NaN"}}, "1"),
    ({"type": "date", "constraints": {"minimum": "01/01/2020"}}, "2020-01-01"),
])
def test_a_constraint_frictionless_would_fail_on_at_the_first_cell_is_refused_with_the_schema(
        spec: dict[str, Any], cell: str) -> None:
    """Deliberate difference: frictionless accepts these schemas, then fails with a Python error (``re.error`` when
    it builds the reader, ``TypeError`` or ``InvalidOperation`` at the first cell); the officer gets a sentence."""
    descriptor = one_field(spec, **{"$schema": V2})
    schema = Schema.from_descriptor(descriptor)
    with pytest.raises(Exception) as failure:  # which Python error depends on the constraint
        schema.fields[0].create_cell_reader()(cell)
    assert not isinstance(failure.value, FrictionlessException)
    assert frictionless_fails_later(schema)
    with pytest.raises(SchemaError, match="kolom `kolom`"):
        load_schema_descriptor(descriptor)


def frictionless_fails_later(schema: Schema) -> bool:
    """Whether frictionless, having accepted the schema, fails with a Python error on the first readable cell of some
    field: a pattern it cannot compile, a bound its field cannot read (compared with None) or NaN."""
    for item in schema.fields:
        try:
            item.create_cell_reader()
        except Exception:  # re.error
            return True
        read = item.create_value_reader()
        for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            limit = item.constraints.get(name) if name in item.supported_constraints else None
            bound = None if limit is None else read(limit)
            nan = (isinstance(bound, Decimal) and bound.is_nan()) or (isinstance(bound, float) and math.isnan(bound))
            if limit is not None and (bound is None or nan):
                return True
    return False


def test_an_officer_reads_what_is_wrong_in_indonesian() -> None:
    with pytest.raises(SchemaError) as caught:
        load_schema_descriptor(one_field({"type": "integer", "constraints": {"pattern": "[0-9]+"}}))
    assert str(caught.value) == ("Batasan \"pattern\" tidak berlaku untuk kolom `kolom` yang bertipe \"integer\".")
    with pytest.raises(SchemaError) as caught:
        load_schema_descriptor(one_field({"type": "string", "constraints": {"maxLength": "5"}}))
    assert str(caught.value) == "Kolom `kolom` tidak sah: \"constraints/maxLength\" harus berupa bilangan bulat."


SCHEMA_FILES = sorted([*ROOT.glob("schemas/*.json"), *ROOT.glob("tests/**/*.schema.json"),
                       *ROOT.glob("bench/schemas/*.json"), ROOT / "schemas" / "reference" / "datapackage.json"])


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_schema_the_platform_ships_loads_as_frictionless_loads_it(path: Path) -> None:
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if "resources" in descriptor:  # a data package: the schema of its (one) resource
        [descriptor] = [resource["schema"] for resource in descriptor["resources"]]
    engine_view = frictionless_schema(descriptor, [spec["name"] for spec in descriptor["fields"]])
    for item in (descriptor, engine_view):
        ours, theirs = load_schema_descriptor(item), Schema.from_descriptor(item)
        assert [(field.name, field.type, field.format) for field in ours.fields] == [
            (field.name, field.type, field.format) for field in theirs.fields]
        assert ours.missing_values == theirs.missing_values
    for mine, reference in zip(load_schema_descriptor(engine_view).fields, Schema.from_descriptor(engine_view).fields,
                               strict=True):
        read, expected = mine.create_cell_reader(), reference.create_cell_reader()
        for cell in CELLS:
            assert_same(outcome(read, cell), outcome(expected, cell), (path.name, mine.name, cell))
    assert unsupported_reason(engine_view) is None


@pytest.mark.parametrize(("spec", "reason"), [
    ({"type": "duration"}, 'kolom `kolom` bertipe "duration"'), ({"type": "object"}, 'kolom `kolom` bertipe "object"'),
    ({"type": "array"}, 'kolom `kolom` bertipe "array"'), ({"type": "list"}, 'kolom `kolom` bertipe "list"'),
    ({"type": "geojson"}, 'kolom `kolom` bertipe "geojson"'),
    ({"type": "string", "format": "wkt"}, 'kolom `kolom` berformat "wkt"'),
    ({"type": "string", "format": "fmt:wkt"}, 'kolom `kolom` berformat "wkt"'),
])
def test_what_this_module_does_not_read_is_named_for_the_report(spec: dict[str, Any], reason: str) -> None:
    """The phrase ends render.py's sentence "Baris dibaca oleh frictionless karena … persis sama: <reason>"."""
    assert unsupported_reason(one_field(spec)) == reason
    assert unsupported_reason({"fields": [{"name": "a", "type": "integer"}, {"name": "kolom", **spec}]}) == reason


def test_every_type_and_format_it_reads_is_its_own() -> None:
    assert [spec for spec in FIELDS if unsupported_reason(one_field(spec)) is not None] == []


def test_reading_a_schema_and_its_cells_never_imports_frictionless() -> None:
    """The point of the module: a command that validates a file does not pay for importing frictionless."""
    path = ROOT / "ppid" / "validation" / "table_schema.py"
    descriptor = one_field({"type": "date", "constraints": {"minimum": "2020-01-01"}})
    program = (  # the file alone: ppid.validation's __init__ is not what is measured here
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('table_schema', {str(path)!r})\n"
        "module = sys.modules['table_schema'] = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        f"schema = module.load_schema_descriptor({descriptor!r})\n"
        "print(schema.fields[0].create_cell_reader()('2024-02-29'))\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('frictionless', 'ppid')))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.splitlines()[0] == "(datetime.date(2024, 2, 29), None)"
    assert "frictionless" not in result.stdout


VALUES = st.sampled_from([True, False, None, 0, 1, 1.0, 2.5, -1, "x", "1", "2020-01-01", "[0-9]+", "(", [], [1], ["a"],
                          {}, {"a": 1}])
CONSTRAINT_NAMES = st.sampled_from(["required", "unique", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                    "minLength", "maxLength", "pattern", "enum", "foo"])
MISSING = st.one_of(st.lists(st.sampled_from(["", "-", "NA"]), max_size=3),
                    st.lists(st.fixed_dictionaries({"value": st.sampled_from(["-", "x"])},
                                                   optional={"label": st.sampled_from(["a", "b"])}), max_size=2),
                    VALUES)
FIELD = st.fixed_dictionaries({"name": st.sampled_from(["a", "b", "c"])}, optional={
    "type": st.one_of(st.sampled_from(sorted(SUPPORTED := [
        "any", "boolean", "date", "datetime", "duration", "geopoint", "integer", "number", "object", "string", "time",
        "year", "yearmonth"])), st.sampled_from(["text", "", None, 5, "Integer"])),
    "format": st.sampled_from(["default", "email", "any", "%d/%m/%Y", "array", "object", "fmt:uri", "", 5]),
    "constraints": st.one_of(st.dictionaries(CONSTRAINT_NAMES, VALUES, max_size=3), VALUES),
    "missingValues": MISSING,
    "bareNumber": VALUES, "decimalChar": VALUES, "trueValues": st.one_of(st.just(["ya"]), VALUES),
    "example": VALUES, "required": VALUES, "title": VALUES,
})
DESCRIPTOR = st.fixed_dictionaries({"fields": st.lists(FIELD, max_size=3)}, optional={
    "missingValues": MISSING,
    "primaryKey": st.one_of(st.sampled_from(["a", ["a"], ["a", "z"], ""]), VALUES),
    "foreignKeys": st.one_of(st.just([{"fields": "a", "reference": {"resource": "", "fields": "b"}}]),
                             st.just([{"fields": ["a"], "reference": {"fields": ["a", "b"]}}]), VALUES),
    "$schema": st.sampled_from([V2, "https://datapackage.org/profiles/1.0/tableschema.json",
                                "https://example.org/profile.json", ""]),
    "name": st.sampled_from(["ok", "Bad Name", "a\n"]),
})


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(descriptor=DESCRIPTOR)
def test_any_descriptor_is_accepted_exactly_when_frictionless_accepts_it(descriptor: dict[str, Any]) -> None:
    """Where frictionless fails with a Python error instead (``"foreignKeys": true``), the schema is broken too
    and is refused in one sentence: a deliberate difference (the engine already turned those errors into
    ``InvalidSchemaError``). A schema with a type this module does not read goes to frictionless whole."""
    if unsupported_reason(descriptor) is not None:
        return
    try:
        theirs = Schema.from_descriptor(descriptor)
        broken = frictionless_fails_later(theirs)
    except Exception:  # FrictionlessException, or a Python error on a broken descriptor
        broken = True
    if broken:
        assert not we_accept(descriptor), descriptor
        return
    ours = load_schema_descriptor(descriptor)
    assert ours.missing_values == theirs.missing_values
    for mine, reference in zip(ours.fields, theirs.fields, strict=True):
        assert (mine.name, mine.type, mine.format, mine.missing_values, mine.has_defined("missing_values")) == (
            reference.name, reference.type, reference.format, reference.missing_values,
            reference.has_defined("missing_values"))
        for cell in ["", "-", "1", "2020-01-01", "ya", "x", None]:
            assert_same(outcome(mine.create_cell_reader(), cell), outcome(reference.create_cell_reader(), cell),
                        (descriptor, cell))


FIXTURES = ROOT / "tests" / "validation" / "fixtures" / "frictionless"


@pytest.mark.parametrize("case", json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8")),
                         ids=lambda case: case["data"])
def test_every_cell_of_frictionless_own_invalid_fixtures_reads_as_frictionless_reads_it(case: dict[str, str]) -> None:
    descriptor = json.loads((FIXTURES / case["schema"]).read_text(encoding="utf-8"))
    ours, theirs = load_schema_descriptor(descriptor), Schema.from_descriptor(descriptor)
    readers = [(mine.create_cell_reader(), reference.create_cell_reader())
               for mine, reference in zip(ours.fields, theirs.fields, strict=True)]
    with (FIXTURES / case["data"]).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) > 1
    for row in rows[1:]:
        for cell, (read, expected) in zip(row, readers, strict=False):
            assert_same(outcome(read, cell), outcome(expected, cell), (case, cell))
