"""The annual information service report as issued (laporan layanan informasi publik, Perki 1/2021 Pasal 56).

kip-rules §5.10 lists six sections. A (policy: SK/Perkada, SOPs, PPID decree, maklumat) and B (facilities,
staff, budget) describe the pemda's service and are kept by the administrator as one record, edited as things
change; C and D are the figures of :func:`statistics.annual_report`, computed from the requests; E (obstacles)
and F (recommendations, follow-up) are written for each year.

Finalising a year freezes all six into a numbered version: the record and the figures as they were that day,
so what was published and sent to the Komisi Informasi stays readable even when a holiday added later or a
late objection moves the live figures. A version never changes; a correction is a new version with its reason.
Only finalised versions are public (UU KIP Pasal 11(1)(h): information available at any time). The report
holds counts and the pemda's own texts, never a requester's personal data.

A copy goes to the Komisi Informasi within three months after the year ends (Perki 1/2021 Pasal 56; in
practice 31 March, kip-rules D11); sending it is a recorded step (who, when, how), and until it is recorded
the administrators are reminded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.accounts.models import User
from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _, language
from ppid.permohonan.models import Permohonan
from ppid.permohonan.statistics import AnnualReport, Tally, annual_report
from ppid.permohonan.workflow import Workflow

REGION = N_("Seluruh pemerintah daerah")
KI_COPY_MONTHS = 3
"""Perki 1/2021 Pasal 56: the report is provided within 3 months after the fiscal year ends (kip-rules D11)."""
SEMESTERS = {1: range(1, 7), 2: range(7, 13)}
"""Semester I is January-June, semester II July-December."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    number: bool = False
    """A whole number (staff, rupiah) rather than free text."""


POLICY = (  # section A
    Field("kebijakan", N_("Kebijakan layanan informasi publik (SK/Perkada)")),
    Field("sop", N_("Standar operasional prosedur (SOP) layanan informasi")),
    Field("sk_ppid", N_("Keputusan penetapan PPID")),
    Field("maklumat", N_("Maklumat pelayanan informasi publik")),
)
IMPLEMENTATION = (  # section B
    Field("sarana", N_("Sarana dan prasarana layanan serta kondisinya")),
    Field("jumlah_petugas", N_("Jumlah petugas PPID"), number=True),
    Field("kualifikasi_petugas", N_("Kualifikasi petugas PPID")),
    Field("anggaran", N_("Jumlah anggaran layanan informasi (Rp)"), number=True),
    Field("sumber_anggaran", N_("Sumber anggaran")),
    Field("penggunaan_anggaran", N_("Penggunaan anggaran")),
)
OBSTACLES = (  # section E
    Field("kendala_internal", N_("Kendala internal")),
    Field("kendala_eksternal", N_("Kendala eksternal")),
)
FOLLOW_UP = (  # section F
    Field("rekomendasi", N_("Rekomendasi")),
    Field("rencana_tindak_lanjut", N_("Rencana tindak lanjut")),
)
PROFILE_FIELDS = POLICY + IMPLEMENTATION
YEAR_FIELDS = OBSTACLES + FOLLOW_UP
MAX_TEXT = 10_000


class ReportError(ValueError):
    """A step the report does not allow (an unfinished year, a version without a reason); says why."""


class ServiceProfile(Base):
    """Sections A and B as the administrator last wrote them; each edit is a new row, so the history stays."""

    __tablename__ = "laporan_layanan_profil"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    edited_by: Mapped[str] = mapped_column(String(80))
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportYear(Base):
    """Sections E and F of one year, while they are written; a finalised version keeps its own copy."""

    __tablename__ = "laporan_layanan_tahun"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    edited_by: Mapped[str] = mapped_column(String(80))
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReportVersion(Base):
    """One finalised version of a year's report: all six sections frozen. Never updated, never deleted."""

    __tablename__ = "laporan_layanan_versi"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    """``profile`` (A, B), ``texts`` (E, F), ``figures`` (C, D: the fields of :class:`AnnualReport`) and
    ``finalised_on`` (the local date)."""
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why a new version was issued (None for the first)."""
    finalised_by: Mapped[str] = mapped_column(String(80))
    finalised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KiCopy(Base):
    """The copy of a year's report sent to the Komisi Informasi: which version, on what day, how, recorded by whom."""

    __tablename__ = "laporan_layanan_salinan_ki"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("laporan_layanan_versi.id"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(200))
    """How it was sent: e-mail to the KI's address, by post with a receipt number, handed over in person."""
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FinalisedVersionChanged(RuntimeError):
    """Someone tried to change or delete a finalised version of the report."""


