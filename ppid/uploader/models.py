"""What the uploader remembers: dataset drafts, every uploaded version of their files, resumable upload
sessions, the append-only record of each draft, and the notices officers read on their desk.

Nothing here is ever deleted: an invalid file stays beside its report, a replaced file stays as an older
version, and ``draft_event`` refuses UPDATE and DELETE with a database trigger.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.pipeline.models import ValidationRecord


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members])


class DraftStatus(enum.StrEnum):
    DRAFT = "draf"
    SUBMITTED = "diajukan"
    RETURNED = "dikembalikan"
    APPROVED = "disetujui"


class VersionState(enum.StrEnum):
    CHECKING = "diperiksa"
    VALID = "valid"
    INVALID = "invalid"
    DOCUMENT = "dokumen"
    FAILED = "gagal"


class DraftEventKind(enum.StrEnum):
    CREATED = "dibuat"
    METADATA_CHANGED = "metadata_diubah"
    FILE_UPLOADED = "berkas_diunggah"
    SCHEMA_CHOSEN = "skema_dipilih"
    VALIDATED = "divalidasi"
    SUBMITTED = "diajukan"
    RETURNED = "dikembalikan"
    APPROVED = "disetujui"
    PUBLISHED = "diterbitkan"
    PUBLISH_FAILED = "gagal_terbit"


class Draft(Base):
    """One dataset an officer prepares for publication, with its Satu Data metadata."""

    __tablename__ = "upload_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(60), index=True)
    dataset_slug: Mapped[str] = mapped_column(String(100))
    """The dataset name without the dinas prefix; the pipeline's naming adds it."""
    meta: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    status: Mapped[DraftStatus] = mapped_column(_enum(DraftStatus), default=DraftStatus.DRAFT)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    files: Mapped[list[DraftFile]] = relationship(back_populates="draft", order_by="DraftFile.id")
    events: Mapped[list[DraftEvent]] = relationship(order_by="DraftEvent.id", viewonly=True)

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.dataset_slug


class DraftFile(Base):
    """One file of a draft (a 'slot'); its content lives in the versions, newest last."""

    __tablename__ = "upload_draft_file"
    __table_args__ = (UniqueConstraint("draft_id", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("upload_draft.id"), index=True)
    slot: Mapped[str] = mapped_column(String(300))
    """The safe file name of the first version: the file's stable key in the pipeline."""
    schema_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    draft: Mapped[Draft] = relationship(back_populates="files")
    versions: Mapped[list[FileVersion]] = relationship(back_populates="file", order_by="FileVersion.number")

    @property
    def current(self) -> FileVersion:
        return self.versions[-1]


class FileVersion(Base):
    """Exactly what an officer uploaded, by whom and when; kept for ever, valid or not."""

    __tablename__ = "upload_file_version"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("upload_draft_file.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    schema_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    state: Mapped[VersionState] = mapped_column(_enum(VersionState), default=VersionState.CHECKING)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("validation_record.id"), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_by_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    file: Mapped[DraftFile] = relationship(back_populates="versions")
    report: Mapped[ValidationRecord | None] = relationship()


class UploadSession(Base):
    """A chunked upload in progress: the storage's multipart session and the parts already received."""

    __tablename__ = "upload_session"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("upload_draft.id"), index=True)
    replaces_file_id: Mapped[int | None] = mapped_column(ForeignKey("upload_draft_file.id"), nullable=True)
    user_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)
    part_size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(500))
    storage_upload_id: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    parts: Mapped[list[UploadPart]] = relationship(order_by="UploadPart.number", cascade="all, delete-orphan")

    @property
    def part_count(self) -> int:
        return max(1, -(-self.size // self.part_size))

    def expected_size(self, number: int) -> int:
        """Every part is ``part_size`` long except the last, which holds the rest."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)


class UploadPart(Base):
    __tablename__ = "upload_part"

    session_id: Mapped[str] = mapped_column(ForeignKey("upload_session.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)


class DraftEvent(Base):
    """One line of a draft's record: who did what, when. Never updated, never deleted."""

    __tablename__ = "draft_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("upload_draft.id"), index=True)
    kind: Mapped[DraftEventKind] = mapped_column(_enum(DraftEventKind))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """No foreign key, so the record outlives accounts."""
    actor_name: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)


class Notice(Base):
    """A message on an officer's desk (review outcome, overdue periodic information); also e-mailed by
    :func:`ppid.uploader.notices.notify` and :mod:`ppid.publication.periodic`."""

    __tablename__ = "upload_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("upload_draft.id"), nullable=True)
    path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    """Where a notice that is not about a draft leads (a path on the portal)."""
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @property
    def link(self) -> str:
        """The path the notice leads to: its draft, or its own ``path``."""
        return self.path or f"/unggah/draf/{self.draft_id}"
