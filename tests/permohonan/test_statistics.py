"""Fulfilment time in the annual figures (UU KIP Pasal 12 b): working days from the deemed receipt, never below 0.

Dates hand-computed on the 2026 calendar: Thu 14 May is Kenaikan Yesus Kristus and Fri 15 May cuti bersama.
"""

from __future__ import annotations

import re

import pytest

from ppid.permohonan.statistics import annual_report

from .conftest import filing
from .test_reports import GRANT, pdf_text
from .test_web import sign_in

CASES = {
    # filed (y, m, d, hour), decided (y, m, d): working days after day 0 up to the notice
    "the same working day as receipt": ((2026, 5, 11, 9), (2026, 5, 11), 0),
    "a Sunday filing decided that Sunday": ((2026, 5, 10, 9), (2026, 5, 10), 0),
    "an after-hours filing decided that evening": ((2026, 5, 11, 17), (2026, 5, 11), 0),
    "a Wednesday filing decided on the Saturday": ((2026, 5, 6, 9), (2026, 5, 9), 2),
    "a Friday filing decided on the Sunday": ((2026, 5, 8, 9), (2026, 5, 10), 0),
    "a Wednesday filing decided after Kenaikan and cuti bersama": ((2026, 5, 13, 9), (2026, 5, 18), 1),
}


@pytest.mark.parametrize(("filed", "decided", "days"), CASES.values(), ids=CASES.keys())
def test_fulfilment_time_counts_working_days_from_the_deemed_receipt(
    workflow, dinkes_officer, clock, filed, decided, days
) -> None:
    clock.set(*filed)
    permohonan = workflow.file(filing()).permohonan
    clock.set(*decided, 19)
    workflow.decide(permohonan, officer=dinkes_officer, data=GRANT)
    report = annual_report(workflow, year=2026, scope=None, scope_label="Kabupaten")
    assert report.median_working_days == days and report.average_working_days == days


@pytest.fixture
def sunday_decision(workflow, session, dinkes_officer, clock):
    """The issue's case: received on Sunday 10 May 2026 (day 0 is Monday 11 May) and granted the same Sunday."""
    clock.set(2026, 5, 10, 10)
    permohonan = workflow.file(filing()).permohonan
    clock.set(2026, 5, 10, 15)
    workflow.decide(permohonan, officer=dinkes_officer, data=GRANT)
    session.commit()


MEDIAN = re.compile(r"Median waktu pemenuhan \(hari kerja, Pasal 12 huruf b\)</th><td>([^<]*)<")


def test_public_statistics_page_shows_zero_days_not_minus_one(client, sunday_decision) -> None:
    html = client.get("/permohonan/statistik?tahun=2026").text
    assert MEDIAN.search(html).group(1) == "0,0"
    assert "-1,0" not in html


def test_officer_report_and_its_pdf_show_zero_days_not_minus_one(client, sunday_decision) -> None:
    sign_in(client, "petugas.dinkes")
    html = client.get("/permohonan/petugas/laporan?tahun=2026").text
    assert MEDIAN.search(html).group(1) == "0,0"
    text = pdf_text(client.get("/permohonan/petugas/laporan.pdf?tahun=2026").data)
    assert "Median waktu pemenuhan (hari kerja, Pasal 12 huruf b)" in text
    assert "-1,0" not in text and re.search(r"Median waktu pemenuhan[^\n]*\n0,0", text), text
