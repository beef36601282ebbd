"""How far a validation has come, reported while it runs, so a terminal or the uploader can show it.

The engine calls the ``progress`` callback given to ``validate_table`` at most every few thousand
rows (and once at the end of each table); the callback must be cheap and must not raise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationProgress:
    table: str
    """The table being read: the file's name, or ``archive.zip/member.csv`` inside an archive."""
    rows: int
    """Data rows read so far in this table."""
    errors: int
    """Errors found so far in this table (warnings not counted)."""
    bytes_read: int | None = None
    """Bytes of the file read so far, when the reader knows; with ``bytes_total`` it gives a percentage."""
    bytes_total: int | None = None
    done: bool = False
    """True once, when the table has been read to the end (or stopped at the error limit)."""


ProgressCallback = Callable[[ValidationProgress], None]
