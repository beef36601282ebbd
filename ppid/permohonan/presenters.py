"""What a request looks like to the requester: status, deadlines and steps, without personal data.

The same document feeds the tracking page, the receipt and the JSON API, so the three cannot drift
apart. It never contains the requester's identity (UU 27/2022) nor officers' account names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ppid.i18n import _
from ppid.permohonan.deadlines import NOTICE_WORKING_DAYS, WorkingCalendar, format_day, receipt_explanation
from ppid.permohonan.law import exemption_label, objection_ground_label
from ppid.permohonan.models import (
    Channel,
    CloseReason,
    CopyFormat,
    CourtLevel,
    DeliveryMethod,
    DisputeResult,
    EventKind,
    ObjectionDecision,
    Outcome,
    Permohonan,
    PermohonanEvent,
)
from ppid.permohonan.status import DisputeStatus, RequesterResponse, Status


class Desk(Protocol):
    """What presenting a request needs of the request desk (:class:`~ppid.permohonan.workflow.Workflow` is one).

    A protocol rather than the workflow itself, so that the workflow can present its steps (through its
    notices) without the presenters importing it back.
    """

    session: Session

    @property
    def calendar(self) -> WorkingCalendar: ...

    def status(self, permohonan: Permohonan) -> Status: ...

    def handler_name(self, dinas_slug: str | None) -> str: ...


@dataclass(frozen=True)
class Step:
    kind: EventKind
    event: PermohonanEvent
    title: str
    details: list[str] = field(default_factory=list)


def describe(event: PermohonanEvent, workflow: Desk) -> Step:
    """One event as a sentence and its particulars, in the interface language."""
    payload = event.payload
    kind = event.kind
    if kind == EventKind.RECEIVED:
        title = _("Permohonan diterima melalui %(channel)s dan didaftarkan", channel=Channel(payload["saluran"]).label)
        return Step(kind, event, title, [_("Ditujukan kepada %(who)s.", who=workflow.handler_name(event.dinas_slug))])
    if kind == EventKind.FORWARDED:
        title = _("Diteruskan kepada %(who)s", who=workflow.handler_name(payload["ke"]))
        return Step(kind, event, title, [_("Alasan: %(reason)s", reason=payload["alasan"])])
    if kind == EventKind.ITEMS_REQUESTED:
        return Step(kind, event, _("PPID meminta kelengkapan"), [payload["kekurangan"]])
    if kind == EventKind.ITEMS_SUPPLIED:
        return Step(kind, event, _("Kelengkapan dipenuhi"), [payload["catatan"]] if payload.get("catatan") else [])
    if kind == EventKind.EXTENDED:
        title = _("Batas waktu diperpanjang %(n)s hari kerja, sampai %(date)s", n=payload["hari"],
                  date=format_day(date.fromisoformat(payload["batas_waktu_baru"])))
        return Step(kind, event, title, [_("Alasan: %(reason)s", reason=payload["alasan"])])
    if kind == EventKind.DECIDED:
        outcome = Outcome(payload["keputusan"])
        return Step(kind, event, _("Pemberitahuan tertulis: %(outcome)s", outcome=outcome.label), _notice(payload))
    if kind == EventKind.OBJECTION_FILED:
        title = _("Keberatan diajukan kepada atasan PPID dengan nomor registrasi %(number)s", number=payload["nomor"])
        return Step(kind, event, title, [objection_ground_label(letter) for letter in payload["alasan"]])
    if kind == EventKind.OBJECTION_DECIDED:
        decision = ObjectionDecision(payload["putusan"])
        details = [payload["tanggapan"]]
        if payload.get("alasan"):
            details.append(_("Alasan: %(reason)s", reason=payload["alasan"]))
        signed = payload["nama_atasan"] + (f", {payload['jabatan']}" if payload.get("jabatan") else "")
        details.append(_("Atasan PPID: %(name)s", name=signed))
        return Step(kind, event, _("Tanggapan atasan PPID: %(decision)s", decision=decision.label), details)
    if kind == EventKind.DISPUTE_FILED:
        title = _("Sengketa informasi diajukan ke Komisi Informasi dengan nomor register %(number)s",
                  number=payload["nomor_register"])
        details = [_("Diajukan pada %(date)s.", date=format_day(date.fromisoformat(payload["tanggal_diajukan"])))]
        if payload.get("tanggal_diterima_ki"):
            details.append(_("Diterima Komisi Informasi pada %(date)s.",
                             date=format_day(date.fromisoformat(payload["tanggal_diterima_ki"]))))
        return Step(kind, event, title, details + ([payload["catatan"]] if payload.get("catatan") else []))
    if kind == EventKind.DISPUTE_DECIDED:
        title = _("Hasil sengketa di Komisi Informasi: %(result)s", result=DisputeResult(payload["hasil"]).label)
        details = [_("Tanggal: %(date)s.", date=format_day(date.fromisoformat(payload["tanggal_putusan"])))]
        if payload.get("nomor_putusan"):
            details.append(_("Nomor putusan: %(number)s", number=payload["nomor_putusan"]))
        return Step(kind, event, title, details + ([payload["catatan"]] if payload.get("catatan") else []))
    if kind == EventKind.COURT_CASE:
        title = _("Perkara di pengadilan: %(level)s", level=CourtLevel(payload["tingkat"]).label)
        details = [_("Nomor perkara %(number)s, didaftarkan %(date)s.", number=payload["nomor_perkara"],
                     date=format_day(date.fromisoformat(payload["tanggal_didaftarkan"])))]
        if payload.get("putusan"):
            details.append(_("Putusan %(date)s: %(ruling)s", ruling=payload["putusan"],
                             date=format_day(date.fromisoformat(payload["tanggal_putusan"]))))
        return Step(kind, event, title, details)
    if kind == EventKind.DELIBERATION:
        return _deliberation_step(event)
    if kind == EventKind.REQUESTER_RESPONSE:
        details = [payload["tanggapan"]]
        if payload.get("tanggal_diterima"):
            details.append(_("Diterima secara tertulis pada %(date)s.",
                             date=format_day(date.fromisoformat(payload["tanggal_diterima"]))))
        return Step(kind, event, _("Tanggapan pemohon atas keberatan"), details)
    reason = CloseReason(payload["alasan"])
    return Step(kind, event, _("Permohonan ditutup: %(reason)s", reason=reason.label),
                [payload["catatan"]] if payload.get("catatan") else [])


def _deliberation_step(event: PermohonanEvent) -> Step:
    """A musyawarah meeting: an agreement ends the objection (Pasal 35(2)), a failed one leaves it open."""
    payload = event.payload
    held_on = format_day(date.fromisoformat(payload["tanggal"]))
    if payload["sepakat"] == "ya":
        title = _("Keberatan selesai melalui musyawarah pada %(date)s (Pasal 35 ayat (2))", date=held_on)
        details = [_("Kesepakatan: %(text)s", text=payload["kesepakatan"])]
    else:
        title = _("Musyawarah pada %(date)s tidak mencapai kesepakatan; keberatan tetap diperiksa atasan PPID",
                  date=held_on)
        details = []
    details.append(_("Peserta: %(who)s", who=payload["peserta"]))
    return Step(event.kind, event, title, details + ([payload["catatan"]] if payload.get("catatan") else []))


def _notice(payload: dict[str, Any]) -> list[str]:
    """The particulars of a written notice, Pasal 22(7) a-g."""
    lines = []
    if payload.get("materi"):
        lines.append(_("Informasi yang diberikan: %(material)s", material=payload["materi"]))
    if payload.get("bentuk"):
        lines.append(_("Bentuk: %(format)s", format=CopyFormat(payload["bentuk"]).label))
    if payload.get("alat_penyampai"):
        lines.append(_("Alat penyampai: %(means)s", means=DeliveryMethod(payload["alat_penyampai"]).label))
    if "biaya" in payload:
        lines.append(_("Biaya: %(cost)s", cost=rupiah(payload["biaya"])))
    if payload.get("cara_pembayaran"):
        lines.append(_("Cara pembayaran: %(how)s", how=payload["cara_pembayaran"]))
    if payload.get("waktu_penyediaan"):
        lines.append(_("Waktu penyediaan: %(time)s", time=payload["waktu_penyediaan"]))
    for row in payload.get("penghitaman", []):
        lines.append(_("Dihitamkan: %(part)s (%(ground)s). Alasan: %(reason)s", part=row["bagian"],
                       ground=exemption_label(row["pasal_17"]), reason=row["alasan"]))
    if payload.get("dasar_pengecualian"):
        grounds = "; ".join(exemption_label(letter) for letter in payload["dasar_pengecualian"])
        lines.append(_("Dasar pengecualian: %(grounds)s", grounds=grounds))
    if payload.get("dik"):
        lines.append(dik_reference(payload["dik"]))
    test = payload.get("uji_konsekuensi")
    if test:
        lines.append(_("Uji konsekuensi (Pasal 19): %(basis)s. Akibat bila dibuka: %(harm)s. "
                       "Pertimbangan: %(weighing)s", basis=test["dasar_hukum"], harm=test["konsekuensi_jika_dibuka"],
                       weighing=test["pertimbangan_kepentingan_publik"]))
        if test.get("jangka_waktu"):
            lines.append(_("Jangka waktu pengecualian: %(period)s", period=test["jangka_waktu"]))
    if payload.get("badan_publik_lain"):
        lines.append(_("Informasi dikuasai oleh: %(body)s", body=payload["badan_publik_lain"]))
    if payload.get("catatan"):
        lines.append(payload["catatan"])
    return lines


def dik_reference(entry: dict[str, Any]) -> str:
    """The DIK entry a refusal rests on, as the notice recorded it (UU KIP Pasal 22(7)(c), Pasal 17, Pasal 19)."""
    return _("Daftar Informasi yang Dikecualikan: %(title)s (Pasal 17 huruf %(letter)s; SK %(sk)s tanggal %(date)s; "
             "dikecualikan sampai %(end)s)", title=entry["judul"], letter=entry["pasal_17"], sk=entry["nomor_sk"],
             date=format_day(date.fromisoformat(entry["tanggal_sk"])),
             end=format_day(date.fromisoformat(entry["berakhir"])))


def rupiah(amount: int) -> str:
    return _("tanpa biaya") if not amount else "Rp" + f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class DeadlineComputation:
    """How the written-notice deadline was computed, for the requester and the officer alike."""

    day_zero: date
    rolled_reason: str | None
    """Why day 0 is later than the day of receipt (after hours, on a holiday), or None."""
    receipt_note: str | None
    """The same in a full sentence with both days (:func:`deadlines.receipt_explanation`)."""
    notice_days: int
    extension_days: int
    paused_days: int
    due: date
    skipped: list[tuple[date, str]]
    """Every day between day 0 and the deadline that was not counted, with why (weekend, holiday name)."""
    holidays: list[tuple[date, str]]
    """The skipped days that are holidays or closures rather than plain weekends."""

    @property
    def days_counted(self) -> int:
        return self.notice_days + self.extension_days + self.paused_days


def deadline_computation(status: Status, calendar: WorkingCalendar) -> DeadlineComputation:
    skipped = calendar.skipped_days(status.receipt.day, status.due)
    return DeadlineComputation(
        day_zero=status.receipt.day, rolled_reason=status.receipt.reason if status.receipt.rolled else None,
        receipt_note=receipt_explanation(status.receipt, calendar),
        notice_days=NOTICE_WORKING_DAYS, extension_days=status.extension_days, paused_days=status.paused_days,
        due=status.due, skipped=skipped,
        holidays=[(day, reason) for day, reason in skipped if calendar.holiday_name(day) is not None],
    )


def computation_text(computation: DeadlineComputation) -> str:
    """The computation in sentences, for e-mails (UU KIP Pasal 22(7)-(8))."""
    lines = [_("Hari ke-0: %(date)s.", date=format_day(computation.day_zero, weekday=True))]
    if computation.receipt_note:
        lines.append(computation.receipt_note)
    parts = [_("%(n)s hari kerja untuk pemberitahuan tertulis (Pasal 22 ayat (7))", n=computation.notice_days)]
    if computation.extension_days:
        parts.append(_("perpanjangan %(n)s hari kerja (Pasal 22 ayat (8))", n=computation.extension_days))
    if computation.paused_days:
        parts.append(_("%(n)s hari kerja selama menunggu kelengkapan", n=computation.paused_days))
    lines.append(_("Dihitung: %(parts)s, jumlah %(n)s hari kerja sesudah hari ke-0.", parts="; ".join(parts),
                   n=computation.days_counted))
    lines.append(_("Sabtu dan Minggu tidak dihitung."))
    if computation.holidays:
        named = "; ".join(f"{format_day(day, weekday=True)} ({reason})" for day, reason in computation.holidays)
        lines.append(_("Hari libur yang tidak dihitung: %(days)s.", days=named))
    lines.append(_("Batas waktu: %(date)s.", date=format_day(computation.due, weekday=True)))
    return "\n".join(lines)


def _computation_document(computation: DeadlineComputation) -> dict[str, Any]:
    return {
        "hari_ke_0": computation.day_zero.isoformat(),
        "alasan_hari_ke_0": computation.rolled_reason,
        "hari_kerja_pemberitahuan": computation.notice_days,
        "hari_kerja_perpanjangan": computation.extension_days,
        "hari_kerja_penangguhan": computation.paused_days,
        "jumlah_hari_kerja": computation.days_counted,
        "hari_tidak_dihitung": [{"tanggal": day.isoformat(), "alasan": reason} for day, reason in computation.skipped],
    }


def public_document(permohonan: Permohonan, status: Status, workflow: Desk) -> dict[str, Any]:
    """The tracking view as plain data (the JSON API returns it as is)."""
    return {
        "nomor": permohonan.number,
        "diterima_pada": permohonan.received_at.isoformat(),
        "hari_ke_0": status.receipt.day.isoformat(),
        "saluran": permohonan.channel.value,
        "ditangani_oleh": workflow.handler_name(status.dinas_slug),
        "informasi_yang_diminta": permohonan.information_requested,
        "status": _coded(status.phase),
        "keputusan": _coded(status.outcome),
        "batas_waktu": {
            "pemberitahuan_tertulis": status.due.isoformat(),
            "diperpanjang": status.extended,
            "alasan_perpanjangan": status.extension_reason,
            "sisa_hari_kerja": status.working_days_left,
            "lewat_waktu": status.overdue,
            "dijawab_terlambat": status.answered_late,
            "keberatan_paling_lambat": _iso(status.objection_deadline),
            "perhitungan": _computation_document(deadline_computation(status, workflow.calendar)),
        },
        "keberatan": _objection_document(status),
        "langkah": [
            {"waktu": step.event.at.isoformat(), "kode": step.kind.value, "judul": step.title, "rincian": step.details}
            for step in (describe(event, workflow) for event in permohonan.events)
        ],
    }


def _objection_document(status: Status) -> dict[str, Any] | None:
    objection = status.objection
    if objection is None:
        return None
    return {
        "nomor": objection.keberatan.number,
        "diajukan_pada": objection.keberatan.received_at.isoformat(),
        "alasan": [{"kode": letter, "label": objection_ground_label(letter)} for letter in objection.keberatan.grounds],
        "kasus_posisi": objection.keberatan.case_description,
        "melewati_batas_pengajuan": objection.filed_late,
        "batas_tanggapan": objection.answer_due.isoformat(),
        "lewat_waktu": objection.overdue,
        "putusan": _coded(objection.decision),
        "ditanggapi_pada": _iso(objection.decided_on),
        "batas_sengketa_komisi_informasi": _iso(objection.dispute_deadline),
        "sengketa_diajukan_pada": _iso(objection.dispute.filed_on if objection.dispute else None),
        "sengketa": _dispute_document(objection.dispute),
        "musyawarah": [{"tanggal": meeting.held_on.isoformat(), "sepakat": meeting.agreed,
                        "kesepakatan": meeting.agreement} for meeting in objection.deliberations],
        "tanggapan_pemohon": _response_document(objection.response),
    }


def _response_document(response: RequesterResponse | None) -> dict[str, Any] | None:
    if response is None:
        return None
    return {"isi": response.text, "diterima_pada": response.received_on.isoformat(), "tertulis": response.on_paper}


def _dispute_document(dispute: DisputeStatus | None) -> dict[str, Any] | None:
    if dispute is None:
        return None
    return {
        "nomor_register": dispute.number,
        "diajukan_pada": dispute.filed_on.isoformat(),
        "diterima_komisi_informasi": dispute.received_by_ki.isoformat(),
        "mulai_paling_lambat": dispute.start_by.isoformat(),
        "selesai_paling_lambat": dispute.settle_by.isoformat(),
        "hari_ke_0_penyelesaian": dispute.settlement_day_zero.isoformat(),
        "hari_libur_tidak_dihitung": [{"tanggal": day.isoformat(), "alasan": reason}
                                      for day, reason in dispute.holidays],
        "lewat_tanpa_hasil": dispute.settlement_passed,
        "hasil": _coded(dispute.result),
        "tanggal_putusan": _iso(dispute.decided_on),
        "nomor_putusan": dispute.decision_number,
        "batas_gugatan_pengadilan": _iso(dispute.court_deadline),
        "pengadilan": [
            {"tingkat": _coded(case.level), "nomor_perkara": case.number,
             "didaftarkan_pada": case.registered_on.isoformat(), "putusan": case.ruling,
             "tanggal_putusan": _iso(case.ruled_on)}
            for case in dispute.court_cases
        ],
    }


def _coded(member: Any) -> dict[str, str] | None:
    return {"kode": member.value, "label": member.label} if member is not None else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
