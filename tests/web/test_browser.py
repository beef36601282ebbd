"""A citizen in a real headless Chromium: search, narrow by a facet, open a dataset, read its preview,
download a file and get the same bytes."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from waitress import create_server

from ppid.pipeline.runner import run_harvest

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def portal_url(platform, app) -> Iterator[str]:
    run_harvest(platform)
    server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_use_poll=True)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True, viewport={"width": 390, "height": 844})
        yield context.new_page()
        browser.close()


def test_a_citizen_finds_and_downloads_a_dataset_on_a_phone(page, portal_url: str, platform, tmp_path: Path) -> None:
    page.goto(portal_url + "/")
    page.get_by_role("searchbox").fill("penduduk")
    page.get_by_role("button", name="Cari").click()
    filters = page.get_by_role("complementary", name="Saring")
    filters.get_by_role("link", name="kependudukan", exact=True).click()
    page.wait_for_url("**tags=kependudukan**")
    assert page.get_by_role("link", name="Hapus saringan Topik: kependudukan").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin").click()
    preview = page.get_by_role("region", name="Pratinjau penduduk-2024.csv")
    assert preview.get_by_role("columnheader", name="nama_kecamatan").is_visible()
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
