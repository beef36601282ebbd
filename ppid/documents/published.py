"""What a document's public page shows: the published files of a document dataset with what was read from them."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.documents.extract import texts_by_sha256
from ppid.documents.models import DocumentText
from ppid.i18n import get_language
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.naming import safe_filename

#: The start of a document shown on its page: enough to recognise it, short enough for a phone.
PREVIEW_LINES = 12
PREVIEW_CHARS = 1200


@dataclass(frozen=True)
class PublishedDocument:
    file_id: int
    name: str
    filename: str
    """The download's file name, as in the catalogue's resource url."""
    format: str
    size: int
    sha256: str
    page_count: int | None
    preview: str
    problem: str | None


def published_documents(session: Session, dinas_slug: str, dataset_name: str) -> list[PublishedDocument]:
    """The versions the catalogue publishes (never a newer file still being processed, never a withdrawn one)."""
    files = list(
        session.scalars(
            select(TrackedFile)
            .where(
                TrackedFile.dinas_slug == dinas_slug,
                TrackedFile.dataset_name == dataset_name,
                TrackedFile.published_storage_key.is_not(None),
                TrackedFile.state != FileState.WITHDRAWN,
            )
            .order_by(TrackedFile.key)
        )
    )
    texts = texts_by_sha256(session, (f.published_sha256 for f in files))
    return [_published(tracked, texts.get(tracked.published_sha256 or "")) for tracked in files]


def _published(tracked: TrackedFile, text: DocumentText | None) -> PublishedDocument:
    return PublishedDocument(
        file_id=tracked.id,
        name=tracked.name,
        filename=safe_filename(tracked.name),
        format=(text.format if text else tracked.name.rsplit(".", 1)[-1]).upper(),
        size=tracked.size,
        sha256=tracked.published_sha256 or tracked.sha256,
        page_count=text.page_count if text else None,
        preview=preview(text.text) if text else "",
        problem=text.problem if text else None,
    )


def preview(text: str, lines: int = PREVIEW_LINES, chars: int = PREVIEW_CHARS) -> str:
    kept = [line for line in text.splitlines() if line.strip()][:lines]
    joined = "\n".join(kept)
    return joined if len(joined) <= chars else joined[:chars].rsplit(" ", 1)[0] + " …"


def human_size(size: int) -> str:
    """``3,7 kB`` in Indonesian, ``3.7 kB`` in English."""
    locale = "id_ID" if get_language() == "id" else "en_US"
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1), locale=locale)} {unit}"
    return f"{size} B"
