"""Regenerate the region-code reference list from an unpacked ``idn-area-data`` npm package.

Usage (from the repository root)::

    cd "$(mktemp -d)" && npm pack idn-area-data && tar xzf idn-area-data-*.tgz
    python schemas/reference/update_kode_wilayah.py "$PWD/package" \\
        --keputusan "Keputusan Menteri Dalam Negeri Nomor ... Tahun ..."

It reads ``data/{provinces,regencies,districts,villages}.csv`` of the package and writes, next to
this script:

- ``kode_wilayah.csv`` (or ``kode_wilayah.csv.gz`` when larger than 2 MB) with the columns
  ``kode,nama,tingkat,induk``: codes without dots, sorted by code;
- ``LICENSE-ODbL.md``, the data licence shipped with the package (the ODbL asks for it);
- ``datapackage.json``, a Frictionless Data Package describing the file, its source and counts;
- the counts between the ``<!-- jumlah:mulai -->`` and ``<!-- jumlah:selesai -->`` markers of
  ``README.md``.

The output is deterministic: running it twice on the same package gives the same bytes. It stops
with an error, writing nothing, if a code is malformed, duplicated or has no parent.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GZIP_THRESHOLD = 2 * 1024 * 1024
COLUMNS = ("kode", "nama", "tingkat", "induk")

# (source file, tingkat, digits of the code without dots, source column holding the parent code)
LEVELS: tuple[tuple[str, str, int, str | None], ...] = (
    ("provinces.csv", "provinsi", 2, None),
    ("regencies.csv", "kabupaten_kota", 4, "province_code"),
    ("districts.csv", "kecamatan", 6, "regency_code"),
    ("villages.csv", "desa", 10, "district_code"),
)
LABELS = {
    "provinsi": "Provinsi",
    "kabupaten_kota": "Kabupaten/kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/kelurahan",
}
README_START = "<!-- jumlah:mulai -->"
README_END = "<!-- jumlah:selesai -->"


class ReferenceDataError(Exception):
    """The package's data cannot be turned into a consistent reference list."""


def canonical(code: str) -> str:
    """Kemendagri code as written in a decree (``32.01.01``) to the canonical digits (``320101``)."""
    return code.strip().replace(".", "")


