"""The columnar engine: a table read in batches of whole columns, Table Schema checked with polars expressions.

Why this shape (figures in bench/README.md, "Validation"):

* **Reading.** A plain UTF-8 CSV (every row one line with the header's cell count, the usual export) is read by
  polars' own reader (``plain_csv_batches``): 0.2 s for 100 MB, and neither pyarrow nor numpy is imported
  (0.07–0.18 s of every command). polars cannot say which source row a parsed row came from and silently pads
  short rows, so that reader proves each block's shape and hands any other file to pyarrow's CSV reader, which
  parses 100 MB in 0.3–0.6 s into Arrow string columns and, read serially, tells the record number of every row
  whose cell count is wrong (its ``invalid_row_handler``), so row numbers stay exactly those of frictionless.
  DuckDB's reader needs a whole extension for Windows-1252 and was rejected. Workbooks are read by
  ``workbook.py`` as today and fed in batches.
* **Checking.** polars evaluates every field's type and constraints on a whole batch at once, on
  both cores, in about 0.1 µs per cell. The vectorised checks are *conservative*: they only ever clear
  cells that are certainly valid. Every other cell, and every row that holds one, is decided by
  frictionless's own cell reader (``Field.create_cell_reader``), with the answer cached per distinct
  cell value. Findings therefore equal frictionless's by construction, and a file with a hundred
  thousand bad cells costs a hundred thousand cached lookups, not a slow engine.
* **Keys.** Primary keys and ``unique`` columns go to DuckDB on disk (``uniqueness.py``), exact and in
  bounded memory at any row count.

This module only turns a table into batches and says, per batch, which rows are certainly clean;
``engine.py`` does the rest (the slow path for the other rows, the report).
"""

from __future__ import annotations

import codecs
import csv
import functools
import os
import queue
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from ppid.validation import uniqueness

if TYPE_CHECKING:  # pyarrow (with numpy, 0.07–0.18 s to import) loads only for a CSV polars cannot read exactly
    import pyarrow as pa
    import pyarrow.csv as pacsv

_BLOCK_SIZE = 8 << 20
"""Bytes per CSV block: ~100,000 rows of a typical table, so memory stays flat and progress is frequent."""
_LINE_BLOCK = _BLOCK_SIZE
"""Bytes read at a time when rows are taken from their lines (``_LineFile``)."""
_ROW_BATCH = 50_000
"""Rows per batch for workbooks, whose rows arrive one by one from openpyxl."""
_FLOAT_BAND = 1e-9
"""Relative distance from a bound within which a floating-point comparison is not trusted."""


class UnreadableTableError(Exception):
    """The columnar reader cannot read this file exactly as frictionless would; the engine falls back."""


class ReadAgainError(Exception):
    """This reader cannot read the table exactly: read it again with the next of ``READERS``."""


class NotPlainError(ReadAgainError):
    """Not a CSV ``plain_csv_batches`` reads exactly (a quoted line break, a carriage return, a row with the wrong
    cell count, an encoding other than UTF-8 …): read it with pyarrow."""


class RaggedRowsError(ReadAgainError):
    """Rows with the wrong cell count met while reading in parallel, which cannot number them: read again serially."""


READER_PLAIN, READER_ARROW, READER_SERIAL = "polars", "pyarrow", "pyarrow-serial"
READERS = (READER_PLAIN, READER_ARROW, READER_SERIAL)
"""The CSV readers in the order tried: each hands over to the next with a ``ReadAgainError``."""
_MARK = "\x01"
"""The cell ``plain_csv_batches`` appends to every line: a row whose last column does not hold it had too few cells."""
_T = TypeVar("_T")


