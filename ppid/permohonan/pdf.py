"""PDF documents of the request module, built with reportlab: the requester's receipt and the annual report.

Every piece of text goes through :func:`markup`, which escapes it for reportlab's paragraph markup, so a
requester named ``<b>=HYPERLINK(...)</b>`` is printed as typed and nothing else.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ppid.i18n import _
from ppid.permohonan import charts
from ppid.permohonan.deadlines import NOTICE_WORKING_DAYS, WorkingCalendar, format_day, receipt_explanation
from ppid.permohonan.identity import mask_nik
from ppid.permohonan.models import Permohonan, Requester
from ppid.permohonan.service_report import IssuedReport
from ppid.permohonan.statistics import AnnualReport
from ppid.permohonan.status import Status

_STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("ppid-body", parent=_STYLES["BodyText"], fontSize=9.5, leading=12.5)
SMALL = ParagraphStyle("ppid-small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
TITLE = ParagraphStyle("ppid-title", parent=_STYLES["Title"], fontSize=15, leading=19, alignment=0)
HEADING = ParagraphStyle("ppid-heading", parent=_STYLES["Heading2"], fontSize=11.5, leading=14, spaceBefore=8)
FIGURE = ParagraphStyle("ppid-figure", parent=BODY, alignment=2)
NUMBER = ParagraphStyle("ppid-number", parent=BODY, fontName="Helvetica-Bold", fontSize=16, leading=20)
CONTENT_WIDTH = A4[0] - 36 * mm


def receipt_pdf(
    permohonan: Permohonan, status: Status, requester: Requester, *, nik: str | None, calendar: WorkingCalendar,
    handler: str, tracking_link: str, issued_at: datetime,
) -> bytes:
    """Tanda bukti penerimaan permohonan (UU KIP Pasal 22(4)): number, dates, the deadline and how it was
    counted, and the requester's own data as filed (the NIK masked, kip-rules §8)."""
    story: list[Flowable] = [
        Paragraph(markup(_("Tanda bukti permohonan informasi publik")), TITLE),
        Paragraph(markup(_("Permohonan telah diterima dan didaftarkan (UU No. 14 Tahun 2008 Pasal 22 ayat (4)).")),
                  BODY),
        Spacer(1, 3 * mm),
        Paragraph(markup(_("Nomor pendaftaran")), BODY),
        Paragraph(markup(permohonan.number), NUMBER),
        Spacer(1, 2 * mm),
        _pairs([
            (_("Diterima pada"), calendar.format_moment(permohonan.received_at)),
            (_("Melalui"), permohonan.channel.label),
            (_("Ditangani oleh"), handler),
            (_("Hari ke-0 (diterima)"), format_day(status.receipt.day, weekday=True)
             + (" — " + receipt_explanation(status.receipt, calendar) if status.receipt.rolled else "")),
        ]),
        Paragraph(markup(_("Batas waktu pemberitahuan tertulis")), HEADING),
        _pairs([
            (_("Paling lambat"), format_day(status.due, weekday=True)),
            (_("Cara menghitung"), _deadline_explanation(status, calendar)),
        ]),
    ]
    skipped = calendar.skipped_days(status.receipt.day, status.due)
    if skipped:
        lines = "; ".join(f"{format_day(day)} ({reason})" for day, reason in skipped)
        story.append(Paragraph(markup(_("Tidak dihitung sebagai hari kerja: %(days)s.", days=lines)), SMALL))
    identity = mask_nik(nik) if nik else requester.legal_entity_decree
    story += [
        Paragraph(markup(_("Data pemohon")), HEADING),
        _pairs([
            (_("Nama"), requester.full_name),
            (_("Pemohon sebagai"), permohonan.requester_type.label),
            (_("NIK / nomor SK pengesahan"), identity or "—"),
            (_("Alamat"), requester.address),
            (_("Pekerjaan"), requester.occupation or "—"),
            (_("Nomor telepon"), requester.phone or "—"),
            (_("E-mail"), requester.email or "—"),
        ]),
        Paragraph(markup(_("Permohonan")), HEADING),
        _pairs([
            (_("Rincian informasi yang dibutuhkan"), permohonan.information_requested),
            (_("Tujuan penggunaan informasi"), permohonan.purpose),
            (_("Cara memperoleh informasi"), permohonan.access_method.label),
            (_("Bentuk salinan"), permohonan.copy_format.label if permohonan.copy_format else "—"),
            (_("Cara mendapatkan salinan"), permohonan.delivery_method.label if permohonan.delivery_method else "—"),
        ]),
        Paragraph(markup(_("Tautan pelacakan (rahasia)")), HEADING), Paragraph(markup(tracking_link), SMALL),
    ]
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(markup(_("Dokumen ini dibuat pada %(moment)s dan memuat data pribadi Anda; simpan dengan "
                                   "baik.", moment=calendar.format_moment(issued_at))), SMALL))
    return _build(story, title=_("Tanda bukti %(number)s", number=permohonan.number))


