"""What the pipeline remembers between runs: runs, what each run did, and every file ever seen.

A file's row is updated only after its bytes are safely in storage, and publication is tracked
separately (``published_sha256``), so a run that dies half-way leaves state the next run completes.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _
from ppid.pipeline.naming import file_label


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members])


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """The status in the reader's language: the stored value is a code, not words for an officer."""
        return _(RUN_STATUS_LABELS[self])


class ItemOutcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    SOURCE_FAILED = "source-failed"
    NO_RULE = "no-rule"
    """The source offers a file that no rule of ``config/dinas.yaml`` matches: it is not harvested."""
    HELD = "held"
    """Classified dikecualikan: kept out of the catalogue (and withdrawn from it if it was there)."""

    @property
    def label(self) -> str:
        """The outcome in the reader's language, as the terminal summary and the officer's pages show it."""
        return _(OUTCOME_LABELS[self])


RUN_STATUS_LABELS = {
    RunStatus.RUNNING: N_("berjalan"),
    RunStatus.FINISHED: N_("selesai"),
    RunStatus.FAILED: N_("gagal"),
}
OUTCOME_LABELS = {
    ItemOutcome.NEW: N_("baru"),
    ItemOutcome.UPDATED: N_("diperbarui"),
    ItemOutcome.UNCHANGED: N_("tidak berubah"),
    ItemOutcome.INVALID: N_("tidak valid"),
    ItemOutcome.FAILED: N_("gagal"),
    ItemOutcome.WITHDRAWN: N_("ditarik"),
    ItemOutcome.SOURCE_FAILED: N_("sumber gagal"),
    ItemOutcome.HELD: N_("ditahan"),
    ItemOutcome.NO_RULE: N_("tanpa aturan (diabaikan)"),
}


class FileState(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    DOCUMENT = "document"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class HarvestRun(Base):
    __tablename__ = "harvest_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), default=RunStatus.RUNNING, index=True)
    trigger: Mapped[str] = mapped_column(String(40), default="cli")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    verify: Mapped[bool] = mapped_column(Boolean, default=False)
    """Files whose fingerprint looked unchanged were hashed anyway (``--verify``, or every N runs)."""
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The process running it: on the same host, a run whose process is gone is closed at once, not after
    the heartbeat goes stale."""

    events: Mapped[list[RunEvent]] = relationship(back_populates="run", order_by="RunEvent.id")

    @property
    def outcome_counts(self) -> list[tuple[ItemOutcome, int]]:
        """``counts`` (stored by code) with each outcome typed, for pages that show its label."""
        return [(ItemOutcome(code), number) for code, number in self.counts.items()]


class RunEvent(Base):
    """One line of a run's record: what happened to one item (or to a whole source) and how long it took."""

    __tablename__ = "run_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("harvest_run.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(String(200))
    item_key: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    outcome: Mapped[ItemOutcome] = mapped_column(_enum(ItemOutcome))
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    run: Mapped[HarvestRun] = relationship(back_populates="events")


class ValidationRecord(Base):
    """A stored validation report. Reports are kept for ever, like the files they describe."""

    __tablename__ = "validation_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    schema_name: Mapped[str] = mapped_column(String(120))
    valid: Mapped[bool] = mapped_column(Boolean)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    rows_to_fix_key: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TrackedFile(Base):
    """Every file a source has ever offered, with its latest content and where it was published."""

    __tablename__ = "tracked_file"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(60), index=True)
    source_id: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(1000))
    name: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(500))
    schema_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    dataset_name: Mapped[str] = mapped_column(String(100), index=True)
    dataset_meta: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    state: Mapped[FileState] = mapped_column(_enum(FileState))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("validation_record.id"), nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    missing_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    published_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The content now in the catalogue: differs from ``sha256`` while publication is pending or refused."""
    published_storage_key: Mapped[str | None] = mapped_column(String(500), nullable=True)
    publish_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    report: Mapped[ValidationRecord | None] = relationship()

    @property
    def label(self) -> str:
        """The file as people know it: the published file's name, or its path or address (``file_label``)."""
        return file_label(self.key, self.name)


def file_labels(session: Session, events: list[RunEvent]) -> dict[tuple[str, str], str]:
    """(source, key) → how a run's files are named to people: the name of the file now published under each key
    (a run names an uploaded draft's corrected file, not its first upload); keys of no known file are left out."""
    keys = {(event.source_id, event.item_key) for event in events if event.item_key}
    if not keys:
        return {}
    rows = session.execute(select(TrackedFile.source_id, TrackedFile.key, TrackedFile.name).where(
        TrackedFile.source_id.in_({source for source, _key in keys}),
        TrackedFile.key.in_({key for _source, key in keys})))
    return {(source, key): file_label(key, name) for source, key, name in rows if (source, key) in keys}


class FailedItem(Base):
    """A file that failed for a reason in the file itself (an HTML page in place of data, too large, unreadable).

    Remembered with the source's change token and size so that it is neither fetched nor read again until it
    changes, yet reported as failed on every run. Transient failures (a dropped connection) are not kept here.
    """

    __tablename__ = "failed_item"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(1000))
    fingerprint: Mapped[str | None] = mapped_column(String(200), nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    schema_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
