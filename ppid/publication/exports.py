"""The DIP as files anyone may download: CSV and XLSX (formula-safe, as the request registers), JSON, PDF; the DIK
as CSV and XLSX, with what its public page shows."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from marshmallow import Schema, fields
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ppid.i18n import _
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.pdf import markup
from ppid.permohonan.registers import Register, to_csv, to_xlsx
from ppid.publication.dik import ground_label
from ppid.publication.dip import DipRow, cells, headers
from ppid.publication.models import DipDecree, ExemptInformation

STYLES = getSampleStyleSheet()
BODY = STYLES["BodyText"].clone("dip-body", fontSize=7.5, leading=9)
TITLE = STYLES["Title"].clone("dip-title", fontSize=13)


class DipRowSchema(Schema):
    """One row of the DIP: the Perki columns (kip-rules §5.8), its category and where to find it."""

    nomor = fields.Integer(required=True)
    judul = fields.String(required=True)
    ringkasan = fields.String(required=True)
    unit_penguasa = fields.String(required=True, metadata={"description": "Pejabat/unit yang menguasai informasi"})
    penanggung_jawab = fields.String(required=True, metadata={"description": "Penanggung jawab pembuatan/penerbitan"})
    waktu_tempat_pembuatan = fields.String(required=True)
    format = fields.String(required=True)
    retensi = fields.String(required=True, metadata={"description": "Jangka waktu penyimpanan"})
    kategori = fields.String(required=True, metadata={"enum": ["berkala", "serta-merta", "setiap-saat", ""]})
    kategori_label = fields.String(required=True)
    dinas = fields.String(required=True)
    tautan = fields.String(required=True)
    sumber = fields.String(required=True, metadata={"enum": ["katalog", "dinyatakan"]})


class DipDecreeSchema(Schema):
    """The SK that establishes the list."""

    nomor = fields.String(required=True)
    tanggal = fields.Date(required=True)
    dokumen = fields.String(required=True)


class DaftarInformasiPublikSchema(Schema):
    """The Daftar Informasi Publik of the pemda or of one dinas, as filtered."""

    judul = fields.String(required=True)
    sk = fields.Nested(DipDecreeSchema, required=True, allow_none=True)
    jumlah = fields.Integer(required=True)
    informasi = fields.List(fields.Nested(DipRowSchema), required=True)


def register(title: str, rows: Sequence[DipRow]) -> Register:
    return Register(title=title, headers=headers(), rows=[cells(row) for row in rows])


def dip_csv(title: str, rows: Sequence[DipRow]) -> bytes:
    return to_csv(register(title, rows))


def dip_xlsx(title: str, rows: Sequence[DipRow]) -> bytes:
    return to_xlsx(register(title, rows))


def dip_json(title: str, rows: Sequence[DipRow], decree: DipDecree | None, decree_url: str | None) -> bytes:
    """The document described as ``DaftarInformasiPublik`` in the OpenAPI description."""
    document = {
        "judul": title,
        "sk": None if decree is None else {"nomor": decree.number, "tanggal": decree.decided_on.isoformat(),
                                           "dokumen": decree_url},
        "jumlah": len(rows),
        "informasi": [row.as_json() for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def dip_pdf(title: str, rows: Sequence[DipRow], decree: DipDecree | None) -> bytes:
    """Landscape A4, the Perki columns; the SK that sets the list under the title."""
    basis = (_("Ditetapkan dengan SK nomor %(number)s tanggal %(date)s.", number=decree.number,
               date=format_day(decree.decided_on)) if decree else _("SK penetapan DIP belum dicatat."))
    data = [[Paragraph(f"<b>{markup(header)}</b>", BODY) for header in headers()]]
    data += [[Paragraph(markup(cell), BODY) for cell in cells(row)] for row in rows]
    widths = [9, 60, 30, 30, 26, 18, 20, 30, 44]
    table = Table(data, colWidths=[width * mm for width in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=title, author="PPID", creator="ppid")
    document.build([Paragraph(markup(title), TITLE), Paragraph(markup(basis), BODY), Spacer(1, 3 * mm), table])
    return buffer.getvalue()


def dik_register(title: str, entries: Sequence[ExemptInformation], dinas_names: Mapping[str, str],
                 time_zone: str) -> Register:
    """The DIK as its public page shows it: exemptions in force, then those opened; never the consequence test's
    wording (it may describe the exempt content) and never the dataset an entry holds back."""
    header = [_("No"), _("Perangkat daerah"), _("Informasi"), _("Dasar pengecualian"), _("Rincian dasar"),
              _("Undang-undang lain"), _("Nomor SK"), _("Tanggal SK"), _("Dikecualikan sejak"),
              _("Dikecualikan sampai"), _("Status"), _("Dibuka pada"), _("Alasan dibuka"), _("SK pembukaan"),
              _("Versi"), _("Terakhir diubah")]
    ordered = [entry for entry in entries if not entry.opened] + [entry for entry in entries if entry.opened]
    rows: list[list[str | int]] = [
        [number, dinas_names.get(entry.dinas_slug, entry.dinas_slug), entry.public_title, ground_label(entry),
         entry.sub_ground, entry.legal_basis, entry.sk_number, entry.sk_date.isoformat(), entry.starts_on.isoformat(),
         entry.ends_on.isoformat(), _("dibuka") if entry.opened else _("dikecualikan"),
         entry.opened_on.isoformat() if entry.opened_on else "", entry.opened_reason, entry.opened_sk_number,
         entry.version, entry.last_changed.astimezone(ZoneInfo(time_zone)).date().isoformat()]
        for number, entry in enumerate(ordered, start=1)]
    return Register(title=title, headers=header, rows=rows)


def dik_csv(title: str, entries: Sequence[ExemptInformation], dinas_names: Mapping[str, str],
            time_zone: str) -> bytes:
    return to_csv(dik_register(title, entries, dinas_names, time_zone))


def dik_xlsx(title: str, entries: Sequence[ExemptInformation], dinas_names: Mapping[str, str],
             time_zone: str) -> bytes:
    return to_xlsx(dik_register(title, entries, dinas_names, time_zone))
