"""The decisions on requests that named a DIK entry, read from the request log (a refusal copies the entry and the
number of its version into its notice), and the removal of an entry recorded by mistake, which they forbid.

Apart from :mod:`ppid.publication.dik` because it reads the request module, which a harvest never loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.i18n import _
from ppid.permohonan.models import Permohonan, PermohonanEvent
from ppid.publication.models import ExemptInformation, ExemptionRemoval, ExemptionVersion
from ppid.publication.service import FormError


@dataclass(frozen=True)
class Citation:
    """A decision on a request that named the entry: which request, when, and which version it rested on."""

    number: str
    permohonan_id: int
    at: datetime
    version: int


def citations(session: Session, entry_id: int) -> list[Citation]:
    """Every decision on a request that named the entry (the notice copies the entry, so they are found there)."""
    named = PermohonanEvent.payload[("dik", "id")].as_integer()
    rows = session.execute(select(Permohonan.number, PermohonanEvent.permohonan_id, PermohonanEvent.at,
                                  PermohonanEvent.payload).join(Permohonan)
                           .where(named == entry_id).order_by(PermohonanEvent.at))
    return [Citation(row.number, row.permohonan_id, row.at, int(row.payload["dik"].get("versi", 1))) for row in rows]


def remove(session: Session, entry: ExemptInformation, reason: str, by: User) -> ExemptionRemoval:
    """Remove an entry recorded by mistake. Only one that no decision on a request named and that was never
    opened; the removal is recorded with every version the entry had. Raises FormError."""
    if entry.opened:
        raise FormError({"reason": _("entri yang sudah dibuka adalah catatan keputusan dan tidak dapat dihapus")})
    if citations(session, entry.id):
        raise FormError({"reason": _("entri ini sudah menjadi dasar keputusan atas permohonan; ubah atau buka, "
                                     "jangan dihapus")})
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise FormError({"reason": _("tulis alasan penghapusan (misalnya: tercatat dua kali)")})
    kept = list(session.scalars(select(ExemptionVersion).where(ExemptionVersion.dik_id == entry.id)
                                .order_by(ExemptionVersion.version)))
    removal = ExemptionRemoval(
        dik_id=entry.id, dinas_slug=entry.dinas_slug, public_title=entry.public_title, reason=reason,
        versions=[{"versi": version.version, "isi": version.values, "alasan": version.reason,
                   "oleh": version.recorded_by_name, "pada": version.recorded_at.isoformat()} for version in kept],
        removed_by_id=by.id, removed_by_name=by.full_name)
    session.add(removal)
    for version in kept:
        session.delete(version)
    session.flush()
    session.delete(entry)
    return removal
