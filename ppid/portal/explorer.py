"""The data explorer of a published table: rows through ``datastore_search``, a chart aggregated with
``datastore_search_sql``, the data dictionary from the Table Schema, downloads and API snippets.

Everything is asked of the catalogue's DataStore actions, as an API user would ask them, so the page works
the same over the embedded catalogue and a real CKAN and never reads a whole table into Python. The page
is built on the server: each table's search, filters, sort and page are query parameters of the dataset
page (prefixed per resource), so it works without JavaScript and every view has an address.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import shlex
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from ckanapi.errors import CKANAPIError, ValidationError
from markupsafe import Markup

from ppid.i18n import _, get_language
from ppid.portal import charts
from ppid.portal.preview import Preview
from ppid.validation.causes import number
from ppid.validation.headers import header_keys, normalise_header
from ppid.validation.reference import region_names, region_reference

log = logging.getLogger(__name__)

#: ``read_action``: a catalogue action as an anonymous visitor.
Call = Callable[..., Any]

PAGE_ROWS = 20
MAX_BARS = 25
#: Units whose values add up, so a sum over rows means something (a sum of percentages or indices does not).
ADDITIVE_UNITS = frozenset({"jiwa", "orang", "keluarga", "unit", "rupiah", "ribu jiwa", "ton", "hektare", "km", "km²"})
#: Region levels from the coarsest: a bar chart by region uses the coarsest level with more than one region.
REGION_LEVELS = ("provinsi", "kabupaten_kota", "kecamatan", "desa")
_LOCALES = {"id": "id_ID", "en": "en_US"}
#: The DataStore dump's formats: the embedded catalogue's, and a real CKAN's (which has no XLSX or Parquet).
EMBEDDED_DUMP_FORMATS = ("csv", "tsv", "json", "xml", "xlsx", "parquet")
CKAN_DUMP_FORMATS = ("csv", "tsv", "json", "xml")


def _type_words(kind: str) -> str:
    words = {
        "string": _("teks"), "integer": _("bilangan bulat"), "number": _("angka desimal"),
        "boolean": _("ya/tidak"), "date": _("tanggal (TTTT-BB-HH)"), "datetime": _("tanggal dan waktu"),
        "time": _("waktu"), "year": _("tahun"), "yearmonth": _("tahun dan bulan"), "duration": _("durasi"),
        "geopoint": _("titik koordinat"), "geojson": _("GeoJSON"), "object": _("objek JSON"),
        "array": _("daftar JSON"), "any": _("bebas"),
    }  # fmt: skip
    return words.get(kind, kind)


def _level_words(level: str) -> str:
    words = {"provinsi": _("provinsi"), "kabupaten_kota": _("kabupaten/kota"), "kecamatan": _("kecamatan"),
             "desa": _("desa/kelurahan")}  # fmt: skip
    return words.get(level, level)


@dataclass(frozen=True)
class Column:
    """One column as every table of the portal heads it: the schema's title, with its name as a second label."""

    name: str
    title: str
    type: str = "string"
    unit: str = ""
    quantity: bool = False
    """A number written with thousands separators; a ``tahun`` is a number but not a quantity."""
    region_level: str | None = None
    choices: tuple[str, ...] = ()
    """The schema's ``enum``: the filter offers these instead of a free text box."""

    @property
    def numeric(self) -> bool:
        return self.type in {"integer", "number", "year"}

    @property
    def additive(self) -> bool:
        return self.quantity and self.unit in ADDITIVE_UNITS

    def show(self, value: Any) -> str:
        """The value as the page shows it: quantities in the page language's number format, the rest as stored."""
        if value is None:
            return ""
        if self.quantity and not isinstance(value, bool):
            return number(value)
        return str(value)


def columns(schema: Mapping[str, Any]) -> list[Column]:
    """The schema's fields as columns: the schema, not the file's own header, names them, so every file agrees."""
    return [
        Column(
            name=spec["name"], title=spec.get("title") or spec["name"], type=spec.get("type", "string"),
            unit=spec.get("satuan") or spec.get("unit") or "",
            quantity=spec.get("type") in {"integer", "number"} and spec.get("ppid", {}).get("besaran", True),
            region_level=spec.get("ppid", {}).get("tingkat") if spec.get("ppid", {}).get("referensi") else None,
            choices=tuple(str(value) for value in (spec.get("constraints") or {}).get("enum", [])),
        )
        for spec in schema.get("fields", [])
    ]  # fmt: skip


