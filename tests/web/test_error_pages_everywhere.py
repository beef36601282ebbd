"""Every error a citizen can meet is a page in the portal's layout, Bahasa Indonesia first (English with the
language switch), and JSON with ``message`` under /api/: a refused CSRF token, a bad request, a refused or
missing page, a wrong method, a body too large, too many requests, a server error and a busy service."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import BadRequest, InternalServerError

from ppid.error_pages import Overloaded

from .test_error_pages import assert_portal_page

#: Routes that raise each error, added to the app for the test, as a view of the portal or of the API would.
RAISED = {400: BadRequest, 500: InternalServerError, 503: Overloaded}


@pytest.fixture
def raising(app):
    for code, error in RAISED.items():
        app.add_url_rule(f"/uji-galat/{code}", endpoint=f"uji_galat_{code}", view_func=_raiser(error))
        app.add_url_rule(f"/api/uji-galat/{code}", endpoint=f"api_uji_galat_{code}", view_func=_raiser(error))
    return app


def _raiser(error):
    def view():
        raise error()
    return view


@pytest.mark.parametrize("path", ["/permohonan/ajukan", "/permohonan/lacak", "/masuk"])
def test_a_public_form_sent_without_its_csrf_token_gets_an_indonesian_page_in_the_layout(client, path) -> None:
    response = client.post(path, data={"nomor": "1", "email": "a@b.id", "username": "x", "password": "y"},
                           headers={"Referer": f"http://localhost{path}"})

    page = assert_portal_page(response, 400, "Permintaan tidak dapat diproses")
    assert "CSRF" not in page and "The CSRF token" not in page
    assert "Formulir ini sudah kedaluwarsa atau tidak lengkap" in page  # says what happened and what to do
    assert f'<a class="button" href="{path}">Buka lagi formulirnya</a>' in page


def test_a_stale_csrf_token_is_explained_in_english_when_chosen(client) -> None:
    client.get("/?lang=en")
    response = client.post("/permohonan/lacak", data={"nomor": "1", "email": "a@b.id", "csrf_token": "basi"})

    page = assert_portal_page(response, 400, "The request could not be processed")
    assert "The CSRF token is invalid" not in page and "form has expired" in page


@pytest.mark.parametrize(("code", "title"), [(400, "Permintaan tidak dapat diproses"),
                                             (500, "Terjadi kesalahan di server"), (503, "Layanan sedang sibuk")])
def test_other_errors_are_pages_in_the_layout(raising, code, title) -> None:
    raising.config["TESTING"] = False
    response = raising.test_client().get(f"/uji-galat/{code}")

    page = assert_portal_page(response, code, title)
    assert "Bad Request" not in page and "Internal Server Error" not in page and "Traceback" not in page


@pytest.mark.parametrize("code", [400, 500, 503])
def test_under_api_every_error_is_json_with_a_message(raising, code) -> None:
    raising.config["TESTING"] = False
    response = raising.test_client().get(f"/api/uji-galat/{code}")

    assert response.status_code == code and response.mimetype == "application/json"
    assert response.get_json()["message"]
    if code == 503:
        assert response.headers["Retry-After"] == "5"


def test_a_missing_api_address_and_a_wrong_method_under_api_are_json(client) -> None:
    missing = client.get("/api/tidak-ada")
    wrong_method = client.delete("/api/permohonan/lacak")

    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    assert missing.get_json()["message"].startswith("Halaman tidak ditemukan")
    assert wrong_method.get_json()["message"].startswith("Cara akses tidak didukung")


def test_a_429_raised_anywhere_says_when_to_come_back(app) -> None:
    from werkzeug.exceptions import TooManyRequests

    app.add_url_rule("/uji-galat/429", endpoint="uji_galat_429", view_func=_raiser(TooManyRequests))
    response = app.test_client().get("/uji-galat/429")

    assert_portal_page(response, 429, "Terlalu banyak permintaan")
    assert int(response.headers["Retry-After"]) >= 1
