"""A scratch file of the rows that need fixing, written while validating and read back in row order.

Keeping these rows on disk rather than in memory is what lets a file where every row is wrong
(1 million problem rows) be validated in flat memory. Notes are stored as cause codes, not text,
so the rows-to-fix CSV can be rendered later in either language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple


class Note(NamedTuple):
    code: str
    column: str | None
    value: str | None = None
    related_row: int | None = None


class LoggedRow(NamedTuple):
    row: int
    cells: list[str | None]
    notes: list[Note]


class RowLogWriter:
    """Appends one JSON line per row; rows must be written in increasing row order.

    With ``keep=False`` it writes nothing: the caller wants the report only (``validate_table(rows_to_fix=False)``).
    """

    def __init__(self, path: Path, *, keep: bool = True) -> None:
        self.path = path
        self._stream = path.open("w", encoding="utf-8") if keep else None

    @property
    def keeps(self) -> bool:
        """Whether rows are written at all: a caller without a log to keep need not build its notes."""
        return self._stream is not None

    def write(self, row: int, cells: list[str | None], notes: list[Note]) -> None:
        if self._stream is not None:
            self._stream.write(json.dumps([row, cells, notes], ensure_ascii=False, default=str))
            self._stream.write("\n")

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()


def read_row_log(path: Path) -> Iterator[LoggedRow]:
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            entry = json.loads(line)
            if isinstance(entry, dict):  # written by polars for rows checked in columns
                yield LoggedRow(entry["row"], entry["cells"], [
                    Note(note["code"], note["column"], note["value"]) for note in entry["notes"]])
            else:
                row, cells, notes = entry
                yield LoggedRow(row, cells, [Note(*note) for note in notes])
