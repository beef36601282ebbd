"""Primary-key and ``unique`` checks on disk, so memory stays flat whatever the number of rows.

Frictionless keeps every key of the table in a Python dict (about 300 MB per million rows with a
four-column key, see the validation baseline). Here keys go into a temporary SQLite file, and one
GROUP BY at the end finds the duplicates with both row numbers: "baris 12 dan 40 sama-sama berisi
…". A key with an empty or invalid cell is skipped: that cell already has its own error, and
frictionless' habit of treating two empty cells as equal keys only adds confusing duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

_BATCH = 10_000
_SEPARATOR = "\x1f"


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
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


class DuplicateFinder:
    def __init__(self, path: Path, groups: Mapping[str, Sequence[str]]) -> None:
        self.groups = {name: tuple(fields) for name, fields in groups.items()}
        self.fields = {name for fields in self.groups.values() for name in fields}
        self._db = sqlite3.connect(path)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA temp_store = FILE;
            PRAGMA cache_size = -16000;
            CREATE TABLE seen (grp TEXT, k TEXT, r INTEGER);
            CREATE TABLE cells (r INTEGER PRIMARY KEY, c TEXT);
            """
        )
        self._seen: list[tuple[str, str, int]] = []
        self._cells: list[tuple[int, str]] = []

    def add(self, row: int, values: Mapping[str, Any], cells: list[str | None], broken: set[str]) -> None:
        """Remember the keys of one row; ``broken`` lists fields whose cell already failed."""
        added = False
        for name, fields in self.groups.items():
            parts = []
            for field_name in fields:
                value = values[field_name]
                if value is None or field_name in broken:
                    break
                parts.append(value if type(value) is str else canonical(value))
            else:
                self._seen.append((name, _SEPARATOR.join(parts), row))
                added = True
        if added:
            self._cells.append((row, json.dumps(cells, ensure_ascii=False)))
        if len(self._seen) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO seen VALUES (?, ?, ?)", self._seen)
        self._db.executemany("INSERT INTO cells VALUES (?, ?)", self._cells)
        self._seen.clear()
        self._cells.clear()

    def duplicates(self) -> Iterator[Duplicate]:
        """Every row repeating an earlier key, in row order, with the first row holding that key."""
        self._flush()
        self._db.execute("CREATE INDEX seen_key ON seen (grp, k, r)")
        query = """
            WITH firsts AS (SELECT grp, k, MIN(r) AS first FROM seen GROUP BY grp, k HAVING COUNT(*) > 1)
            SELECT s.grp, s.r, f.first, s.k, c.c
            FROM seen s JOIN firsts f ON s.grp = f.grp AND s.k = f.k JOIN cells c ON c.r = s.r
            WHERE s.r > f.first ORDER BY s.r, s.grp
        """
        for group, row, first, key, cells in self._db.execute(query):
            values = key.split(_SEPARATOR)
            fields = self.groups[group]
            shown = ", ".join(f"{f} {v}" for f, v in zip(fields, values, strict=True)) if len(fields) > 1 else key
            yield Duplicate(group, row, first, shown, json.loads(cells))

    def close(self) -> None:
        self._db.close()
