"""Catalogue exports for national harvesting (DCAT-AP, data.json, sitemap), built from the catalogue
through the one catalogue reader: the embedded catalogue, or a real CKAN when one is configured."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF
from sqlalchemy import select

from ppid.app import create_app
from ppid.catalogue import exports
from ppid.config import load_settings
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client

CKAN_URL = os.environ.get("CKAN_URL")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC_URL = "http://127.0.0.1:5000"
POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
EU = "http://publications.europa.eu/resource/authority/"
#: Plain namespaces: pytest's collection probes module globals, and rdflib's closed ones warn about it.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.fixture(params=["embedded", pytest.param("ckan", marks=pytest.mark.ckan)])
def harvested(request: pytest.FixtureRequest, environ: dict[str, str]) -> Iterator[tuple[Platform, object]]:
    """The sample region harvested into the embedded catalogue or the real CKAN, and a client of the portal."""
    if request.param == "ckan":
        if not CKAN_URL:
            pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
        environ = environ | {"PPID_CATALOGUE_URL": CKAN_URL, "PPID_CATALOGUE_API_TOKEN": os.environ["CKAN_API_TOKEN"]}
    platform = Platform.open(load_settings(environ=environ))
    if request.param == "ckan":
        with catalogue_client(platform) as ckan:
            for dinas in platform.registry.dinas:
                found = ckan.action.package_search(fq=f"organization:{dinas.slug}", include_private=True,
                                                   include_deleted=True, rows=1000)  # fmt: skip
                for package in found["results"]:
                    ckan.action.dataset_purge(id=package["id"])
    run_harvest(platform)
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    yield platform, app.test_client()
    platform.close()


def sample_datasets(platform: Platform) -> set[str]:
    with platform.database.session() as session:
        return {
            tracked.dataset_name
            for tracked in session.scalars(select(TrackedFile))
            if tracked.state in (FileState.VALID, FileState.DOCUMENT)
        }


def test_the_dcat_catalogue_describes_every_public_dataset_with_resolvable_downloads(harvested) -> None:
    platform, client = harvested
    response = client.get("/catalog.jsonld")

    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.get_data(), format="json-ld")
    catalogue = URIRef(f"{PUBLIC_URL}/catalog")
    assert graph.value(catalogue, RDF.type) == DCAT.Catalog
    assert graph.value(catalogue, DCTERMS.title)
    assert graph.value(graph.value(catalogue, DCTERMS.publisher), FOAF.name)
    datasets = {str(iri).rsplit("/", 1)[1]: iri for iri in graph.objects(catalogue, DCAT.dataset)}
    assert sample_datasets(platform) <= set(datasets)
    population = datasets[POPULATION]
    for required in (DCTERMS.identifier, DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.contactPoint,
                     DCTERMS.modified, DCAT.keyword, DCTERMS.accrualPeriodicity, DCAT.landingPage):  # fmt: skip
        assert graph.value(population, required), required
    publisher = graph.value(population, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Contoh"
    contact = graph.value(population, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:ppid.disdukcapil@contoh.go.id")
    assert graph.value(population, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/ANNUAL_2")
    distributions = list(graph.objects(population, DCAT.distribution))
    assert {(graph.value(d, DCTERMS["format"]), graph.value(d, DCAT.mediaType)) for d in distributions} == {
        (URIRef(f"{EU}file-type/CSV"), URIRef("https://www.iana.org/assignments/media-types/text/csv"))}  # fmt: skip
    assert {graph.value(d, DCTERMS.license) for d in distributions} == {URIRef(f"{EU}licence/CC_BY_4_0")}
    with platform.database.session() as session:
        published = {
            tracked.sha256
            for tracked in session.scalars(select(TrackedFile).where(TrackedFile.dataset_name == POPULATION))
            if tracked.state is FileState.VALID
        }
    downloaded = set()
    for distribution in distributions:
        download = client.get(str(graph.value(distribution, DCAT.downloadURL)).removeprefix(PUBLIC_URL))
        assert download.status_code == 200
        downloaded.add(hashlib.sha256(download.get_data()).hexdigest())
    assert downloaded == published


def test_data_json_lists_every_public_dataset_with_the_fields_harvesters_require(harvested) -> None:
    platform, client = harvested
    catalogue = json.loads(client.get("/data.json").get_data(as_text=True))

    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    datasets = {d["landingPage"].rsplit("/", 1)[1]: d for d in catalogue["dataset"]}
    assert sample_datasets(platform) <= set(datasets)
    for name in sample_datasets(platform):  # a shared CKAN also holds other installations' datasets
        for required in ("title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier",
                         "accessLevel"):  # fmt: skip
            assert datasets[name][required], required
        for distribution in datasets[name]["distribution"]:
            assert client.get(distribution["downloadURL"].removeprefix(PUBLIC_URL)).status_code == 200


def test_an_invalid_or_withdrawn_dataset_is_not_exported(harvested) -> None:
    _platform, client = harvested
    exported = client.get("/data.json").get_data(as_text=True) + client.get("/sitemap.xml").get_data(as_text=True)

    assert "realisasi-apbd-2024.xlsx" in exported
    assert "realisasi-apbd-2023.csv" not in exported  # the sample's invalid table is never published


def test_the_sitemap_lists_the_portal_page_of_every_public_dataset(harvested) -> None:
    platform, client = harvested
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == f"{SITEMAP}urlset"
    locations = [url.find(f"{SITEMAP}loc").text for url in root]
    assert f"{PUBLIC_URL}/" in locations
    assert f"{PUBLIC_URL}/dinas/disdukcapil" in locations
    assert f"{PUBLIC_URL}/dokumen/dinkes-profil-kesehatan" in locations  # a document has its own page
    sample = {location for location in locations if location.rsplit("/", 1)[-1] in sample_datasets(platform)}
    assert len(sample) == len(sample_datasets(platform))
    for location in locations:
        assert client.get(location.removeprefix(PUBLIC_URL)).status_code == 200, location


def test_exports_are_read_page_by_page_and_a_large_sitemap_becomes_an_index(
    platform: Platform, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_harvest(platform)
    public = len(sample_datasets(platform))
    monkeypatch.setattr(exports, "PAGE_ROWS", 1)
    monkeypatch.setattr(exports, "SITEMAP_MAX", -(-public // 2))
    published = len(json.loads(client.get("/data.json").get_data(as_text=True))["dataset"])

    index = ElementTree.fromstring(client.get("/sitemap.xml").get_data())
    parts = [sitemap.find(f"{SITEMAP}loc").text for sitemap in index]

    assert published == public
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert parts == [f"{PUBLIC_URL}/sitemap-1.xml", f"{PUBLIC_URL}/sitemap-2.xml"]
    pages = [ElementTree.fromstring(client.get(f"/sitemap-{n}.xml").get_data()) for n in (1, 2)]
    locations = [url.find(f"{SITEMAP}loc").text for page in pages for url in page]
    datasets = [location for location in locations if "/dataset/" in location or "/dokumen/" in location]
    assert len(datasets) == len(set(datasets)) == published
    assert client.get("/sitemap-3.xml").status_code == 404
