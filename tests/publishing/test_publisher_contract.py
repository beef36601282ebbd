"""The same publisher contract against both targets: the embedded catalogue and a real CKAN 2.12.

The real CKAN is started by ../shared/ckan-test-server/run_ckan.sh (CI always does); these tests
skip with a reason when CKAN_URL is unset.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from ckanapi import RemoteCKAN
from sqlalchemy import select

from ppid.config import load_settings
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.publication import publish_dataset
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client
from ppid.publishing.publisher import open_publisher

CKAN_URL = os.environ.get("CKAN_URL")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN")
REPO = Path(__file__).resolve().parents[2]
POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"


def purge_sample_region(ckan: RemoteCKAN, platform: Platform) -> None:
    """Start each test on an empty catalogue: the real CKAN keeps its state between tests."""
    for dinas in platform.registry.dinas:
        found = ckan.action.package_search(fq=f"organization:{dinas.slug}", include_private=True, include_deleted=True,
                                          rows=1000)
        for package in found["results"]:
            ckan.action.dataset_purge(id=package["id"])


TARGETS = ["embedded", pytest.param("ckan", marks=pytest.mark.ckan)]


def open_target(kind: str, environ: dict[str, str]) -> Iterator[Platform]:
    """A platform publishing to the embedded catalogue, or to the real CKAN (emptied of the sample region)."""
    if kind == "ckan":
        if not CKAN_URL:
            pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
        environ = environ | {"PPID_CATALOGUE_URL": CKAN_URL, "PPID_CATALOGUE_API_TOKEN": CKAN_API_TOKEN}
    platform = Platform.open(load_settings(environ=environ))
    if kind == "ckan":
        with catalogue_client(platform) as ckan:
            purge_sample_region(ckan, platform)
    yield platform
    platform.close()


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, environ: dict[str, str]) -> Iterator[Platform]:
    yield from open_target(request.param, environ)


def published(platform: Platform, name: str) -> dict:
    with catalogue_client(platform) as ckan:
        return ckan.action.package_show(id=name)


def test_valid_tables_are_published_with_satu_data_metadata(target: Platform) -> None:
    run_harvest(target)

    package = published(target, POPULATION)
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert package["organization"]["name"] == "disdukcapil"
    assert package["license_id"] == "cc-by"
    assert extras["produsen_data"] == "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Contoh"
    assert extras["frekuensi_penerbitan"] == "semesteran"
    assert extras["kode_wilayah"] == "3201"
    assert extras["status_validasi"] == "valid"
    assert [r["name"] for r in package["resources"]] == ["penduduk-2023.csv", "penduduk-2024.csv"]
    assert package["resources"][0]["hash"].startswith("sha256:")
    with target.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.name == "penduduk-2023.csv"))
        assert package["resources"][0]["size"] == tracked.size > 0
    assert {r["mimetype"] for r in package["resources"]} == {"text/csv"}
    assert package["creator_user_id"]  # the embedded catalogue's site user, or the real CKAN's owner of the API token


def test_an_invalid_table_is_kept_but_not_published(target: Platform) -> None:
    run_harvest(target)

    with target.database.session() as session:
        apbd = session.scalar(select(TrackedFile).where(TrackedFile.name == "realisasi-apbd-2023.csv"))
        assert apbd.state == FileState.INVALID
        assert target.storage.exists(apbd.storage_key)
    # The dataset is published with the valid workbook of the next year only.
    assert [r["name"] for r in published(target, "bpkad-realisasi-apbd")["resources"]] == ["realisasi-apbd-2024.xlsx"]


def test_republishing_unchanged_datasets_makes_no_write_call(target: Platform) -> None:
    run_harvest(target)

    with open_publisher(target) as publisher:
        publish_dataset(target, publisher, "disdukcapil", POPULATION)
        publish_dataset(target, publisher, "dinkes", "dinkes-fasilitas-kesehatan")

    assert publisher.write_calls == 0
    assert publisher.calls["package_show"] == 2


def test_a_lost_local_database_does_not_duplicate_datasets(target: Platform, environ: dict[str, str], tmp_path) -> None:
    if target.settings.uses_embedded_catalogue:
        pytest.skip("the embedded catalogue lives in the local database itself")
    run_harvest(target)
    with catalogue_client(target) as ckan:
        before = ckan.action.package_search(fq="organization:disdukcapil", include_private=True)["count"]

    fresh = Platform.open(
        load_settings(
            environ=environ
            | {
                "PPID_HOME": str(tmp_path / "fresh"),
                "PPID_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                "PPID_CATALOGUE_URL": target.settings.catalogue_url,
                "PPID_CATALOGUE_API_TOKEN": target.settings.catalogue_api_token,
            }
        )
    )
    run_harvest(fresh)
    fresh.close()

    with catalogue_client(target) as ckan:
        assert ckan.action.package_search(fq="organization:disdukcapil", include_private=True)["count"] == before


def copy_of_the_sample_region(tmp_path: Path, *, withdrawn: str) -> Path:
    """Registry and sample files in a folder the test may change; files gone are withdrawn at the next run."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    defaults_path = tmp_path / "config" / "defaults.yaml"
    defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8"))
    defaults["harvest"]["withdraw_after_days"] = 0
    defaults["catalogue"] = {"withdrawn": withdrawn}
    defaults_path.write_text(yaml.safe_dump(defaults), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("withdrawn", ["private", "delete"])
def test_a_dataset_withdrawn_from_its_source_is_hidden_and_restored_when_the_file_returns(
    target: Platform, environ: dict[str, str], tmp_path: Path, withdrawn: str
) -> None:
    region = copy_of_the_sample_region(tmp_path, withdrawn=withdrawn)
    catalogue = {} if target.settings.uses_embedded_catalogue else {
        "PPID_CATALOGUE_URL": target.settings.catalogue_url,
        "PPID_CATALOGUE_API_TOKEN": target.settings.catalogue_api_token,
    }  # fmt: skip
    platform = Platform.open(load_settings(environ=environ | catalogue | {"PPID_CONFIG_DIR": str(region / "config")}))
    folder = region / "examples/kabupaten-contoh/disdukcapil"
    run_harvest(platform)
    contents = {path: path.read_bytes() for path in folder.glob("penduduk-*.csv")}
    for path in contents:
        path.unlink()
    (folder / "desa-kelurahan-2024.csv").unlink()  # the dinas's other dataset goes too
    run_harvest(platform)

    hidden = published(platform, POPULATION)
    if withdrawn == "private":
        assert (hidden["private"], hidden["state"]) == (True, "active")
    else:
        assert hidden["state"] == "deleted"
    with catalogue_client(platform) as ckan:
        assert ckan.action.package_search(fq="organization:disdukcapil")["count"] == 0

    latest = folder / "penduduk-2024.csv"
    latest.write_bytes(contents[latest])
    run_harvest(platform)

    restored = published(platform, POPULATION)
    assert (restored["private"], restored["state"]) == (False, "active")
    assert [resource["name"] for resource in restored["resources"]] == ["penduduk-2024.csv"]
    with catalogue_client(platform) as ckan:
        assert ckan.action.package_search(fq="organization:disdukcapil")["count"] == 1
    platform.close()
