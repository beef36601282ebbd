"""Reading a public document: how many pages it has and its text, for search and the first lines on its page.

Bounded (at most ``max_pages`` pages and ``max_chars`` characters) so that a 900-page report costs
no more than a short one, and never raising: a corrupt or password-protected file is published as
it is, with one sentence saying why its text could not be read.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.documents.config import Limits
from ppid.documents.models import DocumentText
from ppid.i18n import _

log = logging.getLogger(__name__)
#: Formats whose text is read; any other document is published without text.
READABLE = {"pdf", "docx", "xlsx", "ods"}
_APP_PROPERTIES = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages"
_ODS_PARAGRAPH = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class Extracted:
    format: str
    page_count: int | None = None
    text: str = ""
    truncated: bool = False
    problem: str | None = None


class _Collector:
    """Text pieces up to a character budget."""

    def __init__(self, max_chars: int) -> None:
        self.budget = max_chars
        self.parts: list[str] = []
        self.truncated = False

    @property
    def full(self) -> bool:
        return self.budget <= 0

    def add(self, piece: str) -> None:
        piece = _SPACES.sub(" ", piece).strip()
        if not piece or self.full:
            self.truncated = self.truncated or bool(piece)
            return
        if len(piece) > self.budget:
            piece, self.truncated = piece[: self.budget], True
        self.parts.append(piece)
        self.budget -= len(piece) + 1

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def document_format(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def read_document(path: Path, name: str, limits: Limits) -> Extracted:
    """Page count and text of ``path`` (named ``name`` at its source); never raises for a bad file."""
    fmt = document_format(name)
    readers = {"pdf": _read_pdf, "docx": _read_docx, "xlsx": _read_xlsx, "ods": _read_ods}
    if fmt not in readers:
        return Extracted(fmt[:10])
    try:
        return readers[fmt](path, limits)
    except Exception as error:  # every library has its own errors for a broken file; none may stop a run
        log.info("reading document %s failed: %s", name, type(error).__name__)
        return Extracted(fmt, problem=_unreadable(fmt))


def _unreadable(fmt: str) -> str:
    return _(
        "Berkas %(format)s ini rusak atau tidak lengkap, sehingga isi dan jumlah halamannya tidak dapat dibaca; "
        "berkas tetap diterbitkan apa adanya. Simpan ulang dari aplikasi aslinya lalu unggah kembali.",
        format=fmt.upper(),
    )


def _read_pdf(path: Path, limits: Limits) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not _opened_without_password(reader):
        return Extracted(
            "pdf",
            problem=_(
                "PDF ini dikunci dengan kata sandi, sehingga isinya tidak dapat dibaca untuk pencarian; "
                "berkas tetap diterbitkan. Terbitkan versi PDF tanpa kata sandi agar isinya dapat dicari."
            ),
        )
    pages = len(reader.pages)
    collector = _Collector(limits.max_chars)
    for number, page in enumerate(reader.pages):
        if number >= limits.max_pages or collector.full:
            collector.truncated = True
            break
        collector.add(page.extract_text() or "")
    return Extracted("pdf", pages, collector.text, collector.truncated)


def _opened_without_password(reader: Any) -> bool:
    """Many PDFs are encrypted with an empty user password (only printing or copying is restricted)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported cipher counts as locked
        return False


def _read_docx(path: Path, limits: Limits) -> Extracted:
    import docx

    document = docx.Document(str(path))
    collector = _Collector(limits.max_chars)
    for paragraph in document.paragraphs:
        if collector.full:
            collector.truncated = True
            break
        collector.add(paragraph.text)
    for table in document.tables:
        for row in table.rows:
            if collector.full:
                break
            collector.add(" | ".join(cell.text for cell in row.cells))
    return Extracted("docx", _docx_pages(path), collector.text, collector.truncated)


def _docx_pages(path: Path) -> int | None:
    """Word records the page count it last laid out in ``docProps/app.xml``; other writers may not."""
    with zipfile.ZipFile(path) as archive:
        if "docProps/app.xml" not in archive.namelist():
            return None
        element = ElementTree.fromstring(archive.read("docProps/app.xml")).find(_APP_PROPERTIES)
    if element is None or not (element.text or "").strip().isdigit():
        return None
    return int(element.text.strip())


def _read_xlsx(path: Path, limits: Limits) -> Extracted:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        collector = _Collector(limits.max_chars)
        for sheet in workbook.worksheets:
            collector.add(sheet.title)
            _add_rows(collector, sheet.iter_rows(values_only=True))
        return Extracted("xlsx", None, collector.text, collector.truncated)
    finally:
        workbook.close()


def _add_rows(collector: _Collector, rows: Iterable[tuple[Any, ...]]) -> None:
    for row in rows:
        if collector.full:
            collector.truncated = True
            return
        collector.add(" ".join(str(value) for value in row if value is not None))


def _read_ods(path: Path, limits: Limits) -> Extracted:
    """Streams ``content.xml`` paragraph by paragraph: repeated empty rows are never expanded."""
    collector = _Collector(limits.max_chars)
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        for _event, element in ElementTree.iterparse(content):
            if element.tag == _ODS_PARAGRAPH:
                collector.add("".join(element.itertext()))
                element.clear()
                if collector.full:
                    collector.truncated = True
                    break
    return Extracted("ods", None, collector.text, collector.truncated)


def extract_once(session: Session, path: Path, name: str, sha256: str, limits: Limits) -> DocumentText:
    """The document's text record, reading the file only when these bytes were never read before."""
    existing = session.scalar(select(DocumentText).where(DocumentText.sha256 == sha256))
    if existing is not None:
        return existing
    extracted = read_document(path, name, limits)
    record = DocumentText(
        sha256=sha256,
        format=extracted.format or "-",
        page_count=extracted.page_count,
        text=extracted.text,
        truncated=extracted.truncated,
        problem=extracted.problem,
    )
    session.add(record)
    session.flush()
    return record


def texts_by_sha256(session: Session, sha256s: Iterable[str | None]) -> dict[str, DocumentText]:
    wanted = {sha256 for sha256 in sha256s if sha256}
    if not wanted:
        return {}
    records = session.scalars(select(DocumentText).where(DocumentText.sha256.in_(wanted)))
    return {record.sha256: record for record in records}
