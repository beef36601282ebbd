"""Concurrent filings on PostgreSQL through the production server: `python bench/permohonan.py`.

Starts `ppid serve` (waitress, its database pool sized from its threads) on a random local port against a
fresh PostgreSQL database, with the filing and tracking rate limits raised through the configuration (a copy
of config/ whose defaults.yaml sets permohonan.rate_limits); with ``--redis-url`` also one `ppid worker`,
which sends the e-mails the filings wrote to the outbox (without it each server's courier thread sends them,
after the commit, outside the request). Then, for each level of concurrent clients (``--levels``, default 8, 32, 128):

1. files ``--filings`` requests through the JSON API from that many concurrent clients (a thread pool, one
   kept-alive ``http.client`` connection per thread and server), each with its own ``Idempotency-Key``; no new
   filing starts after ``--max-seconds``;
2. opens the tracking page of every request filed at that level from as many concurrent clients;
3. checks in the database that every accepted filing is stored under the number it was given and its e-mail
   is in the outbox (zero lost), that no registration number repeats (zero duplicates), and counts 5xx.

Prints p50/p95/max latency and throughput of both phases per level, the CPU per request of the servers, and
per filing of this process (the clients) and of PostgreSQL, then a summary table; exits 1 when a
filing was lost, a number repeated, an answer was a 5xx or a filing was not accepted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import redis
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/ppid_bench_requests"
BENCH_RATE_LIMIT = "1000000 per minute"
START_TIMEOUT = 60.0
CLIENT_TIMEOUT = 60.0
"""A client gives up after this long (status 0 in the figures: counted as a failure)."""
TARGETS = {32: (300.0, 150.0)}
"""Filing and tracking p95 targets (ms) per level (issue 17)."""


@dataclass
class Result:
    seconds: float
    status: int
    body: dict | None = None


@dataclass
class Level:
    clients: int
    filings: list[Result] = field(default_factory=list)
    tracking: list[Result] = field(default_factory=list)
    filing_wall: float = 0.0
    tracking_wall: float = 0.0
    filing_cpu: float = 0.0
    machine_busy: float = 0.0
    """Share of all the machine's cores busy during the filing phase (server, PostgreSQL, clients, the rest)."""
    """CPU seconds the server process spent in the filing phase (steadier than wall time on a shared machine)."""
    tracking_cpu: float = 0.0
    client_cpu: float = 0.0
    """CPU seconds this bench process (the clients) spent in the filing phase."""
    database_cpu: float = 0.0
    """CPU seconds PostgreSQL's processes spent in the filing phase (0 when they cannot be read)."""
    problems: list[str] = field(default_factory=list)
    lost: int = 0
    duplicates: int = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--levels", default="8,32,128", help="concurrent clients per level (default 8,32,128)")
    parser.add_argument("--filings", type=int, default=300, help="requests to file per level (default 300)")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="no new filing or tracking starts after this many seconds of a phase (default 120)")
    parser.add_argument("--warmup", type=int, default=32,
                        help="filings and tracking pages sent first from as many clients, not counted: a fresh "
                             "process compiles its templates and fills its pools once (default 32)")
    parser.add_argument("--processes", type=int, default=1,
                        help="ppid serve processes sharing the database (default 1); clients take them in turn")
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads (default 8, as ppid serve)")
    parser.add_argument("--redis-url", default=None,
                        help="Redis database to EMPTY and use for the job queue and the rate limits; a `ppid worker` "
                             "sends the e-mails")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE,
                        help="PostgreSQL database to DROP and recreate (default %(default)s)")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    database_url = args.database_url
    recreate_database(database_url)
    if args.redis_url:
        redis.Redis.from_url(args.redis_url).flushdb()  # jobs and counts of an earlier run
    workdir = Path(tempfile.mkdtemp(prefix="ppid-bench-requests-"))
    environ = installation(workdir, database_url, args.redis_url)
    servers = []
    for number in range(args.processes):
        port = free_port()
        servers.append((f"http://127.0.0.1:{port}", start_server(environ, workdir, port, args.threads, number)))
    worker = start_worker(environ, workdir) if args.redis_url else None
    bases = [base for base, _process in servers]
    processes = [process for _base, process in servers]
    results: list[Level] = []
    try:
        for base, process in servers:
            wait_until_up(base, process)
        print(f"{args.processes} × ppid serve (waitress, {args.threads} threads, database pool {args.threads + 2}) "
              f"on {', '.join(bases)} (each client sends to one of them in turn, as a proxy would), database "
              f"{make_url(database_url).database}; e-mail "
              f"{'by one ppid worker (RQ on ' + args.redis_url + ')' if worker else 'sent by each server’s courier'}; "
              f"{args.filings} filings per level, at most {args.max_seconds:.0f} s per phase")
        if args.warmup:
            warm, _wall = run_concurrently(args.warmup, min(args.warmup, 32),
                                           lambda i, s: file_one(bases[i % len(bases)], 900_000_000 + i, s),
                                           args.max_seconds)
            warm_tokens = [result.body["token"] for result in warm if result.status == 201]
            run_concurrently(len(warm_tokens), min(args.warmup, 32),
                             lambda i, s, t=warm_tokens: track_one(bases[i % len(bases)], t[i], s), args.max_seconds)
            print(f"warm-up: {args.warmup} filings and their tracking pages (not counted)")
        for clients in levels:
            level = Level(clients)
            cpu, machine = cpu_seconds(processes), machine_ticks()
            client, database = client_cpu_seconds(), database_cpu_seconds()
            level.filings, level.filing_wall = run_concurrently(
                args.filings, clients, lambda i, s, c=clients: file_one(bases[i % len(bases)], c * 100_000 + i, s),
                args.max_seconds)
            level.filing_cpu, cpu = cpu_seconds(processes) - cpu, cpu_seconds(processes)
            level.machine_busy = busy_share(machine, machine_ticks())
            level.client_cpu = client_cpu_seconds() - client
            level.database_cpu = database_cpu_seconds() - database
            accepted = [result for result in level.filings if result.status == 201]
            tokens = [result.body["token"] for result in accepted]
            level.tracking, level.tracking_wall = run_concurrently(
                len(tokens), clients, lambda i, s, t=tokens: track_one(bases[i % len(bases)], t[i], s),
                args.max_seconds)
            level.tracking_cpu = cpu_seconds(processes) - cpu
            print(f"\n{clients} concurrent clients")
            report("  filing (POST /api/permohonan)", level.filings, level.filing_wall, level.filing_cpu)
            print(f"  machine: {level.machine_busy:.0%} of {os.cpu_count()} cores busy while filing; CPU per filing: "
                  f"clients {level.client_cpu / max(len(level.filings), 1) * 1000:.1f} ms, PostgreSQL "
                  f"{level.database_cpu / max(len(level.filings), 1) * 1000:.1f} ms")
            report("  tracking page (GET /permohonan/lacak/<token>)", level.tracking, level.tracking_wall,
                   level.tracking_cpu)
            check_database(database_url, level)
            results.append(level)
    finally:
        if worker is not None:  # the worker and its work horse: their own process group
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        logs = "".join(path.read_text(encoding="utf-8", errors="replace") for path in workdir.glob("server-*.log"))
        log_counts = {marker: logs.count(marker) for marker in ("QueuePool limit", "Traceback", "503 for")}
        if os.environ.get("BENCH_KEEP"):
            print(f"server and worker logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    summary(results)
    print(f"server log: {log_counts['QueuePool limit']} pool time-outs, {log_counts['Traceback']} tracebacks, "
          f"{log_counts['503 for']} answers 503")
    problems = [f"{level.clients} clients: {problem}" for level in results for problem in level.problems]
    for problem in problems:
        print("FAIL:", problem)
    print("OK: zero lost, zero duplicate registration numbers, zero 5xx at every level" if not problems
          else f"{len(problems)} problem(s)")
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


def installation(workdir: Path, database_url: str, redis_url: str | None) -> dict[str, str]:
    """The environment of an installation whose rate limits were raised (counted in Redis when given)."""
    config_dir = workdir / "config"
    shutil.copytree(REPO / "config", config_dir)
    defaults_path = config_dir / "defaults.yaml"
    defaults = yaml.safe_load(defaults_path.read_text(encoding="utf-8")) or {}
    section = defaults.setdefault("permohonan", {})
    section["rate_limits"] = {"filing": BENCH_RATE_LIMIT, "tracking": BENCH_RATE_LIMIT}
    if redis_url:
        section["rate_limit_storage_uri"] = redis_url
    defaults_path.write_text(yaml.safe_dump(defaults, allow_unicode=True), encoding="utf-8")
    environ = {**os.environ, "PPID_HOME": str(workdir / "instance"), "PPID_DATABASE_URL": database_url,
               "PPID_CONFIG_DIR": str(config_dir), "PPID_SECRET_KEY": "bench", "PPID_LANGUAGE": "id"}
    environ.pop("PPID_REDIS_URL", None)
    if redis_url:
        environ["PPID_REDIS_URL"] = redis_url
    return environ


def start_server(environ: dict[str, str], workdir: Path, port: int, threads: int, number: int) -> subprocess.Popen:
    """`ppid serve` in a child process."""
    prelude = os.environ.get("BENCH_SERVER_PRELUDE", "")  # e.g. "import sys; sys.setswitchinterval(0.001); "
    command = [sys.executable, "-c", prelude + "from ppid.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--threads", str(threads)]
    log = (workdir / f"server-{number}.log").open("w")
    return subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=log)


