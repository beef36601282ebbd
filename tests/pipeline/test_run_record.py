"""A run that fails for any reason is recorded as failed with its cause, and never blocks the next run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ppid.config import ConfigError
from ppid.pipeline.models import HarvestRun, RunStatus
from ppid.pipeline.runner import RunAborted, run_harvest
from ppid.platform import Platform

PPID = str(Path(sys.executable).parent / "ppid")


def runs(platform: Platform) -> list[HarvestRun]:
    with platform.database.session() as session:
        found = list(session.scalars(select(HarvestRun).order_by(HarvestRun.id)))
        session.expunge_all()
        return found


def test_a_run_failing_inside_the_runner_is_marked_failed_with_its_cause_and_the_next_run_goes_ahead(
    platform: Platform,
) -> None:
    scratch = platform.settings.home / "tmp"
    scratch.write_text("a file where the runner wants its scratch folder")

    with pytest.raises(RunAborted) as aborted:
        run_harvest(platform)

    failed = runs(platform)[-1]
    assert failed.id == aborted.value.run_id
    assert failed.status == RunStatus.FAILED
    assert failed.finished_at is not None
    assert "tmp" in failed.error
    scratch.unlink()

    next_run = run_harvest(platform)

    assert runs(platform)[-1].id == next_run
    assert runs(platform)[-1].status == RunStatus.FINISHED


def test_a_wrong_harvest_setting_stops_the_run_before_it_is_recorded(platform: Platform) -> None:
    platform.settings = replace(platform.settings, defaults={"harvest": {"withdraw_after_days": "tiga"}})

    with pytest.raises(ConfigError, match=r"^harvest\.withdraw_after_days "):
        run_harvest(platform)

    with platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(HarvestRun)) == 0


def test_a_run_whose_process_is_gone_is_closed_at_once_not_after_fifteen_minutes(platform: Platform) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with platform.database.session() as session:
        session.add(HarvestRun(host=socket.gethostname(), pid=gone.pid))  # its heartbeat is fresh

    run_harvest(platform)

    killed, finished = runs(platform)
    assert killed.status == RunStatus.FAILED
    assert "proses mati" in killed.error
    assert finished.status == RunStatus.FINISHED


def test_the_command_says_in_one_line_why_the_run_stopped_exits_2_and_logs_the_traceback(
    environ: dict[str, str], tmp_path: Path
) -> None:
    home = Path(environ["PPID_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "tmp").write_text("not a folder")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ

    result = subprocess.run([PPID, "harvest"], env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    stopped = [line for line in result.stdout.splitlines() if line.startswith("terhenti")]
    assert len(stopped) == 1 and "Pemanenan #1" in stopped[0]
    log = (home / "logs" / "harvest.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "harvest run #1 stopped" in log