# The state of one table in the page's query parameters -------------------------------------------------


def state_key(resource_id: str) -> str:
    """The prefix of one table's query parameters: short, and distinct for the few files of one dataset."""
    return "t" + resource_id.replace("-", "")[:8]


@dataclass(frozen=True)
class State:
    """What a visitor asked of one table (search, exact filters, sort, page), read from and written to the URL."""

    key: str
    q: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    sort: str = ""
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, key: str, args: Mapping[str, str], names: Sequence[str]) -> State:
        sort = args.get(f"{key}-urut", "")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        try:
            page = max(int(args.get(f"{key}-hal", "1")), 1)
        except ValueError:
            page = 1
        filters = tuple((name, args[f"{key}-f-{name}"].strip()) for name in names
                        if args.get(f"{key}-f-{name}", "").strip())  # fmt: skip
        return cls(key=key, q=args.get(f"{key}-q", "").strip(), filters=filters,
                   sort=sort if sort in names else "", descending=descending and sort in names, page=page)  # fmt: skip

    @property
    def changed(self) -> bool:
        return bool(self.q or self.filters or self.sort or self.page > 1)

    def params(self) -> dict[str, str]:
        """This table's query parameters (the defaults left out, so a plain page has a plain address)."""
        params = {f"{self.key}-f-{name}": value for name, value in self.filters}
        if self.q:
            params[f"{self.key}-q"] = self.q
        if self.sort:
            params[f"{self.key}-urut"] = ("-" if self.descending else "") + self.sort
        if self.page > 1:
            params[f"{self.key}-hal"] = str(self.page)
        return params

    def sorted_by(self, name: str) -> State:
        """Sorted by ``name``: ascending first, then descending, back on the first page."""
        descending = self.sort == name and not self.descending
        return dataclasses.replace(self, sort=name, descending=descending, page=1)

    def at_page(self, page: int) -> State:
        return dataclasses.replace(self, page=page)

    def cleared(self) -> State:
        return State(key=self.key)


