"""Indonesian personal data in what is about to be published: NIK, phone numbers, e-mail addresses, and
addresses next to names (UU 27/2022 on personal data protection; UU 14/2008 Pasal 17 huruf h).

Used by the one pipeline before publication (harvest and upload) and by anyone who must show an officer what
a file holds before it goes out (e.g. publishing a request's answer). Pure detection: no database, no Flask.

* **Tables** are read in batches as the validation engine reads them (``ppid.validation.columnar``) and each
  batch is checked with polars expressions, one per column. A column counts only when it *looks like* it holds
  the kind of data (its title says so, or at least half of its filled cells are of that kind), so that a
  16-digit budget amount in a statistics column is not a NIK.
* **Documents** are read page by page (PDF) or line by line (other formats, through
  :func:`ppid.documents.extract.read_document`), with the same patterns on the text.

A NIK must fit its structure (Permendagri/Dukcapil): province code, regency, district, the birth date with
40 added to the day for women, and a non-zero sequence. E-mail addresses on ``.go.id`` domains are the
public body's own (an official's contact is published by law), so they do not count.

The main entry points: :func:`scan_file` (a table or document, by its name's format), :func:`scan_table`,
:func:`scan_frame`, :func:`scan_pages`, :func:`find_in_text`, :func:`matches_in_text` (spans, for redaction)
and :func:`mask`. A :class:`Scan` is stored as JSON
(:meth:`Scan.to_dict` / :meth:`Scan.from_dict`) and says what it found in plain Indonesian
(:meth:`Scan.summary`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from ppid.i18n import N_, _

NIK, PHONE, EMAIL, ADDRESS = "nik", "telepon", "email", "alamat"
KINDS = (NIK, PHONE, EMAIL, ADDRESS)
KIND_LABELS = {
    NIK: N_("NIK (nomor induk kependudukan)"),
    PHONE: N_("nomor telepon"),
    EMAIL: N_("alamat e-mail"),
    ADDRESS: N_("alamat rumah di samping nama orang"),
}
MAX_PLACES = 20
"""Places kept per kind (the count covers all): enough for the walidata to find them, small enough to store."""
COLUMN_SHARE = 0.5
"""A column without a telling title counts when at least this share of its filled cells are of one kind."""
TABLE_SUFFIXES = {".csv", ".xlsx", ".xls", ".ods"}
PROVINCES = {
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
}
_NIK_SHAPE = r"[1-9][0-9]{15}"
_PHONE_SHAPE = r"(?:\+62[ .-]?|62[ .-]?|0)8[1-9][0-9]{1,3}[ .-]?[0-9]{3,4}[ .-]?[0-9]{3,5}"
_EMAIL_SHAPE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_NIK_IN_TEXT = re.compile(rf"(?<![0-9]){_NIK_SHAPE}(?![0-9])")
_PHONE_IN_TEXT = re.compile(rf"(?<![0-9+]){_PHONE_SHAPE}(?![0-9])")
_EMAIL_IN_TEXT = re.compile(_EMAIL_SHAPE)
_STREET = re.compile(r"\b(?:jl|jln|jalan|gg|gang|kp|kampung|perum|komplek|blok)\b\.?\s*\S|\brt\.?\s*0*\d{1,3}\s*/\s*rw",
                     re.IGNORECASE)
_PERSON_CUE = re.compile(r"\b(?:nama(?:\s+lengkap)?\s*:|bapak|ibu|sdr|sdri|saudara|saudari|a\.n\.|an\.)\s*\S",
                         re.IGNORECASE)
_OFFICIAL_DOMAIN = re.compile(r"\.go\.id$", re.IGNORECASE)
_IDENTIFIER_TITLES = re.compile(r"\b(?:nik|ktp|no[ _]?identitas|nomor[ _]identitas|nomor[ _]induk[ _]kependudukan)\b")
_PHONE_TITLES = re.compile(r"\b(?:telepon|telp|tlp|hp|handphone|no[ _]?hp|ponsel|whatsapp|wa|kontak)\b")
_EMAIL_TITLES = re.compile(r"\b(?:e[ _-]?mail|surel)\b")
_NAME_TITLES = re.compile(
    r"^nama(?:[ _](?:lengkap|pemohon|penerima|warga|pasien|siswa|penduduk|kepala[ _]keluarga|kk|pemilik|peserta|"
    r"ayah|ibu|pelapor|responden|ahli[ _]waris))?$")
_ADDRESS_TITLES = re.compile(r"^alamat(?:[ _](?:rumah|lengkap|domisili|tinggal|ktp|pemohon|penerima|warga))?$")


@dataclass(frozen=True)
class Place:
    """Where one hit is: a cell (row as the spreadsheet numbers it, column by its title) or a page or line."""

    kind: str
    sample: str
    """The value masked (``3201********0001``): enough to find it, not enough to read it."""
    row: int | None = None
    column: str | None = None
    page: int | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.row is not None:
            return _("baris %(row)s, kolom %(column)s", row=self.row, column=self.column)
        if self.page is not None:
            return _("halaman %(page)s", page=self.page)
        return _("baris teks %(line)s", line=self.line)


@dataclass
class Scan:
    """What a file holds, per kind: a count and the first :data:`MAX_PLACES` places."""

    counts: dict[str, int] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return any(self.counts.values())

    def add(self, place: Place, count: int = 1) -> None:
        self.counts[place.kind] = self.counts.get(place.kind, 0) + count
        if sum(1 for known in self.places if known.kind == place.kind) < MAX_PLACES:
            self.places.append(place)

    def summary(self) -> str:
        """One sentence for the run record and the officer: what was found, how often, where first."""
        parts = []
        for kind in KINDS:
            if self.counts.get(kind):
                first = next(place for place in self.places if place.kind == kind)
                parts.append(_("%(count)s %(kind)s (pertama di %(where)s: %(sample)s)", count=self.counts[kind],
                               kind=_(KIND_LABELS[kind]), where=first.where, sample=first.sample))
        return _("Ditahan untuk walidata: berkas ini memuat data pribadi: %(found)s.", found="; ".join(parts))

    def to_dict(self) -> dict[str, Any]:
        return {"counts": dict(self.counts),
                "places": [{key: value for key, value in vars(place).items() if value is not None}
                           for place in self.places]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scan:
        return cls(dict(data.get("counts") or {}), [Place(**place) for place in data.get("places") or ()])


# -- single values ---------------------------------------------------------------------------------


def is_nik(value: str) -> bool:
    """Sixteen digits that fit a NIK's structure: a province, regency and district, a birth date (day + 40 for
    women, in either century) and a sequence above zero."""
    if not re.fullmatch(_NIK_SHAPE, value):
        return False
    province, regency, district = int(value[0:2]), int(value[2:4]), int(value[4:6])
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if province not in PROVINCES or regency == 0 or district == 0 or int(value[12:16]) == 0:
        return False
    day = day - 40 if day > 40 else day
    return any(_is_date(century + year, month, day) for century in (1900, 2000))


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_personal_email(value: str) -> bool:
    """An e-mail address that is not on a government (``.go.id``) domain."""
    return bool(re.fullmatch(_EMAIL_SHAPE, value)) and not _OFFICIAL_DOMAIN.search(value)


def mask(kind: str, value: str) -> str:
    """The value with its middle hidden: ``3201********0001``, ``0812******90``, ``b***@contoh.id``, ``J*** …``."""
    value = value.strip()
    if kind == NIK:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if kind == PHONE:
        digits = re.sub(r"[^0-9+]", "", value)
        return digits[:4] + "*" * max(len(digits) - 6, 0) + digits[-2:]
    if kind == EMAIL:
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return " ".join(word[:1] + "***" for word in value.split()[:3]) + " …"


@dataclass(frozen=True)
class Match:
    """One piece of personal data in a text, with where it is (for blacking it out): ``text[start:end]``."""

    kind: str
    start: int
    end: int
    value: str


def matches_in_text(text: str) -> Iterator[Match]:
    """Each NIK, phone number and personal e-mail address in free text, and each line that names a person beside
    a street address (the whole line), in that order; for a redaction step that must know what to remove."""
    for match in _NIK_IN_TEXT.finditer(text):
        if is_nik(match.group()):
            yield Match(NIK, match.start(), match.end(), match.group())
    for match in _PHONE_IN_TEXT.finditer(text):
        yield Match(PHONE, match.start(), match.end(), match.group())
    for match in _EMAIL_IN_TEXT.finditer(text):
        if is_personal_email(match.group()):
            yield Match(EMAIL, match.start(), match.end(), match.group())
    offset = 0
    for line in text.splitlines(keepends=True):
        if _STREET.search(line) and _PERSON_CUE.search(line):
            stripped = line.rstrip("\r\n")
            yield Match(ADDRESS, offset, offset + len(stripped), stripped)
        offset += len(line)


def find_in_text(text: str) -> Iterator[tuple[str, str]]:
    """(kind, masked value) for each piece of personal data in free text (see :func:`matches_in_text`)."""
    for match in matches_in_text(text):
        yield match.kind, mask(match.kind, match.value)


# -- documents ---------------------------------------------------------------------------------------


def scan_pages(pages: Iterable[str], *, by_line: bool = False) -> Scan:
    """Each page's text (or, ``by_line``, each line of one text) checked; places name the page or line."""
    scan = Scan()
    for number, text in enumerate(pages, start=1):
        for kind, sample in find_in_text(text):
            scan.add(Place(kind, sample, line=number) if by_line else Place(kind, sample, page=number))
    return scan


