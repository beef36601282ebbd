"""What a crash, an unreachable catalogue or a broken source leaves behind, and how the next run repairs it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ppid.config import load_settings
from ppid.db import utcnow
from ppid.pipeline.models import FileState, HarvestRun, ItemOutcome, RunEvent, RunStatus, TrackedFile
from ppid.pipeline.runner import HarvestAlreadyRunning, run_harvest, start_run
from ppid.platform import Platform
from ppid.publishing.client import catalogue_client

from ..live import served

POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def events(platform: Platform, run_id: int) -> list[RunEvent]:
    with platform.database.session() as session:
        return list(session.scalars(select(RunEvent).where(RunEvent.run_id == run_id)))


def test_an_unreachable_catalogue_is_recorded_and_the_next_run_publishes_once(environ: dict[str, str]) -> None:
    down = Platform.open(load_settings(environ=environ | {"PPID_CATALOGUE_URL": f"http://127.0.0.1:{closed_port()}"}))
    first = run_harvest(down)
    down.close()
    assert any(e.outcome == ItemOutcome.FAILED and e.item_key == POPULATION for e in events(down, first))
    with down.database.session() as session:
        assert all(f.published_sha256 is None for f in session.scalars(select(TrackedFile)))

    up = Platform.open(load_settings(environ=environ))
    second = run_harvest(up)

    assert not any(e.outcome == ItemOutcome.FAILED for e in events(up, second))
    with catalogue_client(up) as ckan:
        found = ckan.action.package_search(fq="organization:disdukcapil", include_private=True)
    assert sorted(p["name"] for p in found["results"]) == ["disdukcapil-daftar-desa-dan-kelurahan", POPULATION]
    up.close()


class CatalogueFailingHalfWay:
    """The embedded catalogue's API behind a fault: the ``fail_at``-th call is carried out but its answer is
    lost (a 502, as from a proxy whose upstream timed out), and every later call gets a 503, or finds the
    server gone."""

    def __init__(self, app: Callable, fail_at: int, *, goes_away: bool) -> None:
        self.app = app
        self.fail_at = fail_at
        self.goes_away = goes_away
        self.calls = 0
        self.on_failure: Callable[[], None] = lambda: None

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not environ["PATH_INFO"].startswith("/api/"):
            return self.app(environ, start_response)
        self.calls += 1
        if self.calls < self.fail_at:
            return self.app(environ, start_response)
        if self.calls == self.fail_at:
            b"".join(self.app(environ, lambda *args: None))  # done and committed, but the caller never hears
            if self.goes_away:
                threading.Thread(target=self.on_failure).start()
            start_response("502 Bad Gateway", [("Content-Type", "text/html")])
            return [b"<h1>502 Bad Gateway</h1>"]
        start_response("503 Service Unavailable", [("Content-Type", "text/html")])
        return [b"<h1>503 Service Unavailable</h1>"]


@pytest.mark.parametrize("goes_away", [False, True], ids=["answers-5xx", "goes-away"])
def test_a_catalogue_failing_half_way_through_publishing_is_completed_by_the_next_run_without_duplicates(
    environ: dict[str, str], goes_away: bool
) -> None:
    from ppid.app import create_app

    platform = Platform.open(load_settings(environ=environ))
    faulty = CatalogueFailingHalfWay(create_app(platform=platform), fail_at=6, goes_away=goes_away)
    with served(faulty) as server:
        faulty.on_failure = server.stop
        halfway = Platform.open(load_settings(environ=environ | {"PPID_CATALOGUE_URL": server.url}))
        first = run_harvest(halfway)
        halfway.close()
    failed = [e.item_key for e in events(platform, first) if e.outcome == ItemOutcome.FAILED]
    with catalogue_client(platform) as ckan:
        before = ckan.action.package_search(include_private=True, rows=1000)["results"]
    assert faulty.calls >= 6
    assert failed, "the faulty catalogue must have failed some publications"
    assert len(before) >= 2, "the lost write must have reached the catalogue"

    second = run_harvest(platform)

    assert not any(e.outcome == ItemOutcome.FAILED for e in events(platform, second))
    with catalogue_client(platform) as ckan:
        after = [p["name"] for p in ckan.action.package_search(include_private=True, rows=1000)["results"]]
    with platform.database.session() as session:
        publishable = {
            f.dataset_name
            for f in session.scalars(select(TrackedFile))
            if f.state in (FileState.VALID, FileState.DOCUMENT)
        }
        assert all(
            f.published_sha256 == f.sha256
            for f in session.scalars(select(TrackedFile))
            if f.state in (FileState.VALID, FileState.DOCUMENT)
        )
    assert sorted(after) == sorted(publishable)
    assert set(failed) <= set(after)
    platform.close()


def test_a_run_that_died_is_marked_failed_by_the_next_one(platform: Platform) -> None:
    with platform.database.session() as session:
        dead = HarvestRun(heartbeat_at=utcnow() - timedelta(hours=2), started_at=utcnow() - timedelta(hours=2))
        session.add(dead)
        session.flush()
        dead_id = dead.id

    run_harvest(platform)

    with platform.database.session() as session:
        dead = session.get(HarvestRun, dead_id)
        assert dead.status == RunStatus.FAILED
        assert dead.finished_at is not None
        assert dead.error


def test_a_live_run_is_not_overlapped(platform: Platform) -> None:
    start_run(platform, "cli")

    with pytest.raises(HarvestAlreadyRunning):
        run_harvest(platform)


def test_a_failing_source_does_not_stop_the_others(environ: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    registry = (Path(environ["PPID_CONFIG_DIR"]) / "dinas.yaml").read_text(encoding="utf-8")
    examples = Path(environ["PPID_CONFIG_DIR"]).parent / "examples"
    registry = registry.replace("../examples", str(examples)).replace(
        str(examples / "kabupaten-contoh" / "dinkes"), str(tmp_path / "folder-yang-hilang")
    )
    (config / "dinas.yaml").write_text(registry, encoding="utf-8")
    platform = Platform.open(load_settings(environ=environ | {"PPID_CONFIG_DIR": str(config)}))

    run_id = run_harvest(platform)

    outcomes = {(e.source_id, e.outcome) for e in events(platform, run_id)}
    assert ("dinkes/folder-data", ItemOutcome.SOURCE_FAILED) in outcomes
    assert ("disdukcapil/folder-data", ItemOutcome.NEW) in outcomes
    with platform.database.session() as session:
        assert session.get(HarvestRun, run_id).status == RunStatus.FINISHED
    platform.close()


def test_a_file_gone_from_its_source_is_withdrawn_after_the_grace_period_not_deleted(platform: Platform) -> None:
    run_harvest(platform)
    with platform.database.session() as session:
        tracked = session.scalar(select(TrackedFile).where(TrackedFile.dinas_slug == "disdukcapil"))
        tracked.key = "penduduk-lama.csv"  # as if the file had been renamed away at the source
        tracked.missing_since = utcnow() - timedelta(days=30)
        storage_key = tracked.storage_key

    run_harvest(platform)

    with platform.database.session() as session:
        old = session.scalar(select(TrackedFile).where(TrackedFile.key == "penduduk-lama.csv"))
        assert old.state == FileState.WITHDRAWN
        assert old.published_sha256 is None
    assert platform.storage.exists(storage_key)
