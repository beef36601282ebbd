"""Primary-key and ``unique`` checks in DuckDB on disk: exact at any row count, in bounded memory.

frictionless keeps every key of the table in a Python dict (about 300 MB per million rows with a
four-column key, see the validation baseline). Here the first pass records a 64-bit hash of each
row's key with its row number (16 bytes a row, one columnar insert per batch, spilled to disk by
DuckDB beyond its memory limit). Only rows whose hash repeats are candidates; a second pass reads
their exact keys and cells, and one GROUP BY over those finds the true duplicates with both row
numbers ("baris 12 dan 40 sama-sama berisi …"), so a hash collision can never report a duplicate.

A key with an empty or invalid cell is not recorded: that cell already has its own error, and
frictionless's habit of treating two empty cells as equal keys only adds confusing duplicates (a
deliberate difference, listed in the parity suite).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import polars as pl

SEPARATOR = "\x1f"
_MEMORY_LIMIT = "128MB"
_PYTHON_BATCH = 50_000
_PYTHON_KEYS = 200_000
"""Keys of rows read one by one kept as Python tuples, exact, before they are hashed with polars: a small table
(the frictionless engine's usual work) never loads polars."""
_SPILL_ROWS = 4_000_000
"""Keys held in memory (16 bytes each) before they go to DuckDB on disk."""
_EXACT_FRAMES_HELD = 4
"""Batches of candidate rows (with their cells) held in memory before they go to DuckDB."""
INTEGER_KINDS = ("integer", "year")
"""Table Schema types whose key parts are hashed as integers: the columnar engine has them typed already, and turning
them back into text for the hash took 15 ms a million rows."""
_HASH_SEED = 20261206
_MIX = 0x9E3779B97F4A7C15
"""An odd 64-bit constant (2^64 / golden ratio): multiplying by it before the xor keeps the parts' order."""


@dataclass(frozen=True)
class Duplicate:
    group: str
    """``primaryKey``, or the name of a field with a ``unique`` constraint."""
    row: int
    first_row: int
    key: str
    """The repeated values as text, e.g. ``tahun 2023, kode_kecamatan 320101`` (just the value for ``unique``)."""
    cells: list[str | None]


def canonical(value: Any) -> str:
    """One spelling per value, so ``1.0`` and ``1.00`` in a number column are the same key."""
    if isinstance(value, Decimal):
        if value.is_nan():  # NaN and sNaN as written: normalize() raises on sNaN
            return str(value)
        return "0" if value.is_zero() else format(value.normalize(), "f")
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, time) and value.utcoffset() is not None:
        return value.replace(tzinfo=None).isoformat() + "@" + str(value.utcoffset())
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and value == 0:
        return "0.0"
    return str(value)


def key_hash(parts: Sequence[pl.Expr], group: int) -> pl.Expr:
    """The 64-bit hash recorded for one group's key: the same for a key built in polars or from Python values.

    The group is mixed in through the seed, so one column of hashes serves every group; hashes that meet
    across groups only make a few more candidates for the exact check. Each part is hashed alone and the hashes
    mixed (multiply, xor: wrapping 64-bit arithmetic), half the time of hashing a ``struct`` of the parts.
    """
    seed = _HASH_SEED + group
    mixed = parts[0].hash(seed=seed)
    for index, part in enumerate(parts[1:], start=1):
        mixed = (mixed * _MIX) ^ part.hash(seed=seed + index)
    return mixed


def _repeated_rows(seen: pl.DataFrame) -> pl.Series:
    """The rows (``r``, ascending) of ``seen`` whose hash ``h`` occurs more than once.

    Sorting the hashes and comparing neighbours takes a fifth of the time of ``is_duplicated``'s hash table on a
    million rows, and a table without repeats, the usual case, stops there.
    """
    import polars as pl

    hashes = seen.get_column("h").sort()
    same = hashes.slice(1) == hashes.slice(0, max(hashes.len() - 1, 0))
    if not same.any():
        return pl.Series("r", [], dtype=pl.Int64)
    repeated = hashes.slice(1).filter(same).unique()
    return seen.filter(pl.col("h").is_in(repeated.implode())).get_column("r").unique().sort()


