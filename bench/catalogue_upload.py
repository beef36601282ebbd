"""Publishing with ``catalogue.files: upload``: `python bench/catalogue_upload.py [--megabytes M] [--ckan URL]`.

Harvests one generated CSV of ``--megabytes`` (default 500) from a drop folder and publishes it with every file
uploaded to the catalogue, then publishes again unchanged. Prints the time, the throughput and this process's
peak RSS (VmHWM), which includes the embedded catalogue receiving the file when no ``--ckan`` is given: the
upload is streamed from storage, so memory must not grow with the file. The second run must make no write.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
MiB = 1024 * 1024

REGISTRY = """\
region: {{name: Kabupaten Bench, kode_wilayah: "3201"}}
walidata: {{name: Diskominfo, email: walidata@bench.go.id}}
dinas:
  - slug: bench
    name: Dinas Bench
    ppid: {{name: PPID Bench, email: ppid@bench.go.id}}
    sources:
      - kind: folder
        name: folder
        path: {folder}
        rules:
          - match: "*.csv"
            kind: document
            dataset: {{title: Berkas besar, description: Uji unggah, tags: [bench], frequency: tahunan}}
"""


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=500)
    parser.add_argument("--ckan", help="a real CKAN to publish to (default: the embedded catalogue)")
    parser.add_argument("--token", help="its sysadmin API token")
    args = parser.parse_args()

    from ppid.config import load_settings
    from ppid.pipeline.publication import publish_dataset
    from ppid.pipeline.runner import run_harvest
    from ppid.platform import Platform
    from ppid.publishing.publisher import open_publisher

    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "config").mkdir()
        folder = root / "drop"
        folder.mkdir()
        (root / "config" / "dinas.yaml").write_text(REGISTRY.format(folder=folder), encoding="utf-8")
        (root / "config" / "defaults.yaml").write_text("catalogue:\n  files: upload\n", encoding="utf-8")
        line = b"3201010,Kecamatan Contoh,2024,12345,67890\n"
        with (folder / "besar.csv").open("wb") as out:
            out.write(b"kode,nama,tahun,laki,perempuan\n")
            for _ in range(args.megabytes * MiB // len(line)):
                out.write(line)
        size = (folder / "besar.csv").stat().st_size
        environ = {"PPID_HOME": str(root / "instance"), "PPID_CONFIG_DIR": str(root / "config"),
                   "PPID_SCHEMAS_DIR": str(REPO / "schemas"), "PATH": os.environ.get("PATH", "")}
        if args.ckan:
            environ |= {"PPID_CATALOGUE_URL": args.ckan, "PPID_CATALOGUE_API_TOKEN": args.token or ""}
        platform = Platform.open(load_settings(environ=environ))
        before = peak_rss_mb()
        started = time.perf_counter()
        run_harvest(platform)
        elapsed = time.perf_counter() - started
        with open_publisher(platform) as publisher:
            publish_dataset(platform, publisher, "bench", "bench-berkas-besar")
            [resource] = publisher.ckan.action.package_show(id="bench-berkas-besar")["resources"]
        platform.close()

    print(f"file: {size / MiB:,.0f} MiB, published with upload in {elapsed:.1f} s "
          f"({size / MiB / elapsed:.1f} MiB/s, harvest and hashing included)")
    print(f"peak RSS: {peak_rss_mb():.1f} MB (before the run: {before:.1f} MB)")
    print(f"resource: url_type={resource.get('url_type')!r}, size={resource.get('size')}, url={resource['url']}")
    print(f"unchanged re-publish: {publisher.write_calls} write calls, {dict(publisher.calls)}")


if __name__ == "__main__":
    main()
