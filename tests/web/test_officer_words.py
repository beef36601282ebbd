"""Every officer page speaks plain Indonesian (English with ``?lang=en``): statuses, counts and column headings as
words, a draft's record and the account log as sentences, never a stored code, an English status or a Python
value; and on a 390 px phone no officer page scrolls sideways (wide tables scroll inside their own box).

The pages are rendered after a day of real work: the sample region harvested, an officer's messy upload replaced by
a fixed one, the draft sent back, submitted again, approved and published, roles granted and revoked, a wrong
password, and two information requests with their e-mails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from ppid.accounts.models import AccountEventKind, Role
from ppid.accounts.service import Grant, create_user, grant_role, revoke_role
from ppid.accounts.tokens import create_token, revoke_token
from ppid.app import create_app
from ppid.config import load_settings
from ppid.mail import DeliveryStatus
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.workflow import Workflow
from ppid.pipeline.models import FileState, ItemOutcome, RunStatus
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.uploader.models import Draft, DraftEventKind, DraftStatus

from ..conftest import fresh_database_url, sample_region_environ
from ..live import CHROMIUM, CHROMIUM_ARGS, served
from ..permohonan.conftest import REFUSAL, filing
from ..publication.dik_sample import dik_with_history
from ..uploader.helpers import GOOD_CSV, MESSY_CSV, METADATA, csrf, upload

PASSWORD = "kata-sandi-uji-kata-kata"

# Every officer page; {placeholders} are filled from the day's work below.
OFFICER_PAGES = {
    "meja unggah": "/unggah/",
    "draf baru": "/unggah/draf/baru",
    "draf yang sudah terbit": "/unggah/draf/{draft_id}",
    "laporan validasi berkas yang salah": "/laporan/{report_id}",
    "antrean permohonan": "/permohonan/petugas/",
    "permohonan baru": "/permohonan/petugas/{request_id}",
    "permohonan yang ditolak lalu diajukan keberatan": "/permohonan/petugas/{refused_id}",
    "pencatatan permohonan langsung": "/permohonan/petugas/daftar",
    "kalender hari kerja": "/permohonan/petugas/kalender",
    "laporan layanan informasi": "/permohonan/petugas/laporan",
    "riwayat pemanenan": "/admin/",
    "pemanenan wilayah contoh": "/admin/pemanenan/{harvest_run}",
    "pemanenan draf": "/admin/pemanenan/{upload_run}",
    "akun petugas": "/admin/akun/",
    "catatan akun petugas": "/admin/akun/{officer_id}",
    "akun saya": "/akun/",
    "klasifikasi informasi": "/petugas/klasifikasi",
    "pengelolaan DIP": "/petugas/informasi-publik",
    "pengelolaan DIK": "/petugas/informasi-dikecualikan",
    "entri DIK dengan dua versi yang menjadi dasar penolakan": "/petugas/informasi-dikecualikan/{exempt_id}",
    "entri DIK yang sudah dibuka": "/petugas/informasi-dikecualikan/{opened_exempt_id}",
}


def _codes(*enums: type) -> set[str]:
    return {member.value for enum in enums for member in enum}


# What the database stores and no officer should read: event names (codes joined by "_"), the English statuses of
# runs, files and e-mails, grants as stored ("petugas:disdukcapil"), and times in UTC.
EVENT_NAMES = {code for code in _codes(DraftEventKind, AccountEventKind) if "_" in code} | {
    "wrong_password", "unknown_account", "account_locked", "address_locked"}
ENGLISH_STATUSES = _codes(RunStatus, ItemOutcome, FileState, DeliveryStatus) - {"valid"}
RAW_EVERYWHERE = EVENT_NAMES | {"petugas:disdukcapil", "atasan:dinkes", "UTC"}
PYTHON_VALUES = re.compile(r"[{}\[\]]|\b(True|False|None)\b")
"""Traces of a dict, a list or a Python value printed as it is (``files: {'a.csv': 2}``, ``valid: False``)."""


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def raw_values(lines: list[str], words: set[str]) -> list[str]:
    """Each line holding one of ``words`` as a whole word, or a Python value, with what was found."""
    word = re.compile(r"(?<![\w:-])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![\w:-])")
    found = []
    for line in lines:
        hits = [match.group(0) for match in (*word.finditer(line), *PYTHON_VALUES.finditer(line))]
        if hits:
            found.append(f"{hits}: {line[:160]}")
    return found


@dataclass(frozen=True)
class Desk:
    app: Flask
    platform: Platform
    names: dict[str, Any]

    def address(self, path: str) -> str:
        return path.format(**self.names)


def signed_in(app: Flask, username: str, password: str = PASSWORD):
    client = app.test_client()
    response = client.post("/masuk", data={"username": username, "password": password, "csrf_token": csrf(client)})
    assert response.status_code == 302, f"{username} could not sign in"
    client.token = csrf(client, "/unggah/")
    return client


@pytest.fixture(scope="module")
def desk(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One working day on the sample region, done through the officers' own pages where they have one."""
    home = tmp_path_factory.mktemp("kata-kata")
    platform = Platform.open(load_settings(environ=sample_region_environ(home, fresh_database_url(migrated_template,
                                                                                                   home))))
    try:
        harvest_run = run_harvest(platform)
        with platform.database.session() as session:
            admin = create_user(session, username="ppid.utama", email="utama@contoh.go.id", full_name="PPID Utama",
                                password=PASSWORD, grants=[Grant(Role.ADMIN)])
            officer = create_user(session, username="budi", email="budi@contoh.go.id", full_name="Budi",
                                  password=PASSWORD, grants=[Grant(Role.OFFICER, "disdukcapil")], actor=admin)
            create_user(session, username="wati", email="wati@contoh.go.id", full_name="Wati", password=PASSWORD,
                        grants=[Grant(Role.WALIDATA)], actor=admin)
            grant_role(session, officer, Grant(Role.ATASAN, "dinkes"), actor=admin)
            session.flush()
            revoke_role(session, officer, next(g.id for g in officer.grants if g.role == Role.ATASAN), actor=admin)
            token, _secret = create_token(session, officer, "Skrip unggah malam")
            revoke_token(session, token, actor=admin)
            workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
            filed = workflow.file(filing())
            refused = workflow.file(filing(nama="Budi Santoso", nik="3201011203850002", email="budi@example.id"))
            exempt = dik_with_history(session, admin)
            workflow.decide(refused.permohonan, officer=admin, data={**REFUSAL, "dik": exempt["exempt_id"]})
            workflow.file_objection(refused.permohonan, {"alasan": ["a"], "kasus_posisi": "Ditolak tanpa alasan jelas"})
            names = {"officer_id": officer.id, "request_id": filed.permohonan.id,
                     "refused_id": refused.permohonan.id, "harvest_run": harvest_run, **exempt}
        app = create_app(platform=platform)
        app.config["TESTING"] = True
        stranger = app.test_client()
        refused_sign_in = stranger.post("/masuk", data={"username": "budi", "password": "salah-sekali-ini",
                                                        "csrf_token": csrf(stranger)})
        assert refused_sign_in.status_code == 401
        names.update(draft_day(app, platform))
        yield Desk(app, platform, names)
    finally:
        platform.close()