def read_rows(data_dir: Path) -> list[tuple[str, str, str, str]]:
    """Read the four level files into ``(kode, nama, tingkat, induk)`` rows, checked and sorted."""
    rows: list[tuple[str, str, str, str]] = []
    known: dict[str, str] = {}
    parent_tingkat = ""
    for filename, tingkat, digits, parent_column in LEVELS:
        path = data_dir / filename
        if not path.is_file():
            raise ReferenceDataError(f"{path} tidak ada: apakah ini folder paket idn-area-data yang sudah dibuka?")
        with path.open(encoding="utf-8", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                kode = canonical(record["code"])
                nama = " ".join(record["name"].split())
                induk = canonical(record[parent_column]) if parent_column else ""
                where = f"{filename} baris {line} ({record['code']})"
                if not re.fullmatch(rf"[0-9]{{{digits}}}", kode):
                    raise ReferenceDataError(f"{where}: kode harus {digits} digit")
                if not nama:
                    raise ReferenceDataError(f"{where}: nama kosong")
                if kode in known:
                    raise ReferenceDataError(f"{where}: kode ganda")
                if parent_column and (not kode.startswith(induk) or known.get(induk) != parent_tingkat):
                    raise ReferenceDataError(f"{where}: induk {induk} tidak ada atau tidak cocok")
                known[kode] = tingkat
                rows.append((kode, nama, tingkat, induk))
        parent_tingkat = tingkat
    rows.sort(key=lambda row: row[0])
    return rows


def to_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """Rows to UTF-8 CSV bytes with ``\\n`` line endings and minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def counts_of(rows: list[tuple[str, str, str, str]]) -> dict[str, int]:
    """Number of codes per tingkat, in level order."""
    counter = Counter(row[2] for row in rows)
    return {tingkat: counter[tingkat] for _, tingkat, _, _ in LEVELS}


def datapackage(version: str, keputusan: str, filename: str, counts: dict[str, int]) -> dict[str, object]:
    """The Frictionless Data Package descriptor of the reference list."""
    resource: dict[str, object] = {
        "name": "kode_wilayah",
        "title": "Kode Wilayah Administrasi Pemerintahan",
        "description": "Kode dan nama provinsi, kabupaten/kota, kecamatan dan desa/kelurahan menurut Kemendagri. "
        "Kode ditulis tanpa titik (3201, bukan 32.01); induk adalah kode wilayah satu tingkat di atasnya.",
        "path": filename,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [
                {"name": "kode", "title": "Kode Wilayah", "type": "string",
                 "description": "Kode Kemendagri tanpa titik: 2, 4, 6 atau 10 digit.",
                 "constraints": {"required": True, "unique": True,
                                 "pattern": "[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?"}},
                {"name": "nama", "title": "Nama Wilayah", "type": "string",
                 "description": "Nama wilayah seperti dalam sumber data.", "constraints": {"required": True}},
                {"name": "tingkat", "title": "Tingkat Wilayah", "type": "string",
                 "description": "Tingkat wilayah administrasi.",
                 "constraints": {"required": True, "enum": [level[1] for level in LEVELS]}},
                {"name": "induk", "title": "Kode Induk", "type": "string",
                 "description": "Kode wilayah induk satu tingkat di atasnya; kosong untuk provinsi.",
                 "constraints": {"pattern": "[0-9]{2}([0-9]{2}([0-9]{2})?)?"}},
            ],
            "missingValues": [""],
            "primaryKey": ["kode"],
        },
    }
    if filename.endswith(".gz"):
        resource["compression"] = "gz"
    return {
        "name": "kode-wilayah-kemendagri",
        "title": "Kode Wilayah Administrasi Pemerintahan (Kemendagri)",
        "description": f"Daftar rujukan kode wilayah untuk memeriksa kolom kode wilayah. Mengikuti {keputusan}.",
        "licenses": [{
            "name": "ODbL-1.0",
            "path": "https://opendatacommons.org/licenses/odbl/1-0/",
            "title": "Open Data Commons Open Database License 1.0",
        }],
        "sources": [{
            "title": f"idn-area-data {version} (npm), folder data/",
            "path": "https://www.npmjs.com/package/idn-area-data",
        }],
        "resources": [resource],
        "ppid": {
            "paket": "idn-area-data",
            "versi": version,
            "keputusan": keputusan,
            "jumlah": counts,
        },
    }


def readme_counts(counts: dict[str, int], version: str, keputusan: str) -> str:
    """The generated block of README.md: source, decree and the number of codes per level."""
    lines = [
        README_START,
        "",
        f"- Package: `idn-area-data` **{version}** (npm), folder `data/`",
        f"- Decree followed: {keputusan}",
        "",
        "| tingkat | codes | digits |",
        "|---|---:|---:|",
    ]
    lines += [f"| {LABELS[tingkat]} (`{tingkat}`) | {count:,} | {digits} |".replace(",", ".")
              for (_, tingkat, digits, _), count in zip(LEVELS, counts.values(), strict=True)]
    lines += [f"| **all levels** | **{sum(counts.values()):,}** | |".replace(",", "."), "", README_END]
    return "\n".join(lines)


def update(package_dir: Path, out_dir: Path = HERE, keputusan: str | None = None) -> dict[str, int]:
    """Regenerate every reference file in ``out_dir`` from ``package_dir``; return the counts."""
    manifest_path = package_dir / "package.json"
    if not manifest_path.is_file():
        raise ReferenceDataError(f"{manifest_path} tidak ada: berikan folder 'package' hasil membuka tarball")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("name") != "idn-area-data":
        raise ReferenceDataError(f"{package_dir} bukan paket idn-area-data (name = {manifest.get('name')!r})")
    version = str(manifest["version"])
    descriptor_path = out_dir / "datapackage.json"
    if keputusan is None:
        if not descriptor_path.is_file():
            raise ReferenceDataError("sebutkan --keputusan: datapackage.json belum ada untuk diambil keputusannya")
        keputusan = str(json.loads(descriptor_path.read_text(encoding="utf-8"))["ppid"]["keputusan"])

    rows = read_rows(package_dir / "data")
    content = to_csv(rows)
    counts = counts_of(rows)
    plain, packed = out_dir / "kode_wilayah.csv", out_dir / "kode_wilayah.csv.gz"
    if len(content) > GZIP_THRESHOLD:
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="kode_wilayah.csv", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
            gz.write(content)
        packed.write_bytes(buffer.getvalue())
        plain.unlink(missing_ok=True)
        filename = packed.name
    else:
        plain.write_bytes(content)
        packed.unlink(missing_ok=True)
        filename = plain.name

    shutil.copyfile(package_dir / "data" / "LICENSE.md", out_dir / "LICENSE-ODbL.md")
    descriptor = datapackage(version, keputusan, filename, counts)
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    readme = out_dir / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
        if pattern.search(text):
            readme.write_text(pattern.sub(lambda _: readme_counts(counts, version, keputusan), text), encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="folder 'package' hasil membuka idn-area-data-*.tgz")
    parser.add_argument("--keputusan", help="Kepmendagri yang diikuti (bawaan: yang tercatat di datapackage.json)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder keluaran (bawaan: folder skrip ini)")
    args = parser.parse_args(argv)
    try:
        counts = update(args.package_dir, args.out, args.keputusan)
    except ReferenceDataError as error:
        print(f"gagal: {error}", file=sys.stderr)
        return 1
    for tingkat, count in counts.items():
        print(f"{tingkat}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
