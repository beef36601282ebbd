"""Tables of the publication registers: the walidata's classifications, declared DIP entries, the SK that sets
a DIP, and the DIK (exempt information with its consequence test).

Officers are named by id and by name as they were, without a foreign key, so the registers outlive accounts
(as the uploader's record does).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow


class Reclassification(Base):
    """The walidata's classification of one catalogue dataset; it wins over the registry's and the uploader's."""

    __tablename__ = "publication_classification"
    __table_args__ = (UniqueConstraint("dinas_slug", "dataset_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(50))
    dataset_name: Mapped[str] = mapped_column(String(200))
    kategori_informasi: Mapped[str] = mapped_column(String(20))
    periode_bulan: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pasal_11_huruf: Mapped[str | None] = mapped_column(String(1), nullable=True)
    changed_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_by_name: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class DeclaredInformation(Base):
    """Public information a dinas holds that is not in the catalogue (a paper archive, a decree book): one DIP row."""

    __tablename__ = "publication_declared"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(50), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    holder_unit: Mapped[str] = mapped_column(String(300))
    responsible: Mapped[str] = mapped_column(String(300))
    made_when: Mapped[str] = mapped_column(String(100))
    made_where: Mapped[str] = mapped_column(String(200))
    formats: Mapped[str] = mapped_column(String(200))
    retention: Mapped[str] = mapped_column(String(100))
    kategori_informasi: Mapped[str] = mapped_column(String(20))
    periode_bulan: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pasal_11_huruf: Mapped[str | None] = mapped_column(String(1), nullable=True)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DipDecree(Base):
    """The SK that establishes a DIP: per dinas, or for the whole pemda when ``dinas_slug`` is empty.

    The newest (by date) is the one in force; earlier ones stay as the record of how the DIP was set."""

    __tablename__ = "publication_dip_decree"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(50), default="", index=True)
    number: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    storage_key: Mapped[str] = mapped_column(String(500))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExemptInformation(Base):
    """One DIK entry: information declared exempt after a consequence test (Pasal 17, 19; Perki 1/2021 Pasal 49).

    ``public_title`` is the officer's wording for the public; nothing else of the exempt content is kept here.
    The period ends on ``ends_on`` (PP 61/2010); review is due from then on (computed, never stored)."""

    __tablename__ = "publication_dik"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(50), index=True)
    public_title: Mapped[str] = mapped_column(String(300))
    pasal_17_letter: Mapped[str] = mapped_column(String(1))
    sub_ground: Mapped[str] = mapped_column(String(300), default="")
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    tested_on: Mapped[date] = mapped_column(Date)
    harm_if_opened: Mapped[str] = mapped_column(Text)
    public_interest: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(300))
    sk_number: Mapped[str] = mapped_column(String(200))
    sk_date: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    dataset_name: Mapped[str] = mapped_column(String(200), default="")
    """The catalogue dataset it covers, when it is one (held back by its classification)."""
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    """The number of the version in force; every version, this one included, is in :class:`ExemptionVersion`."""
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """When the entry was last corrected or renewed (None: never since it was recorded)."""
    opened_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The day the information stopped being exempt (UU KIP Pasal 20): the entry stays, as the record of it."""
    opened_reason: Mapped[str] = mapped_column(Text, default="")
    opened_sk_number: Mapped[str] = mapped_column(String(200), default="")
    opened_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    opened_by_name: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @property
    def opened(self) -> bool:
        return self.opened_on is not None

    @property
    def last_changed(self) -> datetime:
        return self.changed_at or self.recorded_at


class ExemptionVersion(Base):
    """One version of a DIK entry, as it was decided: version 1 when recorded, one more with each correction or
    renewal. Never updated; a refusal names the entry and the version it rested on."""

    __tablename__ = "publication_dik_version"
    __table_args__ = (UniqueConstraint("dik_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dik_id: Mapped[int] = mapped_column(ForeignKey("publication_dik.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    """The entry's content fields (dates as ISO strings) in this version."""
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why this version replaced the one before (empty for version 1)."""
    recorded_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExemptionRemoval(Base):
    """A DIK entry removed because it was recorded by mistake (never named by any decision on a request): who
    removed it, when, why, and every version it had. Never updated, never deleted."""

    __tablename__ = "publication_dik_removal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dik_id: Mapped[int] = mapped_column(Integer)
    dinas_slug: Mapped[str] = mapped_column(String(50), index=True)
    public_title: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    versions: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    removed_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    removed_by_name: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PublishedAnswer(Base):
    """A fulfilled request's released information, published so the next citizen finds it without asking again
    (as WhatDoTheyKnow and FragDenStaat do), without the requester's identity.

    ``subject`` and ``answer`` are the officer's wording, checked free of the requester's personal data when
    published; ``files`` are redacted copies (stored apart from the requester's), never the handed-over originals.
    """

    __tablename__ = "publication_jawaban"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id"), unique=True)
    number: Mapped[str] = mapped_column(String(80))
    """The request's registration number: no personal data, and it lets the public cite the answer."""
    dinas_slug: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    """Each published file: name, storage key, size, SHA-256, and how many personal-data hits were removed."""
    published_by_name: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