# One page of a table --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePage:
    """The rows to show, already formatted for the page, and where they are in the whole table."""

    state: State
    columns: list[Column]
    rows: list[list[str]]
    total: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)
    """The page's rows as the API gives them (raw values), for the snippets' example filter."""
    error: str = ""

    @property
    def pages(self) -> int:
        return max(-(-self.total // PAGE_ROWS), 1)

    @property
    def first_row(self) -> int:
        return (self.state.page - 1) * PAGE_ROWS + 1


def table_page(call: Call, resource_id: str, table_columns: list[Column], state: State) -> TablePage:
    """One page of rows through ``datastore_search``, filtered and sorted as ``state`` says."""
    by_name = {column.name: column for column in table_columns}
    filters: dict[str, Any] = {}
    for name, text in state.filters:
        value = _filter_value(by_name[name], text)
        if value is None:
            message = _("Saringan %(kolom)s: “%(nilai)s” bukan angka.", kolom=by_name[name].title, nilai=text)
            return TablePage(state=state, columns=table_columns, rows=[], error=message)
        filters[name] = value
    params: dict[str, Any] = {"resource_id": resource_id, "limit": PAGE_ROWS, "offset": (state.page - 1) * PAGE_ROWS,
                              "include_total": True,
                              "sort": f"{state.sort} {'desc' if state.descending else 'asc'}, _id asc"
                              if state.sort else "_id asc"}  # fmt: skip
    if filters:
        params["filters"] = filters
    if state.q:
        params["q"] = state.q
    try:
        result = call("datastore_search", **params)
    except ValidationError as error:
        log.info("datastore_search %s refused: %s", resource_id, error)
        message = _("Pencarian ini tidak dapat dijalankan; periksa saringan dan kata carinya.")
        return TablePage(state=state, columns=table_columns, rows=[], error=message)
    except CKANAPIError:
        log.warning("datastore_search %s failed", resource_id, exc_info=True)
        message = _("Tabel ini tidak dapat dibaca saat ini. Coba lagi nanti, atau unduh berkasnya.")
        return TablePage(state=state, columns=table_columns, rows=[], error=message)
    records = result.get("records", [])
    total = int(result.get("total") or 0)
    last = max(-(-total // PAGE_ROWS), 1)
    if not records and state.page > last:  # an old link past the end (the table shrank): its last page
        return table_page(call, resource_id, table_columns, state.at_page(last))
    rows = [[column.show(record.get(column.name)) for column in table_columns] for record in records]
    return TablePage(state=state, columns=table_columns, rows=rows, total=total, records=records)


def _filter_value(column: Column, text: str) -> Any:
    """A filter as typed by a visitor: numbers as the page writes them (``148.526``), anything else as text."""
    if not column.numeric:
        return text
    try:
        value = parse_decimal(text, locale=_LOCALES.get(get_language(), "id_ID"), strict=False)
    except NumberFormatError:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def preview_page(preview: Preview, table_columns: list[Column], schema: Mapping[str, Any]) -> TablePage:
    """The first rows of a file without a DataStore table, headed and formatted like an explored table.

    The file's own header labels are matched to the schema as validation matches them, so both kinds of
    table show the same titles; numbers are read in the schemas' plain format and shown in the page's.
    """
    keys = header_keys(schema)
    by_name = {column.name: column for column in table_columns}
    heads = [by_name.get(keys.get(normalise_header(label), "")) or Column(name=label, title=label)
             for label in preview.labels]  # fmt: skip
    rows = [[_preview_cell(column, cell) for column, cell in zip(heads, row, strict=False)] for row in preview.rows]
    return TablePage(state=State(key=""), columns=heads, rows=rows, total=len(rows))


def _preview_cell(column: Column, cell: str) -> str:
    if not column.quantity:
        return cell
    try:
        return column.show(Decimal(cell))
    except InvalidOperation:
        return cell


# The chart -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    """The text alternative: what is drawn and its extremes; every number is in the table next to it."""
    label_heading: str
    value_heading: str
    points: list[tuple[str, str]]
    svg: Markup


class _ChartCache:
    """Charts by table version and language: the sums change only with the rows, and on a ten-million-row
    table they cost a GROUP BY, so a page view after the first costs none."""

    def __init__(self, size: int = 256) -> None:
        self._charts: OrderedDict[tuple[str, ...], Chart | None] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: tuple[str, ...], make: Callable[[], Chart | None]) -> Chart | None:
        with self._lock:
            if key in self._charts:
                self._charts.move_to_end(key)
                return self._charts[key]
        made = make()
        with self._lock:
            self._charts[key] = made
            while len(self._charts) > self._size:
                self._charts.popitem(last=False)
        return made


_charts = _ChartCache()


def cached_chart(call: Call, resource: Mapping[str, Any], schema_name: str, table_columns: list[Column],
                 schemas_dir: Path) -> Chart | None:  # fmt: skip
    """:func:`chart`, made once per version of the rows (the DataStore's ``ppid_datastore_sha256``, else the
    resource's ``last_modified``) and language; a resource with neither is charted every time."""
    version = resource.get("ppid_datastore_sha256") or resource.get("last_modified")
    make = functools.partial(chart, call, resource["id"], schema_name, table_columns, schemas_dir)
    if not version:
        return make()
    return _charts.get((resource["id"], str(version), schema_name, get_language()), make)


def chart(
    call: Call, resource_id: str, schema_name: str, table_columns: list[Column], schemas_dir: Path
) -> Chart | None:
    """The chart the schema suggests: a bar per region (latest year), else a line over years, else none.

    The sums are computed by the DataStore (``datastore_search_sql``, a standard CKAN action that a real
    CKAN answers too), so a ten-million-row table sends back a few dozen numbers. Only quantities that add
    up are charted, and a chart needs at least two bars or two years; a catalogue that refuses SQL (a real
    CKAN with ``ckan.datastore.sqlsearch.enabled`` off) simply gets no chart.
    """
    measure = _measure(table_columns, schema_name)
    if measure is None:
        return None
    year = next((c for c in table_columns if c.name == "tahun" or c.type == "year"), None)
    regions = sorted((c for c in table_columns if c.region_level in REGION_LEVELS),
                     key=lambda c: REGION_LEVELS.index(c.region_level or ""))  # fmt: skip
    table, value = _identifier(resource_id), _identifier(measure.name)
    try:
        year_name = _identifier(year.name) if year else ""
        latest = f" WHERE {year_name} = (SELECT MAX({year_name}) FROM {table})" if year else ""
        year_column = f", MAX({year_name}) AS tahun" if year else ""
        for region in regions:
            code = _identifier(region.name)
            records = _sql(call, f"SELECT {code} AS label, SUM({value}) AS nilai{year_column} FROM {table}{latest} "
                                 f"GROUP BY {code} ORDER BY nilai DESC NULLS LAST, label LIMIT {MAX_BARS + 2}")
            if len(records) >= 2:
                return _region_chart(records, measure, region, schemas_dir)
        if year is not None:
            records = _sql(call, f"SELECT {year_name} AS label, SUM({value}) AS nilai FROM {table} "
                                 f"GROUP BY {year_name} ORDER BY label")  # fmt: skip
            if len(records) >= 2:
                return _year_chart(records, measure, year)
    except CKANAPIError:
        log.info("no chart for %s: the catalogue refused its datastore_search_sql", resource_id, exc_info=True)
    return None


def _measure(table_columns: list[Column], schema_name: str) -> Column | None:
    """The table's headline quantity: the one named after the table, else a total, else the first that adds up."""
    additive = [column for column in table_columns if column.additive]
    named = next((c for c in additive if c.name in {schema_name, f"jumlah_{schema_name}"}), None)
    total = next((c for c in additive if any(o.name.startswith(c.name + "_") for o in additive)), None)
    return named or total or (additive[0] if additive else None)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(call: Call, sql: str) -> list[dict[str, Any]]:
    """The groups that have a label and a sum (rows without either are left out here, not in SQL: one plain
    GROUP BY that any DataStore's SQL checker accepts)."""
    records = call("datastore_search_sql", sql=sql).get("records", [])
    return [record for record in records if record.get("label") is not None and record.get("nilai") is not None]


def _value_heading(measure: Column) -> str:
    return f"{measure.title} ({measure.unit})" if measure.unit else measure.title


def _to_float(value: Any) -> float:
    return float(Decimal(str(value)))


def _region_chart(records: list[dict[str, Any]], measure: Column, region: Column, schemas_dir: Path) -> Chart:
    shown = records[:MAX_BARS]
    names = region_names(schemas_dir, frozenset(str(r["label"]) for r in shown))
    labels = [names.get(str(r["label"]), str(r["label"])) for r in shown]
    values = [_to_float(r["nilai"]) for r in shown]
    level = _level_words(region.region_level or "")
    year = shown[0].get("tahun")
    if year is None:
        title = _("%(ukuran)s menurut %(tingkat)s", ukuran=measure.title, tingkat=level)
    else:
        title = _("%(ukuran)s menurut %(tingkat)s, tahun %(tahun)s", ukuran=measure.title, tingkat=level, tahun=year)
    if len(records) > MAX_BARS:
        title += " " + _("(%(jumlah)s %(tingkat)s dengan nilai terbesar)", jumlah=MAX_BARS, tingkat=level)
    description = _(
        "Diagram batang: %(judul)s. Tertinggi %(tertinggi)s (%(nilai_tertinggi)s), terendah %(terendah)s "
        "(%(nilai_terendah)s). Semua angka ada di tabel di bawah diagram.",
        judul=title, tertinggi=labels[0], nilai_tertinggi=number(shown[0]["nilai"]),
        terendah=labels[-1], nilai_terendah=number(shown[-1]["nilai"]),
    )  # fmt: skip
    points = [(label, number(r["nilai"])) for label, r in zip(labels, shown, strict=True)]
    svg = charts.bars(list(zip(labels, values, strict=True)), title, description, number)
    return Chart(title=title, description=description, label_heading=level.capitalize(),
                 value_heading=_value_heading(measure), points=points, svg=svg)  # fmt: skip


def _year_chart(records: list[dict[str, Any]], measure: Column, year: Column) -> Chart:
    labels = [str(r["label"]) for r in records]
    values = [_to_float(r["nilai"]) for r in records]
    title = _("%(ukuran)s menurut tahun", ukuran=measure.title)
    description = _(
        "Diagram garis: %(judul)s, %(awal)s sampai %(akhir)s: dari %(nilai_awal)s menjadi %(nilai_akhir)s. "
        "Semua angka ada di tabel di bawah diagram.",
        judul=title, awal=labels[0], akhir=labels[-1], nilai_awal=number(records[0]["nilai"]),
        nilai_akhir=number(records[-1]["nilai"]),
    )  # fmt: skip
    points = [(label, number(r["nilai"])) for label, r in zip(labels, records, strict=True)]
    svg = charts.line(list(zip(labels, values, strict=True)), title, description, number)
    return Chart(title=title, description=description, label_heading=year.title,
                 value_heading=_value_heading(measure), points=points, svg=svg)  # fmt: skip


# The data dictionary ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One column of the data dictionary."""

    title: str
    name: str
    description: str
    type: str
    unit: str
    constraints: list[str]
    reference: str
    reference_url: str


def dictionary(schema: Mapping[str, Any], schemas_dir: Path) -> list[Entry]:
    """The schema's columns in words: what each holds, its type and unit, and what every value must satisfy."""
    primary_key = schema.get("primaryKey") or []
    primary_key = [primary_key] if isinstance(primary_key, str) else primary_key
    reference = region_reference(schemas_dir)
    entries = []
    for spec, column in zip(schema.get("fields", []), columns(schema), strict=True):
        rules = _constraints(spec.get("constraints") or {}, column)
        if column.name in primary_key:
            rules.append(_("bagian dari kunci utama (tidak ada dua baris dengan nilai kunci yang sama)")
                         if len(primary_key) > 1 else _("kunci utama (unik)"))  # fmt: skip
        about = ""
        if column.region_level and reference:
            about = _("Kode wilayah tingkat %(tingkat)s, diperiksa dengan %(judul)s, %(paket)s versi %(versi)s "
                      "(%(keputusan)s).", tingkat=_level_words(column.region_level), judul=reference["title"],
                      paket=reference["package"], versi=reference["version"], keputusan=reference["decree"])
        entries.append(Entry(
            title=column.title, name=column.name, description=spec.get("description") or "",
            type=_type_words(column.type), unit=column.unit, constraints=rules, reference=about,
            reference_url=reference.get("url", "") if about else "",
        ))  # fmt: skip
    return entries


def _constraints(constraints: Mapping[str, Any], column: Column) -> list[str]:
    rules = []
    if constraints.get("required"):
        rules.append(_("wajib diisi"))
    if constraints.get("unique"):
        rules.append(_("unik"))
    for key, words in (("minimum", _("paling kecil %(nilai)s")), ("maximum", _("paling besar %(nilai)s")),
                       ("minLength", _("paling sedikit %(nilai)s karakter")),
                       ("maxLength", _("paling banyak %(nilai)s karakter"))):  # fmt: skip
        if key in constraints:
            rules.append(words % {"nilai": column.show(constraints[key]) if key in {"minimum", "maximum"}
                                  else number(constraints[key])})
    if constraints.get("pattern"):
        rules.append(_("mengikuti pola %(pola)s", pola=constraints["pattern"]))
    if constraints.get("enum"):
        rules.append(_("salah satu dari: %(daftar)s", daftar=", ".join(str(v) for v in constraints["enum"])))
    return rules


# Downloads and API snippets --------------------------------------------------------------------------------


def dump_links(dump_base: str, resource_id: str, *, embedded: bool) -> list[tuple[str, str]]:
    """(format, address) of every format the catalogue's DataStore dump offers for the table."""
    formats = EMBEDDED_DUMP_FORMATS if embedded else CKAN_DUMP_FORMATS
    return [(fmt.upper() if fmt != "parquet" else "Parquet", f"{dump_base}/datastore/dump/{resource_id}?format={fmt}")
            for fmt in formats]  # fmt: skip


@dataclass(frozen=True)
class Snippet:
    """One copy-paste example: ``key`` names it in the page (an element id), ``label`` for people."""

    key: str
    label: str
    code: str


def example_filter(page: TablePage) -> dict[str, Any]:
    """A filter that finds rows of this very table: the first row's region code, else its first text value."""
    if not page.records:
        return {}
    record = page.records[0]
    candidates = [c for c in page.columns if c.region_level] + [c for c in page.columns if c.type == "string"]
    chosen = next((c for c in candidates if record.get(c.name) not in (None, "")), None)
    return {chosen.name: record[chosen.name]} if chosen else {}


def snippets(api_base: str, resource_id: str, filters: Mapping[str, Any]) -> list[Snippet]:
    """Copy-paste calls of ``datastore_search`` for this table with a filter, in the tools people use."""
    action = f"{api_base}/api/3/action/datastore_search"
    filters_json = json.dumps(dict(filters), ensure_ascii=False)
    curl = (f"curl -G {shlex.quote(action)} \\\n  --data-urlencode {shlex.quote('resource_id=' + resource_id)} \\\n"
            f"  --data-urlencode {shlex.quote('filters=' + filters_json)} \\\n  --data-urlencode 'limit=5'")
    cli = (f"ckanapi action datastore_search -r {shlex.quote(api_base)} \\\n  resource_id={resource_id} "
           f"{shlex.quote('filters:' + filters_json)} limit:5")  # fmt: skip
    # JSON's literals are Python's for strings, numbers and dicts: one quoting style in every snippet.
    python_ckanapi = (
        "from ckanapi import RemoteCKAN\n\n"
        f"ckan = RemoteCKAN({json.dumps(api_base)})\n"
        f"result = ckan.action.datastore_search(\n    resource_id={json.dumps(resource_id)},\n"
        f"    filters={filters_json},\n    limit=5,\n)\n"
        "for record in result[\"records\"]:\n    print(record)\n"
    )
    python_requests = (
        "import json\n\nimport requests\n\n"
        f"response = requests.get({json.dumps(action)}, params={{\n"
        f"    \"resource_id\": {json.dumps(resource_id)},\n"
        f"    \"filters\": json.dumps({filters_json}),\n"
        "    \"limit\": 5,\n}, timeout=30)\n"
        "response.raise_for_status()\n"
        "records = response.json()[\"result\"][\"records\"]\n"
    )
    r_filters = filters_json.replace("\\", "\\\\").replace("'", "\\'")
    r = (
        "library(httr2)\n\n"
        f"response <- request({json.dumps(action)}) |>\n"
        f"  req_url_query(resource_id = {json.dumps(resource_id)}, filters = '{r_filters}', limit = 5) |>\n"
        "  req_perform()\n"
        "records <- resp_body_json(response, simplifyVector = TRUE)$result$records  # data.frame (jsonlite)\n"
    )
    return [
        Snippet("curl", "curl", curl),
        Snippet("ckanapi-cli", _("ckanapi (baris perintah)"), cli),
        Snippet("ckanapi-python", _("Python (ckanapi)"), python_ckanapi),
        Snippet("python-requests", _("Python (requests)"), python_requests),
        Snippet("r-httr2", _("R (httr2 dan jsonlite)"), r),
    ]


# One table's explorer --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explorer:
    """Everything the dataset page shows for one table resource."""

    resource: Mapping[str, Any]
    page: TablePage
    live: bool
    """True when the rows come from the DataStore; False for the first rows of a file without one."""
    chart: Chart | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)
    snippets: list[Snippet] = field(default_factory=list)


def explore(call: Call, resource: Mapping[str, Any], schema: Mapping[str, Any], args: Mapping[str, str], *,
            schemas_dir: Path, api_base: str, dump_base: str, embedded: bool,
            preview: Callable[[], Preview | None]) -> Explorer | None:  # fmt: skip
    """The explorer of one table resource: from the DataStore when it is active, else the file's first rows."""
    table_columns = columns(schema)
    if not resource.get("datastore_active"):
        first_rows = preview()
        return Explorer(resource, preview_page(first_rows, table_columns, schema), live=False) if first_rows else None
    resource_id = resource["id"]
    state = State.from_args(state_key(resource_id), args, [column.name for column in table_columns])
    page = table_page(call, resource_id, table_columns, state)
    return Explorer(
        resource, page, live=True,
        chart=cached_chart(call, resource, schema.get("name") or "", table_columns, schemas_dir),
        downloads=dump_links(dump_base, resource_id, embedded=embedded),
        snippets=snippets(api_base, resource_id, example_filter(page)),
    )  # fmt: skip
