"""The administrators' changes to the working calendar, kept in the database (``permohonan_kalender``).

The ``holidays`` package knows the national holidays and cuti bersama as decreed when it was released; a
later SKB 3 Menteri, a regional holiday or an office closure is added here, and a listed holiday that a
decree moved is marked a working day. The deadline calculator (:mod:`ppid.permohonan.deadlines`) gets
them through :func:`calendar_with_entries`. Deadlines are derived on every read (:mod:`status`), so a
change moves the deadlines of every open request at once; a notice already sent keeps the deadline it
was given under (stored in its event).

The calendar is built once per process and kept (:func:`cached_calendar`) until the table changes: every
edit writes a new random stamp into ``permohonan_kalender_versi`` in the same transaction, and a request
only reads that one row to know whether its process's copy is still current. A random stamp, not a
counter, so that a restored or recreated database can never match a stamp seen before.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections import OrderedDict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.permohonan.deadlines import WorkingCalendar, format_day
from ppid.permohonan.models import CalendarEntry, CalendarVersion, HolidayKind

log = logging.getLogger(__name__)
MAX_NAME = 200
VERSION_ROW = 1
_CACHE_SIZE = 16
_cache: OrderedDict[tuple[str, int], tuple[WorkingCalendar, str | None, WorkingCalendar]] = OrderedDict()
_cache_lock = threading.Lock()


class CalendarEntryError(ValueError):
    """The change cannot be made; the message says why, in Bahasa Indonesia."""


def active_entries(session: Session) -> list[CalendarEntry]:
    return list(session.scalars(
        select(CalendarEntry).where(CalendarEntry.removed_at.is_(None)).order_by(CalendarEntry.day)
    ))


def removed_entries(session: Session, limit: int = 50) -> list[CalendarEntry]:
    return list(session.scalars(
        select(CalendarEntry).where(CalendarEntry.removed_at.is_not(None))
        .order_by(CalendarEntry.removed_at.desc()).limit(limit)
    ))


def calendar_with_entries(session: Session, base: WorkingCalendar) -> WorkingCalendar:
    """``base`` (the package and the config) with the administrators' entries on top; entries win."""
    entries = active_entries(session)
    if not entries:
        return base
    added = {entry.day: entry.name for entry in entries if entry.kind == HolidayKind.HOLIDAY}
    working = {entry.day for entry in entries if entry.kind == HolidayKind.WORKING_DAY}
    return dataclasses.replace(
        base,
        extra_holidays={**{day: name for day, name in base.extra_holidays.items() if day not in working}, **added},
        extra_working_days=(set(base.extra_working_days) - set(added)) | working,
    )


_VERSION = select(CalendarVersion.__table__.c.version).where(CalendarVersion.__table__.c.id == VERSION_ROW)


def calendar_version(session: Session) -> str | None:
    """The stamp of the holiday table as ``session`` sees it; None before the first migration that keeps one."""
    return session.connection().scalar(_VERSION)  # Core: the ORM's execution path cost more than the query


STAMP = _VERSION.scalar_subquery().label("kalender_versi")
"""The stamp as a column, for a statement the request runs anyway (a filing's number, a tracking page's request):
read with it, it costs no round trip of its own (issue 17); pass the value read to :func:`cached_calendar`."""
UNREAD = object()
"""``cached_calendar``'s ``version`` when the caller has not read the stamp (None is a stamp: no row)."""


def cached_calendar(session: Session, base: WorkingCalendar, version: str | object | None = UNREAD
                    ) -> WorkingCalendar:
    """:func:`calendar_with_entries`, built once per process and database and reused while the stamp is unchanged.

    The stamp is read before the entries: an edit committed in between leaves a newer stamp in the database
    than the one cached, so the next call rebuilds (the other order could keep a stale calendar for good).
    No stamp row at all (a database emptied by ``TRUNCATE``) is a stamp too: every edit writes the row.
    ``version`` is the stamp when the caller read it already in this transaction (:data:`STAMP`).
    """
    key = (session.get_bind().url.render_as_string(hide_password=False), id(base))
    if version is UNREAD:
        version = calendar_version(session)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] is base and cached[1] == version:
            _cache.move_to_end(key)
            return cached[2]
    calendar = calendar_with_entries(session, base)
    with _cache_lock:
        _cache[key] = (base, version, calendar)
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return calendar


def _table_changed(session: Session) -> None:
    """A new stamp in the edit's own transaction: every process rebuilds its calendar once the edit commits."""
    stamp = session.get(CalendarVersion, VERSION_ROW)
    if stamp is None:
        session.add(CalendarVersion(id=VERSION_ROW, version=uuid.uuid4().hex, changed_at=utcnow()))
    else:
        stamp.version, stamp.changed_at = uuid.uuid4().hex, utcnow()


def add_entry(session: Session, *, day: date | None, kind: str, name: str, user: User) -> CalendarEntry:
    """Record a holiday or a working day; one active entry per date."""
    errors = []
    if day is None:
        errors.append(_("Isi tanggal dengan format TTTT-BB-HH."))
    try:
        kind = HolidayKind(kind)
    except ValueError:
        errors.append(_("Pilih jenis: hari libur atau hari kerja."))
    name = name.strip()
    if not name:
        errors.append(_("Tulis nama hari libur atau dasar hukumnya (misalnya nomor SKB)."))
    elif len(name) > MAX_NAME:
        errors.append(_("Nama paling banyak %(n)s karakter.", n=MAX_NAME))
    if errors:
        raise CalendarEntryError(" ".join(errors))
    if any(entry.day == day for entry in active_entries(session)):
        raise CalendarEntryError(_("Tanggal %(date)s sudah ada dalam daftar; hapus dulu entri yang lama.",
                                   date=format_day(day)))
    entry = CalendarEntry(day=day, kind=kind, name=name, added_by=user.username, added_at=utcnow())
    session.add(entry)
    _table_changed(session)
    session.flush()
    log.info("calendar entry %s (%s) added by %s", day.isoformat(), kind.value, user.username)
    return entry


def remove_entry(session: Session, entry_id: int, *, user: User) -> CalendarEntry:
    """Mark an entry removed; it stays on record with who removed it and when."""
    entry = session.get(CalendarEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        raise CalendarEntryError(_("Entri kalender itu tidak ada atau sudah dihapus."))
    entry.removed_at, entry.removed_by = utcnow(), user.username
    _table_changed(session)
    session.flush()
    log.info("calendar entry %s removed by %s", entry.day.isoformat(), user.username)
    return entry
