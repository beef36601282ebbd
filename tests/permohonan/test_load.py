"""A crowd at the request form, through the production server: `ppid serve` (waitress, 8 threads, the pool sized
from them) in its own process on a loopback port, 64 clients filing at once. Every filing is answered with its
own number, none gets a 5xx, every one is stored once, and each requester's e-mail is in the outbox."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from sqlalchemy import create_engine, text

from tests.conftest import REPO, sample_region_environ
from tests.permohonan.conftest import filing

pytestmark = pytest.mark.slow
CROWD = 64
#: Raised so that the crowd (all from 127.0.0.1) is not refused by the per-address limit it would meet in production.
UNLIMITED = "1000000 per minute"
START_TIMEOUT = 60.0


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def errors(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def installation(home: Path, database_url: str, *, rate_limits: str = UNLIMITED,
                 rate_limit_storage: str | None = None) -> dict[str, str]:
    """The environment of an installation (the sample region) whose rate limits are ``rate_limits``, counted in
    ``rate_limit_storage`` (in each process's memory when None)."""
    config_dir = home / "config"
    if not config_dir.exists():
        shutil.copytree(REPO / "config", config_dir)
        defaults = yaml.safe_load((config_dir / "defaults.yaml").read_text(encoding="utf-8")) or {}
        section = defaults.setdefault("permohonan", {})
        section["rate_limits"] = {"filing": rate_limits, "tracking": rate_limits}
        if rate_limit_storage:
            section["rate_limit_storage_uri"] = rate_limit_storage
        (config_dir / "defaults.yaml").write_text(yaml.safe_dump(defaults, allow_unicode=True), encoding="utf-8")
    environ = sample_region_environ(home, database_url)
    environ["PPID_CONFIG_DIR"] = str(config_dir)
    return environ


@contextmanager
def ppid_serve(environ: dict[str, str], log: Path, *, threads: int = 8) -> Iterator[Server]:
    """`ppid serve` in a child process on a free loopback port; stopped (by its own pid) afterwards."""
    port = free_port()
    child_env = {key: value for key, value in os.environ.items() if not key.startswith("PPID_")}
    child_env.update(environ, PPID_LANGUAGE="id")
    command = [sys.executable, "-c", "from ppid.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--threads", str(threads)]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, env=child_env, stdout=log_file, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"ppid serve stopped with exit code {process.returncode}:\n{server.errors()}")
            try:
                if requests.get(server.url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"ppid serve did not answer within a minute:\n{server.errors()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def crowd_filing(index: int) -> dict[str, Any]:
    return filing(nama=f"Pemohon Serentak {index}", email=f"pemohon{index}@example.id",
                  nik=f"3201014507{index + 1:06d}", rincian_informasi=f"Data anggaran nomor {index}",
                  dinas=("dinkes", "disdukcapil", "bpkad")[index % 3])


def file_at_once(urls: list[str], count: int) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """``count`` filings sent at the same moment by as many clients, spread over ``urls`` in turn; each answer
    as (status, body, what was sent)."""
    def one(index: int) -> tuple[int, dict[str, Any], dict[str, Any]]:
        sent = crowd_filing(index)
        response = requests.post(urls[index % len(urls)] + "/api/permohonan", json=sent, timeout=120)
        body = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
        return response.status_code, body, sent

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def stored_requests(database_url: str) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    """Every stored (number, requester's e-mail), and every (reference, recipient) in the e-mail outbox."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        requests_ = [tuple(row) for row in connection.execute(text(
            "SELECT p.number, r.email FROM permohonan p JOIN permohonan_pemohon r ON r.permohonan_id = p.id"))]
        outbox = {tuple(row) for row in connection.execute(text("SELECT reference, recipient FROM mail_delivery"))}
    engine.dispose()
    return requests_, outbox


def check_crowd(answers: list[tuple[int, dict[str, Any], dict[str, Any]]], database_url: str) -> None:
    statuses = sorted(status for status, _body, _sent in answers)
    assert statuses == [201] * len(answers), f"every filing accepted, none a 5xx: {statuses}"
    given = {body["nomor"]: sent["email"] for _status, body, sent in answers}
    assert len(given) == len(answers), "every requester got a number of their own"
    stored, outbox = stored_requests(database_url)
    assert sorted(stored) == sorted(given.items()), "every accepted filing stored once, under the number it was given"
    missing = [number for number, email in given.items() if (number, email) not in outbox]
    assert missing == [], "every requester's receipt e-mail is in the outbox"


def test_64_concurrent_filings_through_ppid_serve_are_all_stored_numbered_once_and_mailed(
    tmp_path: Path, database_url: str
) -> None:
    environ = installation(tmp_path, database_url)
    with ppid_serve(environ, tmp_path / "server.log") as server:
        started = time.monotonic()
        answers = file_at_once([server.url], CROWD)
        took = time.monotonic() - started
        log = server.errors()
    check_crowd(answers, database_url)
    assert "Exception on " not in log and "QueuePool limit" not in log  # no unhandled error, no pool time-out
    assert took < 60, f"64 filings took {took:.1f} s"
    assert log.count("Task queue depth") == 1  # the crowd waiting for a thread is said once, not per request
