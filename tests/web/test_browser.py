"""A citizen in a real headless Chromium: search, narrow by a facet, open a dataset, read its preview,
download a file and get the same bytes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ppid.pipeline.runner import run_harvest

from ..live import BROWSER_TEST, served

pytestmark = BROWSER_TEST


@pytest.fixture
def portal_url(platform, app) -> Iterator[str]:
    run_harvest(platform)
    with served(app) as server:
        yield server.url


@pytest.fixture
def page(browser):
    """A phone-sized page that accepts downloads."""
    return browser.new_context(accept_downloads=True, viewport={"width": 390, "height": 844}).new_page()


def test_a_citizen_finds_and_downloads_a_dataset_on_a_phone(page, portal_url: str, platform, tmp_path: Path) -> None:
    page.goto(portal_url + "/")
    page.get_by_role("searchbox").fill("penduduk")
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("Saring hasil").click()  # on a phone the filters wait behind a button
    filters = page.get_by_role("complementary", name="Saring")
    filters.get_by_role("link", name="kependudukan", exact=True).click()
    page.wait_for_url("**tags=kependudukan**")
    assert page.get_by_role("link", name="Hapus saringan Topik: kependudukan").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin").click()
    page.wait_for_url("**/dataset/*")  # and its load: measured with its stylesheet, not half-way through navigating
    preview = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    assert preview.get_by_role("columnheader", name=re.compile("^Nama Kecamatan nama_kecamatan")).is_visible()
    assert preview.get_by_role("cell", name="Cibinong").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the wide table scrolls in its box
    # The download links point at the public URL; serve them from this test server instead.
    page.route("http://127.0.0.1:5000/**", lambda route: route.continue_(
        url=route.request.url.replace("http://127.0.0.1:5000", portal_url)))
    with page.expect_download() as download_info:
        page.locator("tr", has_text="penduduk-2024.csv").get_by_role("link", name="Unduh").click()
    saved = tmp_path / "unduhan.csv"
    download_info.value.save_as(saved)

    original = Path(__file__).resolve().parents[2] / "examples/kabupaten-contoh/disdukcapil/penduduk-2024.csv"
    assert saved.read_bytes() == original.read_bytes()
    assert "Lolos validasi skema" in page.content()


def test_on_a_phone_the_results_come_first_and_the_filters_wait_behind_a_button(page, portal_url: str) -> None:
    page.goto(portal_url + "/dataset")
    first_result = page.locator("ul.cards li").first
    a_filter = page.get_by_role("link", name="kependudukan", exact=True)

    assert first_result.bounding_box()["y"] < 844  # on the first screen, not 2,000 px down
    assert not a_filter.is_visible()
    page.get_by_text("Saring hasil").click()
    assert a_filter.is_visible()


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(browser, portal_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(portal_url + "/dataset")

    assert page.get_by_role("link", name="kependudukan", exact=True).is_visible()
    assert not page.get_by_text("Saring hasil").is_visible()
    filters = page.get_by_role("complementary", name="Saring").bounding_box()
    results = page.locator("ul.cards").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"]  # side by side


def test_a_wide_table_scrolls_inside_its_box_and_takes_the_keyboard(page, portal_url: str) -> None:
    page.goto(portal_url + "/dataset/disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin")
    page.get_by_role("link", name="Laporan validasi").first.click()
    page.wait_for_url("**/validasi/*")  # and its load: measured with its stylesheet, not half-way through navigating
    box = page.get_by_role("region", name=re.compile("^Temuan: ")).first

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert page.evaluate("document.activeElement.tabIndex") == 0
