"""Validation throughput and memory on a large generated table: `python bench/validation.py [--rows N | --gigabytes G]`.

Generates a `kejadian_bencana` table (real Kemendagri desa codes, a primary key that never repeats) with a
small share of deliberately broken cells, validates it with the same engine and region code list as the
harvester, in a child process so that its peak RSS can be read, and prints rows/s, MB/s, peak RSS and
whether every broken cell was found. Compare with ../shared/reference/validation-baseline.md.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = REPO / "schemas"
HAZARDS = ["Banjir", "Tanah Longsor", "Cuaca Ekstrem", "Kekeringan", "Gempa Bumi", "Kebakaran Permukiman"]
BROKEN = ["-3", "2O", "1.5", "abc"]  # each breaks an integer column with minimum 0 in a different way
COUNTS = 7  # korban_meninggal … rumah_rusak_ringan


def desa_codes(limit: int) -> list[tuple[str, str, str, str]]:
    """(kode_kecamatan, nama_kecamatan, kode_desa, nama_desa) from the shipped region list."""
    with gzip.open(SCHEMAS / "reference" / "kode_wilayah.csv.gz", "rt", encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    names = {row["kode"]: row["nama"] for row in rows}
    desa = [row for row in rows if len(row["kode"]) == 10][:limit]
    return [(row["induk"], names.get(row["induk"], "?"), row["kode"], row["nama"]) for row in desa]


def generate(path: Path, *, rows: int | None, size: int | None, broken_share: float, seed: int = 7) -> tuple[int, int]:
    """Write the table; returns (data rows, broken cells). Stops at ``rows`` rows or ``size`` bytes."""
    rng = random.Random(seed)
    places = desa_codes(5000)
    written = broken = 0
    day = date(2000, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tanggal_kejadian", "jenis_bencana", "kode_kecamatan", "nama_kecamatan", "kode_desa",
                         "nama_desa", "korban_meninggal", "korban_hilang", "korban_luka", "pengungsi",
                         "rumah_rusak_berat", "rumah_rusak_sedang", "rumah_rusak_ringan", "keterangan"])
        while True:
            for hazard in HAZARDS:
                for kecamatan, nama_kecamatan, kode_desa, nama_desa in places:
                    counts = [str(rng.randint(0, 40)) for _ in range(COUNTS)]
                    if rng.random() < broken_share:
                        counts[rng.randrange(COUNTS)] = rng.choice(BROKEN)
                        broken += 1
                    note = "" if rng.random() < 0.8 else "Hujan deras sejak sore, tanggul jebol"
                    writer.writerow([day.isoformat(), hazard, kecamatan, nama_kecamatan, kode_desa, nama_desa,
                                     *counts, note])
                    written += 1
                    if (rows is not None and written >= rows) or (
                        size is not None and written % 10_000 == 0 and handle.tell() >= size
                    ):
                        return written, broken
            day += timedelta(days=1)


def _validate(path: str, queue: multiprocessing.Queue) -> None:
    sys.path.insert(0, str(REPO))
    from ppid.validation import validate_file

    started = time.perf_counter()
    with validate_file(Path(path), schema_name="kejadian_bencana", schemas_dir=SCHEMAS) as result:
        report = result.report
        queue.put((time.perf_counter() - started, report.rows_checked, report.error_count, report.complete))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows to generate (default 1,000,000)")
    parser.add_argument("--gigabytes", type=float, help="generate this many GB instead of --rows (e.g. 1)")
    parser.add_argument("--broken-share", type=float, default=0.001, help="share of rows with one broken cell")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ppid-bench-validation-") as scratch:
        path = Path(scratch) / "kejadian_bencana.csv"
        started = time.perf_counter()
        size_limit = int(args.gigabytes * 1e9) if args.gigabytes else None
        rows, broken = generate(path, rows=None if size_limit else args.rows, size=size_limit,
                                broken_share=args.broken_share)
        megabytes = path.stat().st_size / 1e6
        print(f"generated {rows:,} rows, {megabytes:,.1f} MB, {broken:,} broken cells in "
              f"{time.perf_counter() - started:.1f} s")

        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
        child = multiprocessing.get_context("spawn").Process(target=_validate, args=(str(path), queue))
        child.start()
        seconds, checked, errors, complete = queue.get()
        child.join()
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"validated {checked:,} rows in {seconds:.1f} s: {checked / seconds:,.0f} rows/s, "
          f"{megabytes / seconds:.1f} MB/s")
    print(f"peak RSS of the validating process: {peak_mb:,.0f} MB")
    print(f"errors reported: {errors:,} (broken cells written: {broken:,}); complete report: {complete}")
    if errors != broken or checked != rows:
        sys.exit("the report does not match what was generated")


if __name__ == "__main__":
    main()