def draft_day(app: Flask, platform: Platform) -> dict[str, int]:
    """Budi uploads a messy table, replaces it with the fixed one, edits the metadata and submits; Wati sends the
    draft back, Budi submits again, and Wati approves it: it is published through the pipeline."""
    budi, wati = signed_in(app, "budi"), signed_in(app, "wati")
    created = budi.post("/unggah/draf/baru", data={**METADATA, "dinas": "disdukcapil", "dataset": "",
                                                   "csrf_token": budi.token})
    draft_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    upload(budi, draft_id, "penduduk-miskin-messy.csv", MESSY_CSV.encode())
    with platform.database.session() as session:
        draft = session.get(Draft, draft_id)
        file_id, report_id = draft.files[0].id, draft.files[0].current.report_id
    upload(budi, draft_id, "penduduk-miskin-fixed.csv", GOOD_CSV.encode(), ganti=str(file_id))
    budi.post(f"/unggah/draf/{draft_id}/metadata", data={**METADATA, "satuan": "orang", "csrf_token": budi.token})
    budi.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": budi.token})
    wati.post(f"/unggah/draf/{draft_id}/kembalikan", data={"csrf_token": wati.token, "komentar": "Tambahkan sumber."})
    budi.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": budi.token})
    wati.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": wati.token})
    with platform.database.session() as session:
        draft = session.get(Draft, draft_id)
        assert draft.status == DraftStatus.APPROVED and draft.events[-1].kind == DraftEventKind.PUBLISHED
        upload_run = draft.events[-1].payload["run"]
    return {"draft_id": draft_id, "report_id": report_id, "upload_run": upload_run}


