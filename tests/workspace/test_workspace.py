"""The workspace: signing in lands on what needs the officer today, for every role they hold, limited to the dinas
their grants cover, with counts and direct links; the officer menu opens every area the roles allow, and signing
out is only in the header."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from ppid.accounts.models import User
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import FailedItem
from ppid.workspace.service import what_needs

from ..permohonan.conftest import filing
from ..uploader.helpers import PASSWORD, csrf
from .conftest import DINAS, signed_in, task_count

WIB = ZoneInfo("Asia/Jakarta")


def test_signing_in_lands_on_the_workspace(app, people) -> None:
    client = app.test_client()

    response = client.post("/masuk", data={"username": "petugas", "password": PASSWORD, "csrf_token": csrf(client)})

    assert response.headers["Location"] == "/petugas/"
    page = client.get("/petugas/").get_data(as_text=True)
    assert "<h1>Ruang kerja</h1>" in page and "Petugas data / PPID Pelaksana" in page


def test_the_header_link_petugas_leads_to_the_workspace_through_sign_in(client, people) -> None:
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/petugas/">Petugas</a>' in home

    response = client.get("/petugas/")

    assert response.status_code == 302 and "/masuk?next=/petugas/" in response.headers["Location"]


def test_the_officer_sees_overdue_requests_returned_drafts_and_the_dinas_invalid_files(app, day) -> None:
    page = signed_in(app, "petugas").get("/petugas/").get_data(as_text=True)

    assert task_count(page, "permohonan") == 1  # the refused one had its written notice: nothing due
    assert f'href="/permohonan/petugas/{day.overdue_request.id}"' in page
    assert f"{day.overdue_request.number}: lewat waktu" in page
    assert task_count(page, "dikembalikan") == 1 and f'href="/unggah/draf/{day.returned_draft}"' in page
    assert task_count(page, "berkas") == 1 and "penduduk-2022.csv: tidak valid" in page
    assert re.search(r'href="/laporan/\d+">penduduk-2022.csv: tidak valid', page)
    assert "tugas-tinjauan" not in page and "tugas-keberatan" not in page  # not this officer's roles
    assert "Pemanenan terakhir" in page and f'href="/admin/pemanenan/{day.run_id}"' not in page  # admins' page


def test_the_walidata_sees_drafts_waiting_for_review_and_the_last_run(app, day) -> None:
    page = signed_in(app, "walidata").get("/petugas/").get_data(as_text=True)

    assert task_count(page, "tinjauan") == 1
    assert f'<a href="/unggah/draf/{day.submitted_draft}">Penduduk Menunggu Tinjauan</a>' in page
    assert f'href="/admin/pemanenan/{day.run_id}"' in page
    assert "tugas-permohonan" not in page and "tugas-dikembalikan" not in page


def test_the_atasan_sees_the_objections_waiting(app, day) -> None:
    page = signed_in(app, "atasan").get("/petugas/").get_data(as_text=True)

    assert task_count(page, "keberatan") == 1
    link = f'<a href="/permohonan/petugas/{day.objected_request.id}">{day.objection_number}: jawab paling lambat'
    assert link in page
    assert "tugas-tinjauan" not in page and "tugas-berkas" not in page


def test_the_administrator_sees_every_dinas(app, day) -> None:
    page = signed_in(app, "admin").get("/petugas/").get_data(as_text=True)

    assert task_count(page, "permohonan") == 1 and task_count(page, "tinjauan") == 1
    assert task_count(page, "berkas") == 1 and f'href="/admin/pemanenan/{day.run_id}"' in page


def test_counts_stop_at_the_dinas_of_the_officers_grants(app, day) -> None:
    officer_page = signed_in(app, "petugas-dinkes").get("/petugas/").get_data(as_text=True)
    walidata_page = signed_in(app, "walidata-dinkes").get("/petugas/").get_data(as_text=True)

    assert task_count(officer_page, "permohonan") == 0 and task_count(officer_page, "berkas") == 0
    assert task_count(officer_page, "dikembalikan") == 0 and day.overdue_request.number not in officer_page
    assert task_count(walidata_page, "tinjauan") == 0 and "Penduduk Menunggu Tinjauan" not in walidata_page


def test_due_soon_means_within_the_reminders_window_of_working_days(platform, people) -> None:
    filed_on = datetime(2026, 3, 16, 9, 0, tzinfo=WIB)  # the written notice is due Tuesday 7 April 2026
    with platform.database.session() as session:
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry,
                            clock=lambda: filed_on)
        workflow.file(filing(dinas=DINAS))
    with platform.database.session() as session:
        officer = session.get(User, people["petugas"])

        def waiting(day: int) -> int:
            moment = datetime(2026, 4, day, 9, 0, tzinfo=WIB)
            workspace = what_needs(session, platform, officer, clock=lambda: moment)
            return next(task.count for task in workspace.tasks if task.key == "permohonan")

        assert waiting(1) == 0  # three working days left
        assert waiting(2) == 1  # two: as the reminders say
        assert waiting(8) == 1  # overdue


MENUS = {
    "petugas": ["Ruang kerja", "Unggah data", "Permohonan masuk", "Pengumuman", "Informasi publik", "Akun saya"],
    "walidata": ["Ruang kerja", "Unggah data", "Pemanenan", "Informasi publik", "Akun saya"],
    "atasan": ["Ruang kerja", "Permohonan masuk", "Akun saya"],
    "admin": ["Ruang kerja", "Unggah data", "Permohonan masuk", "Pengumuman", "Pemanenan", "Informasi publik",
              "Akun petugas", "Akun saya"],
}


def officer_menu(page: str) -> list[tuple[str, str]]:
    menu = re.search(r'<nav class="officer" aria-label="[^"]+">(.*?)</nav>', page, re.S).group(1)
    return [(href, re.sub(r"<[^>]+>", "", label)) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>',
                                                                                  menu)]


def test_every_officer_page_offers_every_area_the_roles_allow_and_each_opens(app, people) -> None:
    for username, expected in MENUS.items():
        client = signed_in(app, username)
        for path in ("/petugas/", "/akun/"):
            links = officer_menu(client.get(path).get_data(as_text=True))
            assert [label for _href, label in links] == expected, (username, path)
        for href, label in links:
            page = client.get(href)
            assert page.status_code == 200, (username, label, href)
            assert [label for _href, label in officer_menu(page.get_data(as_text=True))] == expected


def test_signing_out_is_only_in_the_header(app, people) -> None:
    client = signed_in(app, "petugas")
    for path in ("/petugas/", "/unggah/", "/permohonan/petugas/", "/akun/"):
        page = client.get(path).get_data(as_text=True)
        main = page[page.index('<main id="isi">'):]
        assert page.count('action="/keluar"') == 1 and 'action="/keluar"' not in main, path


def test_the_workspace_and_the_menu_speak_english_with_lang_en(app, day) -> None:
    page = signed_in(app, "petugas").get("/petugas/?lang=en").get_data(as_text=True)

    assert "<h1>Workspace</h1>" in page and 'aria-label="Officer menu"' in page
    assert [label for _href, label in officer_menu(page)] == ["Workspace", "Upload data", "Incoming requests",
                                                               "Announcements", "Public information",
                                                               "My account"]
    assert "Information requests due within 2 working days or overdue" in page
    assert f"{day.overdue_request.number}: overdue" in page and "penduduk-2022.csv: invalid" in page


def test_files_that_failed_before_being_stored_count_for_their_own_dinas_only(app, platform, people) -> None:
    with platform.database.session() as session:
        session.add(FailedItem(source_id=f"{DINAS}/situs-capil", key="rekap-penduduk.xlsx",
                               message="Halaman HTML, bukan lembar kerja"))
        session.add(FailedItem(source_id="dinkes/situs-dinkes", key="imunisasi.xlsx", message="Terlalu besar"))

    capil = signed_in(app, "petugas").get("/petugas/").get_data(as_text=True)
    dinkes = signed_in(app, "petugas-dinkes").get("/petugas/").get_data(as_text=True)

    assert task_count(capil, "berkas") == 1 and "rekap-penduduk.xlsx: gagal diambil" in capil
    assert task_count(dinkes, "berkas") == 1 and "imunisasi.xlsx: gagal diambil" in dinkes
    assert "imunisasi.xlsx" not in capil
