"""The one deadline calculator: Indonesian working days (hari kerja) and the UU KIP time limits.

Every deadline of the request module goes through :class:`WorkingCalendar`; nothing else counts days.

Counting conventions (kip-rules §7.2; their legal basis is unconfirmed [U], hence configurable):

1. Day 0 is the day of receipt. Day 1 is the first working day *after* it ("sejak diterimanya"), so
   "10 hari kerja" ends on the 10th working day after receipt, and that whole day is still on time.
2. A request received on a non-working day, or after the office closes, counts as received on the next
   working day (``office_closes_at``, ``roll_non_working_receipt``); the true timestamp is kept as well.
3. Working days are Monday to Friday (Perpres 21/2023 Pasal 3) minus national public holidays and,
   by default, cuti bersama (both from the ``holidays`` package, categories PUBLIC and GOVERNMENT),
   minus any extra closures passed in (cuti bersama added by a later SKB 3 Menteri, regional holidays),
   plus any dates passed in as working days after all (a holiday the package has but the government
   moved). Whether cuti bersama stops the KIP clock is [U] (kip-rules §7.1): ``cuti_bersama_is_holiday``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_date

from ppid.i18n import _, format_moment, get_language

NOTICE_WORKING_DAYS = 10
"""UU KIP Pasal 22(7): the written notice (pemberitahuan tertulis) within 10 working days of receipt."""
MAX_EXTENSION_WORKING_DAYS = 7
"""UU KIP Pasal 22(8): one extension of at most 7 further working days, with written reasons."""
OBJECTION_FILING_WORKING_DAYS = 30
"""UU KIP Pasal 36(1): an objection is filed within 30 working days after its ground is found."""
OBJECTION_ANSWER_WORKING_DAYS = 30
"""UU KIP Pasal 36(2): the atasan PPID answers within 30 working days of receiving the objection."""
DISPUTE_FILING_WORKING_DAYS = 14
"""UU KIP Pasal 37(2): a dispute goes to the Komisi Informasi within 14 working days of the answer."""
DISPUTE_START_WORKING_DAYS = 14
"""UU KIP Pasal 38(1): the Komisi Informasi starts mediation and/or adjudication within 14 working days of
receiving the dispute."""
DISPUTE_SETTLEMENT_WORKING_DAYS = 100
"""UU KIP Pasal 38(2): the Komisi Informasi settles the dispute within 100 working days."""
COURT_FILING_DAYS = 14
"""UU KIP Pasal 47-48: a party takes the Komisi Informasi's adjudication to court (PTUN or PN) within 14 days."""

WEEKEND = frozenset({5, 6})  # Saturday, Sunday (Perpres 21/2023 Pasal 3: five working days, Monday-Friday)
_SEARCH_LIMIT = 3660  # ten years of days: a calendar with no working day at all is a configuration error
_HOLIDAY_LANGUAGES = {"id": "id", "en": "en_US"}


class CalendarError(ValueError):
    """The calendar cannot answer (e.g. it has no working day at all); the message says why."""


@dataclass(frozen=True)
class Receipt:
    """When a request legally counts as received: the day 0 of its deadlines."""

    received_at: datetime
    """The true moment of receipt (timezone-aware), always kept."""
    day: date
    """Day 0 for counting working days."""
    rolled: bool
    """True when ``day`` is later than the local calendar date of ``received_at``."""
    reason: str | None = None
    """Why the day was rolled forward, for the receipt page."""


class _Watched(dict):
    """A dict that calls ``changed`` after every change made in place (copies and pickles call nothing)."""

    def __init__(self, items: Mapping[date, str] = (), changed: Callable[[], None] | None = None) -> None:
        super().__init__(items)
        self._changed = changed or _nothing

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)

    def _after(name: str) -> Callable[..., Any]:
        def method(self: _Watched, *args: Any, **kwargs: Any) -> Any:
            result = getattr(dict, name)(self, *args, **kwargs)
            self._changed()
            return result
        return method

    __setitem__ = _after("__setitem__")
    __delitem__ = _after("__delitem__")
    __ior__ = _after("__ior__")
    update = _after("update")
    pop = _after("pop")
    popitem = _after("popitem")
    setdefault = _after("setdefault")
    clear = _after("clear")
    del _after


def _nothing() -> None:
    pass


_DAY_FIELDS = frozenset({"extra_holidays", "extra_working_days", "cuti_bersama_is_holiday"})


