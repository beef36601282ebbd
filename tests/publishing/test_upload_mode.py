"""``catalogue.files: upload``: each file is uploaded to the catalogue, streamed, once per content, into one resource
per file, against the embedded catalogue and the real CKAN 2.12 alike."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from ppid.config import load_settings
from ppid.pipeline.publication import publish_dataset
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client
from ppid.publishing.publisher import open_publisher

from .test_publisher_contract import POPULATION, REPO, TARGETS, copy_of_the_sample_region, open_target, published

SAMPLE = REPO / "examples/kabupaten-contoh/disdukcapil"


@pytest.fixture(params=TARGETS)
def uploading(request: pytest.FixtureRequest, environ: dict[str, str], tmp_path: Path) -> Iterator[Platform]:
    """A platform uploading its files to the catalogue, harvesting a copy of the sample region it may change."""
    region = copy_of_the_sample_region(tmp_path, withdrawn="private")
    yield from open_target(request.param, environ | {"PPID_CATALOGUE_FILES": "upload",
                                                     "PPID_CONFIG_DIR": str(region / "config")})


def region_folder(platform: Platform) -> Path:
    return Path(platform.settings.config_dir).parent / "examples/kabupaten-contoh/disdukcapil"


def download(platform: Platform, url: str) -> bytes:
    """The bytes behind a resource URL, from the real CKAN over HTTP or from the embedded catalogue's portal."""
    if not platform.settings.uses_embedded_catalogue:
        response = requests.get(url, timeout=30)
        response.raise_for_status()
        return response.content
    from ppid.app import create_app

    response = create_app(platform=platform).test_client().get(urlparse(url).path)
    assert response.status_code == 200, url
    return response.get_data()


def test_every_file_is_uploaded_and_downloads_byte_for_byte(uploading: Platform) -> None:
    run_harvest(uploading)

    resources = published(uploading, POPULATION)["resources"]
    assert [resource["name"] for resource in resources] == ["penduduk-2023.csv", "penduduk-2024.csv"]
    for resource in resources:
        original = (SAMPLE / resource["name"]).read_bytes()
        assert resource["url_type"] == "upload"
        assert "/unduh/" not in resource["url"]  # not a link to the platform's own storage
        assert resource["hash"] == f"sha256:{hashlib.sha256(original).hexdigest()}"
        assert download(uploading, resource["url"]) == original


def test_republishing_unchanged_files_uploads_nothing(uploading: Platform) -> None:
    run_harvest(uploading)

    with open_publisher(uploading) as publisher:
        publish_dataset(uploading, publisher, "disdukcapil", POPULATION)
        publish_dataset(uploading, publisher, "dinkes", "dinkes-fasilitas-kesehatan")

    assert publisher.write_calls == 0


def test_a_changed_file_is_uploaded_again_into_the_same_resource(uploading: Platform) -> None:
    run_harvest(uploading)
    before = {resource["name"]: resource["id"] for resource in published(uploading, POPULATION)["resources"]}
    latest = region_folder(uploading) / "penduduk-2024.csv"
    changed = latest.read_bytes().replace(b"Cibinong,124890,79544,204434", b"Cibinong,124891,79544,204435")
    latest.write_bytes(changed)

    run_harvest(uploading)

    resources = {resource["name"]: resource for resource in published(uploading, POPULATION)["resources"]}
    assert {name: resource["id"] for name, resource in resources.items()} == before
    assert resources["penduduk-2024.csv"]["hash"] == f"sha256:{hashlib.sha256(changed).hexdigest()}"
    assert download(uploading, resources["penduduk-2024.csv"]["url"]) == changed


def test_a_run_stopped_between_the_package_and_its_uploads_is_completed_without_duplicates(
    uploading: Platform,
) -> None:
    run_harvest(uploading)
    with catalogue_client(uploading) as ckan:
        package = ckan.action.package_show(id=POPULATION)
        kept = package["resources"][0]
        # As if the last run had created the package and uploaded one file, then died.
        ckan.action.resource_delete(id=package["resources"][1]["id"])

    with open_publisher(uploading) as publisher:
        publish_dataset(uploading, publisher, "disdukcapil", POPULATION)

    # The lost file is uploaded again and, in a real CKAN, gets its DataStore rows (create, insert, mark with
    # their digest); the kept file is neither uploaded nor pushed again.
    pushed = 0 if uploading.settings.uses_embedded_catalogue else 1
    assert publisher.calls["resource_create"] == 1
    assert (publisher.calls["datastore_create"], publisher.calls["datastore_upsert"]) == (pushed, pushed)
    assert publisher.write_calls == 1 + 3 * pushed
    resources = published(uploading, POPULATION)["resources"]
    assert sorted(resource["ppid_key"] for resource in resources) == sorted({r["ppid_key"] for r in resources})
    assert len(resources) == 2 and kept["id"] in {resource["id"] for resource in resources}
    for resource in resources:
        assert download(uploading, resource["url"]) == (SAMPLE / resource["name"]).read_bytes()


def test_link_mode_stays_the_default(environ: dict[str, str]) -> None:
    platform = Platform.open(load_settings(environ=environ))
    run_harvest(platform)
    resource = published(platform, POPULATION)["resources"][0]
    assert "/unduh/" in resource["url"] and resource.get("url_type") in (None, "")
    platform.close()