@event.listens_for(Session, "before_flush")
def _versions_are_immutable(session: Session, _context: object, _instances: object) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, ReportVersion) and (instance in session.deleted or session.is_modified(instance)):
            raise FinalisedVersionChanged(f"laporan_layanan_versi {instance.id} is final")


# -- the report as issued ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedReport:
    """A finalised version read back: the six sections as they were when it was finalised."""

    year: int
    version: int
    reason: str | None
    finalised_on: date
    """The local date it was finalised (the pemda's time zone)."""
    profile: dict[str, str]
    texts: dict[str, str]
    figures: AnnualReport

    @property
    def policy(self) -> list[tuple[str, str]]:
        return _labelled(POLICY, self.profile)

    @property
    def implementation(self) -> list[tuple[str, str]]:
        return _labelled(IMPLEMENTATION, self.profile)

    @property
    def obstacles(self) -> list[tuple[str, str]]:
        return _labelled(OBSTACLES, self.texts)

    @property
    def follow_up(self) -> list[tuple[str, str]]:
        return _labelled(FOLLOW_UP, self.texts)


def _labelled(fields: tuple[Field, ...], values: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(_(field.label), _shown(field, values.get(field.key, ""))) for field in fields]


def _shown(field: Field, value: str) -> str:
    if not value:
        return "—"
    return f"{int(value):,}".replace(",", ".") if field.number else value


def issued(version: ReportVersion) -> IssuedReport:
    content = version.content
    figures = {key: [Tally(**row) for row in value] if isinstance(value, list) else value
               for key, value in content["figures"].items()}
    return IssuedReport(year=version.year, version=version.version, reason=version.reason,
                        finalised_on=date.fromisoformat(content["finalised_on"]), profile=content["profile"],
                        texts=content["texts"],
                        figures=AnnualReport(**figures))


def versions(session: Session, year: int) -> list[ReportVersion]:
    """Every finalised version of ``year``, the first first."""
    return list(session.scalars(select(ReportVersion).where(ReportVersion.year == year)
                                .order_by(ReportVersion.version)))


def published_years(session: Session) -> list[int]:
    """Years with a finalised report, the latest first: the public list."""
    return list(session.scalars(select(ReportVersion.year).distinct().order_by(ReportVersion.year.desc())))


def find_version(session: Session, year: int, number: int | None = None) -> ReportVersion | None:
    """Version ``number`` of ``year``, or its latest when None; None when there is no such version."""
    query = select(ReportVersion).where(ReportVersion.year == year)
    if number is not None:
        return session.scalar(query.where(ReportVersion.version == number))
    return session.scalar(query.order_by(ReportVersion.version.desc()).limit(1))


# -- what the administrator writes ---------------------------------------------------------------


def profile(session: Session) -> dict[str, str]:
    """Sections A and B as last saved (empty strings before the first edit)."""
    row = session.scalar(select(ServiceProfile).order_by(ServiceProfile.id.desc()).limit(1))
    return _complete(PROFILE_FIELDS, row.content if row else {})


def save_profile(session: Session, values: Mapping[str, str], *, by: User) -> None:
    session.add(ServiceProfile(content=_clean(PROFILE_FIELDS, values), edited_by=by.username))


def year_texts(session: Session, year: int) -> dict[str, str]:
    """Sections E and F of ``year`` as last saved."""
    row = session.get(ReportYear, year)
    return _complete(YEAR_FIELDS, row.content if row else {})


def save_year_texts(session: Session, year: int, values: Mapping[str, str], *, by: User) -> None:
    content = _clean(YEAR_FIELDS, values)
    row = session.get(ReportYear, year)
    if row is None:
        session.add(ReportYear(year=year, content=content, edited_by=by.username))
    else:
        row.content, row.edited_by, row.edited_at = content, by.username, utcnow()


def _complete(fields: tuple[Field, ...], content: Mapping[str, Any]) -> dict[str, str]:
    return {field.key: str(content.get(field.key, "")) for field in fields}


