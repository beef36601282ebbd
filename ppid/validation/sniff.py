"""Looking at a file before validating it: what it really is, how its text is encoded, how its
columns are separated, on which row its header is and, for workbooks, which sheet holds the table.

Officers upload what their office software produced: a web page saved as ``.xls``, a CSV with a
title and a blank row above the header, Windows-1252 text with one accented name on the last row.
Each of these must be named plainly instead of crashing a reader or being misread.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from ppid.validation import workbook
from ppid.validation.headers import normalise_header

HEADER_SEARCH_ROWS = 30
"""The header is looked for in this many rows at the top of the table."""
_CHUNK = 1024 * 1024
_SAMPLE_BYTES = 256 * 1024
_DELIMITERS = (",", ";", "\t", "|")
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta", b"<div")


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    JSON = "json"
    ZIP = "zip"
    PDF = "pdf"
    DOCX = "docx"
    """A word-processor or presentation document (docx, doc, odt, pptx)."""
    HTML = "html"
    EMPTY = "empty"
    UNKNOWN = "unknown"


WORKBOOK_FORMATS = frozenset({FileFormat.XLSX, FileFormat.XLS, FileFormat.ODS})
TABLE_FORMATS = WORKBOOK_FORMATS | {FileFormat.CSV}


@dataclass(frozen=True)
class Sniffed:
    """What a file turned out to be; row and column numbers are 1-based, as in a spreadsheet."""

    format: FileFormat
    encoding: str | None = None
    """Python codec name for text files: ``utf-8``, ``utf-8-sig`` (with BOM), ``utf-16``, ``cp1252`` or ``latin-1``."""
    delimiter: str | None = None
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    """The sheet that holds the table; None for a workbook if the requested sheet does not exist."""
    header_row: int | None = None
    """None when the top of the table has no text at all."""
    labels: tuple[str | None, ...] = ()
    title: str | None = None
    """The first text above the header row, e.g. ``DATA PENDUDUK KABUPATEN BOGOR 2023``."""
    merged_header: tuple[str, ...] = ()
    """Merged ranges touching the header row, e.g. ``("C3:D3",)``."""
    merged_data: tuple[str, ...] = ()
    """Merged ranges below the header row."""
    unreadable: str | None = None
    """Why a workbook could not be opened (a damaged or mislabelled file)."""


def sniff(path: Path, *, sheet: str | int | None = None, known_headers: Collection[str] = ()) -> Sniffed:
    """Inspect ``path``; ``known_headers`` (normalised column titles) helps find the header and the sheet."""
    fmt = detect_format(path)
    if fmt == FileFormat.CSV:
        encoding = detect_encoding(path)
        sample = _text_sample(path, encoding)
        if not sample.strip():
            return Sniffed(FileFormat.EMPTY, encoding=encoding)
        delimiter = detect_delimiter(sample)
        rows = list(_first_rows(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)))
        return _with_header(Sniffed(fmt, encoding=encoding, delimiter=delimiter), rows, known_headers)
    if fmt in WORKBOOK_FORMATS:
        try:
            return _sniff_workbook(path, fmt, sheet, known_headers)
        except workbook.UnreadableWorkbookError as error:
            return Sniffed(fmt, unreadable=str(error))
    return Sniffed(fmt)


def detect_format(path: Path) -> FileFormat:
    """The format from the content; the file name is only used to tell an old Word file from an old Excel one."""
    with path.open("rb") as stream:
        head = stream.read(8192)
    if not head:
        return FileFormat.EMPTY
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    if head.startswith(_OLE):
        return FileFormat.DOCX if path.suffix.lower() in (".doc", ".ppt") else FileFormat.XLS
    if head.startswith(b"%PDF"):
        return FileFormat.PDF
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif b"\x00" in head:
        return FileFormat.UNKNOWN
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if not start:
        return FileFormat.EMPTY if path.stat().st_size <= len(head) else FileFormat.CSV
    if start.startswith(b"<"):
        return FileFormat.HTML if any(marker in start for marker in _HTML_MARKERS) else FileFormat.UNKNOWN
    if start[:1] in (b"{", b"["):
        return FileFormat.JSON
    return FileFormat.CSV


def _zip_kind(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
                    return FileFormat.ODS
                if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                    return FileFormat.DOCX
    except zipfile.BadZipFile:  # e.g. a truncated upload: let the workbook reader say it is damaged
        return {".xlsx": FileFormat.XLSX, ".ods": FileFormat.ODS}.get(path.suffix.lower(), FileFormat.UNKNOWN)
    if "[Content_Types].xml" in names:
        if any(name.startswith("xl/") for name in names):
            return FileFormat.XLSX
        if any(name.startswith(("word/", "ppt/")) for name in names):
            return FileFormat.DOCX
    return FileFormat.ZIP


def detect_encoding(path: Path) -> str:
    """Read the WHOLE file in 1 MiB chunks: UTF-8 if every byte decodes, else Windows-1252, else Latin-1.

    Frictionless and most detectors look at the first 10-100 kB only, so a Windows-1252 export
    whose first accented name is on the last row passes detection and fails mid-file.
    Windows-1252 is the legacy encoding of Indonesian Windows offices; Latin-1 decodes anything,
    so a file with bytes undefined in Windows-1252 is still read rather than refused.
    """
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = cp1252 = True
        while chunk := stream.read(_CHUNK):
            if chunk.isascii():
                continue
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if cp1252 and any(byte in chunk for byte in _CP1252_UNDEFINED):
                cp1252 = False
            if not utf8 and not cp1252:
                break
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return "utf-8" if utf8 else "cp1252" if cp1252 else "latin-1"


def detect_delimiter(sample: str) -> str:
    """The separator giving the most rows of one same width (more than one cell); titles and blanks do not count."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        widths = Counter(len(row) for row in _first_rows(reader, 200) if len(row) > 1)
        if widths:
            width, rows = widths.most_common(1)[0]
            if (rows, width) > best_score:
                best, best_score = delimiter, (rows, width)
    return best


