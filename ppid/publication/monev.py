"""The Komisi Informasi's monitoring and evaluation (monev, Perki 1/2022): the self-assessment questionnaire answered
from the platform's records, per dinas (or the pemda) and per monev year, with a provisional score and predicate.

The questionnaire is data (``config/monev.yaml``: indicators, weights, questions), because each KI sets its own per
year (reference monev.md §0). Each question names the record that answers it: one of :data:`EVIDENCE` (computed
on read from the catalogue, the registers, the request statistics and the service standards) or ``admin``: what
the platform cannot know (budget, SK PPID, service room), entered by the administrator and stored as
:class:`MonevItem`. A monev of year N rates the service of year N-1 (requests, the annual report) and the state
at submission (DIP, catalogue, berkala schedule), monev.md §1.

A question is met only when all of it is (no partial credit); an indicator scores the share of its questions met;
the SAQ score is the weighted sum. Only the SAQ part is computable: the final score adds the presentation or visit,
so the pack shows the predicate range it could reach.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.db import Base, UtcDateTime, utcnow
from ppid.i18n import _
from ppid.permohonan import service_report, standards
from ppid.permohonan.workflow import Workflow
from ppid.publication import dashboard, dik, dip
from ppid.publication.classification import SETIAP_SAAT
from ppid.publication.models import DipDecree, ExemptInformation
from ppid.publishing.client import CatalogueClient

FILE_NAME = "monev.yaml"
ADMIN = "admin"
REPORT = "laporan"
"""``laporan:<field>[+<field>…]``: answered by the annual service report's sections A and B (the pemda's PPID
policy, staff and budget, :data:`service_report.PROFILE_FIELDS`), entered once at ``/admin/laporan-layanan/``; for
a dinas, or while the report lacks a field, the administrator's monev answer stands in (as for ``admin``)."""
MAX_VALUE = 2000
PREDICATES = ((90, "Informatif"), (80, "Menuju Informatif"), (60, "Cukup Informatif"), (40, "Kurang Informatif"),
              (0, "Tidak Informatif"))
"""The KI's qualifications by score (monev.md §4); the gap between 39.9 and 40 is read as below 40."""


class MonevError(ValueError):
    """The questionnaire file or an administrator's entry cannot be used; the message says why."""


