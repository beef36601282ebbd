"""End to end in a real headless Chromium: an officer uploads a messy table, reads the report, uploads the
fixed file and submits; the walidata approves; citizens find the dataset on the portal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..live import BROWSER_TEST, served
from .helpers import GOOD_CSV, MESSY_CSV, PASSWORD

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
    assert "penduduk-2024-perbaikan.csv" in walidata.content()
