"""The public transparency dashboard: how each dinas and the pemda as a whole meet their publication and service
duties, in counts a person reads at a glance (UU 14/2008 Pasal 9-12).

Every figure is computed on read from the records the platform already keeps, never stored: datasets and
documents from the public catalogue (what a visitor can see, so exempt items never count), their freshness from
the day each was last refreshed (:func:`ppid.publication.periodic.refreshed_on`), validation quality from the
harvest's tracked tables and their reports, periodic-information compliance from the berkala schedule, and the
request figures from :func:`ppid.permohonan.statistics.annual_report`, so the dashboard, the statistics page and
the annual report cannot disagree. Counts only: no title of an invalid file and no personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.catalogue.models import JENIS_DOKUMEN
from ppid.i18n import N_, _
from ppid.permohonan import registers
from ppid.permohonan.models import Outcome
from ppid.permohonan.statistics import AnnualReport, Tally, Timeliness, annual_report
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import FileState, TrackedFile, ValidationRecord
from ppid.publication import periodic
from ppid.publishing.client import CatalogueClient
from ppid.validation.causes import CAUSES

PAGE = 500
FRESH_MONTHS = 6
"""Refreshed within this many months: "baru" (the longest period the law allows berkala information, Pasal 9(4))."""
STALE_MONTHS = 12
"""Not refreshed for more than a year: "usang"."""
FRESHNESS_LABELS = {
    "baru": N_("Diperbarui dalam 6 bulan terakhir"),
    "sedang": N_("Diperbarui 6-12 bulan lalu"),
    "usang": N_("Tidak diperbarui lebih dari 12 bulan"),
}
CAUSE_GROUPS = {
    "missing-column": N_("Kolom wajib tidak ada"),
    "extra-column": N_("Kolom tambahan di luar skema"),
    "duplicate-column": N_("Judul kolom ganda"),
    "blank-header": N_("Judul kolom kosong"),
    "required": N_("Sel wajib kosong"),
    "type-integer": N_("Bukan bilangan bulat"),
    "type-number": N_("Bukan angka"),
    "type-date": N_("Tanggal tidak terbaca"),
    "unknown-code": N_("Kode wilayah tidak dikenal"),
    "duplicate-key": N_("Baris ganda"),
    "unique": N_("Nilai yang harus unik berulang"),
    "enum": N_("Nilai di luar pilihan"),
    "minimum": N_("Nilai di bawah batas"),
    "maximum": N_("Nilai di atas batas"),
}
"""Short names for the causes the dashboard lists; any other cause is named by its code."""
VALIDATED = (FileState.VALID, FileState.INVALID)


@dataclass(frozen=True)
class Figures:
    """One scope's figures: one dinas, or the whole pemda (``slug`` None)."""

    slug: str | None
    name: str
    datasets: int
    documents: int
    freshness: list[Tally]
    tables_checked: int
    tables_valid: int
    causes: list[Tally]
    """Why tables fail validation: how many tables have each cause, most frequent first."""
    berkala: int
    berkala_overdue: int
    requests: AnnualReport

    @property
    def valid_share(self) -> float | None:
        """Percentage of the harvested tables that pass validation; None when none was checked."""
        return None if not self.tables_checked else round(100 * self.tables_valid / self.tables_checked, 1)

    @property
    def berkala_on_time(self) -> int:
        return self.berkala - self.berkala_overdue

    @property
    def berkala_share(self) -> float | None:
        """Percentage of the berkala items refreshed within their period; None when the scope has none."""
        return None if not self.berkala else round(100 * self.berkala_on_time / self.berkala, 1)

    def timeliness(self, code: str) -> int:
        return next((row.count for row in self.requests.timeliness if row.code == code), 0)

    def row(self) -> dict[str, Any]:
        """The flat numbers of this scope, under the keys of the CSV and the JSON (``DasborBaris``)."""
        report = self.requests
        outcomes = {row.code: row.count for row in report.outcomes}
        return {
            "dinas": self.slug or "",
            "nama": self.name,
            "dataset": self.datasets,
            "dokumen": self.documents,
            **{f"kesegaran_{row.code}": row.count for row in self.freshness},
            "tabel_diperiksa": self.tables_checked,
            "tabel_valid": self.tables_valid,
            "persen_tabel_valid": self.valid_share,
            "informasi_berkala": self.berkala,
            "informasi_berkala_terlambat": self.berkala_overdue,
            "persen_berkala_tepat_waktu": self.berkala_share,
            "permohonan": report.requests,
            "dijawab_10_hari_kerja": self.timeliness(Timeliness.WITHIN_10),
            "dijawab_17_hari_kerja": self.timeliness(Timeliness.WITHIN_17),
            "terlambat": self.timeliness(Timeliness.LATE) + self.timeliness(Timeliness.OVERDUE),
            "dikabulkan": report.granted,
            "dikabulkan_sebagian": outcomes.get(Outcome.PARTLY_GRANTED.value, 0),
            "ditolak": report.refused,
            "keberatan": report.objections,
            "sengketa": report.disputes,
        }


