"""The ckan kind against the real CKAN at CKAN_URL: an organization's dataset is harvested with its own metadata."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from ckanapi import NotFound, RemoteCKAN

from ppid.pipeline.models import FileState, ItemOutcome
from ppid.pipeline.runner import run_harvest

from .conftest import REPO, catalogue_package, events, tracked_files

pytestmark = pytest.mark.ckan
CKAN_URL = os.environ.get("CKAN_URL")
POPULATION_FILE = REPO / "examples" / "kabupaten-contoh" / "disdukcapil" / "penduduk-2024.csv"


@pytest.fixture
def remote() -> Iterator[dict[str, str]]:
    """A uniquely named organization holding one dataset with an uploaded CSV resource, purged afterwards."""
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: no real CKAN to harvest from")
    ckan = RemoteCKAN(CKAN_URL, apikey=os.environ.get("CKAN_API_TOKEN"))
    name = f"ppid-panen-{uuid.uuid4().hex[:10]}"
    ckan.action.organization_create(name=name, title="Dinas Asal")
    try:
        ckan.action.package_create(
            name=name,
            owner_org=name,
            title="Penduduk Kabupaten Tetangga",
            notes="Dipanen dari portal CKAN lain.",
            tags=[{"name": "kependudukan"}, {"name": "tetangga"}],
            license_id="cc-by-sa",
        )
        with POPULATION_FILE.open("rb") as upload:
            ckan.action.resource_create(package_id=name, name="Penduduk 2024", format="CSV", upload=upload)
        yield {"url": CKAN_URL, "organization": name, "dataset": name}
    finally:
        for action, identifier in (("dataset_purge", name), ("organization_purge", name)):
            with contextlib.suppress(NotFound):
                ckan.call_action(action, {"id": identifier})


def ckan_source(url: str, organization: str) -> str:
    return f"""      - kind: ckan
        name: portal-tetangga
        url: {url}
        organization: {organization}
        retries: 1
        rules:
          - match: "*.csv"
            schema: jumlah_penduduk
            dataset: {{frequency: semesteran}}
"""


def test_an_organizations_dataset_is_harvested_with_the_remote_title_notes_tags_and_licence(
    remote, open_platform
) -> None:
    platform = open_platform(ckan_source(remote["url"], remote["organization"]))

    run_id = run_harvest(platform)

    key = f"{remote['dataset']}/penduduk-2024.csv"
    assert events(platform, run_id)[key].outcome == ItemOutcome.NEW
    assert tracked_files(platform)[key].state == FileState.VALID
    package = catalogue_package(platform, f"disdukcapil-{remote['dataset']}")
    assert package["title"] == "Penduduk Kabupaten Tetangga"
    assert package["notes"] == "Dipanen dari portal CKAN lain."
    assert sorted(tag["name"] for tag in package["tags"]) == ["kependudukan", "tetangga"]
    assert package["license_id"] == "cc-by-sa"
    assert [resource["name"] for resource in package["resources"]] == ["penduduk-2024.csv"]

    second = run_harvest(platform)

    assert events(platform, second)[key].outcome == ItemOutcome.UNCHANGED


def test_an_organization_the_portal_does_not_have_fails_the_source(open_platform) -> None:
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: no real CKAN to harvest from")
    platform = open_platform(ckan_source(CKAN_URL, f"tidak-ada-{uuid.uuid4().hex[:8]}"))

    run_id = run_harvest(platform)

    event = events(platform, run_id)[None]
    assert event.outcome == ItemOutcome.SOURCE_FAILED
    assert "tidak ada di" in event.message
