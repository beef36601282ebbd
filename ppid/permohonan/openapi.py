"""The OpenAPI 3.1 description of the request JSON API, generated from its marshmallow schemas.

The request bodies are the very schemas the workflow loads (:mod:`ppid.permohonan.schemas`); the
answers are described by the output schemas below, which mirror :func:`presenters.public_document`
(tests validate real answers against them, so the two cannot drift apart). Input rules that a field type cannot
say (a NIK's structure, a phone number, fields needed together) are written out as JSON Schema in
:func:`_exact_filing`, so the description allows only what the server accepts: ``test_openapi_fuzz.py`` has
schemathesis send what the description allows and fails on any refusal. Each API view declares
what it takes and answers with :func:`documented`; :func:`build_spec` walks the app's URL map, so a
new API route without a declaration fails the tests instead of being silently left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema, fields

from ppid.i18n import _
from ppid.permohonan.identity import PROVINCE_CODES
from ppid.permohonan.models import AccessMethod, DeliveryMethod, RequesterType
from ppid.permohonan.schemas import UNSURE, Choice, ObjectionSchema, Text, TrackingSchema

OPENAPI_VERSION = "3.1.0"
#: The JSON APIs described: information requests, and the publication registers (the DIP).
API_ENDPOINT_PREFIXES = ("permohonan.api.", "publikasi.api.", "transparansi.api.", "jawaban.api.")
View = TypeVar("View", bound=Callable[..., Any])


# -- what the API answers ------------------------------------------------------------------------


class CodedSchema(Schema):
    """A coded value with its label in the interface language."""

    kode = fields.String(required=True)
    label = fields.String(required=True)


class SkippedDaySchema(Schema):
    tanggal = fields.Date(required=True)
    alasan = fields.String(required=True)


class DeadlineComputationSchema(Schema):
    """How the written-notice deadline was counted: day 0, the working days added, the days not counted."""

    hari_ke_0 = fields.Date(required=True)
    alasan_hari_ke_0 = fields.String(required=True, allow_none=True)
    hari_kerja_pemberitahuan = fields.Integer(required=True)
    hari_kerja_perpanjangan = fields.Integer(required=True)
    hari_kerja_penangguhan = fields.Integer(required=True)
    jumlah_hari_kerja = fields.Integer(required=True)
    hari_tidak_dihitung = fields.List(fields.Nested(SkippedDaySchema), required=True)


class DeadlinesSchema(Schema):
    """The deadlines of the written notice (UU KIP Pasal 22(7)-(8)) and of an objection (Pasal 36(1))."""

    pemberitahuan_tertulis = fields.Date(required=True)
    diperpanjang = fields.Boolean(required=True)
    alasan_perpanjangan = fields.String(required=True, allow_none=True)
    sisa_hari_kerja = fields.Integer(required=True, allow_none=True)
    lewat_waktu = fields.Boolean(required=True)
    dijawab_terlambat = fields.Boolean(required=True)
    keberatan_paling_lambat = fields.Date(required=True, allow_none=True)
    perhitungan = fields.Nested(DeadlineComputationSchema, required=True)


class CourtCaseDocumentSchema(Schema):
    """A court stage after the Komisi Informasi's adjudication (UU KIP Pasal 47-50)."""

    tingkat = fields.Nested(CodedSchema, required=True)
    nomor_perkara = fields.String(required=True)
    didaftarkan_pada = fields.Date(required=True)
    putusan = fields.String(required=True, allow_none=True)
    tanggal_putusan = fields.Date(required=True, allow_none=True)


class DisputeDocumentSchema(Schema):
    """A dispute at the Komisi Informasi (Pasal 37-38): its milestones are the KI's deadlines, not the PPID's."""

    nomor_register = fields.String(required=True)
    diajukan_pada = fields.Date(required=True)
    diterima_komisi_informasi = fields.Date(required=True, metadata={"description": "Hari ke-0 Pasal 38"})
    mulai_paling_lambat = fields.Date(required=True, metadata={"description": "14 hari kerja, Pasal 38 ayat (1)"})
    selesai_paling_lambat = fields.Date(required=True, metadata={"description": "100 hari kerja, Pasal 38 ayat (2)"})
    hari_ke_0_penyelesaian = fields.Date(
        required=True, metadata={"description": "Dari mana 100 hari kerja dihitung (diterima atau batas mulai)"})
    hari_libur_tidak_dihitung = fields.List(fields.Nested(SkippedDaySchema), required=True)
    lewat_tanpa_hasil = fields.Boolean(required=True)
    hasil = fields.Nested(CodedSchema, required=True, allow_none=True)
    tanggal_putusan = fields.Date(required=True, allow_none=True)
    nomor_putusan = fields.String(required=True, allow_none=True)
    batas_gugatan_pengadilan = fields.Date(required=True, allow_none=True, metadata={
        "description": "Hari terakhir mengajukan gugatan ke PTUN/PN setelah putusan ajudikasi: 14 hari kalender sejak "
                       "tanggal putusan (Pasal 47-48); null bila tidak ada putusan ajudikasi"})
    pengadilan = fields.List(fields.Nested(CourtCaseDocumentSchema), required=True)


