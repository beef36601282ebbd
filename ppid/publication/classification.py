"""The category of a piece of public information (UU 14/2008 Pasal 9, 10, 11 and 17).

A classification travels as three flat keys, the same in ``config/dinas.yaml``, in the uploader's form, in a
dataset's metadata and as CKAN extras on the catalogue package (so a real CKAN carries it too):
``kategori_informasi`` (one of :data:`CATEGORIES`), ``periode_bulan`` (berkala only: how often, in months,
at most 6 by Pasal 9(4)) and ``pasal_11_huruf`` (setiap-saat only: which letter of Pasal 11(1)). The
module knows only marshmallow and the message catalogue, so the registry can check a classification at load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ppid.i18n import N_, _

BERKALA, SERTA_MERTA, SETIAP_SAAT, DIKECUALIKAN = "berkala", "serta-merta", "setiap-saat", "dikecualikan"
CATEGORIES = (BERKALA, SERTA_MERTA, SETIAP_SAAT, DIKECUALIKAN)
CATEGORY_LABELS = {
    BERKALA: N_("Informasi berkala (Pasal 9)"),
    SERTA_MERTA: N_("Informasi serta-merta (Pasal 10)"),
    SETIAP_SAAT: N_("Informasi tersedia setiap saat (Pasal 11)"),
    DIKECUALIKAN: N_("Informasi dikecualikan (Pasal 17)"),
}
#: Pasal 9(4): periodic information is published at least every six months.
MAX_PERIOD_MONTHS = 6
PASAL_11_LETTERS = {
    "a": N_("daftar seluruh informasi publik yang berada di bawah penguasaannya"),
    "b": N_("hasil keputusan badan publik dan pertimbangannya"),
    "c": N_("seluruh kebijakan yang ada berikut dokumen pendukungnya"),
    "d": N_("rencana kerja proyek termasuk perkiraan pengeluaran tahunan"),
    "e": N_("perjanjian badan publik dengan pihak ketiga"),
    "f": N_("informasi dan kebijakan yang disampaikan pejabat publik dalam pertemuan terbuka untuk umum"),
    "g": N_("prosedur kerja pegawai badan publik yang berkaitan dengan pelayanan masyarakat"),
    "h": N_("laporan mengenai pelayanan akses informasi publik"),
}
KEYS = ("kategori_informasi", "periode_bulan", "pasal_11_huruf")
NOT_A_NUMBER = {"invalid": N_("tulis jumlah bulan sebagai angka, misalnya 6")}


@dataclass(frozen=True)
class Classification:
    category: str
    period_months: int | None = None
    pasal_11_letter: str | None = None

    @property
    def exempt(self) -> bool:
        return self.category == DIKECUALIKAN

    @property
    def label(self) -> str:
        """The category in the reader's language, with the period or letter that goes with it."""
        text = _(CATEGORY_LABELS[self.category])
        if self.period_months:
            return _("%(label)s, diperbarui setiap %(months)s bulan", label=text, months=self.period_months)
        if self.pasal_11_letter:
            return _("%(label)s huruf %(letter)s", label=text, letter=self.pasal_11_letter)
        return text

    def as_meta(self) -> dict[str, Any]:
        """The flat keys as a dataset's metadata and the catalogue's extras hold them (extras are text)."""
        return {
            "kategori_informasi": self.category,
            "periode_bulan": str(self.period_months) if self.period_months else "",
            "pasal_11_huruf": self.pasal_11_letter or "",
        }


class ClassificationSchema(Schema):
    """The three keys, checked together: a period only for berkala, a letter only for setiap-saat."""

    kategori_informasi = fields.String(required=True, validate=validate.OneOf(
        CATEGORIES, error=N_("pilih salah satu: berkala, serta-merta, setiap-saat, dikecualikan")))
    periode_bulan = fields.Integer(
        allow_none=True, load_default=None, error_messages=NOT_A_NUMBER,
        validate=validate.Range(min=1, max=MAX_PERIOD_MONTHS, error=N_(
            "antara 1 dan 6 bulan (Pasal 9 ayat 4: paling singkat 6 bulan sekali)")))
    pasal_11_huruf = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(
        tuple(PASAL_11_LETTERS), error=N_("huruf a sampai h dari Pasal 11 ayat 1")))

    @validates_schema
    def validate_together(self, data: dict[str, Any], **_kwargs: Any) -> None:
        check_together(data)


def check_together(data: Mapping[str, Any]) -> None:
    """The period and the letter belong to one category each; raises marshmallow's error naming the key."""
    category = data.get("kategori_informasi")
    if category == BERKALA and not data.get("periode_bulan"):
        raise ValidationError({"periode_bulan": [_("wajib diisi untuk informasi berkala")]})
    if category != BERKALA and data.get("periode_bulan"):
        raise ValidationError({"periode_bulan": [_("hanya untuk informasi berkala; hapus baris ini")]})
    if category == SETIAP_SAAT and not data.get("pasal_11_huruf"):
        raise ValidationError({"pasal_11_huruf": [_("wajib diisi untuk informasi tersedia setiap saat")]})
    if category != SETIAP_SAAT and data.get("pasal_11_huruf"):
        raise ValidationError({"pasal_11_huruf": [_("hanya untuk informasi tersedia setiap saat; hapus baris ini")]})


def parse(values: Mapping[str, Any]) -> Classification:
    """A classification from flat keys (a form, YAML, metadata); raises ``ValidationError``."""
    cleaned = {key: values.get(key) for key in KEYS if values.get(key) not in (None, "")}
    data = ClassificationSchema().load(cleaned)
    return Classification(data["kategori_informasi"], data["periode_bulan"], data["pasal_11_huruf"])


def from_meta(meta: Mapping[str, Any]) -> Classification | None:
    """What a dataset's metadata or a package's extras say, or None when unclassified or no longer valid."""
    if not meta.get("kategori_informasi"):
        return None
    try:
        return parse(meta)
    except ValidationError:
        return None


def is_exempt(meta: Mapping[str, Any]) -> bool:
    """Whether metadata or extras say dikecualikan: such an item is never published (checked without parsing,
    so a malformed period never lets an exempt item through)."""
    return meta.get("kategori_informasi") == DIKECUALIKAN


def describe(meta: Mapping[str, Any]) -> str:
    """The category of metadata or extras in words, for pages and registers (``belum diklasifikasikan`` if none)."""
    classification = from_meta(meta)
    if classification is not None:
        return classification.label
    category = meta.get("kategori_informasi")
    return _(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else _("belum diklasifikasikan")
