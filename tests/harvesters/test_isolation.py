"""One failing source never stops the others, whatever its kind: every kind against an unreachable host."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ppid.pipeline.models import HarvestRun, ItemOutcome, RunStatus
from ppid.pipeline.runner import run_harvest

from .conftest import POPULATION_CSV, POPULATION_RULES, Route, closed_port, events

PATIENCE = "        retries: 1\n        backoff: 0\n        timeout: 2\n"
UNREACHABLE = {
    "http-index": "      - kind: http\n        name: rusak\n        index: {url}/data/\n" + PATIENCE,
    "s3": "      - kind: s3\n        name: rusak\n        bucket: ember\n        endpoint_url: {url}\n"
    "        retries: 1\n        timeout: 2\n",
    "ckan": "      - kind: ckan\n        name: rusak\n        url: {url}\n        organization: dinas\n" + PATIENCE,
    "dcat": "      - kind: dcat\n        name: rusak\n        url: {url}/data.json\n" + PATIENCE,
}


def folder_source(path: Path) -> str:
    return f"      - kind: folder\n        name: folder-sehat\n        path: {path}\n" + POPULATION_RULES


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
def test_an_unreachable_source_fails_alone(kind, open_platform, tmp_path, aws_credentials) -> None:
    healthy = tmp_path / "sehat"
    healthy.mkdir()
    (healthy / "penduduk-2024.csv").write_bytes(POPULATION_CSV)
    broken = UNREACHABLE[kind].format(url=f"http://127.0.0.1:{closed_port()}") + POPULATION_RULES
    platform = open_platform(broken + folder_source(healthy))
    started = time.monotonic()

    run_id = run_harvest(platform)

    found = events(platform, run_id)
    assert found[None].source_id == "disdukcapil/rusak"
    assert found[None].outcome == ItemOutcome.SOURCE_FAILED
    assert found[None].message and "Traceback" not in found[None].message
    assert found["penduduk-2024.csv"].outcome == ItemOutcome.NEW
    with platform.database.session() as session:
        assert session.get(HarvestRun, run_id).status == RunStatus.FINISHED
    assert time.monotonic() - started < 60


def test_an_unreachable_file_url_fails_that_file_and_the_rest_of_the_source_goes_on(web, open_platform) -> None:
    web.routes["/penduduk.csv"] = Route(POPULATION_CSV, content_type="text/csv")
    dead = f"http://127.0.0.1:{closed_port()}/profil.pdf"
    source = f"      - kind: http\n        name: situs\n        urls: ['{dead}', '{web.url}/penduduk.csv']\n" + PATIENCE
    platform = open_platform(source + POPULATION_RULES)

    run_id = run_harvest(platform)

    found = events(platform, run_id)
    assert found[dead].outcome == ItemOutcome.FAILED
    assert "tidak dapat diunduh: server tidak dapat dihubungi" in found[dead].message
    assert found[f"{web.url}/penduduk.csv"].outcome == ItemOutcome.NEW