class DeliberationDocumentSchema(Schema):
    """A musyawarah meeting on the objection (Pasal 35(2)); an agreement ends the objection."""

    tanggal = fields.Date(required=True)
    sepakat = fields.Boolean(required=True)
    kesepakatan = fields.String(required=True, allow_none=True)


class RequesterResponseDocumentSchema(Schema):
    """The requester's response to the objection's outcome (register keberatan column k)."""

    isi = fields.String(required=True)
    diterima_pada = fields.Date(required=True)
    tertulis = fields.Boolean(required=True, metadata={"description": "Diterima secara tertulis, dicatat petugas"})


class ObjectionDocumentSchema(Schema):
    """An objection (keberatan, Pasal 35-36) and the atasan PPID's answer, if any."""

    nomor = fields.String(required=True)
    diajukan_pada = fields.DateTime(required=True)
    alasan = fields.List(fields.Nested(CodedSchema), required=True)
    kasus_posisi = fields.String(required=True)
    melewati_batas_pengajuan = fields.Boolean(required=True)
    batas_tanggapan = fields.Date(required=True)
    lewat_waktu = fields.Boolean(required=True)
    putusan = fields.Nested(CodedSchema, required=True, allow_none=True)
    ditanggapi_pada = fields.Date(required=True, allow_none=True)
    batas_sengketa_komisi_informasi = fields.Date(required=True, allow_none=True)
    sengketa_diajukan_pada = fields.Date(required=True, allow_none=True)
    sengketa = fields.Nested(DisputeDocumentSchema, required=True, allow_none=True)
    musyawarah = fields.List(fields.Nested(DeliberationDocumentSchema), required=True)
    tanggapan_pemohon = fields.Nested(RequesterResponseDocumentSchema, required=True, allow_none=True)


class StepSchema(Schema):
    waktu = fields.DateTime(required=True)
    kode = fields.String(required=True)
    judul = fields.String(required=True)
    rincian = fields.List(fields.String(), required=True)


class TrackingDocumentSchema(Schema):
    """A request as its requester sees it: status, deadlines and steps, never personal data."""

    nomor = fields.String(required=True, metadata={"description": "Nomor pendaftaran (UU KIP Pasal 22(4))"})
    diterima_pada = fields.DateTime(required=True)
    hari_ke_0 = fields.Date(required=True)
    saluran = fields.String(required=True)
    ditangani_oleh = fields.String(required=True)
    informasi_yang_diminta = fields.String(required=True)
    status = fields.Nested(CodedSchema, required=True)
    keputusan = fields.Nested(CodedSchema, required=True, allow_none=True)
    batas_waktu = fields.Nested(DeadlinesSchema, required=True)
    keberatan = fields.Nested(ObjectionDocumentSchema, required=True, allow_none=True)
    langkah = fields.List(fields.Nested(StepSchema), required=True)


class FiledDocumentSchema(TrackingDocumentSchema):
    """The answer to a filing: the tracking document plus the secret of the tracking link, shown once."""

    token = fields.String(required=True)
    tautan_lacak = fields.Url(required=True)


class ErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "Pesan galat per kolom."})


class ChoicesSchema(Schema):
    """The values the filing API accepts, with their labels."""

    jenis_pemohon = fields.List(fields.Nested(CodedSchema), required=True)
    cara_memperoleh = fields.List(fields.Nested(CodedSchema), required=True)
    format_salinan = fields.List(fields.Nested(CodedSchema), required=True)
    cara_mendapatkan_salinan = fields.List(fields.Nested(CodedSchema), required=True)
    alasan_keberatan = fields.List(fields.Nested(CodedSchema), required=True)
    dinas = fields.List(fields.Nested(CodedSchema), required=True)


class TokenSchema(Schema):
    """Tracking by the secret of the tracking link alone."""

    token = Text(required=True, max_length=200)


