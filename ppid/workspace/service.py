"""What needs this officer today: one query over every area, for every role the officer holds.

The workspace page and the daily digest read the same answer, so an officer never sees one count on the
page and another in the e-mail. Deadlines come from the request module's one calculator (``Workflow``),
"due soon" uses the reminders' window (``permohonan.reminders.working_days_before``), and every count is
limited to the dinas the officer's grants cover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ppid.accounts.models import Role, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.models import EventKind, Permohonan, PermohonanEvent
from ppid.permohonan.notices import OFFICER_PATH
from ppid.permohonan.service_report import ki_copy_due
from ppid.permohonan.status import Status
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import FailedItem, FileState, HarvestRun, ItemOutcome, TrackedFile
from ppid.platform import Platform
from ppid.publication import dik, periodic
from ppid.publication.holds import HoldStatus, PersonalDataHold
from ppid.uploader import notices
from ppid.uploader.models import Draft, DraftStatus, Notice

#: At most this many direct links per task; the task's own link leads to the whole list.
ITEMS_SHOWN = 5
UPLOADER_PATH = "/unggah/"
DRAFT_PATH = "/unggah/draf/{id}"
REPORT_PATH = "/laporan/{id}"
REQUESTS_PATH = "/permohonan/petugas/"
RUN_PATH = "/admin/pemanenan/{id}"
SERVICE_REPORT_PATH = "/admin/laporan-layanan/{year}"
DIK_PATH = "/petugas/informasi-dikecualikan"
PERSONAL_DATA_PATH = "/petugas/data-pribadi"
#: The outcomes of a run's files that leave the dinas something to fix.
PROBLEMS = (ItemOutcome.INVALID, ItemOutcome.FAILED, ItemOutcome.SOURCE_FAILED)


class Area:
    """The officer areas a role opens; the navigation shows exactly these (``areas``)."""

    WORKSPACE = "workspace"
    UPLOADER = "uploader"
    REQUESTS = "requests"
    ANNOUNCEMENTS = "announcements"
    HARVEST = "harvest"
    PUBLICATION = "publication"
    ACCOUNTS = "accounts"
    PROFILE = "profile"


@dataclass(frozen=True)
class Link:
    label: str
    path: str


@dataclass(frozen=True)
class Task:
    """One kind of work waiting for the officer: how many, where the list is, and the first few directly."""

    key: str
    role: Role
    title: str
    count: int
    path: str
    items: tuple[Link, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class LastRun:
    """The last harvest run, told as the officer needs it: how it ended and what it left to fix."""

    status: str
    finished: bool
    started_at: datetime
    problems: int
    path: str | None


@dataclass(frozen=True)
class Workspace:
    user: User
    today: date
    tasks: list[Task] = field(default_factory=list)
    last_run: LastRun | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """How many things wait for the officer, over every task (the digest's subject line)."""
        return sum(task.count for task in self.tasks)


def holds(user: User, *roles: Role) -> bool:
    """Whether any grant, for a dinas or region-wide, gives one of ``roles``."""
    return any(grant.role in roles for grant in user.grants)


def scope(user: User, *roles: Role) -> set[str] | None:
    """The dinas whose work ``roles`` give ``user``: None for the whole region, an empty set for none."""
    slugs: set[str] = set()
    for grant in user.grants:
        if grant.role in roles:
            if grant.dinas_slug is None:
                return None
            slugs.add(grant.dinas_slug)
    return slugs


def areas(user: User) -> list[str]:
    """The officer areas the user's roles open, in the navigation's order."""
    opened = [Area.WORKSPACE]
    if holds(user, Role.OFFICER, Role.WALIDATA, Role.ADMIN):
        opened.append(Area.UPLOADER)
    if holds(user, Role.OFFICER, Role.ATASAN, Role.ADMIN):
        opened.append(Area.REQUESTS)
    if holds(user, Role.OFFICER, Role.ADMIN):  # serta-merta announcements, for their dinas
        opened.append(Area.ANNOUNCEMENTS)
    if holds(user, Role.ADMIN, Role.WALIDATA):
        opened.append(Area.HARVEST)
    if holds(user, Role.OFFICER, Role.WALIDATA, Role.ADMIN):  # the DIP, the DIK and (walidata) classification
        opened.append(Area.PUBLICATION)
    if user.has_role(Role.ADMIN):  # accounts are managed by region-wide administrators only
        opened.append(Area.ACCOUNTS)
    opened.append(Area.PROFILE)
    return opened


def what_needs(session: Session, platform: Platform, user: User, *,
               clock: Callable[[], datetime] = utcnow) -> Workspace:
    """Everything waiting for ``user`` today, one task per kind of work their roles give them."""
    config = PermohonanConfig.from_settings(platform.settings)
    workflow = Workflow(session, config, platform.registry, clock=clock)
    tasks: list[Task] = []
    if holds(user, Role.OFFICER, Role.ADMIN):
        tasks.append(_requests_due(workflow, scope(user, Role.OFFICER, Role.ADMIN), config.reminder_working_days))
    if holds(user, Role.ATASAN):
        tasks.append(_objections_waiting(workflow, scope(user, Role.ATASAN)))
    if holds(user, Role.WALIDATA, Role.ADMIN):
        tasks.append(_drafts(session, scope(user, Role.WALIDATA, Role.ADMIN), DraftStatus.SUBMITTED, Role.WALIDATA))
    if holds(user, Role.OFFICER):
        tasks.append(_drafts(session, scope(user, Role.OFFICER), DraftStatus.RETURNED, Role.OFFICER))
    if holds(user, Role.OFFICER, Role.ADMIN):
        tasks.append(_harvested_problems(session, scope(user, Role.OFFICER, Role.ADMIN)))
        tasks.append(_exemptions_to_review(session, scope(user, Role.OFFICER, Role.ADMIN), workflow.today()))
        tasks.append(_periodic_late(platform, scope(user, Role.OFFICER, Role.ADMIN), clock))
    if holds(user, Role.WALIDATA, Role.ADMIN):
        tasks.append(_personal_data(session, scope(user, Role.WALIDATA, Role.ADMIN), HoldStatus.HELD, Role.WALIDATA))
    if holds(user, Role.OFFICER):
        tasks.append(_personal_data(session, scope(user, Role.OFFICER), HoldStatus.SENT_BACK, Role.OFFICER))
    if scope(user, Role.ADMIN) is None:  # the region's report: its region-wide administrators
        tasks += _service_report_copy(session, workflow.today())
    last_run = _last_run(session, user) if holds(user, Role.OFFICER, Role.ADMIN, Role.WALIDATA) else None
    return Workspace(user=user, today=workflow.today(), tasks=tasks, last_run=last_run,
                     notices=notices.unread(session, user.id))


def _requests_due(workflow: Workflow, dinas: set[str] | None, within: int) -> Task:
    rows = [(permohonan, status) for permohonan, status in _queue(workflow, dinas)
            if status.notice_owed and status.working_days_left is not None and status.working_days_left <= within]
    items = tuple(
        Link(_("%(number)s: lewat waktu", number=permohonan.number) if status.overdue else
             _("%(number)s: %(n)s hari kerja lagi", number=permohonan.number, n=status.working_days_left),
             OFFICER_PATH.format(id=permohonan.id))
        for permohonan, status in rows[:ITEMS_SHOWN]
    )
    return Task("permohonan", Role.OFFICER,
                _("Permohonan informasi yang jatuh tempo dalam %(n)s hari kerja atau lewat waktu", n=within),
                len(rows), REQUESTS_PATH, items, urgent=any(status.overdue for _p, status in rows))


def _objections_waiting(workflow: Workflow, dinas: set[str] | None) -> Task:
    rows = [(permohonan, status) for permohonan, status in _queue(workflow, dinas)
            if status.objection is not None and status.objection.decided_on is None]
    items = tuple(
        Link(_("%(number)s: jawab paling lambat %(date)s", number=status.objection.keberatan.number,
               date=format_day(status.objection.answer_due)), OFFICER_PATH.format(id=permohonan.id))
        for permohonan, status in rows[:ITEMS_SHOWN]
    )
    return Task("keberatan", Role.ATASAN, _("Keberatan yang menunggu tanggapan Anda"), len(rows), REQUESTS_PATH,
                items, urgent=any(status.objection.overdue for _p, status in rows))


def _service_report_copy(session: Session, today: date) -> list[Task]:
    """Last year's annual report owes a copy to the Komisi Informasi by 31 March (Perki 1/2021 Pasal 56), until
    its sending is recorded; shown from 1 January, urgent once the day has passed."""
    reminder = ki_copy_due(session, today)
    if reminder is None:
        return []
    title = _("Kirim salinan laporan layanan informasi publik tahun %(year)s ke Komisi Informasi paling lambat "
              "%(date)s", year=reminder.year, date=format_day(reminder.deadline))
    step = (_("Catat pengirimannya") if reminder.finalised
            else _("Finalisasi laporan tahun %(year)s, lalu kirim salinannya", year=reminder.year))
    path = SERVICE_REPORT_PATH.format(year=reminder.year)
    return [Task("laporan-ki", Role.ADMIN, title, 1, path, (Link(step, path),), urgent=reminder.overdue)]


def _queue(workflow: Workflow, dinas: set[str] | None) -> list[tuple[Permohonan, Status]]:
    return [] if dinas == set() else workflow.queue(dinas)


def _drafts(session: Session, dinas: set[str] | None, status: DraftStatus, role: Role) -> Task:
    query = select(Draft).where(Draft.status == status).order_by(Draft.updated_at)
    if dinas is not None:
        query = query.where(Draft.dinas_slug.in_(dinas))
    drafts = session.scalars(query).all()
    items = tuple(Link(draft.title, DRAFT_PATH.format(id=draft.id)) for draft in drafts[:ITEMS_SHOWN])
    if status == DraftStatus.SUBMITTED:
        return Task("tinjauan", role, _("Draf dataset yang menunggu tinjauan Anda"), len(drafts), UPLOADER_PATH,
                    items)
    return Task("dikembalikan", role, _("Draf dataset yang dikembalikan walidata untuk diperbaiki"), len(drafts),
                UPLOADER_PATH, items)


def _harvested_problems(session: Session, dinas: set[str] | None) -> Task:
    files = select(TrackedFile).where(TrackedFile.state.in_((FileState.INVALID, FileState.FAILED)))
    failed = select(FailedItem)
    if dinas is not None:
        files = files.where(TrackedFile.dinas_slug.in_(dinas))
        failed = failed.where(or_(*(FailedItem.source_id.startswith(f"{slug}/") for slug in sorted(dinas)), False))
    tracked = session.scalars(files.order_by(TrackedFile.dinas_slug, TrackedFile.key)).all()
    unread = session.scalars(failed.order_by(FailedItem.source_id, FailedItem.key)).all()
    items = [Link(_("%(name)s: tidak valid", name=file.name) if file.state == FileState.INVALID
                  else _("%(name)s: gagal dibaca", name=file.name),
                  REPORT_PATH.format(id=file.report_id) if file.report_id else UPLOADER_PATH) for file in tracked]
    items += [Link(_("%(name)s: gagal diambil", name=item.key), UPLOADER_PATH) for item in unread]
    return Task("berkas", Role.OFFICER, _("Berkas hasil pemanenan dinas yang tidak valid atau gagal"),
                len(items), UPLOADER_PATH, tuple(items[:ITEMS_SHOWN]))


def _personal_data(session: Session, dinas: set[str] | None, status: HoldStatus, role: Role) -> Task:
    """Current versions held for personal data: the walidata decides on the held ones, the dinas fixes the ones
    sent back (an older version's hold no longer counts once a new version came)."""
    query = select(PersonalDataHold).join(TrackedFile, (TrackedFile.source_id == PersonalDataHold.source_id)
                                          & (TrackedFile.key == PersonalDataHold.item_key)
                                          & (TrackedFile.sha256 == PersonalDataHold.sha256)
                                          ).where(PersonalDataHold.status == status)
    if dinas is not None:
        query = query.where(PersonalDataHold.dinas_slug.in_(dinas))
    held = session.scalars(query.order_by(PersonalDataHold.id)).all()
    items = tuple(Link(hold.file_name, PERSONAL_DATA_PATH) for hold in held[:ITEMS_SHOWN])
    if status == HoldStatus.HELD:
        return Task("data-pribadi", role, _("Berkas ditahan karena data pribadi: terbitkan dengan alasan atau "
                                            "kembalikan ke dinas"), len(held), PERSONAL_DATA_PATH, items,
                    urgent=bool(held))
    return Task("data-pribadi-dikembalikan", role, _("Berkas dikembalikan walidata karena memuat data pribadi"),
                len(held), PERSONAL_DATA_PATH, items, urgent=bool(held))


def _exemptions_to_review(session: Session, dinas: set[str] | None, today: date) -> Task:
    """DIK entries whose exemption period has ended: the PPID tests them again or opens them (UU KIP Pasal 20)."""
    due = [entry for entry in dik.entries(session, dinas) if dik.review_due(entry, today)]
    items = tuple(Link(_("%(title)s: berakhir %(date)s", title=entry.public_title, date=format_day(entry.ends_on)),
                       f"{DIK_PATH}/{entry.id}") for entry in due[:ITEMS_SHOWN])
    return Task("dikecualikan", Role.OFFICER,
                _("Informasi dikecualikan yang jangka waktunya berakhir: uji ulang atau buka"), len(due), DIK_PATH,
                items, urgent=bool(due))
def _periodic_late(platform: Platform, dinas: set[str] | None, clock: Callable[[], datetime]) -> Task:
    """Berkala items of the officer's dinas past their refresh date (UU 14/2008 Pasal 9), read from the catalogue."""
    late: list[periodic.Scheduled] = []
    if dinas != set():
        today = periodic.today_in(platform.settings.time_zone, clock)
        late = [item for item in periodic.public_schedule(platform, dinas=dinas) if item.overdue(today)]
    items = tuple(Link(_("%(title)s: seharusnya diperbarui %(date)s", title=item.title, date=format_day(item.due_on)),
                       item.path) for item in late[:ITEMS_SHOWN])
    return Task("berkala", Role.OFFICER, _("Informasi berkala terlambat diperbarui"), len(late),
                periodic.SCHEDULE_PATH, items, urgent=bool(late))


def requests_arrived(session: Session, user: User, since: datetime) -> list[Link]:
    """Requests filed with, or forwarded to, the officer's dinas since ``since``: for an officer on the daily digest,
    what the per-request e-mails would have said (:func:`ppid.permohonan.notices.officer_addresses` leaves them out)."""
    dinas = scope(user, Role.OFFICER, Role.ADMIN)
    if dinas == set():
        return []
    query = (select(Permohonan.id, Permohonan.number, PermohonanEvent.kind)
             .join(PermohonanEvent, PermohonanEvent.permohonan_id == Permohonan.id)
             .where(PermohonanEvent.kind.in_((EventKind.RECEIVED, EventKind.FORWARDED)), PermohonanEvent.at > since)
             .order_by(PermohonanEvent.at))
    if dinas is not None:
        query = query.where(PermohonanEvent.dinas_slug.in_(dinas))
    return [Link(_("%(number)s: diteruskan ke dinas Anda", number=number) if kind == EventKind.FORWARDED
                 else _("%(number)s: permohonan baru", number=number), OFFICER_PATH.format(id=permohonan_id))
            for permohonan_id, number, kind in session.execute(query)]


def _last_run(session: Session, user: User) -> LastRun | None:
    run = session.scalar(select(HarvestRun).order_by(HarvestRun.id.desc()).limit(1))
    if run is None:
        return None
    problems = sum(int(run.counts.get(outcome.value, 0)) for outcome in PROBLEMS)
    path = RUN_PATH.format(id=run.id) if holds(user, Role.ADMIN, Role.WALIDATA) else None
    return LastRun(status=run.status.label, finished=run.finished_at is not None, started_at=run.started_at,
                   problems=problems, path=path)

