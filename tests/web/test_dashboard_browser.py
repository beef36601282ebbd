"""The transparency dashboard in a real headless Chromium: every chart is drawn (bars on screen, inside the
window at phone and desktop width), each beside a table with the same numbers, and choosing a dinas shows its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ppid.pipeline.runner import run_harvest

from ..live import BROWSER_TEST, served

pytestmark = BROWSER_TEST


@pytest.fixture
def portal_url(platform, app) -> Iterator[str]:
    run_harvest(platform)
    with served(app) as server:
        yield server.url


def drawn_charts(page) -> list[dict]:
    """For each chart on the page: its name, its size on screen, how many bars have a width, the rows of its table."""
    return page.evaluate("""() => [...document.querySelectorAll('section.chart')].map(section => {
        const svg = section.querySelector('figure svg[role=img]');
        const box = svg.getBoundingClientRect();
        const bars = [...svg.querySelectorAll('rect')].filter(rect => !rect.closest('clipPath')
            && rect.getBoundingClientRect().width > 0.5 && rect.getBoundingClientRect().height > 0.5
            && getComputedStyle(rect).fill.startsWith('rgb(3'));  // the bar colour, #1f5f8b
        return {name: svg.getAttribute('aria-label'), width: box.width, height: box.height, right: box.right,
                bars: bars.length, rows: section.querySelectorAll('tbody tr').length};
    })""")


@pytest.mark.parametrize("width", [390, 1280], ids=["ponsel", "desktop"])
def test_the_dashboard_charts_render_with_their_tables(browser, portal_url: str, width: int) -> None:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()

    page.goto(portal_url + "/transparansi")

    charts = drawn_charts(page)
    names = [chart["name"] for chart in charts]
    assert "Grafik batang: Dataset dan dokumen per dinas" in names
    assert "Grafik batang: Tabel yang lolos validasi per dinas (%)" in names
    assert "Grafik batang: Kesegaran dataset dan dokumen" in names
    for chart in charts:
        assert chart["width"] > 200 and chart["height"] > 40, chart
        assert chart["right"] <= width, chart  # the chart fits the window, the page never scrolls sideways
        assert chart["rows"] >= 1, chart
    per_dinas = next(chart for chart in charts if chart["name"].endswith("Dataset dan dokumen per dinas"))
    assert per_dinas["bars"] >= 1 and per_dinas["bars"] <= per_dinas["rows"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()


def test_choosing_a_dinas_shows_its_own_dashboard(browser, portal_url: str) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(portal_url + "/transparansi")

    page.get_by_label("Dinas", exact=True).select_option(label="Dinas Kesehatan Kabupaten Contoh")
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Dasbor transparansi: Dinas Kesehatan Kabupaten Contoh"
    assert "dinas=dinkes" in page.url
    assert all(chart["width"] > 200 for chart in drawn_charts(page))
    page.context.close()
