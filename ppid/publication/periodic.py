"""Periodic information (UU 14/2008 Pasal 9): what each dinas must refresh, by when, and who is told when it is late.

The schedule is read from the catalogue, so it is the same for the embedded catalogue and a real CKAN: a
package whose extra ``kategori_informasi`` is ``berkala`` must be refreshed every ``periode_bulan`` months
(at most 6, Pasal 9(4)), counted from its last change (``metadata_modified``: the publisher writes a
package only when something in it differs, so an unchanged harvest does not reset the clock), or from the
date its source says it was last refreshed (extra ``tanggal_pembaruan``, from ``config/dinas.yaml``). Whether an
item is late is computed on every read, never stored. What is stored is only that the officers were told
about an item for one due date (``periodic_overdue_flag``), so the check can run every hour and each item
is flagged once per period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Date, Integer, String, UniqueConstraint, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.accounts.models import Role, RoleGrant, User
from ppid.catalogue.models import JENIS_DOKUMEN
from ppid.db import Base, UtcDateTime, utcnow
from ppid.i18n import _
from ppid.mail import write_outbox
from ppid.permohonan.deadlines import format_day
from ppid.platform import Platform
from ppid.publishing.client import CatalogueClient, open_catalogue
from ppid.uploader.models import Notice

log = logging.getLogger(__name__)
#: The classification extras p-registers writes on every catalogue package.
CATEGORY_KEY = "kategori_informasi"
PERIOD_KEY = "periode_bulan"
REFRESHED_KEY = "tanggal_pembaruan"
BERKALA = "berkala"
EXEMPT = "dikecualikan"
MAX_PERIOD_MONTHS = 6
SCHEDULE_PATH = "/informasi-berkala"
CATEGORY = "publikasi.berkala"
PAGE = 500


@dataclass(frozen=True)
class Scheduled:
    """One berkala item: when it was last refreshed and by when it must be refreshed again."""

    name: str
    title: str
    dinas_slug: str
    period_months: int
    refreshed_on: date
    due_on: date
    document: bool

    def overdue(self, today: date) -> bool:
        return today > self.due_on

    @property
    def path(self) -> str:
        return f"/dokumen/{self.name}" if self.document else f"/dataset/{self.name}"


class OverdueFlag(Base):
    """The officers were told that ``package_name`` was late for ``due_on``; the unique row stops a second telling."""

    __tablename__ = "periodic_overdue_flag"
    __table_args__ = (UniqueConstraint("package_name", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_name: Mapped[str] = mapped_column(String(200))
    dinas_slug: Mapped[str] = mapped_column(String(100), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    flagged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def extras(package: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package.get("extras") or []}


def exempt(package: dict[str, Any]) -> bool:
    """Classified dikecualikan (Pasal 17): never in a schedule, a feed or any other public list."""
    return extras(package).get(CATEGORY_KEY) == EXEMPT


def scheduled(package: dict[str, Any], zone: str) -> Scheduled | None:
    """The package's place in the schedule, or None when it is not berkala (or its period is unreadable)."""
    values = extras(package)
    if values.get(CATEGORY_KEY) != BERKALA or not package.get("organization"):
        return None
    try:
        period = int(values.get(PERIOD_KEY, MAX_PERIOD_MONTHS))
    except ValueError:
        period = MAX_PERIOD_MONTHS
    period = min(max(period, 1), MAX_PERIOD_MONTHS)  # the law's ceiling holds whatever a catalogue says
    refreshed = refreshed_on(package, values, zone)
    return Scheduled(name=package["name"], title=package.get("title") or package["name"],
                     dinas_slug=package["organization"]["name"], period_months=period, refreshed_on=refreshed,
                     due_on=refreshed + relativedelta(months=period), document=values.get("jenis") == JENIS_DOKUMEN)


def refreshed_on(package: dict[str, Any], values: dict[str, str], zone: str) -> date:
    """The source's own date of the last refresh when it states one (``tanggal_pembaruan``: a file harvested long
    after it was last updated), else the day of the package's last change in the pemda's time zone."""
    try:
        return date.fromisoformat(values[REFRESHED_KEY])
    except (KeyError, ValueError):
        pass
    changed = datetime.fromisoformat(package["metadata_modified"])
    return (changed if changed.tzinfo else changed.replace(tzinfo=ZoneInfo("UTC"))).astimezone(ZoneInfo(zone)).date()


