"""Reference code lists (e.g. Kemendagri region codes) that a schema field can point at.

The validator only needs to ask "does this code exist?", so any object with ``exists(code)`` works: a
set loaded from a file, a database lookup, or a versioned list chosen by decree.
"""

from __future__ import annotations

import csv
import functools
import gzip
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

REGION_CODES = "reference/kode_wilayah.csv.gz"
"""The Kemendagri region code list shipped in ``schemas/`` (see schemas/README.md for its decree and update)."""


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
        """Read one column of a UTF-8 CSV, gzipped when the name ends in ``.gz``."""
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as text:
            return cls(row[column] for row in csv.DictReader(text) if row.get(column))


@functools.cache
def region_codes(schemas_dir: Path) -> CodeList | None:
    """The region code list shipped with ``schemas_dir`` (loaded once per process), or None when absent."""
    path = schemas_dir / REGION_CODES
    return CodeList.from_csv(path) if path.exists() else None
