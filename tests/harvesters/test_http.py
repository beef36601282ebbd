"""The http kind against a real web server: index pages, conditional GETs, retries, and broken downloads."""

from __future__ import annotations

import pytest

from harvesters.http import linked_files
from ppid.config import ConfigError
from ppid.pipeline.models import FileState, HarvestRun, ItemOutcome, RunStatus
from ppid.pipeline.runner import run_harvest

from .conftest import PDF, POPULATION_CSV, POPULATION_RULES, Route, catalogue_package, events, tracked_files

POPULATION = "disdukcapil-jumlah-penduduk"
INDEX = """<!doctype html><html><body><h1>Data Disdukcapil</h1>
<a href="berkas/penduduk-2024.csv">Penduduk 2024</a>
<a href="/dokumen/profil%20kependudukan.pdf">Profil</a>
<a href="tentang.html">Tentang kami</a>
<a href="mailto:ppid@disdukcapil.go.id">Surel</a>
</body></html>"""


def http_source(**options: object) -> str:
    lines = [f"        {key}: {value}" for key, value in {"retries": 2, "backoff": 0, "timeout": 5, **options}.items()]
    return "      - kind: http\n        name: situs\n" + "\n".join(lines) + POPULATION_RULES


def test_files_linked_from_an_index_page_are_harvested_and_published(web, open_platform) -> None:
    web.routes["/data/"] = Route(INDEX.encode(), content_type="text/html; charset=utf-8")
    web.routes["/data/berkas/penduduk-2024.csv"] = Route(POPULATION_CSV, content_type="text/csv", etag='"p1"')
    web.routes["/dokumen/profil%20kependudukan.pdf"] = Route(PDF, content_type="application/pdf")
    platform = open_platform(http_source(index=f"{web.url}/data/"))

    run_id = run_harvest(platform)

    outcomes = {key: event.outcome for key, event in events(platform, run_id).items()}
    assert outcomes == {
        f"{web.url}/data/berkas/penduduk-2024.csv": ItemOutcome.NEW,
        f"{web.url}/dokumen/profil%20kependudukan.pdf": ItemOutcome.NEW,
    }
    files = tracked_files(platform)
    assert files[f"{web.url}/data/berkas/penduduk-2024.csv"].state == FileState.VALID
    assert files[f"{web.url}/dokumen/profil%20kependudukan.pdf"].name == "profil kependudukan.pdf"
    package = catalogue_package(platform, POPULATION)
    assert package["title"] == "Jumlah Penduduk"
    assert [resource["name"] for resource in package["resources"]] == ["penduduk-2024.csv"]


def test_links_are_resolved_against_the_page_and_its_base_element() -> None:
    page = '<base href="https://data.kab.go.id/unduh/"><a href="a.XLSX">a</a><a href="b.csv#x">b</a><a href="c">c</a>'

    assert linked_files(page, "https://kab.go.id/ppid/") == [
        "https://data.kab.go.id/unduh/a.XLSX",
        "https://data.kab.go.id/unduh/b.csv",
    ]


