"""Officers sign in, see their own dinas's files and reports, and nobody else's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.runner import run_harvest

PASSWORD = "kata-sandi-yang-panjang"


@pytest.fixture
def accounts(platform) -> None:
    with platform.database.session() as session:
        create_user(
            session,
            username="keuangan",
            email="k@contoh.go.id",
            full_name="Petugas BPKAD",
            password=PASSWORD,
            grants=[Grant(Role.OFFICER, "bpkad")],
        )
        create_user(
            session,
            username="kesehatan",
            email="s@contoh.go.id",
            full_name="Petugas Dinkes",
            password=PASSWORD,
            grants=[Grant(Role.OFFICER, "dinkes")],
        )
        create_user(
            session,
            username="walidata",
            email="w@contoh.go.id",
            full_name="Walidata",
            password=PASSWORD,
            grants=[Grant(Role.WALIDATA)],
        )
    run_harvest(platform)


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/masuk", data={"username": username, "password": password, "csrf_token": token})


def apbd_report_id(platform) -> int:
    with platform.database.session() as session:
        return session.scalar(select(TrackedFile.report_id).where(TrackedFile.name == "realisasi-apbd-2023.csv"))


def test_officer_pages_need_sign_in(client) -> None:
    response = client.get("/unggah/")

    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_sign_in_without_csrf_token_is_refused(client, accounts) -> None:
    response = client.post("/masuk", data={"username": "keuangan", "password": PASSWORD})

    assert response.status_code == 400


def test_officer_sees_own_files_and_the_report_in_plain_indonesian(platform, client, accounts) -> None:
    sign_in(client, "keuangan")

    desk = client.get("/unggah/").get_data(as_text=True)
    report = client.get(f"/laporan/{apbd_report_id(platform)}").get_data(as_text=True)
    rows = client.get(f"/laporan/{apbd_report_id(platform)}/baris-perbaikan.csv")

    assert "realisasi-apbd-2023.csv" in desk
    assert "fasilitas-kesehatan-2024.csv" not in desk
    assert "Cara memperbaiki" in report
    assert "tahun" in report
    assert rows.status_code == 200
    assert "2023.0" in rows.get_data(as_text=True)


def test_an_officer_of_another_dinas_cannot_read_the_report(platform, client, accounts) -> None:
    sign_in(client, "kesehatan")

    assert client.get(f"/laporan/{apbd_report_id(platform)}").status_code == 404
    assert client.get(f"/laporan/{apbd_report_id(platform)}/baris-perbaikan.csv").status_code == 404


def test_walidata_sees_every_report_and_the_runs(platform, client, accounts) -> None:
    sign_in(client, "walidata")

    assert client.get(f"/laporan/{apbd_report_id(platform)}").status_code == 200
    assert "Riwayat pemanenan" in client.get("/admin/").get_data(as_text=True)


def test_officers_cannot_see_the_runs(client, accounts) -> None:
    sign_in(client, "keuangan")

    assert client.get("/admin/").status_code == 403


def test_repeated_wrong_passwords_lock_the_account(client, accounts) -> None:
    for _attempt in range(5):
        sign_in(client, "keuangan", "salah-salah-salah")

    locked = sign_in(client, "keuangan")

    assert locked.status_code == 401
    assert "dikunci" in locked.get_data(as_text=True)


def test_the_run_page_speaks_indonesian_and_links_an_invalid_file_to_its_report(platform, client, accounts) -> None:
    sign_in(client, "walidata")

    runs = client.get("/admin/").get_data(as_text=True)
    run = client.get("/admin/pemanenan/1").get_data(as_text=True)

    assert "selesai" in runs and re.search(r"\d+ baru, \d+ tidak valid", runs)
    assert "Status: <strong>selesai</strong>" in run
    assert "<th>Lama</th>" in run and re.search(r"<td>\d+(,\d)? detik</td>", run)
    for code in ("finished", ">new<", ">invalid<", ">ms<"):
        assert code not in runs + run
    report = re.search(r'realisasi-apbd-2023\.csv</td><td>tidak valid</td>.*?href="(/laporan/\d+)"', run, re.S)
    assert report and report.group(1) == f"/laporan/{apbd_report_id(platform)}"
    assert "Cara memperbaiki" in client.get(report.group(1)).get_data(as_text=True)


def test_the_run_page_is_in_english_when_chosen(client, accounts) -> None:
    sign_in(client, "walidata")

    run = client.get("/admin/pemanenan/1?lang=en").get_data(as_text=True)

    assert "Status: <strong>completed</strong>" in run and ">invalid<" in run and "Time taken" in run
