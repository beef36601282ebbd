"""From a dataset's files and the dinas registry to a CKAN package dict, with the Satu Data Indonesia metadata.

It takes plain values (:class:`DatasetFile`, :class:`Dinas`, :class:`CatalogueSettings`), not the pipeline's
records, so that anything that publishes (the pipeline, later the PPID's own registers) describes its files
the same way. Satu Data fields travel as CKAN extras with the keys proposed in catalogue-peers §6.4, so
that a regional CKAN (and the national portal harvesting it) sees them without a custom schema.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ppid.catalogue.models import JENIS_DOKUMEN, SEARCH_TEXT_KEY
from ppid.publication.classification import KEYS as CLASSIFICATION_KEYS
from ppid.publication.classification import is_exempt
from ppid.registry import Dinas

DEFAULT_LICENCE = "cc-by"
#: The resource fields the publisher owns; the catalogue may add others (id, created, ``datastore_active``...).
RESOURCE_KEYS = ("ppid_key", "name", "url", "format", "mimetype", "size", "hash", "schema_name")
#: What a catalogue says of a resource's DataStore; a package write sends it back unchanged (see the publisher).
DATASTORE_KEYS = ("datastore_active", "ppid_datastore_sha256")
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class DatastoreCopy:
    """A table's typed rows for a catalogue's DataStore: the Parquet file in storage, and its columns.

    ``rows_sha256`` is what the catalogue's resource reports as ``ppid_datastore_sha256`` once it holds these
    rows: the publisher pushes rows only when the two differ.
    """

    storage_key: str
    rows_sha256: str
    fields: list[dict[str, Any]]
    """DataStore fields without ``_id``: ``id``, ``type`` and ``info`` (the data dictionary)."""
    primary_key: list[str]
    row_count: int


@dataclass(frozen=True)
class DatasetFile:
    """One file of a dataset, in the version the catalogue is to show."""

    key: str
    """Stable across versions (the source's key for it): the resource's ``ppid_key``."""
    name: str
    url: str
    """Where the portal serves this version (replaced by the catalogue's own URL when files are uploaded)."""
    sha256: str
    size: int
    storage_key: str
    schema_name: str | None = None
    valid_table: bool = False
    """A table that passed its schema in its newest version (a dataset of only such tables is ``valid``)."""
    document: bool = False
    page_count: int | None = None
    text: str = ""
    """A document's extracted text: searchable in the catalogue, never shown in its results."""
    datastore: DatastoreCopy | None = None
    """The typed rows of a valid table, for the catalogue's DataStore; None for other files or when the copy
    could not be made (the next run tries again)."""


@dataclass(frozen=True)
class DatasetDraft:
    """A dataset as it should be in the catalogue; ``files`` empty when nothing of it may be shown any more."""

    name: str
    dinas: Dinas
    meta: dict[str, Any]
    files: list[DatasetFile] = field(default_factory=list)


@dataclass(frozen=True)
class CatalogueSettings:
    """What of the platform's settings and registry shapes a package."""

    withdrawn: str
    """``catalogue.withdrawn``: ``private`` or ``delete``, what becomes of a dataset with no file left."""
    region: dict[str, Any]
    walidata: dict[str, Any]


def package_dict(draft: DatasetDraft, settings: CatalogueSettings) -> dict[str, Any]:
    """The package for ``draft``; a dataset classified dikecualikan shows no file, so it is never created and
    a published one is withdrawn (Pasal 11(1)(a): exempt information is not public)."""
    dinas, meta = draft.dinas, draft.meta
    visible = [] if is_exempt(meta) else draft.files
    extras = {
        "produsen_data": dinas.name,
        "tanggal_pembaruan": meta.get("tanggal_pembaruan") or "",
        "walidata": settings.walidata.get("name", ""),
        "frekuensi_penerbitan": meta.get("frequency") or "",
        "tahun": str(meta.get("year") or _year_in_names(visible)),
        "level_penyajian": meta.get("level_penyajian") or "",
        "cakupan_wilayah": meta.get("cakupan_wilayah") or settings.region.get("name", ""),
        "kode_wilayah": str(settings.region.get("kode_wilayah", "")),
        "satuan": meta.get("satuan") or "",
        "kontak": meta.get("kontak") or dinas.ppid.get("email", ""),
        "sumber": meta.get("sumber") or "",
        "status_validasi": _validation_status(visible),
        "jenis": JENIS_DOKUMEN if visible and all(f.document for f in visible) else "",
        "retensi_arsip": meta.get("retensi") or "",
    } | {key: str(meta.get(key) or "") for key in CLASSIFICATION_KEYS}
    return {
        "name": draft.name,
        "title": meta["title"],
        "notes": meta.get("description") or "",
        "owner_org": dinas.slug,
        "license_id": meta.get("licence") or DEFAULT_LICENCE,
        "maintainer": dinas.ppid.get("name", ""),
        "maintainer_email": dinas.ppid.get("email", ""),
        "private": not visible and settings.withdrawn == "private",
        "state": "deleted" if not visible and settings.withdrawn == "delete" else "active",
        "tags": [{"name": tag} for tag in meta.get("tags", [])],
        "extras": [{"key": key, "value": value} for key, value in sorted(extras.items()) if value],
        "resources": [_resource(file) for file in visible],
    }


def _resource(file: DatasetFile) -> dict[str, Any]:
    suffix = PurePosixPath(file.name).suffix
    resource: dict[str, Any] = {
        "name": file.name,
        "url": file.url,
        "format": suffix.lstrip(".").upper(),
        "mimetype": mimetypes.guess_type(f"file{suffix.lower()}")[0] or "application/octet-stream",
        "size": file.size,
        "hash": f"sha256:{file.sha256}",
        "ppid_key": file.key,
        "schema_name": file.schema_name or "",
    }
    if file.page_count is not None:
        resource["jumlah_halaman"] = str(file.page_count)
    if file.text:
        resource[SEARCH_TEXT_KEY] = file.text
    return resource


def _year_in_names(files: list[DatasetFile]) -> str:
    """The data year when the registry gives none: the latest year in a file name (``penduduk-2024.csv``)."""
    years = [match for file in files for match in YEAR_IN_NAME.findall(file.name)]
    return max(years, default="")


def _validation_status(files: list[DatasetFile]) -> str:
    tables = [f for f in files if f.schema_name]
    if not tables:
        return "dokumen"
    return "valid" if all(f.valid_table for f in tables) else "sebagian-valid"


def same_package(current: dict[str, Any], desired: dict[str, Any], *, compare_urls: bool = True) -> bool:
    """True when the catalogue already holds what ``desired`` describes (fields the catalogue adds are ignored).

    ``compare_urls=False`` for uploaded files, whose URL the catalogue chooses."""
    return _projection(current, compare_urls) == _projection(desired, compare_urls)


def _projection(package: dict[str, Any], compare_urls: bool) -> dict[str, Any]:
    keys = RESOURCE_KEYS if compare_urls else tuple(key for key in RESOURCE_KEYS if key != "url")
    organization = package.get("organization") or {}
    return {
        "title": package.get("title") or "",
        "notes": package.get("notes") or "",
        "owner_org": organization.get("name") or package.get("owner_org"),
        "license_id": package.get("license_id") or "",
        "maintainer": package.get("maintainer") or "",
        "maintainer_email": package.get("maintainer_email") or "",
        "private": bool(package.get("private")),
        "state": package.get("state") or "active",
        "tags": sorted(tag["name"] for tag in package.get("tags", [])),
        "extras": {extra["key"]: extra["value"] for extra in package.get("extras", [])},
        "resources": sorted(
            tuple(str(resource.get(key) or "") for key in keys) for resource in package.get("resources", [])
        ),
    }
