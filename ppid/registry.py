"""The dinas registry (``config/dinas.yaml``): who publishes, where their files are, and how to describe them.

The file is validated with marshmallow when it is loaded; every error names the offending entry
(``dinas[2] (dinsos) › sources[0] › path``) so that whoever edits the YAML can find it at once.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from harvesters import KINDS, source_class
from ppid.config import ConfigError
from ppid.i18n import N_, _
from ppid.publication.classification import KEYS as CLASSIFICATION_KEYS
from ppid.publication.classification import NOT_A_NUMBER, ClassificationSchema

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")
#: What a rule's files are: tables validated against a schema, or public documents (reports, decrees).
TABLE, DOCUMENT = "table", "document"
FREQUENCIES = ["harian", "mingguan", "bulanan", "triwulanan", "semesteran", "tahunan", "tidak-tetap"]


class ContactSchema(Schema):
    name = fields.String(required=True)
    email = fields.Email(required=True)
    phone = fields.String(load_default=None)


DATASET_DEFAULTS: dict[str, Any] = {
    "description": "",
    "tags": [],
    "frequency": "tahunan",
    "year": None,
    "level_penyajian": None,
    "satuan": None,
    "licence": "cc-by",
}
"""What a dataset says when neither its rule nor its source says otherwise."""
SOURCE_METADATA_KEYS = frozenset({"name", "title", "description", "tags", "licence"})
"""What a source may say about its own datasets (a remote CKAN's title, a DCAT keyword list)."""


class DatasetDefaultsSchema(Schema):
    """Catalogue metadata for what a rule matches (Satu Data Indonesia fields, see catalogue-peers §6.4).

    Only what the YAML says is kept, so that a source's own metadata fills the rest (see
    :meth:`Rule.metadata_for`); the title is required unless the source kind carries titles.
    """

    title = fields.String()
    description = fields.String()
    tags = fields.List(fields.String())
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES))
    year = fields.String(allow_none=True)
    tanggal_pembaruan = fields.String(validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error=N_(
        "tulis tanggal sebagai teks YYYY-MM-DD dalam tanda kutip, misalnya \"2026-06-30\"")))
    """When the source last refreshed the information, if it is older than its harvest (periodic schedule)."""
    level_penyajian = fields.String(allow_none=True)
    satuan = fields.String(allow_none=True)
    licence = fields.String(data_key="license")
    kategori_informasi = fields.String()
    periode_bulan = fields.Integer(error_messages=NOT_A_NUMBER)
    pasal_11_huruf = fields.String()
    retensi = fields.String()
    """Jangka waktu penyimpanan (the DIP's retention column), e.g. ``5 tahun``."""

    @validates_schema
    def validate_classification(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A rule that classifies its datasets does so completely (see :mod:`ppid.publication.classification`)."""
        given = {key: data[key] for key in CLASSIFICATION_KEYS if key in data}
        if given:
            ClassificationSchema().load(given)


class RuleSchema(Schema):
    match = fields.String(required=True)
    kind = fields.String(load_default=None, validate=validate.OneOf([TABLE, DOCUMENT]))
    schema = fields.String(load_default=None)
    dataset = fields.Nested(DatasetDefaultsSchema, required=True)

    @validates_schema
    def validate_kind_and_schema(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A table needs a schema to be validated against; a document has none (it is not a table)."""
        if data.get("kind") == TABLE and not data.get("schema"):
            raise ValidationError({"schema": [_("wajib diisi untuk kind: table")]})
        if data.get("kind") == DOCUMENT and data.get("schema"):
            raise ValidationError({"schema": [_("tidak dipakai untuk kind: document; hapus baris ini")]})


class SourceSchema(Schema):
    class Meta:
        unknown = INCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    name = fields.String(load_default=None)
    rules = fields.List(fields.Nested(RuleSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def validate_kind_options(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("kind") in KINDS:
            options = _kind_options(data)
            source_class(data["kind"]).Options().load(options)

    @validates_schema
    def validate_titles(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A folder has no titles of its own: its rules must give one; a CKAN or DCAT source may leave it out."""
        if data.get("kind") not in KINDS or source_class(data["kind"]).carries_metadata:
            return
        missing = {
            index: {"dataset": {"title": ["Missing data for required field."]}}
            for index, rule in enumerate(data.get("rules", []))
            if not rule["dataset"].get("title")
        }
        if missing:
            raise ValidationError({"rules": missing})


class DinasSchema(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(SLUG))
    name = fields.String(required=True)
    short_name = fields.String(load_default=None)
    ppid = fields.Nested(ContactSchema, required=True)
    klasifikasi = fields.Nested(ClassificationSchema, load_default=None)
    """The category of every dataset of this dinas whose rule gives none (``kategori_informasi`` and its
    ``periode_bulan`` or ``pasal_11_huruf``)."""
    retensi = fields.String(load_default=None)
    """The retention period of every dataset of this dinas whose rule gives none (the DIP's column 7)."""
    sources = fields.List(fields.Nested(SourceSchema), load_default=list)


class RegistrySchema(Schema):
    region = fields.Dict(load_default=dict)
    walidata = fields.Nested(ContactSchema, load_default=None)
    dinas = fields.List(fields.Nested(DinasSchema), required=True, validate=validate.Length(min=1))

    @validates_schema
    def validate_unique_slugs(self, data: dict[str, Any], **_kwargs: Any) -> None:
        seen: set[str] = set()
        for index, dinas in enumerate(data.get("dinas", [])):
            if dinas["slug"] in seen:
                raise ValidationError(
                    {"dinas": {index: {"slug": [_("slug %(slug)r dipakai lebih dari satu dinas", slug=dinas["slug"])]}}}
                )
            seen.add(dinas["slug"])


@dataclass(frozen=True)
class Rule:
    match: str
    schema: str | None
    dataset: dict[str, Any]

    def metadata_for(self, source_metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The dataset's metadata: what the rule says, else what the source says, else the defaults."""
        offered = {key: value for key, value in (source_metadata or {}).items() if key in SOURCE_METADATA_KEYS}
        offered = {key: value for key, value in offered.items() if value}
        if "title" in self.dataset:
            offered.pop("name", None)  # a rule's own title names the dataset, as for a folder
        return dict(DATASET_DEFAULTS, tags=[]) | offered | self.dataset

    @property
    def is_document(self) -> bool:
        """A rule without a schema harvests public documents: described and indexed, never schema-validated."""
        return self.schema is None

    def matches(self, key: str) -> bool:
        name = key.rsplit("/", 1)[-1]
        return fnmatch.fnmatch(key.lower(), self.match.lower()) or fnmatch.fnmatch(name.lower(), self.match.lower())


@dataclass(frozen=True)
class SourceConfig:
    dinas_slug: str
    index: int
    kind: str
    name: str
    options: dict[str, Any]
    rules: tuple[Rule, ...]

    @property
    def source_id(self) -> str:
        """Stable identity of this source, used to remember what it offered last time."""
        return f"{self.dinas_slug}/{self.name}"

    def rule_for(self, key: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.matches(key)), None)


@dataclass(frozen=True)
class Dinas:
    slug: str
    name: str
    short_name: str
    ppid: dict[str, Any]
    sources: tuple[SourceConfig, ...] = field(default=())
    classification: dict[str, Any] = field(default_factory=dict)
    """The dinas's default classification (``klasifikasi`` in the YAML), the uploader form's starting value."""


@dataclass(frozen=True)
class Registry:
    region: dict[str, Any]
    walidata: dict[str, Any] | None
    dinas: tuple[Dinas, ...]

    def get(self, slug: str) -> Dinas | None:
        return next((dinas for dinas in self.dinas if dinas.slug == slug), None)

    @property
    def sources(self) -> list[SourceConfig]:
        return [source for dinas in self.dinas for source in dinas.sources]


def load_registry(path: Path) -> Registry:
    if not path.exists():
        raise ConfigError(_("Registri dinas %(path)s tidak ditemukan.", path=path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(
            _(
                "Registri dinas %(path)s bukan YAML yang sah (baris %(line)s).",
                path=path,
                line=mark.line + 1 if mark else "?",
            )
        ) from error
    try:
        data = RegistrySchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as error:
        raise ConfigError(
            _(
                "Registri dinas %(path)s tidak sah: %(problem)s.",
                path=path,
                problem=describe_errors(error.messages, raw),
            )
        ) from error
    return Registry(
        region=data["region"],
        walidata=data["walidata"],
        dinas=tuple(_build_dinas(entry, path.parent) for entry in data["dinas"]),
    )


def _build_dinas(entry: dict[str, Any], base_dir: Path) -> Dinas:
    sources = []
    for index, source in enumerate(entry["sources"]):
        options = source_class(source["kind"]).Options().load(_kind_options(source))
        if "path" in options:
            options["path"] = str((base_dir / options["path"]).resolve())
        sources.append(
            SourceConfig(
                dinas_slug=entry["slug"],
                index=index,
                kind=source["kind"],
                name=source["name"] or f"{source['kind']}-{index + 1}",
                options=options,
                rules=tuple(Rule(rule["match"], rule["schema"], _with_defaults(rule["dataset"], entry))
                            for rule in source["rules"]),
            )
        )
    return Dinas(
        slug=entry["slug"],
        name=entry["name"],
        short_name=entry["short_name"] or entry["name"],
        ppid=entry["ppid"],
        sources=tuple(sources),
        classification=entry["klasifikasi"] or {},
    )


def _with_defaults(dataset: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """A rule's dataset metadata with the dinas's default classification and retention where the rule gives none."""
    described = dict(dataset)
    if entry["klasifikasi"] and "kategori_informasi" not in dataset:
        described |= {key: value for key, value in entry["klasifikasi"].items() if value is not None}
    if entry["retensi"] and "retensi" not in dataset:
        described["retensi"] = entry["retensi"]
    return described


def _kind_options(source: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in source.items() if key not in {"kind", "name", "rules"}}


_MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": N_("wajib diisi"),
    "Unknown field.": N_("kolom tidak dikenal"),
    "Not a valid string.": N_("harus berupa teks"),
    "Not a valid email address.": N_("bukan alamat e-mail yang sah"),
    "Not a valid list.": N_("harus berupa daftar"),
    "Not a valid boolean.": N_("harus true atau false"),
    "Invalid input type.": N_("jenis isian salah"),
    "String does not match expected pattern.": N_("hanya huruf kecil, angka dan tanda hubung"),
}


def describe_errors(messages: Any, raw: Any, trail: str = "") -> str:
    """Flatten marshmallow's nested messages into ``where: what`` phrases pointing at the entry."""
    if isinstance(messages, list):
        return f"{trail}: " + "; ".join(_(_MARSHMALLOW_MESSAGES.get(str(m), str(m))) for m in messages)
    parts = []
    for key, value in messages.items():
        if isinstance(key, int):
            label = f"[{key}]"
            item = raw[key] if isinstance(raw, list) and key < len(raw) else None
            if isinstance(item, dict) and item.get("slug"):
                label += f" ({item['slug']})"
        else:
            label = key if key != "_schema" else ""
            item = raw.get(key) if isinstance(raw, dict) else None
        joined = f"{trail} › {label}" if trail and not label.startswith("[") else f"{trail}{label}"
        parts.append(describe_errors(value, item, joined.strip(" ›")))
    return "; ".join(parts)
