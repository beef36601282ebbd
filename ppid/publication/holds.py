"""Files held back from publication because they hold personal data, until the walidata decides.

The pipeline scans every new version of a table or document (:mod:`ppid.publication.personal_data`) and, on a
hit, records a hold for that version: the file is not published (nor the version before it), and the run
says why. The walidata then publishes it anyway with a reason, or sends it back to the dinas to fix. A hold
belongs to one version (source, key, SHA-256): a later run never holds a released version again, and a
changed file is scanned afresh. Officers are named by id and by name as they were, as in the other registers.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _
from ppid.publication.personal_data import Scan


class HoldStatus(enum.StrEnum):
    HELD = "ditahan"
    RELEASED = "dilepas"
    """The walidata published it anyway, with a reason."""
    SENT_BACK = "dikembalikan"
    """Returned to the dinas: stays unpublished until a new version comes."""

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self])


STATUS_LABELS = {
    HoldStatus.HELD: N_("ditahan, menunggu keputusan walidata"),
    HoldStatus.RELEASED: N_("diterbitkan dengan alasan"),
    HoldStatus.SENT_BACK: N_("dikembalikan ke dinas untuk diperbaiki"),
}


class HoldError(ValueError):
    """A decision the walidata cannot take (no reason, already decided); the message is for the officer."""


class PersonalDataHold(Base):
    __tablename__ = "personal_data_hold"
    __table_args__ = (UniqueConstraint("source_id", "item_key", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dinas_slug: Mapped[str] = mapped_column(String(60), index=True)
    dataset_name: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(200))
    item_key: Mapped[str] = mapped_column(String(1000))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    findings: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    """:meth:`Scan.to_dict`: counts per kind and the first places, values masked."""
    status: Mapped[HoldStatus] = mapped_column(
        Enum(HoldStatus, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members]),
        default=HoldStatus.HELD)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def scan(self) -> Scan:
        return Scan.from_dict(self.findings)

    @property
    def blocks(self) -> bool:
        return self.status != HoldStatus.RELEASED


def hold_for(session: Session, *, dinas_slug: str, dataset_name: str, source_id: str, item_key: str,
             file_name: str, sha256: str, scan: Scan) -> PersonalDataHold | None:
    """The hold on this version: the one already recorded (None once released: never held again), or a new one
    when ``scan`` found personal data."""
    existing = session.scalar(select(PersonalDataHold).where(
        PersonalDataHold.source_id == source_id, PersonalDataHold.item_key == item_key,
        PersonalDataHold.sha256 == sha256))
    if existing is not None:
        return existing if existing.blocks else None
    if not scan.found:
        return None
    hold = PersonalDataHold(dinas_slug=dinas_slug, dataset_name=dataset_name, source_id=source_id,
                            item_key=item_key, file_name=file_name, sha256=sha256, findings=scan.to_dict())
    session.add(hold)
    session.flush()
    return hold


def is_recorded(session: Session, source_id: str, item_key: str, sha256: str) -> bool:
    """Whether this version already has a hold (held, sent back or released): no need to scan it again."""
    return session.scalar(select(PersonalDataHold.id).where(
        PersonalDataHold.source_id == source_id, PersonalDataHold.item_key == item_key,
        PersonalDataHold.sha256 == sha256)) is not None


Version = tuple[str, str, str]
"""(source id, item key, sha256): one version of one file."""


def blocking(session: Session, versions: Iterable[Version]) -> dict[Version, PersonalDataHold]:
    """The holds not released among these (source, key, sha256) versions, by version."""
    wanted = set(versions)
    if not wanted:
        return {}
    rows = session.scalars(select(PersonalDataHold).where(
        PersonalDataHold.sha256.in_({sha256 for _source, _key, sha256 in wanted}),
        PersonalDataHold.status != HoldStatus.RELEASED))
    return {(h.source_id, h.item_key, h.sha256): h for h in rows if (h.source_id, h.item_key, h.sha256) in wanted}


def blocking_in_source(session: Session, source_id: str) -> list[PersonalDataHold]:
    """The holds not released of one source's files (an uploaded draft is one source)."""
    return list(session.scalars(select(PersonalDataHold).where(
        PersonalDataHold.source_id == source_id, PersonalDataHold.status != HoldStatus.RELEASED
    ).order_by(PersonalDataHold.id)))


def holds_of(session: Session, dinas_slugs: Iterable[str] | None) -> list[PersonalDataHold]:
    """Holds of these dinas (all when None), undecided first, newest first."""
    query = select(PersonalDataHold).order_by(PersonalDataHold.decided_at.is_not(None),
                                              PersonalDataHold.created_at.desc(), PersonalDataHold.id.desc())
    if dinas_slugs is not None:
        query = query.where(PersonalDataHold.dinas_slug.in_(list(dinas_slugs)))
    return list(session.scalars(query))


def release(hold: PersonalDataHold, *, reason: str, officer_id: int | None, officer_name: str) -> None:
    """Publish anyway: the reason is required and kept; the caller marks the file for publication again."""
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise HoldError(_("Tuliskan alasan menerbitkan data pribadi ini (paling sedikit 10 karakter)."))
    _decide(hold, HoldStatus.RELEASED, reason, officer_id, officer_name)


def send_back(hold: PersonalDataHold, *, reason: str, officer_id: int | None, officer_name: str) -> None:
    """Return to the dinas: the file stays unpublished until a new version is harvested or uploaded."""
    _decide(hold, HoldStatus.SENT_BACK, " ".join(reason.split()) or None, officer_id, officer_name)


def _decide(hold: PersonalDataHold, status: HoldStatus, reason: str | None, officer_id: int | None,
            officer_name: str) -> None:
    if hold.status == HoldStatus.RELEASED:
        raise HoldError(_("Berkas ini sudah diterbitkan dengan alasan; keputusan itu tidak dapat diubah."))
    hold.status = status
    hold.reason = reason
    hold.decided_at = utcnow()
    hold.decided_by_id = officer_id
    hold.decided_by_name = officer_name
