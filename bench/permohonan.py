"""Concurrent filings on PostgreSQL through the production server: `python bench/permohonan.py [--filings N]`.

Starts `ppid serve` (waitress) on a random local port against a fresh PostgreSQL database, with the
filing and tracking rate limits raised through the configuration (a copy of config/ whose
defaults.yaml sets permohonan.rate_limits), then:

1. files N requests through the JSON API from C concurrent clients (a thread pool, one HTTP session
   per thread);
2. opens the tracking page of every filed request from C concurrent clients;
3. checks in the database that every accepted filing is stored (zero lost) and that no registration
   number repeats (zero duplicates), and that each number belongs to the requester it was given to.

Prints p50/p95/max latency and throughput of both phases, and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/ppid_bench_requests"
BENCH_RATE_LIMIT = "1000000 per minute"
START_TIMEOUT = 60.0


@dataclass
class Result:
    seconds: float
    status: int
    body: dict | None = None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--filings", type=int, default=500, help="requests to file (default 500)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8, as ppid serve)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE,
                        help="PostgreSQL database to DROP and recreate (default %(default)s)")
    args = parser.parse_args()

    database_url = args.database_url
    recreate_database(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="ppid-bench-requests-"))
    port = free_port()
    server = start_server(workdir, database_url, port, args.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        print(f"ppid serve (waitress, {args.threads} threads) on {base}, database {make_url(database_url).database}; "
              f"{args.filings} filings from {args.clients} concurrent clients")
        filings, filing_wall = run_concurrently(args.filings, args.clients, lambda i, s: file_one(base, i, s))
        accepted = [result for result in filings if result.status == 201]
        report("filing (POST /api/permohonan)", filings, filing_wall)
        tokens = [result.body["token"] for result in accepted]
        tracking, tracking_wall = run_concurrently(len(tokens), args.clients,
                                                   lambda i, s: track_one(base, tokens[i], s))
        report("tracking page (GET /permohonan/lacak/<token>)", tracking, tracking_wall)
        problems = check_database(database_url, accepted, args.filings)
        problems += [f"tracking answered {result.status}" for result in tracking if result.status != 200][:5]
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print("FAIL:", problem)
    print("OK: zero lost, zero duplicate registration numbers" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def recreate_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(workdir: Path, database_url: str, port: int, threads: int) -> subprocess.Popen:
    """`ppid serve` in a child process, configured like an installation whose rate limits were raised."""
    config_dir = workdir / "config"
    shutil.copytree(REPO / "config", config_dir)
    defaults_path = config_dir / "defaults.yaml"
    defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8")) or {}
    defaults.setdefault("permohonan", {})["rate_limits"] = {"filing": BENCH_RATE_LIMIT, "tracking": BENCH_RATE_LIMIT}
    defaults_path.write_text(yaml.safe_dump(defaults, allow_unicode=True), encoding="utf-8")
    environ = {**os.environ, "PPID_HOME": str(workdir / "instance"), "PPID_DATABASE_URL": database_url,
               "PPID_CONFIG_DIR": str(config_dir), "PPID_SECRET_KEY": "bench", "PPID_LANGUAGE": "id"}
    environ.pop("PPID_REDIS_URL", None)
    command = [sys.executable, "-c", "from ppid.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--threads", str(threads)]
    return subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=(workdir / "server.log").open("w"))


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ppid serve stopped with exit code {server.returncode}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise SystemExit("ppid serve did not answer /healthz within a minute")


def run_concurrently(
    count: int, clients: int, task: Callable[[int, requests.Session], Result]
) -> tuple[list[Result], float]:
    """Run ``task`` ``count`` times on ``clients`` threads, each with its own HTTP session; wall time too."""
    local = threading.local()

    def one(index: int) -> Result:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return task(index, local.session)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, range(count)))
    return results, time.perf_counter() - started


def file_one(base: str, index: int, session: requests.Session) -> Result:
    body = {
        "nama": f"Pemohon Uji {index}", "jenis_pemohon": "perorangan", "nik": f"320101450790{index % 9999 + 1:04d}",
        "alamat": "Jl. Uji Beban No. 1", "pekerjaan": "Wartawan", "email": f"pemohon{index}@example.id",
        "rincian_informasi": f"Data uji beban nomor {index}", "tujuan_penggunaan": "Uji beban",
        "cara_memperoleh": "salinan", "format_salinan": "softcopy", "cara_mendapatkan_salinan": "email",
        "dinas": ("dinkes", "disdukcapil", "bpkad")[index % 3], "pernyataan": True,
    }
    started = time.perf_counter()
    response = session.post(base + "/api/permohonan", json=body, timeout=120)
    elapsed = time.perf_counter() - started
    payload = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else None
    if payload is not None:
        payload["email"] = body["email"]
    return Result(elapsed, response.status_code, payload)


def track_one(base: str, token: str, session: requests.Session) -> Result:
    started = time.perf_counter()
    response = session.get(f"{base}/permohonan/lacak/{token}", timeout=120)
    return Result(time.perf_counter() - started, response.status_code)


def check_database(url: str, accepted: list[Result], attempted: int) -> list[str]:
    problems = []
    if len(accepted) != attempted:
        problems.append(f"{attempted - len(accepted)} of {attempted} filings were not accepted")
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT p.number, r.email FROM permohonan p JOIN permohonan_pemohon r ON r.permohonan_id = p.id"
        )).all()
    engine.dispose()
    numbers = [number for number, _email in stored]
    duplicates = len(numbers) - len(set(numbers))
    given = {result.body["nomor"]: result.body["email"] for result in accepted}
    lost = set(given) - set(numbers)
    mismatched = [number for number, email in stored if number in given and given[number] != email]
    print(f"database: {len(stored)} requests stored, {len(set(numbers))} distinct numbers, "
          f"{len(lost)} accepted but missing, {len(mismatched)} numbers given to another requester")
    if duplicates:
        problems.append(f"{duplicates} duplicate registration numbers")
    if lost:
        problems.append(f"{len(lost)} accepted filings are not in the database")
    if len(stored) != len(given):
        problems.append(f"{len(stored)} stored but {len(given)} accepted")
    if mismatched:
        problems.append(f"{len(mismatched)} numbers belong to another requester")
    return problems


def report(name: str, results: list[Result], wall: float) -> None:
    times = sorted(result.seconds * 1000 for result in results)
    if not times:
        print(f"{name}: nothing measured")
        return
    quantiles = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    failures = sum(1 for result in results if result.status >= 400)
    print(f"{name}: {len(results)} in {wall:.1f} s = {len(results) / wall:.1f}/s; "
          f"p50 {quantiles[49]:.0f} ms, p95 {quantiles[94]:.0f} ms, max {times[-1]:.0f} ms; {failures} errors")


if __name__ == "__main__":
    sys.exit(main())