@dataclass(frozen=True)
class Dashboard:
    year: int
    """The year whose requests are counted; the catalogue figures are as they stand today."""
    today: date
    scope: Figures
    """The pemda, or the one dinas asked for."""
    dinas: list[Figures]
    """Every dinas, for the comparison table and charts (only the pemda view shows them)."""


def build(workflow: Workflow, client: CatalogueClient, *, year: int, dinas: str | None = None) -> Dashboard:
    """The dashboard of the pemda (``dinas`` None) or of one dinas, requests counted for ``year``."""
    registry = workflow.registry
    zone = workflow.calendar.timezone
    today = workflow.today()
    packages = list(_public_packages(client))
    tables = _tables(workflow.session)
    schedule = periodic.schedule(client, zone)
    slugs = [item.slug for item in registry.dinas if dinas is None or item.slug == dinas]
    per_dinas = [
        _figures(workflow, slug, registry.get(slug).name, year, today, zone,
                 [p for p in packages if (p.get("organization") or {}).get("name") == slug],
                 [t for t in tables if t[0] == slug], [s for s in schedule if s.dinas_slug == slug])
        for slug in slugs
    ]
    if dinas is not None:
        return Dashboard(year=year, today=today, scope=per_dinas[0], dinas=[])
    region = _figures(workflow, None, _("Seluruh pemerintah daerah"), year, today, zone, packages, tables, schedule)
    return Dashboard(year=year, today=today, scope=region, dinas=per_dinas)


def _figures(workflow: Workflow, slug: str | None, name: str, year: int, today: date, zone: str,
             packages: list[dict[str, Any]], tables: list[tuple[str, bool, list[str]]],
             schedule: list[periodic.Scheduled]) -> Figures:
    documents = sum(1 for package in packages if periodic.extras(package).get("jenis") == JENIS_DOKUMEN)
    freshness = Counter(_freshness(package, today, zone) for package in packages)
    causes = Counter(code for _slug, valid, codes in tables if not valid for code in set(codes))
    return Figures(
        slug=slug, name=name, datasets=len(packages) - documents, documents=documents,
        freshness=[Tally(code, _(label), freshness[code]) for code, label in FRESHNESS_LABELS.items()],
        tables_checked=len(tables), tables_valid=sum(1 for _slug, valid, _codes in tables if valid),
        causes=[Tally(code, _(CAUSE_GROUPS[code]) if code in CAUSE_GROUPS else code, count)
                for code, count in causes.most_common()],
        berkala=len(schedule), berkala_overdue=sum(1 for item in schedule if item.overdue(today)),
        requests=annual_report(workflow, year=year, scope=None if slug is None else {slug}, scope_label=name),
    )


def _freshness(package: dict[str, Any], today: date, zone: str) -> str:
    refreshed = periodic.refreshed_on(package, periodic.extras(package), zone)
    if refreshed > today - relativedelta(months=FRESH_MONTHS):
        return "baru"
    return "sedang" if refreshed > today - relativedelta(months=STALE_MONTHS) else "usang"


def _tables(session: Session) -> list[tuple[str, bool, list[str]]]:
    """Each harvested table still at its source: its dinas, whether it is valid, and its error causes."""
    rows = session.execute(
        select(TrackedFile.dinas_slug, TrackedFile.state, ValidationRecord.report)
        .outerjoin(ValidationRecord, ValidationRecord.id == TrackedFile.report_id)
        .where(TrackedFile.state.in_(VALIDATED), TrackedFile.missing_since.is_(None))
    )
    return [(slug, state == FileState.VALID, _error_codes(report)) for slug, state, report in rows]