class ObjectionByTokenSchema(ObjectionSchema, TokenSchema):
    """An objection by the requester identified by the secret of the tracking link."""


OBJECTION_BODY = ObjectionByTokenSchema
TRACKING_BODY = {"oneOf": [TokenSchema, TrackingSchema]}
"""The token answers the tracking document; the number with the filing e-mail only gets a link e-mailed (202)."""


# -- declaring operations ------------------------------------------------------------------------

SchemaSpec = type[Schema] | Schema | Callable[[], Schema] | dict[str, Any]


def documented(
    summary: str, *, body: SchemaSpec | None = None, responses: Mapping[int, SchemaSpec],
    headers: Mapping[str, str] | None = None, query: Mapping[str, str] | None = None,
) -> Callable[[View], View]:
    """Attach the OpenAPI operation of an API view: its request body, its optional request headers and query
    parameters (name → description) and its answers per status code."""

    def decorator(view: View) -> View:
        view.openapi = {"summary": summary, "description": view.__doc__ or "", "body": body,  # type: ignore[attr-defined]
                        "responses": dict(responses), "headers": dict(headers or {}), "query": dict(query or {})}
        return view

    return decorator


class UndocumentedRoute(RuntimeError):
    """An API route has no :func:`documented` declaration."""


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every route of the request API, for this app's registry and language."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title=_("API Permohonan Informasi Publik"),
        version="1",
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": _("Pengajuan dan pelacakan permohonan informasi publik sesuai UU No. 14 Tahun 2008 "
                               "Pasal 22, serta keberatan sesuai Pasal 35-36. Tidak pernah memuat data pribadi "
                               "pemohon. Juga Daftar Informasi Publik (Pasal 11 ayat 1 huruf a) dan jawaban "
                               "permohonan yang telah diterbitkan.")},
    )
    plugin.map_to_openapi_type(Choice, fields.String)
    plugin.converter.add_attribute_function(_choices)
    plugin.converter.add_attribute_function(_text)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.endpoint.startswith(API_ENDPOINT_PREFIXES):
            continue
        declared = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if declared is None:
            raise UndocumentedRoute(f"{rule.rule} ({rule.endpoint}) has no @documented declaration")
        operations = {method.lower(): _operation(declared) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}
        spec.path(path=_openapi_path(rule.rule), operations=operations)
    document = spec.to_dict()
    filing = document["components"]["schemas"].get("Filing")
    if filing is not None:
        _exact_filing(filing, dinas_slugs=[dinas.slug for dinas in app.extensions["ppid"].registry.dinas])
    return document


def _operation(declared: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": declared["summary"],
        "description": " ".join(declared["description"].split()),
        "responses": {
            str(code): {"description": _response_description(code), "content": {"application/json": {
                "schema": _schema(schema)}}}
            for code, schema in declared["responses"].items()
        },
    }
    parameters = [
        {"name": name, "in": "header", "required": False, "description": _(description),
         "schema": {"type": "string", "minLength": 1, "maxLength": 100}}
        for name, description in declared["headers"].items()
    ] + [
        {"name": name, "in": "query", "required": False, "description": _(description), "schema": {"type": "string"}}
        for name, description in declared["query"].items()
    ]
    if parameters:
        operation["parameters"] = parameters
    if declared["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _schema(declared["body"])}}}
    return operation


def _schema(spec: SchemaSpec) -> Any:
    """A schema class or instance as is (the plugin resolves it to a $ref); factories are called first."""
    if isinstance(spec, dict):
        return {key: [_schema(item) for item in value] if isinstance(value, list) else value
                for key, value in spec.items()}
    if isinstance(spec, type | Schema):
        return spec
    return _schema(spec())


def _response_description(code: int) -> str:
    return {200: "OK", 201: _("Tercatat"), 202: _("Diterima; tautan dikirim ke e-mail bila cocok"),
            400: _("Bukan objek JSON"), 404: _("Tidak ditemukan"),
            409: _("Tidak dapat dilakukan pada status ini"), 422: _("Isian tidak sah"),
            429: _("Terlalu banyak permintaan")}.get(code, str(code))


def _openapi_path(rule: str) -> str:
    """``/api/permohonan/<token>`` becomes ``/api/permohonan/{token}``."""
    return rule.replace("<", "{").replace(">", "}").replace("{int:", "{").replace("{string:", "{")


def _choices(_converter: Any, field: Any, ret: dict[str, Any] | None = None, **_kwargs: Any) -> dict[str, Any]:
    if isinstance(field, Choice):
        return {"enum": [*field.choices, *([None] if field.allow_none else [])]}
    return {}


def _text(_converter: Any, field: Any, ret: dict[str, Any] | None = None, **_kwargs: Any) -> dict[str, Any]:
    """A :class:`Text`: its length, no NUL character, and for a required one something besides white space (blank
    values count as missing)."""
    if not isinstance(field, Text):
        return {}
    return {"maxLength": field.max_length, "pattern": FILLED_TEXT if field.required else ANY_TEXT}


#: White space as Python's ``str.strip`` sees it (the server strips every value), in JSON Schema's regex syntax.
SPACE = r"\s\x1c-\x1f\x85"
ANY_TEXT = r"^[^\x00]*$"
FILLED_TEXT = rf"^[^\x00]*[^{SPACE}\x00][^\x00]*$"
_REGION = "(?:0[1-9]|[1-9][0-9])"
_DAY_1_28 = "(?:0[1-9]|1[0-9]|2[0-8]|4[1-9]|5[0-9]|6[0-8])"  # women: day + 40
_BIRTH = (rf"(?:{_DAY_1_28}(?:0[1-9]|1[0-2])[0-9]{{2}}|(?:29|30|69|70)(?:0[13-9]|1[0-2])[0-9]{{2}}"
          r"|(?:31|71)(?:0[13578]|1[02])[0-9]{2}|(?:29|69)02(?:[02468][048]|[13579][26]))")
NIK = (rf"^(?:{'|'.join(sorted(PROVINCE_CODES))}){_REGION}{_REGION}{_BIRTH}"
       r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})$")