@pytest.mark.parametrize("page_name", OFFICER_PAGES)
def test_an_officer_page_shows_no_stored_code_english_status_or_python_value(desk: Desk, page_name: str) -> None:
    admin = signed_in(desk.app, "ppid.utama")

    response = admin.get(desk.address(OFFICER_PAGES[page_name]))

    assert response.status_code == 200, page_name
    found = raw_values(visible_text(response.get_data(as_text=True)), RAW_EVERYWHERE | ENGLISH_STATUSES)
    assert not found, f"{page_name} shows raw values:\n" + "\n".join(found)


@pytest.mark.parametrize("page_name", OFFICER_PAGES)
def test_an_officer_page_in_english_shows_no_stored_code_or_python_value(desk: Desk, page_name: str) -> None:
    admin = signed_in(desk.app, "ppid.utama")

    response = admin.get(desk.address(OFFICER_PAGES[page_name]) + "?lang=en")

    assert response.status_code == 200, page_name
    found = raw_values(visible_text(response.get_data(as_text=True)), RAW_EVERYWHERE)
    assert not found, f"{page_name} (English) shows raw values:\n" + "\n".join(found)


def test_a_drafts_record_reads_as_sentences(desk: Desk) -> None:
    page = signed_in(desk.app, "budi").get(desk.address("/unggah/draf/{draft_id}")).get_data(as_text=True)
    text = "\n".join(visible_text(page))

    assert "Budi mengunggah versi 1 dari penduduk-miskin-messy.csv" in text
    assert "Versi 1 dari penduduk-miskin-messy.csv diperiksa: 1 kesalahan." in text
    assert "Budi mengunggah versi 2 dari penduduk-miskin-fixed.csv" in text
    assert "Budi mengubah metadata: Satuan." in text
    assert "Wati mengembalikan draf ke petugas: Tambahkan sumber." in text
    assert "Wati menyetujui draf (penduduk-miskin-fixed.csv, versi 2)." in text
    assert "Disetujui" in text


def test_the_account_log_and_the_runs_read_as_words(desk: Desk) -> None:
    admin = signed_in(desk.app, "ppid.utama")

    log = "\n".join(visible_text(admin.get(desk.address("/admin/akun/{officer_id}")).get_data(as_text=True)))
    runs = "\n".join(visible_text(admin.get("/admin/").get_data(as_text=True)))
    english = "\n".join(visible_text(admin.get(desk.address("/admin/akun/{officer_id}?lang=en")).get_data(
        as_text=True)))

    assert "Peran: Petugas data / PPID Pelaksana — Dinas Kependudukan dan Pencatatan Sipil" in log
    assert "Peran: Atasan PPID — Dinas Kesehatan" in log and "Sebab: kata sandi salah." in log
    assert "Token “Skrip unggah malam” (nomor 1)." in log and "Token nomor 1." in log
    assert "Cause: wrong password." in english
    assert re.search(r"\d+ baru, \d+ tidak valid", runs), runs


# -- on a phone -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def phone(desk: Desk) -> Iterator[tuple[Any, str]]:
    """Debian's Chromium at 390 px, signed in as the PPID Utama on the served desk."""
    from playwright.sync_api import sync_playwright

    with served(desk.app) as server, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(server.url + "/masuk")
        page.get_by_role("textbox", name="Nama pengguna").fill("ppid.utama")
        page.get_by_label("Kata sandi").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Masuk").click()
        yield page, server.url
        chromium.close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("page_name", OFFICER_PAGES)
def test_an_officer_page_fits_a_390_px_phone(desk: Desk, phone: tuple[Any, str], page_name: str) -> None:
    page, url = phone

    response = page.goto(url + desk.address(OFFICER_PAGES[page_name]))

    assert response.ok, f"{page_name}: HTTP {response.status}"
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page_name} is {width} px wide on a 390 px phone: {wide_elements(page)}"


def wide_elements(page) -> list[str]:
    """The outermost elements sticking out of the window, to say what pushes the page wide."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap'))
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                  + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""")