class MonevItem(Base):
    """What the administrator says for one question the platform cannot answer, per monev year and dinas."""

    __tablename__ = "monev_item"
    __table_args__ = (UniqueConstraint("year", "dinas_slug", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    dinas_slug: Mapped[str] = mapped_column(String(100), default="")
    """Empty for the pemda (PPID Utama)."""
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    evidence: str


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    commission: str
    year: int
    saq_share: float
    """Percent of the final score the SAQ gives (the presentation or visit gives the rest)."""
    presentation_gate: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Evidence:
    met: bool
    text: str
    links: tuple[tuple[str, str], ...] = ()
    """(label, absolute URL) pairs a verifier opens."""


@dataclass(frozen=True)
class Answer:
    question: Question
    evidence: Evidence


@dataclass(frozen=True)
class Scored:
    indicator: Indicator
    answers: list[Answer]

    @property
    def score(self) -> float:
        return round(100 * sum(a.evidence.met for a in self.answers) / len(self.answers), 1) if self.answers else 0.0


@dataclass(frozen=True)
class Pack:
    """The answered questionnaire of one dinas (or the pemda) for one monev year."""

    questionnaire: Questionnaire
    year: int
    scope_slug: str | None
    scope_name: str
    indicators: list[Scored]
    records: Records
    """What the evidence was read from; its figures are the dashboard's of year N-1, the year the monev rates."""

    @property
    def saq(self) -> float:
        total = sum(item.indicator.weight for item in self.indicators) or 1
        return round(sum(item.indicator.weight * item.score for item in self.indicators) / total, 1)

    @property
    def predicate(self) -> str:
        return predicate(self.saq)

    @property
    def final_range(self) -> tuple[float, float]:
        """The final score with the presentation scored 0 and 100."""
        share = self.questionnaire.saq_share / 100
        return round(share * self.saq, 1), round(share * self.saq + 100 * (1 - share), 1)

    @property
    def gate_passed(self) -> bool:
        return self.saq >= self.questionnaire.presentation_gate

    @property
    def admin_questions(self) -> list[Question]:
        return [a.question for item in self.indicators for a in item.answers if takes_admin_answer(a.question)]


def predicate(score: float) -> str:
    """The KI's qualification for a score 0-100 (Informatif 90-100 … Tidak Informatif below 40)."""
    return next(name for floor, name in PREDICATES if score >= floor)


def load_questionnaire(config_dir: Path) -> Questionnaire:
    """The questionnaire profile of ``config_dir/monev.yaml``, checked: every question's evidence must be known."""
    path = config_dir / FILE_NAME
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        indicators = tuple(
            Indicator(code=str(item["kode"]), name=str(item["nama"]), weight=float(item["bobot"]),
                      questions=tuple(Question(str(q["kode"]), str(q["teks"]), str(q["bukti"]))
                                      for q in item["pertanyaan"]))
            for item in data["indikator"])
        questionnaire = Questionnaire(commission=str(data["komisi"]), year=int(data["tahun"]),
                                      saq_share=float(data.get("bagian_saq", 100)),
                                      presentation_gate=float(data.get("ambang_presentasi", 0)), indicators=indicators)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise MonevError(_("Kuesioner monev %(path)s tidak dapat dibaca: %(error)s", path=path, error=error)) from error
    report_keys = {item.key for item in service_report.PROFILE_FIELDS}
    unknown = sorted(q.evidence for i in indicators for q in i.questions if q.evidence not in EVIDENCE
                     and q.evidence != ADMIN and not (q.evidence.startswith(REPORT + ":")
                                                      and set(report_fields(q.evidence)) <= report_keys))
    if unknown:
        raise MonevError(_("Kuesioner monev %(path)s menyebut bukti yang tidak dikenal: %(names)s", path=path,
                           names=", ".join(unknown)))
    return questionnaire


def admin_items(session: Session, year: int, dinas_slug: str | None) -> dict[str, MonevItem]:
    query = select(MonevItem).where(MonevItem.year == year, MonevItem.dinas_slug == (dinas_slug or ""))
    return {item.key: item for item in session.scalars(query)}


def save_admin_items(session: Session, questionnaire: Questionnaire, year: int, dinas_slug: str | None,
                     values: Mapping[str, str], *, by: str) -> None:
    """Store the administrator's answers of the ``admin`` questions; an empty answer removes it."""
    keys = {q.code for i in questionnaire.indicators for q in i.questions if takes_admin_answer(q)}
    stored = admin_items(session, year, dinas_slug)
    for key in keys:
        value = (values.get(key) or "").strip()
        if len(value) > MAX_VALUE:
            raise MonevError(_("Isian %(key)s terlalu panjang (paling banyak %(max)s karakter).", key=key,
                               max=MAX_VALUE))
        item = stored.get(key)
        if not value:
            if item is not None:
                session.delete(item)
        elif item is None:
            session.add(MonevItem(year=year, dinas_slug=dinas_slug or "", key=key, value=value, updated_by=by))
        elif item.value != value:
            item.value, item.updated_by = value, by


@dataclass
class Records:
    """What the evidence reads, gathered once per pack."""

    session: Session
    slug: str | None
    year: int
    today: date
    portal_url: str
    figures: dashboard.Figures
    dip_rows: list[dip.DipRow]
    decree: DipDecree | None
    exempt: list[ExemptInformation]
    sections: dict[str, standards.Section]
    admin: dict[str, MonevItem] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)
    """Sections A and B of the annual service report as last written (the pemda's, not a dinas's)."""

    def url(self, path: str) -> str:
        return self.portal_url.rstrip("/") + path

    def scoped(self, path: str) -> str:
        return self.url(path + (f"?dinas={self.slug}" if self.slug else ""))


def build(workflow: Workflow, client: CatalogueClient, questionnaire: Questionnaire, *, year: int,
          dinas_slug: str | None, portal_url: str, config_dir: Path) -> Pack:
    """The answered questionnaire of ``dinas_slug`` (None: the pemda) for monev ``year``."""
    session = workflow.session
    board = dashboard.build(workflow, client, year=year - 1, dinas=dinas_slug)
    packages = dip.public_packages(lambda start, rows: client.call_action(
        "package_search", {"q": "", "start": start, "rows": rows, "sort": "name asc"}))
    records = Records(
        session=session, slug=dinas_slug, year=year, today=workflow.today(), portal_url=portal_url,
        figures=board.scope,
        dip_rows=dip.build(session, workflow.registry, packages, portal_url=portal_url, dinas_slug=dinas_slug),
        decree=dip.decree_in_force(session, dinas_slug),
        exempt=dik.entries(session, None if dinas_slug is None else {dinas_slug}),
        sections=standards.read(session, config_dir), admin=admin_items(session, year, dinas_slug),
        profile=service_report.profile(session))
    scored = [Scored(indicator, [Answer(q, _answer(q, records)) for q in indicator.questions])
              for indicator in questionnaire.indicators]
    return Pack(questionnaire=questionnaire, year=year, scope_slug=dinas_slug, scope_name=board.scope.name,
                indicators=scored, records=records)


def _answer(question: Question, records: Records) -> Evidence:
    if question.evidence.startswith(REPORT + ":") and records.slug is None:
        keys = report_fields(question.evidence)
        labels = {item.key: _(item.label) for item in service_report.PROFILE_FIELDS}
        values = {key: (records.profile.get(key) or "").strip() for key in keys}
        if all(values.values()):
            text = _("Dari laporan layanan informasi (bagian A dan B): %(values)s.",
                     values="; ".join(f"{labels[key]}: {value}" for key, value in values.items()))
            return Evidence(True, text, ((_("Laporan layanan"), records.url("/admin/laporan-layanan/")),))
    if question.evidence == ADMIN or question.evidence.startswith(REPORT + ":"):
        item = records.admin.get(question.code)
        if item is not None:
            return Evidence(True, _("Diisi administrator (%(who)s): %(value)s", who=item.updated_by,
                                    value=item.value))
        if question.evidence == ADMIN or records.slug is not None:
            return Evidence(False, _("Belum diisi administrator."))
        missing = [_(item.label) for item in service_report.PROFILE_FIELDS
                   if item.key in report_fields(question.evidence) and not records.profile.get(item.key)]
        return Evidence(False, _("Belum diisi di laporan layanan informasi: %(names)s.", names=", ".join(missing)),
                        ((_("Laporan layanan"), records.url("/admin/laporan-layanan/")),))
    return EVIDENCE[question.evidence](records)


def report_fields(evidence: str) -> list[str]:
    """The service report fields a ``laporan:a+b`` evidence names."""
    return evidence.removeprefix(REPORT + ":").split("+")


def takes_admin_answer(question: Question) -> bool:
    """Whether the administrator may answer this question in the monev form (alone, or where the report is silent)."""
    return question.evidence == ADMIN or question.evidence.startswith(REPORT + ":")


# -- the platform's evidence, one function per kind of record ---------------------------------------------------


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _dip_sk(r: Records) -> Evidence:
    if r.decree is None:
        return Evidence(False, _("Belum ada SK penetapan DIP yang dicatat."),
                        ((_("DIP"), r.scoped("/informasi-publik")),))
    return Evidence(True, _("SK %(number)s tanggal %(date)s.", number=r.decree.number,
                            date=r.decree.decided_on.isoformat()), ((_("DIP"), r.scoped("/informasi-publik")),))


def _dip_isi(r: Records) -> Evidence:
    return Evidence(bool(r.dip_rows), _("%(n)s informasi dalam DIP.", n=len(r.dip_rows)),
                    ((_("DIP"), r.scoped("/informasi-publik")),
                     (_("DIP (PDF)"), r.scoped("/informasi-publik/unduh.pdf"))))


def _dip_dik_laman(r: Records) -> Evidence:
    return Evidence(True, _("Halaman DIP dan DIK terbuka tanpa masuk."),
                    ((_("DIP"), r.url("/informasi-publik")), (_("DIK"), r.url("/informasi-dikecualikan"))))


def _dik(r: Records) -> Evidence:
    in_force = [entry for entry in r.exempt if not entry.opened]  # an opened entry is the record of its opening
    due = sum(1 for entry in in_force if dik.review_due(entry, r.today))
    text = _("%(n)s informasi dikecualikan, masing-masing dengan uji konsekuensi dan SK; %(due)s perlu ditinjau ulang.",
             n=len(in_force), due=due)
    return Evidence(due == 0, text, ((_("DIK"), r.url("/informasi-dikecualikan")),))


def _berkala_ada(r: Records) -> Evidence:
    return Evidence(r.figures.berkala > 0, _("%(n)s informasi berkala dijadwalkan.", n=r.figures.berkala),
                    ((_("Jadwal informasi berkala"), r.scoped("/informasi-berkala")),))


def _berkala_tepat_waktu(r: Records) -> Evidence:
    f = r.figures
    return Evidence(f.berkala > 0 and f.berkala_overdue == 0,
                    _("%(on_time)s dari %(n)s informasi berkala diperbarui tepat waktu (%(share)s).",
                      on_time=f.berkala_on_time, n=f.berkala, share=_percent(f.berkala_share)),
                    ((_("Jadwal informasi berkala"), r.scoped("/informasi-berkala")),))


def _serta_merta(r: Records) -> Evidence:
    return Evidence(True, _("Pengumuman serta-merta tampil di setiap halaman dan dalam umpan Atom."),
                    ((_("Pengumuman"), r.url("/pengumuman")),))


def _setiap_saat(r: Records) -> Evidence:
    count = sum(1 for row in r.dip_rows if row.category == SETIAP_SAAT)
    return Evidence(count > 0, _("%(n)s informasi tersedia setiap saat dalam DIP.", n=count),
                    ((_("DIP"), r.url(f"/informasi-publik?kategori={SETIAP_SAAT}"
                                      + (f"&dinas={r.slug}" if r.slug else ""))),))


def _struktur_ppid(r: Records) -> Evidence:
    section = r.sections.get(standards.structure_key(r.slug))
    met = section is not None and bool(section.roles)
    path = f"/standar-layanan/{r.slug}" if r.slug else "/standar-layanan"
    return Evidence(met, _("Struktur PPID diumumkan.") if met else _("Struktur PPID belum diisi."),
                    ((_("Standar layanan"), r.url(path)),))


def _standar_layanan(r: Records) -> Evidence:
    keys = ("maklumat", "jam_layanan", "prosedur_permohonan", "prosedur_keberatan")
    missing = [_(standards.TEXT_SECTIONS[key]) for key in keys if not (r.sections.get(key) and r.sections[key].lines)]
    text = _("Lengkap.") if not missing else _("Belum diisi: %(names)s.", names=", ".join(missing))
    return Evidence(not missing, text, ((_("Standar layanan"), r.url("/standar-layanan")),))


def _disabilitas(r: Records) -> Evidence:
    section = r.sections.get("disabilitas")
    met = section is not None and bool(section.lines)
    return Evidence(met, _("Ketentuan layanan bagi penyandang disabilitas diumumkan.") if met
                    else _("Belum diisi."), ((_("Standar layanan"), r.url("/standar-layanan")),))


def _formulir(r: Records) -> Evidence:
    return Evidence(True, _("Permohonan dan keberatan diajukan daring, dengan nomor pendaftaran seketika."),
                    ((_("Formulir permohonan"), r.url("/permohonan/ajukan")), (_("Lacak dan keberatan"),
                                                                             r.url("/permohonan/lacak"))))


def _register(r: Records) -> Evidence:
    report = r.figures.requests
    return Evidence(True, _("Register tahun %(year)s: %(n)s permohonan, %(o)s keberatan (terlampir tanpa data "
                            "pribadi).", year=report.year, n=report.requests, o=report.objections))


def _tepat_waktu(r: Records) -> Evidence:
    row = r.figures.row()
    late = row["terlambat"]
    text = _("Tahun %(year)s: %(n)s permohonan; dijawab paling lama 10 hari kerja %(d10)s, dalam perpanjangan "
             "%(d17)s, terlambat atau belum dijawab melewati batas %(late)s.", year=r.year - 1, n=row["permohonan"],
             d10=row["dijawab_10_hari_kerja"], d17=row["dijawab_17_hari_kerja"], late=late)
    return Evidence(late == 0, text, ((_("Statistik"), r.url(f"/permohonan/statistik?tahun={r.year - 1}")),))


def _laporan_layanan(r: Records) -> Evidence:
    year = r.year - 1
    met = year in service_report.published_years(r.session)
    text = _("Laporan tahun %(year)s difinalisasi dan diumumkan.", year=year) if met else _(
        "Laporan tahun %(year)s belum difinalisasi.", year=year)
    return Evidence(met, text, ((_("Laporan layanan"), r.url(f"/laporan-layanan/{year}")),) if met else ())


def _laporan_ke_ki(r: Records) -> Evidence:
    year = r.year - 1
    copies = service_report.ki_copies(r.session, year)
    if not copies:
        return Evidence(False, _("Pengiriman salinan laporan tahun %(year)s ke Komisi Informasi belum dicatat.",
                                 year=year))
    copy, _version = copies[0]
    return Evidence(True, _("Dikirim %(date)s (%(how)s).", date=copy.sent_on.isoformat(), how=copy.method))


def _data_valid(r: Records) -> Evidence:
    f = r.figures
    return Evidence(f.tables_checked > 0 and f.tables_valid == f.tables_checked,
                    _("%(valid)s dari %(n)s tabel lolos validasi skema (%(share)s).", valid=f.tables_valid,
                      n=f.tables_checked, share=_percent(f.valid_share)),
                    ((_("Dasbor transparansi"), r.scoped("/transparansi")),))


def _situs_ppid(r: Records) -> Evidence:
    return Evidence(True, _("Portal PPID dengan permohonan, pelacakan, keberatan dan statistik daring."),
                    ((_("Portal"), r.url("/")), (_("Permohonan"), r.url("/permohonan/"))))


def _data_terbuka(r: Records) -> Evidence:
    f = r.figures
    return Evidence(f.datasets > 0, _("%(n)s dataset dan %(d)s dokumen diumumkan; API katalog dan DCAT tersedia.",
                                      n=f.datasets, d=f.documents),
                    ((_("Dataset"), r.url("/dataset")), (_("API katalog"), r.url("/api/3/action/package_search")),
                     (_("DCAT"), r.url("/catalog.ttl"))))


def _umpan(r: Records) -> Evidence:
    return Evidence(True, _("Umpan Atom dataset, dokumen dan pengumuman."),
                    ((_("Umpan pengumuman"), r.url("/feed/pengumuman.atom")),))


EVIDENCE: dict[str, Callable[[Records], Evidence]] = {
    "dip_sk": _dip_sk, "dip_isi": _dip_isi, "dip_dik_laman": _dip_dik_laman, "dik": _dik, "berkala_ada": _berkala_ada,
    "berkala_tepat_waktu": _berkala_tepat_waktu, "serta_merta": _serta_merta, "setiap_saat": _setiap_saat,
    "struktur_ppid": _struktur_ppid, "standar_layanan": _standar_layanan, "disabilitas": _disabilitas,
    "formulir": _formulir, "register": _register, "tepat_waktu": _tepat_waktu, "laporan_layanan": _laporan_layanan,
    "laporan_ke_ki": _laporan_ke_ki, "data_valid": _data_valid, "situs_ppid": _situs_ppid,
    "data_terbuka": _data_terbuka, "umpan": _umpan,
}
"""The records that answer a question, by the name ``config/monev.yaml`` gives them."""


def summary_rows(pack: Pack) -> list[dict[str, Any]]:
    """One row per question, for the pack's link list and its PDF."""
    return [{"indikator": item.indicator.name, "pertanyaan": a.question.text, "terpenuhi": a.evidence.met,
             "bukti": a.evidence.text, "tautan": [url for _label, url in a.evidence.links]}
            for item in pack.indicators for a in item.answers]