def start_worker(environ: dict[str, str], workdir: Path) -> subprocess.Popen:
    """One `ppid worker`: sends the e-mails of the outbox as production does."""
    command = [sys.executable, "-c", "from ppid.cli import main; main()", "worker"]
    return subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL, stderr=(workdir / "worker.log").open("w"),
                            start_new_session=True)


def cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User + system CPU time of the server processes so far (Linux /proc)."""
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def client_cpu_seconds() -> float:
    """User + system CPU time of this bench process, all its client threads (what the clients cost the machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def database_cpu_seconds() -> float:
    """User + system CPU time of the PostgreSQL processes on this machine so far (0 when none can be read)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text_ = stat.read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        name, fields = text_.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            values = fields.split()
            total += int(values[11]) + int(values[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (Linux /proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(after[1] - before[1], 1)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ppid serve stopped with exit code {server.returncode}")
        try:
            if Client().send("GET", base + "/healthz")[0] == 200:
                return
        except OSError:  # not listening yet
            pass
        time.sleep(0.3)
    raise SystemExit("ppid serve did not answer /healthz within a minute")


class Client:
    """One client's kept-alive connections (one per server), as a browser keeps its connection to a site.

    ``http.client`` rather than ``requests``: the clients share the server's two cores, and ``requests`` cost
    1.4–1.8 ms of CPU per filing in 32 threads, which a crowd's browsers on their own machines do not take from
    the server (bench/README.md, session 8)."""

    def __init__(self) -> None:
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def send(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
             ) -> tuple[int, str, bytes]:
        """(status, content type, body); a connection the server closed is opened again once."""
        parts = urlsplit(url)
        for attempt in (1, 2):
            connection = self.connections.get(parts.netloc)
            if connection is None:
                connection = self.connections[parts.netloc] = http.client.HTTPConnection(parts.netloc,
                                                                                          timeout=CLIENT_TIMEOUT)
            try:
                connection.request(method, parts.path, body=body, headers=headers or {})
                response = connection.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                del self.connections[parts.netloc]
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                connection.close()
                del self.connections[parts.netloc]
            return response.status, response.getheader("Content-Type", ""), payload
        raise AssertionError("unreachable")


def run_concurrently(
    count: int, clients: int, task: Callable[[int, Client], Result], max_seconds: float
) -> tuple[list[Result], float]:
    """Run ``task`` up to ``count`` times on ``clients`` threads, each its own :class:`Client`; none starts after
    ``max_seconds``. Returns the results and the wall time."""
    local = threading.local()
    started = time.perf_counter()

    def one(index: int) -> Result | None:
        if time.perf_counter() - started > max_seconds:
            return None
        if not hasattr(local, "client"):
            local.client = Client()
        return task(index, local.client)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = [result for result in pool.map(one, range(count)) if result is not None]
    return results, time.perf_counter() - started


def file_one(base: str, index: int, client: Client) -> Result:
    body = {
        "nama": f"Pemohon Uji {index}", "jenis_pemohon": "perorangan", "nik": f"320101450790{index % 9999 + 1:04d}",
        "alamat": "Jl. Uji Beban No. 1", "pekerjaan": "Wartawan", "email": f"pemohon{index}@example.id",
        "rincian_informasi": f"Data uji beban nomor {index}", "tujuan_penggunaan": "Uji beban",
        "cara_memperoleh": "salinan", "format_salinan": "softcopy", "cara_mendapatkan_salinan": "email",
        "dinas": ("dinkes", "disdukcapil", "bpkad")[index % 3], "pernyataan": True,
    }
    encoded = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    started = time.perf_counter()
    try:
        status, content_type, answer = client.send("POST", base + "/api/permohonan", encoded, headers)
    except (OSError, http.client.HTTPException) as error:  # a time-out or a refused connection: counted, not fatal
        print(f"  filing {index}: {type(error).__name__} after {time.perf_counter() - started:.1f} s")
        return Result(time.perf_counter() - started, 0)
    elapsed = time.perf_counter() - started
    payload = json.loads(answer) if content_type.startswith("application/json") else None
    if payload is not None:
        payload["email"] = body["email"]
    return Result(elapsed, status, payload)


def track_one(base: str, token: str, client: Client) -> Result:
    started = time.perf_counter()
    try:
        status, _content_type, _page = client.send("GET", f"{base}/permohonan/lacak/{token}")
    except (OSError, http.client.HTTPException) as error:
        print(f"  tracking: {type(error).__name__} after {time.perf_counter() - started:.1f} s")
        return Result(time.perf_counter() - started, 0)
    return Result(time.perf_counter() - started, status)


def check_database(url: str, level: Level) -> None:
    """Every accepted filing of ``level`` stored under its number with its receipt e-mail in the outbox; no
    number repeated in the whole database; no 5xx."""
    accepted = [result for result in level.filings if result.status == 201]
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text(
            "SELECT p.number, r.email FROM permohonan p JOIN permohonan_pemohon r ON r.permohonan_id = p.id"
        )).all()
        outbox = {tuple(row) for row in connection.execute(text("SELECT reference, recipient FROM mail_delivery"))}
        mail = dict(connection.execute(text("SELECT status, count(*) FROM mail_delivery GROUP BY status")).all())
    engine.dispose()
    numbers = [number for number, _email in stored]
    level.duplicates = len(numbers) - len(set(numbers))
    given = {result.body["nomor"]: result.body["email"] for result in accepted}
    stored_emails = dict(stored)
    lost = [number for number in given if number not in stored_emails]
    level.lost = len(lost)
    mismatched = [number for number, email in given.items() if number in stored_emails
                  and stored_emails[number] != email]
    unmailed = [number for number, email in given.items() if (number, email) not in outbox]
    server_errors = sum(1 for result in level.filings + level.tracking if result.status >= 500)
    print(f"  database: {len(given)} accepted, {len(given) - len(lost)} of them stored, {len(set(numbers))} distinct "
          f"numbers of {len(numbers)} requests in all, {len(unmailed)} without their e-mail in the outbox; "
          f"outbox {mail}")
    if len(accepted) != len(level.filings):
        statuses = sorted({result.status for result in level.filings if result.status != 201})
        level.problems.append(f"{len(level.filings) - len(accepted)} of {len(level.filings)} filings were not "
                              f"accepted (HTTP {statuses})")
    if server_errors:
        level.problems.append(f"{server_errors} answers were 5xx")
    if level.duplicates:
        level.problems.append(f"{level.duplicates} duplicate registration numbers")
    if lost:
        level.problems.append(f"{len(lost)} accepted filings are not in the database")
    if mismatched:
        level.problems.append(f"{len(mismatched)} numbers belong to another requester")
    if unmailed:
        level.problems.append(f"{len(unmailed)} accepted filings have no e-mail in the outbox")


def quantiles(results: list[Result]) -> tuple[float, float, float]:
    times = sorted(result.seconds * 1000 for result in results)
    if not times:
        return (float("nan"),) * 3
    cut = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    return cut[49], cut[94], times[-1]


def summary(levels: list[Level]) -> None:
    print("\n| clients | filings | filing p50 / p95 ms | filing/s | server CPU per filing ms | tracking p50 / p95 ms "
          "| tracking/s | server CPU per tracking ms | machine busy while filing "
          "| client / PostgreSQL CPU per filing ms | lost | duplicates | 5xx |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for level in levels:
        filing, tracking = quantiles(level.filings), quantiles(level.tracking)
        errors = sum(1 for result in level.filings + level.tracking if result.status >= 500)
        target = TARGETS.get(level.clients)
        note = ""
        if target:
            met = filing[1] <= target[0] and tracking[1] <= target[1]
            note = f" (targets {target[0]:.0f} / {target[1]:.0f} ms: {'met' if met else 'NOT met'})"
        print(f"| {level.clients} | {len(level.filings)} | {filing[0]:.0f} / {filing[1]:.0f} | "
              f"{len(level.filings) / level.filing_wall:.1f} | "
              f"{level.filing_cpu / max(len(level.filings), 1) * 1000:.1f} | "
              f"{tracking[0]:.0f} / {tracking[1]:.0f} | {len(level.tracking) / max(level.tracking_wall, 1e-9):.1f} | "
              f"{level.tracking_cpu / max(len(level.tracking), 1) * 1000:.1f} | {level.machine_busy:.0%} | "
              f"{level.client_cpu / max(len(level.filings), 1) * 1000:.1f} / "
              f"{level.database_cpu / max(len(level.filings), 1) * 1000:.1f} | "
              f"{level.lost} | {level.duplicates} | "
              f"{errors} |{note}")


def report(name: str, results: list[Result], wall: float, cpu: float) -> None:
    times = sorted(result.seconds * 1000 for result in results)
    if not times:
        print(f"{name}: nothing measured")
        return
    quantiles = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    failures = sum(1 for result in results if result.status >= 400 or result.status == 0)
    print(f"{name}: {len(results)} in {wall:.1f} s = {len(results) / wall:.1f}/s; "
          f"p50 {quantiles[49]:.0f} ms, p95 {quantiles[94]:.0f} ms, max {times[-1]:.0f} ms; {failures} errors; "
          f"server CPU {cpu / len(results) * 1000:.1f} ms per request")


if __name__ == "__main__":
    sys.exit(main())