def scan_document(path: Path, name: str, max_pages: int = 100, max_chars: int = 50_000) -> Scan:
    """A PDF page by page (the first ``max_pages``); other documents line by line, as the text extraction
    reads them. A file that cannot be read yields an empty scan (its text is not published either)."""
    if PurePosixPath(name).suffix.lower() == ".pdf":
        return scan_pages(_pdf_pages(path, max_pages))
    from ppid.documents.config import Limits
    from ppid.documents.extract import read_document

    extracted = read_document(path, name, Limits(max_pages=max_pages, max_chars=max_chars))
    return scan_pages(extracted.text.splitlines(), by_line=True)


def _pdf_pages(path: Path, max_pages: int) -> Iterator[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        for number, page in enumerate(reader.pages):
            if number >= max_pages:
                return
            yield page.extract_text() or ""
    except Exception:  # a broken or locked PDF: nothing readable is published from it either
        return


# -- tables ------------------------------------------------------------------------------------------


def scan_file(path: Path, name: str, max_pages: int = 100) -> Scan:
    """A table (CSV, XLSX, XLS, ODS) cell by cell, any other file as a document (its first ``max_pages``)."""
    if PurePosixPath(name).suffix.lower() in TABLE_SUFFIXES:
        return scan_table(path)
    return scan_document(path, name, max_pages)


def scan_table(path: Path) -> Scan:
    """Every cell of the table in ``path`` (its header found as the validation engine finds it)."""
    from ppid.validation.sniff import TABLE_FORMATS, FileFormat, sniff

    sniffed = sniff(path)
    if sniffed.format not in TABLE_FORMATS or sniffed.header_row is None or sniffed.unreadable:
        return Scan()
    titles = [label or f"kolom {index + 1}" for index, label in enumerate(sniffed.labels)]
    if sniffed.format == FileFormat.CSV:
        batches = _csv_batches(path, sniffed.encoding or "utf-8", sniffed.delimiter or ",", sniffed.header_row,
                               len(titles))
    else:
        from ppid.validation import columnar, workbook
        from ppid.validation.rows import data_rows

        assert sniffed.sheet is not None
        rows = data_rows(workbook.iter_rows(path, sniffed.format, sniffed.sheet), sniffed.header_row, len(titles))
        batches = (frames for batch in columnar.row_batches(rows, first_number=sniffed.header_row + 1,
                                                           width=len(titles)) for frames in _frames(batch, len(titles)))
    return _TableScan(titles).run(batches)


def scan_frame(frame: Any) -> Scan:
    """A polars frame of any column types (a DataStore copy, a table already in memory), titled by its column
    names; rows are numbered as in a spreadsheet with the header in row 1."""
    import polars as pl

    titles = [str(name) for name in frame.columns]
    cells = frame.select([pl.col(name).cast(pl.String).alias(f"c{index}") for index, name in enumerate(frame.columns)])
    return _TableScan(titles).run([(cells, pl.Series("__row", range(2, frame.height + 2), dtype=pl.Int64))])


def _csv_batches(path: Path, encoding: str, delimiter: str, header_row: int, width: int) -> Iterator[Any]:
    from ppid.validation import columnar

    try:
        for batch in columnar.csv_batches(path, encoding=encoding, delimiter=delimiter, header_row=header_row,
                                          width=width, serial=True):
            yield from _frames(batch, width)
    except columnar.UnreadableTableError:  # read as Python's csv module does (frictionless's reader)
        with path.open(encoding=encoding, newline="") as stream:
            rows = ([*row, *[None] * (width - len(row))][:width] for row in csv.reader(stream, delimiter=delimiter))
            skipped = (row for number, row in enumerate(rows, start=1) if number > header_row)
            for batch in columnar.row_batches(skipped, first_number=header_row + 1, width=width):
                yield from _frames(batch, width)


def _frames(batch: Any, width: int) -> Iterator[Any]:
    """A batch's rows as (frame, row numbers): the regular ones, then those with more or fewer cells than the header
    (which the validator reports apart) cut or padded to the header, so that a row with an extra cell is scanned too."""
    import polars as pl

    from ppid.validation import columnar

    yield batch.frame, batch.numbers
    odd = [(number, cells) for number, cells in batch.odd if cells]
    if odd:
        rows = [[*cells[:width], *[None] * (width - len(cells))] for _number, cells in odd]
        frame = pl.DataFrame({name: pl.Series(name, list(values), dtype=pl.String)
                              for name, values in zip(columnar.column_names(width), zip(*rows, strict=True),
                                                      strict=True)})
        yield frame, pl.Series("__row", [number for number, _cells in odd], dtype=pl.Int64)


class _TableScan:
    """Per column and kind: how many filled cells and how many hits (to judge the column at the end), and the
    first places, gathered batch by batch with one polars expression per column and kind."""

    def __init__(self, titles: list[str]) -> None:
        import polars as pl

        self.pl = pl
        self.titles = titles
        keys = [re.sub(r"[^a-z0-9]+", " ", title.lower()).strip() for title in titles]
        self.keys = keys
        self.named = {NIK: {i for i, key in enumerate(keys) if _IDENTIFIER_TITLES.search(key)},
                      PHONE: {i for i, key in enumerate(keys) if _PHONE_TITLES.search(key)},
                      EMAIL: {i for i, key in enumerate(keys) if _EMAIL_TITLES.search(key)}}
        self.names = [i for i, key in enumerate(keys) if _NAME_TITLES.match(key.replace(" ", "_"))]
        self.addresses = [i for i, key in enumerate(keys) if _ADDRESS_TITLES.match(key.replace(" ", "_"))]
        self.filled = [0] * len(titles)
        self.hits: dict[tuple[str, int], int] = {}
        self.places: dict[tuple[str, int], list[Place]] = {}
        self.pairs = 0
        self.pair_places: list[Place] = []

    def run(self, batches: Iterable[tuple[Any, Any]]) -> Scan:
        for frame, numbers in batches:
            self._batch(frame, numbers)
        scan = Scan()
        for kind in (NIK, PHONE, EMAIL):
            for index in range(len(self.titles)):
                count = self.hits.get((kind, index), 0)
                if count and (index in self.named[kind] or count >= COLUMN_SHARE * self.filled[index]):
                    places = self.places[(kind, index)]
                    scan.add(places[0], count)
                    for place in places[1:]:
                        scan.add(place, 0)
        if self.pairs:
            scan.add(self.pair_places[0], self.pairs)
            for place in self.pair_places[1:]:
                scan.add(place, 0)
        return scan

    def _batch(self, frame: Any, numbers: Any) -> None:
        pl = self.pl
        frame = frame.with_columns(numbers.alias("__row"))
        for index in range(len(self.titles)):
            cell = pl.col(f"c{index}").str.strip_chars().str.strip_chars_start("'")
            digits = cell.str.replace_all(r"[ .-]", "")
            flags = frame.select(
                (cell.is_not_null() & (cell != "")).alias("__filled"),
                digits.str.contains(rf"^{_NIK_SHAPE}$").alias(NIK),
                digits.str.contains(r"^(?:\+62|62|0)8[1-9][0-9]{6,10}$").alias(PHONE),
                (cell.str.contains(rf"^{_EMAIL_SHAPE}$") & ~cell.str.contains(_OFFICIAL_DOMAIN.pattern)).alias(EMAIL),
                pl.col("__row"), cell.alias("__value"), digits.alias("__digits"),
            )
            self.filled[index] += int(flags["__filled"].sum() or 0)
            for kind in (NIK, PHONE, EMAIL):
                found = flags.filter(pl.col(kind).fill_null(False))
                if kind == NIK and found.height:
                    found = found.filter(pl.col("__digits").map_elements(is_nik, return_dtype=pl.Boolean))
                if not found.height:
                    continue
                key = (kind, index)
                self.hits[key] = self.hits.get(key, 0) + found.height
                known = self.places.setdefault(key, [])
                source = "__digits" if kind != EMAIL else "__value"
                for row, value in found.head(MAX_PLACES - len(known)).select("__row", source).iter_rows():
                    known.append(Place(kind, mask(kind, value), row=row, column=self.titles[index]))
        if self.names and self.addresses:
            self._pairs(frame)

    def _pairs(self, frame: Any) -> None:
        pl = self.pl

        def filled(index: int) -> Any:
            return pl.col(f"c{index}").str.strip_chars().fill_null("") != ""

        both = frame.filter(pl.any_horizontal([filled(i) for i in self.names])
                            & pl.any_horizontal([filled(i) for i in self.addresses]))
        self.pairs += both.height
        name, address = self.names[0], self.addresses[0]
        column = f"{self.titles[name]} + {self.titles[address]}"
        for row, who in both.head(MAX_PLACES - len(self.pair_places)).select("__row", f"c{name}").iter_rows():
            self.pair_places.append(Place(ADDRESS, mask(ADDRESS, who or ""), row=row, column=column))