@pytest.mark.parametrize(
    "validator", [{"etag": '"v1"'}, {"last_modified": "Wed, 01 May 2024 08:00:00 GMT"}], ids=["etag", "last-modified"]
)
def test_an_unchanged_file_is_asked_for_conditionally_and_not_downloaded_again(web, open_platform, validator) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv", **validator)
    platform = open_platform(http_source(urls=f"['{web.url}/penduduk.csv']"))
    run_harvest(platform)
    downloads_after_first_run = web.downloads("/penduduk.csv")

    second = run_harvest(platform)

    assert events(platform, second)[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.UNCHANGED
    assert web.downloads("/penduduk.csv") == downloads_after_first_run
    last = web.requests[-1]
    assert last.status == 304
    assert last.headers.get("if-none-match") == validator.get("etag") or last.headers.get(
        "if-modified-since"
    ) == validator.get("last_modified")


def test_a_changed_file_is_downloaded_again(web, open_platform) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv", etag='"v1"')
    platform = open_platform(http_source(urls=f"['{web.url}/penduduk.csv']"))
    run_harvest(platform)
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV.replace(b"\r\n", b"\n"), content_type="text/csv", etag='"v2"')

    second = run_harvest(platform)

    assert events(platform, second)[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.UPDATED
    assert tracked_files(platform)[f"{web.url}/penduduk.csv"].fingerprint == 'etag:"v2"'


def test_a_transient_503_is_retried_until_the_file_comes(web, open_platform) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv", failures=[503, 503])
    platform = open_platform(http_source(urls=f"['{web.url}/penduduk.csv']"))

    run_id = run_harvest(platform)

    assert events(platform, run_id)[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.NEW
    assert [r.status for r in web.requests if r.path == "/penduduk.csv"][:3] == [503, 503, 200]


def test_a_server_that_stays_down_fails_that_file_with_its_status(web, open_platform) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, failures=[503] * 10)
    platform = open_platform(http_source(urls=f"['{web.url}/penduduk.csv']"))

    run_id = run_harvest(platform)

    event = events(platform, run_id)[f"{web.url}/penduduk.csv"]
    assert event.outcome == ItemOutcome.FAILED
    assert "HTTP 503" in event.message


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_an_html_error_page_served_as_xlsx_fails_that_file_only(web, open_platform, content_type) -> None:
    web.routes["/laporan.xlsx"] = Route(
        b"\n<!DOCTYPE html><html><body>Sesi habis, silakan masuk</body></html>", content_type=content_type
    )
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv")
    platform = open_platform(http_source(urls=f"['{web.url}/laporan.xlsx', '{web.url}/penduduk.csv']"))

    run_id = run_harvest(platform)

    found = events(platform, run_id)
    assert found[f"{web.url}/laporan.xlsx"].outcome == ItemOutcome.FAILED
    assert "halaman web (HTML), bukan berkas laporan.xlsx" in found[f"{web.url}/laporan.xlsx"].message
    assert found[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.NEW
    assert f"{web.url}/laporan.xlsx" not in tracked_files(platform)
    with platform.database.session() as session:
        assert session.get(HarvestRun, run_id).status == RunStatus.FINISHED


def test_a_truncated_body_fails_that_file_with_what_arrived(web, open_platform) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv", send_only=40)
    web.routes["/profil.pdf"] = Route(PDF, content_type="application/pdf")
    platform = open_platform(http_source(urls=f"['{web.url}/penduduk.csv', '{web.url}/profil.pdf']"))

    run_id = run_harvest(platform)

    found = events(platform, run_id)
    assert found[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.FAILED
    assert f"terputus: baru 40 dari {len(POPULATION_CSV)} bita" in found[f"{web.url}/penduduk.csv"].message
    assert found[f"{web.url}/profil.pdf"].outcome == ItemOutcome.NEW


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_file_over_the_size_limit_fails_that_file(web, open_platform, chunked) -> None:
    web.routes["/besar.pdf"] = Route(PDF + b"0" * 5000, content_type="application/pdf", chunked=chunked)
    web.routes["/profil.pdf"] = Route(PDF, content_type="application/pdf")
    platform = open_platform(http_source(urls=f"['{web.url}/besar.pdf', '{web.url}/profil.pdf']", max_size_mb=0.002))

    run_id = run_harvest(platform)

    found = events(platform, run_id)
    assert found[f"{web.url}/besar.pdf"].outcome == ItemOutcome.FAILED
    assert "lebih besar dari batas 0.002 MB" in found[f"{web.url}/besar.pdf"].message
    assert found[f"{web.url}/profil.pdf"].outcome == ItemOutcome.NEW


def test_an_http_source_needs_urls_or_an_index(open_platform) -> None:
    with pytest.raises(ConfigError, match="sources\\[0\\]"):
        open_platform("      - kind: http\n" + POPULATION_RULES)
