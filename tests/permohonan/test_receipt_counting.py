"""A request filed on a non-working day: every count the requester sees starts from the same day 0 and says why
(receipt page, receipt PDF, tracking page, e-mail, API), and the true moment of filing is kept.

Hand-computed on the 2026 calendar: filed on Sunday 6 December 2026 at 10.00 WIB; day 0 is Monday 7 December;
ten working days after it (8-11, 14-18, 21 December) end on Monday 21 December 2026."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow

from .conftest import Clock, filing
from .test_notices import _to

SUNDAY_FILING = (2026, 12, 6, 10)
EXPLANATION = ("Permohonan dianggap diterima pada hari kerja berikutnya, Senin, 7 Desember 2026, karena diterima pada "
               "hari libur (Minggu); waktu sebenarnya tetap dicatat: 6 Desember 2026, 10.00 WIB. Hari itu adalah "
               "hari ke-0: 10 hari kerja dihitung sesudahnya.")


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0], "PPID_PUBLIC_URL": "https://ppid.contoh.go.id"}


def test_days_left_count_from_day_zero_not_from_the_sunday_of_filing(workflow, clock) -> None:
    clock.set(*SUNDAY_FILING)
    permohonan = workflow.file(filing()).permohonan
    status = workflow.status(permohonan)
    assert (status.receipt.day, status.due) == (date(2026, 12, 7), date(2026, 12, 21))
    assert status.receipt.received_at.date() == date(2026, 12, 6)  # the true moment is kept
    assert status.working_days_left == 10  # not 11: the Monday is day 0, not the first day counted
    clock.set(2026, 12, 7)
    assert workflow.status(permohonan).working_days_left == 10
    clock.set(2026, 12, 8)
    assert workflow.status(permohonan).working_days_left == 9


def test_receipt_page_pdf_tracking_page_and_email_say_the_same(client, platform, session, config,
                                                              smtp_server) -> None:
    clock = Clock(None)
    clock.set(*SUNDAY_FILING)
    filed = Workflow(session, config, platform.registry, clock=clock, notices=Notices(platform)).file(filing())
    session.commit()

    [mail] = _to(smtp_server[1].messages, "siti@example.id")
    body = mail.get_content()
    assert EXPLANATION in _one_line(body) and "Batas waktu: Senin, 21 Desember 2026." in body

    for page_url in (f"/permohonan/tanda-bukti/{filed.token}", f"/permohonan/lacak/{filed.token}"):
        page = _one_line(re.sub(r"<[^>]+>", " ", client.get(page_url).get_data(as_text=True)))
        assert EXPLANATION in page and "Senin, 21 Desember 2026" in page
        assert "Dihitung dari hari kerja ini" not in page

    pdf = client.get(f"/permohonan/tanda-bukti/{filed.token}.pdf")
    text = _one_line(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages))
    assert EXPLANATION in text and "Senin, 21 Desember 2026" in text


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)
