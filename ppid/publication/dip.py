"""The Daftar Informasi Publik (UU 14/2008 Pasal 11(1)(a); Perki 1/2010 Lampiran II columns, kip-rules §5.8).

One list per dinas and one for the whole pemda, built when asked from what the catalogue shows the public
(datasets and documents) and from what a dinas declares it holds outside the catalogue. Exempt information
is never in it: a package classified dikecualikan, or named by a DIK entry, is left out even if a catalogue
still shows it. A row's number is its place in the whole list, so a filtered view keeps the numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.i18n import N_, _
from ppid.publication.classification import DIKECUALIKAN, describe, is_exempt
from ppid.publication.models import DeclaredInformation, DipDecree, ExemptInformation
from ppid.registry import Registry

#: ``package_search`` as the public sees it: (start, rows) -> the action's result.
Search = Callable[[int, int], Mapping[str, Any]]
PAGE = 500
JSON_KEYS = {"number": "nomor", "title": "judul", "summary": "ringkasan", "holder_unit": "unit_penguasa",
             "responsible": "penanggung_jawab", "made": "waktu_tempat_pembuatan", "formats": "format",
             "retention": "retensi", "category": "kategori", "category_label": "kategori_label", "dinas": "dinas",
             "link": "tautan", "source": "sumber"}


@dataclass(frozen=True)
class DipRow:
    number: int
    title: str
    summary: str
    holder_unit: str
    responsible: str
    made: str
    formats: str
    retention: str
    category: str
    """``kategori_informasi``, empty while unclassified."""
    category_label: str
    dinas: str
    """The dinas's slug."""
    link: str
    """The catalogue entry or document on the portal, or where a declared entry can be found."""
    source: str
    """``katalog`` or ``dinyatakan`` (declared by the dinas)."""

    def as_json(self) -> dict[str, Any]:
        """The row under the Indonesian keys of the JSON API (``DipRow`` in the OpenAPI description)."""
        return {JSON_KEYS[key]: value for key, value in asdict(self).items()}


def build(session: Session, registry: Registry, packages: Iterable[Mapping[str, Any]], *,
          portal_url: str, dinas_slug: str | None = None) -> list[DipRow]:
    """The DIP of one dinas (or of the pemda when ``dinas_slug`` is None), numbered from 1."""
    exempt_names = set(session.scalars(select(ExemptInformation.dataset_name).where(
        ExemptInformation.dataset_name != "", ExemptInformation.opened_on.is_(None))))
    rows = [_from_package(package, portal_url) for package in packages
            if _listable(package, exempt_names) and dinas_slug in (None, _organization(package))]
    declared = select(DeclaredInformation).where(DeclaredInformation.kategori_informasi != DIKECUALIKAN)
    if dinas_slug is not None:
        declared = declared.where(DeclaredInformation.dinas_slug == dinas_slug)
    rows += [_from_declared(entry, registry) for entry in session.scalars(declared)]
    rows.sort(key=lambda row: (row.dinas, row.title.casefold()))
    return [_numbered(row, number) for number, row in enumerate(rows, start=1)]


def public_packages(search: Search) -> list[Mapping[str, Any]]:
    """Every package the public may see, page by page (the DIP lists all of them)."""
    packages: list[Mapping[str, Any]] = []
    while True:
        result = search(len(packages), PAGE)
        packages += result["results"]
        if not result["results"] or len(packages) >= result["count"]:
            return packages


def matching(rows: Iterable[DipRow], *, query: str = "", dinas: str = "", category: str = "",
             file_format: str = "") -> list[DipRow]:
    """The rows a visitor's search and filters keep: words in the title or summary, dinas, category, format."""
    words = query.casefold().split()
    return [
        row for row in rows
        if all(word in f"{row.title} {row.summary}".casefold() for word in words)
        and (not dinas or row.dinas == dinas)
        and (not category or row.category == category)
        and (not file_format or file_format.upper() in row.formats.upper().split(", "))
    ]


def decree_in_force(session: Session, dinas_slug: str | None) -> DipDecree | None:
    """The newest SK establishing this DIP (``dinas_slug`` None: the pemda's)."""
    return session.scalar(select(DipDecree).where(DipDecree.dinas_slug == (dinas_slug or ""))
                          .order_by(DipDecree.decided_on.desc(), DipDecree.id.desc()))


HEADERS = (N_("No"), N_("Ringkasan isi informasi"), N_("Pejabat/unit yang menguasai informasi"),
           N_("Penanggung jawab pembuatan/penerbitan"), N_("Waktu dan tempat pembuatan"), N_("Format informasi"),
           N_("Jangka waktu penyimpanan"), N_("Kategori"), N_("Tautan"))


def headers() -> list[str]:
    """The Perki columns (kip-rules §5.8) in the reader's language, plus category and link."""
    return [_(header) for header in HEADERS]


def cells(row: DipRow) -> list[str | int]:
    summary = f"{row.title}: {row.summary}" if row.summary else row.title
    return [row.number, summary, row.holder_unit, row.responsible, row.made, row.formats, row.retention,
            row.category_label, row.link]


def _listable(package: Mapping[str, Any], exempt_names: set[str]) -> bool:
    return (not package.get("private") and package.get("state", "active") == "active"
            and not is_exempt(_extras(package)) and package["name"] not in exempt_names)


def _from_package(package: Mapping[str, Any], portal_url: str) -> DipRow:
    extras = _extras(package)
    organization = package.get("organization") or {}
    document = extras.get("jenis") == "dokumen"
    made = ", ".join(part for part in (extras.get("tahun", ""), extras.get("cakupan_wilayah", "")) if part)
    formats = sorted({resource["format"] for resource in package.get("resources", []) if resource.get("format")})
    return DipRow(
        number=0,
        title=package.get("title") or package["name"],
        summary=package.get("notes") or "",
        holder_unit=extras.get("produsen_data") or organization.get("title", ""),
        responsible=package.get("maintainer") or "",
        made=made,
        formats=", ".join(formats),
        retention=extras.get("retensi_arsip", ""),
        category=extras.get("kategori_informasi", ""),
        category_label=describe(extras),
        dinas=organization.get("name", ""),
        link=f"{portal_url}/{'dokumen' if document else 'dataset'}/{package['name']}",
        source="katalog",
    )


def _from_declared(entry: DeclaredInformation, registry: Registry) -> DipRow:
    meta = {"kategori_informasi": entry.kategori_informasi, "periode_bulan": entry.periode_bulan,
            "pasal_11_huruf": entry.pasal_11_huruf}
    dinas = registry.get(entry.dinas_slug)
    return DipRow(
        number=0,
        title=entry.title,
        summary=entry.summary,
        holder_unit=entry.holder_unit or (dinas.name if dinas else ""),
        responsible=entry.responsible,
        made=", ".join(part for part in (entry.made_when, entry.made_where) if part),
        formats=entry.formats,
        retention=entry.retention,
        category=entry.kategori_informasi,
        category_label=describe(meta),
        dinas=entry.dinas_slug,
        link=entry.link,
        source="dinyatakan",
    )


def _numbered(row: DipRow, number: int) -> DipRow:
    return DipRow(**{**asdict(row), "number": number})


def _organization(package: Mapping[str, Any]) -> str:
    return (package.get("organization") or {}).get("name", "")


def _extras(package: Mapping[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras", [])}
