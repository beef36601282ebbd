"""The letters of a decision, issued once as PDF and verifiable by anyone who holds one.

With every decision the PPID issues the written notice (pemberitahuan tertulis, UU KIP Pasal 22(7) a-g), and
with a refusal under Pasal 17 (in whole or in part) also the refusal decision (kip-rules §5.6). Each is drawn
in Bahasa Indonesia, the language of official letters, whatever the officer's interface language; it carries a
random verification code and a QR code leading to ``/verifikasi/<code>``, a public page that confirms the
document's SHA-256, number, date and type and nothing personal. The bytes are kept exactly as issued (encrypted:
they name the requester), so that a download is the very document whose hash the page confirms.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, defer

from ppid.i18n import _, language
from ppid.permohonan.identity import PersonalDataCipher
from ppid.permohonan.models import (
    DocumentKind,
    EventKind,
    IssuedDocument,
    Outcome,
    Permohonan,
    PermohonanEvent,
    Requester,
)
from ppid.permohonan.presenters import Desk

if TYPE_CHECKING:
    from ppid.permohonan.signing import Signer

VERIFY_PATH = "/verifikasi/{code}"
TRACKING_FORM_PATH = "/permohonan/lacak"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Crockford-like: no 0/O nor 1/I, so a code read aloud or typed from paper is not mistaken."""
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
OFFICIAL_LANGUAGE = "id"
EXEMPT_OUTCOMES = (Outcome.REFUSED, Outcome.PARTLY_GRANTED)
"""Decisions that exempt information under Pasal 17, and so come with the refusal decision."""


@dataclass(frozen=True)
class Issuer:
    """Draws, signs (optionally) and keeps the letters of a decision; the workflow calls it in the decision's
    transaction, so a decision on record always has its letters, and a rolled-back one has none."""

    public_url: str
    signer: Signer | None = None

    def issue(self, desk: Desk, cipher: PersonalDataCipher, permohonan: Permohonan,
              event: PermohonanEvent) -> list[IssuedDocument]:
        from ppid.permohonan import notice_pdf  # reportlab is loaded when a letter is first drawn

        session = desk.session
        status = desk.status(permohonan)
        outcome = Outcome(event.payload["keputusan"])
        kinds = [DocumentKind.NOTICE, *([DocumentKind.REFUSAL] if outcome in EXEMPT_OUTCOMES else [])]
        requester = session.get_one(Requester, permohonan.id)
        base = self.public_url.rstrip("/")
        issued = []
        with language(OFFICIAL_LANGUAGE):
            handler = desk.handler_name(status.dinas_slug)
            codes = {kind: new_code() for kind in kinds}
            for kind in kinds:
                letter = notice_pdf.Letter(
                    kind=kind, code=codes[kind], verify_url=base + VERIFY_PATH.format(code=codes[kind]),
                    tracking_url=base + TRACKING_FORM_PATH, permohonan=permohonan, requester=requester,
                    decision=event.payload, decided_on=desk.calendar.local_date(event.at),
                    objection_deadline=status.objection_deadline, handler=handler,
                    signer_name=event.payload["nama_pejabat"],
                    signer_position=event.payload.get("jabatan_pejabat") or default_position(handler),
                )
                content = notice_pdf.letter_pdf(letter, refusal_code=codes.get(DocumentKind.REFUSAL),
                                                calendar=desk.calendar)
                if self.signer is not None:
                    content = self.signer.sign(content)
                document = IssuedDocument(
                    permohonan_id=permohonan.id, event_id=event.id, kind=kind, code=codes[kind], issued_at=event.at,
                    sha256=hashlib.sha256(content).hexdigest(), size=len(content), signed=self.signer is not None,
                    content=cipher.encrypt(content),
                )
                session.add(document)
                issued.append(document)
        session.flush()
        return issued


def default_position(handler: str) -> str:
    """The signer's position when the officer did not write one: the PPID of the deciding body."""
    return _("Pejabat Pengelola Informasi dan Dokumentasi (PPID) %(who)s", who=handler)


def new_code() -> str:
    """``K7QM-3XPA-9TZD``: 60 random bits, enough that codes cannot be guessed (the page is rate-limited too)."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _index in range(CODE_GROUP_LENGTH))
              for _group in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(text: str) -> str | None:
    """A code as typed from paper (lower case, spaces, no dashes) in its printed form; None if it cannot be one."""
    letters = re.sub(r"[\s-]+", "", text).upper()
    if len(letters) != CODE_GROUPS * CODE_GROUP_LENGTH or any(char not in CODE_ALPHABET for char in letters):
        return None
    return "-".join(letters[index:index + CODE_GROUP_LENGTH] for index in range(0, len(letters), CODE_GROUP_LENGTH))


def find(session: Session, code: str) -> IssuedDocument | None:
    normal = normalise_code(code)
    if normal is None:
        return None
    return session.scalar(select(IssuedDocument).where(IssuedDocument.code == normal))


_ISSUED = (select(IssuedDocument).options(defer(IssuedDocument.content))
           .where(IssuedDocument.permohonan_id == bindparam("permohonan_id")).order_by(IssuedDocument.id))


def issued_for(session: Session, permohonan: Permohonan) -> list[IssuedDocument]:
    """The letters of a request, in the order they were issued: to list them, so without their PDFs (a letter's
    ``content`` is read when it is asked for). The query is built once, and not run for a request not yet decided:
    letters are issued with a decision only, and most tracking pages under a crowd are of new requests (issue 17)."""
    if not any(event.kind == EventKind.DECIDED for event in permohonan.events):
        return []
    return list(session.scalars(_ISSUED, {"permohonan_id": permohonan.id}))


def content_of(document: IssuedDocument, cipher: PersonalDataCipher) -> bytes:
    """The PDF exactly as issued; whoever calls this has already identified the requester or an officer."""
    return cipher.decrypt(document.content)


def matches(document: IssuedDocument, data: bytes) -> bool:
    """Whether ``data`` is byte for byte the document issued (its SHA-256 is the one on record)."""
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), document.sha256)


def file_name(document: IssuedDocument, number: str) -> str:
    safe = "".join(character if character.isalnum() else "-" for character in number)
    return f"{document.kind.value.replace('_', '-')}-{safe}.pdf"