@dataclass
class Batch:
    records: pa.RecordBatch | pl.DataFrame
    """Data rows with exactly the header's cell count: string columns ``c0 …``, null for an absent cell; as pyarrow
    read them (CSV) or as a polars frame (workbooks)."""
    numbers: pl.Series
    """The file row number of each row (Int64), ascending."""
    odd: list[tuple[int, list[str | None]]] = field(default_factory=list)
    """Rows with more or fewer cells than the header (number, cells), in row order."""
    bytes_read: int | None = None

    @functools.cached_property
    def frame(self) -> pl.DataFrame:
        """The rows as a polars frame (converted once, on first use)."""
        if isinstance(self.records, pl.DataFrame):
            return self.records
        frame = pl.from_arrow(self.records)
        assert isinstance(frame, pl.DataFrame)
        return frame

    def cells(self, wanted: list[int]) -> dict[int, list[str | None]]:
        """The cells of the rows numbered ``wanted`` (ascending, all in this batch), without converting the batch."""
        found = dict(item for item in self.odd if item[0] in set(wanted))
        regular = [number for number in wanted if number not in found]
        if regular:  # gathered by polars: pyarrow's ``take`` would import pyarrow.compute (0.1 s) for this alone
            positions = self.numbers.search_sorted(pl.Series(regular, dtype=pl.Int64))
            picked = self.frame[positions].rows()
            found.update((number, list(cells)) for number, cells in zip(regular, picked, strict=True))
        return found


def column_names(width: int) -> list[str]:
    return [f"c{index}" for index in range(width)]


# -- reading ---------------------------------------------------------------------------------------


