"""Every public page passes axe-core in the real headless Chromium at desktop (1280 px) and phone (390 px)
width with no serious or critical violation and never scrolls sideways on the phone; officer pages pass at
both widths too. Citizens file an information request and an objection with the keyboard alone: a visible focus on
every stop, a skip link to the main content, and a form sent with mistakes leads the keyboard to them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from ppid.accounts.models import Role, User
from ppid.accounts.reset import make_reset_token
from ppid.accounts.service import Grant, create_user
from ppid.app import create_app
from ppid.config import load_settings
from ppid.db import utcnow
from ppid.permohonan import service_report
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import Permohonan
from ppid.permohonan.workflow import Workflow
from ppid.permohonan.written_notice import Issuer, issued_for
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.platform import Platform
from ppid.publication import announcements, answers
from ppid.uploader import service as uploader
from ppid.uploader.metadata import defaults_for, load_metadata
from ppid.uploader.models import Draft

from ..conftest import REPO, fresh_database_url, sample_region_environ
from ..live import BROWSER_TEST, CHROMIUM, CHROMIUM_ARGS, served
from ..permohonan.conftest import REFUSAL, filing
from ..publication.dik_sample import dik_with_history

pytestmark = BROWSER_TEST

WIDTHS = {"desktop": 1280, "ponsel": 390}
BLOCKING = {"serious", "critical"}
"""axe-core's impacts that fail a page; "moderate" and "minor" ones are reported by axe but do not fail."""
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
"""axe-core's rules as they come, plus WCAG 2.2's target size (2.5.8, AA), which axe leaves off: taps on a phone."""
PASSWORD = "kata-sandi-uji-aksesibilitas"

# Every public page, by what a citizen calls it; {placeholders} are filled from the harvested sample region.
PUBLIC_PAGES = {
    "beranda": "/",
    "beranda dalam bahasa Inggris": "/?lang=en",
    "daftar dataset": "/dataset",
    "pencarian dataset dengan kata kunci": "/dataset?q=penduduk",
    "pencarian dataset dengan saringan": "/dataset?tags=kependudukan&res_format=CSV",
    "pencarian dataset tanpa hasil": "/dataset?q=tidak-ada-yang-cocok",
    "halaman dataset dengan tabel": "/dataset/{dataset}",
    "ringkasan validasi tabel": "/dataset/{dataset}/validasi/{file_id}",
    "halaman dinas": "/dinas/{dinas}",
    "daftar dokumen": "/dokumen",
    "pencarian dokumen": "/dokumen?q=laporan&organization={dinas}",
    "halaman dokumen": "/dokumen/{document}",
    "permohonan informasi": "/permohonan/",
    "formulir permohonan": "/permohonan/ajukan",
    "tanda bukti permohonan": "/permohonan/tanda-bukti/{token}",
    "kirim tautan lacak": "/permohonan/lacak",
    "pelacakan dengan tautan rahasia": "/permohonan/lacak/{token}",
    "pelacakan permohonan yang ditolak": "/permohonan/lacak/{refused_token}",
    "statistik permohonan": "/permohonan/statistik",
    "standar layanan informasi publik": "/standar-layanan",
    "struktur PPID pelaksana dinas": "/standar-layanan/{dinas}",
    "verifikasi dokumen": "/verifikasi",
    "verifikasi satu dokumen": "/verifikasi/{letter_code}",
    "daftar laporan layanan informasi": "/laporan-layanan/",
    "laporan layanan informasi tahunan": "/laporan-layanan/{report_year}",
    "ringkasan semester": "/laporan-layanan/{report_year}/semester-2",
    "masuk": "/masuk",
    "lupa kata sandi": "/lupa-sandi",
    "atur kata sandi baru": "/atur-sandi/{reset_token}",
    "katalog DCAT di peramban": "/catalog",
    "daftar informasi publik": "/informasi-publik",
    "daftar informasi publik dengan saringan": "/informasi-publik?dinas={dinas}&kategori=berkala&q=laporan",
    "daftar informasi yang dikecualikan": "/informasi-dikecualikan",
    "pengumuman serta-merta": "/pengumuman",
    "satu pengumuman serta-merta": "/pengumuman/{announcement_id}",
    "jadwal informasi berkala": "/informasi-berkala",
    "informasi yang telah dimohonkan": "/informasi-dimohonkan",
    "pencarian informasi yang telah dimohonkan": "/informasi-dimohonkan?q=puskesmas&dinas={dinas}",
    "satu jawaban yang diterbitkan": "/informasi-dimohonkan/{answer_id}",
    "dasbor transparansi": "/transparansi",
    "dasbor transparansi satu dinas": "/transparansi?dinas={dinas}&tahun=2025",
    "halaman tidak ditemukan": "/dataset/tidak-ada",
    "berkas tidak ditemukan": "/unduh/999/tidak-ada.csv",
}
REPORT_YEAR = 2025
"""A year that has ended (the portal runs on the real clock), with its annual report finalised."""
NOT_FOUND = {"halaman tidak ditemukan", "berkas tidak ditemukan"}
"""The 404 page, reached through two routes: it stands for no route of its own."""

