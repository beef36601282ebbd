"""Answers become public information: a fulfilled request's released information, published without the
requester's identity, so that the next citizen finds it without asking again (as WhatDoTheyKnow and FragDenStaat
do).

Only what was handed over is published (a request closed "informasi diserahkan" after a grant, in whole or in part,
or an objection accepted): exempt information was never handed over, so it cannot reach this page. The officer
words the subject and the answer; both are refused while they hold the requester's own particulars (name, NIK,
address, phone, e-mail, occupation) or anything that looks like personal data. Each released file is checked the
same way: a PDF's hits are shown page by page and blacked out for real (PyMuPDF's redaction removes the text
under the box, it does not draw over it), text files have them replaced; other formats cannot be checked here, so
the officer confirms they hold no personal data or leaves them out.

The detection is the pipeline's own (:func:`ppid.publication.personal_data.matches_in_text`: a NIK that fits its
structure, phone numbers, personal e-mail addresses, a name beside a street address), plus the requester's own
particulars searched literally, which no pattern can know.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from marshmallow import Schema, fields
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ppid.i18n import _
from ppid.publication import personal_data
from ppid.publication.models import PublishedAnswer
from ppid.publication.service import FormError
from ppid.storage import Storage

KEY_PREFIX = "publikasi/jawaban/"
TEXT_EXTENSIONS = (".csv", ".txt", ".json")
MAX_TEXT = 20000
BLACKOUT = "█"

REQUESTER = "pemohon"
"""The kind of a finding that is one of the requester's own particulars."""


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found: its kind, the text as found, and where (page number for a PDF)."""

    kind: str
    value: str
    page: int | None = None

    @property
    def masked(self) -> str:
        """Enough to recognise it, not enough to learn it: 3201********0001 (the pipeline's masking)."""
        return personal_data.mask(self.kind, self.value)

    @property
    def label(self) -> str:
        return _("data pemohon") if self.kind == REQUESTER else _(personal_data.KIND_LABELS[self.kind])


@dataclass(frozen=True)
class Candidate:
    """A handed-over file offered for publication, with what the check found in it."""

    index: int
    name: str
    kind: str
    """``pdf``, ``teks`` or ``lain`` (cannot be checked here)."""
    findings: list[Finding] = field(default_factory=list)


def requester_values(full_name: str, nik: str | None, address: str, phone: str | None, email: str | None,
                     occupation: str | None) -> list[str]:
    """The requester's own particulars, searched for literally (the patterns alone miss a name or an address)."""
    street = address.split(",")[0] if address else None  # "Jl. Merdeka No. 1" without the regency it shares
    values = [full_name, nik, address, street, phone, email, occupation]
    return list(dict.fromkeys(value.strip() for value in values if value and len(value.strip()) >= 3))


def findings(text: str, known: Iterable[str] = (), page: int | None = None) -> list[Finding]:
    """Personal data in ``text`` (the pipeline's detector) and the requester's known values."""
    found: dict[tuple[str, str], Finding] = {}
    for match in personal_data.matches_in_text(text):
        found.setdefault((match.kind, match.value), Finding(match.kind, match.value, page))
    lowered = text.casefold()
    for value in known:
        start = lowered.find(value.casefold())
        if start >= 0:
            exact = text[start:start + len(value)]
            found.setdefault((REQUESTER, exact), Finding(REQUESTER, exact, page))
    return list(found.values())


def file_kind(name: str, head: bytes) -> str:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if name.lower().endswith(TEXT_EXTENSIONS) and b"\x00" not in head:
        return "teks"
    return "lain"


def check_file(index: int, name: str, data: bytes, known: Sequence[str]) -> Candidate:
    """What publishing this file would expose, page by page for a PDF."""
    kind = file_kind(name, data[:8])
    if kind == "pdf":
        import pymupdf  # here, not at the top: it loads a layout model, seconds of every `ppid serve` start (issue 17)

        try:
            with pymupdf.open(stream=data, filetype="pdf") as document:
                if document.needs_pass:
                    return Candidate(index, name, "lain")  # locked: its text cannot be read, so not checked
                hits = [hit for number, page in enumerate(document, start=1)
                        for hit in findings(page.get_text(), known, number)]
        except (pymupdf.FileDataError, RuntimeError):
            return Candidate(index, name, "lain")  # damaged: the officer checks it or leaves it out
        return Candidate(index, name, kind, hits)
    if kind == "teks":
        return Candidate(index, name, kind, findings(data.decode("utf-8", errors="replace"), known))
    return Candidate(index, name, kind)


def redact_pdf(data: bytes, values: Iterable[str]) -> bytes:
    """A copy of the PDF with every occurrence of ``values`` removed from the page content (text and the images
    under it), blacked out, and the document's metadata cleared."""
    import pymupdf  # lazily, as in check_file

    with pymupdf.open(stream=data, filetype="pdf") as document:
        for page in document:
            for value in set(values):
                for area in page.search_for(value):
                    page.add_redact_annot(area, fill=(0, 0, 0))
            page.apply_redactions()
        document.set_metadata({})
        document.del_xml_metadata()
        return document.tobytes(garbage=4, deflate=True, clean=True)


def pdf_text(data: bytes) -> str:
    import pymupdf  # lazily, as in check_file

    with pymupdf.open(stream=data, filetype="pdf") as document:
        return "\n".join(page.get_text() for page in document)


def redact_text(text: str, values: Iterable[str]) -> str:
    for value in sorted(set(values), key=len, reverse=True):
        text = re.sub(re.escape(value), BLACKOUT * len(value), text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class Release:
    """What the officer publishes: the wording, and for each handed-over file ``terbitkan`` (checked or redacted)
    or not; ``confirmed`` holds the files of other formats the officer declares free of personal data."""

    subject: str
    answer: str
    include: frozenset[int]
    confirmed: frozenset[int]


def publish(session: Session, storage: Storage, *, permohonan_id: int, number: str, dinas_slug: str | None,
            received_on: date, decided_on: date | None, release: Release,
            files: Sequence[tuple[str, bytes]], known: Sequence[str], by: str) -> PublishedAnswer:
    """Publish a fulfilled request's answer; raises :class:`FormError` while anything would expose personal data.

    ``files`` are the handed-over files (name, bytes) in their order; ``known`` the requester's particulars."""
    if session.scalar(select(PublishedAnswer.id).where(PublishedAnswer.permohonan_id == permohonan_id)):
        raise FormError({"jawaban": _("Jawaban permohonan ini sudah diterbitkan.")})
    errors: dict[str, str] = {}
    subject, answer = release.subject.strip(), release.answer.strip()
    for key, text, limit in (("pokok", subject, 1000), ("jawaban", answer, MAX_TEXT)):
        if len(text) < 10:
            errors[key] = _("Tulis paling sedikit 10 karakter.")
        elif len(text) > limit:
            errors[key] = _("Paling banyak %(n)s karakter.", n=limit)
        elif hits := findings(text, known):
            errors[key] = _("Memuat data pribadi (%(hits)s); hapus sebelum diterbitkan.",
                            hits=", ".join(f"{hit.label} {hit.masked}" for hit in hits))
    prepared: list[tuple[str, bytes, int]] = []
    for index, (name, data) in enumerate(files):
        if index not in release.include:
            continue
        candidate = check_file(index, name, data, known)
        values = [hit.value for hit in candidate.findings]
        if candidate.kind == "pdf":
            redacted = redact_pdf(data, values) if values else data
            if values and findings(pdf_text(redacted), known):
                errors[f"berkas-{index}"] = _("Data pribadi di %(name)s tidak dapat dihapus otomatis; jangan "
                                              "terbitkan berkas ini.", name=name)
                continue
            prepared.append((name, redacted, len(values)))
        elif candidate.kind == "teks":
            prepared.append((name, redact_text(data.decode("utf-8"), values).encode("utf-8"), len(values)))
        elif index in release.confirmed:
            prepared.append((name, data, 0))
        else:
            errors[f"berkas-{index}"] = _("Isi %(name)s tidak dapat diperiksa di sini: nyatakan bahwa berkas ini "
                                          "tidak memuat data pribadi, atau jangan terbitkan.", name=name)
    if errors:
        raise FormError(errors)
    stored = [_store(storage, name, data, removed) for name, data, removed in prepared]
    entry = PublishedAnswer(permohonan_id=permohonan_id, number=number, dinas_slug=dinas_slug, subject=subject,
                            answer=answer, received_on=received_on, decided_on=decided_on, files=stored,
                            published_by_name=by)
    session.add(entry)
    return entry


def _store(storage: Storage, name: str, data: bytes, removed: int) -> dict[str, Any]:
    stored = storage.put(KEY_PREFIX + secrets.token_urlsafe(24), io.BytesIO(data),
                         content_type="application/octet-stream")
    return {"nama_berkas": name, "kunci": stored.key, "ukuran": stored.size, "sha256": stored.sha256,
            "disamarkan": removed}


def withdraw(session: Session, storage: Storage, entry: PublishedAnswer) -> None:
    """Take a published answer down (a mistake found later): the page and its files go."""
    for reference in entry.files:
        storage.delete(reference["kunci"])
    session.delete(entry)


def search(session: Session, query: str = "", dinas_slug: str | None = None) -> list[PublishedAnswer]:
    """Published answers, newest first; every word of ``query`` in the subject or the answer (a NUL character,
    which no text holds and PostgreSQL refuses in a query, is dropped)."""
    statement = select(PublishedAnswer).order_by(PublishedAnswer.published_at.desc(), PublishedAnswer.id.desc())
    for word in query.replace("\x00", "").split()[:10]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        statement = statement.where(or_(PublishedAnswer.subject.ilike(pattern),
                                        PublishedAnswer.answer.ilike(pattern)))
    if dinas_slug:
        statement = statement.where(PublishedAnswer.dinas_slug == dinas_slug)
    return list(session.scalars(statement))


def for_request(session: Session, permohonan_id: int) -> PublishedAnswer | None:
    return session.scalar(select(PublishedAnswer).where(PublishedAnswer.permohonan_id == permohonan_id))


def open_file(storage: Storage, entry: PublishedAnswer, index: int) -> tuple[Mapping[str, Any], IO[bytes]] | None:
    if not 0 <= index < len(entry.files):
        return None
    return entry.files[index], storage.open(entry.files[index]["kunci"])


class BerkasJawabanSchema(Schema):
    """One published file: the redacted copy, never the handed-over original."""

    nama = fields.String(required=True)
    ukuran = fields.Integer(required=True, metadata={"description": "Ukuran dalam byte."})
    sha256 = fields.String(required=True)
    disamarkan = fields.Integer(required=True, metadata={
        "description": "Berapa temuan data pribadi yang dihitamkan atau diganti sebelum diterbitkan."})
    tautan = fields.String(required=True)


class JawabanSchema(Schema):
    """A fulfilled request's answer, published without the requester's identity."""

    nomor = fields.String(required=True, metadata={"description": "Nomor pendaftaran permohonan."})
    dinas = fields.String(required=True, allow_none=True, metadata={"description": "Slug perangkat daerah."})
    pokok = fields.String(required=True)
    jawaban = fields.String(required=True)
    diterima = fields.Date(required=True)
    diputuskan = fields.Date(required=True, allow_none=True)
    diterbitkan = fields.DateTime(required=True)
    tautan = fields.String(required=True)
    berkas = fields.List(fields.Nested(BerkasJawabanSchema), required=True)


class InformasiDimohonkanSchema(Schema):
    """Published answers, newest first, as filtered."""

    jumlah = fields.Integer(required=True)
    jawaban = fields.List(fields.Nested(JawabanSchema), required=True)


def as_json(entries: Sequence[PublishedAnswer], page_url: Any, file_url: Any) -> dict[str, Any]:
    """The document described as ``InformasiDimohonkan`` in the OpenAPI description: what the public pages show,
    with links; ``page_url(entry)`` and ``file_url(entry, index)`` give the addresses."""
    return {"jumlah": len(entries), "jawaban": [{
        "nomor": entry.number,
        "dinas": entry.dinas_slug,
        "pokok": entry.subject,
        "jawaban": entry.answer,
        "diterima": entry.received_on.isoformat(),
        "diputuskan": entry.decided_on.isoformat() if entry.decided_on else None,
        "diterbitkan": entry.published_at.isoformat(),
        "tautan": page_url(entry),
        "berkas": [{"nama": reference["nama_berkas"], "ukuran": reference["ukuran"], "sha256": reference["sha256"],
                    "disamarkan": reference.get("disamarkan", 0), "tautan": file_url(entry, index)}
                   for index, reference in enumerate(entry.files)],
    } for entry in entries]}