def report_pdf(report: AnnualReport, *, issued_on: date, title: str | None = None) -> bytes:
    """Laporan layanan informasi publik (Perki 1/2021 Pasal 56; UU KIP Pasal 12), sections C and D, as the
    records stand on ``issued_on``; ``title`` names a part of the year (a semester summary)."""
    title = title or _("Laporan layanan informasi publik tahun %(year)s", year=report.year)
    story: list[Flowable] = [
        Paragraph(markup(title), TITLE),
        Paragraph(markup(_("%(scope)s. Disusun pada %(date)s menurut UU No. 14 Tahun 2008 Pasal 12 dan Perki No. 1 "
                          "Tahun 2021 Pasal 56.", scope=report.scope, date=format_day(issued_on))), BODY),
        *_figures(report),
    ]
    return _build(story, title=title)


def service_report_pdf(report: IssuedReport) -> bytes:
    """The annual report as finalised (Perki 1/2021 Pasal 56; kip-rules §5.10): all six sections, A to F."""
    title = _("Laporan layanan informasi publik tahun %(year)s", year=report.year)
    story: list[Flowable] = [
        Paragraph(markup(title), TITLE),
        Paragraph(markup(_("%(scope)s. Versi %(version)s, difinalisasi pada %(date)s, menurut UU No. 14 Tahun 2008 "
                          "Pasal 12 dan Perki No. 1 Tahun 2021 Pasal 56.", scope=report.figures.scope,
                          version=report.version, date=format_day(report.finalised_on))), BODY),
    ]
    if report.reason:
        story.append(Paragraph(markup(_("Alasan penerbitan versi ini: %(reason)s", reason=report.reason)), BODY))
    story += [Paragraph(markup(_("A. Gambaran umum kebijakan layanan informasi publik")), HEADING),
              _pairs(report.policy),
              Paragraph(markup(_("B. Gambaran umum pelaksanaan layanan informasi publik")), HEADING),
              _pairs(report.implementation),
              *_figures(report.figures),
              Paragraph(markup(_("E. Kendala eksternal dan internal")), HEADING),
              _pairs(report.obstacles),
              Paragraph(markup(_("F. Rekomendasi dan rencana tindak lanjut")), HEADING),
              _pairs(report.follow_up)]
    return _build(story, title=title)


def _figures(report: AnnualReport) -> list[Flowable]:
    """Sections C and D: the figures from the records, with their charts."""
    story: list[Flowable] = [Paragraph(markup(_("C. Rincian layanan informasi publik")), HEADING),
                             _table([(label, str(value)) for label, value in report.summary()], header=None)]
    for _title, drawing, rows in charts.report_sections(report, width=CONTENT_WIDTH, titled=True):
        story.append(KeepTogether([Spacer(1, 3 * mm), drawing, _table([(row.label, str(row.count)) for row in rows],
                                                                        header=(_("Uraian"), _("Jumlah")))]))
    story.append(Paragraph(markup(_("D. Rincian penyelesaian sengketa")), HEADING))
    story.append(_table([(label, str(value)) for label, value in report.objection_summary()], header=None))
    if report.objection_grounds:
        story.append(Spacer(1, 2 * mm))
        story.append(_table([(row.label, str(row.count)) for row in report.objection_grounds],
                            header=(_("Alasan keberatan"), _("Jumlah"))))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(markup(_("Semua angka dihitung dari tanggal setiap permohonan dengan kalender hari kerja; "
                                   "laporan ini tidak memuat data pribadi.")), SMALL))
    return story


def _deadline_explanation(status: Status, calendar: WorkingCalendar) -> str:
    if calendar.cuti_bersama_is_holiday:
        text = _("%(n)s hari kerja sejak hari ke-0 (UU No. 14 Tahun 2008 Pasal 22 ayat (7)); hari Sabtu, Minggu, "
                 "libur nasional dan cuti bersama tidak dihitung", n=NOTICE_WORKING_DAYS)
    else:
        text = _("%(n)s hari kerja sejak hari ke-0 (UU No. 14 Tahun 2008 Pasal 22 ayat (7)); hari Sabtu, Minggu "
                 "dan libur nasional tidak dihitung", n=NOTICE_WORKING_DAYS)
    if status.extended:
        text += "; " + _("diperpanjang %(n)s hari kerja (Pasal 22 ayat (8)): %(reason)s", n=status.extension_days,
                         reason=status.extension_reason)
    if status.paused_days:
        text += "; " + _("ditambah %(n)s hari kerja selama menunggu kelengkapan", n=status.paused_days)
    return text + "."


def _pairs(rows: list[tuple[str, str]]) -> Table:
    data = [[Paragraph(markup(label), SMALL), Paragraph(markup(value), BODY)] for label, value in rows]
    table = Table(data, colWidths=[45 * mm, CONTENT_WIDTH - 45 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _table(rows: list[tuple[str, str]], header: tuple[str, str] | None) -> Table:
    data = [[Paragraph(markup(label), BODY), Paragraph(markup(value), FIGURE)] for label, value in rows]
    if header:
        data.insert(0, [Paragraph(f"<b>{markup(cell)}</b>", BODY) for cell in header])
    table = Table(data, colWidths=[CONTENT_WIDTH - 30 * mm, 30 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _build(story: list[Flowable], *, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, title=title, author="PPID", creator="ppid")
    document.build(story)
    return buffer.getvalue()


def markup(value: object) -> str:
    """Plain text made safe for reportlab's paragraph markup; line breaks kept."""
    return escape(str(value)).replace("\n", "<br/>")