# Pages behind the sign-in, checked at both widths (an officer may answer a request from a phone).
OFFICER_PAGES = {
    "ruang kerja": "/petugas/",
    "meja unggah": "/unggah/",
    "draf baru": "/unggah/draf/baru",
    "draf dengan berkas": "/unggah/draf/{draft_id}",
    "antrean permohonan": "/permohonan/petugas/",
    "detail permohonan": "/permohonan/petugas/{request_id}",
    "pencatatan permohonan langsung": "/permohonan/petugas/daftar",
    "kalender hari kerja": "/permohonan/petugas/kalender",
    "ubah standar layanan": "/admin/standar-layanan",
    "laporan layanan informasi": "/permohonan/petugas/laporan",
    "laporan tahunan: bagian A dan B": "/admin/laporan-layanan/",
    "laporan tahunan: satu tahun": "/admin/laporan-layanan/{report_year}",
    "riwayat pemanenan": "/admin/",
    "satu pemanenan": "/admin/pemanenan/{run_id}",
    "laporan validasi": "/laporan/{report_id}",
    "akun petugas": "/admin/akun/",
    "satu akun petugas": "/admin/akun/{user_id}",
    "akun saya": "/akun/",
    "klasifikasi informasi": "/petugas/klasifikasi",
    "pengelolaan DIP": "/petugas/informasi-publik",
    "pengelolaan DIK": "/petugas/informasi-dikecualikan",
    "entri DIK dengan dua versi": "/petugas/informasi-dikecualikan/{exempt_id}",
    "entri DIK yang sudah dibuka": "/petugas/informasi-dikecualikan/{opened_exempt_id}",
    "pengumuman petugas": "/petugas/pengumuman",
    "ubah pengumuman": "/petugas/pengumuman/{announcement_id}",
    "terbitkan jawaban permohonan": "/permohonan/petugas/{delivered_id}/terbitkan-jawaban",
    "bukti monev": "/petugas/monev",
    "berkas ditahan karena data pribadi": "/petugas/data-pribadi",
    "bukti monev satu dinas": "/petugas/monev?dinas={dinas}",
}

# GET routes that are no page for a person to read, and why; every other GET route must be listed above.
# A route that a branch not yet merged adds may be listed ahead of it.
NOT_PAGES = {
    "static": "CSS and scripts",
    "permohonan.static": "CSS of the request pages",
    "healthz": "JSON for monitoring",
    "catalogue_api.action": "the CKAN action API (JSON)",
    "catalogue_api.datastore_dump": "a DataStore table as CSV, TSV, JSON or XLSX (branch ds-read)",
    "permohonan.openapi": "the OpenAPI description (JSON)",
    "permohonan.api.api_choices": "JSON for API clients",
    "exports.catalogue_rdf": "DCAT-AP in RDF",
    "exports.dataset_rdf": "DCAT-AP in RDF",
    "exports.catalogue_data_json": "DCAT-US data.json",
    "exports.sitemap_xml": "a sitemap for search engines",
    "exports.sitemap_part": "a sitemap for search engines",
    "portal.download": "a file download",
    "portal.resource_download": "a file download",
    "permohonan.tanda_bukti_pdf": "the receipt as PDF",
    "surat.pemohon_tautan": "a letter of a decision as PDF, downloaded by the requester",
    "surat.petugas": "a letter of a decision as PDF, downloaded by an officer",
    "permohonan.informasi_tautan": "a delivered file, downloaded",
    "permohonan.dokumen": "an identity document, downloaded by an officer",
    "permohonan.informasi_petugas": "a delivered file, downloaded by an officer",
    "permohonan.laporan_pdf": "the annual report as PDF",
    "permohonan.register": "a register as CSV or XLSX",
    "laporan_layanan.laporan_pdf": "a finalised annual report as PDF",
    "laporan_layanan.semester_pdf": "a semester summary as PDF",
    "admin.rows_to_fix": "the rows to fix, as CSV",
    "uploader.upload_status": "JSON for the resumable upload script",
    "uploader.progress": "a check's progress, only while a check runs (else the draft page): checked by axe-core "
                         "in tests/uploader/test_browser.py",
    "uploader.progress_json": "JSON for uploader.js on the progress page",
    "publikasi.dip_export": "the DIP as CSV, XLSX, JSON or PDF",
    "publikasi.dik_export": "the DIK as CSV or XLSX",
    "publikasi.api.api_dip": "the DIP as JSON for API clients",
    "publikasi.decree_document": "the SK establishing a DIP, as PDF",
    "pengumuman.feed": "an Atom feed (XML for feed readers)",
    "jawaban.download": "a published answer's file, downloaded",
    "transparansi.csv": "the transparency dashboard's numbers as CSV",
    "transparansi.api.api_dashboard": "the transparency dashboard's numbers as JSON for API clients",
    "jawaban.api.api_listing": "published answers as JSON for API clients",
    "monev.summary_pdf": "the monev questionnaire answered, as PDF",
    "monev.bundle": "the monev evidence as a ZIP",
}


