"""DCAT-AP exports of the catalogue: what European and national harvesters (ckanext-dcat, data.europa.eu,
Satu Data) read. Proved with the official SHACL shapes that ckanext-dcat tests with (``shacl/README.md``).

A valid DCAT-AP graph needs more than the right words: controlled values are IRIs of the EU vocabularies,
spatial and temporal coverage are nodes, and byte sizes carry the datatype each DCAT-AP version demands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from ppid.catalogue import exports

from .conftest import PUBLIC_URL, Api, dataset

SHACL = Path(__file__).parent / "shacl"
#: Plain namespaces: pytest's collection probes module globals, and rdflib's closed ones warn about it.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
DCAT_AP_2 = ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl")
DCAT_AP_3 = ("dcat-ap_3_shacl_shapes.ttl",)
RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

HEALTH_WORKERS = dataset(
    "dinkes-tenaga-kesehatan",
    "dinkes",
    "Jumlah Tenaga Kesehatan",
    notes="Dokter, perawat dan bidan per puskesmas.",
    license_id="odc-odbl",
    maintainer="PPID Pelaksana Dinas Kesehatan",
    maintainer_email="ppid.dinkes@contoh.go.id",
    tags=[{"name": "kesehatan"}, {"name": "kepegawaian"}],
    extras=[
        {"key": "tahun", "value": "2022-2023"},
        {"key": "frekuensi_penerbitan", "value": "semesteran"},
        {"key": "cakupan_wilayah", "value": "Kabupaten Contoh"},
        {"key": "kode_wilayah", "value": "3201"},
        {"key": "produsen_data", "value": "Dinas Kesehatan Kabupaten Contoh"},
    ],
    resources=[
        {"name": "nakes-2023.csv", "url": "https://contoh.go.id/nakes.csv", "format": "CSV", "size": 2048,
         "hash": f"sha256:{CHECKSUM}"},
        {"name": "Rekap tenaga kesehatan", "url": "https://contoh.go.id/nakes.xlsx", "format": "XLSX", "size": 0},
        {"name": "Peta sebaran", "url": "https://contoh.go.id/peta sebaran.kml", "format": "KML",
         "mimetype": "application/vnd.google-earth.kml+xml; charset=utf-8"},
    ],
)  # fmt: skip


@pytest.fixture
def catalogue(api: Api, sample: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The sample (three public datasets, one private) and a dataset that uses every field the export maps."""
    return sample | {HEALTH_WORKERS["name"]: api.ok("package_create", **HEALTH_WORKERS)}


def rdf(client: FlaskClient, path: str, **headers: str) -> Graph:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return Graph().parse(data=response.get_data(), format=RDF_TYPES[response.mimetype])


def shacl_report(graph: Graph, shapes_files: tuple[str, ...]) -> tuple[bool, Graph, str]:
    """The data graph alone, no inference and no vocabularies loaded: a harvester validating it sees the same."""
    shapes = Graph()
    for name in shapes_files:
        shapes.parse(SHACL / name)
    return validate(graph, shacl_graph=shapes)


def typed_values(graph: Graph, predicate: URIRef) -> set[tuple[URIRef, Any]]:
    return {(value.datatype, value.toPython()) for value in graph.objects(None, predicate)}


def without_paging(graph: Graph, address: str) -> Graph:
    """The graph less its page links, which name the format asked for (a harvester follows the same format)."""
    for page in set(graph.subjects(RDF.type, HYDRA.PagedCollection)):
        assert page == URIRef(address)
        graph.remove((page, None, None))
    return graph


def dataset_iri(name: str) -> URIRef:
    return URIRef(f"{PUBLIC_URL}/dataset/{name}")


def test_the_turtle_catalogue_has_no_violation_of_the_dcat_ap_2_1_1_shapes_and_range_shapes(client, catalogue):
    graph = rdf(client, "/catalog.ttl")

    conforms, _results, text = shacl_report(graph, DCAT_AP_2)

    assert conforms, text
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 4  # every public dataset was checked
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 7
    for used in (DCAT.byteSize, DCTERMS.temporal, DCTERMS.spatial, DCAT.theme, DCTERMS.license, DCAT.mediaType):
        assert next(graph.triples((None, used, None)), None), f"{used} is not exercised"


def test_the_turtle_catalogue_has_no_violation_of_the_dcat_ap_3_shapes(client, catalogue):
    graph = rdf(client, "/catalog.ttl?profile=dcat_ap_3")

    conforms, _results, text = shacl_report(graph, DCAT_AP_3)

    assert conforms, text
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 4
    assert next(graph.triples((None, SPDX.checksum, None)), None), "checksums are not exercised"


