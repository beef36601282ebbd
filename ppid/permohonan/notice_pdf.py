"""The written notice and the refusal decision as PDF, in the Perki layout (kip-rules §5.6), with their QR code.

The notice follows the Perki 1/2010 template still used across Indonesia: a header with the registration number
and the requester's particulars, part A (information that can be given: who holds it, the material, its form,
the means of delivery, cost and payment, time, what was blacked out) and part B (information that cannot be
given, and why), the signing officer and the date. The refusal decision holds the items the Perki lists for it
(number, name, address, occupation, phone/e-mail, the information requested, the reason) with the Pasal 17
letter and the consequence test (Pasal 19). Both say what the requester can do next, with the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ppid.i18n import _
from ppid.permohonan.deadlines import OBJECTION_FILING_WORKING_DAYS, WorkingCalendar, format_day
from ppid.permohonan.law import exemption_label
from ppid.permohonan.models import (
    AccessMethod,
    CopyFormat,
    DeliveryMethod,
    DocumentKind,
    Outcome,
    Permohonan,
    Requester,
)
from ppid.permohonan.pdf import BODY, CONTENT_WIDTH, HEADING, NUMBER, SMALL, TITLE, _build, _pairs, markup
from ppid.permohonan.presenters import dik_reference, rupiah

QR_SIZE = 30 * mm


@dataclass(frozen=True)
class Letter:
    """What a letter says, gathered once by :class:`ppid.permohonan.written_notice.Issuer`."""

    kind: DocumentKind
    code: str
    verify_url: str
    tracking_url: str
    permohonan: Permohonan
    requester: Requester
    decision: dict
    """The decision event's payload (DecisionSchema)."""
    decided_on: date
    objection_deadline: date | None
    handler: str
    """The dinas (or PPID Utama) that decided."""
    signer_name: str
    signer_position: str


def letter_pdf(letter: Letter, *, refusal_code: str | None, calendar: WorkingCalendar) -> bytes:
    """The letter of ``letter.kind``; ``refusal_code`` names the refusal decision issued with the notice."""
    story = _refusal(letter) if letter.kind == DocumentKind.REFUSAL else _notice(letter, refusal_code, calendar)
    story += _what_next(letter)
    story += _signature(letter)
    story += _verification(letter)
    return _build(story, title=f"{letter.kind.label} {letter.permohonan.number}")


def _header(letter: Letter, title: str) -> list[Flowable]:
    return [
        Paragraph(markup(_("Pejabat Pengelola Informasi dan Dokumentasi (PPID)")), SMALL),
        Paragraph(markup(letter.handler), SMALL),
        Spacer(1, 3 * mm),
        Paragraph(markup(title), TITLE),
        Paragraph(markup(_("Nomor pendaftaran")), BODY),
        Paragraph(markup(letter.permohonan.number), NUMBER),
        Spacer(1, 2 * mm),
    ]


def _particulars(letter: Letter) -> Table:
    requester = letter.requester
    contact = " / ".join(value for value in (requester.phone, requester.email) if value) or "—"
    return _pairs([
        (_("Nama"), requester.full_name),
        (_("Alamat"), requester.address),
        (_("Pekerjaan"), requester.occupation or "—"),
        (_("Nomor telepon / e-mail"), contact),
        (_("Rincian informasi yang dibutuhkan"), letter.permohonan.information_requested),
    ])


def _notice(letter: Letter, refusal_code: str | None, calendar: WorkingCalendar) -> list[Flowable]:
    decision = letter.decision
    outcome = Outcome(decision["keputusan"])
    received = format_day(calendar.local_date(letter.permohonan.received_at))
    story = _header(letter, _("Pemberitahuan tertulis"))
    story += [
        Paragraph(markup(_("Berdasarkan permohonan informasi tanggal %(date)s dengan nomor pendaftaran %(number)s, "
                          "kami sampaikan kepada Saudara/i:", date=received, number=letter.permohonan.number)), BODY),
        _particulars(letter),
        Paragraph(markup(_("Pemberitahuan sebagai berikut (UU No. 14 Tahun 2008 Pasal 22 ayat (7)):")), BODY),
        Paragraph(markup(_("A. Informasi dapat diberikan")), HEADING),
    ]
    if outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED):
        story.append(_pairs(_given(letter)))
    else:
        story.append(Paragraph(markup(_("Tidak ada.")), BODY))
    story.append(Paragraph(markup(_("B. Informasi tidak dapat diberikan karena")), HEADING))
    story += [Paragraph(markup(line), BODY) for line in _not_given(letter, outcome, refusal_code)]
    if decision.get("catatan"):
        story += [Paragraph(markup(_("Catatan")), HEADING), Paragraph(markup(decision["catatan"]), BODY)]
    return story


