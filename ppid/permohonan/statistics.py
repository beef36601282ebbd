"""The figures of the annual information service report (laporan layanan informasi publik).

UU KIP Pasal 12 requires every public body to announce each year (a) the number of requests, (b) the
time taken to fulfil them, (c) how many were granted and refused and (d) the reasons for refusal;
Perki 1/2021 Pasal 56 puts them in the annual report, section C (requests) and D (objections and
disputes), kip-rules §5.10. One function, :func:`annual_report`, computes them; the officer page, the
PDF and the public statistics page all show its result, so they cannot disagree.

Nothing here is stored: timeliness comes from the dates of each request through the one deadline
calculator (:mod:`ppid.permohonan.deadlines`, via :func:`status.derive`), so a holiday added later
changes the figures as it changes the deadlines. The report holds counts only, never personal data.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from babel.dates import get_month_names

from ppid.i18n import _, get_language
from ppid.permohonan.deadlines import WorkingCalendar
from ppid.permohonan.law import exemption_label, objection_ground_label
from ppid.permohonan.models import (
    Channel,
    CloseReason,
    DisputeResult,
    EventKind,
    ObjectionDecision,
    Outcome,
    Permohonan,
)
from ppid.permohonan.status import Status
from ppid.permohonan.workflow import Workflow


@dataclass(frozen=True)
class Tally:
    """One row of a breakdown: a code, its label in the interface language, and how many."""

    code: str
    label: str
    count: int


class Timeliness:
    """Classes of the time taken for the written notice (UU KIP Pasal 12 b; Pasal 22(7)-(8))."""

    WITHIN_10 = "paling_lama_10"
    WITHIN_17 = "paling_lama_17"
    LATE = "terlambat"
    OVERDUE = "belum_dijawab_lewat_waktu"
    PENDING = "belum_dijawab"
    WITHDRAWN = "ditarik"

    @staticmethod
    def labels() -> dict[str, str]:
        return {
            Timeliness.WITHIN_10: _("Dijawab paling lama 10 hari kerja"),
            Timeliness.WITHIN_17: _("Dijawab dalam perpanjangan (paling lama 17 hari kerja)"),
            Timeliness.LATE: _("Dijawab melewati batas waktu"),
            Timeliness.OVERDUE: _("Belum dijawab, batas waktu lewat"),
            Timeliness.PENDING: _("Belum dijawab, masih dalam batas waktu"),
            Timeliness.WITHDRAWN: _("Ditarik pemohon sebelum dijawab"),
        }


PENDING_OUTCOME = "belum_dijawab"
WITHDRAWN = CloseReason.WITHDRAWN.value


@dataclass(frozen=True)
class AnnualReport:
    year: int
    scope: str
    """Whose requests: "seluruh pemerintah daerah", or the dinas an officer works for."""
    requests: int
    by_month: list[Tally]
    by_channel: list[Tally]
    by_dinas: list[Tally]
    timeliness: list[Tally]
    median_working_days: float | None
    """Working days from day 0 to the written notice, over the requests answered (Pasal 12 b)."""
    average_working_days: float | None
    outcomes: list[Tally]
    granted: int
    """Granted in full or in part (Pasal 12 c)."""
    refused: int
    refusal_grounds: list[Tally]
    """Pasal 17 letters cited in refusals and partial grants (Pasal 12 d); one request may cite several."""
    objections: int
    objection_grounds: list[Tally]
    objection_decisions: list[Tally]
    objections_answered_late: int
    dispute_eligible: int
    """Objections whose requester may go to the Komisi Informasi (Pasal 37(2)): answered, or unanswered
    after the 30 working days of Pasal 36(2)."""
    disputes: int
    """Disputes the requesters took to the Komisi Informasi (Pasal 37(1)), as recorded by the officers."""
    dispute_results: list[Tally]
    """How the Komisi Informasi ended them: mediation or adjudication results (Perki 1/2021 report section D.4)."""
    court_cases: int
    """Court stages recorded after an adjudication (report section D.5)."""

    @property
    def answered(self) -> int:
        return sum(row.count for row in self.timeliness
                   if row.code in (Timeliness.WITHIN_10, Timeliness.WITHIN_17, Timeliness.LATE))

    def summary(self) -> list[tuple[str, int | str]]:
        """The Pasal 12 figures as label/value pairs (report section C), for the pages and the PDF alike."""
        return [
            (_("Jumlah permohonan (Pasal 12 huruf a)"), self.requests),
            (_("Permohonan yang telah dijawab"), self.answered),
            (_("Median waktu pemenuhan (hari kerja, Pasal 12 huruf b)"), decimal(self.median_working_days)),
            (_("Rata-rata waktu pemenuhan (hari kerja)"), decimal(self.average_working_days)),
            (_("Dikabulkan seluruhnya atau sebagian (Pasal 12 huruf c)"), self.granted),
            (_("Ditolak (Pasal 12 huruf c)"), self.refused),
        ]

    def objection_summary(self) -> list[tuple[str, int | str]]:
        """Objections and disputes (report section D; UU KIP Pasal 35-37)."""
        rows: list[tuple[str, int | str]] = [(_("Jumlah keberatan"), self.objections)]
        rows += [(_("Tanggapan atasan PPID: %(decision)s", decision=row.label), row.count)
                 for row in self.objection_decisions]
        rows += [(_("Keberatan yang ditanggapi melewati 30 hari kerja (Pasal 36 ayat (2))"),
                  self.objections_answered_late),
                 (_("Keberatan yang dapat dilanjutkan ke Komisi Informasi (Pasal 37 ayat (2))"),
                  self.dispute_eligible),
                 (_("Sengketa yang diajukan ke Komisi Informasi (Pasal 37 ayat (1))"), self.disputes)]
        rows += [(_("Hasil sengketa: %(result)s", result=row.label), row.count) for row in self.dispute_results]
        rows.append((_("Perkara di pengadilan (Pasal 47-50)"), self.court_cases))
        return rows


def annual_report(workflow: Workflow, *, year: int, scope: Collection[str] | None, scope_label: str,
                  months: Collection[int] | None = None) -> AnnualReport:
    """The figures for requests received in ``year`` by the dinas in ``scope`` (None: the whole region).

    ``months`` narrows them to requests received in those months (1-12), e.g. a semester summary.
    """
    rows = workflow.queue(scope, include_closed=True, year=year)
    if months is not None:
        rows = [(permohonan, status) for permohonan, status in rows
                if workflow.calendar.local_time(permohonan.received_at).month in months]
    months = get_month_names("wide", locale=get_language())
    by_month = Counter(workflow.calendar.local_time(permohonan.received_at).month for permohonan, _status in rows)
    by_channel = Counter(permohonan.channel.value for permohonan, _status in rows)
    by_dinas = Counter(status.dinas_slug or "" for _permohonan, status in rows)
    timeliness = Counter(_timeliness(status) for _permohonan, status in rows)
    days = [fulfilment_working_days(workflow.calendar, status.receipt.day, status.decided_on)
            for _permohonan, status in rows if status.decided_on is not None]
    outcomes = Counter(_outcome(status) for _permohonan, status in rows)
    grounds = Counter(letter for permohonan, _status in rows for letter in _refusal_grounds(permohonan))
    objections = [status.objection for _permohonan, status in rows if status.objection is not None]
    objection_grounds = Counter(letter for objection in objections for letter in objection.keberatan.grounds)
    decisions = Counter(objection.decision.value if objection.decision else PENDING_OUTCOME for objection in objections)

    outcome_labels = {member.value: member.label for member in Outcome}
    outcome_labels |= {WITHDRAWN: _("ditarik oleh pemohon"), PENDING_OUTCOME: _("belum dijawab")}
    decision_labels = {member.value: member.label for member in ObjectionDecision}
    decision_labels[PENDING_OUTCOME] = _("belum ditanggapi")
    disputes = [objection.dispute for objection in objections if objection.dispute is not None]
    dispute_labels = {member.value: member.label for member in DisputeResult}
    dispute_labels[PENDING_OUTCOME] = _("belum ada hasil")
    dinas_names = {dinas.slug: dinas.name for dinas in workflow.registry.dinas
                   if scope is None or dinas.slug in scope}
    if scope is None:
        dinas_names[""] = _("PPID Utama (belum diteruskan)")
    return AnnualReport(
        year=year,
        scope=scope_label,
        requests=len(rows),
        by_month=[Tally(str(month), months[month], by_month[month]) for month in range(1, 13)],
        by_channel=[Tally(channel.value, channel.label, by_channel[channel.value]) for channel in Channel],
        by_dinas=_tallies(by_dinas, dinas_names, keep_all=True),
        timeliness=_tallies(timeliness, Timeliness.labels(), keep_all=True),
        median_working_days=float(stats.median(days)) if days else None,
        average_working_days=round(stats.fmean(days), 1) if days else None,
        outcomes=_tallies(outcomes, outcome_labels, keep_all=True),
        granted=outcomes[Outcome.GRANTED.value] + outcomes[Outcome.PARTLY_GRANTED.value],
        refused=outcomes[Outcome.REFUSED.value],
        refusal_grounds=[Tally(letter, exemption_label(letter), count) for letter, count in sorted(grounds.items())],
        objections=len(objections),
        objection_grounds=[Tally(letter, objection_ground_label(letter), count)
                           for letter, count in sorted(objection_grounds.items())],
        objection_decisions=_tallies(decisions, decision_labels, keep_all=True),
        objections_answered_late=sum(1 for objection in objections if objection.answered_late or objection.overdue),
        dispute_eligible=sum(1 for objection in objections if objection.dispute_deadline is not None),
        disputes=sum(1 for objection in objections if objection.dispute is not None),
        dispute_results=_tallies(Counter(dispute.result.value if dispute.result else PENDING_OUTCOME
                                         for dispute in disputes), dispute_labels, keep_all=False),
        court_cases=sum(len(dispute.court_cases) for dispute in disputes),
    )


def _timeliness(status: Status) -> str:
    """The class of one request, from its dates: 10 working days (Pasal 22(7)), +7 when extended (22(8))."""
    if status.decided_on is None:
        if status.close_reason is not None:  # withdrawn before any notice: nothing is owed any more
            return Timeliness.WITHDRAWN
        return Timeliness.OVERDUE if status.overdue else Timeliness.PENDING
    if status.decided_on <= status.base_due:
        return Timeliness.WITHIN_10
    return Timeliness.WITHIN_17 if status.decided_on <= status.due else Timeliness.LATE


def _outcome(status: Status) -> str:
    if status.outcome is not None:
        return status.outcome.value
    return WITHDRAWN if status.close_reason == CloseReason.WITHDRAWN else PENDING_OUTCOME


def _refusal_grounds(permohonan: Permohonan) -> list[str]:
    notices = [event for event in permohonan.events if event.kind == EventKind.DECIDED]
    return list(notices[-1].payload.get("dasar_pengecualian", [])) if notices else []


def fulfilment_working_days(calendar: WorkingCalendar, day_zero: date, decided_on: date) -> int:
    """Working days from the deemed receipt (day 0) to the written notice (UU KIP Pasal 12 b).

    A notice given before day 0 (on the Sunday the request was filed, or the evening an after-hours filing
    was moved to the next working day) was given without a single working day passing: 0, never less.
    """
    return max(0, calendar.working_days_between(day_zero, decided_on))


def _tallies(counts: Counter[str], labels: dict[str, str], *, keep_all: bool) -> list[Tally]:
    """Rows in the order of ``labels``; rows with nothing are kept only when ``keep_all``."""
    return [Tally(code, label, counts[code]) for code, label in labels.items() if keep_all or counts[code]]


def decimal(value: float | None) -> str:
    """``4,5`` (Indonesian decimal comma), or a dash when there is nothing to measure."""
    return "—" if value is None else f"{value:.1f}".replace(".", ",")
