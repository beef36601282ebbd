"""Errors speak the portal's language: a page in its layout for people, the API's JSON shape for programs.

Every page below is Bahasa Indonesia first (English when chosen), has the portal's header and a way back,
and a server error shows no traceback: the traceback goes to the log.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.runner import run_harvest

from ..conftest import POSTGRES_URL

PASSWORD = "kata-sandi-yang-panjang"


def assert_portal_page(response, status: int, title: str, *, way_back: bool = True) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert '<header class="site">' in page  # the portal's layout, with its menu
    assert f"<h1>{title}</h1>" in page
    if way_back:
        assert 'href="/"' in page and 'action="/dataset"' in page  # home and the search
    return page


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("path", ["/dataset/tidak-ada", "/unduh/999/x.csv", "/tidak/ada/sama/sekali"])
def test_a_missing_page_is_a_portal_page_in_indonesian(client, path: str) -> None:
    page = assert_portal_page(client.get(path), 404, "Halaman tidak ditemukan")

    assert "Not Found" not in page


def test_the_missing_page_is_in_english_when_chosen(client) -> None:
    assert_portal_page(client.get("/dataset/tidak-ada?lang=en"), 404, "Page not found")


def test_a_page_the_account_may_not_open_is_refused_in_the_layout(platform, client) -> None:
    with platform.database.session() as session:
        create_user(session, username="keuangan", email="k@contoh.go.id", full_name="Petugas BPKAD",
                    password=PASSWORD, grants=[Grant(Role.OFFICER, "bpkad")])
    client.post("/masuk", data={"username": "keuangan", "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/masuk")})

    assert_portal_page(client.get("/admin/"), 403, "Akses ditolak")


def test_a_wrong_method_is_refused_in_the_layout_and_says_which_are_allowed(client) -> None:
    response = client.post("/dataset")

    assert_portal_page(response, 405, "Cara akses tidak didukung")
    assert "GET" in response.headers["Allow"]


def test_a_form_too_large_is_refused_in_the_layout(client) -> None:
    """A multipart form whose text field is larger than any form of the portal needs (500 KB)."""
    response = client.post("/masuk", data={"username": "x" * 600_000, "lampiran": (io.BytesIO(b"isi"), "a.txt")})

    assert_portal_page(response, 413, "Kiriman terlalu besar")


def test_a_rate_limited_form_is_refused_in_the_layout(client) -> None:
    for _attempt in range(20):
        assert client.get("/permohonan/lacak").status_code == 200

    page = assert_portal_page(client.get("/permohonan/lacak"), 429, "Terlalu banyak permintaan", way_back=False)
    assert "hubungi PPID" in page  # the request module's own advice


def test_a_server_error_shows_no_traceback_and_logs_it(platform, app, client, caplog) -> None:
    app.config["TESTING"] = False  # as in production: the error is answered, not raised into the test
    run_harvest(platform)
    with platform.database.session() as session:
        published = session.scalars(select(TrackedFile).where(TrackedFile.state == FileState.VALID)).first()
        file_id, name, key = published.id, published.name, published.published_storage_key
    (platform.settings.home / "storage" / key).unlink()  # the storage lost a published file

    with caplog.at_level(logging.ERROR):
        response = client.get(f"/unduh/{file_id}/{name}")

    page = assert_portal_page(response, 500, "Terjadi kesalahan di server")
    assert "Traceback" not in page and key not in page
    assert any(record.exc_info for record in caplog.records), "the traceback is in the log"


@pytest.mark.skipif(POSTGRES_URL is not None, reason="loses the SQLite file of the test database")
def test_with_the_database_gone_a_signed_in_officer_still_gets_a_plain_page(platform, app, client, caplog) -> None:
    """The layout asks the database who is signed in: when that fails too, a bare page says the same."""
    app.config["TESTING"] = False
    with platform.database.session() as session:
        create_user(session, username="keuangan", email="k@contoh.go.id", full_name="Petugas BPKAD",
                    password=PASSWORD, grants=[Grant(Role.OFFICER, "bpkad")])
    client.post("/masuk", data={"username": "keuangan", "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/masuk")})
    Path(platform.settings.database_url.removeprefix("sqlite:///")).unlink()
    platform.database.dispose()

    with caplog.at_level(logging.ERROR):
        response = client.get("/unduh/1/x.csv")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Terjadi kesalahan di server</h1>" in page and "Traceback" not in page
    assert any("could not be rendered" in record.getMessage() for record in caplog.records)


def test_catalogue_actions_keep_ckans_json_error_shape(client) -> None:
    missing = client.get("/api/3/action/package_show?id=tidak-ada")
    wrong_method = client.put("/api/3/action/package_list")

    assert missing.status_code == 404
    assert missing.get_json()["error"] == {"__type": "Not Found Error", "message": "Not found"}
    assert wrong_method.status_code == 405
    body = wrong_method.get_json()
    assert body["success"] is False and body["help"].endswith("/api/3/action/help_show?name=package_list")
    assert body["error"]["__type"] == "Method Not Allowed"


def test_the_request_api_keeps_its_json_error_shape(client) -> None:
    response = client.get("/api/permohonan")

    assert response.status_code == 405
    assert response.get_json()["message"].startswith("Cara akses tidak didukung")
