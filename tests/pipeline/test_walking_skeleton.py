"""The main job end to end on embedded defaults: harvest the sample region, validate, publish, serve."""

from __future__ import annotations

from ppid.pipeline.models import FileState, HarvestRun, RunStatus, TrackedFile
from ppid.pipeline.publication import publish_dataset
from ppid.pipeline.runner import run_harvest
from ppid.publishing.publisher import open_publisher


def tracked_files(platform) -> list[TrackedFile]:
    from sqlalchemy import select

    with platform.database.session() as session:
        return list(session.scalars(select(TrackedFile).order_by(TrackedFile.key)))


def test_harvest_publishes_the_sample_region_to_the_embedded_catalogue(platform, client) -> None:
    run_id = run_harvest(platform)

    with platform.database.session() as session:
        run = session.get(HarvestRun, run_id)
        assert run.status == RunStatus.FINISHED
        assert run.counts.get("new", 0) >= 3
    states = {f.key: f.state for f in tracked_files(platform)}
    assert FileState.VALID in states.values()
    assert all(f.published_sha256 == f.sha256 for f in tracked_files(platform) if f.state == FileState.VALID)

    found = client.get("/api/3/action/package_search?q=penduduk").get_json()
    assert found["success"] is True
    assert "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin" in [
        p["name"] for p in found["result"]["results"]
    ]

    home = client.get("/")
    assert home.status_code == 200
    assert "Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin" in home.get_data(as_text=True)


def test_the_published_file_downloads_byte_for_byte(platform, client) -> None:
    run_harvest(platform)
    package = client.get(
        "/api/3/action/package_show?id=disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
    ).get_json()["result"]
    resource = package["resources"][0]
    path = resource["url"].split("127.0.0.1:5000", 1)[1]

    download = client.get(path)

    assert download.status_code == 200
    source = next(f for f in tracked_files(platform) if f.name == resource["name"])
    with platform.storage.open(source.storage_key) as stored:
        assert download.data == stored.read()


def test_a_second_run_changes_nothing_and_writes_nothing(platform) -> None:
    run_harvest(platform)
    before = {f.key: (f.sha256, f.published_sha256) for f in tracked_files(platform)}

    second = run_harvest(platform)
    with open_publisher(platform) as publisher:
        for dinas_slug, dataset_name in {(f.dinas_slug, f.dataset_name) for f in tracked_files(platform)}:
            publish_dataset(platform, publisher, dinas_slug, dataset_name)
        writes = publisher.write_calls

    with platform.database.session() as session:
        run = session.get(HarvestRun, second)
        assert set(run.counts) <= {"unchanged", "invalid"}
    assert {f.key: (f.sha256, f.published_sha256) for f in tracked_files(platform)} == before
    assert writes == 0
