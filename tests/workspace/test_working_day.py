"""One working day per role in a real headless Chromium, at desktop (1280 px) and phone (390 px) width: from the
public home page through sign-in to the workspace, then every task of the day reached only by clicking (the
workspace's direct links and the officer menu), and signing out in the header. No page scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..live import BROWSER_TEST, served
from ..uploader.helpers import PASSWORD
from ..web.test_accessibility import blocking_violations
from .conftest import Day

pytestmark = BROWSER_TEST

WIDTHS = {"desktop": 1280, "ponsel": 390}
#: Pages that overflow at 390 px because of a wide table, which is w-words's phone-first CSS work (issue 18): only
#: the sideways-scroll assertion of these pages at 390 px is waived here. Remove an entry once that work is merged.


@pytest.fixture
def portal_url(app, day: Day) -> Iterator[str]:
    with served(app) as server:
        yield server.url


class Officer:
    """A person at work in the browser, who only clicks, and the width of every page they saw."""

    def __init__(self, browser, portal_url: str, username: str, width: int) -> None:
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.too_wide: dict[str, int] = {}
        self.page.goto(portal_url + "/")
        self.click(self.page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Petugas"))
        self.page.get_by_label("Nama pengguna atau e-mail").fill(username)
        self.page.get_by_label("Kata sandi").fill(PASSWORD)
        self.click(self.page.get_by_role("button", name="Masuk"))
        assert self.page.url == portal_url + "/petugas/"
        self.saw("ruang kerja")

    def click(self, target) -> None:
        with self.page.expect_navigation():
            target.click()

    def saw(self, name: str) -> None:
        """The page fits the window: nothing pushes it sideways (WCAG 1.4.10)."""
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > self.page.evaluate("innerWidth"):
            self.too_wide[name] = scroll_width

    def task(self, key: str, link: str, name: str) -> None:
        """From the workspace, a task's direct link."""
        self.menu("Ruang kerja", "ruang kerja")
        self.click(self.page.locator(f"#tugas-{key}").get_by_role("link", name=link))
        self.saw(name)

    def menu(self, label: str, name: str) -> None:
        self.click(self.page.get_by_role("navigation", name="Menu petugas").get_by_role("link", name=label, exact=True))
        self.saw(name)

    def menu_labels(self) -> list[str]:
        return self.page.get_by_role("navigation", name="Menu petugas").get_by_role("link").all_inner_texts()

    def sign_out(self, portal_url: str) -> None:
        assert self.page.get_by_role("button", name="Keluar").count() == 1  # in the header, nowhere else
        self.click(self.page.get_by_role("banner").get_by_role("button", name="Keluar"))
        assert self.page.url == portal_url + "/"
        assert self.page.get_by_role("navigation", name="Menu petugas").count() == 0


@pytest.fixture(params=WIDTHS.values(), ids=WIDTHS.keys())
def width(request) -> int:
    return request.param


def test_a_petugas_day(browser, portal_url: str, day: Day, width: int) -> None:
    officer = Officer(browser, portal_url, "petugas", width)
    assert officer.menu_labels() == ["Ruang kerja", "Unggah data", "Permohonan masuk", "Pengumuman", "Informasi publik",
                                     "Akun saya"]
    assert blocking_violations(officer.page) == []

    officer.task("permohonan", f"{day.overdue_request.number}: lewat waktu", "detail permohonan")
    assert officer.page.get_by_text(day.overdue_request.number).first.is_visible()
    officer.task("dikembalikan", "Penduduk Perlu Perbaikan", "draf dikembalikan")
    assert officer.page.get_by_text("Lengkapi sumber datanya.").first.is_visible()
    officer.task("berkas", "penduduk-2022.csv: tidak valid", "laporan validasi")
    assert officer.page.get_by_text("Cara memperbaiki").first.is_visible()
    officer.menu("Unggah data", "meja unggah")
    officer.menu("Permohonan masuk", "antrean permohonan")
    officer.menu("Pengumuman", "pengumuman petugas")
    officer.menu("Akun saya", "akun saya")
    officer.sign_out(portal_url)

    assert officer.too_wide == {}


def test_a_walidata_day(browser, portal_url: str, day: Day, width: int) -> None:
    walidata = Officer(browser, portal_url, "walidata", width)
    assert walidata.menu_labels() == ["Ruang kerja", "Unggah data", "Pemanenan", "Informasi publik", "Akun saya"]

    walidata.task("tinjauan", "Penduduk Menunggu Tinjauan", "draf yang ditinjau")
    assert walidata.page.get_by_role("button", name="Setujui dan terbitkan").is_visible()
    walidata.task("pemanenan", "Pemanenan terakhir", "pemanenan terakhir")
    assert walidata.page.get_by_text("penduduk-2022.csv").first.is_visible()
    walidata.menu("Pemanenan", "daftar pemanenan")
    walidata.menu("Unggah data", "meja unggah")
    walidata.menu("Akun saya", "akun saya")
    walidata.sign_out(portal_url)

    assert walidata.too_wide == {}


def test_an_atasan_day(browser, portal_url: str, day: Day, width: int) -> None:
    atasan = Officer(browser, portal_url, "atasan", width)
    assert atasan.menu_labels() == ["Ruang kerja", "Permohonan masuk", "Akun saya"]

    atasan.task("keberatan", f"{day.objection_number}: jawab paling lambat", "detail permohonan")
    assert atasan.page.get_by_text(day.objected_request.number).first.is_visible()
    atasan.menu("Permohonan masuk", "antrean permohonan")
    atasan.menu("Akun saya", "akun saya")
    atasan.sign_out(portal_url)

    assert atasan.too_wide == {}


def test_an_administrator_day(browser, portal_url: str, day: Day, width: int) -> None:
    admin = Officer(browser, portal_url, "admin", width)
    assert admin.menu_labels() == ["Ruang kerja", "Unggah data", "Permohonan masuk", "Pengumuman", "Pemanenan",
                                   "Informasi publik",
                                   "Akun petugas", "Akun saya"]

    admin.task("permohonan", f"{day.overdue_request.number}: lewat waktu", "detail permohonan")
    admin.task("tinjauan", "Penduduk Menunggu Tinjauan", "draf yang ditinjau")
    admin.task("berkas", "penduduk-2022.csv: tidak valid", "laporan validasi")
    admin.task("pemanenan", "Pemanenan terakhir", "pemanenan terakhir")
    admin.menu("Akun petugas", "akun petugas")
    assert admin.page.get_by_text("walidata-dinkes").first.is_visible()
    admin.menu("Pemanenan", "daftar pemanenan")
    admin.menu("Permohonan masuk", "antrean permohonan")
    admin.menu("Unggah data", "meja unggah")
    admin.menu("Akun saya", "akun saya")
    admin.sign_out(portal_url)

    assert admin.too_wide == {}
