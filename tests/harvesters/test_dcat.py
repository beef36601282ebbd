"""The dcat kind: a JSON-LD catalogue and a DCAT-US data.json served by a real local web server."""

from __future__ import annotations

import json

from rdflib import Graph

from harvesters.dcat import catalogue_datasets, next_page, parse_catalogue
from ppid.pipeline.models import ItemOutcome
from ppid.pipeline.runner import run_harvest

from .conftest import PDF, POPULATION_CSV, Route, catalogue_package, events

RULES = """
        rules:
          - match: "*.csv"
            schema: jumlah_penduduk
            dataset: {frequency: semesteran, satuan: jiwa}
          - match: "*.pdf"
            dataset: {tags: [dokumen]}
"""


def dcat_source(url: str) -> str:
    return f"      - kind: dcat\n        name: katalog\n        url: {url}\n        retries: 1\n" + RULES


def jsonld_catalogue(base: str) -> dict:
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@graph": [
            {
                "@id": f"{base}/katalog",
                "@type": "dcat:Catalog",
                "dcat:dataset": [{"@id": f"{base}/dataset/penduduk"}, {"@id": f"{base}/dataset/profil"}],
            },
            {
                "@id": f"{base}/dataset/penduduk",
                "@type": "dcat:Dataset",
                "dct:title": [
                    {"@value": "Population", "@language": "en"},
                    {"@value": "Penduduk 2024", "@language": "id"},
                ],
                "dct:description": "Jumlah penduduk per kecamatan.",
                "dcat:keyword": ["kependudukan", "penduduk"],
                "dcat:distribution": {"@id": f"{base}/distribusi/1"},
            },
            {
                "@id": f"{base}/distribusi/1",
                "@type": "dcat:Distribution",
                "dcat:downloadURL": {"@id": f"{base}/berkas/penduduk-2024.csv"},
            },
            {
                "@id": f"{base}/dataset/profil",
                "@type": "http://www.w3.org/ns/dcat#Dataset",
                "http://purl.org/dc/terms/title": "Profil Kependudukan",
                "http://www.w3.org/ns/dcat#distribution": [
                    {"http://www.w3.org/ns/dcat#downloadURL": f"{base}/berkas/profil.pdf"},
                    {"http://www.w3.org/ns/dcat#accessURL": f"{base}/halaman-profil"},
                ],
            },
        ],
    }


def test_a_jsonld_catalogue_is_harvested_with_its_titles_descriptions_and_keywords(web, open_platform) -> None:
    web.routes["/katalog.jsonld"] = Route(
        json.dumps(jsonld_catalogue(web.url)).encode(), content_type="application/ld+json"
    )
    web.routes["/berkas/penduduk-2024.csv"] = Route(POPULATION_CSV, content_type="text/csv", etag='"a"')
    web.routes["/berkas/profil.pdf"] = Route(PDF, content_type="application/pdf")
    platform = open_platform(dcat_source(f"{web.url}/katalog.jsonld"))

    run_id = run_harvest(platform)

    outcomes = {key: event.outcome for key, event in events(platform, run_id).items()}
    assert outcomes == {
        f"{web.url}/berkas/penduduk-2024.csv": ItemOutcome.NEW,
        f"{web.url}/berkas/profil.pdf": ItemOutcome.NEW,
    }
    population = catalogue_package(platform, "disdukcapil-penduduk-2024")
    assert population["title"] == "Penduduk 2024"
    assert population["notes"] == "Jumlah penduduk per kecamatan."
    assert sorted(tag["name"] for tag in population["tags"]) == ["kependudukan", "penduduk"]
    extras = {extra["key"]: extra["value"] for extra in population["extras"]}
    assert extras["frekuensi_penerbitan"] == "semesteran" and extras["satuan"] == "jiwa"
    profile = catalogue_package(platform, "disdukcapil-profil-kependudukan")
    assert [tag["name"] for tag in profile["tags"]] == ["dokumen"]  # the rule's tags override the source's


def turtle_page(base: str, number: int, *, next_page: int | None) -> bytes:
    """One page of a Hydra-paged catalogue in Turtle, as ckanext-dcat and ppid's /catalog.ttl write it."""
    following = f"; hydra:next <{base}/katalog/{next_page}.ttl>" if next_page else ""
    return f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{base}/katalog/{number}.ttl> a hydra:PagedCollection ; hydra:totalItems 2 {following} .
<{base}/katalog> a dcat:Catalog ; dcat:dataset <{base}/dataset/{number}> .
<{base}/dataset/{number}> a dcat:Dataset ;
    dct:title "Penduduk halaman {number}"@id, "Population page {number}"@en ;
    dcat:keyword "penduduk" ;
    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}/berkas/penduduk-{number}.csv> ] .
""".encode()


def test_a_paged_turtle_catalogue_is_followed_to_its_last_page(web, open_platform) -> None:
    web.routes["/katalog/1.ttl"] = Route(turtle_page(web.url, 1, next_page=2), content_type="text/turtle")
    web.routes["/katalog/2.ttl"] = Route(turtle_page(web.url, 2, next_page=1), content_type="text/turtle")  # a loop
    for number in (1, 2):
        web.routes[f"/berkas/penduduk-{number}.csv"] = Route(POPULATION_CSV, content_type="text/csv")
    platform = open_platform(dcat_source(f"{web.url}/katalog/1.ttl"))

    run_id = run_harvest(platform)

    outcomes = {key: event.outcome for key, event in events(platform, run_id).items()}
    assert outcomes == {f"{web.url}/berkas/penduduk-{n}.csv": ItemOutcome.NEW for n in (1, 2)}
    assert catalogue_package(platform, "disdukcapil-penduduk-halaman-2")["title"] == "Penduduk halaman 2"


def test_an_rdf_xml_catalogue_is_read() -> None:
    graph = Graph().parse(data=turtle_page("https://data.kab.go.id", 1, next_page=None), format="turtle")

    document = parse_catalogue(graph.serialize(format="xml"), "https://data.kab.go.id/catalog.rdf")

    assert catalogue_datasets(document) == [
        ({"title": "Penduduk halaman 1", "description": "", "tags": ["penduduk"]},
         ["https://data.kab.go.id/berkas/penduduk-1.csv"])
    ]
    assert next_page(document) is None


def test_a_dcat_us_data_json_is_read() -> None:
    document = {
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "dataset": [
            {
                "title": "Realisasi APBD",
                "description": "Per akun.",
                "keyword": ["keuangan"],
                "distribution": [
                    {"downloadURL": "https://data.kab.go.id/apbd.xlsx", "mediaType": "application/vnd.ms-excel"},
                    {"accessURL": "https://data.kab.go.id/apbd"},
                ],
            },
            {"title": "Tanpa berkas", "distribution": []},
        ],
    }

    assert catalogue_datasets(document) == [
        (
            {"title": "Realisasi APBD", "description": "Per akun.", "tags": ["keuangan"]},
            ["https://data.kab.go.id/apbd.xlsx"],
        )
    ]


def test_a_catalogue_that_is_not_json_fails_the_source_with_a_sentence(web, open_platform) -> None:
    web.routes["/data.json"] = Route(b"<html>Pemeliharaan</html>", content_type="text/html")
    platform = open_platform(dcat_source(f"{web.url}/data.json"))

    run_id = run_harvest(platform)

    event = events(platform, run_id)[None]
    assert event.outcome == ItemOutcome.SOURCE_FAILED
    assert "bukan JSON-LD, Turtle, RDF/XML atau data.json yang sah" in event.message
