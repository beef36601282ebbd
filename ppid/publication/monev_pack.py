"""The monev evidence pack as files: the answered questionnaire as PDF, and a ZIP holding it with the evidence the
platform has as files (DIP exports, the DIK, the annual report, the registers without personal data, the service
standards, the list of links). Screenshots are not needed: every piece is a file or a working link.

The registers in the ZIP drop every column that identifies a requester (name, address, contact, occupation,
purpose, the requester's own response), so the pack can be sent to the Komisi Informasi or published as it is.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ppid.i18n import _
from ppid.permohonan import registers, standards
from ppid.permohonan.registers import Register
from ppid.publication import dik, exports
from ppid.publication.monev import Pack, Records, predicate, summary_rows

STYLES = getSampleStyleSheet()
BODY = STYLES["BodyText"].clone("monev-body", fontSize=8, leading=10)
TITLE = STYLES["Title"].clone("monev-title", fontSize=13)
HEADING = STYLES["Heading3"].clone("monev-heading", fontSize=10)


def personal_headers() -> set[str]:
    """The register columns that identify a requester, in the interface language (as the registers name them)."""
    return {_("Nama"), _("Alamat"), _("Nomor kontak"), _("Pekerjaan"), _("Tujuan penggunaan informasi"),
            _("Identitas pemohon"), _("Tanggapan pemohon informasi")}


def without_personal_data(register: Register) -> Register:
    """The register with the columns that identify a requester left out."""
    keep = [index for index, header in enumerate(register.headers) if header not in personal_headers()]
    return Register(title=register.title, headers=[register.headers[i] for i in keep],
                    rows=[[row[i] for i in keep] for row in register.rows])


def summary_pdf(pack: Pack) -> bytes:
    """The answered questionnaire: the provisional score and predicate, then each indicator with its evidence."""
    low, high = pack.final_range
    story = [
        Paragraph(escape(_("Bukti monitoring dan evaluasi keterbukaan informasi publik %(year)s: %(scope)s",
                           year=pack.year, scope=pack.scope_name)), TITLE),
        Paragraph(escape(_("Kuesioner %(ki)s tahun %(year)s, dijawab dari catatan portal. Nilai sementara penilaian "
                           "mandiri: %(saq)s (%(predicate)s). Dengan presentasi/visitasi bernilai 0 sampai 100, nilai "
                           "akhir %(low)s sampai %(high)s (%(low_p)s sampai %(high_p)s).",
                           ki=pack.questionnaire.commission, year=pack.questionnaire.year, saq=_number(pack.saq),
                           predicate=pack.predicate, low=_number(low), high=_number(high),
                           low_p=predicate(low), high_p=predicate(high))), BODY),
        Spacer(1, 3 * mm),
    ]
    rows = [[Paragraph(f"<b>{escape(_('Indikator'))}</b>", BODY), Paragraph(f"<b>{escape(_('Bobot'))}</b>", BODY),
             Paragraph(f"<b>{escape(_('Nilai'))}</b>", BODY)]]
    rows += [[Paragraph(escape(item.indicator.name), BODY), Paragraph(_number(item.indicator.weight), BODY),
              Paragraph(_number(item.score), BODY)] for item in pack.indicators]
    story.append(_grid(rows, [110, 25, 25]))
    for item in pack.indicators:
        story.append(Paragraph(escape(f"{item.indicator.name} ({_number(item.score)})"), HEADING))
        answers = [[Paragraph(escape(a.question.text), BODY),
                    Paragraph(escape(_("Ya") if a.evidence.met else _("Belum")), BODY),
                    Paragraph("<br/>".join([escape(a.evidence.text),
                                            *(escape(url) for _label, url in a.evidence.links)]), BODY)]
                   for a in item.answers]
        story.append(_grid(answers, [60, 16, 104]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, title=_("Bukti monev %(year)s", year=pack.year), creator="ppid")
    document.build(story)
    return buffer.getvalue()


def bundle(pack: Pack, *, request_register: Register, objection_register: Register,
           annual_report_pdf: Callable[[], bytes | None]) -> bytes:
    """The ZIP of the evidence (see the module's docstring); ``annual_report_pdf`` gives the finalised report of the
    year rated, or None when it is not finalised."""
    records = pack.records
    title = _("Daftar Informasi Publik %(scope)s", scope=pack.scope_name)
    files: dict[str, bytes] = {
        "00-ringkasan-monev.pdf": summary_pdf(pack),
        "01-tautan-bukti.json": json.dumps(summary_rows(pack), ensure_ascii=False, indent=1).encode("utf-8"),
        "02-daftar-informasi-publik.csv": exports.dip_csv(title, records.dip_rows),
        "02-daftar-informasi-publik.pdf": exports.dip_pdf(title, records.dip_rows, records.decree),
        "03-daftar-informasi-dikecualikan.csv": registers.to_csv(_exempt_register(records)),
        "05-register-permohonan.csv": registers.to_csv(without_personal_data(request_register)),
        "05-register-keberatan.csv": registers.to_csv(without_personal_data(objection_register)),
        "06-standar-layanan.txt": _standards_text(records).encode("utf-8"),
    }
    report = annual_report_pdf()
    if report is not None:
        files[f"04-laporan-layanan-informasi-{pack.year - 1}.pdf"] = report
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return output.getvalue()


def _exempt_register(records: Records) -> Register:
    """The DIK as the public sees it: the title worded for the public, the ground, the SK and the period; and
    whether the information is still exempt or was opened (UU KIP Pasal 20), and when."""
    headers = [_("Informasi"), _("Dasar pengecualian"), _("Uji konsekuensi"), _("SK"), _("Berlaku sampai"),
               _("Status"), _("Dibuka pada")]
    rows = [[entry.public_title, dik.ground_label(entry), entry.tested_on.isoformat(),
             f"{entry.sk_number} ({entry.sk_date.isoformat()})", entry.ends_on.isoformat(),
             _("dibuka") if entry.opened else _("dikecualikan"),
             entry.opened_on.isoformat() if entry.opened_on else ""] for entry in records.exempt]
    return Register(title=_("Daftar informasi yang dikecualikan"), headers=headers, rows=rows)


def _standards_text(records: Records) -> str:
    """The service standards as plain text: the sections the standards page shows, each under its title."""
    parts = []
    for key, title in standards.TEXT_SECTIONS.items():
        section = records.sections.get(key)
        if section is not None and section.lines:
            parts.append(f"{_(title)}\n" + "\n".join(section.lines))
    fees = records.sections.get(standards.FEES)
    if fees is not None and fees.content:
        parts.append(f"{_(standards.FEES_TITLE)}\n" + "\n".join(f"{fee.item} ({fee.unit}): Rp{fee.amount}"
                                                                for fee in fees.fees))
    parts.append(records.url("/standar-layanan"))
    return "\n\n".join(parts) + "\n"


def _grid(rows: list[list[Paragraph]], widths: list[int]) -> Table:
    table = Table(rows, colWidths=[width * mm for width in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
