"""A dataset's Satu Data Indonesia metadata as the public page lists it: every field the uploader and the registry
fill, in words, read back from the catalogue's package (its extras), so a real CKAN's dataset shows the same.

The codes stored in the catalogue (``semesteran``, ``kecamatan``) are the Satu Data vocabulary and stay as they
are for harvesters; a reader sees a word in their language ("Semesteran", "Every six months").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ppid.i18n import N_, _

FREQUENCY_WORDS = {
    "harian": N_("Harian"), "mingguan": N_("Mingguan"), "bulanan": N_("Bulanan"), "triwulanan": N_("Triwulanan"),
    "semesteran": N_("Semesteran"), "tahunan": N_("Tahunan"), "tidak-tetap": N_("Tidak tetap"),
}
LEVEL_WORDS = {
    "provinsi": N_("Provinsi"), "kabupaten": N_("Kabupaten/kota"), "kecamatan": N_("Kecamatan"),
    "desa": N_("Desa/kelurahan"), "individu": N_("Individu"), "lainnya": N_("Lainnya"),
}


@dataclass(frozen=True)
class MetadataEntry:
    """One line of the definition list: a label, and a text or links (tags, an e-mail address)."""

    label: str
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)
    """(text, href) pairs, shown instead of ``text`` when given."""


def metadata_entries(package: Mapping[str, Any], extras: Mapping[str, str],
                     tag_url: Any) -> list[MetadataEntry]:
    """The dataset's metadata in the order a reader asks: who made it, from what, how often, for when and where,
    in what unit, under which licence, whom to ask, and about what. Empty fields are left out."""
    organization = package.get("organization") or {}
    contact = extras.get("kontak") or package.get("maintainer_email") or ""
    region = extras.get("cakupan_wilayah", "")
    if region and extras.get("kode_wilayah"):
        region = _("%(region)s (kode wilayah %(code)s)", region=region, code=extras["kode_wilayah"])
    entries = [
        MetadataEntry(_("Produsen data"), extras.get("produsen_data") or organization.get("title", "")),
        MetadataEntry(_("Walidata"), extras.get("walidata", "")),
        MetadataEntry(_("Sumber data"), extras.get("sumber", "")),
        MetadataEntry(_("Frekuensi pembaruan"), _word(FREQUENCY_WORDS, extras.get("frekuensi_penerbitan", ""))),
        MetadataEntry(_("Tahun / periode"), extras.get("tahun", "")),
        MetadataEntry(_("Level penyajian"), _word(LEVEL_WORDS, extras.get("level_penyajian", ""))),
        MetadataEntry(_("Cakupan wilayah"), region),
        MetadataEntry(_("Satuan"), extras.get("satuan", "")),
        MetadataEntry(_("Lisensi"), package.get("license_title") or package.get("license_id") or ""),
        MetadataEntry(_("Kontak"), links=[(_contact_label(package, contact), f"mailto:{contact}")] if contact else []),
        MetadataEntry(_("Topik"), links=[(tag.get("display_name") or tag["name"], tag_url(tag["name"]))
                                         for tag in package.get("tags", [])]),
    ]
    return [entry for entry in entries if entry.text or entry.links]


def frequency_word(code: str) -> str:
    """How often an item is updated, as a word ("Semesteran"): the dataset and the document pages say it alike."""
    return _word(FREQUENCY_WORDS, code)


def _contact_label(package: Mapping[str, Any], contact: str) -> str:
    """The PPID officer's name when the contact is theirs, else the address itself."""
    return package.get("maintainer") or contact if contact == package.get("maintainer_email") else contact


def _word(words: Mapping[str, str], code: str) -> str:
    """The word for a vocabulary code in the reader's language; a code outside the vocabulary as it is."""
    return _(words[code]) if code in words else code