""":func:`ppid.permohonan.identity.nik_problem` as a pattern: province, kabupaten and kecamatan codes, a possible
date of birth (29 February only in years divisible by 4), a serial other than 0000."""
_PHONE_DIGITS = r"[0-9](?:[ ()-]*[0-9]){7,14}[ ()-]*$"
PHONE = [{"pattern": rf"^\+{_PHONE_DIGITS}", "maxLength": 26}, {"pattern": rf"^{_PHONE_DIGITS}", "maxLength": 25}]
""":func:`ppid.permohonan.identity.normalise_phone`: 8-15 digits, spaces, brackets and hyphens, a leading +."""
EMAIL = (r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
         r"[A-Za-z]{2,6}$")
"""The ASCII addresses marshmallow's ``Email`` validator accepts (it also takes quoted and non-Latin ones)."""


def _exact_filing(schema: dict[str, Any], *, dinas_slugs: list[str]) -> None:
    """Write the filing rules that are not a field's own into its JSON Schema (:class:`FilingSchema` with
    ``strict_identity``; the API takes no files, so a filing by a proxy, which needs the surat kuasa, is not
    possible through it)."""
    properties = schema["properties"]
    filled = {"type": "string", "pattern": FILLED_TEXT}
    properties["dinas"]["enum"] = [*dinas_slugs, UNSURE]
    properties["nik"]["pattern"] = NIK
    properties["email"]["pattern"] = EMAIL
    properties["telepon"]["anyOf"] = [{"type": "null"}, *({"type": "string", **rule} for rule in PHONE)]
    properties["pernyataan"] = {"const": True, "description": _("Pernyataan kebenaran isian: wajib true.")}
    properties["melalui_kuasa"] = {"const": False, "description": _(
        "Permohonan melalui kuasa memerlukan surat kuasa khusus, yang hanya dapat dilampirkan lewat formulir web.")}
    schema["required"] = sorted({*schema["required"], "pekerjaan", "pernyataan"})
    properties["pekerjaan"] = {"maxLength": properties["pekerjaan"]["maxLength"], **filled}

    def when(field: str, values: list[str], then: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"properties": {field: {"enum": values}}, "required": [field]}, "then": then}

    def needs(*fields: str) -> dict[str, Any]:
        return {"required": list(fields), "properties": {field: {"type": "string"} for field in fields}}

    schema["allOf"] = [
        when("jenis_pemohon", [RequesterType.PERSON.value, RequesterType.GROUP.value], needs("nik")),
        when("jenis_pemohon", [RequesterType.LEGAL_ENTITY.value],
             {"required": ["nomor_sk_pengesahan"], "properties": {"nomor_sk_pengesahan": filled}}),
        when("cara_memperoleh", [AccessMethod.COPY.value], needs("format_salinan", "cara_mendapatkan_salinan")),
        when("cara_mendapatkan_salinan", [DeliveryMethod.EMAIL.value], needs("email")),
        {"anyOf": [needs("telepon"), needs("email")]},
    ]