def find_header_row(rows: Sequence[Sequence[str | None]], known_headers: Collection[str] = ()) -> int | None:
    """0-based index of the header among ``rows``: the row naming most known columns, else the first
    row filled at least half as wide as the widest row (a title row fills one cell)."""
    filled = [sum(1 for cell in row if cell and cell.strip()) for row in rows]
    if not any(filled):
        return None
    if known_headers:
        hits = [sum(1 for cell in row if cell and normalise_header(cell) in known_headers) for row in rows]
        if max(hits) >= min(2, len(known_headers)):
            return hits.index(max(hits))
    widest = max(filled)
    needed = max(min(2, widest), math.ceil(widest / 2))
    return next(index for index, count in enumerate(filled) if count >= needed)


def _first_rows(rows: Iterable[list[str | None]], limit: int = HEADER_SEARCH_ROWS) -> list[list[str | None]]:
    taken = []
    try:
        for row in rows:
            taken.append(row)
            if len(taken) >= limit:
                break
    except csv.Error:
        pass
    return taken


def _text_sample(path: Path, encoding: str) -> str:
    """The first ~256 kB as text, cut after the last full line unless the file ends there."""
    with path.open("rb") as stream:
        raw = stream.read(_SAMPLE_BYTES)
        complete = not stream.read(1)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=complete)
    if not complete and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _with_header(base: Sniffed, rows: list[list[str | None]], known_headers: Collection[str]) -> Sniffed:
    index = find_header_row(rows, known_headers)
    if index is None:
        return base
    labels = [(cell or "").strip() or None for cell in rows[index]]
    while labels and labels[-1] is None:
        labels.pop()
    title = next((cell.strip() for row in rows[:index] for cell in row if cell and cell.strip()), None)
    return replace(base, header_row=index + 1, labels=tuple(labels), title=title)


def _sniff_workbook(path: Path, fmt: FileFormat, sheet: str | int | None, known_headers: Collection[str]) -> Sniffed:
    with workbook.open_workbook(path, fmt) as book:
        names = tuple(book.names)
        if isinstance(sheet, int):
            sheet = names[sheet - 1] if 0 < sheet <= len(names) else str(sheet)
        if sheet is not None and sheet not in names:
            return Sniffed(fmt, sheets=names)
        tops = {name: _first_rows(book.rows(name)) for name in ([sheet] if sheet else names)}
    chosen = max(tops, key=lambda name: (_sheet_score(tops[name], known_headers), -names.index(name)))
    sniffed = _with_header(Sniffed(fmt, sheets=names, sheet=chosen), tops[chosen], known_headers)
    if sniffed.header_row is None:
        return sniffed
    header, below = [], []
    for merged in workbook.merged_ranges(path, fmt, chosen):
        if merged.min_row > sniffed.header_row:
            below.append(merged.ref)
        elif merged.max_row >= sniffed.header_row:  # ranges wholly above are table titles: harmless
            header.append(merged.ref)
    return replace(sniffed, merged_header=tuple(header), merged_data=tuple(below))


def _sheet_score(rows: list[list[str | None]], known_headers: Collection[str]) -> tuple[int, bool]:
    """Sheets naming most known columns first, then sheets with any text; ties go to the earlier sheet."""
    hits = max((sum(1 for cell in row if cell and normalise_header(cell) in known_headers) for row in rows), default=0)
    return hits, any(cell and cell.strip() for row in rows for cell in row)