@dataclass(frozen=True)
class Portal:
    url: str
    app: Flask
    names: dict[str, Any]
    """What the {placeholders} of the page lists stand for in this portal."""

    def address(self, path: str) -> str:
        return self.url + path.format(**self.names)


@pytest.fixture(scope="module")
def portal(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The sample region harvested once, with a request just filed, a refused one, the PPID Utama, an officer's
    draft holding a table and a fresh password-reset link; served for the whole module."""
    home = tmp_path_factory.mktemp("aksesibilitas")
    database_url = fresh_database_url(migrated_template, home)
    platform = Platform.open(load_settings(environ=sample_region_environ(home, database_url)))
    try:
        run_id = run_harvest(platform)
        with platform.database.session() as session:
            table = session.scalar(select(TrackedFile).where(TrackedFile.name == "penduduk-2024.csv"))
            document = session.scalar(select(TrackedFile).where(TrackedFile.name == "lkpd-2023.pdf"))
            workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry,
                                issuer=Issuer(platform.settings.public_url))
            filed = workflow.file(filing())
            refused = workflow.file(filing(nama="Budi Santoso", nik="3201011203850002", email="budi@example.id"))
            officer = create_user(session, username="ppid.utama", email="utama@contoh.go.id", full_name="PPID Utama",
                                  password=PASSWORD, grants=[Grant(Role.ADMIN)])
            exempt = dik_with_history(session, officer)  # the DIK page shows exemptions in force and opened ones
            workflow.decide(refused.permohonan, officer=officer, data={**REFUSAL, "dik": exempt["exempt_id"]})
            delivered, answered = (_handed_over(workflow, officer, nik) for nik in ("3201014507900003",
                                                                                   "3201014507900004"))
            answer = answers.publish(
                session, platform.storage, permohonan_id=answered.id, number=answered.number, dinas_slug="dinkes",
                received_on=utcnow().date(), decided_on=utcnow().date(), files=[], known=[], by="PPID Utama",
                release=answers.Release("Anggaran perawatan puskesmas 2025", "Daftar 14 puskesmas dan anggarannya.",
                                        frozenset(), frozenset()))
            [letter, *_refusal] = issued_for(session, refused.permohonan)
            service_report.finalise(workflow, REPORT_YEAR, by=officer)
            forgetful = create_user(session, username="petugas.lupa", email="lupa@contoh.go.id", full_name="Petugas",
                                    password=PASSWORD, grants=[Grant(Role.OFFICER, "dinkes")])  # fmt: skip
            draft = new_draft_with_a_file(platform, session, officer)
            # every public page is checked with a serta-merta banner on it
            announcement = announcements.publish(session, announcements.Content(
                announcements.Kind.NATURAL_DISASTER, "Siaga banjir Sungai Cibeet", "Siapkan tas siaga.",
                "Kecamatan Cibinong dan Kecamatan Gunungputri", utcnow(), None, "bpbd"), officer)
            names = {"dataset": table.dataset_name, "file_id": table.id, "report_id": table.report_id,
                     "dinas": table.dinas_slug, "document": document.dataset_name, "token": filed.token,
                     "request_id": filed.permohonan.id, "user_id": officer.id, "run_id": run_id,
                     "refused_token": refused.token, "draft_id": draft.id, "letter_code": letter.code,
                     "report_year": REPORT_YEAR, "announcement_id": announcement.id,
                     "delivered_id": delivered.id, "answer_id": answer.id,
                     "reset_token": make_reset_token(platform.settings.secret_key, forgetful), **exempt}  # fmt: skip
        app = create_app(platform=platform)
        with served(app) as server:
            yield Portal(server.url, app, names)
    finally:
        platform.close()


def _handed_over(workflow: Workflow, officer: User, nik: str) -> Permohonan:
    """A request granted and closed with the information handed over: its answer may be published."""
    permohonan = workflow.file(filing(nik=nik)).permohonan
    workflow.decide(permohonan, officer=officer, data={"keputusan": "dikabulkan_seluruhnya", "materi": "Anggaran"})
    workflow.close(permohonan, officer=officer, reason="informasi_diserahkan")
    return permohonan


def new_draft_with_a_file(platform: Platform, session, officer: User) -> Draft:
    """An officer's draft dataset holding one uploaded table, as the upload desk makes it."""
    dinas = platform.registry.get("dinkes")
    meta = load_metadata({**defaults_for(platform.registry, dinas, ""), "title": "Jumlah Posyandu", "year": "2024"})
    draft = uploader.create_draft(session, dinas.slug, "jumlah-posyandu", meta, officer)
    with (REPO / "examples/kabupaten-contoh/dinkes/imunisasi-2024.csv").open("rb") as table:
        uploader.store_file(platform, session, draft, officer, "imunisasi-2024.csv", table)
    return draft


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, one for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element: id, impact, target, help.
    Folded sections (<details>) are opened first, so that the forms inside them are checked too."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
        f"{violation['help']} — {violation['helpUrl']}"
        for violation in results["violations"] if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]  # fmt: skip


