"""DataStore at scale: `python bench/datastore.py [--rows N] [--queries Q] [--home DIR]`.

Generates a villages table of N rows (default 10,000,000: region code as text, village and kecamatan names,
year, population, poor households, a budget written the Indonesian way ``1.234,56``, a date) as a CSV with
DuckDB, stores it and times its publication into the DataStore (``build_table``, the typed Parquet copy),
then publishes a dataset showing it and starts ``ppid serve`` as its own process. Over real HTTP it times
``datastore_search`` with a filter and a sort (p50/p95 over Q queries; target p95 ≤ 100 ms), a free-text
``q`` over every column (5 calls, no target) and ``datastore_search_sql`` with a GROUP BY over the whole
table (target ≤ 1 s), and reads the server's peak RSS (VmHWM) at the end (target ≤ 500 MB). A baseline
(``status_show``) tells the DataStore's cost from HTTP's and the machine's. ``--home`` reuses a table
already built there (only the queries are re-timed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ppid.catalogue.store import call_action  # noqa: E402
from ppid.config import load_settings  # noqa: E402
from ppid.datastore.convert import build_table  # noqa: E402
from ppid.platform import Platform  # noqa: E402

SCHEMA_NAME = "bench_desa"
SCHEMA = {
    "fields": [
        {"name": "kode_desa", "title": "Kode Desa", "type": "string"},
        {"name": "nama_desa", "title": "Nama Desa", "type": "string"},
        {"name": "kecamatan", "title": "Kecamatan", "type": "string"},
        {"name": "tahun", "title": "Tahun", "type": "year"},
        {"name": "penduduk", "title": "Jumlah Penduduk", "type": "integer"},
        {"name": "keluarga_miskin", "title": "Keluarga Miskin", "type": "integer"},
        {"name": "anggaran", "title": "Anggaran", "type": "number", "decimalChar": ",", "groupChar": "."},
        {"name": "tanggal", "title": "Tanggal Pendataan", "type": "date"},
    ],
    "missingValues": [""],
}
KECAMATAN = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows in the table (default 10000000)")
    parser.add_argument("--queries", type=int, default=50, help="datastore_search calls timed (default 50)")
    parser.add_argument("--home", type=Path, help="instance folder (default: a new temporary folder)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="ppid-bench-datastore-"))
    environ = {
        **os.environ,
        "PPID_HOME": str(home),
        "PPID_DATABASE_URL": f"sqlite:///{home / 'ppid.sqlite3'}",
        "PPID_CONFIG_DIR": str(REPO / "config"),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
        "PPID_SECRET_KEY": "bench",
        "PPID_CATALOGUE_API_TOKEN": "bench-token",
    }
    platform = Platform.open(load_settings(environ=environ))
    print(f"home: {home}   machine: {os.cpu_count()} cores")
    resource_id = publish(platform, home, args.rows)
    platform.close()
    port = free_port()
    environ["PPID_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    log = (home / "serve.log").open("wb")
    server = subprocess.Popen([str(Path(sys.executable).parent / "ppid"), "serve", "--port", str(port)], env=environ,
                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        url = wait_for(f"http://127.0.0.1:{port}", server, home / "serve.log")
        print(f"server: ppid serve, pid {server.pid}, RSS at start {rss_mb(server.pid, 'VmRSS'):.0f} MB")
        with requests.Session() as http:
            time_queries(http, url, resource_id, args.queries)
        print(f"server: peak RSS (VmHWM) {rss_mb(server.pid, 'VmHWM'):.0f} MB over all the calls above")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def publish(platform: Platform, home: Path, rows: int) -> str:
    """The table's CSV in storage, its typed copy timed, a dataset showing it; returns the resource id."""
    with platform.database.session() as session:
        found = call_action(session, "package_search", {"q": "name:bench-desa"}, user_is_sysadmin=True,
                            base_url="http://bench.invalid")["results"]  # fmt: skip
    if found:
        print("publish: reusing the table already published in --home")
        return found[0]["resources"][0]["id"]
    csv_path = home / "desa.csv"
    started = time.perf_counter()
    generate(csv_path, rows)
    elapsed = time.perf_counter() - started
    print(f"generate: {rows:,} rows, {csv_path.stat().st_size / 1e6:,.0f} MB CSV in {elapsed:,.1f} s")
    sha256 = hashlib.sha256()
    with csv_path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            sha256.update(chunk)
    key = f"berkas/{sha256.hexdigest()}/desa.csv"
    with csv_path.open("rb") as stream:
        platform.storage.put(key, stream)
    csv_path.unlink()
    started = time.perf_counter()
    with platform.database.session() as session:
        table = build_table(session, platform.storage, source_key=key, file_name="desa.csv",
                            sha256=sha256.hexdigest(), schema_name=SCHEMA_NAME, schema=SCHEMA)  # fmt: skip
        size = platform.storage.size(table.storage_key)
    print(f"publish: build_table {table.row_count:,} rows in {time.perf_counter() - started:,.1f} s "
          f"(Parquet {size / 1e6:,.0f} MB), this process's peak RSS {rss_mb(os.getpid(), 'VmHWM'):.0f} MB")
    with platform.database.session() as session:
        def action(action_name: str, **data: object) -> dict:
            return call_action(session, action_name, data, user_is_sysadmin=True, base_url="http://bench.invalid")

        action("organization_create", name="bench", title="Dinas Bench")
        package = action("package_create", name="bench-desa", owner_org="bench", title="Keluarga miskin per desa",
                         resources=[{"name": "desa.csv", "url": "http://bench.invalid/desa.csv",
                                     "hash": f"sha256:{sha256.hexdigest()}", "schema_name": SCHEMA_NAME}])
    return package["resources"][0]["id"]


