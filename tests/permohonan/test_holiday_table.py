"""The holiday table: administrators add or cancel holidays, and open deadlines move at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from ppid.accounts.models import Role
from ppid.accounts.service import Grant
from ppid.permohonan import holiday_table
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.models import CalendarEntry
from ppid.permohonan.presenters import deadline_computation, public_document
from ppid.permohonan.workflow import Workflow

from .conftest import filing, make_user
from .test_web import csrf, sign_in


def _fresh(workflow: Workflow) -> Workflow:
    """A new workflow, as the next page view would make: it reads the holiday table again."""
    return Workflow(workflow.session, workflow.config, workflow.registry, clock=workflow.clock)


def test_a_regional_holiday_added_later_moves_the_open_deadline(workflow, session, ppid_utama) -> None:
    permohonan = workflow.file(filing()).permohonan  # Monday 16 March 2026, due Tuesday 7 April
    session.commit()
    assert workflow.status(permohonan).due == date(2026, 4, 7)

    holiday_table.add_entry(session, day=date(2026, 3, 25), kind="libur", name="Hari Jadi Kabupaten Contoh",
                            user=ppid_utama)
    session.commit()

    moved = _fresh(workflow)
    assert moved.status(permohonan).due == date(2026, 4, 8)
    computation = deadline_computation(moved.status(permohonan), moved.calendar)
    assert (date(2026, 3, 25), "Hari Jadi Kabupaten Contoh") in computation.holidays
    assert computation.days_counted == 10 and computation.day_zero == date(2026, 3, 16)


def test_a_tracked_request_brings_the_holiday_tables_stamp_along_and_its_deadline_follows_an_edit(
        workflow, session, platform, ppid_utama) -> None:
    """The tracking page's one statement carries the stamp its calendar is checked against (no round trip of its
    own: issue 17), and a holiday added since still moves the deadline it shows."""
    token = workflow.file(filing()).token  # Monday 16 March 2026, due Tuesday 7 April
    session.commit()
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def tracked_due() -> date:
        fresh = _fresh(workflow)
        return fresh.status(fresh.find_by_token(token)).due

    assert tracked_due() == date(2026, 4, 7)
    holiday_table.add_entry(session, day=date(2026, 3, 25), kind="libur", name="Hari Jadi Kabupaten Contoh",
                            user=ppid_utama)
    session.commit()
    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        assert tracked_due() == date(2026, 4, 8)
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)
    reads_of_the_stamp = [statement for statement in statements if "permohonan_kalender_versi" in statement]
    assert len(reads_of_the_stamp) == 1 and "permohonan_event" in reads_of_the_stamp[0]


def test_a_cancelled_holiday_becomes_a_working_day_and_removing_the_entry_restores_it(workflow, session,
                                                                                       ppid_utama) -> None:
    permohonan = workflow.file(filing()).permohonan
    nyepi = date(2026, 3, 19)
    assert workflow.calendar.holiday_name(nyepi)  # listed by the holidays package
    entry = holiday_table.add_entry(session, day=nyepi, kind="hari_kerja", name="Dibatalkan (contoh)",
                                    user=ppid_utama)
    session.commit()
    assert _fresh(workflow).status(permohonan).due == date(2026, 4, 6)

    holiday_table.remove_entry(session, entry.id, user=ppid_utama)
    session.commit()
    assert _fresh(workflow).status(permohonan).due == date(2026, 4, 7)
    kept = session.scalar(select(CalendarEntry))
    assert kept.removed_by == "ppid.utama" and kept.removed_at is not None  # the change stays on record


def test_a_date_can_have_one_active_entry_and_each_needs_a_name(session, ppid_utama) -> None:
    holiday_table.add_entry(session, day=date(2026, 8, 18), kind="libur", name="Cuti bersama", user=ppid_utama)
    with pytest.raises(holiday_table.CalendarEntryError, match="sudah ada"):
        holiday_table.add_entry(session, day=date(2026, 8, 18), kind="libur", name="Lagi", user=ppid_utama)
    with pytest.raises(holiday_table.CalendarEntryError, match="dasar hukum"):
        holiday_table.add_entry(session, day=date(2026, 8, 19), kind="libur", name=" ", user=ppid_utama)


def test_the_api_document_shows_how_the_deadline_was_computed(workflow) -> None:
    permohonan = workflow.file(filing()).permohonan
    computation = public_document(permohonan, workflow.status(permohonan), workflow)["batas_waktu"]["perhitungan"]
    assert computation["hari_ke_0"] == "2026-03-16" and computation["jumlah_hari_kerja"] == 10
    skipped = {row["tanggal"]: row["alasan"] for row in computation["hari_tidak_dihitung"]}
    assert "2026-03-19" in skipped and "2026-03-21" in skipped  # Nyepi, and a Saturday
    assert "2026-03-17" not in skipped


def test_an_administrator_edits_the_calendar_on_its_page_and_the_officer_page_shows_the_computation(
    client, platform, session, config, ppid_utama, dinkes_officer
) -> None:
    from .test_web import file_directly

    filed = file_directly(platform)  # received now, by the wall clock
    before = Workflow(session, config, platform.registry).status(session.merge(filed.permohonan))
    closure = config.calendar.next_working_day(before.receipt.day)
    sign_in(client, "ppid.utama")
    response = client.post("/permohonan/petugas/kalender", data={
        "tanggal": closure.isoformat(), "jenis": "libur", "nama": "Hari Jadi Kabupaten Contoh",
        "csrf_token": csrf(client, "/permohonan/petugas/kalender")})
    assert response.status_code == 303
    page = client.get("/permohonan/petugas/kalender").get_data(as_text=True)
    assert "Hari Jadi Kabupaten Contoh" in page

    detail = client.get(f"/permohonan/petugas/{filed.permohonan.id}").get_data(as_text=True)
    moved = config.calendar.next_working_day(before.due) if before.due >= closure else before.due
    assert "Hari Jadi Kabupaten Contoh" in detail and format_day(moved, weekday=True) in detail

    refused = client.post("/permohonan/petugas/kalender", data={
        "tanggal": "bukan tanggal", "jenis": "libur", "nama": "x",
        "csrf_token": csrf(client, "/permohonan/petugas/kalender")})
    assert refused.status_code == 422 and "TTTT-BB-HH" in refused.get_data(as_text=True)


def test_only_a_region_wide_administrator_may_change_the_calendar(app, session, dinkes_officer) -> None:
    make_user(session, "admin.dinkes", Grant(Role.ADMIN, "dinkes"))
    for username in ("petugas.dinkes", "admin.dinkes"):
        client = app.test_client()
        sign_in(client, username)
        assert client.get("/permohonan/petugas/kalender").status_code == 403
        assert client.post("/permohonan/petugas/kalender/1/hapus",
                           data={"csrf_token": csrf(client, "/masuk")}).status_code == 403
