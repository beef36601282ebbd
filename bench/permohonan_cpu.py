"""Server CPU per filing and per tracking page, in-process and sequential: `python bench/permohonan_cpu.py`.

The steadier half of issue 17's measurement (bench/permohonan.py is the other): on a shared machine wall time
moves with the neighbours, CPU time much less. One process builds the app as `ppid serve` does (its courier
sending the e-mails after each commit) on a fresh PostgreSQL database, then through Flask's test client files
``--filings`` requests through the JSON API and opens their tracking pages, one after the other, and prints the
process's CPU time (``time.process_time``: every thread, the courier's included) per filing and per page.
``--profile FILE`` writes a cProfile (CPU clock) of both phases; ``--trivial`` also measures a route that does
nothing (``/healthz`` without its checks' work: Flask's and the app's own per-request cost).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))

from permohonan import BENCH_RATE_LIMIT, DEFAULT_DATABASE, installation, recreate_database

if TYPE_CHECKING:
    from flask.testing import FlaskClient

BODY = {
    "nama": "Pemohon Uji", "jenis_pemohon": "perorangan", "alamat": "Jl. Uji Beban No. 1", "pekerjaan": "Wartawan",
    "rincian_informasi": "Data uji beban", "tujuan_penggunaan": "Uji beban", "cara_memperoleh": "salinan",
    "format_salinan": "softcopy", "cara_mendapatkan_salinan": "email", "pernyataan": True,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--filings", type=int, default=400, help="requests filed, then tracked (default 400)")
    parser.add_argument("--warmup", type=int, default=30, help="filings and pages first, not counted (default 30)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE.replace("requests", "cpu"),
                        help="PostgreSQL database to DROP and recreate (default %(default)s)")
    parser.add_argument("--profile", default=None, help="write a cProfile (CPU clock) of the measured phases here")
    parser.add_argument("--trivial", action="store_true", help="also measure a route that does nothing")
    args = parser.parse_args()

    recreate_database(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="ppid-bench-cpu-"))
    os.environ.update(installation(workdir, args.database_url, None))
    from ppid.app import create_app
    from ppid.config import load_settings
    from ppid.mail import start_courier, stop_courier
    from ppid.platform import Platform

    platform = Platform.open(load_settings().served_at("127.0.0.1", 8080, 8))
    app = create_app(platform=platform)
    start_courier(platform)
    client = app.test_client()
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    try:
        tokens = [file_one(client, index) for index in range(args.warmup)]
        for token in tokens:
            track_one(client, token)
        if profiler:
            profiler.enable()
        started = time.process_time()
        tokens = [file_one(client, 1_000 + index) for index in range(args.filings)]
        filing = time.process_time() - started
        started = time.process_time()
        for token in tokens:
            track_one(client, token)
        tracking = time.process_time() - started
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        print(f"{args.filings} filings: {filing / args.filings * 1000:.2f} ms CPU each "
              f"(rate limit {BENCH_RATE_LIMIT}, the courier sending)")
        print(f"{args.filings} tracking pages: {tracking / args.filings * 1000:.2f} ms CPU each")
        if args.trivial:
            started = time.process_time()
            for _ in range(args.filings):
                client.get("/static/does-not-exist")
            print(f"{args.filings} requests of a missing static file (404): "
                  f"{(time.process_time() - started) / args.filings * 1000:.2f} ms CPU each")
    finally:
        stop_courier(platform)
        platform.close()
    return 0


def file_one(client: FlaskClient, index: int) -> str:
    body = {**BODY, "nik": f"320101450790{index % 9999 + 1:04d}", "email": f"pemohon{index}@example.id",
            "dinas": ("dinkes", "disdukcapil", "bpkad")[index % 3]}
    response = client.post("/api/permohonan", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    if response.status_code != 201:
        raise SystemExit(f"filing answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    return response.get_json()["token"]


def track_one(client: FlaskClient, token: str) -> None:
    response = client.get(f"/permohonan/lacak/{token}")
    if response.status_code != 200:
        raise SystemExit(f"tracking page answered {response.status_code}")


if __name__ == "__main__":
    sys.exit(main())
