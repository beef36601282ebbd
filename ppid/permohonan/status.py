"""The state of a request, derived from its events: the state machine and the deadlines it implies.

Nothing here is stored. ``derive`` replays the events on every read, so a deadline always reflects the
current calendar (a holiday added by a new SKB moves open deadlines at once, cf. foi-peers C3), and
"overdue" cannot go stale (foi-peers §6.1: keep stored and derived status apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ppid.i18n import N_
from ppid.permohonan.deadlines import (
    DISPUTE_FILING_WORKING_DAYS,
    OBJECTION_ANSWER_WORKING_DAYS,
    Receipt,
    WorkingCalendar,
    court_filing_deadline,
    dispute_milestones,
    notice_due,
    objection_window_end,
)
from ppid.permohonan.law import SETTLED_BY_DELIBERATION
from ppid.permohonan.models import (
    CloseReason,
    CourtLevel,
    DisputeResult,
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
    DISPUTE_DECIDED = "sengketa_diputus"
    COURT = "pengadilan"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"diterima": N_("Diterima"), "perlu_kelengkapan": N_("Menunggu kelengkapan dari pemohon"),
                "diproses": N_("Diproses"), "dijawab": N_("Dijawab"), "selesai": N_("Selesai"),
                "keberatan": N_("Keberatan sedang diperiksa atasan PPID"),
                "keberatan_dijawab": N_("Keberatan telah ditanggapi atasan PPID"),
                "sengketa": N_("Sengketa informasi di Komisi Informasi"),
                "sengketa_diputus": N_("Sengketa telah diselesaikan Komisi Informasi"),
                "pengadilan": N_("Perkara di pengadilan")}


OPEN_PHASES = frozenset({Phase.RECEIVED, Phase.AWAITING_ITEMS, Phase.IN_PROGRESS})
"""Phases in which the PPID still owes the written notice."""

ALLOWED_FROM: dict[EventKind, frozenset[Phase]] = {
    EventKind.FORWARDED: frozenset({Phase.RECEIVED, Phase.IN_PROGRESS}),
    EventKind.ITEMS_REQUESTED: frozenset({Phase.RECEIVED, Phase.IN_PROGRESS}),
    EventKind.ITEMS_SUPPLIED: frozenset({Phase.AWAITING_ITEMS}),
    EventKind.EXTENDED: OPEN_PHASES,
    EventKind.DECIDED: OPEN_PHASES | {Phase.OBJECTION_ANSWERED},
    EventKind.CLOSED: OPEN_PHASES | {Phase.ANSWERED, Phase.OBJECTION_ANSWERED, Phase.DISPUTE, Phase.DISPUTE_DECIDED,
                                     Phase.COURT},
    EventKind.OBJECTION_FILED: OPEN_PHASES | {Phase.ANSWERED, Phase.CLOSED},
    EventKind.OBJECTION_DECIDED: frozenset({Phase.OBJECTION}),
    EventKind.DISPUTE_FILED: frozenset({Phase.OBJECTION, Phase.OBJECTION_ANSWERED}),
    EventKind.DISPUTE_DECIDED: frozenset({Phase.DISPUTE}),
    EventKind.COURT_CASE: frozenset({Phase.DISPUTE_DECIDED, Phase.COURT}),
    EventKind.DELIBERATION: frozenset({Phase.OBJECTION}),
    EventKind.REQUESTER_RESPONSE: frozenset({Phase.OBJECTION_ANSWERED, Phase.ANSWERED, Phase.CLOSED, Phase.DISPUTE,
                                             Phase.DISPUTE_DECIDED, Phase.COURT}),
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
    EventKind.DISPUTE_DECIDED: Phase.DISPUTE_DECIDED,
    EventKind.COURT_CASE: Phase.COURT,
}


@dataclass(frozen=True)
class CourtCase:
    """One court stage after the KI's adjudication (Pasal 47-50), as the officer recorded it."""

    level: CourtLevel
    number: str
    registered_on: date
    ruling: str | None
    ruled_on: date | None


@dataclass(frozen=True)
class DisputeStatus:
    """A dispute at the Komisi Informasi. Its milestones are the KI's deadlines (Pasal 38), not the PPID's: they are
    shown to everyone and never make the request overdue."""

    number: str
    """The Komisi Informasi's register number of the dispute."""
    filed_on: date
    """When the requester took the dispute to the Komisi Informasi (Pasal 37(1))."""
    received_by_ki: date
    """Day 0 of the KI's clock: the receipt date on its letter, else the filing date."""
    today: date
    start_by: date
    """Pasal 38(1): mediation or adjudication starts within 14 working days of receipt."""
    settlement_day_zero: date
    """Day 0 of the 100 working days: the receipt, or ``start_by`` where so configured (start point [U])."""
    settle_by: date
    """Pasal 38(2): settled within 100 working days."""
    holidays: tuple[tuple[date, str], ...]
    """Holidays and closures not counted between the receipt and ``settle_by`` (weekends are never counted)."""
    result: DisputeResult | None = None
    decided_on: date | None = None
    decision_number: str | None = None
    court_cases: tuple[CourtCase, ...] = ()

    @property
    def start_passed(self) -> bool:
        """The last day to start has passed and no outcome is recorded (the KI may have started; nobody said)."""
        return self.result is None and self.today > self.start_by

    @property
    def settlement_passed(self) -> bool:
        return self.result is None and self.today > self.settle_by

    @property
    def court_possible(self) -> bool:
        """Only an adjudication goes to court (Pasal 47): a mediated settlement is final and binding (Pasal 39),
        and a withdrawn dispute is over."""
        return self.result is not None and self.result not in (DisputeResult.MEDIATED, DisputeResult.WITHDRAWN)

    @property
    def court_deadline(self) -> date | None:
        """Last day to go to court against the adjudication (Pasal 47-48), when it can be taken there."""
        return court_filing_deadline(self.decided_on) if self.court_possible and self.decided_on else None

    @property
    def settled_late(self) -> bool:
        return self.decided_on is not None and self.decided_on > self.settle_by


