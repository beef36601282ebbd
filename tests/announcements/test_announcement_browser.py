"""In a real headless Chromium: an officer publishes a serta-merta announcement from the officer page, and a citizen
on a phone sees it at once as a labelled warning at the top of every public page, without sideways scrolling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..live import BROWSER_TEST, served
from ..uploader.helpers import PASSWORD
from .officers import create_people

pytestmark = BROWSER_TEST


@pytest.fixture
def portal_url(platform, app) -> Iterator[str]:
    create_people(platform)
    with served(app) as server:
        yield server.url


def test_an_announcement_published_by_an_officer_appears_on_the_public_pages_of_a_phone(browser, portal_url) -> None:
    officer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer.goto(portal_url + "/masuk")
    officer.get_by_role("textbox", name="Nama pengguna").fill("petugas-bpbd")
    officer.get_by_label("Kata sandi").fill(PASSWORD)
    with officer.expect_navigation():
        officer.get_by_role("button", name="Masuk").click()
    officer.goto(portal_url + "/petugas/pengumuman")
    officer.get_by_label("Jenis ancaman").select_option(label="Bencana alam")
    officer.get_by_label("Judul").fill("Tanah longsor di jalur Puncak")
    officer.get_by_label("Wilayah terdampak").fill("Kecamatan Cisarua")
    officer.get_by_label("Isi pengumuman").fill("Jalur Puncak ditutup; gunakan jalur alternatif Jonggol.")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Terbitkan sekarang").click()
    assert officer.get_by_role("heading", level=1).inner_text() == "Tanah longsor di jalur Puncak"

    citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    for path in ("/", "/dataset", "/dokumen", "/permohonan/", "/informasi-berkala"):
        citizen.goto(portal_url + path)
        warning = citizen.get_by_role("region", name="Peringatan: pengumuman serta-merta")
        assert warning.is_visible(), path
        assert "Bencana alam: Tanah longsor di jalur Puncak" in warning.inner_text()
        assert "Wilayah: Kecamatan Cisarua." in warning.inner_text()
        assert citizen.evaluate("document.documentElement.scrollWidth") <= 390, path
        # the banner comes before the page's own content, right under the header
        assert citizen.evaluate("document.querySelector('.serta-merta').nextElementSibling.id") == "isi"

    citizen.get_by_role("link", name="Tanah longsor di jalur Puncak").click()
    citizen.wait_for_url("**/pengumuman/*")
    assert citizen.get_by_text("Jalur Puncak ditutup; gunakan jalur alternatif Jonggol.").is_visible()
