"""The state of a request, derived from its events: the state machine and the deadlines it implies.

Nothing here is stored. ``derive`` replays the events on every read, so a deadline always reflects the
current calendar (a holiday added by a new SKB moves open deadlines at once, cf. foi-peers C3), and
"overdue" cannot go stale (foi-peers §6.1: keep stored and derived status apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ppid.permohonan.deadlines import (
    DISPUTE_FILING_WORKING_DAYS,
    OBJECTION_ANSWER_WORKING_DAYS,
    Receipt,
    WorkingCalendar,
    notice_due,
    objection_window_end,
)
from ppid.permohonan.models import (
    CloseReason,
    EventKind,
    Keberatan,
    Labelled,
    ObjectionDecision,
    Outcome,
    Permohonan,
)


class Phase(Labelled):
    """Where a request stands (kip-rules §4, design recommendation); "lewat waktu" is computed, not a phase."""

    RECEIVED = "diterima"
    AWAITING_ITEMS = "perlu_kelengkapan"
    IN_PROGRESS = "diproses"
    ANSWERED = "dijawab"
    CLOSED = "selesai"
    OBJECTION = "keberatan"
    OBJECTION_ANSWERED = "keberatan_dijawab"
    DISPUTE = "sengketa"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"diterima": "Diterima", "perlu_kelengkapan": "Menunggu kelengkapan dari pemohon",
                "diproses": "Diproses", "dijawab": "Dijawab", "selesai": "Selesai",
                "keberatan": "Keberatan sedang diperiksa atasan PPID",
                "keberatan_dijawab": "Keberatan telah ditanggapi atasan PPID",
                "sengketa": "Sengketa informasi di Komisi Informasi"}


OPEN_PHASES = frozenset({Phase.RECEIVED, Phase.AWAITING_ITEMS, Phase.IN_PROGRESS})
"""Phases in which the PPID still owes the written notice."""

ALLOWED_FROM: dict[EventKind, frozenset[Phase]] = {
    EventKind.FORWARDED: frozenset({Phase.RECEIVED, Phase.IN_PROGRESS}),
    EventKind.ITEMS_REQUESTED: frozenset({Phase.RECEIVED, Phase.IN_PROGRESS}),
    EventKind.ITEMS_SUPPLIED: frozenset({Phase.AWAITING_ITEMS}),
    EventKind.EXTENDED: OPEN_PHASES,
    EventKind.DECIDED: OPEN_PHASES | {Phase.OBJECTION_ANSWERED},
    EventKind.CLOSED: OPEN_PHASES | {Phase.ANSWERED, Phase.OBJECTION_ANSWERED, Phase.DISPUTE},
    EventKind.OBJECTION_FILED: OPEN_PHASES | {Phase.ANSWERED, Phase.CLOSED},
    EventKind.OBJECTION_DECIDED: frozenset({Phase.OBJECTION}),
    EventKind.DISPUTE_FILED: frozenset({Phase.OBJECTION, Phase.OBJECTION_ANSWERED}),
}
"""The state machine: which phases each event may follow (the workflow adds rules that need the payload)."""

_PHASE_AFTER: dict[EventKind, Phase] = {
    EventKind.RECEIVED: Phase.RECEIVED,
    EventKind.FORWARDED: Phase.IN_PROGRESS,
    EventKind.ITEMS_REQUESTED: Phase.AWAITING_ITEMS,
    EventKind.ITEMS_SUPPLIED: Phase.IN_PROGRESS,
    EventKind.DECIDED: Phase.ANSWERED,
    EventKind.CLOSED: Phase.CLOSED,
    EventKind.OBJECTION_FILED: Phase.OBJECTION,
    EventKind.OBJECTION_DECIDED: Phase.OBJECTION_ANSWERED,
    EventKind.DISPUTE_FILED: Phase.DISPUTE,
}


@dataclass(frozen=True)
class ObjectionStatus:
    """An objection's own clock: the atasan PPID answers within 30 working days (Pasal 36(2))."""

    keberatan: Keberatan
    receipt: Receipt
    today: date
    answer_due: date
    filed_late: bool
    """Filed after the objection window (Pasal 36(1)); recorded anyway, as the window's start is [U]."""
    decision: ObjectionDecision | None
    decided_on: date | None
    dispute_deadline: date | None
    """Pasal 37(2): 14 working days after the answer, or after the answer was due (KI practice [S])."""
    dispute_filed_on: date | None = None
    """When the requester took the dispute to the Komisi Informasi (Pasal 37(1)), as the officer recorded it."""
    dispute_number: str | None = None
    """The Komisi Informasi's register number of the dispute."""

    @property
    def overdue(self) -> bool:
        return self.decided_on is None and self.today > self.answer_due

    @property
    def answered_late(self) -> bool:
        return self.decided_on is not None and self.decided_on > self.answer_due


