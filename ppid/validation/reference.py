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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import polars as pl

REGION_CODES = "reference/kode_wilayah.csv.gz"
"""The Kemendagri region code list shipped in ``schemas/`` (see schemas/README.md for its decree and update)."""
_PADDED = r"^[\s\x1c-\x1f]|[\s\x1c-\x1f]$"
"""A code with a character at either end that Python's ``str.strip`` removes (the regex class lacks four of them)."""
REGION_CODES_PACKAGE = "reference/datapackage.json"
"""What the list is: its title, source package, version and decree."""


class Reference(Protocol):
    def exists(self, code: str) -> bool: ...


@runtime_checkable
class NamedReference(Reference, Protocol):
    """A reference that also knows each code's name, so a region-name column can be checked against its code."""

    def name(self, code: str) -> str | None: ...


class CodeList:
    """An in-memory set of codes; the national region list (~92 000 codes) takes a few MB.

    A list read from a file is parsed when first asked, in the form the asker needs: ``exists`` (rows read one by
    one) builds a Python set, ``listed`` (the columnar engine) a polars column, six times quicker to read than the
    set, so ``ppid validate`` of a table in columns never pays for the set. Names are read from ``names_from`` (a
    CSV with ``kode`` and ``nama``) the first time one is asked: most tables have no region-name column.
    """

    def __init__(self, codes: Iterable[str], names: Mapping[str, str] | None = None,
                 names_from: Path | None = None) -> None:
        self._codes: frozenset[str] | None = frozenset(code.strip() for code in codes)
        self._column: pl.Series | None = None
        self._source: tuple[Path, str] | None = None
        self._names = dict(names) if names is not None else None
        self._names_from = names_from

    def exists(self, code: str) -> bool:
        if self._codes is None:
            self._codes = _read_codes(*self._source) if self._source is not None else frozenset()
        return code.strip() in self._codes

    def listed(self, codes: pl.Series) -> pl.Series:
        """Whether each of ``codes`` (texts) is in the list, as ``exists`` answers, decided in columns."""
        import polars as pl

        if not codes.len():
            return pl.Series(codes.name, [], dtype=pl.Boolean)
        if self._column is None:  # sorted once: a binary search per code, no hash table built per batch
            column = (_read_code_column(*self._source) if self._source is not None and self._codes is None
                      else pl.Series(list(self._codes or ()), dtype=pl.String))
            rising = column.len() < 2 or bool((column.slice(1) > column.slice(0, column.len() - 1)).all())
            self._column = column if rising else column.unique().sort()  # the shipped list is sorted: 15–20 ms saved
        if not self._column.len():
            return pl.Series(codes.name, [False] * codes.len(), dtype=pl.Boolean)
        found = self._column.gather(self._column.search_sorted(codes).clip(0, self._column.len() - 1)) == codes
        padded = codes.str.contains(_PADDED).fill_null(False) & ~found  # rare: ``exists`` strips them
        if not padded.any():
            return found
        answers = [self.exists(code) for code in codes.filter(padded).to_list()]
        return found.scatter(padded.arg_true(), answers)

    def name(self, code: str) -> str | None:
        """The code's name in the list; None for a code not in it (or a list without names)."""
        if self._names is None:
            self._names = _read_names(self._names_from) if self._names_from is not None else {}
        return self._names.get(code.strip())

    @classmethod
    def from_csv(cls, path: Path, column: str = "kode") -> CodeList:
        """The codes in one column of a UTF-8 CSV, gzipped when the name ends in ``.gz``, read when first asked."""
        codes = cls((), names_from=path)
        codes._codes, codes._source = None, (path, column)
        return codes


def _read_codes(path: Path, column: str) -> frozenset[str]:
    """One column of a code list CSV as a set, for ``exists``.

    When no cell is quoted (the shipped list), lines are split at commas: 4× faster than ``csv.DictReader``.
    """
    text = _read_text(path)
    if '"' in text:
        rows = csv.reader(io.StringIO(text, newline=""))
        header = next(rows, [])
        if column not in header:
            return frozenset()
        index = header.index(column)
        return frozenset(row[index].strip() for row in rows if len(row) > index and row[index])
    lines = text.splitlines()  # without quotes a CSV line is exactly its cells split at commas
    header = lines[0].split(",") if lines else []
    if column not in header:
        return frozenset()
    index = header.index(column)
    cells = (line.split(",", index + 1) for line in lines[1:])  # no need to split past the wanted cell
    return frozenset(row[index].strip() for row in cells if len(row) > index and row[index])


def _read_code_column(path: Path, column: str) -> pl.Series:
    """One column of a code list CSV as a polars column (stripped, empty cells dropped), for ``listed``."""
    import polars as pl

    text = _read_text(path)
    try:
        codes = pl.read_csv(text.encode("utf-8"), columns=[column], infer_schema=False).get_column(column)
    except pl.exceptions.PolarsError:  # no such column, no rows, ragged lines: the set's reading decides
        return pl.Series(column, sorted(_read_codes(path, column)), dtype=pl.String)
    return codes.filter(codes.is_not_null() & (codes != "")).str.strip_chars()


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8-sig")


def _read_names(path: Path) -> dict[str, str]:
    """Code → name of a code list CSV with ``kode`` and ``nama`` columns (gzipped when the name ends in ``.gz``)."""
    text = _read_text(path)
    rows = csv.reader(io.StringIO(text, newline="")) if '"' in text else (line.split(",") for line in text.splitlines())
    header = next(rows, [])
    if "kode" not in header or "nama" not in header:
        return {}
    code, name = header.index("kode"), header.index("nama")
    return {row[code].strip(): row[name] for row in rows if len(row) > max(code, name) and row[code]}


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