def _clean(fields: tuple[Field, ...], values: Mapping[str, str]) -> dict[str, str]:
    """The fields' values trimmed; a number field holds digits only (``Rp 1.500.000`` is read as 1500000)."""
    cleaned = {}
    for field in fields:
        value = (values.get(field.key) or "").strip()
        if len(value) > MAX_TEXT:
            raise ReportError(_("%(field)s terlalu panjang (paling banyak %(n)s karakter).", field=_(field.label),
                                n=MAX_TEXT))
        if field.number and value:
            digits = "".join(character for character in value if character.isdigit())
            if not digits or any(character.isalpha() for character in value.removeprefix("Rp")):
                raise ReportError(_("%(field)s harus berupa angka.", field=_(field.label)))
            value = str(int(digits))
        cleaned[field.key] = value
    return cleaned


# -- finalising and sending ----------------------------------------------------------------------


def finalise(workflow: Workflow, year: int, *, by: User, reason: str = "") -> ReportVersion:
    """Freeze the six sections of ``year`` as its next version; from the second on, ``reason`` is required.

    The year must have ended: section C counts a whole year's requests. The texts are frozen in Bahasa
    Indonesia, the language of the official document.
    """
    if year >= workflow.today().year:
        raise ReportError(_("Laporan tahun %(year)s baru dapat difinalisasi setelah tahun itu berakhir.", year=year))
    session = workflow.session
    previous = find_version(session, year)
    reason = reason.strip()
    if previous is not None and not reason:
        raise ReportError(_("Versi baru memerlukan alasan penerbitannya."))
    with language("id"):
        figures = annual_report(workflow, year=year, scope=None, scope_label=_(REGION))
    content = {"profile": profile(session), "texts": year_texts(session, year),
               "figures": dataclasses.asdict(figures), "finalised_on": workflow.today().isoformat()}
    version = ReportVersion(year=year, version=previous.version + 1 if previous else 1, content=content,
                            reason=reason or None, finalised_by=by.username, finalised_at=workflow.clock())
    session.add(version)
    return version


def ki_deadline(year: int) -> date:
    """Last day to send the copy of ``year``'s report: 31 March of the next year (three months after it ends)."""
    return date(year + 1, KI_COPY_MONTHS, 31)


@dataclass(frozen=True)
class KiReminder:
    year: int
    deadline: date
    finalised: bool
    overdue: bool


def ki_copy_due(session: Session, today: date) -> KiReminder | None:
    """The reminder for last year's report while its copy to the Komisi Informasi is not recorded as sent.

    Only when the platform kept that year's records (a request received by its end, or a version finalised): a
    pemda that starts using it in March is not told its previous report, written elsewhere, is overdue here.
    """
    year = today.year - 1
    if session.scalar(select(KiCopy.id).where(KiCopy.year == year).limit(1)) is not None:
        return None
    kept = session.scalar(select(Permohonan.id).where(Permohonan.year <= year).limit(1)) is not None
    if not kept and find_version(session, year) is None:
        return None
    return KiReminder(year=year, deadline=ki_deadline(year), finalised=find_version(session, year) is not None,
                      overdue=today > ki_deadline(year))


def ki_copies(session: Session, year: int) -> list[tuple[KiCopy, int]]:
    """The copies of ``year`` recorded as sent, with the version each was, the first first."""
    rows = session.execute(select(KiCopy, ReportVersion.version)
                           .join(ReportVersion, ReportVersion.id == KiCopy.version_id)
                           .where(KiCopy.year == year).order_by(KiCopy.id))
    return [(copy, number) for copy, number in rows]


def record_ki_copy(workflow: Workflow, year: int, *, sent_on: date, method: str, by: User) -> KiCopy:
    """Record that the latest finalised version of ``year`` went to the Komisi Informasi on ``sent_on``."""
    version = find_version(workflow.session, year)
    if version is None:
        raise ReportError(_("Finalisasi laporan tahun %(year)s sebelum mengirim salinannya.", year=year))
    if not date(year + 1, 1, 1) <= sent_on <= workflow.today():
        raise ReportError(_("Tanggal pengiriman harus setelah tahun %(year)s berakhir dan tidak di masa depan.",
                            year=year))
    method = method.strip()
    if not method or len(method) > 200:
        raise ReportError(_("Tuliskan cara pengiriman (paling banyak 200 karakter)."))
    copy = KiCopy(version_id=version.id, year=year, sent_on=sent_on, method=method, recorded_by=by.username,
                  recorded_at=workflow.clock())
    workflow.session.add(copy)
    return copy
