"""Checking the request log's hash chain (``ppid audit verify``): recompute every link, report the first broken one."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.i18n import _
from ppid.permohonan.chain import GENESIS, REQUEST_FACTS, request_facts, seal
from ppid.permohonan.models import Permohonan, PermohonanEvent


@dataclass(frozen=True)
class ChainReport:
    events: int
    """How many events were checked (up to the first broken link)."""
    head: str
    """The hash of the last intact event: write it down outside the database."""
    broken_event_id: int | None = None
    document: str | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None


def verify(session: Session) -> ChainReport:
    """Walk the whole log in the order it was written; stop at the first event whose link does not hold."""
    query = (
        select(PermohonanEvent, *(getattr(Permohonan, name) for name in REQUEST_FACTS))
        .join(Permohonan, Permohonan.id == PermohonanEvent.permohonan_id)
        .order_by(PermohonanEvent.id)
        .execution_options(yield_per=1000)
    )
    previous, checked = GENESIS, 0
    for event, *facts in session.execute(query):
        document = request_facts(SimpleNamespace(**dict(zip(REQUEST_FACTS, facts, strict=True))))
        number = document["number"]
        reason = None
        if event.prev_hash != previous:
            reason = _("tautan ke peristiwa sebelumnya tidak cocok: ada peristiwa yang dihapus, disisipkan atau "
                       "diubah sebelum ini")
        elif event.hash != seal(document=document, sequence=event.sequence, kind=str(event.kind), at=event.at,
                                actor_user_id=event.actor_user_id, actor_name=event.actor_name,
                                dinas_slug=event.dinas_slug, payload=event.payload, prev_hash=event.prev_hash):
            reason = _("isi peristiwa atau data pengajuan permohonannya tidak cocok dengan hash-nya: diubah setelah "
                       "dicatat")
        if reason:
            return ChainReport(checked, previous, broken_event_id=event.id, document=number, reason=reason)
        previous, checked = event.hash, checked + 1
        session.expunge(event)
    return ChainReport(checked, previous)