@dataclass
class WorkingCalendar:
    """Working days of one body, in its local time zone.

    ``extra_holidays`` maps dates to a name (e.g. cuti bersama of a new SKB 3 Menteri, a regional
    holiday, an ad-hoc closure); ``extra_working_days`` overrides dates the ``holidays`` package lists.
    """

    timezone: str = "Asia/Jakarta"
    office_closes_at: time | None = time(16, 0)
    roll_non_working_receipt: bool = True
    cuti_bersama_is_holiday: bool = True
    extra_holidays: Mapping[date, str] = field(default_factory=dict)
    extra_working_days: Iterable[date] = ()

    def __post_init__(self) -> None:
        self._working: dict[date, bool] = {}
        """Whether each day asked about is a working day: a deadline counts the same days again and again (a tracking
        page asked about a hundred), and the answer does not depend on the interface language. Forgotten whenever
        the holidays or working days change, even in place."""
        self.zone = ZoneInfo(self.timezone)
        self.extra_holidays = _Watched(self.extra_holidays, self._working.clear)
        self.extra_working_days = frozenset(self.extra_working_days)

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name in _DAY_FIELDS and "_working" in self.__dict__:
            self._working.clear()

    def __setstate__(self, state: dict[str, Any]) -> None:  # a copy or an unpickled calendar watches its own days
        self.__dict__.update(state)
        self.__dict__["_working"] = {}
        self.extra_holidays = _Watched(self.extra_holidays, self._working.clear)

    # -- single days ---------------------------------------------------------------------------

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday or closure on ``day`` (not a plain weekend), or None."""
        if day in self.extra_working_days:
            return None
        return self.extra_holidays.get(day) or self._holidays(day.year).get(day)

    def non_working_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day (holiday name, "Sabtu", ...), or None for a working day."""
        if day in self.extra_working_days:
            return None
        holiday = self.holiday_name(day)
        if holiday is not None:
            return holiday
        if day.weekday() in WEEKEND:
            return _("Sabtu") if day.weekday() == 5 else _("Minggu")
        return None

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = self.non_working_reason(day) is None
        return working

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    # -- counting ------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (day 0 = ``start``, which need not be a working day)."""
        if n < 0:
            raise CalendarError(_("Jumlah hari kerja tidak boleh negatif."))
        day, counted = start, 0
        for _step in range(_SEARCH_LIMIT):
            if counted == n:
                return day
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        raise CalendarError(_("Kalender kerja tidak memiliki hari kerja dalam sepuluh tahun; periksa pengaturannya."))

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end`` (negative if ``end`` is earlier).

        ``add_working_days(start, working_days_between(start, end)) <= end`` always holds; it is how
        "days left" and paused periods are counted, with the same convention as the deadlines.
        """
        if end < start:
            return -self.working_days_between(end, start)
        days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    def skipped_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Non-working days after ``start`` up to ``end`` with their reasons: how a deadline was computed."""
        days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
        return [(day, reason) for day in days if (reason := self.non_working_reason(day)) is not None]

    # -- receipt -------------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        """The calendar date of ``moment`` in this body's time zone (deadlines compare dates only)."""
        return self.local_time(moment).date()

    def local_time(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise CalendarError("naive datetime given to WorkingCalendar")
        return moment.astimezone(self.zone)

    def receipt(self, received_at: datetime) -> Receipt:
        """Day 0 of a request received at ``received_at`` (kip-rules §7.2(2) [U]: after hours rolls forward)."""
        local = self.local_time(received_at)
        day = local.date()
        if self.roll_non_working_receipt and not self.is_working_day(day):
            reason = _("diterima pada hari libur (%(reason)s)", reason=self.non_working_reason(day))
            return Receipt(received_at, self.next_working_day(day), rolled=True, reason=reason)
        if self.office_closes_at is not None and local.time() >= self.office_closes_at:
            reason = _("diterima setelah jam layanan (%(time)s)", time=self.office_closes_at.strftime("%H.%M"))
            return Receipt(received_at, self.next_working_day(day), rolled=True, reason=reason)
        return Receipt(received_at, day, rolled=False)

    def format_moment(self, moment: datetime) -> str:
        """``16 Maret 2026, 09.05 WIB``: a moment in this body's local time, in the interface language."""
        return format_moment(moment, self.timezone)

    # -- holiday data --------------------------------------------------------------------------

    def _holidays(self, year: int) -> dict[date, str]:
        """Public holidays (+ cuti bersama) of ``year``, named in the interface language."""
        return _package_holidays(year, _HOLIDAY_LANGUAGES.get(get_language(), "id"), self.cuti_bersama_is_holiday)

    def package_holidays(self, year: int) -> dict[date, str]:
        """What the ``holidays`` package lists for ``year`` (for the calendar page), before any local change."""
        return self._holidays(year)


@functools.lru_cache(maxsize=64)
def _package_holidays(year: int, language: str, cuti_bersama: bool) -> dict[date, str]:
    """Built once per year and language for the whole process: calendars are made per request (local changes)."""
    categories = ("public", "government") if cuti_bersama else ("public",)
    return dict(holidays.country_holidays("ID", years=year, categories=categories, language=language).items())


def format_day(day: date, *, weekday: bool = False) -> str:
    """``Selasa, 7 April 2026`` (or ``7 April 2026``) in the interface language, for notices and pages."""
    return _formatted_day(day, weekday, get_language())


@functools.lru_cache(maxsize=4096)
def _formatted_day(day: date, weekday: bool, language: str) -> str:
    """Remembered: a tracking page or a filing's e-mail writes the same few deadlines again and again, and Babel
    looks its locale data up anew for each (issue 17)."""
    return format_date(day, format="EEEE, d MMMM y" if weekday else "d MMMM y", locale=language)


def receipt_explanation(receipt: Receipt, calendar: WorkingCalendar) -> str | None:
    """Why a request counts as received later than it arrived, in one sentence shared by the receipt page, its PDF,
    the tracking page and the e-mail, so that every count the requester sees starts from the same day 0."""
    if not receipt.rolled:
        return None
    return _("Permohonan dianggap diterima pada hari kerja berikutnya, %(day)s, karena %(reason)s; waktu "
             "sebenarnya tetap dicatat: %(moment)s. Hari itu adalah hari ke-0: %(n)s hari kerja dihitung "
             "sesudahnya.", day=format_day(receipt.day, weekday=True), reason=receipt.reason,
             moment=calendar.format_moment(receipt.received_at), n=NOTICE_WORKING_DAYS)


def add_working_days(start_date: date, n: int, calendar: WorkingCalendar) -> date:
    """The ``n``-th working day after ``start_date`` in ``calendar`` (day 0 = ``start_date``)."""
    return calendar.add_working_days(start_date, n)


def notice_due(receipt_day: date, calendar: WorkingCalendar, *, extension_days: int = 0, paused_days: int = 0) -> date:
    """Last day for the written notice: 10 working days (Pasal 22(7)) + the extension (Pasal 22(8)).

    ``paused_days`` are working days the requester held the file (only when pausing is configured).
    """
    if not 0 <= extension_days <= MAX_EXTENSION_WORKING_DAYS:
        raise CalendarError(
            _("Perpanjangan paling lama %(n)s hari kerja (Pasal 22 ayat (8)).", n=MAX_EXTENSION_WORKING_DAYS)
        )
    return calendar.add_working_days(receipt_day, NOTICE_WORKING_DAYS + paused_days + extension_days)


def objection_window_end(ground_day: date, calendar: WorkingCalendar) -> date:
    """Last day to file an objection (Pasal 36(1)): 30 working days after the day the ground arose.

    For a notice, ``ground_day`` is the notice date. For a missed deadline it is the last day of that
    deadline, so the first day late is day 1 (kip-rules §7.4 worked examples; the start point is [U]).
    """
    return calendar.add_working_days(ground_day, OBJECTION_FILING_WORKING_DAYS)


def dispute_milestones(ki_receipt_day: date, calendar: WorkingCalendar, *, settlement_from_start: bool = False
                       ) -> tuple[date, date, date]:
    """The Komisi Informasi's own deadlines (Pasal 38): ``(start_by, settlement_day_zero, settle_by)``.

    Mediation or adjudication starts within 14 working days of the KI's receipt (Pasal 38(1)). Settlement takes
    at most 100 working days (Pasal 38(2)), counted from that receipt (kip-rules D9); the start point is
    unconfirmed [U], so ``settlement_from_start`` counts them from the last day to start instead.
    """
    start_by = calendar.add_working_days(ki_receipt_day, DISPUTE_START_WORKING_DAYS)
    day_zero = start_by if settlement_from_start else ki_receipt_day
    return start_by, day_zero, calendar.add_working_days(day_zero, DISPUTE_SETTLEMENT_WORKING_DAYS)


def court_filing_deadline(ki_decision_day: date) -> date:
    """Last day to take the Komisi Informasi's adjudication to court (UU KIP Pasal 47-48).

    Whether these 14 days are working or calendar days is unconfirmed [U] (kip-rules §2.6, §11.5), and the day
    the requester received the decision is not recorded. This is the one place that decides: 14 *calendar* days
    from the date of the decision, the earliest date either reading could give (kip-rules §7.2(4): show the
    requester the earliest plausible deadline). A requester who keeps to it is on time under both readings; a
    later date, if the working-day reading is right, would cost nothing but could cost the right if it is not.
    """
    return ki_decision_day + timedelta(days=COURT_FILING_DAYS)
