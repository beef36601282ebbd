"""Reference code lists (e.g. Kemendagri region codes) that a schema field can point at.

The validator only needs to ask "does this code exist?", so any object with ``exists(code)`` works: a
set loaded from a file, a database lookup, or a versioned list chosen by decree.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

REGION_CODES = "reference/kode_wilayah.csv.gz"
"""The Kemendagri region code list shipped in ``schemas/`` (see schemas/README.md for its decree and update)."""
REGION_CODES_PACKAGE = "reference/datapackage.json"
"""What the list is: its title, source package, version and decree."""


class Reference(Protocol):
    def exists(self, code: str) -> bool: ...


class CodeList:
    """An in-memory set of codes; the national region list (~92 000 codes) takes a few MB."""

    def __init__(self, codes: Iterable[str]) -> None:
        self._codes = frozenset(code.strip() for code in codes)

    def exists(self, code: str) -> bool:
        return code.strip() in self._codes

    @classmethod
    def from_csv(cls, path: Path, column: str = "kode") -> CodeList:
        """Read one column of a UTF-8 CSV, gzipped when the name ends in ``.gz``: read and unzipped whole (3 MB for
        the national list), which every ``ppid validate`` loads, ten times faster than a line-by-line text stream."""
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8-sig")
        rows = csv.reader(io.StringIO(text, newline=""))
        header = next(rows, [])
        if column not in header:
            return cls(())
        position = header.index(column)
        return cls(row[position] for row in rows if len(row) > position and row[position])


@functools.cache
def region_codes(schemas_dir: Path) -> CodeList | None:
    """The region code list shipped with ``schemas_dir`` (loaded once per process), or None when absent."""
    path = schemas_dir / REGION_CODES
    return CodeList.from_csv(path) if path.exists() else None


@functools.lru_cache(maxsize=128)
def region_names(schemas_dir: Path, codes: frozenset[str]) -> dict[str, str]:
    """The names of ``codes`` in the region code list, for chart labels; codes not in the list are left out.

    The list is streamed and only the asked codes are kept (a chart names a few dozen regions), so the
    ~92 000 names never sit in memory; the answer is cached per set of codes.
    """
    path = schemas_dir / REGION_CODES
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as text:
        return {row["kode"]: row["nama"] for row in csv.DictReader(text) if row["kode"] in codes}


@functools.cache
def region_reference(schemas_dir: Path) -> dict[str, str]:
    """Title, source package, version, decree and source address of the region code list (its ``datapackage.json``)."""
    path = schemas_dir / REGION_CODES_PACKAGE
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as stream:
        package = json.load(stream)
    about = package.get("ppid", {})
    source = next(iter(package.get("sources", [])), {})
    return {"title": package.get("title", ""), "package": about.get("paket", ""), "version": about.get("versi", ""),
            "decree": about.get("keputusan", ""), "url": source.get("path", "")}