class DuplicateFinder:
    """Keys as Python tuples for a small table, as polars hashes up to ``_SPILL_ROWS`` rows, in DuckDB beyond."""

    def __init__(self, path: Path, groups: Mapping[str, Sequence[str]], integers: Iterable[str] = ()) -> None:
        """``integers``: the key fields of an ``INTEGER_KINDS`` type, whose parts are hashed as integers."""
        self.groups = {name: tuple(fields) for name, fields in groups.items()}
        self.integers = frozenset(integers)
        self.group_ids = {name: index for index, name in enumerate(self.groups)}
        self.fields = {name for fields in self.groups.values() for name in fields}
        self._path = path
        self._db: duckdb.DuckDBPyConnection | None = None
        self._hashes: list[pl.DataFrame] = []
        self._held = 0
        self._pending: dict[int, list[tuple[Any, ...]]] = {index: [] for index in self.group_ids.values()}
        self._pending_count = 0
        self._exact: list[tuple[int, str, int, str]] = []
        self._exact_frames: list[pl.DataFrame] = []

    def _database(self) -> duckdb.DuckDBPyConnection:
        if self._db is None:
            import duckdb

            self._db = duckdb.connect(str(self._path))
            self._db.execute("SET enable_progress_bar = false")  # it would print on stdout, before a JSON report
            self._db.execute(f"SET memory_limit = '{_MEMORY_LIMIT}'")
            self._db.execute(f"SET temp_directory = '{self._path.with_suffix('.tmp')}'")
            self._db.execute("SET preserve_insertion_order = false")
            self._db.execute("CREATE TABLE seen (h UBIGINT, r BIGINT)")
            self._db.execute("CREATE TABLE exact (g UTINYINT, k VARCHAR, r BIGINT, c VARCHAR)")
        return self._db

    def keys(self, values: Mapping[str, Any], broken: set[str] = frozenset()) -> Iterator[tuple[int, list[str]]]:
        """(group id, key parts) of one row's values, for each group whose cells are all present and valid."""
        for name, fields in self.groups.items():
            parts = []
            for field_name in fields:
                value = values.get(field_name)
                if value is None or field_name in broken:
                    break
                parts.append(value if type(value) is str else canonical(value))
            else:
                yield self.group_ids[name], parts

    def add_hashes(self, hashes: pl.DataFrame) -> None:
        """Record a batch of key hashes: columns ``h`` (``key_hash``) and ``r`` (row number)."""
        import polars as pl

        if self._pending_count:
            self._flush()
        if hashes.height:
            self._hashes.append(hashes.select(pl.col("h"), pl.col("r")))
            self._held += hashes.height
            if self._held >= _SPILL_ROWS:
                self._spill()

    def _spill(self) -> None:
        import polars as pl

        if self._hashes:
            arrow = pl.concat(self._hashes).to_arrow()  # noqa: F841 - read by DuckDB by name
            self._database().execute("INSERT INTO seen SELECT * FROM arrow")
            self._hashes.clear()
            self._held = 0

    def add(self, row: int, values: Mapping[str, Any], broken: set[str]) -> None:
        """Record the keys of one row read cell by cell; ``broken`` lists fields whose cell already failed."""
        for group, parts in self.keys(values, broken):
            self._pending[group].append((*parts, row))
            self._pending_count += 1
        if self._pending_count >= (_PYTHON_BATCH if self._hashes or self._db is not None else _PYTHON_KEYS):
            self._flush()

    def _flush(self) -> None:
        import polars as pl

        self._pending_count = 0
        names = list(self.groups)
        for group, rows in self._pending.items():
            if rows:
                fields = self.groups[names[group]]
                schema = {**{f"p{index}": pl.String for index in range(len(fields))}, "r": pl.Int64}
                frame = pl.DataFrame(rows, schema=schema, orient="row")
                # an integer beyond 64 bits hashes as null: at worst one more candidate for the exact check
                parts = [pl.col(f"p{index}").str.to_integer(strict=False) if name in self.integers
                         else pl.col(f"p{index}") for index, name in enumerate(fields)]
                self.add_hashes(frame.select(key_hash(parts, group).alias("h"), "r"))
                rows.clear()

    def candidates(self) -> Iterator[int]:
        """Row numbers, ascending, of every row whose key hash repeats: the rows to read again."""
        if not self._hashes and self._db is None:
            yield from self._python_candidates()
            return
        import polars as pl

        self._flush()
        if self._db is None:
            if not self._hashes:
                return
            seen = pl.concat(self._hashes)
            self._hashes.clear()
            yield from _repeated_rows(seen).to_list()
            return
        self._spill()
        cursor = self._db.execute("""
            SELECT DISTINCT r FROM seen WHERE h IN (SELECT h FROM seen GROUP BY h HAVING COUNT(*) > 1)
            ORDER BY r
        """)
        while chunk := cursor.fetchmany(10_000):
            for (row,) in chunk:
                yield row

    def _python_candidates(self) -> list[int]:
        """``candidates`` while every key is still a Python tuple: exact already, no hashing needed."""
        rows_of: dict[tuple[int, tuple[Any, ...]], list[int]] = {}
        for group, keys in self._pending.items():
            for key in keys:
                rows_of.setdefault((group, key[:-1]), []).append(key[-1])
        return sorted({row for rows in rows_of.values() if len(rows) > 1 for row in rows})

    def add_exact(self, row: int, values: Mapping[str, Any], cells: list[str | None]) -> None:
        """A candidate row read again: its exact keys and its cells (for the rows-to-fix file)."""
        text = json.dumps(cells, ensure_ascii=False)
        self._exact.extend((group, SEPARATOR.join(parts), row, text) for group, parts in self.keys(values))
        if len(self._exact) >= _PYTHON_BATCH:
            self._flush_exact()

    def _flush_exact(self) -> None:
        import polars as pl

        if self._exact:
            self._exact_frames.append(pl.DataFrame(
                self._exact, schema={"g": pl.UInt8, "k": pl.String, "r": pl.Int64, "c": pl.String}, orient="row"))
            self._exact.clear()
            if len(self._exact_frames) >= _EXACT_FRAMES_HELD or self._db is not None:
                arrow = pl.concat(self._exact_frames).to_arrow()  # noqa: F841 - read by DuckDB by name
                self._database().execute("INSERT INTO exact SELECT * FROM arrow")
                self._exact_frames.clear()

    def duplicates(self) -> Iterator[Duplicate]:
        """Every candidate row repeating an earlier key, in row order, with the first row holding that key."""
        if self._db is None and not self._exact_frames:  # a few candidates: grouped in Python
            first: dict[tuple[int, str], int] = {}
            for group, key, row, _ in self._exact:
                first[(group, key)] = min(row, first.get((group, key), row))
            repeats = sorted((row, group, first[(group, key)], key, cells) for group, key, row, cells in self._exact
                             if row > first[(group, key)])
            yield from self._duplicates((group, row, first_row, key, cells)
                                        for row, group, first_row, key, cells in repeats)
            return
        import polars as pl

        self._flush_exact()
        if self._db is None:
            exact = pl.concat(self._exact_frames)
            rows = (exact.with_columns(pl.col("r").min().over("g", "k").alias("first"))
                    .filter(pl.col("r") > pl.col("first")).sort("r", "g").select("g", "r", "first", "k", "c"))
            yield from self._duplicates(rows.iter_rows())
            return
        cursor = self._db.execute("""
            SELECT g, r, first, k, c FROM (
                SELECT g, k, r, c, MIN(r) OVER (PARTITION BY g, k) AS first FROM exact
            ) WHERE r > first ORDER BY r, g
        """)

        def rows() -> Iterator[tuple[int, int, int, str, str]]:
            while chunk := cursor.fetchmany(10_000):
                yield from chunk

        yield from self._duplicates(rows())

    def _duplicates(self, rows: Iterable[tuple[int, int, int, str, str]]) -> Iterator[Duplicate]:
        names = list(self.groups)
        for group_id, row, first, key, cells in rows:
            group = names[group_id]
            fields = self.groups[group]
            values = key.split(SEPARATOR)
            shown = ", ".join(f"{f} {v}" for f, v in zip(fields, values, strict=True)) if len(fields) > 1 else key
            yield Duplicate(group, row, first, shown, json.loads(cells))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
