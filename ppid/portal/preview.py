"""The first rows of a published table, for the dataset page, read from storage with bounded memory.

The file is read exactly as validation reads it (:mod:`ppid.validation.sniff` finds the encoding, the
delimiter, the sheet and the header row), so the preview shows the same columns the report talks
about. Only the top of a CSV is copied; a workbook must be copied whole (a zip file is read from its
end), so larger ones than :data:`WORKBOOK_MAX_BYTES` get no preview. Either way the copy goes to a
scratch file in chunks, never into memory, and only :data:`PREVIEW_ROWS` rows are parsed.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path, PurePosixPath

from ppid.storage import Storage, StorageError
from ppid.validation import workbook
from ppid.validation.sniff import TABLE_FORMATS, FileFormat, sniff

PREVIEW_ROWS = 20
CSV_HEAD_BYTES = 1024 * 1024
WORKBOOK_MAX_BYTES = 50 * 1024 * 1024
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".ods"}
COPY_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Preview:
    labels: list[str]
    rows: list[list[str]]


def preview_table(storage: Storage, key: str, name: str, *, rows: int = PREVIEW_ROWS) -> Preview | None:
    """The header and first ``rows`` rows of the stored table, or None when it is not a readable table."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        return None
    is_csv = suffix in {".csv", ".txt"}
    try:
        if not is_csv and storage.size(key) > WORKBOOK_MAX_BYTES:
            return None
        with tempfile.TemporaryDirectory(prefix="ppid-pratinjau-") as scratch:
            path = Path(scratch) / f"berkas{suffix}"
            with storage.open(key) as stream, path.open("wb") as copy:
                _copy(stream, copy, limit=CSV_HEAD_BYTES if is_csv else None)
            return _read(path, rows)
    except (StorageError, OSError, workbook.UnreadableWorkbookError, csv.Error, UnicodeError):
        return None


def _copy(stream, target, *, limit: int | None) -> None:
    if limit is None:
        shutil.copyfileobj(stream, target, COPY_CHUNK)
        return
    remaining = limit
    while remaining > 0 and (chunk := stream.read(min(COPY_CHUNK, remaining))):
        target.write(chunk)
        remaining -= len(chunk)


def _read(path: Path, rows: int) -> Preview | None:
    sniffed = sniff(path)
    if sniffed.format not in TABLE_FORMATS or sniffed.header_row is None or sniffed.unreadable:
        return None
    table = islice(_rows(path, sniffed), sniffed.header_row - 1, None)
    header = next(table, None)
    if header is None:
        return None
    width = max(len(sniffed.labels), 1)
    labels = [(cell or "").strip() for cell in header[:width]]
    body = []
    for row in table:
        cells = [(cell or "").strip() for cell in row[:width]]
        if not any(cells):
            continue
        body.append(cells + [""] * (width - len(cells)))
        if len(body) >= rows:
            break
    return Preview(labels=labels, rows=body)


def _rows(path: Path, sniffed) -> Iterator[list[str | None]]:
    if sniffed.format == FileFormat.CSV:
        with path.open(encoding=sniffed.encoding or "utf-8", errors="replace", newline="") as text:
            yield from csv.reader(text, delimiter=sniffed.delimiter or ",")
        return
    yield from workbook.iter_rows(path, sniffed.format.value, sniffed.sheet)
