"""A request's whole life in a real headless Chromium: filed by a citizen, extended and answered by an
officer, then objected to by the requester, all through the pages people use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant

from ..live import BROWSER_TEST, served
from .conftest import PASSWORD, make_user

pytestmark = BROWSER_TEST


@pytest.fixture
def portal_url(app) -> Iterator[str]:
    with served(app) as server:
        yield server.url


def test_citizen_files_officer_extends_and_answers_requester_objects(
    browser, portal_url: str, session, tmp_path: Path
) -> None:
    make_user(session, "petugas.dinkes", Grant(Role.OFFICER, "dinkes"))

    # A citizen files on the public form and gets the receipt with the registration number.
    citizen = browser.new_context(accept_downloads=True).new_page()
    citizen.goto(portal_url + "/permohonan/ajukan")
    citizen.fill("#f-nama", "Siti Rahmawati")
    citizen.check("input[name=jenis_pemohon][value=perorangan]")
    citizen.fill("#f-nik", "3201014507900001")
    citizen.fill("#f-alamat", "Jl. Merdeka No. 1, Kabupaten Contoh")
    citizen.fill("#f-pekerjaan", "Wartawan")
    citizen.fill("#f-email", "siti@example.id")
    citizen.select_option("#f-dinas", "dinkes")
    citizen.fill("#f-rincian_informasi", "Daftar fasilitas kesehatan tahun 2025")
    citizen.fill("#f-tujuan_penggunaan", "Bahan liputan")
    citizen.check("input[name=cara_memperoleh][value=salinan]")
    citizen.check("input[name=format_salinan][value=softcopy]")
    citizen.check("input[name=cara_mendapatkan_salinan][value=email]")
    citizen.check("#f-pernyataan-1")
    citizen.get_by_role("button", name="Kirim permohonan").click()
    citizen.wait_for_url(re.compile(r"/permohonan/tanda-bukti/"))
    number = citizen.locator(".panel .number").inner_text().strip()
    assert re.fullmatch(r"0001/PPID/DINKES/\d{4}", number)
    tracking_link = citizen.locator(".secret a").get_attribute("href")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Unduh tanda bukti (PDF)").click()
    receipt = tmp_path / "tanda-bukti.pdf"
    download.value.save_as(receipt)
    assert receipt.read_bytes().startswith(b"%PDF-")

    # An officer signs in, extends the deadline with a reason, then grants the request.
    officer = browser.new_context().new_page()
    officer.goto(portal_url + "/masuk")
    officer.fill("#username", "petugas.dinkes")
    officer.fill("#password", PASSWORD)
    officer.get_by_role("button", name="Masuk").click()
    officer.goto(portal_url + "/permohonan/petugas/")
    officer.get_by_role("link", name=number).click()
    officer.get_by_text("Perpanjang batas waktu (Pasal 22 ayat (8))").click()
    extend = officer.locator("form[action$='/perpanjang']")
    extend.locator("input[name=hari]").fill("7")
    extend.locator("textarea[name=alasan]").fill("Data tersebar di tiga puskesmas")
    extend.get_by_role("button", name="Perpanjang").click()
    assert "Tercatat: Batas waktu diperpanjang." in officer.locator(".flash").first.inner_text()
    officer.get_by_text("Kirim pemberitahuan tertulis (Pasal 22 ayat (7))").click()
    decide = officer.locator("form[action$='/putuskan']")
    decide.locator("input[name=keputusan][value=dikabulkan_seluruhnya]").check()
    decide.locator("textarea[name=materi]").fill("Daftar fasilitas kesehatan 2025 (berkas CSV)")
    decide.get_by_role("button", name="Kirim pemberitahuan").click()
    assert "Tercatat: Pemberitahuan tertulis dikirim." in officer.locator(".flash").first.inner_text()

    # The requester opens the tracking page, sees the answer, and files an objection.
    citizen.goto(tracking_link.replace("http://127.0.0.1:5000", portal_url))
    content = citizen.content()
    assert "Pemberitahuan tertulis: dikabulkan seluruhnya" in content
    assert "Data tersebar di tiga puskesmas" in content
    citizen.get_by_text("Ajukan keberatan kepada atasan PPID").click()
    citizen.check("input[name=alasan][value=d]")
    citizen.fill("textarea[name=kasus_posisi]", "Data yang diberikan tanpa anggaran perawatan yang saya minta.")
    citizen.get_by_role("button", name="Kirim keberatan").click()
    flash = citizen.locator(".flash.ok").inner_text()
    assert re.search(r"Keberatan diterima dengan nomor registrasi 0001/KEBERATAN/DINKES/\d{4}\.", flash)
    citizen.wait_for_load_state()  # the flash is in the first bytes: read the page once all of it has arrived
    assert "Batas tanggapan atasan PPID" in citizen.content()
