"""A draft's catalogue metadata (Satu Data Indonesia fields): the form's help, its defaults, and its checks.

Defaults come from the dinas registry (a rule describing the same dataset, the dinas's PPID contact,
the region), so an officer usually only writes the title and the period. Errors are one short
Indonesian phrase per field, translated when shown.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from ppid.i18n import N_, _
from ppid.pipeline.naming import dataset_name_for, slugify
from ppid.publication.classification import CATEGORIES, ClassificationSchema, check_together
from ppid.registry import FREQUENCIES, Dinas, Registry, Rule

LEVELS = ["kabupaten", "kecamatan", "desa", "individu", "lainnya"]
LICENCES = ["cc-by", "cc-by-sa", "cc-zero", "odc-odbl"]
PERIOD = r"^\d{4}(\s*[-/]\s*(\d{4}|S[12]|TW[1-4]|Q[1-4]|(0[1-9]|1[0-2])))?$"
TAG = r"^[\w .-]{2,100}$"

CHOOSE = N_("pilih salah satu dari daftar")
REQUIRED = {"required": N_("wajib diisi"), "null": N_("wajib diisi")}

HELP = {
    "title": N_("Nama dataset seperti yang dicari warga, misalnya 'Jumlah Puskesmas per Kecamatan'."),
    "description": N_("Apa isi data ini, dari mana asalnya, dan hal yang perlu diketahui pembaca."),
    "tags": N_("Kata kunci dipisah koma, misalnya: kesehatan, puskesmas."),
    "frequency": N_("Seberapa sering data ini diperbarui."),
    "year": N_("Tahun atau periode data: 2024, 2023-2024, 2024-S1 (semester), 2024-TW2 (triwulan) atau 2024-03."),
    "level_penyajian": N_("Satuan wilayah terkecil di dalam data."),
    "cakupan_wilayah": N_("Wilayah yang dicakup data."),
    "satuan": N_("Satuan angka di dalam data, misalnya jiwa, unit, rupiah, persen."),
    "sumber": N_("Instansi atau kegiatan yang menghasilkan data."),
    "kontak": N_("Alamat e-mail yang dapat dihubungi warga tentang data ini."),
    "licence": N_("Lisensi data terbuka; CC-BY cocok untuk hampir semua data pemerintah."),
}


def _text(**kwargs: Any) -> fields.String:
    return fields.String(error_messages={"invalid": N_("harus berupa teks"), **REQUIRED}, **kwargs)


class DraftMetadataSchema(ClassificationSchema):
    """The Satu Data fields and the information category (``kategori_informasi`` and what goes with it)."""

    kategori_informasi = _text(load_default=None, validate=validate.OneOf(CATEGORIES, error=CHOOSE))
    title = _text(required=True, validate=validate.Length(min=3, max=200, error=N_("antara 3 dan 200 huruf")))
    description = _text(load_default="", validate=validate.Length(max=5000, error=N_("paling banyak 5.000 huruf")))
    tags = fields.List(
        _text(validate=validate.Regexp(TAG, error=N_("kata kunci hanya huruf, angka, spasi, titik dan tanda hubung"))),
        load_default=list,
    )
    frequency = _text(load_default="tahunan", validate=validate.OneOf(FREQUENCIES, error=CHOOSE))
    year = _text(required=True, validate=validate.Regexp(PERIOD, error=N_(
        "tulis tahun seperti 2024 atau periode seperti 2024-S1")))
    level_penyajian = _text(load_default="kabupaten", validate=validate.OneOf(LEVELS, error=CHOOSE))
    cakupan_wilayah = _text(load_default="")
    satuan = _text(load_default="")
    sumber = _text(load_default="")
    kontak = fields.Email(required=True, error_messages={"invalid": N_("bukan alamat e-mail yang sah"), **REQUIRED})
    licence = _text(load_default="cc-by", validate=validate.OneOf(LICENCES, error=CHOOSE))

    @validates_schema
    def validate_together(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """As in the registry; a category left out of the form stays as the dinas's default says."""
        if data.get("kategori_informasi"):
            check_together(data)

    @pre_load
    def from_form(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """Blank form fields mean 'use the default'; tags arrive as one comma-separated line."""
        cleaned = {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        cleaned = {key: value for key, value in cleaned.items() if value not in ("", None)}
        if isinstance(cleaned.get("tags"), str):
            cleaned["tags"] = [tag.strip().lower() for tag in cleaned["tags"].split(",") if tag.strip()]
        return cleaned


class MetadataError(Exception):
    """The form has mistakes: ``errors`` maps each field to one translated phrase."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def load_metadata(form: dict[str, Any]) -> dict[str, Any]:
    """Checked metadata from a submitted form, or :class:`MetadataError` naming every wrong field."""
    try:
        return DraftMetadataSchema().load(form, unknown="exclude")
    except ValidationError as error:
        raise MetadataError({field: _first_message(messages) for field, messages in error.messages.items()}) from None


def _first_message(messages: Any) -> str:
    while isinstance(messages, dict):
        messages = next(iter(messages.values()))
    if isinstance(messages, list):
        messages = messages[0]
        if isinstance(messages, dict):
            return _first_message(messages)
    return _(str(messages))


def defaults_for(registry: Registry, dinas: Dinas, dataset_slug: str | None) -> dict[str, Any]:
    """The form's starting values: the registry rule describing this dataset when there is one."""
    meta: dict[str, Any] = {
        "frequency": "tahunan",
        "level_penyajian": "kabupaten",
        "cakupan_wilayah": registry.region.get("name", ""),
        "sumber": dinas.name,
        "kontak": dinas.ppid.get("email", ""),
        "licence": "cc-by",
        "tags": [],
        **dinas.classification,
    }
    rule = registry_rules(dinas).get(dataset_slug or "")
    if rule is not None:
        meta.update({key: value for key, value in rule.dataset.items() if value})
    return meta


def registry_rules(dinas: Dinas) -> dict[str, Rule]:
    """The datasets the registry already describes for this dinas, by slug (name without the dinas prefix)."""
    rules = {}
    for source in dinas.sources:
        for rule in source.rules:
            rules.setdefault(dataset_name_for(dinas.slug, rule).removeprefix(f"{dinas.slug}-"), rule)
    return rules


def dataset_slug_for(title: str) -> str:
    return slugify(title)[:80].strip("-") or "dataset"
