"""Reading spreadsheet workbooks (xlsx, xls, ods) row by row, and finding their merged cells.

Cells are turned into the text an officer sees in the sheet (``3201``, ``2021-05-13``), then typed by
the schema like a CSV. Frictionless' own Excel reader either keeps native types (a code typed as the
number 3201 fails a string field) or stringifies them (a date becomes ``2021-05-13 00:00:00`` and
fails a date field), so the conversion is done here, once, for every workbook format.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_CHUNK = 1024 * 1024
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class CellRange:
    ref: str
    min_row: int
    max_row: int
    min_col: int
    max_col: int

    @classmethod
    def from_ref(cls, ref: str) -> CellRange:
        from openpyxl.utils.cell import range_boundaries  # here: openpyxl costs ~0.08 s, a CSV never needs it

        min_col, min_row, max_col, max_row = range_boundaries(ref)
        return cls(ref, min_row, max_row, min_col, max_col)


def cell_text(value: Any) -> str | None:
    """The text of a spreadsheet cell as the sheet shows it; whole numbers stored as floats lose their ``.0``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


class _Book(Protocol):
    names: list[str]

    def rows(self, sheet: str) -> Iterator[list[str | None]]: ...

    def close(self) -> None: ...


class _XlsxBook:
    def __init__(self, path: Path) -> None:
        import openpyxl  # here: openpyxl costs ~0.08 s to import, and a CSV never needs it

        self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.names = list(self._book.sheetnames)

    def rows(self, sheet: str) -> Iterator[list[str | None]]:
        worksheet = self._book[sheet]
        worksheet.reset_dimensions()  # the stored dimension is often inflated by formatting (A1:XFD1048576)
        for values in worksheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]

    def close(self) -> None:
        self._book.close()


class _XlsBook:
    def __init__(self, path: Path) -> None:
        import xlrd

        self._xlrd = xlrd
        self._book = xlrd.open_workbook(path, on_demand=True)
        self.names = list(self._book.sheet_names())

    def rows(self, sheet: str) -> Iterator[list[str | None]]:
        xlrd, worksheet = self._xlrd, self._book.sheet_by_name(sheet)
        for index in range(worksheet.nrows):
            row: list[str | None] = []
            for cell in worksheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, self._book.datemode)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(cell_text(bool(cell.value)))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:
                    row.append(cell_text(cell.value))
            yield row

    def close(self) -> None:
        self._book.release_resources()


class _OdsBook:
    """ezodf reads the whole document into memory; ODS uploads are rare and small."""

    def __init__(self, path: Path) -> None:
        import ezodf

        self._sheets = {sheet.name: sheet for sheet in ezodf.opendoc(str(path)).sheets}
        self.names = list(self._sheets)

    def rows(self, sheet: str) -> Iterator[list[str | None]]:
        for row in self._sheets[sheet].rows():
            yield [cell_text(cell.value) for cell in row]

    def close(self) -> None:
        self._sheets.clear()


class UnreadableWorkbookError(Exception):
    """The workbook is damaged; the spreadsheet libraries raise anything from KeyError to their own types."""


@contextmanager
def open_workbook(path: Path, fmt: str) -> Iterator[_Book]:
    """A workbook opened once for several reads; row ``n`` of ``rows(sheet)`` is physical row ``n`` (blank ones
    included)."""
    try:
        book: _Book = {"xlsx": _XlsxBook, "xls": _XlsBook}.get(fmt, _OdsBook)(path)
    except Exception as error:
        raise UnreadableWorkbookError(f"{type(error).__name__}: {error}") from error
    try:
        yield book
    finally:
        book.close()


def iter_rows(path: Path, fmt: str, sheet: str) -> Iterator[list[str | None]]:
    """Every row of one sheet as text, streaming (read-only openpyxl for xlsx)."""
    with open_workbook(path, fmt) as book:
        try:
            yield from book.rows(sheet)
        except Exception as error:
            raise UnreadableWorkbookError(f"{type(error).__name__}: {error}") from error


def merged_ranges(path: Path, fmt: str, sheet: str) -> list[CellRange]:
    """The merged cell ranges of a sheet; xlsx is scanned as a byte stream so large sheets stay cheap."""
    try:
        return _merged_ranges(path, fmt, sheet)
    except Exception as error:
        raise UnreadableWorkbookError(f"{type(error).__name__}: {error}") from error


def _merged_ranges(path: Path, fmt: str, sheet: str) -> list[CellRange]:
    if fmt == "xlsx":
        return [CellRange.from_ref(ref) for ref in _xlsx_merge_refs(path, sheet)]
    if fmt == "xls":
        import xlrd

        book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)
        try:
            ranges = book.sheet_by_name(sheet).merged_cells
        finally:
            book.release_resources()
        return [_range(rlo + 1, rhi, clo + 1, chi) for rlo, rhi, clo, chi in ranges]
    import ezodf

    found = []
    for row_index, row in enumerate(ezodf.opendoc(str(path)).sheets[sheet].rows()):
        for col_index, cell in enumerate(row):
            rows, cols = cell.span
            if rows > 1 or cols > 1:
                found.append(_range(row_index + 1, row_index + rows, col_index + 1, col_index + cols))
    return found


def _range(min_row: int, max_row: int, min_col: int, max_col: int) -> CellRange:
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
    return CellRange(ref, min_row, max_row, min_col, max_col)


def _xlsx_sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding a sheet, found through workbook.xml and its relationships."""
    from xml.etree import ElementTree  # here: 2.6 ms of every command that reads a CSV

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG}Relationship")}
    for element in workbook.iter(f"{_NS_MAIN}sheet"):
        if element.get("name") == sheet:
            target = targets.get(element.get(f"{_NS_REL}id"), "")
            return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    raise KeyError(sheet)


def _xlsx_merge_refs(path: Path, sheet: str) -> list[str]:
    with zipfile.ZipFile(path) as archive, archive.open(_xlsx_sheet_part(archive, sheet)) as stream:
        refs: list[str] = []
        tail = b""
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")
            cut = cut if cut != -1 and data.find(b">", cut) == -1 else len(data)
            refs.extend(match.group(1).decode() for match in _MERGE.finditer(data, 0, cut))
            tail = data[cut:]
        refs.extend(match.group(1).decode() for match in _MERGE.finditer(tail))
        return refs
