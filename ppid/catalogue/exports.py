"""Catalogue exports for national harvesting: DCAT JSON-LD, a data.json catalogue and the sitemap.

All three are read through :func:`ppid.web.read_action` (the embedded catalogue in-process,
a real CKAN through ckanapi), one ``package_search`` page at a time, and streamed: memory stays at one
page whatever the size of the catalogue. Only public, active datasets are exported (anonymous reads).
Satu Data Indonesia (and data.go.id) harvest DCAT and data.json; search engines read the sitemap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, stream_with_context

from ppid.publishing.mapping import JENIS_DOKUMEN
from ppid.web import platform, read_action

blueprint = Blueprint("exports", __name__)

PAGE_ROWS = 1000
#: The sitemap protocol's limit of URLs per file; beyond it /sitemap.xml becomes a sitemap index.
SITEMAP_MAX = 50_000
MEDIA_TYPES = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XLS": "application/vnd.ms-excel",
    "JSON": "application/json",
    "PDF": "application/pdf",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "ZIP": "application/zip",
}
#: Satu Data's ``frekuensi_penerbitan`` as the Dublin Core frequencies DCAT-AP and data.json expect.
FREQUENCIES = {
    "harian": ("http://purl.org/cld/freq/daily", "R/P1D"),
    "mingguan": ("http://purl.org/cld/freq/weekly", "R/P1W"),
    "bulanan": ("http://purl.org/cld/freq/monthly", "R/P1M"),
    "triwulanan": ("http://purl.org/cld/freq/quarterly", "R/P3M"),
    "semesteran": ("http://purl.org/cld/freq/semiannual", "R/P6M"),
    "tahunan": ("http://purl.org/cld/freq/annual", "R/P1Y"),
}
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:issued": {"@type": "xsd:dateTime"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:byteSize": {"@type": "xsd:decimal"},
}


def public_datasets(*, start: int = 0, stop: int | None = None) -> Iterator[dict[str, Any]]:
    """Every public dataset, in name order, fetched one page at a time."""
    while stop is None or start < stop:
        rows = PAGE_ROWS if stop is None else min(PAGE_ROWS, stop - start)
        page = read_action("package_search", q="", rows=rows, start=start, sort="name asc")["results"]
        yield from page
        if len(page) < rows:
            return
        start += len(page)


def public_count() -> int:
    return read_action("package_search", q="", rows=0)["count"]


def landing_page(package: dict[str, Any], base: str) -> str:
    """The portal page of a dataset: public documents have their own page."""
    if _extras(package).get("jenis") == JENIS_DOKUMEN:
        return f"{base}/dokumen/{package['name']}"
    return f"{base}/dataset/{package['name']}"


# -- DCAT ---------------------------------------------------------------------------------------


def dcat_dataset(package: dict[str, Any], base: str) -> dict[str, Any]:
    extras = _extras(package)
    landing = landing_page(package, base)
    organization = package.get("organization") or {}
    dataset: dict[str, Any] = {
        "@id": landing,
        "@type": "dcat:Dataset",
        "dct:identifier": package["id"],
        "dct:title": package.get("title") or package["name"],
        "dct:description": package.get("notes") or package.get("title") or "",
        "dct:issued": package.get("metadata_created"),
        "dct:modified": package.get("metadata_modified"),
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": extras.get("produsen_data") or organization.get("title") or "",
        },
        "dcat:landingPage": {"@id": landing},
        "dcat:keyword": [tag["name"] for tag in package.get("tags", [])],
        "dcat:distribution": [_dcat_distribution(resource) for resource in package.get("resources", [])],
    }
    if platform().registry.get(organization.get("name", "")) is not None:
        dataset["dct:publisher"]["@id"] = f"{base}/dinas/{organization['name']}"
    if package.get("maintainer_email"):
        dataset["dcat:contactPoint"] = {
            "@type": "vcard:Organization",
            "vcard:fn": package.get("maintainer") or package["maintainer_email"],
            "vcard:hasEmail": {"@id": f"mailto:{package['maintainer_email']}"},
        }
    if package.get("license_url"):
        dataset["dct:license"] = {"@id": package["license_url"]}
    if extras.get("cakupan_wilayah"):
        dataset["dct:spatial"] = extras["cakupan_wilayah"]
    if extras.get("tahun"):
        dataset["dct:temporal"] = extras["tahun"]
    frequency = FREQUENCIES.get(extras.get("frekuensi_penerbitan", ""))
    if frequency:
        dataset["dct:accrualPeriodicity"] = {"@id": frequency[0]}
    return dataset


def _dcat_distribution(resource: dict[str, Any]) -> dict[str, Any]:
    distribution: dict[str, Any] = {
        "@id": resource["url"],
        "@type": "dcat:Distribution",
        "dct:title": resource.get("name") or "",
        "dcat:accessURL": {"@id": resource["url"]},
        "dcat:downloadURL": {"@id": resource["url"]},
        "dct:format": resource.get("format") or "",
    }
    media_type = resource.get("mimetype") or MEDIA_TYPES.get((resource.get("format") or "").upper())
    if media_type:
        distribution["dcat:mediaType"] = media_type
    if resource.get("size"):
        distribution["dcat:byteSize"] = resource["size"]
    return distribution


def dcat_catalogue(base: str) -> Iterator[str]:
    """The DCAT catalogue as JSON-LD, written dataset by dataset."""
    region = platform().registry.region.get("name", "")
    walidata = platform().registry.walidata or {}
    head = {
        "@context": DCAT_CONTEXT,
        "@id": f"{base}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": f"Katalog Data {region}".strip(),
        "dct:description": f"Data terbuka perangkat daerah {region}".strip(),
        "dct:language": "id",
        "foaf:homepage": {"@id": f"{base}/"},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": walidata.get("name") or region},
    }
    yield from _json_object_with_list(head, "dcat:dataset", (dcat_dataset(p, base) for p in public_datasets()))


# -- data.json (Project Open Data 1.1, as data.go.id and CKAN's datajson extension read it) ---------


def data_json_dataset(package: dict[str, Any], base: str) -> dict[str, Any]:
    extras = _extras(package)
    organization = package.get("organization") or {}
    dataset: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": package["id"],
        "title": package.get("title") or package["name"],
        "description": package.get("notes") or package.get("title") or "",
        "keyword": [tag["name"] for tag in package.get("tags", [])] or [organization.get("name", "data")],
        "modified": package.get("metadata_modified"),
        "issued": package.get("metadata_created"),
        "publisher": {"@type": "org:Organization", "name": extras.get("produsen_data") or organization.get("title")},
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": package.get("maintainer") or organization.get("title") or "",
            "hasEmail": f"mailto:{package.get('maintainer_email') or ''}",
        },
        "accessLevel": "public",
        "landingPage": landing_page(package, base),
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "title": resource.get("name") or "",
                "downloadURL": resource["url"],
                "mediaType": resource.get("mimetype") or MEDIA_TYPES.get((resource.get("format") or "").upper(), ""),
                "format": resource.get("format") or "",
            }
            for resource in package.get("resources", [])
        ],
    }
    if package.get("license_url"):
        dataset["license"] = package["license_url"]
    if extras.get("cakupan_wilayah"):
        dataset["spatial"] = extras["cakupan_wilayah"]
    frequency = FREQUENCIES.get(extras.get("frekuensi_penerbitan", ""))
    if frequency:
        dataset["accrualPeriodicity"] = frequency[1]
    return dataset


def data_json_catalogue(base: str) -> Iterator[str]:
    head = {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": f"{base}/data.json",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
    }
    yield from _json_object_with_list(head, "dataset", (data_json_dataset(p, base) for p in public_datasets()))


# -- sitemap ------------------------------------------------------------------------------------


def sitemap(base: str, *, part: int | None = None) -> Iterator[str]:
    """Portal pages of every public dataset and every dinas; an index of parts beyond what one file may hold."""
    count = public_count()
    if part is None and count > SITEMAP_MAX:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        for number in range(1, -(-count // SITEMAP_MAX) + 1):
            location = escape(f"{base}/sitemap-{number}.xml")
            yield f"<sitemap><loc>{location}</loc></sitemap>\n"
        yield "</sitemapindex>\n"
        return
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    first = 0 if part is None else (part - 1) * SITEMAP_MAX
    if first == 0:
        yield f"<url><loc>{escape(base)}/</loc></url>\n"
        for dinas in platform().registry.dinas:
            location = escape(f"{base}/dinas/{dinas.slug}")
            yield f"<url><loc>{location}</loc></url>\n"
    for package in public_datasets(start=first, stop=first + SITEMAP_MAX):
        modified = (package.get("metadata_modified") or "")[:10]
        lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
        location = escape(landing_page(package, base))
        yield f"<url><loc>{location}</loc>{lastmod}</url>\n"
    yield "</urlset>\n"


def _json_object_with_list(head: dict[str, Any], key: str, items: Iterator[dict[str, Any]]) -> Iterator[str]:
    """``{**head, key: [items…]}`` as JSON text, one item at a time."""
    yield json.dumps(head, ensure_ascii=False)[:-1] + f", {json.dumps(key)}: ["
    for number, item in enumerate(items):
        yield ("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]}\n"


def _extras(package: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras", [])}


# -- routes -------------------------------------------------------------------------------------


def _base() -> str:
    return platform().settings.public_url


@blueprint.get("/catalog.jsonld")
def catalogue_jsonld() -> Response:
    return Response(stream_with_context(dcat_catalogue(_base())), mimetype="application/ld+json")


@blueprint.get("/data.json")
def catalogue_data_json() -> Response:
    return Response(stream_with_context(data_json_catalogue(_base())), mimetype="application/json")


@blueprint.get("/sitemap.xml")
def sitemap_xml() -> Response:
    return Response(stream_with_context(sitemap(_base())), mimetype="application/xml")


@blueprint.get("/sitemap-<int:part>.xml")
def sitemap_part(part: int) -> Response:
    if part < 1 or (part - 1) * SITEMAP_MAX >= public_count():
        abort(404)
    return Response(stream_with_context(sitemap(_base(), part=part)), mimetype="application/xml")