def sideways_scroll(page, width: int) -> list[str]:
    """WCAG 1.4.10 (reflow), which axe cannot see: the page never scrolls sideways; wide tables scroll in their box."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    return [f"reflow: the page is {page_width} px wide in a {width} px window"] if page_width > width else []


def violations_report(page_name: str, width: int, found: list[str]) -> str:
    return f"{page_name} at {width} px: {len(found)} serious or critical accessibility problem(s)\n" + "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("page_name", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(chromium, portal: Portal, page_name: str,
                                                              width: int) -> None:  # fmt: skip
    page = chromium.new_context(viewport={"width": width, "height": 900}).new_page()

    response = page.goto(portal.address(PUBLIC_PAGES[page_name]))

    assert response.status == 404 if page_name in NOT_FOUND else response.ok, f"{page_name}: HTTP {response.status}"
    found = blocking_violations(page)
    assert not found, violations_report(page_name, width, found)
    assert not sideways_scroll(page, width)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_pages_answering_a_sent_form_have_no_serious_accessibility_violation(chromium, portal: Portal,
                                                                              width: int) -> None:  # fmt: skip
    page = chromium.new_context(viewport={"width": width, "height": 900}).new_page()
    found: dict[str, list[str]] = {}

    page.goto(portal.address("/permohonan/ajukan"))
    page.get_by_role("textbox", name="Nama").fill("Siti")
    page.get_by_role("button", name="Kirim permohonan").click()
    page.get_by_role("alert").wait_for()
    found["formulir permohonan dengan galat"] = blocking_violations(page) + sideways_scroll(page, width)

    page.goto(portal.address("/permohonan/lacak"))
    page.get_by_role("textbox", name="Nomor pendaftaran").fill("0001/PPID/X/2026")
    page.get_by_role("textbox", name="E-mail").fill("siapa@example.id")
    with page.expect_navigation():
        page.get_by_role("button", name="Kirim tautan ke e-mail saya").click()
    found["tautan lacak dikirim (bila cocok)"] = blocking_violations(page) + sideways_scroll(page, width)

    page.goto(portal.address("/masuk"))
    page.get_by_role("textbox", name="Nama pengguna").fill("tidak-ada")
    page.get_by_label("Kata sandi").fill("salah-sekali")
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    found["masuk gagal"] = blocking_violations(page) + sideways_scroll(page, width)

    page.goto(portal.address("/verifikasi/{letter_code}"))
    page.get_by_label("Berkas PDF yang akan diperiksa").set_input_files(
        {"name": "surat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 bukan surat ini"})
    with page.expect_navigation():
        page.get_by_role("button", name="Cocokkan").click()
    page.get_by_text("Tidak cocok.").wait_for()
    found["verifikasi dokumen tidak cocok"] = blocking_violations(page) + sideways_scroll(page, width)

    failures = [violations_report(name, width, lines) for name, lines in found.items() if lines]
    assert not failures, "\n\n".join(failures)
    page.context.close()


@pytest.fixture(scope="module")
def signed_in(chromium, portal: Portal) -> dict[str, Any]:
    """The cookies of the PPID Utama signed in on the sign-in page, for every officer page."""
    page = chromium.new_context().new_page()
    page.goto(portal.address("/masuk"))
    page.get_by_role("textbox", name="Nama pengguna").fill("ppid.utama")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("page_name", OFFICER_PAGES)
def test_officer_page_has_no_serious_accessibility_violation(chromium, portal: Portal, signed_in: dict[str, Any],
                                                             page_name: str, width: int) -> None:  # fmt: skip
    desk = chromium.new_context(viewport={"width": width, "height": 900}, storage_state=signed_in)
    page = desk.new_page()

    response = page.goto(portal.address(OFFICER_PAGES[page_name]))

    assert response.ok, f"{page_name}: HTTP {response.status}"
    found = blocking_violations(page)
    assert not found, violations_report(page_name, width, found)
    page.context.close()


def test_every_page_route_is_checked_or_listed_as_no_page(portal: Portal) -> None:
    """A new page cannot be forgotten: each GET route is a checked page or is listed in NOT_PAGES with a reason."""
    adapter = portal.app.url_map.bind("localhost")
    pages = {**PUBLIC_PAGES, **OFFICER_PAGES}
    checked = {adapter.match(path.format(**portal.names).partition("?")[0])[0]
               for name, path in pages.items() if name not in NOT_FOUND}  # fmt: skip
    routes = {rule.endpoint for rule in portal.app.url_map.iter_rules() if "GET" in rule.methods}

    forgotten = routes - checked - NOT_PAGES.keys()
    assert not forgotten, f"GET routes neither checked by axe-core nor listed in NOT_PAGES: {sorted(forgotten)}"
    assert not checked & NOT_PAGES.keys()


FOCUS_IS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outlined || style.boxShadow !== "none";
}"""

