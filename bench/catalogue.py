"""Embedded catalogue at scale: `python bench/catalogue.py [--datasets N] [--database-url URL]`.

Loads N generated datasets (default 100,000; 40 dinas, a vocabulary of Indonesian topics, CSV/XLSX/PDF/
JSON resources, years 2015-2025) through the store layer in-process (``package_create`` in batches,
the same code the API runs, without 100,000 HTTP round trips), then serves the app with waitress and
times ``package_search`` over real HTTP: free-text queries, faceted queries (``fq`` on organization,
tags and res_format with ``facet.field``), and Lucene syntax (OR, NOT, parentheses, ranges with date
math, wildcards). Finally it publishes 1,000 new datasets through the
:class:`~ppid.publishing.publisher.Publisher` and re-publishes them unchanged, counting the API calls
(the unchanged run must make no write call). Prints p50/p95/max per kind of query, a baseline (an
action doing no database work) to tell the search's cost from the machine's, and the time and peak
memory of streaming ``/data.json`` for the whole catalogue.

A catalogue that already holds at least N datasets is reused, so search can be re-timed without
reloading: pass the same ``--home`` and ``--database-url`` again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import func, select, text
from waitress import create_server

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ppid.catalogue.models import Package  # noqa: E402
from ppid.catalogue.store import call_action  # noqa: E402
from ppid.config import load_settings  # noqa: E402
from ppid.pipeline.models import FileState, TrackedFile  # noqa: E402
from ppid.pipeline.publication import publish_dataset  # noqa: E402
from ppid.platform import Platform  # noqa: E402
from ppid.publishing.publisher import open_publisher  # noqa: E402

TOPICS = ["penduduk", "kesehatan", "pendidikan", "anggaran", "jalan", "pertanian", "perikanan", "pariwisata",
          "bencana", "sekolah", "puskesmas", "imunisasi", "stunting", "kemiskinan", "pajak", "retribusi",
          "air", "sampah", "listrik", "transportasi", "pasar", "umkm", "koperasi", "investasi", "perizinan",
          "kebudayaan", "olahraga", "pemuda", "lingkungan", "hutan", "irigasi", "padi", "jagung", "ternak",
          "nelayan", "gizi", "bidan", "rumah sakit", "desa", "kecamatan"]  # fmt: skip
SHAPES = ["Jumlah {a} menurut kecamatan", "Data {a} dan {b} per desa", "Realisasi {a} tahun {y}",
          "Rekapitulasi {a} {b}", "Indikator {a} kabupaten", "Daftar {a} aktif"]  # fmt: skip
FORMATS = ["CSV", "XLSX", "PDF", "JSON"]
ORGANIZATIONS = 40
PUBLISH_DINAS = "dinkes"  # a dinas of the bundled registry: the publisher needs its PPID contact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=100_000, help="datasets in the catalogue (default 100000)")
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/ppid_bench "
                        "(default: a SQLite file in --home)")  # fmt: skip
    parser.add_argument("--home", type=Path, help="instance folder (default: a new temporary folder)")
    parser.add_argument("--queries", type=int, default=200, help="queries timed per kind (default 200)")
    parser.add_argument("--publish", type=int, default=1000, help="datasets published through the Publisher")
    parser.add_argument("--no-export", action="store_true", help="skip streaming /data.json of the whole catalogue")
    parser.add_argument("--batch", type=int, default=1000, help="datasets per committed batch while loading")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="ppid-bench-catalogue-"))
    environ = {
        "PPID_HOME": str(home),
        "PPID_DATABASE_URL": args.database_url or f"sqlite:///{home / 'ppid.sqlite3'}",
        "PPID_CONFIG_DIR": str(REPO / "config"),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
        "PPID_SECRET_KEY": "bench",
        "PPID_CATALOGUE_API_TOKEN": "bench-token",
    }
    platform = Platform.open(load_settings(environ=environ))
    print(f"database: {platform.database.engine.url.render_as_string()}  home: {home}")
    load(platform, args.datasets, args.batch)
    with served(platform) as url:
        time_searches(url, args.queries)
        if not args.no_export:
            time_export(url)
    publish(platform, args.publish)
    platform.close()


def load(platform: Platform, wanted: int, batch: int) -> None:
    with platform.database.session() as session:
        present = session.scalar(select(func.count()).select_from(Package))
    if present >= wanted:
        print(f"load: reusing the {present:,} datasets already in the catalogue")
        analyse(platform)
        return
    rng = random.Random(present)
    started = time.perf_counter()
    with platform.database.session() as session:
        for number in range(ORGANIZATIONS):
            if present == 0:
                action(session, "organization_create", name=f"dinas-{number:02d}", title=f"Dinas Contoh {number:02d}")
    for first in range(present, wanted, batch):
        last = min(first + batch, wanted)
        with platform.database.session() as session:  # one transaction per batch
            for number in range(first, last):
                action(session, "package_create", **generated_dataset(rng, number))
        rate = (last - present) / (time.perf_counter() - started)
        print(f"\rload: {last:,}/{wanted:,} datasets ({rate:,.0f}/s)", end="", flush=True)
    print(f"\nload: {wanted - present:,} datasets in {time.perf_counter() - started:,.0f} s")
    analyse(platform)


def analyse(platform: Platform) -> None:
    """Planner statistics after a bulk load, as autovacuum would gather them later (SQLite plans without)."""
    if platform.database.engine.dialect.name == "postgresql":
        with platform.database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def action(session, action_name: str, **data):
    return call_action(session, action_name, data, user_is_sysadmin=True, base_url="http://bench.invalid")


def generated_dataset(rng: random.Random, number: int) -> dict:
    a, b = rng.sample(TOPICS, 2)
    year = rng.randint(2015, 2025)
    formats = rng.sample(FORMATS, rng.randint(1, 2))
    return {
        "name": f"dataset-{number:07d}",
        "title": rng.choice(SHAPES).format(a=a, b=b, y=year).capitalize(),
        "notes": f"Data {a} dan {b} yang dihimpun oleh dinas untuk tahun {year}, diperbarui berkala.",
        "owner_org": f"dinas-{rng.randrange(ORGANIZATIONS):02d}",
        "license_id": "cc-by",
        "tags": [{"name": tag} for tag in {a, b, str(year)}],
        "extras": [{"key": "tahun", "value": str(year)}, {"key": "frekuensi_penerbitan", "value": "tahunan"}],
        "resources": [
            {"name": f"berkas-{number}.{fmt.lower()}", "url": f"http://bench.invalid/{number}.{fmt.lower()}",
             "format": fmt}
            for fmt in formats
        ],
    }  # fmt: skip


@contextmanager
def served(platform: Platform) -> Iterator[str]:
    from ppid.app import create_app

    server = create_server(create_app(platform=platform), host="127.0.0.1", port=0, threads=4,
                           asyncore_use_poll=True, asyncore_loop_timeout=0.05)  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def time_searches(url: str, queries: int) -> None:
    rng = random.Random(1)
    with requests.Session() as http:  # closed before the server, so no kept-alive connection outlives it
        _time_searches(http, url, queries, rng)


def _time_searches(http: requests.Session, url: str, queries: int, rng: random.Random) -> None:
    endpoint = f"{url}/api/3/action/package_search"
    facets = json.dumps(["organization", "tags", "res_format"])

    def search(params: dict) -> tuple[float, float] | None:
        """Wall time and this process's CPU time (the server's search plus the client), in ms; None for a 409."""
        started, cpu = time.perf_counter(), time.process_time()
        response = http.get(endpoint, params=params, timeout=120)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if response.status_code == 409:  # a query form this catalogue does not answer
            return None
        response.raise_for_status()
        assert response.json()["success"]
        return elapsed * 1000, cpu * 1000

    print(f"search: first query (loads the in-memory index) {search({'q': 'penduduk'})[0]:,.0f} ms")
    baseline = sorted(_timed(http, f"{url}/api/3/action/status_show", {}) for _ in range(max(queries // 4, 10)))
    print(f"baseline: status_show (no database work) p50 {percentile(baseline, 50):.1f} ms, "
          f"p95 {percentile(baseline, 95):.1f} ms: what HTTP and a busy machine cost by themselves")

    def free_text() -> dict:
        words = rng.sample(TOPICS, rng.choice([1, 1, 2]))
        return {"q": " ".join(words), "rows": 20}

    def faceted() -> dict:
        clauses = [f"organization:dinas-{rng.randrange(ORGANIZATIONS):02d}", f'tags:"{rng.choice(TOPICS)}"',
                   f"res_format:{rng.choice(FORMATS)}"]  # fmt: skip
        fq = " ".join(rng.sample(clauses, rng.randint(1, 3)))
        return {"q": rng.choice(["", "", rng.choice(TOPICS)]), "fq": fq, "rows": 20, "facet.field": facets}

    def facets_only() -> dict:
        return {"q": "", "rows": 20, "facet.field": facets, "start": rng.randrange(0, 2000, 20)}

    def boolean() -> dict:
        a, b = rng.sample(range(ORGANIZATIONS), 2)
        fq = rng.choice([f"organization:dinas-{a:02d} OR organization:dinas-{b:02d} metadata_modified:[NOW-1DAY TO *]",
                         f"(organization:dinas-{a:02d} OR organization:dinas-{b:02d}) -res_format:PDF",
                         f"tags:({rng.choice(TOPICS)} OR {rng.choice(TOPICS)}) AND extras_tahun:[2020 TO 2023]",
                         f"metadata_modified:[* TO NOW-1DAY] OR tags:{rng.choice(TOPICS)[:3]}*"])  # fmt: skip
        q = rng.choice(["", f"{rng.choice(TOPICS)[:4]}*", f'title:"{rng.choice(SHAPES).split()[0]}" OR tags:pajak'])
        return {"q": q, "fq": fq, "rows": 20, "facet.field": facets}

    kinds: dict[str, Callable[[], dict]] = {
        "free text (q)": free_text,
        "faceted (fq + facet.field)": faceted,
        "all datasets + facets, paged": facets_only,
        "boolean, ranges, wildcards": boolean,
    }
    print(f"search: {queries} queries per kind over HTTP (rows=20)")
    print("  (cpu: this process's CPU time per search, the server's included: steadier than wall time when busy)")
    for label, make in kinds.items():
        answered = [timing for timing in (search(make()) for _ in range(queries)) if timing is not None]
        if not answered:
            print(f"  {label:<30} every query answered 409")
            continue
        timings, cpu = sorted(wall for wall, _ in answered), sorted(cpu for _, cpu in answered)
        refused = f"   ({queries - len(answered)} answered 409)" if len(answered) < queries else ""
        print(f"  {label:<30} p50 {percentile(timings, 50):7.1f} ms   p95 {percentile(timings, 95):7.1f} ms"
              f"   max {timings[-1]:7.1f} ms   mean {statistics.fmean(timings):7.1f} ms"
              f"   cpu p50 {percentile(cpu, 50):6.1f} ms   p95 {percentile(cpu, 95):6.1f} ms{refused}")  # fmt: skip


def _timed(http: requests.Session, endpoint: str, params: dict) -> float:
    started = time.perf_counter()
    http.get(endpoint, params=params, timeout=120).raise_for_status()
    return (time.perf_counter() - started) * 1000


def time_export(url: str) -> None:
    """Stream /data.json for the whole catalogue; the server runs in this process, so its peak RSS is ours."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = 0
    with requests.get(f"{url}/data.json", stream=True, timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_content(chunk_size=1024 * 1024):
            size += len(chunk)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"export: /data.json {size / 1e6:,.1f} MB streamed in {elapsed:,.1f} s; "
          f"peak RSS {before / 1024:,.0f} → {after / 1024:,.0f} MB")


