"""From tracked files and the dinas registry to a CKAN package dict, with the Satu Data Indonesia metadata.

Satu Data fields travel as CKAN extras with the keys proposed in catalogue-peers §6.4, so that a
regional CKAN (and the national portal harvesting it) sees them without a custom schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from ppid.catalogue.models import JENIS_DOKUMEN, SEARCH_TEXT_KEY
from ppid.documents.models import DocumentText
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.naming import safe_filename
from ppid.platform import Platform
from ppid.registry import Dinas

DEFAULT_LICENCE = "cc-by"
#: The resource fields the publisher owns; the catalogue may add others (id, size, created, ...).
RESOURCE_KEYS = ("ppid_key", "name", "url", "format", "hash", "schema_name")
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def package_dict(
    platform: Platform,
    dinas: Dinas,
    dataset_name: str,
    files: list[TrackedFile],
    documents: Mapping[str, DocumentText] | None = None,
) -> dict[str, Any]:
    """``documents`` (by sha256) gives document resources their page count and their text for search."""
    settings = platform.settings
    documents = documents or {}
    visible = [f for f in files if f.published_storage_key or f.state in (FileState.VALID, FileState.DOCUMENT)]
    visible = [f for f in visible if f.state != FileState.WITHDRAWN]
    meta = (visible or files)[0].dataset_meta
    region = platform.registry.region
    walidata = platform.registry.walidata or {}
    extras = {
        "produsen_data": dinas.name,
        "walidata": walidata.get("name", ""),
        "frekuensi_penerbitan": meta.get("frequency") or "",
        "tahun": str(meta.get("year") or _year_in_names(visible)),
        "level_penyajian": meta.get("level_penyajian") or "",
        "cakupan_wilayah": meta.get("cakupan_wilayah") or region.get("name", ""),
        "kode_wilayah": str(region.get("kode_wilayah", "")),
        "satuan": meta.get("satuan") or "",
        "kontak": meta.get("kontak") or dinas.ppid.get("email", ""),
        "sumber": meta.get("sumber") or "",
        "status_validasi": _validation_status(visible),
        "jenis": JENIS_DOKUMEN if visible and all(f.state == FileState.DOCUMENT for f in visible) else "",
    }
    return {
        "name": dataset_name,
        "title": meta["title"],
        "notes": meta.get("description") or "",
        "owner_org": dinas.slug,
        "license_id": meta.get("licence") or DEFAULT_LICENCE,
        "maintainer": dinas.ppid.get("name", ""),
        "maintainer_email": dinas.ppid.get("email", ""),
        "private": not visible and settings.catalogue_withdrawn == "private",
        "state": "deleted" if not visible and settings.catalogue_withdrawn == "delete" else "active",
        "tags": [{"name": tag} for tag in meta.get("tags", [])],
        "extras": [{"key": key, "value": value} for key, value in sorted(extras.items()) if value],
        "resources": [_resource(settings.public_url, tracked, documents) for tracked in visible],
    }


def _resource(public_url: str, tracked: TrackedFile, documents: Mapping[str, DocumentText]) -> dict[str, Any]:
    """A resource describes the version in the catalogue (see :func:`catalogue_version`)."""
    sha256, _key = catalogue_version(tracked)
    resource = {
        "name": tracked.name,
        "url": f"{public_url}/unduh/{tracked.id}/{safe_filename(tracked.name)}",
        "format": PurePosixPath(tracked.name).suffix.lstrip(".").upper(),
        "hash": f"sha256:{sha256}",
        "ppid_key": tracked.key,
        "schema_name": tracked.schema_name or "",
    }
    document = documents.get(sha256 or "") if tracked.state == FileState.DOCUMENT else None
    if document is not None:
        resource["size"] = tracked.size
        if document.page_count is not None:
            resource["jumlah_halaman"] = str(document.page_count)
        if document.text:
            resource[SEARCH_TEXT_KEY] = document.text
    return resource


def catalogue_version(tracked: TrackedFile) -> tuple[str | None, str | None]:
    """The SHA-256 and storage key of the version the catalogue shows: an invalid newer file does not replace a
    valid one."""
    if tracked.state in (FileState.VALID, FileState.DOCUMENT):
        return tracked.sha256, tracked.storage_key
    return tracked.published_sha256, tracked.published_storage_key


def _year_in_names(files: list[TrackedFile]) -> str:
    """The data year when the registry gives none: the latest year in a file name (``penduduk-2024.csv``)."""
    years = [match for tracked in files for match in YEAR_IN_NAME.findall(tracked.name)]
    return max(years, default="")


def _validation_status(files: list[TrackedFile]) -> str:
    tables = [f for f in files if f.schema_name]
    if not tables:
        return "dokumen"
    return "valid" if all(f.state == FileState.VALID for f in tables) else "sebagian-valid"


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
