"""A citizen explores a table in a real headless Chromium on a phone, JavaScript off: filters and sorts it, reads
its chart and data dictionary, and downloads it as XLSX and Parquet, which open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest

from ppid.pipeline.runner import run_harvest

from ..live import BROWSER_TEST, served

pytestmark = BROWSER_TEST
POPULATION = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
PHONE = 390


@pytest.fixture
def portal_url(platform, app) -> Iterator[str]:
    run_harvest(platform)
    with served(app) as server:
        yield server.url


@pytest.fixture
def page(browser):
    """A phone with JavaScript off: the explorer is made on the server, so it must work without any."""
    return browser.new_context(accept_downloads=True, viewport={"width": PHONE, "height": 844},
                               java_script_enabled=False).new_page()  # fmt: skip


def fits(page) -> bool:
    """Nothing makes the page wider than the phone: wide tables scroll inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_a_citizen_filters_sorts_charts_reads_and_downloads_a_table(page, portal_url: str, tmp_path: Path) -> None:
    page.goto(f"{portal_url}/dataset/{POPULATION}")
    table = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    assert table.get_by_role("region", name=re.compile("^Tabel penduduk-2024.csv")).get_by_role(
        "cell", name="204.434").is_visible()
    assert fits(page)

    table.get_by_text("Saring menurut kolom").click()
    table.get_by_label("Kode Kecamatan").fill("320101")
    table.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"-f-kode_kecamatan=320101"))
    table = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    rows = table.get_by_role("region", name=re.compile("^Tabel penduduk-2024.csv")).locator("tbody tr")
    assert rows.count() == 1
    assert "Cibinong" in rows.first.inner_text()

    table.get_by_role("link", name="Hapus pencarian, saringan dan urutan").click()
    table = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    table.get_by_role("link", name=re.compile(r"^Jumlah Penduduk jumlah_penduduk")).click()  # ascending
    page.wait_for_url(re.compile(r"-urut=jumlah_penduduk"))
    table = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    table.get_by_role("link", name=re.compile(r"^Jumlah Penduduk jumlah_penduduk")).click()  # then descending
    page.wait_for_url(re.compile(r"-urut=-jumlah_penduduk"))
    table = page.get_by_role("region", name="Jelajahi data: penduduk-2024.csv")
    header = table.get_by_role("columnheader", name=re.compile(r"^Jumlah Penduduk jumlah_penduduk"))
    assert header.get_attribute("aria-sort") == "descending"
    first = table.get_by_role("region", name=re.compile("^Tabel penduduk-2024.csv")).locator("tbody tr").first
    assert "Cariu" in first.inner_text()
    assert fits(page)

    chart = table.get_by_role("img", name=re.compile(r"^Diagram batang: Jumlah Penduduk menurut kecamatan"))
    assert chart.is_visible()
    assert chart.bounding_box()["width"] <= PHONE
    assert table.get_by_role("row", name="Cariu 303.298").is_visible()
    dictionary = page.get_by_role("region", name=re.compile("^Kamus data: Jumlah Penduduk"))
    assert dictionary.get_by_role("rowheader", name="Kode Kecamatan kode_kecamatan").is_visible()
    assert fits(page)

    with page.expect_download() as xlsx_download:
        table.get_by_role("link", name="XLSX penduduk-2024.csv").click()
    xlsx = tmp_path / "penduduk.xlsx"
    xlsx_download.value.save_as(xlsx)
    sheet = openpyxl.load_workbook(xlsx, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "jumlah_penduduk" in rows[0]
    assert len(rows) == 9

    with page.expect_download() as parquet_download:
        table.get_by_role("link", name="Parquet penduduk-2024.csv").click()
    parquet = tmp_path / "penduduk.parquet"
    parquet_download.value.save_as(parquet)
    query = "SELECT sum(jumlah_penduduk), count(*) FROM read_parquet(?)"
    total = duckdb.connect().execute(query, [str(parquet)]).fetchone()
    assert total[1] == 8
    assert total[0] == sum(row[rows[0].index("jumlah_penduduk")] for row in rows[1:])