def percentile(sorted_values: list[float], share: int) -> float:
    index = min(len(sorted_values) - 1, round(share / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


def publish(platform: Platform, count: int) -> None:
    """Track ``count`` valid files (one per new dataset) and publish them twice through the one Publisher."""
    run = f"{time.time_ns():x}"
    names = [f"{PUBLISH_DINAS}-bench-{run}-{number:05d}" for number in range(count)]
    with platform.database.session() as session:
        for number, name in enumerate(names):
            sha256 = hashlib.sha256(name.encode()).hexdigest()
            session.add(
                TrackedFile(
                    dinas_slug=PUBLISH_DINAS, source_id=f"{PUBLISH_DINAS}/bench", key=f"{name}.csv",
                    name=f"{name}.csv", sha256=sha256, size=100, storage_key=f"{PUBLISH_DINAS}/{sha256}/{name}.csv",
                    schema_name="fasilitas_kesehatan", dataset_name=name, state=FileState.VALID,
                    dataset_meta={"title": f"Dataset uji terbit {number}", "tags": ["kesehatan"], "year": 2024},
                )
            )  # fmt: skip
    for label in ("new", "unchanged"):
        started = time.perf_counter()
        with open_publisher(platform) as publisher:
            for name in names:
                publish_dataset(platform, publisher, PUBLISH_DINAS, name)
        elapsed = time.perf_counter() - started
        calls = ", ".join(f"{name} {number}" for name, number in sorted(publisher.calls.items()))
        print(f"publish {label}: {count} datasets in {elapsed:,.1f} s ({count / elapsed:,.0f}/s); "
              f"write calls {publisher.write_calls}; calls: {calls}")  # fmt: skip
    if publisher.write_calls:
        sys.exit("FAILED: re-publishing unchanged datasets made write calls")


if __name__ == "__main__":
    main()