def generate(path: Path, rows: int) -> None:
    """Villages × years, written by DuckDB in seconds (a Python loop would take minutes for 10M rows)."""
    with duckdb.connect() as connection:
        connection.execute("SET threads = 2")
        connection.execute(f"""
            COPY (
              SELECT printf('32%02d%03d%04d', 1 + i % 20, 1 + (i // 20) % {KECAMATAN}, (i // 800) % 10000)
                       AS "Kode Desa",
                     'Desa ' || (i // 800) % 10000 || ' ' || (i % 800) AS "Nama Desa",
                     'Kecamatan ' || lpad(CAST(1 + (i // 20) % {KECAMATAN} AS VARCHAR), 2, '0') AS "Kecamatan",
                     2015 + (i * 7) % 10 AS "Tahun",
                     100 + (i * 7919) % 20000 AS "Jumlah Penduduk",
                     (i * 104729) % 2500 AS "Keluarga Miskin",
                     replace(replace(replace(printf('%,.2f', ((i * 15485863) % 100000000) / 100.0),
                       ',', '#'), '.', ','), '#', '.') AS "Anggaran",
                     DATE '2015-01-01' + CAST(i % 3650 AS INTEGER) AS "Tanggal Pendataan"
              FROM range({rows}) AS r(i)
            ) TO '{path}' (HEADER, DELIMITER ',')
        """)  # fmt: skip


def time_queries(http: requests.Session, url: str, resource_id: str, queries: int) -> None:
    api = f"{url}/api/3/action"
    rng = random.Random(1)

    def timed(action: str, params: dict) -> tuple[float, dict]:
        started = time.perf_counter()
        response = http.get(f"{api}/{action}", params=params, timeout=600)
        elapsed = (time.perf_counter() - started) * 1000
        body = response.json()
        assert body.get("success"), body
        return elapsed, body["result"]

    baseline = sorted(timed("status_show", {})[0] for _ in range(20))
    print(f"baseline: status_show p50 {percentile(baseline, 50):.1f} ms, p95 {percentile(baseline, 95):.1f} ms")
    first, _ = timed("datastore_search", {"resource_id": resource_id, "limit": 1})
    print(f"datastore_search: first call (builds the search database) {first:,.0f} ms")

    def search() -> dict:
        kecamatan = f"Kecamatan {rng.randint(1, KECAMATAN):02d}"
        filters = rng.choice([{"kecamatan": kecamatan}, {"kecamatan": kecamatan, "tahun": rng.randint(2015, 2024)},
                              {"tahun": rng.randint(2015, 2024), "keluarga_miskin": {"gte": 2000}}])
        sort = rng.choice(["keluarga_miskin desc", "anggaran desc, nama_desa", "penduduk"])
        return {"resource_id": resource_id, "filters": json.dumps(filters), "sort": sort, "limit": 100}

    def lookup() -> dict:
        code = f"32{rng.randint(1, 20):02d}{rng.randint(1, KECAMATAN):03d}{rng.randint(0, 9999):04d}"
        return {"resource_id": resource_id, "filters": json.dumps({"kode_desa": code})}

    kinds = {
        "filter + sort, total": search,
        "filter + sort, no total": lambda: {**search(), "include_total": "false"},
        "code lookup (filter on kode_desa)": lookup,
    }
    print(f"datastore_search: {queries} calls per kind over HTTP (limit 100)")
    for label, make in kinds.items():
        timings = sorted(timed("datastore_search", make())[0] for _ in range(queries))
        print(f"  {label:<36} p50 {percentile(timings, 50):7.1f} ms   p95 {percentile(timings, 95):7.1f} ms"
              f"   max {timings[-1]:7.1f} ms   mean {statistics.fmean(timings):7.1f} ms")
    texts = sorted(timed("datastore_search", {"resource_id": resource_id, "q": f"desa {rng.randint(0, 9999)}"})[0]
                   for _ in range(5))  # fmt: skip
    print(f"  free text q over every column (5 calls)  p50 {percentile(texts, 50):7.1f} ms   max {texts[-1]:7.1f} ms")
    sql = (f'SELECT kecamatan, tahun, count(*) AS desa, sum(keluarga_miskin) AS miskin, avg(anggaran) AS anggaran '
           f'FROM "{resource_id}" GROUP BY kecamatan, tahun ORDER BY kecamatan, tahun')
    runs = []
    for _ in range(5):
        elapsed, result = timed("datastore_search_sql", {"sql": sql})
        runs.append(elapsed)
    print(f"datastore_search_sql GROUP BY (kecamatan, tahun) over every row, {len(result['records'])} groups: "
          f"{', '.join(f'{run:,.0f}' for run in runs)} ms (median {statistics.median(runs):,.0f} ms)")


def rss_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, log: Path) -> str:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"ppid serve stopped:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            requests.get(f"{url}/api/3/action/status_show", timeout=2)
            return url
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("ppid serve did not answer within 60 s")


def percentile(sorted_values: list[float], share: int) -> float:
    index = min(len(sorted_values) - 1, round(share / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


if __name__ == "__main__":
    main()
