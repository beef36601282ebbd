"""What was read from a document's bytes: page count and text, kept per content (sha256).

Keyed by checksum like the storage, so the same bytes are read once however often they are
harvested, renamed or re-published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ppid.db import Base, UtcDateTime, utcnow


class DocumentText(Base):
    __tablename__ = "document_text"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(10))
    page_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    """True when the limits (pages or characters) stopped the reading before the end."""
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why the text could not be read (corrupt, encrypted), in words for the officer; None when it was."""
    extracted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