def schedule(client: CatalogueClient, zone: str, *, dinas: set[str] | None = None) -> list[Scheduled]:
    """Every berkala item the public can see, of ``dinas`` (None: all), the soonest due first."""
    items = [item for package in _berkala_packages(client) if (item := scheduled(package, zone)) is not None]
    if dinas is not None:
        items = [item for item in items if item.dinas_slug in dinas]
    return sorted(items, key=lambda item: (item.due_on, item.dinas_slug, item.title))


def public_schedule(platform: Platform, *, dinas: set[str] | None = None) -> list[Scheduled]:
    """:func:`schedule` read as the public reads the catalogue (never a withdrawn, private package)."""
    client = open_catalogue(platform, anonymous=True)
    try:
        return schedule(client, platform.settings.time_zone, dinas=dinas)
    finally:
        client.close()


def _berkala_packages(client: CatalogueClient) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        result = client.call_action("package_search", {"q": "", "fq": f'{CATEGORY_KEY}:"{BERKALA}"', "rows": PAGE,
                                                        "start": start, "sort": "name asc"})
        yield from result["results"]
        start += PAGE
        if start >= result["count"] or not result["results"]:
            return


def today_in(zone: str, clock: Callable[[], datetime] = utcnow) -> date:
    return clock().astimezone(ZoneInfo(zone)).date()


def periodic_job() -> int:
    """Entry point for a scheduler: same as ``ppid berkala``."""
    from ppid.platform import job_platform

    return flag_overdue(job_platform())


def flag_overdue(platform: Platform, *, clock: Callable[[], datetime] = utcnow) -> int:
    """Tell the officers and administrators of each late item's dinas, once per item and due date, by a notice
    on their desk and an e-mail (none for an officer who chose the daily digest: it lists the notice).
    Returns how many items were flagged now; running it again flags nothing new."""
    zone = platform.settings.time_zone
    today = today_in(zone, clock)
    late = [item for item in public_schedule(platform) if item.overdue(today)]
    flagged = 0
    public_url = platform.settings.public_url.rstrip("/")
    with platform.database.session() as session:
        for item in late:
            try:
                with session.begin_nested():  # another run flagged it first: skip it
                    session.add(OverdueFlag(package_name=item.name, dinas_slug=item.dinas_slug, due_on=item.due_on))
            except IntegrityError:
                continue
            _tell(session, platform, item, public_url)
            flagged += 1
    log.info("periodic information: %s items flagged overdue", flagged)
    return flagged


def flagged(session: Session, name: str, due_on: date) -> bool:
    return session.scalar(select(OverdueFlag.id).where(OverdueFlag.package_name == name,
                                                       OverdueFlag.due_on == due_on)) is not None


def _tell(session: Session, platform: Platform, item: Scheduled, public_url: str) -> None:
    dinas = platform.registry.get(item.dinas_slug)
    message = _("Informasi berkala “%(title)s” (%(dinas)s) seharusnya diperbarui paling lambat %(date)s "
                "(setiap %(n)s bulan, UU 14/2008 Pasal 9); terakhir diperbarui %(last)s.",
                title=item.title, dinas=dinas.name if dinas else item.dinas_slug, date=format_day(item.due_on),
                n=item.period_months, last=format_day(item.refreshed_on))
    path = f"{SCHEDULE_PATH}?dinas={item.dinas_slug}"
    for officer in _recipients(session, item.dinas_slug):
        session.add(Notice(user_id=officer.id, path=path, message=message))
        if officer.email and not officer.daily_digest:
            write_outbox(session, platform, to=officer.email,
                         subject=_("Informasi berkala terlambat: %(title)s", title=item.title),
                         body=f"{message}\n\n{public_url}{item.path}\n{public_url}{path}\n",
                         category=CATEGORY, reference=f"berkala-{item.name}-{item.due_on.isoformat()}")


def _recipients(session: Session, dinas_slug: str) -> list[User]:
    """The dinas's officers (petugas) and administrators, and the region-wide administrators."""
    return list(session.scalars(
        select(User).join(RoleGrant).where(
            or_(RoleGrant.role == Role.ADMIN,
                (RoleGrant.role == Role.OFFICER) & (RoleGrant.dinas_slug == dinas_slug)),
            or_(RoleGrant.dinas_slug.is_(None), RoleGrant.dinas_slug == dinas_slug),
            User.is_active.is_(True),
        ).distinct().order_by(User.id)))
