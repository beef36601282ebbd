"""Harvest run time, first and unchanged: `python bench/harvest.py [--sources 200 --files 5]`.

Generates a registry of folder sources (``--sources`` spread over ``--dinas`` dinas, ``--files`` valid
``jumlah_penduduk`` CSVs each, every file its own dataset), harvests it into a fresh instance (SQLite,
local storage, the embedded catalogue) with the real pipeline, then harvests it again unchanged. Prints
both times, the re-run as a share of the first, and what each run validated, stored and wrote to the
catalogue: an unchanged re-run must validate nothing, write nothing and take at most 5 % of the first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HEADER = "tahun,kode_kecamatan,nama_kecamatan,jumlah_laki_laki,jumlah_perempuan,jumlah_penduduk\n"
KECAMATAN = [("320101", "Cibinong"), ("320102", "Gunungputri"), ("320103", "Citeureup"), ("320104", "Sukaraja")]
READ_ACTIONS = {"package_show", "organization_show", "status_show"}


def write_region(root: Path, *, dinas: int, sources: int, files: int) -> Path:
    """The registry and its folders; returns the config folder."""
    config = root / "config"
    config.mkdir()
    (config / "defaults.yaml").write_bytes((REPO / "config" / "defaults.yaml").read_bytes())
    lines = ['region: {name: Kabupaten Bangku Uji, kode_wilayah: "3201"}', "dinas:"]
    for d in range(dinas):
        lines += [
            f"  - slug: dinas-{d:03d}",
            f"    name: Dinas Uji {d}",
            f"    ppid: {{name: PPID Dinas Uji {d}, email: ppid{d}@uji.go.id}}",
            "    sources:",
        ]
        for s in range(d, sources, dinas):
            folder = root / "data" / f"sumber-{s:04d}"
            folder.mkdir(parents=True)
            lines += ["      - kind: folder", f"        name: sumber-{s:04d}", f"        path: {folder}"]
            lines += ["        rules:"]
            for f in range(files):
                (folder / f"penduduk-{f}.csv").write_text(population_table(s * files + f), encoding="utf-8")
                lines += [
                    f'          - match: "penduduk-{f}.csv"',
                    "            schema: jumlah_penduduk",
                    f"            dataset: {{title: Penduduk sumber {s} berkas {f}}}",
                ]
    (config / "dinas.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def population_table(seed: int) -> str:
    """A valid table whose bytes differ for every seed (content-addressed storage would merge equal files)."""
    rows = []
    for index, (code, name) in enumerate(KECAMATAN):
        men, women = 10_000 + seed * 7 + index, 11_000 + seed * 3 + index
        rows.append(f"2024,{code},{name},{men},{women},{men + women}\n")
    return HEADER + "".join(rows)


@contextmanager
def counting(owner: Any, attribute: str, counter: Counter[str], label: Callable[..., str]) -> Iterator[None]:
    """Count calls to ``owner.attribute`` under ``label(*args)``: instrumentation only, the call still runs."""
    original = getattr(owner, attribute)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counter[label(*args, **kwargs)] += 1
        return original(*args, **kwargs)

    setattr(owner, attribute, counted)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


def timed_run(platform: Any) -> tuple[float, Counter[str], dict[str, int]]:
    from ppid.pipeline import validate
    from ppid.pipeline.models import HarvestRun
    from ppid.pipeline.runner import run_harvest
    from ppid.publishing.publisher import Publisher

    calls: Counter[str] = Counter()
    with (
        counting(validate, "validate_table", calls, lambda *a, **k: "validations"),
        counting(type(platform.storage), "put", calls, lambda *a, **k: "storage writes"),
        counting(
            Publisher,
            "call",
            calls,
            lambda _self, action, **_k: "catalogue reads" if action in READ_ACTIONS else "catalogue writes",
        ),
    ):
        started = time.perf_counter()
        run_id = run_harvest(platform)
        seconds = time.perf_counter() - started
    with platform.database.session() as session:
        outcomes = dict(session.get(HarvestRun, run_id).counts)
    return seconds, calls, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200, help="folder sources (default 200)")
    parser.add_argument("--files", type=int, default=5, help="CSV files per source (default 5)")
    parser.add_argument("--dinas", type=int, default=20, help="dinas the sources are spread over (default 20)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file; e.g. postgresql+psycopg://.../db")
    args = parser.parse_args()

    from ppid.config import load_settings
    from ppid.platform import Platform

    with tempfile.TemporaryDirectory(prefix="ppid-bench-harvest-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        config = write_region(root, dinas=args.dinas, sources=args.sources, files=args.files)
        total = args.sources * args.files
        print(f"generated {args.sources} folder sources x {args.files} files = {total} tables over "
              f"{args.dinas} dinas in {time.perf_counter() - started:.1f} s")
        environ = {
            "PPID_HOME": str(root / "instance"),
            "PPID_CONFIG_DIR": str(config),
            "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
            "PPID_SECRET_KEY": "bench",
            "PPID_CATALOGUE_API_TOKEN": "bench-token",
        }
        if args.database_url:
            environ["PPID_DATABASE_URL"] = args.database_url
        platform = Platform.open(load_settings(environ=environ))
        first, first_calls, first_outcomes = timed_run(platform)
        again, again_calls, again_outcomes = timed_run(platform)
        platform.close()

    for label, seconds, calls, outcomes in (
        ("first run", first, first_calls, first_outcomes),
        ("unchanged re-run", again, again_calls, again_outcomes),
    ):
        counts = ", ".join(f"{key} {calls[key]}" for key in
                           ("validations", "storage writes", "catalogue writes", "catalogue reads"))
        print(f"{label}: {seconds:.2f} s ({total / seconds:,.0f} files/s); {counts}; outcomes {outcomes}")
    share = again / first
    print(f"re-run / first run: {share:.1%} (target <= 5 %)")
    problems = []
    if again_calls["validations"] or again_calls["catalogue writes"] or again_calls["storage writes"]:
        problems.append("the unchanged re-run validated, stored or wrote to the catalogue")
    if again_outcomes != {"unchanged": total}:
        problems.append(f"the re-run should find {total} unchanged files")
    if share > 0.05:
        problems.append("the re-run took more than 5 % of the first run")
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