def _given(letter: Letter) -> list[tuple[str, str]]:
    """Part A: Pasal 22(7) a, d, e, f and g."""
    decision = letter.decision
    permohonan = letter.permohonan
    if decision.get("alat_penyampai"):
        means = DeliveryMethod(decision["alat_penyampai"]).label
    elif permohonan.access_method == AccessMethod.INSPECT:
        means = permohonan.access_method.label
    else:
        means = "—"
    cost = rupiah(int(decision.get("biaya", 0)))
    if decision.get("cara_pembayaran"):
        cost += "; " + _("cara pembayaran: %(how)s", how=decision["cara_pembayaran"])
    rows = [
        (_("Penguasaan informasi"), _("dikuasai %(who)s", who=letter.handler)),
        (_("Materi informasi yang diberikan"), decision.get("materi", "—")),
        (_("Bentuk fisik"), CopyFormat(decision["bentuk"]).label if decision.get("bentuk") else "—"),
        (_("Alat penyampai (Pasal 22 ayat (7) huruf f)"), means),
        (_("Biaya dan cara pembayaran (huruf g)"), cost),
        (_("Waktu penyediaan"), decision.get("waktu_penyediaan") or "—"),
    ]
    blacked = [_("%(part)s (%(ground)s): %(reason)s", part=row["bagian"], ground=exemption_label(row["pasal_17"]),
                 reason=row["alasan"]) for row in decision.get("penghitaman", [])]
    rows.append((_("Penjelasan penghitaman/pengaburan (huruf e)"), "\n".join(blacked) or _("Tidak ada.")))
    return rows


def _not_given(letter: Letter, outcome: Outcome, refusal_code: str | None) -> list[str]:
    """Part B: not held (naming who holds it, Pasal 22(7) b), not yet documented, or exempt (c)."""
    decision = letter.decision
    if outcome == Outcome.NOT_HELD:
        lines = [_("Informasi yang diminta tidak dikuasai %(who)s (Pasal 22 ayat (7) huruf a).", who=letter.handler)]
        if decision.get("badan_publik_lain"):
            lines.append(_("Informasi tersebut dikuasai oleh %(body)s; ajukan permohonan kepada badan publik itu "
                           "(Pasal 22 ayat (7) huruf b).", body=decision["badan_publik_lain"]))
        else:
            lines.append(_("PPID tidak mengetahui badan publik yang menguasai informasi tersebut."))
        return lines
    if outcome == Outcome.NOT_DOCUMENTED:
        return [_("Informasi yang diminta belum didokumentasikan. Waktu yang dibutuhkan untuk mendokumentasikannya: "
                  "%(time)s.", time=decision.get("waktu_penyediaan", "—"))]
    if outcome in (Outcome.REFUSED, Outcome.PARTLY_GRANTED):
        grounds = "; ".join(exemption_label(ground) for ground in decision.get("dasar_pengecualian", []))
        lines = [_("Informasi yang dikecualikan berdasarkan UU No. 14 Tahun 2008 %(grounds)s.", grounds=grounds)]
        if decision.get("dik"):
            lines.append(dik_reference(decision["dik"]) + ".")
        if refusal_code:
            lines.append(_("Alasan dan akibatnya diuraikan dalam surat keputusan PPID tentang penolakan permohonan "
                           "informasi (kode verifikasi %(code)s).", code=refusal_code))
        return lines
    return [_("Tidak ada.")]