KEYS = {"Space", "ArrowDown", "ArrowUp"}
"""Keys pressed by name in FILING_BY_KEYBOARD; anything else there is typed."""

# The filing form in Tab order, and what the citizen does on each stop with the keyboard; None = leave empty.
FILING_BY_KEYBOARD = [
    ("f-nama", "Siti Rahmawati"),
    ("f-jenis_pemohon-1", "Space"),  # perorangan
    ("f-nik", "3201014507900001"),
    ("f-nomor_sk_pengesahan", None),
    ("f-alamat", "Jl. Merdeka No. 1, Kabupaten Contoh"),
    ("f-pekerjaan", "Wartawan"),
    ("f-telepon", None),
    ("f-email", "siti@example.id"),
    ("f-dokumen_identitas", None),
    ("f-surat_kuasa", None),
    ("f-melalui_kuasa", None),
    ("f-dinas", "ArrowDown"),  # from "Pilih dinas" down to the first dinas: Dinas Kesehatan
    ("f-rincian_informasi", "Daftar fasilitas kesehatan tahun 2025"),
    ("f-tujuan_penggunaan", "Bahan liputan"),
    ("f-cara_memperoleh-1", "Space ArrowDown"),  # the second choice: mendapatkan salinan
    ("f-format_salinan-1", "Space"),  # softcopy
    ("f-cara_mendapatkan_salinan-1", "Space ArrowUp"),  # from the first choice up to the last: e-mail
    ("f-pernyataan-1", "Space"),
]


def focused(page) -> str:
    """The id of the focused element, or its tag and text when it has none."""
    return page.evaluate("() => document.activeElement.id || document.activeElement.outerHTML.slice(0, 80)")