def _error_codes(report: dict[str, Any] | None) -> list[str]:
    return [problem["code"] for table in (report or {}).get("tables", []) for problem in table.get("problems", [])
            if problem.get("code") in CAUSES and CAUSES[problem["code"]].severity == "error"]


def _public_packages(client: CatalogueClient) -> Iterator[dict[str, Any]]:
    """Every package a visitor can see (datasets and documents; never a withdrawn or exempt one)."""
    start = 0
    while True:
        result = client.call_action("package_search", {"q": "", "rows": PAGE, "start": start, "sort": "name asc"})
        yield from result["results"]
        start += PAGE
        if start >= result["count"] or not result["results"]:
            return


class DasborBarisSchema(Schema):
    """The figures of the pemda or of one dinas (its slug empty for the pemda)."""

    dinas = fields.String(required=True)
    nama = fields.String(required=True)
    dataset = fields.Integer(required=True)
    dokumen = fields.Integer(required=True)
    kesegaran_baru = fields.Integer(required=True, metadata={"description": FRESHNESS_LABELS["baru"]})
    kesegaran_sedang = fields.Integer(required=True, metadata={"description": FRESHNESS_LABELS["sedang"]})
    kesegaran_usang = fields.Integer(required=True, metadata={"description": FRESHNESS_LABELS["usang"]})
    tabel_diperiksa = fields.Integer(required=True)
    tabel_valid = fields.Integer(required=True)
    persen_tabel_valid = fields.Float(required=True, allow_none=True)
    informasi_berkala = fields.Integer(required=True)
    informasi_berkala_terlambat = fields.Integer(required=True)
    persen_berkala_tepat_waktu = fields.Float(required=True, allow_none=True)
    permohonan = fields.Integer(required=True)
    dijawab_10_hari_kerja = fields.Integer(required=True)
    dijawab_17_hari_kerja = fields.Integer(required=True)
    terlambat = fields.Integer(required=True)
    dikabulkan = fields.Integer(required=True, metadata={"description": "Dikabulkan seluruhnya atau sebagian"})
    dikabulkan_sebagian = fields.Integer(required=True)
    ditolak = fields.Integer(required=True)
    keberatan = fields.Integer(required=True)
    sengketa = fields.Integer(required=True)


class PenyebabSchema(Schema):
    kode = fields.String(required=True)
    nama = fields.String(required=True)
    jumlah_tabel = fields.Integer(required=True)


class DasborTransparansiSchema(Schema):
    """The dashboard's numbers: the scope asked for, each dinas (pemda view only) and why tables fail."""

    tahun = fields.Integer(required=True)
    tanggal = fields.Date(required=True)
    cakupan = fields.Nested(DasborBarisSchema, required=True)
    dinas = fields.List(fields.Nested(DasborBarisSchema), required=True)
    penyebab_tidak_valid = fields.List(fields.Nested(PenyebabSchema), required=True)


def as_json(dashboard: Dashboard) -> dict[str, Any]:
    """The document described as ``DasborTransparansi`` in the OpenAPI description."""
    return {
        "tahun": dashboard.year,
        "tanggal": dashboard.today.isoformat(),
        "cakupan": dashboard.scope.row(),
        "dinas": [figures.row() for figures in dashboard.dinas],
        "penyebab_tidak_valid": [{"kode": row.code, "nama": row.label, "jumlah_tabel": row.count}
                                 for row in dashboard.scope.causes],
    }


def rows(dashboard: Dashboard) -> list[dict[str, Any]]:
    """The CSV's rows: the scope first, then each dinas."""
    return [dashboard.scope.row(), *(figures.row() for figures in dashboard.dinas)]


def to_csv(dashboard: Dashboard) -> bytes:
    """The numbers as CSV, one row per scope, written like the registers (UTF-8 with BOM, formula-safe)."""
    table = rows(dashboard)
    cells = [[value if isinstance(value, int) else "" if value is None else str(value) for value in row.values()]
             for row in table]
    return registers.to_csv(registers.Register(title="", headers=list(table[0]), rows=cells))