def _refusal(letter: Letter) -> list[Flowable]:
    decision = letter.decision
    test = decision.get("uji_konsekuensi") or {}
    partly = decision["keputusan"] == Outcome.PARTLY_GRANTED.value
    story = _header(letter, _("Surat keputusan PPID tentang penolakan permohonan informasi"))
    story.append(_particulars(letter))
    story.append(Spacer(1, 2 * mm))
    if partly:
        decided = _("PPID %(who)s memutuskan bahwa sebagian informasi yang dimohon adalah informasi yang dikecualikan: "
                    "%(what)s", who=letter.handler, what=test.get("informasi", "—"))
    else:
        decided = _("PPID %(who)s memutuskan bahwa informasi yang dimohon adalah informasi yang dikecualikan: "
                    "%(what)s", who=letter.handler, what=test.get("informasi", "—"))
    story.append(Paragraph(markup(decided), BODY))
    story.append(Paragraph(markup(_("Alasan pengecualian (UU No. 14 Tahun 2008 Pasal 17)")), HEADING))
    story += [Paragraph(markup(exemption_label(ground)), BODY) for ground in decision.get("dasar_pengecualian", [])]
    if decision.get("dik"):
        story.append(Paragraph(markup(dik_reference(decision["dik"])), BODY))
    story.append(Paragraph(markup(_("Uji konsekuensi (Pasal 19)")), HEADING))
    rows = [
        (_("Dasar hukum"), test.get("dasar_hukum", "—")),
        (_("Konsekuensi bila informasi dibuka"), test.get("konsekuensi_jika_dibuka", "—")),
        (_("Pertimbangan kepentingan publik (Pasal 2 ayat (4))"), test.get("pertimbangan_kepentingan_publik", "—")),
    ]
    if test.get("jangka_waktu"):
        rows.append((_("Jangka waktu pengecualian (Pasal 20)"), test["jangka_waktu"]))
    story.append(_pairs(rows))
    return story


def _what_next(letter: Letter) -> list[Flowable]:
    """The objection right with its last day and how to file (Pasal 35-36), on every letter."""
    if letter.objection_deadline is None:
        return []
    return [
        Paragraph(markup(_("Hak Anda untuk mengajukan keberatan")), HEADING),
        Paragraph(markup(_(
            "Bila Anda tidak puas dengan keputusan ini, Anda berhak mengajukan keberatan tertulis kepada atasan PPID "
            "(UU No. 14 Tahun 2008 Pasal 35 ayat (1)) paling lambat %(date)s (%(n)s hari kerja sejak pemberitahuan "
            "ini, Pasal 36 ayat (1)).", date=format_day(letter.objection_deadline, weekday=True),
            n=OBJECTION_FILING_WORKING_DAYS)), BODY),
        Paragraph(markup(_(
            "Cara mengajukan: buka tautan rahasia dari e-mail tanda terima (atau minta tautan baru di %(link)s dengan "
            "nomor pendaftaran %(number)s dan e-mail Anda), lalu pilih \"Ajukan keberatan kepada atasan PPID\"; atau "
            "serahkan keberatan tertulis kepada PPID %(who)s.", link=letter.tracking_url,
            number=letter.permohonan.number, who=letter.handler)), BODY),
    ]


def _signature(letter: Letter) -> list[Flowable]:
    return [
        Spacer(1, 6 * mm),
        Paragraph(markup(format_day(letter.decided_on)), BODY),
        Paragraph(markup(letter.signer_position), BODY),
        Spacer(1, 8 * mm),
        Paragraph(f"<b>{markup(letter.signer_name)}</b>", BODY),
    ]


def _verification(letter: Letter) -> list[Flowable]:
    widget = QrCodeWidget(letter.verify_url)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0])
    drawing.add(widget)
    text = [
        Paragraph(markup(_("Kode verifikasi: %(code)s", code=letter.code)), BODY),
        Paragraph(markup(_("Periksa keaslian dokumen ini di %(link)s (atau pindai kode QR): halaman itu menunjukkan "
                          "sidik SHA-256, nomor, tanggal dan jenis dokumen, dan dapat mencocokkan berkas PDF yang "
                          "Anda unggah.", link=letter.verify_url)), SMALL),
    ]
    table = Table([[drawing, text]], colWidths=[QR_SIZE + 4 * mm, CONTENT_WIDTH - QR_SIZE - 4 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [Spacer(1, 6 * mm), table]
