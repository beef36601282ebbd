"""The registers an officer keeps: requests (buku register permohonan) and objections (register keberatan).

Column layouts follow the Perki register formats (kip-rules §5.5 and §5.7): the Perki 1/2010 request
register, whose layout most PPID still use (the Perki 1/2021 one is unconfirmed [U]), plus the
columns kip-rules recommends (registration number, channel, deadlines, extension); and the objection
register columns a-k. They hold personal data, so only officers of the dinas concerned export them,
and every text cell is neutralised: a requester named ``=HYPERLINK(...)`` stays text in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from sqlalchemy import select

from ppid.accounts.models import User
from ppid.i18n import _
from ppid.permohonan.deadlines import WorkingCalendar
from ppid.permohonan.law import exemption_label, objection_ground_label
from ppid.permohonan.models import (
    CloseReason,
    CopyFormat,
    EventKind,
    ObjectionDecision,
    Outcome,
    Permohonan,
    PermohonanEvent,
    Requester,
)
from ppid.permohonan.presenters import dik_reference, rupiah
from ppid.permohonan.status import RequesterResponse, Status
from ppid.permohonan.workflow import Workflow
from ppid.validation.report import neutralise

log = logging.getLogger(__name__)
Cell = str | int


@dataclass(frozen=True)
class Register:
    title: str
    headers: list[str]
    rows: list[list[Cell]]


def request_register(workflow: Workflow, *, year: int, scope: Collection[str] | None, officer: User) -> Register:
    """Buku register permohonan (kip-rules §5.5) for the requests received in ``year`` in ``scope``."""
    rows = sorted(workflow.queue(scope, include_closed=True, year=year), key=lambda row: row[0].id)
    requesters = _requesters(workflow, [permohonan for permohonan, _status in rows], officer, "permohonan")
    calendar = workflow.calendar
    headers = [
        _("No"), _("Nomor pendaftaran"), _("Tanggal diterima"), _("Nama"), _("Alamat"), _("Nomor kontak"),
        _("Pekerjaan"), _("Informasi yang diminta"), _("Tujuan penggunaan informasi"),
        _("Status informasi: di bawah penguasaan"), _("Bentuk informasi yang dikuasai"), _("Jenis permohonan"),
        _("Keputusan"), _("Alasan penolakan"), _("Tanggal pemberitahuan tertulis"), _("Tanggal pemberian informasi"),
        _("Biaya"), _("Cara pembayaran"), _("Saluran"), _("Ditangani oleh"),
        _("Batas 10 hari kerja (Pasal 22 ayat (7))"), _("Batas waktu akhir"),
        _("Alasan perpanjangan (Pasal 22 ayat (8))"),
    ]
    body: list[list[Cell]] = []
    for index, (permohonan, status) in enumerate(rows, start=1):
        requester = requesters[permohonan.id]
        notice = _last_payload(permohonan, EventKind.DECIDED)
        body.append([
            index, permohonan.number, _day(calendar.local_date(permohonan.received_at)), requester.full_name,
            requester.address, " / ".join(value for value in (requester.phone, requester.email) if value),
            requester.occupation or "", permohonan.information_requested, permohonan.purpose,
            _held(status.outcome), _format(notice, permohonan), permohonan.access_method.label,
            status.outcome.label if status.outcome else _closed_or_pending(status),
            "; ".join([*(exemption_label(letter) for letter in notice.get("dasar_pengecualian", [])),
                       *([dik_reference(notice["dik"])] if notice.get("dik") else [])]),
            _day(status.decided_on), _day(_delivered_on(permohonan, calendar)),
            rupiah(notice["biaya"]) if "biaya" in notice else "", notice.get("cara_pembayaran", ""),
            permohonan.channel.label, workflow.handler_name(status.dinas_slug), _day(status.base_due), _day(status.due),
            status.extension_reason or "",
        ])
    return Register(_("Register permohonan informasi publik %(year)s", year=year), headers, body)


def objection_register(workflow: Workflow, *, year: int, scope: Collection[str] | None, officer: User) -> Register:
    """Register keberatan, columns a-k (kip-rules §5.7), for objections to requests received in ``year``."""
    rows = [(permohonan, status) for permohonan, status in workflow.queue(scope, include_closed=True, year=year)
            if status.objection is not None]
    rows.sort(key=lambda row: row[1].objection.keberatan.id)
    requesters = _requesters(workflow, [permohonan for permohonan, _status in rows], officer, "keberatan")
    calendar = workflow.calendar
    headers = [
        _("No"), _("Nomor registrasi keberatan"), _("Tanggal diterimanya keberatan"), _("Identitas pemohon"),
        _("Nomor pendaftaran permohonan"), _("Informasi yang diminta"), _("Tujuan penggunaan informasi"),
        _("Alasan pengajuan keberatan (Pasal 35 ayat (1))"), _("Keputusan atasan PPID"),
        _("Tanggal pemberian tanggapan"), _("Nama dan posisi atasan PPID"), _("Tanggapan pemohon informasi"),
        _("Batas tanggapan (Pasal 36 ayat (2))"),
    ]
    body: list[list[Cell]] = []
    for index, (permohonan, status) in enumerate(rows, start=1):
        objection, requester = status.objection, requesters[permohonan.id]
        answer = _last_payload(permohonan, EventKind.OBJECTION_DECIDED)
        identity = ", ".join(value for value in (requester.full_name, requester.address, requester.phone,
                                                 requester.email) if value)
        decision = ""
        if objection.settled:
            settlement = _last_payload(permohonan, EventKind.DELIBERATION)
            answer = {"nama_atasan": settlement.get("nama_petugas")}
            decision = objection.decision.label + f": {settlement['kesepakatan']}"
        elif objection.decision is not None:
            decision = objection.decision.label + (f": {answer['tanggapan']}" if answer.get("tanggapan") else "")
            if objection.decision == ObjectionDecision.UPHELD and answer.get("alasan"):
                decision += " " + _("Alasan: %(reason)s", reason=answer["alasan"])
        signer = ", ".join(value for value in (answer.get("nama_atasan"), answer.get("jabatan")) if value)
        body.append([
            index, objection.keberatan.number, _day(calendar.local_date(objection.keberatan.received_at)), identity,
            permohonan.number, permohonan.information_requested, permohonan.purpose,
            "; ".join(objection_ground_label(letter) for letter in objection.keberatan.grounds), decision,
            _day(objection.decided_on), signer, _response(objection.response), _day(objection.answer_due),
        ])
    return Register(_("Register keberatan %(year)s", year=year), headers, body)


def to_csv(register: Register) -> bytes:
    """UTF-8 with BOM (Excel shows names correctly), every text cell neutralised against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in register.headers])
    for row in register.rows:
        writer.writerow([cell if isinstance(cell, int) else neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(register: Register) -> bytes:
    """One sheet; text is written as text (never parsed as a formula) and neutralised as in the CSV."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(_("Register")[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, neutralise(register.title), bold)
    for column, header in enumerate(register.headers):
        sheet.write_string(2, column, neutralise(header), bold)
        sheet.set_column(column, column, 12 if column == 0 else 24)
    for row_index, row in enumerate(register.rows, start=3):
        for column, cell in enumerate(row):
            if isinstance(cell, int):
                sheet.write_number(row_index, column, cell, wrap)
            else:
                sheet.write_string(row_index, column, neutralise(cell), wrap)
    sheet.freeze_panes(3, 2)
    workbook.close()
    return output.getvalue()


def _requesters(workflow: Workflow, requests: list[Permohonan], officer: User, kind: str) -> dict[int, Requester]:
    """The requesters' personal data in one query; the export is logged once, without the data itself."""
    ids = [permohonan.id for permohonan in requests]
    found = workflow.session.scalars(select(Requester).where(Requester.permohonan_id.in_(ids))) if ids else []
    log.info("register %s of %d requests exported by user %s", kind, len(ids), officer.username)
    return {requester.permohonan_id: requester for requester in found}


def _last_payload(permohonan: Permohonan, kind: EventKind) -> dict:
    events: list[PermohonanEvent] = [event for event in permohonan.events if event.kind == kind]
    return events[-1].payload if events else {}


def _response(response: RequesterResponse | None) -> str:
    """Column k: the requester's words, and where they were received on paper, the day they arrived."""
    if response is None:
        return ""
    if response.on_paper:
        return response.text + " " + _("(diterima tertulis %(date)s)", date=_day(response.received_on))
    return response.text


def _held(outcome: Outcome | None) -> str:
    """Status informasi (Perki 1/2010 register, column 9): under the body's control, or not, or not documented."""
    if outcome is None:
        return ""
    if outcome == Outcome.NOT_HELD:
        return _("Tidak")
    if outcome == Outcome.NOT_DOCUMENTED:
        return _("Belum didokumentasikan")
    return _("Ya")


def _format(notice: dict, permohonan: Permohonan) -> str:
    value = notice.get("bentuk") or (permohonan.copy_format.value if permohonan.copy_format else None)
    return CopyFormat(value).label if value else ""


def _closed_or_pending(status: Status) -> str:
    return status.close_reason.label if status.close_reason else _("belum dijawab")


def _delivered_on(permohonan: Permohonan, calendar: WorkingCalendar) -> date | None:
    for event in permohonan.events:
        if event.kind == EventKind.CLOSED and event.payload.get("alasan") == CloseReason.DELIVERED.value:
            return calendar.local_date(event.at)
    return None


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""