def test_a_citizen_files_a_request_with_the_keyboard_alone(chromium, portal: Portal) -> None:
    page = chromium.new_context(viewport={"width": WIDTHS["desktop"], "height": 900}).new_page()
    page.goto(portal.address("/permohonan/ajukan"))

    # The first Tab reaches the skip link, shown on screen with a visible focus; Enter jumps to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Langsung ke isi"
    assert page.evaluate(FOCUS_IS_VISIBLE)
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    page.wait_for_url("**#isi", timeout=5_000)  # the browser reports the jump a moment after the key

    # The first stop in the content is the link to the service standards (hours, fees, disability provisions).
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "/standar-layanan"
    assert page.evaluate(FOCUS_IS_VISIBLE)

    # Then Tab goes through the form's fields in reading order, each with a visible focus.
    for field, keys in FILING_BY_KEYBOARD:
        page.keyboard.press("Tab")
        assert focused(page) == field, f"Tab should reach {field}, reached {focused(page)}"
        assert page.evaluate(FOCUS_IS_VISIBLE), f"{field} has no visible focus (outline or box-shadow)"
        if keys and set(keys.split()) <= KEYS:
            for key in keys.split():
                page.keyboard.press(key)
        elif keys:
            page.keyboard.type(keys)
        if field == "f-email":  # a phone number after all: Shift+Tab goes back one field
            page.keyboard.press("Shift+Tab")
            assert focused(page) == "f-telepon"
            page.keyboard.type("0812-3456-7890")
            page.keyboard.press("Tab")
            assert focused(page) == "f-email"
    assert page.locator("#f-dinas").input_value() == "dinkes"
    assert page.get_by_role("radio", name="mendapatkan salinan").is_checked()
    assert page.get_by_role("radio", name="E-mail", exact=True).is_checked()

    # The next Tab reaches the send button; Enter sends the form and the receipt shows the number.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Kirim permohonan"
    assert page.evaluate(FOCUS_IS_VISIBLE)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/permohonan/tanda-bukti/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tanda bukti permohonan informasi"
    assert re.fullmatch(r"\d{4}/PPID/DINKES/\d{4}", page.locator(".panel .number").inner_text().strip())
    page.context.close()


def test_a_form_sent_with_mistakes_takes_the_keyboard_to_them(chromium, portal: Portal) -> None:
    page = chromium.new_context(viewport={"width": WIDTHS["ponsel"], "height": 844}).new_page()
    page.goto(portal.address("/permohonan/ajukan"))
    for key in ("Tab", "Enter", "Tab", "Tab"):  # the skip link, the service standards link, then the first field
        page.keyboard.press(key)
    page.keyboard.type("Siti")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field sends the form

    # The page comes back with the focus on the list of mistakes, which the keyboard reaches first.
    assert page.evaluate("() => document.activeElement.getAttribute('aria-labelledby')") == "ringkasan-galat"
    assert page.evaluate(FOCUS_IS_VISIBLE)
    links = page.get_by_role("alert").get_by_role("link")
    for _mistake in range(links.count()):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_IS_VISIBLE)
        if page.evaluate("() => document.activeElement.getAttribute('href')") == "#f-alamat":
            break
    else:
        pytest.fail("Tab never reached the link to the missing address")

    # Enter on a mistake's link puts the focus in its field, ready for typing.
    page.keyboard.press("Enter")
    assert focused(page) == "f-alamat"
    page.keyboard.type("Jl. Merdeka No. 1")
    assert page.locator("#f-alamat").input_value() == "Jl. Merdeka No. 1"
    assert page.locator("#f-nama").input_value() == "Siti"  # what was typed before is kept
    page.context.close()


def tab_until(page, selector: str, most: int = 25) -> None:
    """Press Tab until the focus is on ``selector``; every stop on the way must show its focus."""
    visited = []
    for _stop in range(most):
        page.keyboard.press("Tab")
        visited.append(focused(page))
        assert page.evaluate(FOCUS_IS_VISIBLE), f"{visited[-1]} has no visible focus (outline or box-shadow)"
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"Tab never reached {selector}; it went through {visited}")


def test_a_requester_objects_to_a_refusal_with_the_keyboard_alone(chromium, portal: Portal) -> None:
    page = chromium.new_context(viewport={"width": WIDTHS["ponsel"], "height": 844}).new_page()
    page.goto(portal.address("/permohonan/lacak/{refused_token}"))

    # The objection form is folded away; Enter on its summary opens it.
    tab_until(page, "details.actions > summary")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Ajukan keberatan kepada atasan PPID"
    page.keyboard.press("Enter")
    assert page.locator("details.actions").get_attribute("open") is not None

    tab_until(page, "input[name=alasan][value=a]")
    page.keyboard.press("Space")  # the first ground: the request was refused under the exceptions of Pasal 17
    tab_until(page, "#f-kasus_posisi")
    page.keyboard.type("Data agregat tanpa nama pasien tidak termasuk informasi yang dikecualikan.")
    tab_until(page, "button")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Kirim keberatan"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Keberatan diterima dengan nomor registrasi" in page.locator(".flash.ok").inner_text()
    page.context.close()