@dataclass(frozen=True)
class Deliberation:
    """A musyawarah meeting on an objection (Pasal 35(2)), as the officer recorded it."""

    held_on: date
    attendees: str
    agreed: bool
    agreement: str | None
    recorded_by: str


@dataclass(frozen=True)
class RequesterResponse:
    """The requester's response to the objection's answer (register keberatan column k)."""

    text: str
    received_on: date
    on_paper: bool
    """Received on paper and recorded by an officer, rather than given on the tracking page."""


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
    dispute: DisputeStatus | None = None
    deliberations: tuple[Deliberation, ...] = ()
    response: RequesterResponse | None = None

    @property
    def overdue(self) -> bool:
        return self.decided_on is None and self.today > self.answer_due

    @property
    def settled(self) -> bool:
        """Ended by agreement in musyawarah (Pasal 35(2)): nothing is left to take to the Komisi Informasi."""
        return self.decision == ObjectionDecision.SETTLED

    @property
    def deliberable(self) -> bool:
        """Every ground is one of b-g (Pasal 35(2)); an objection on ground a is answered by the atasan only."""
        return set(self.keberatan.grounds) <= SETTLED_BY_DELIBERATION

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
    """Working days from today, or from day 0 while that is still ahead (a request filed on a Sunday has 10 left
    on that Sunday, not 11), to ``due`` while the notice is owed (negative when overdue)."""

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


def derive(permohonan: Permohonan, calendar: WorkingCalendar, *, today: date, pause_clock: bool = False,
           settlement_from_start: bool = False) -> Status:
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
    dispute_decision: dict | None = None
    court_cases: dict[tuple[str, str], dict] = {}
    deliberations: list[Deliberation] = []
    response: RequesterResponse | None = None
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
        elif event.kind == EventKind.DELIBERATION:
            meeting = _deliberation(event.payload, event.actor_name)
            deliberations.append(meeting)
            if meeting.agreed:
                objection_decision, objection_decided_on = ObjectionDecision.SETTLED, meeting.held_on
                phase = Phase.OBJECTION_ANSWERED
        elif event.kind == EventKind.REQUESTER_RESPONSE:
            received = event.payload.get("tanggal_diterima")
            response = RequesterResponse(text=event.payload["tanggapan"], on_paper=received is not None,
                                         received_on=date.fromisoformat(received) if received else day)
        elif event.kind == EventKind.OBJECTION_DECIDED:
            objection_decision, objection_decided_on = ObjectionDecision(event.payload["putusan"]), day
        elif event.kind == EventKind.DISPUTE_FILED:
            dispute = event.payload
        elif event.kind == EventKind.DISPUTE_DECIDED:
            dispute_decision = event.payload
        elif event.kind == EventKind.COURT_CASE:  # a later record of the same case adds its ruling
            court_cases[(event.payload["tingkat"], event.payload["nomor_perkara"])] = event.payload
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
        if objection_decision == ObjectionDecision.SETTLED:
            dispute_from = None
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
            dispute=_dispute_status(dispute, dispute_decision, list(court_cases.values()), calendar, today=today,
                                    settlement_from_start=settlement_from_start) if dispute else None,
            deliberations=tuple(deliberations),
            response=response,
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
        working_days_left=calendar.working_days_between(max(today, receipt.day), due) if owed else None,
    )


def _deliberation(payload: dict, recorded_by: str) -> Deliberation:
    return Deliberation(held_on=date.fromisoformat(payload["tanggal"]), attendees=payload["peserta"],
                        agreed=payload["sepakat"] == "ya", agreement=payload.get("kesepakatan"),
                        recorded_by=payload.get("nama_petugas", recorded_by))


def _dispute_status(filed: dict, decision: dict | None, court_cases: list[dict], calendar: WorkingCalendar, *,
                    today: date, settlement_from_start: bool) -> DisputeStatus:
    received = date.fromisoformat(filed.get("tanggal_diterima_ki") or filed["tanggal_diajukan"])
    start_by, day_zero, settle_by = dispute_milestones(received, calendar, settlement_from_start=settlement_from_start)
    return DisputeStatus(
        number=filed["nomor_register"],
        filed_on=date.fromisoformat(filed["tanggal_diajukan"]),
        received_by_ki=received,
        today=today,
        start_by=start_by,
        settlement_day_zero=day_zero,
        settle_by=settle_by,
        holidays=tuple((day, reason) for day, reason in calendar.skipped_days(received, settle_by)
                       if calendar.holiday_name(day) is not None),
        result=DisputeResult(decision["hasil"]) if decision else None,
        decided_on=date.fromisoformat(decision["tanggal_putusan"]) if decision else None,
        decision_number=decision.get("nomor_putusan") if decision else None,
        court_cases=tuple(
            CourtCase(level=CourtLevel(case["tingkat"]), number=case["nomor_perkara"],
                      registered_on=date.fromisoformat(case["tanggal_didaftarkan"]), ruling=case.get("putusan"),
                      ruled_on=date.fromisoformat(case["tanggal_putusan"]) if case.get("tanggal_putusan") else None)
            for case in court_cases
        ),
    )