def csv_batches(path: Path, *, encoding: str, delimiter: str, header_row: int, width: int,
                serial: bool = False) -> Iterator[Batch]:
    """The data rows of a CSV below ``header_row``, read by pyarrow ahead of the checks in a background thread.

    Parsing in parallel is twice as fast but cannot number rows with a wrong cell count: when one turns
    up, ``RaggedRowsError`` asks the caller to read again with ``serial=True``. Raises
    ``UnreadableTableError`` where pyarrow and Python's csv module may read differently.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if width == 0:
        raise UnreadableTableError("tabel tanpa kolom")
    names = column_names(width)
    invalid: list[tuple[int, str]] = []

    ragged: list[bool] = []

    def on_invalid(row: Any) -> str:
        if row.number is None:
            ragged.append(True)
            return "error"
        invalid.append((row.number, row.text))
        return "skip"

    pyarrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    try:
        codecs.lookup(pyarrow_encoding)
    except LookupError as error:
        raise UnreadableTableError(f"encoding {encoding}") from error
    read_options = pacsv.ReadOptions(use_threads=not serial, block_size=_BLOCK_SIZE, skip_rows=header_row,
                                     column_names=names, encoding=pyarrow_encoding)
    parse_options = pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                                       newlines_in_values=True, ignore_empty_lines=False,
                                       invalid_row_handler=on_invalid)
    convert_options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                                           quoted_strings_can_be_null=False, null_values=[])
    source = path.open("rb")
    try:
        try:
            reader = pacsv.open_csv(source, read_options=read_options, parse_options=parse_options,
                                    convert_options=convert_options)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
            if ragged:
                raise RaggedRowsError from error
            if "Empty CSV file" in str(error):
                return
            raise UnreadableTableError(str(error)) from error
        yield from _numbered(reader, source, invalid, header_row=header_row, delimiter=delimiter, names=names,
                             ragged=ragged)
    finally:
        source.close()


def _numbered(reader: pacsv.CSVStreamingReader, source: Any, invalid: list[tuple[int, str]], *, header_row: int,
              delimiter: str, names: list[str], ragged: list[bool]) -> Iterator[Batch]:
    """Batches with the file row number of each row, and the rows pyarrow set aside for their cell count."""
    size = os.fstat(source.fileno()).st_size
    next_number = header_row + 1
    pending: list[tuple[int, str]] = []
    for record_batch, bytes_read in _prefetched(reader, lambda: min(source.tell(), size), ragged):
        pending.extend(invalid)
        invalid.clear()
        pending.sort()
        count = record_batch.num_rows
        numbers: list[int] | None = None
        odd: list[tuple[int, list[str | None]]] = []
        if pending and pending[0][0] < next_number + count + len(pending):
            numbers = []
            while len(numbers) < count or (pending and pending[0][0] == next_number):
                if pending and pending[0][0] == next_number:
                    odd.append((next_number, _split(pending.pop(0)[1], delimiter)))
                else:
                    numbers.append(next_number)
                next_number += 1
        if numbers is None:
            series = pl.int_range(next_number, next_number + count, eager=True, dtype=pl.Int64)
            next_number += count
        else:
            series = pl.Series(numbers, dtype=pl.Int64)
        yield Batch(records=record_batch, numbers=series.alias("__row"), odd=odd, bytes_read=bytes_read)
    pending.extend(invalid)
    if pending:
        pending.sort()
        odd = [(number, _split(text, delimiter)) for number, text in pending]
        yield Batch(records=pl.DataFrame(schema=dict.fromkeys(names, pl.String)),
                    numbers=pl.Series("__row", [], dtype=pl.Int64), odd=odd, bytes_read=size)


def _prefetched(reader: pacsv.CSVStreamingReader, position: Callable[[], int], ragged: list[bool]) -> Iterator[
        tuple[pa.RecordBatch, int]]:
    """pyarrow's batches parsed one ahead (``_ahead``), its errors told as this module's.

    ``position`` tells how far into the file the reader has got, for progress.
    """
    import pyarrow as pa

    try:
        yield from _ahead((record_batch, position()) for record_batch in reader)
    except Exception as error:
        if ragged:
            raise RaggedRowsError from error
        if isinstance(error, pa.ArrowInvalid | pa.ArrowNotImplementedError):
            raise UnreadableTableError(str(error)) from error
        raise


def _ahead(items: Iterator[_T]) -> Iterator[_T]:
    """``items`` produced one ahead in a thread: the file is parsed while polars checks the previous batch. An
    exception of the producer is raised here."""
    slots: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()
    done = object()

    def offer(item: Any) -> bool:
        """Hand one item over unless the consumer has stopped; never blocks a finished consumer."""
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((item,)):
                    return
            offer(done)
        except BaseException as error:  # handed to the consumer, which raises it
            offer(error)

    thread = threading.Thread(target=produce, name="ppid-csv-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item[0]
    finally:
        stop.set()
        thread.join()


def plain_csv_batches(path: Path, *, encoding: str, delimiter: str, header_row: int, width: int) -> Iterator[Batch]:
    """The data rows of a plain CSV read by polars' own reader, which needs neither pyarrow nor numpy.

    polars pads a row with too few cells with empty cells and has no record numbers, so it reads only what it
    reads exactly, and raises ``NotPlainError`` at the first doubt: a UTF-8 file whose lines all end in LF or all in
    CR LF, every row on one line, every row with the header's cell count. The shape is proved per block without a
    pass in Python: a ``_MARK`` cell is appended to every line (``bytes.replace``), and the block is plain when polars
    reads as many rows as lines (a quoted line break would join two), each with the mark in its last column (a short
    row has it further left, a blank line too; a long row is a polars error).
    """
    separator = delimiter.encode("utf-8") if delimiter else b""
    if (encoding not in ("utf-8", "utf-8-sig") or width < 2 or header_row < 1 or len(separator) != 1
            or separator in b'"\r\n' + _MARK.encode()):
        raise NotPlainError(encoding)
    names = [*column_names(width), "__mark"]
    schema = dict.fromkeys(names, pl.String)
    marked_end = separator + _MARK.encode() + b"\n"

    def parse(block: bytes) -> pl.DataFrame:
        if b"\r" in block:  # Windows line ends: each must be one (a lone carriage return ends a row for Python)
            marked = block.replace(b"\r\n", marked_end[:-1] + b"\r\n")
            lines = (len(marked) - len(block)) // (len(marked_end) - 1)
            if block.count(b"\r") != lines:
                raise NotPlainError("carriage return")
        else:
            marked = block.replace(b"\n", marked_end)
            lines = (len(marked) - len(block)) // (len(marked_end) - 1)
        try:
            frame = pl.read_csv(marked, has_header=False, separator=delimiter, new_columns=names, schema=schema,
                                quote_char='"', infer_schema=False, raise_if_empty=False, empty_string_is_null=False,
                                truncate_ragged_lines=False)
        except pl.exceptions.PolarsError as error:
            raise NotPlainError(str(error)) from error
        if frame.height != lines or not frame.get_column("__mark").eq(_MARK).all():
            raise NotPlainError("row shape")
        return frame.drop("__mark").rechunk()

    def produce() -> Iterator[Batch]:
        """Blocks of whole lines read into one buffer used again (a fresh 8 MB ``bytes`` a block, joined to the last
        one's unfinished line and cut, cost 0.03–0.05 s of CPU on 100 MB), each parsed once it is marked."""
        next_number = header_row + 1
        with path.open("rb", buffering=0) as source:
            size = os.fstat(source.fileno()).st_size
            rest = _after_header(source, header_row)
            offset = source.tell() - len(rest)
            unread = size - source.tell()
            block_size = min(_BLOCK_SIZE, unread + 1) if unread > 0 else _BLOCK_SIZE  # not 16 MB zeroed for 2 MB
            buffer = bytearray(max(2 * block_size, len(rest) + block_size))
            buffer[:len(rest)] = rest
            carry = len(rest)
            while True:
                if carry + block_size > len(buffer):  # a line longer than a block
                    buffer.extend(bytes(carry + block_size - len(buffer)))
                with memoryview(buffer) as view:
                    read = source.readinto(view[carry:carry + block_size]) or 0
                    end = carry + read
                    if not end:
                        return
                    cut = buffer.rfind(b"\n", 0, end) + 1 if read else end
                    if not cut:
                        carry = end
                        continue
                    block = bytes(view[:cut])
                buffer[:end - cut] = buffer[cut:end]
                carry = end - cut
                if not read and not block.endswith(b"\n"):  # the last line, without its line end
                    block += b"\r\n" if b"\r" in block else b"\n"
                offset += cut
                frame = parse(block)
                numbers = pl.int_range(next_number, next_number + frame.height, eager=True, dtype=pl.Int64)
                next_number += frame.height
                yield Batch(records=frame, numbers=numbers.alias("__row"), bytes_read=min(offset, size))

    return _ahead(produce())


def _after_header(source: Any, header_row: int) -> bytes:
    """Read past the first ``header_row`` lines; the bytes read beyond them. Lines with an odd number of quotes (a
    quoted line break may start there) or a carriage return before their end raise ``NotPlainError``."""
    data = b""
    while data.count(b"\n") < header_row:
        more = source.read(1 << 16)
        if not more:
            raise NotPlainError("header")
        data += more
    end = -1
    for _ in range(header_row):
        start, end = end + 1, data.index(b"\n", end + 1)
        line = data[start:end].removesuffix(b"\r")
        if line.count(b'"') % 2 or b"\r" in line:
            raise NotPlainError("header")
    return data[end + 1:]


_LINE_ENCODINGS = {"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii"}
"""Encodings ``sniff`` gives in which a newline byte is always a newline (not UTF-16's)."""


def one_line_per_record(path: Path, *, encoding: str, records: int) -> bool:
    """Whether the file's ``records`` rows (the header's included) are exactly its lines: no quoted line break, no
    lone ``\r`` ending, an encoding whose newline byte is a newline. Counted over the file in C (``_newlines``), about
    60 ms for 100 MB; when true, ``lines_at`` can take a row straight from its line."""
    if not _line_encoding(encoding):
        return False
    lines = _LineFile(path, encoding, ",")
    for _ in lines.rows_at(iter(()), to_end=True):
        pass
    return lines.matches(records)


def lines_at(path: Path, wanted: Iterator[int], *, encoding: str, delimiter: str) -> Iterator[
        tuple[int, list[str | None]]]:
    """The cells of the rows numbered ``wanted`` (ascending) of a file where every row is one line (as
    ``one_line_per_record`` or ``plain_csv_batches`` proved), split as a row read alone is (``_split``): one pass up to
    the last wanted row, no parsing."""
    return _LineFile(path, encoding, delimiter, checking=False).rows_at(wanted, to_end=False)


def rows_on_lines(path: Path, wanted: list[int], *, encoding: str, delimiter: str, records: int) -> list[
        tuple[int, list[str | None]]] | None:
    """``lines_at`` and ``one_line_per_record`` in one pass: the rows numbered ``wanted`` taken from their lines and
    held (the caller bounds how many) until the end of the file shows that every row is one line; None when not."""
    if not _line_encoding(encoding):
        return None
    lines = _LineFile(path, encoding, delimiter)
    found = list(lines.rows_at(iter(wanted), to_end=True))
    return found if lines.matches(records) else None


def _line_encoding(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _LINE_ENCODINGS
    except LookupError:
        return False


class _LineFile:
    """A file read in blocks of whole lines into one buffer used again for every block, counting on the way what
    ``one_line_per_record`` needs. A fresh 8 MB ``bytes`` per block (and its copy with the previous block's unfinished
    line) cost 18,500 page faults, 0.06 s of system time, on 100 MB (bench/README.md, "Session 9")."""

    def __init__(self, path: Path, encoding: str, delimiter: str, *, checking: bool = True) -> None:
        """``checking``: count the carriage returns for ``matches`` (needless where every row is known to be a line)."""
        self.path, self.encoding, self.delimiter, self.checking = path, encoding, delimiter, checking
        self.lines = self.returns = self.pairs = 0
        self.last = b"\n"

    def rows_at(self, wanted: Iterator[int], *, to_end: bool) -> Iterator[tuple[int, list[str | None]]]:
        """The cells of the rows numbered ``wanted`` (ascending), each from its line; on to the end of the file when
        ``to_end`` (for ``matches``). Each block's newlines are counted once, in C, on the way to the wanted lines
        and past the last of them (``_newlines``)."""
        target = next(wanted, None)
        line = 1  # the number of the line starting at ``start``
        for buffer, size, last in self._blocks():
            start = 0
            while target is not None:
                start, skipped = _skip_lines(buffer, start, target - line, size)
                line += skipped
                if line < target or start == size:  # the line starts in the next block, or nowhere
                    break
                end = buffer.find(b"\n", start, size)
                text = buffer[start:size if end < 0 else end].decode(self.encoding)
                yield target, _split(text[:-1] if text.endswith("\r") else text, self.delimiter)
                target = next(wanted, None)
            if last:
                return
            if target is None and not to_end:
                return
            line += _newlines(buffer, start, size)
            self.lines = line - 1

    def matches(self, records: int) -> bool:
        """After the whole file was read: whether its ``records`` rows are exactly its lines."""
        return self.returns == self.pairs and self.lines + (self.last != b"\n") == records

    def _blocks(self) -> Iterator[tuple[bytearray, int, bool]]:
        """(buffer, size, last): the buffer's first ``size`` bytes are the previous block's unfinished line and the
        whole lines after it; ``last``: they are the file's last line, without a newline."""
        buffer = bytearray(2 * _LINE_BLOCK)
        carry = 0
        with self.path.open("rb", buffering=0) as stream:
            while True:
                if carry + _LINE_BLOCK > len(buffer):  # a line longer than a block
                    buffer = buffer[:carry] + bytearray(_LINE_BLOCK + carry)
                with memoryview(buffer) as view:
                    read = stream.readinto(view[carry:carry + _LINE_BLOCK]) or 0
                size = carry + read
                if not read:
                    if size:
                        yield buffer, size, True
                    return
                if self.checking:
                    self._count(buffer, carry, size)
                done = buffer.rfind(b"\n", carry, size) + 1  # the carried part has no newline
                yield buffer, done, False
                buffer[:size - done] = buffer[done:size]
                carry = size - done

    def _count(self, buffer: bytearray, start: int, end: int) -> None:
        """The carriage returns among the bytes just read (``buffer[start:end]``), and those followed by a newline."""
        if self.last == b"\r" or buffer.find(b"\r", start, end) >= 0:
            self.returns += buffer.count(b"\r", start, end)
            self.pairs += buffer.count(b"\r\n", start, end) + (self.last == b"\r" and buffer[start] == 10)
        self.last = bytes(buffer[end - 1:end])


_SKIP_STEP = 4096
"""Bytes whose newlines are counted at least at a time on the way to a wanted line: few enough that the last stretch
is walked newline by newline in a few calls, enough that the counting runs in C."""
_WALK_LINES = 16
"""Lines near enough to walk to one newline at a time (wanted rows next to each other) rather than count first."""


def _skip_lines(buffer: bytearray, start: int, lines: int, end: int) -> tuple[int, int]:
    """Where the line ``lines`` lines after the one starting at ``start`` starts, and how many lines were skipped:
    fewer when ``buffer[:end]`` ends first (then where its last whole line ends).

    After a first ``_SKIP_STEP``, each stretch counted is seven eighths of the bytes the lines left take at the
    length of those seen so far, so it rarely holds the wanted line (then it is counted again in small steps), and a
    wanted line is reached in a few stretches whatever the distance."""
    skipped, step, first = 0, _SKIP_STEP, start
    while lines - skipped > _WALK_LINES and start < end:
        stop = min(start + step, end)
        seen = _newlines(buffer, start, stop)
        if skipped + seen >= lines:
            if step == _SKIP_STEP:
                break
            step = _SKIP_STEP
            continue
        skipped, start = skipped + seen, stop
        step = max(_SKIP_STEP, (lines - skipped - _WALK_LINES) * (start - first) // max(skipped, 1) * 7 // 8)
    while skipped < lines:
        found = buffer.find(b"\n", start, end)
        if found < 0:
            break
        skipped, start = skipped + 1, found + 1
    return start, skipped


def _newlines(buffer: bytearray, start: int, stop: int) -> int:
    """The newlines in ``buffer[start:stop]``. ``bytearray.count`` looks at every byte (0.35–0.5 ns each); ``replace``
    finds them with ``memchr`` and, copies included, takes two thirds of that, in pieces of ``_COUNT_PIECE`` (a copy
    of 8 MB at once costs five times as much, in page faults). No numpy to import (0.08 s)."""
    newlines = 0
    for piece in range(start, stop, _COUNT_PIECE):
        end = min(piece + _COUNT_PIECE, stop)
        newlines += end - piece - len(buffer[piece:end].replace(b"\n", b""))
    return newlines


_COUNT_PIECE = 1 << 18
"""Bytes copied at a time by ``_newlines``: small enough to be served from memory already mapped and stay in cache."""


def _split(text: str, delimiter: str) -> list[str | None]:
    """One odd row's cells, as Python's csv module (frictionless's reader) splits them."""
    rows = list(csv.reader([text], delimiter=delimiter, quotechar='"', doublequote=True, strict=False))
    return list(rows[0]) if rows else []


def row_batches(rows: Iterator[list[str | None]], *, first_number: int, width: int) -> Iterator[Batch]:
    """Workbook rows (already padded to the header width, blank rows as ``[]``) in batches."""
    names = column_names(width)
    number = first_number
    while True:
        regular: list[list[str | None]] = []
        numbers: list[int] = []
        odd: list[tuple[int, list[str | None]]] = []
        for cells in rows:
            if len(cells) == width:
                regular.append(cells)
                numbers.append(number)
            else:
                odd.append((number, cells))
            number += 1
            if len(regular) + len(odd) >= _ROW_BATCH:
                break
        if not regular and not odd:
            return
        columns = list(zip(*regular, strict=True)) if regular else [() for _ in names]
        frame = pl.DataFrame({name: pl.Series(name, list(values), dtype=pl.String)
                              for name, values in zip(names, columns, strict=True)})
        yield Batch(records=frame, numbers=pl.Series("__row", numbers, dtype=pl.Int64), odd=odd)


# -- fields ----------------------------------------------------------------------------------------


@dataclass
class FieldRule:
    """What the vectorised checks know about one column: which cells are certainly valid, and their value."""

    column: str
    """The batch column, ``c0 …``."""
    kind: str
    """The Table Schema type (a column no field was matched to is ``any``)."""
    ok: pl.Expr | None
    """True where the cell is certainly valid (missing and allowed to be, or typed and within every constraint);
    None when no vectorised check exists for this field: every cell is then read by frictionless."""
    missing: pl.Expr
    typed: pl.Expr | None
    """The cell's value as polars holds it (Int64, Float64, Date, Boolean, String), null when missing."""
    key: pl.Expr | None
    """The value spelled as ``uniqueness.canonical`` spells it, for primary and unique keys; null where the cell is
    missing."""
    hashed: pl.Expr | None = None
    """The key part ``uniqueness.key_hash`` hashes for a present cell that ``ok`` clears (never null there): the
    integer of an integer or year (``DuplicateFinder`` hashes those of rows read alone as integers too), else the key
    without its ``missing`` guard. ``key`` took 23 ms for b's million rows, 15 of them turning integers back into
    text."""
    per_value: bool = False
    """True when ``ok`` costs more per cell (a regular expression, a date parse: 30–70 ms a million cells; an integer
    read and compared with its bounds) than finding the cell among the batch's distinct values (about 10 ms): worth
    checking once per distinct value where a column repeats its values, as codes, years and dates do. Integers
    included: bench files a and b, 200,000 rows, 2.362 -> 2.325 G and 2.786 -> 2.746 G instructions (callgrind)."""


def field_rule(column: str, spec: Mapping[str, Any], missing_values: Sequence[str],
               value_reader: Callable[[Any], Any] | None, supported: Sequence[str]) -> FieldRule:
    """The vectorised rule for one column (an unmatched column is an ``any`` field without constraints)."""
    cell = pl.col(column)
    values = list(missing_values)
    missing = cell.is_null()
    if values:
        missing = missing | (cell == values[0] if len(values) == 1 else cell.is_in(values))
    kind = spec.get("type", "string")
    constraints = {name: value for name, value in (spec.get("constraints") or {}).items() if name in supported}
    required = bool(constraints.get("required"))
    typing = _typing(kind, spec, cell)
    if typing is None:
        return FieldRule(column, kind, None, missing, None, None)
    type_ok, typed, key = typing
    checks = [type_ok]
    for name, limit in constraints.items():
        check = _constraint(name, limit, kind, cell, typed, value_reader)
        if check is None:
            return FieldRule(column, kind, None, missing, None, None)
        if check is not True:
            checks.append(check)
    valid = pl.all_horizontal(checks) if len(checks) > 1 else checks[0]
    ok = pl.when(missing).then(pl.lit(not required)).otherwise(valid.fill_null(False))
    per_value = kind in ("integer", "year", "number", "date") or "pattern" in constraints
    return FieldRule(column, kind, ok, missing, pl.when(missing).then(None).otherwise(typed),
                     pl.when(missing).then(None).otherwise(key), typed if kind in uniqueness.INTEGER_KINDS else key,
                     per_value)


_YEAR = r"^[0-9]{4}$"
_ISO_DATE = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"


def _typing(kind: str, spec: Mapping[str, Any], cell: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr] | None:
    """(certainly of the type, typed value, canonical key) for the types with a vectorised reading."""
    if kind == "any":  # every cell is a value: only its constraints (``required`` above all) can fail
        return pl.lit(True), cell, cell
    if kind == "string":
        if spec.get("format", "default") != "default":
            return None
        return pl.lit(True), cell, cell
    if kind == "integer":
        if spec.get("bareNumber", True) is not True:
            return None
        typed = cell.str.to_integer(strict=False)  # accepts a subset of what Python's int() accepts
        return typed.is_not_null(), typed, typed.cast(pl.String)
    if kind == "year":
        typed = cell.str.to_integer(strict=False)
        return cell.str.contains(_YEAR) & typed.is_not_null(), typed, typed.cast(pl.String)
    if kind == "number":
        if spec.get("bareNumber", True) is not True or spec.get("floatNumber"):
            return None
        decimal = spec.get("decimalChar", ".")
        if len(decimal) != 1 or decimal in "+-0123456789" or spec.get("groupChar", "") in (decimal,):
            return None
        shape = rf"^[+-]?[0-9]{{1,15}}({re.escape(decimal)}[0-9]{{1,15}})?$"
        plain = cell if decimal == "." else cell.str.replace(decimal, ".", literal=True)
        typed = plain.cast(pl.Float64, strict=False)
        return cell.str.contains(shape) & typed.is_not_null(), typed, _canonical_number(plain)
    if kind == "date":
        if spec.get("format", "default") != "default":
            return None
        typed = cell.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        return cell.str.contains(_ISO_DATE) & typed.is_not_null(), typed, cell
    if kind == "boolean":
        true_values = list(spec.get("trueValues", ["true", "True", "TRUE", "1"]))
        false_values = list(spec.get("falseValues", ["false", "False", "FALSE", "0"]))
        typed = pl.when(cell.is_in(true_values)).then(True).when(cell.is_in(false_values)).then(False)
        return typed.is_not_null(), typed, pl.when(typed).then(pl.lit("True")).otherwise(pl.lit("False"))
    return None


def _canonical_number(plain: pl.Expr) -> pl.Expr:
    """``uniqueness.canonical`` (zero as ``0``, else ``format(Decimal(text).normalize(), "f")``) for texts of the
    shape ``[+-]digits[.digits]``."""
    text = plain.str.strip_prefix("+")
    text = pl.when(text.str.contains(".", literal=True)).then(
        text.str.replace(r"0+$", "").str.strip_suffix(".")).otherwise(text)
    text = text.str.replace(r"^(-?)0+([0-9])", "${1}${2}")
    return pl.when(text == "-0").then(pl.lit("0")).otherwise(text)


def _constraint(name: str, limit: Any, kind: str, cell: pl.Expr, typed: pl.Expr,
                value_reader: Callable[[Any], Any] | None) -> pl.Expr | bool | None:
    """A conservative check for one constraint: True where certainly met; ``True`` (the value) when nothing is
    to check; None when there is no vectorised form (the column then goes to frictionless's reader)."""
    if name in ("required", "unique"):
        return True
    if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = value_reader(limit) if value_reader is not None else None
        if kind in ("integer", "year") and isinstance(bound, int):
            return {"minimum": typed >= bound, "maximum": typed <= bound,
                    "exclusiveMinimum": typed > bound, "exclusiveMaximum": typed < bound}[name]
        if kind == "number" and (isinstance(bound, int) or (isinstance(bound, Decimal) and bound.is_finite())):
            value = float(bound)
            band = _FLOAT_BAND * max(1.0, abs(value))
            return typed > value + band if "inimum" in name else typed < value - band
        if kind == "date" and isinstance(bound, date):
            return {"minimum": typed >= bound, "maximum": typed <= bound,
                    "exclusiveMinimum": typed > bound, "exclusiveMaximum": typed < bound}[name]
        return None
    if name == "enum":
        if not isinstance(limit, list):
            return None
        if kind == "string" and all(isinstance(item, str) for item in limit):
            return cell.is_in(limit)
        if kind in ("integer", "year") and value_reader is not None:
            values = [value_reader(item) for item in limit]
            if all(isinstance(item, int) and not isinstance(item, bool) for item in values):
                return typed.is_in(values)
        return None
    if kind != "string":
        return None
    if name in ("minLength", "maxLength") and isinstance(limit, int):
        length = cell.str.len_chars()
        return length >= limit if name == "minLength" else length <= limit
    if name == "pattern" and isinstance(limit, str):
        translated = _rust_pattern(limit)
        return None if translated is None else cell.str.contains(translated)
    return None


def _rust_pattern(pattern: str) -> str | None:
    """frictionless's ``re.compile("^" + pattern + "$").match`` for polars' regex engine, or None when the pattern
    uses what that engine lacks (look-around, back-references). Python's ``$`` also matches before a final newline."""
    if "[:" in pattern:  # POSIX classes: a class in polars, a set of characters in Python
        return None
    translated = r"\A(?:^" + pattern + r"(?:\n?\z))"
    try:
        pl.select(pl.lit("").str.contains(translated))
    except Exception:  # polars raises ComputeError for an unsupported or invalid pattern
        return None
    return translated