def test_one_graph_cannot_serve_both_versions_because_they_type_byte_sizes_differently(client, catalogue):
    """Why there is a ``profile``: DCAT-AP 2.1.1 wants ``xsd:decimal``, DCAT-AP 3 ``xsd:nonNegativeInteger``."""
    conforms, results, _text = shacl_report(rdf(client, "/catalog.ttl"), DCAT_AP_3)

    assert not conforms
    paths = {results.value(result, SH.resultPath) for result in results.subjects(RDF.type, SH.ValidationResult)}
    assert paths == {DCAT.byteSize}


def test_byte_sizes_are_typed_as_each_version_requires_and_checksums_only_where_allowed(client, catalogue):
    name = HEALTH_WORKERS["name"]
    version_2 = rdf(client, f"/dataset/{name}.ttl")
    version_3 = rdf(client, f"/dataset/{name}.ttl?profile=dcat_ap_3")

    assert typed_values(version_2, DCAT.byteSize) == {(XSD.decimal, 2048), (XSD.decimal, 0)}
    assert typed_values(version_3, DCAT.byteSize) == {(XSD.nonNegativeInteger, 2048), (XSD.nonNegativeInteger, 0)}
    assert not set(version_2.objects(None, SPDX.checksum))  # DCAT-AP 2.1.1 accepts only SHA-1
    (checksum,) = version_3.objects(None, SPDX.checksum)
    assert version_3.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert version_3.value(checksum, SPDX.checksumValue) == Literal(CHECKSUM, datatype=XSD.hexBinary)


