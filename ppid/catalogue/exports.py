"""Catalogue exports for national harvesting: DCAT-AP (Turtle, RDF/XML, JSON-LD), a data.json catalogue and the sitemap.

All are read through :func:`ppid.web.read_action` (the embedded catalogue in-process, a real CKAN
through ckanapi) and only public, active datasets are exported (anonymous reads). Memory stays at one page
whatever the size of the catalogue: data.json and the sitemap are streamed one ``package_search`` page at a
time; DCAT is paged as ckanext-dcat pages it (``/catalog.ttl?page=2``, ``hydra:PagedCollection``), so that
each response is one rdflib graph of :data:`DCAT_PAGE_ROWS` datasets. Satu Data Indonesia (and data.go.id)
harvest DCAT and data.json; data.europa.eu and CKAN's DCAT harvester read DCAT-AP; search engines read the
sitemap.

Content negotiation: ``/dataset/<name>`` stays HTML unless the client prefers an RDF media type;
``/catalog`` answers in Turtle unless the client prefers another RDF type, and sends a browser that prefers
HTML to the dataset search page (303). ``?profile=dcat_ap_3`` gives DCAT-AP 3 instead of 2.1.1 (see
:mod:`ppid.catalogue.dcat` for why there are two).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from ckanapi import NotAuthorized, NotFound
from flask import Blueprint, Response, abort, redirect, request, stream_with_context, url_for

from ppid.catalogue.vocabulary import FILE_TYPES, FORMATS, FREQUENCIES, Page, Profile, Site, extras_of, landing_page
from ppid.i18n import _
from ppid.web import platform, read_action

if TYPE_CHECKING:
    from rdflib import Graph

blueprint = Blueprint("exports", __name__)

PAGE_ROWS = 1000
#: Datasets per DCAT page, ckanext-dcat's default (``ckanext.dcat.datasets_per_page``).
DCAT_PAGE_ROWS = 100
#: The sitemap protocol's limit of URLs per file; beyond it /sitemap.xml becomes a sitemap index.
SITEMAP_MAX = 50_000
#: RDF media types a client may ask for, Turtle first: it is what ``/catalog`` answers ``*/*`` with.
RDF_MEDIA_TYPES = {format.media_type: extension for extension, format in FORMATS.items()}
EXTENSIONS = "any(" + ", ".join(FORMATS) + ")"


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


# -- DCAT-AP ------------------------------------------------------------------------------------


def site() -> Site:
    registry = platform().registry
    return Site(
        base_url=_base(),
        region=registry.region.get("name", ""),
        publisher=(registry.walidata or {}).get("name", ""),
        dinas=frozenset(dinas.slug for dinas in registry.dinas),
    )


def dcat_catalogue_page(extension: str) -> Response:
    """One page (``?page=N``, from 1) of the catalogue; a page past the last is not found."""
    profile, number = _profile(), request.args.get("page", 1, type=int)
    if number < 1:
        abort(404)
    found = read_action("package_search", q="", rows=DCAT_PAGE_ROWS, start=(number - 1) * DCAT_PAGE_ROWS,
                        sort="name asc")  # fmt: skip
    page = Page(number=number, size=DCAT_PAGE_ROWS, total=found["count"], address=_page_address)
    if number > page.last:
        abort(404)
    from ppid.catalogue import dcat  # rdflib is loaded with the first graph, not at start (see vocabulary.py)

    return _rdf(dcat.catalogue_graph(found["results"], site(), profile, page), extension)


def dcat_dataset(name: str, extension: str) -> Response:
    profile = _profile()
    try:
        package = read_action("package_show", id=name)
    except (NotFound, NotAuthorized):  # private and deleted datasets are not found for citizens
        abort(404)
    from ppid.catalogue import dcat

    return _rdf(dcat.dataset_graph(package, site(), profile), extension)


def preferred_rdf_extension() -> str | None:
    """The RDF format the client prefers to HTML, if any (``*/*`` and browsers get HTML)."""
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA_TYPES])
    return RDF_MEDIA_TYPES.get(best or "")


def _profile() -> Profile:
    name = request.args.get("profile")
    if name is None:
        return Profile.DCAT_AP_2
    profile = Profile.named(name)
    if profile is None:
        abort(400, description=_("Profil DCAT %(name)s tidak dikenal: pilih dcat_ap_2 (DCAT-AP 2.1.1) atau "
                                 "dcat_ap_3 (DCAT-AP 3).", name=repr(name)))  # fmt: skip
    return profile


def _page_address(number: int) -> str:
    """The same export (path, profile) at another page."""
    arguments = {key: value for key, value in request.args.items() if key != "page"}
    return f"{_base()}{request.path}?{urlencode({**arguments, 'page': number})}"


def _rdf(graph: Graph, extension: str) -> Response:
    from ppid.catalogue import dcat

    response = Response(dcat.serialize(graph, extension), mimetype=FORMATS[extension].media_type)
    response.vary.add("Accept")
    return response


# -- data.json (Project Open Data 1.1, as data.go.id and CKAN's datajson extension read it) ---------


def data_json_dataset(package: dict[str, Any], base: str) -> dict[str, Any]:
    extras = extras_of(package)
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
                "mediaType": resource.get("mimetype") or _media_type(resource.get("format") or ""),
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


def _media_type(format: str) -> str:
    return FILE_TYPES.get(format.upper(), ("", ""))[1]


# -- routes -------------------------------------------------------------------------------------


def _base() -> str:
    return platform().settings.public_url


@blueprint.get(f"/catalog.<{EXTENSIONS}:extension>")
def catalogue_rdf(extension: str) -> Response:
    return dcat_catalogue_page(extension)


@blueprint.get("/catalog")
def catalogue() -> Response:
    offered = [*RDF_MEDIA_TYPES, "text/html"]
    best = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes else offered[0]  # none: as */*
    if best == "text/html":
        response = redirect(url_for("portal.search"), code=303)
    elif best is None:
        response = Response(_("Katalog tersedia sebagai %(types)s.", types=", ".join(RDF_MEDIA_TYPES)) + "\n",
                            status=406, mimetype="text/plain")  # fmt: skip
    else:
        response = dcat_catalogue_page(RDF_MEDIA_TYPES[best])
    response.vary.add("Accept")
    return response


@blueprint.get(f"/dataset/<name>.<{EXTENSIONS}:extension>")
def dataset_rdf(name: str, extension: str) -> Response:
    return dcat_dataset(name, extension)


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