@dataclass(frozen=True)
class Status:
    phase: Phase
    dinas_slug: str | None
    """The dinas handling the request now; None while the PPID Utama routes it."""
    receipt: Receipt
    today: date
    base_due: date
    """10 working days after receipt (Pasal 22(7)), plus any paused days."""
    due: date
    """Last day for the written notice, including the extension (Pasal 22(8))."""
    extension_days: int
    extension_reason: str | None
    paused_days: int
    outcome: Outcome | None
    decided_on: date | None
    close_reason: CloseReason | None
    objection_deadline: date | None
    """Last day for an objection (Pasal 36(1)) once its ground exists: a notice, or a missed deadline."""
    objection: ObjectionStatus | None
    working_days_left: int | None
    """Working days from today to ``due`` while the notice is owed (negative when overdue)."""

    @property
    def notice_owed(self) -> bool:
        return self.decided_on is None and self.close_reason is None

    @property
    def overdue(self) -> bool:
        """The written notice is owed and its last day has passed (dates compared, not times)."""
        return self.notice_owed and self.today > self.due

    @property
    def answered_late(self) -> bool:
        """The notice came after the deadline: objection ground g (Pasal 35(1) g)."""
        return self.decided_on is not None and self.decided_on > self.due

    @property
    def extended(self) -> bool:
        return self.extension_days > 0

    @property
    def requester_to_act(self) -> bool:
        return self.phase == Phase.AWAITING_ITEMS


def derive(permohonan: Permohonan, calendar: WorkingCalendar, *, today: date, pause_clock: bool = False) -> Status:
    """Replay the events of ``permohonan`` into its :class:`Status` as of ``today`` (a local date)."""
    receipt = calendar.receipt(permohonan.received_at)
    phase, dinas_slug = Phase.RECEIVED, None
    extension_days, extension_reason = 0, None
    pauses: list[tuple[date, date]] = []
    awaiting_since = outcome = decided_on = close_reason = None
    objection: Keberatan | None = None
    objection_window: date | None = None
    objection_decision = objection_decided_on = None
    dispute: dict | None = None
    for event in permohonan.events:
        day = calendar.local_date(event.at)
        if awaiting_since is not None and event.kind in (EventKind.ITEMS_SUPPLIED, EventKind.DECIDED, EventKind.CLOSED):
            pauses.append((awaiting_since, day))
            awaiting_since = None
        if event.kind in (EventKind.RECEIVED, EventKind.FORWARDED):
            dinas_slug = event.dinas_slug
        elif event.kind == EventKind.ITEMS_REQUESTED:
            awaiting_since = day
        elif event.kind == EventKind.EXTENDED:
            extension_days, extension_reason = int(event.payload["hari"]), event.payload["alasan"]
        elif event.kind == EventKind.DECIDED:
            outcome, decided_on = Outcome(event.payload["keputusan"]), day
        elif event.kind == EventKind.CLOSED:
            close_reason = CloseReason(event.payload["alasan"])
        elif event.kind == EventKind.OBJECTION_FILED:
            objection = next(item for item in permohonan.objections if item.id == event.payload["keberatan_id"])
            objection_window = date.fromisoformat(event.payload["batas_keberatan"])
            objection_decision = objection_decided_on = None
        elif event.kind == EventKind.OBJECTION_DECIDED:
            objection_decision, objection_decided_on = ObjectionDecision(event.payload["putusan"]), day
        elif event.kind == EventKind.DISPUTE_FILED:
            dispute = event.payload
        phase = _PHASE_AFTER.get(event.kind, phase)
    if awaiting_since is not None:
        pauses.append((awaiting_since, today))
    paused_days = sum(max(calendar.working_days_between(start, end), 0) for start, end in pauses) if pause_clock else 0

    base_due = notice_due(receipt.day, calendar, paused_days=paused_days)
    due = notice_due(receipt.day, calendar, paused_days=paused_days, extension_days=extension_days)
    owed = decided_on is None and close_reason is None
    if decided_on is not None:
        objection_deadline = objection_window_end(decided_on, calendar)
    elif owed and today > due:
        objection_deadline = objection_window_end(due, calendar)
    else:
        objection_deadline = None
    objection_status = None
    if objection is not None:
        objection_receipt = calendar.receipt(objection.received_at)
        answer_due = calendar.add_working_days(objection_receipt.day, OBJECTION_ANSWER_WORKING_DAYS)
        dispute_from = objection_decided_on or (answer_due if today > answer_due else None)
        objection_status = ObjectionStatus(
            keberatan=objection,
            receipt=objection_receipt,
            today=today,
            answer_due=answer_due,
            filed_late=objection_receipt.day > objection_window,
            decision=objection_decision,
            decided_on=objection_decided_on,
            dispute_deadline=calendar.add_working_days(dispute_from, DISPUTE_FILING_WORKING_DAYS)
            if dispute_from else None,
            dispute_filed_on=date.fromisoformat(dispute["tanggal_diajukan"]) if dispute else None,
            dispute_number=dispute["nomor_register"] if dispute else None,
        )
    return Status(
        phase=phase,
        dinas_slug=dinas_slug,
        receipt=receipt,
        today=today,
        base_due=base_due,
        due=due,
        extension_days=extension_days,
        extension_reason=extension_reason,
        paused_days=paused_days,
        outcome=outcome,
        decided_on=decided_on,
        close_reason=close_reason,
        objection_deadline=objection_deadline,
        objection=objection_status,
        working_days_left=calendar.working_days_between(today, due) if owed else None,
    )