def test_controlled_values_are_iris_of_the_eu_vocabularies_and_iana(client, catalogue):
    name = HEALTH_WORKERS["name"]
    graph = rdf(client, f"/dataset/{name}.ttl")
    subject = dataset_iri(name)
    distributions = {graph.value(d, DCTERMS.title).toPython(): d for d in graph.objects(subject, DCAT.distribution)}
    csv = distributions["nakes-2023.csv"]

    assert graph.value(subject, DCTERMS.language) == URIRef(f"{EU}language/IND")
    assert graph.value(subject, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/ANNUAL_2")
    assert graph.value(subject, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    assert set(graph.objects(subject, DCAT.theme)) == {URIRef(f"{EU}data-theme/HEAL"), URIRef(f"{EU}data-theme/GOVE")}
    assert Literal("Kesehatan", lang="id") in set(graph.objects(URIRef(f"{EU}data-theme/HEAL"), SKOS.prefLabel))
    assert graph.value(csv, DCTERMS.license) == URIRef(f"{EU}licence/ODC_BL")
    assert graph.value(csv, DCTERMS["format"]) == URIRef(f"{EU}file-type/CSV")
    assert graph.value(csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(csv, DCAT.downloadURL) == URIRef("https://contoh.go.id/nakes.csv")
    kml = distributions["Peta sebaran"]
    assert graph.value(kml, DCTERMS["format"]) is None  # an unknown format is left out, never a literal
    assert graph.value(kml, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/vnd.google-earth.kml+xml")
    assert graph.value(kml, DCAT.accessURL) == URIRef("https://contoh.go.id/peta%20sebaran.kml")  # still valid Turtle


def test_coverage_in_space_and_time_and_the_contact_are_nodes(client, catalogue):
    name = HEALTH_WORKERS["name"]
    graph = rdf(client, f"/dataset/{name}.ttl")
    subject = dataset_iri(name)

    location = graph.value(subject, DCTERMS.spatial)
    assert graph.value(location, RDF.type) == DCTERMS.Location
    assert graph.value(location, SKOS.prefLabel) == Literal("Kabupaten Contoh", lang="id")
    assert graph.value(location, DCTERMS.identifier) == Literal("3201")
    period = graph.value(subject, DCTERMS.temporal)
    assert graph.value(period, RDF.type) == DCTERMS.PeriodOfTime
    assert graph.value(period, DCAT.startDate) == Literal("2022-01-01", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2023-12-31", datatype=XSD.date)
    contact = graph.value(subject, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:ppid.dinkes@contoh.go.id")
    assert graph.value(subject, DCTERMS.title) == Literal("Jumlah Tenaga Kesehatan", lang="id")


def test_a_dinas_of_the_registry_publishes_under_its_portal_page_and_others_by_name(client, catalogue):
    graph = rdf(client, "/catalog.ttl")

    dinkes = graph.value(dataset_iri("dinkes-fasilitas-kesehatan"), DCTERMS.publisher)
    other = graph.value(dataset_iri("disdukcapil-jumlah-penduduk"), DCTERMS.publisher)

    assert dinkes == URIRef(f"{PUBLIC_URL}/dinas/dinkes")
    assert graph.value(dinkes, FOAF.name) == Literal("Dinas Kesehatan Kabupaten Contoh")
    assert not isinstance(other, URIRef)  # no portal page to name it by
    assert graph.value(other, FOAF.name) == Literal("Dinas Kependudukan dan Pencatatan Sipil")


def test_turtle_rdf_xml_and_json_ld_carry_the_same_graph(client, catalogue):
    for path in ("/catalog", f"/dataset/{HEALTH_WORKERS['name']}"):
        turtle, rdf_xml, json_ld = (
            without_paging(rdf(client, f"{path}.{extension}"), f"{PUBLIC_URL}{path}.{extension}?page=1")
            for extension in ("ttl", "rdf", "jsonld")
        )

        assert isomorphic(turtle, rdf_xml), path
        assert isomorphic(turtle, json_ld), path


def test_a_large_catalogue_is_served_page_by_page_with_hydra_links(client, catalogue, monkeypatch):
    monkeypatch.setattr(exports, "DCAT_PAGE_ROWS", 3)
    address = f"{PUBLIC_URL}/catalog.ttl?profile=dcat_ap_3&page="

    first, second = (rdf(client, f"/catalog.ttl?profile=dcat_ap_3&page={number}") for number in (1, 2))

    assert client.get("/catalog.ttl?page=3").status_code == 404
    assert client.get("/catalog.ttl?page=0").status_code == 404
    page = URIRef(f"{address}1")
    assert first.value(page, RDF.type) == HYDRA.PagedCollection
    assert first.value(page, HYDRA.totalItems).toPython() == 4
    assert first.value(page, HYDRA.itemsPerPage).toPython() == 3
    assert (first.value(page, HYDRA.nextPage), first.value(page, HYDRA.previousPage)) == (URIRef(f"{address}2"), None)
    assert first.value(page, HYDRA.lastPage) == URIRef(f"{address}2")
    page = URIRef(f"{address}2")
    assert (second.value(page, HYDRA.nextPage), second.value(page, HYDRA.previousPage)) == (None, URIRef(f"{address}1"))
    assert second.value(page, HYDRA.firstPage) == URIRef(f"{address}1")
    pages = [set(graph.subjects(RDF.type, DCAT.Dataset)) for graph in (first, second)]
    assert [len(datasets) for datasets in pages] == [3, 1]  # each response holds one page only
    public = {dataset_iri(name) for name, package in catalogue.items() if not package["private"]}
    assert pages[0] | pages[1] == public


def test_the_catalogue_answers_in_the_rdf_format_the_client_asks_for(client, catalogue):
    for media_type in RDF_TYPES:
        response = client.get("/catalog", headers={"Accept": media_type})

        assert (response.status_code, response.mimetype) == (200, media_type)
        assert "Accept" in response.vary
    assert client.get("/catalog", headers={"Accept": "*/*"}).mimetype == "text/turtle"  # harvesters, curl
    assert client.get("/catalog").mimetype == "text/turtle"
    browser = client.get("/catalog", headers={"Accept": BROWSER})
    assert (browser.status_code, browser.location) == (303, "/dataset")  # people get the dataset search page
    refused = client.get("/catalog", headers={"Accept": "application/pdf"})
    assert refused.status_code == 406
    assert "text/turtle" in refused.get_data(as_text=True)


def test_a_dataset_page_is_html_unless_the_client_prefers_rdf(client, catalogue):
    path = f"/dataset/{HEALTH_WORKERS['name']}"

    for accept in (BROWSER, "*/*"):
        page = client.get(path, headers={"Accept": accept})
        assert (page.status_code, page.mimetype) == (200, "text/html"), accept
        assert "Accept" in page.vary
    for media_type in RDF_TYPES:
        graph = rdf(client, path, Accept=media_type)
        assert (dataset_iri(HEALTH_WORKERS["name"]), RDF.type, DCAT.Dataset) in graph
    assert isomorphic(rdf(client, path, Accept="text/turtle"), rdf(client, f"{path}.ttl"))


def test_a_private_or_unknown_dataset_has_no_rdf(client, catalogue):
    for path in ("/dataset/disdukcapil-akta-kelahiran", "/dataset/tidak-ada"):
        assert client.get(f"{path}.ttl").status_code == 404
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    assert "disdukcapil-akta-kelahiran" not in client.get("/catalog.ttl").get_data(as_text=True)


def test_an_unknown_profile_is_refused_with_one_sentence_naming_the_choices(client, catalogue):
    response = client.get("/catalog.ttl?profile=dcat_ap_9")

    assert response.status_code == 400
    assert "dcat_ap_2" in response.get_data(as_text=True) and "dcat_ap_3" in response.get_data(as_text=True)
    assert rdf(client, "/catalog.ttl?profile=euro_dcat_ap_3")  # ckanext-dcat's profile names work too


def test_catalog_jsonld_stays_where_harvesters_know_it(client, catalogue):
    graph = rdf(client, "/catalog.jsonld")

    catalogue_iri = URIRef(f"{PUBLIC_URL}/catalog")
    assert graph.value(catalogue_iri, RDF.type) == DCAT.Catalog
    assert graph.value(catalogue_iri, DCTERMS.title) == Literal("Katalog Data Kabupaten Contoh", lang="id")
    assert len(set(graph.objects(catalogue_iri, DCAT.dataset))) == 4
