"""The working-day calculator: the worked examples of kip-rules §7.4, then the edges around them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ppid.permohonan.deadlines import (
    CalendarError,
    WorkingCalendar,
    add_working_days,
    notice_due,
    objection_window_end,
)

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkingCalendar()

# kip-rules §7.4: received, 10 WD, 17 WD, end of the 30-WD objection window after a missed 17-WD deadline.
WORKED_EXAMPLES = [
    (date(2026, 3, 16), date(2026, 4, 7), date(2026, 4, 16), date(2026, 6, 5)),  # Nyepi / Lebaran block
    (date(2025, 12, 22), date(2026, 1, 8), date(2026, 1, 20), date(2026, 3, 5)),  # Natal and the new year
    (date(2026, 5, 11), date(2026, 5, 29), date(2026, 6, 10), date(2026, 7, 23)),  # Kenaikan, Idul Adha
]


@pytest.mark.parametrize(("received", "due", "_extended", "_objection"), WORKED_EXAMPLES)
def test_written_notice_is_due_ten_working_days_after_receipt(received, due, _extended, _objection) -> None:
    assert notice_due(received, CALENDAR) == due
    assert add_working_days(received, 10, CALENDAR) == due


@pytest.mark.parametrize(("received", "_due", "extended", "_objection"), WORKED_EXAMPLES)
def test_extension_moves_the_notice_to_seventeen_working_days(received, _due, extended, _objection) -> None:
    assert notice_due(received, CALENDAR, extension_days=7) == extended


@pytest.mark.parametrize(("received", "_due", "extended", "objection"), WORKED_EXAMPLES)
def test_objection_window_closes_thirty_working_days_after_a_missed_deadline(received, _due, extended, objection):
    assert objection_window_end(notice_due(received, CALENDAR, extension_days=7), CALENDAR) == objection


def test_extension_longer_than_seven_working_days_is_refused() -> None:
    with pytest.raises(CalendarError, match=r"Pasal 22 ayat \(8\)"):
        notice_due(date(2026, 7, 6), CALENDAR, extension_days=8)


def test_day_of_receipt_is_day_zero_and_the_next_working_day_is_day_one() -> None:
    monday = date(2026, 7, 6)
    assert CALENDAR.add_working_days(monday, 0) == monday
    assert CALENDAR.add_working_days(monday, 1) == date(2026, 7, 7)
    assert CALENDAR.add_working_days(monday, 10) == date(2026, 7, 20)


def test_weekends_are_not_working_days() -> None:
    friday = date(2026, 7, 10)
    assert CALENDAR.add_working_days(friday, 1) == date(2026, 7, 13)
    assert CALENDAR.non_working_reason(date(2026, 7, 11)) == "Sabtu"
    assert CALENDAR.non_working_reason(date(2026, 7, 12)) == "Minggu"


def test_idul_fitri_and_its_cuti_bersama_stop_the_clock() -> None:
    # 2025: cuti bersama 28 Mar, weekend, Idul Fitri 31 Mar + 1 Apr, cuti bersama 2-4 and 7 Apr.
    assert CALENDAR.next_working_day(date(2025, 3, 27)) == date(2025, 4, 8)
    # 2026: cuti bersama 18 Mar, Nyepi 19 Mar, cuti 20 Mar, Idul Fitri on the weekend, cuti 23-24 Mar.
    assert CALENDAR.next_working_day(date(2026, 3, 17)) == date(2026, 3, 25)
    assert "Idul Fitri" in CALENDAR.non_working_reason(date(2026, 3, 23))


def test_counting_crosses_the_year_boundary_and_shows_what_it_skipped() -> None:
    skipped = dict(CALENDAR.skipped_days(date(2025, 12, 22), date(2026, 1, 8)))
    assert skipped[date(2025, 12, 25)] == "Hari Raya Natal"
    assert "Cuti Bersama" in skipped[date(2025, 12, 26)]
    assert skipped[date(2026, 1, 1)] == "Tahun Baru Masehi"
    assert len(skipped) == 7  # three holidays and two weekends


def test_cuti_bersama_can_be_counted_as_working_days() -> None:
    """kip-rules §7.1 marks this [U]: the policy is a setting, and it changes the date."""
    calendar = WorkingCalendar(cuti_bersama_is_holiday=False)
    assert notice_due(date(2026, 3, 16), calendar) == date(2026, 3, 31)


def test_extra_closures_from_a_new_skb_or_the_region_are_not_working_days() -> None:
    calendar = WorkingCalendar(extra_holidays={date(2026, 7, 7): "Hari Jadi Kabupaten"})
    assert calendar.next_working_day(date(2026, 7, 6)) == date(2026, 7, 8)
    assert calendar.non_working_reason(date(2026, 7, 7)) == "Hari Jadi Kabupaten"


def test_a_holiday_moved_by_the_government_can_be_declared_a_working_day() -> None:
    calendar = WorkingCalendar(extra_working_days=[date(2026, 12, 24)])
    assert CALENDAR.next_working_day(date(2026, 12, 23)) == date(2026, 12, 28)
    assert calendar.next_working_day(date(2026, 12, 23)) == date(2026, 12, 24)


def test_request_received_after_office_hours_counts_from_the_next_working_day() -> None:
    """kip-rules §7.2(2) [U]: configurable cutoff; the true time is kept."""
    late = datetime(2026, 7, 6, 16, 30, tzinfo=WIB)
    receipt = CALENDAR.receipt(late)
    assert (receipt.day, receipt.rolled, receipt.received_at) == (date(2026, 7, 7), True, late)
    assert "16.00" in receipt.reason
    assert CALENDAR.receipt(datetime(2026, 7, 6, 15, 59, tzinfo=WIB)).day == date(2026, 7, 6)
    assert WorkingCalendar(office_closes_at=None).receipt(late).day == date(2026, 7, 6)
    assert WorkingCalendar(office_closes_at=time(17, 0)).receipt(late).day == date(2026, 7, 6)


def test_request_received_on_a_non_working_day_counts_from_the_next_working_day() -> None:
    saturday_noon = datetime(2026, 7, 11, 12, 0, tzinfo=WIB)
    assert CALENDAR.receipt(saturday_noon).day == date(2026, 7, 13)
    assert notice_due(CALENDAR.receipt(saturday_noon).day, CALENDAR) == date(2026, 7, 27)
    literal = WorkingCalendar(roll_non_working_receipt=False)
    assert literal.receipt(saturday_noon).day == date(2026, 7, 11)
    assert notice_due(literal.receipt(saturday_noon).day, literal) == date(2026, 7, 24)


def test_receipt_is_dated_in_the_bodys_local_time() -> None:
    # 18:00 UTC on Monday is 01:00 WIB on Tuesday, and 02:00 WITA.
    moment = datetime(2026, 7, 6, 18, 0, tzinfo=UTC)
    assert CALENDAR.receipt(moment).day == date(2026, 7, 7)
    assert WorkingCalendar(timezone="Asia/Makassar").local_time(moment).hour == 2
    with pytest.raises(CalendarError):
        CALENDAR.receipt(datetime(2026, 7, 6, 9, 0))


def test_working_days_between_is_the_inverse_of_adding_working_days() -> None:
    start = date(2026, 3, 10)
    for n in range(0, 40):
        assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, n)) == n
    assert CALENDAR.working_days_between(date(2026, 4, 7), date(2026, 3, 16)) == -10
    assert CALENDAR.working_days_between(start, start + timedelta(days=1)) == 1


def test_a_negative_number_of_working_days_is_an_error() -> None:
    with pytest.raises(CalendarError):
        CALENDAR.add_working_days(date(2026, 7, 6), -1)
