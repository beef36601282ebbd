"""The daily digest: an officer who chooses it on their account page gets one e-mail a day (through a real SMTP
server) saying what waits for them and the notices since the previous digest, instead of one e-mail per notice;
running the sender again the same day sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ppid.accounts.models import User
from ppid.cli import main
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow
from ppid.uploader.models import Notice
from ppid.workspace.digest import send_digests
from ppid.workspace.models import DigestSent

from ..permohonan.conftest import filing
from ..uploader.helpers import GOOD_CSV, new_draft, upload
from .conftest import signed_in

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 12, 7, 6, 30, tzinfo=WIB)


@pytest.fixture
def environ(environ, smtp_server):
    return {**environ, "PPID_SMTP_URL": smtp_server[0]}


@pytest.fixture
def received(smtp_server):
    return smtp_server[1].messages


def choose_digest(client, choice: str = "harian") -> None:
    response = client.post("/akun/ringkasan-harian", data={"csrf_token": client.token, "ringkasan": choice})
    assert response.status_code == 303


def submitted_draft(app, title: str) -> int:
    officer = signed_in(app, "petugas")
    draft_id = new_draft(officer, title=title)
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())
    officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token})
    return draft_id


def mail_to(received, address: str) -> list:
    return [message for message in received if message["To"] == address]


def test_the_choice_is_made_on_the_account_page(app, platform, people) -> None:
    walidata = signed_in(app, "walidata")
    page = walidata.get("/akun/").get_data(as_text=True)
    assert 'id="ringkasan-setiap" name="ringkasan" value="setiap" checked' in page

    choose_digest(walidata)

    page = walidata.get("/akun/").get_data(as_text=True)
    assert 'id="ringkasan-harian" name="ringkasan" value="harian" checked' in page
    assert "Anda akan menerima satu ringkasan sehari." in page
    with platform.database.session() as session:
        assert session.get(User, people["walidata"]).daily_digest is True
    assert app.test_client().get("/akun/ringkasan-harian").status_code == 405
    forged = signed_in(app, "walidata").post("/akun/ringkasan-harian", data={"ringkasan": "setiap"})
    assert forged.status_code == 400  # no CSRF token: nothing changes
    with platform.database.session() as session:
        assert session.get(User, people["walidata"]).daily_digest is True


def test_an_officer_on_the_digest_gets_one_e_mail_a_day_instead_of_one_per_notice(
    app, platform, people, received
) -> None:
    choose_digest(signed_in(app, "walidata"))
    first = submitted_draft(app, "Penduduk Pertama")
    second = submitted_draft(app, "Penduduk Kedua")

    assert mail_to(received, "walidata@contoh.go.id") == []  # the notices are on the desk only
    assert len(mail_to(received, "walidata-capil@contoh.go.id")) == 2  # who did not choose the digest
    with platform.database.session() as session:
        assert len(session.scalars(select(Notice).where(Notice.user_id == people["walidata"])).all()) == 2

    assert send_digests(platform, clock=lambda: MONDAY) == 1

    [digest] = mail_to(received, "walidata@contoh.go.id")
    assert digest["Subject"] == "Ringkasan harian: 2 hal menunggu Anda"
    body = digest.get_content()
    assert "Draf dataset yang menunggu tinjauan Anda: 2" in body
    assert f"Penduduk Pertama: http://127.0.0.1:5000/unggah/draf/{first}" in body
    assert f"Penduduk Kedua: http://127.0.0.1:5000/unggah/draf/{second}" in body
    assert "Pemberitahuan sejak ringkasan sebelumnya:" in body and body.count("menunggu tinjauan Anda.") == 2
    assert "http://127.0.0.1:5000/petugas/" in body


def test_the_digest_is_never_sent_twice_on_one_day(app, platform, people, received) -> None:
    choose_digest(signed_in(app, "walidata"))
    submitted_draft(app, "Penduduk Pertama")

    assert send_digests(platform, clock=lambda: MONDAY) == 1
    assert send_digests(platform, clock=lambda: MONDAY.replace(hour=15)) == 0

    assert len(mail_to(received, "walidata@contoh.go.id")) == 1
    with platform.database.session() as session:
        days = session.scalars(select(DigestSent.day).where(DigestSent.user_id == people["walidata"])).all()
    assert days == [MONDAY.date()]


def test_ppid_mail_digest_sends_the_days_digests_from_cron(environ, people) -> None:
    result = CliRunner().invoke(main, ["mail", "digest"], env=environ)

    assert result.exit_code == 0, result.output
    assert "ringkasan harian dikirim." in result.output


def test_nothing_waiting_means_no_digest_and_weekends_send_nothing(app, platform, people, received) -> None:
    choose_digest(signed_in(app, "walidata"))

    assert send_digests(platform, clock=lambda: MONDAY) == 0  # nothing waits, no notice: no e-mail
    submitted_draft(app, "Penduduk Pertama")
    assert send_digests(platform, clock=lambda: MONDAY.replace(day=5)) == 0  # Saturday
    assert mail_to(received, "walidata@contoh.go.id") == []



def test_the_first_digest_leaves_out_notices_already_read(app, platform, people, received) -> None:
    walidata = signed_in(app, "walidata")
    read_first = submitted_draft(app, "Penduduk Sudah Dibaca")
    with platform.database.session() as session:
        notice_id = session.scalar(select(Notice.id).where(Notice.user_id == people["walidata"]))
    walidata.post(f"/unggah/pemberitahuan/{notice_id}/dibaca", data={"csrf_token": walidata.token})
    walidata.post(f"/unggah/draf/{read_first}/kembalikan", data={"csrf_token": walidata.token, "komentar": "Satuan?"})
    choose_digest(walidata)
    submitted_draft(app, "Penduduk Baru")

    assert send_digests(platform, clock=lambda: MONDAY) == 1

    digest = mail_to(received, "walidata@contoh.go.id")[-1].get_content()
    assert "“Penduduk Baru”" in digest and "“Penduduk Sudah Dibaca”" not in digest


def test_an_officer_on_the_digest_gets_new_requests_in_it_not_one_e_mail_each(app, platform, people,
                                                                              received) -> None:
    choose_digest(signed_in(app, "petugas-dinkes"))
    with platform.database.session() as session:  # filed on Sunday evening, through the web's own workflow
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry,
                            clock=lambda: MONDAY - timedelta(hours=10), notices=Notices(platform))
        permohonan = workflow.file(filing(dinas="dinkes")).permohonan
        number, permohonan_id = permohonan.number, permohonan.id

    assert mail_to(received, "petugas-dinkes@contoh.go.id") == []  # no e-mail for this request alone
    assert len(mail_to(received, "ppid.dinkes@contoh.go.id")) == 1  # the dinas's PPID mailbox still gets it

    assert send_digests(platform, clock=lambda: MONDAY) == 1

    [digest] = mail_to(received, "petugas-dinkes@contoh.go.id")
    body = digest.get_content()
    assert "Permohonan informasi yang masuk sejak ringkasan sebelumnya:" in body
    assert f"{number}: permohonan baru: http://127.0.0.1:5000/permohonan/petugas/{permohonan_id}" in body
    assert send_digests(platform, clock=lambda: MONDAY + timedelta(days=1)) == 0  # told once, not every day
