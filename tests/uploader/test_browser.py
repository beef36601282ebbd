"""End to end in a real headless Chromium: an officer uploads a messy table, reads the report, uploads the
fixed file and submits; the walidata approves; citizens find the dataset on the portal. A large table shows
its check progressing (updated by uploader.js, or a page reloading itself without JavaScript), then its report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..live import BROWSER_TEST, served
from ..web.test_accessibility import blocking_violations
from .helpers import GOOD_CSV, MESSY_CSV, PASSWORD, population_table

pytestmark = BROWSER_TEST


@pytest.fixture
def portal_url(app, accounts) -> Iterator[str]:
    with served(app) as server:
        yield server.url


def sign_in(browser, portal_url: str, username: str):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(portal_url + "/masuk")
    page.get_by_label("Nama pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/petugas/")  # the workspace; the uploader is one click away in the officer menu
    page.get_by_role("link", name="Unggah data").click()
    page.wait_for_url("**/unggah/")
    return page


def test_from_a_messy_upload_to_a_published_dataset(browser, portal_url: str, tmp_path: Path) -> None:
    messy, fixed = tmp_path / "penduduk-2024.csv", tmp_path / "penduduk-2024-perbaikan.csv"
    messy.write_text(MESSY_CSV, encoding="utf-8")
    fixed.write_text(GOOD_CSV, encoding="utf-8")

    officer = sign_in(browser, portal_url, "capil")
    officer.get_by_role("link", name="Buat draf dataset baru").click()
    officer.get_by_label("Judul dataset").fill("Penduduk per Kecamatan dari Petugas")
    officer.get_by_label("Tahun / periode").fill("2024-S1")
    officer.get_by_role("button", name="Buat draf").click()
    officer.get_by_label("Pilih berkas").set_input_files(messy)
    with officer.expect_response(lambda response: "/bagian/1" in response.url) as part:  # sent by uploader.js
        officer.get_by_role("button", name="Unggah", exact=True).click()
    assert part.value.status == 200
    officer.wait_for_selector("text=Perlu diperbaiki")

    officer.get_by_role("link", name="Lihat laporan validasi").click()
    assert officer.get_by_text("Cara memperbaiki").first.is_visible()
    assert "seratus" in officer.content()
    officer.go_back()

    officer.get_by_label("Ganti dengan berkas yang sudah diperbaiki").set_input_files(fixed)
    officer.get_by_role("button", name="Unggah versi baru").click()
    officer.wait_for_selector("h3:has-text('penduduk-2024-perbaikan.csv') >> text=Valid")
    officer.get_by_role("button", name="Ajukan untuk ditinjau").click()
    officer.wait_for_selector("text=Draf diajukan ke walidata")

    walidata = sign_in(browser, portal_url, "walidata")
    walidata.get_by_role("link", name="Penduduk per Kecamatan dari Petugas").first.click()
    walidata.get_by_role("button", name="Setujui dan terbitkan").click()
    walidata.wait_for_selector("text=Draf disetujui")

    walidata.goto(portal_url + "/")
    walidata.get_by_role("searchbox").fill("Petugas")
    walidata.get_by_role("button", name="Cari").click()
    walidata.get_by_role("link", name="Penduduk per Kecamatan dari Petugas").click()
    # waits for the dataset page (reading the page at once could catch it half loaded) and fails if it never shows
    walidata.get_by_text("penduduk-2024-perbaikan.csv").first.wait_for()


@pytest.mark.parametrize("javascript", [True, False], ids=["dengan-javascript", "tanpa-javascript"])
def test_a_large_upload_shows_the_check_progressing_then_its_report(
    browser, portal_url: str, platform, tmp_path: Path, javascript: bool
) -> None:
    table = tmp_path / "penduduk-per-kecamatan.csv"
    population_table(table, 120_000)
    platform.settings.defaults["uploader"]["report_wait_seconds"] = 0  # even with a much faster engine
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    officer = context.new_page()
    officer.goto(portal_url + "/masuk")
    officer.get_by_label("Nama pengguna atau e-mail").fill("capil")
    officer.get_by_label("Kata sandi").fill(PASSWORD)
    officer.get_by_role("button", name="Masuk").click()
    officer.get_by_role("link", name="Unggah data").click()
    officer.get_by_role("link", name="Buat draf dataset baru").click()
    officer.get_by_label("Judul dataset").fill("Penduduk per Kecamatan 1950–1966")
    officer.get_by_label("Tahun / periode").fill("1950")
    officer.get_by_role("button", name="Buat draf").click()
    officer.get_by_label("Pilih berkas").set_input_files(table)
    held: list = []  # the script's questions wait while axe-core reads the page, as on a slow connection
    officer.route("**/pemeriksaan.json", lambda question: held.append(question))
    officer.get_by_role("button", name="Unggah", exact=True).click()

    officer.wait_for_url("**/pemeriksaan", timeout=120_000)
    progress = officer.get_by_role("progressbar", name="Kemajuan pemeriksaan")
    assert progress.is_visible()
    status = officer.get_by_role("status").filter(has_text=re.compile("Menunggu giliran|Mulai membaca|Memeriksa baris"))
    assert status.get_attribute("aria-live") == "polite"
    if javascript:
        assert blocking_violations(officer) == []
    officer.unroute("**/pemeriksaan.json")  # the questions held go on to the server
    officer.wait_for_selector("h3:has-text('penduduk-per-kecamatan.csv') >> text=Perlu diperbaiki", timeout=300_000)
    officer.get_by_role("link", name="Lihat laporan validasi").click()
    assert officer.get_by_text("Cara memperbaiki").first.is_visible()
    assert "seratus" in officer.content()
    context.close()
