"""Notices both ways: when an officer submits a draft, or submits it again after fixing it, the walidata of that
dinas and the region-wide walidata see a notice and get an e-mail (through a real SMTP server); a walidata of
another dinas hears nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ppid.uploader.models import Notice

from ..uploader.helpers import GOOD_CSV, new_draft, upload
from .conftest import signed_in


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0]}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


def submit(officer, draft_id: int) -> None:
    response = officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token})
    assert response.status_code == 302


def mail_to(received, address: str) -> list:
    return [message for message in received if message["To"] == address]


def test_the_walidata_of_the_dinas_and_of_the_region_are_told_when_a_draft_is_submitted(
    app, platform, people, received
) -> None:
    officer = signed_in(app, "petugas")
    draft_id = new_draft(officer, title="Penduduk Semester Satu")
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())

    submit(officer, draft_id)

    for walidata in ("walidata", "walidata-capil"):
        [message] = mail_to(received, f"{walidata}@contoh.go.id")
        assert message["Subject"] == "Draf dataset: Penduduk Semester Satu"
        body = message.get_content()
        assert ("Draf “Penduduk Semester Satu” dari Dinas Kependudukan dan Pencatatan Sipil Kabupaten Contoh "
                "diajukan oleh Petugas dan menunggu tinjauan Anda.") in body
        assert f"/unggah/draf/{draft_id}" in body
    assert mail_to(received, "walidata-dinkes@contoh.go.id") == []
    with platform.database.session() as session:
        owners = set(session.scalars(select(Notice.user_id).where(Notice.draft_id == draft_id)))
    assert owners == {people["walidata"], people["walidata-capil"]}
    desk = signed_in(app, "walidata-capil").get("/unggah/").get_data(as_text=True)
    assert "diajukan oleh Petugas dan menunggu tinjauan Anda" in desk


def test_a_resubmission_after_a_send_back_says_so(app, people, received) -> None:
    officer, walidata = signed_in(app, "petugas"), signed_in(app, "walidata")
    draft_id = new_draft(officer, title="Penduduk Semester Dua")
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())
    submit(officer, draft_id)
    walidata.post(f"/unggah/draf/{draft_id}/kembalikan", data={"csrf_token": walidata.token, "komentar": "Satuan?"})

    submit(officer, draft_id)

    first, second = mail_to(received, "walidata@contoh.go.id")
    assert "diajukan oleh" in first.get_content()
    assert "diajukan ulang oleh Petugas setelah diperbaiki dan menunggu tinjauan Anda" in second.get_content()
    workspace = walidata.get("/petugas/").get_data(as_text=True)
    assert "diajukan ulang oleh Petugas setelah diperbaiki" in workspace  # the notice, on the workspace too
