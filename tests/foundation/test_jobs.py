"""Background jobs run inline without Redis, and on a real RQ worker with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppid.jobs import JobQueue
from ppid.pipeline.models import HarvestRun, RunStatus
from ppid.pipeline.runner import harvest_job

REDIS_URL = os.environ.get("PPID_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="PPID_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)"
)


def test_without_redis_jobs_run_inline() -> None:
    handle = JobQueue(None).enqueue(sorted, [3, 1, 2])

    assert not handle.queued
    assert handle.inline_result == [1, 2, 3]


@pytest.mark.redis
@needs_redis
def test_a_harvest_queued_on_redis_is_done_by_ppid_worker(platform, environ: dict[str, str]) -> None:
    queue = JobQueue(REDIS_URL)
    queue.queue().empty()

    handle = queue.enqueue(harvest_job, ["disdukcapil"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPID_")} | environ | {"PPID_REDIS_URL": REDIS_URL}
    worker = subprocess.run(
        [str(Path(sys.executable).parent / "ppid"), "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert handle.queued
    assert worker.returncode == 0, worker.stderr
    job = queue.queue().fetch_job(handle.id)
    assert job.is_finished, worker.stderr
    with platform.database.session() as session:
        run = session.get(HarvestRun, job.return_value())
        assert run.status == RunStatus.FINISHED
        assert run.trigger == "worker"
        assert run.counts.get("new", 0) >= 1
