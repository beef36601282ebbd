"""The measurement behind ppid/catalogue/query.py's choice of luqum over tantivy: `python bench/search_choice.py HOME`.

HOME is a ``bench/catalogue.py --home`` folder already holding 100,000 datasets (SQLite). Prints the
CPU time of the embedded search (query tree, facets, the page's pks) against the whole in-process
``package_search``, luqum's parsing cost, and, for tantivy (``pip install tantivy``: not a dependency),
the time to index the same generated datasets, its facet counting, and what its query parser makes
of the query forms CKAN clients send.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.catalogue import FORMATS, ORGANIZATIONS, TOPICS, generated_dataset  # noqa: E402
from ppid.catalogue import search  # noqa: E402
from ppid.catalogue.query import parse_lucene  # noqa: E402
from ppid.catalogue.store import Context, _search_query, call_action  # noqa: E402
from ppid.config import load_settings  # noqa: E402
from ppid.platform import Platform  # noqa: E402

FACETS = ["organization", "tags", "res_format"]
FORMS = ["organization:dinas-01 OR organization:dinas-02", "pend*", "tags:ke?ehatan", 'title:"jumlah penduduk"',
         "metadata_modified:[NOW-1DAY TO NOW]", "+tags:padi -res_format:PDF",
         "extras_tahun:[2020 TO 2023]"]  # fmt: skip


def cpu_ms(call: Callable[[], object], times: int) -> tuple[float, float]:
    """p50 and p95 of the CPU time of ``call``, in ms."""
    spent = []
    for _ in range(times):
        started = time.process_time()
        call()
        spent.append((time.process_time() - started) * 1000)
    spent.sort()
    return spent[len(spent) // 2], spent[int(len(spent) * 0.95)]


def embedded(home: Path) -> None:
    environ = {"PPID_HOME": str(home), "PPID_DATABASE_URL": f"sqlite:///{home / 'ppid.sqlite3'}",
               "PPID_CONFIG_DIR": str(REPO / "config"), "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
               "PPID_SECRET_KEY": "bench", "PPID_CATALOGUE_API_TOKEN": "bench-token"}  # fmt: skip
    platform = Platform.open(load_settings(environ=environ))
    rng = random.Random(1)

    def faceted() -> dict:
        clauses = [f"organization:dinas-{rng.randrange(ORGANIZATIONS):02d}", f'tags:"{rng.choice(TOPICS)}"',
                   f"res_format:{rng.choice(FORMATS)}"]  # fmt: skip
        fq = " ".join(rng.sample(clauses, rng.randint(1, 3)))
        return {"q": rng.choice(["", "", rng.choice(TOPICS)]), "fq": fq, "rows": 20, "facet.field": FACETS}

    with platform.database.session() as session:
        context = Context(session, False, "http://bench.invalid")
        whole = cpu_ms(lambda: call_action(session, "package_search", faceted(), user_is_sysadmin=False,
                                           base_url="http://bench.invalid"), 200)  # fmt: skip
        alone = cpu_ms(lambda: search.run(session, _search_query(context, faceted())[0]), 200)
    platform.close()
    print(f"embedded, faceted query: search CPU p50/p95 {alone[0]:.1f}/{alone[1]:.1f} ms; "
          f"whole package_search {whole[0]:.1f}/{whole[1]:.1f} ms")
    fq = "+capacity:public organization:dinas-01 OR organization:dinas-02 metadata_modified:[NOW-1DAY TO *]"
    parsing = cpu_ms(lambda: parse_lucene(fq), 2000)
    print(f"luqum: parse and tree of one fq, p50/p95 {parsing[0]:.2f}/{parsing[1]:.2f} ms")


def tantivy_figures(datasets: int) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("title", "notes", "text"):
        builder.add_text_field(name)
    for name in ("name", "organization", "tags", "res_format", "extras_tahun"):
        builder.add_text_field(name, stored=name == "name", tokenizer_name="raw", fast=True)
    builder.add_date_field("metadata_modified", fast=True, indexed=True)
    index = tantivy.Index(builder.build(), path=tempfile.mkdtemp(prefix="ppid-tantivy-"))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    rng, now, started = random.Random(0), datetime.now(UTC), time.perf_counter()
    for number in range(datasets):
        data = generated_dataset(rng, number)
        document = tantivy.Document()
        tags = [tag["name"] for tag in data["tags"]]
        for name, value in [("title", data["title"]), ("notes", data["notes"]), ("name", data["name"]),
                            ("text", " ".join([data["title"], data["notes"], *tags])),
                            ("organization", data["owner_org"]), ("extras_tahun", data["extras"][0]["value"]),
                            *(("tags", tag) for tag in tags),
                            *(("res_format", resource["format"]) for resource in data["resources"])]:  # fmt: skip
            document.add_text(name, value)
        document.add_date("metadata_modified", now - timedelta(minutes=number))
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    print(f"tantivy {tantivy.__version__}: indexed {datasets:,} datasets in {time.perf_counter() - started:.1f} s")
    searcher = index.searcher()
    for form in FORMS:
        try:
            print(f"  {form!r}: {searcher.search(index.parse_query(form, ['title', 'notes', 'text']), 1).count} found")
        except ValueError as error:
            print(f"  {form!r}: refused ({error})")
    aggregation = {name: {"terms": {"field": name, "size": 50}} for name in FACETS}
    queries = [index.parse_query(f"tags:{rng.choice(TOPICS).split()[0]}", ["text"]) for _ in range(50)]
    facets = cpu_ms(lambda: searcher.aggregate(rng.choice(queries), aggregation), 200)
    print(f"  a tag and three facets: p50/p95 {facets[0]:.2f}/{facets[1]:.2f} ms")


if __name__ == "__main__":
    embedded(Path(sys.argv[1]))
    tantivy_figures(100_000)
