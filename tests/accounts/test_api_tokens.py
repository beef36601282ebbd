"""API tokens: made on the account page or with `ppid user token create`, shown once, kept hashed,
revocable; a bearer token acts with its owner's roles and dinas, and never lifts CSRF off a cookie."""

from __future__ import annotations

import hashlib
import re

from click.testing import CliRunner
from sqlalchemy import select

from ppid.accounts.models import ApiToken
from ppid.pipeline.runner import run_harvest

from .conftest import csrf_token, sign_in


def new_token(client, name: str = "unggah harian") -> str:
    response = client.post("/akun/token", data={"nama": name, "csrf_token": csrf_token(client, "/akun/")})
    assert response.status_code == 201
    return re.search(r'<code id="token-baru">([^<]+)</code>', response.get_data(as_text=True))[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_is_shown_once_and_stored_only_as_its_hash(platform, client, people) -> None:
    sign_in(client, "petugas-a")

    secret = new_token(client)

    assert secret.startswith("ppid_") and len(secret) > 40
    assert secret not in client.get("/akun/").get_data(as_text=True)
    with platform.database.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert stored.name == "unggah harian"
        assert stored.prefix in secret and len(stored.prefix) < len(secret) // 3


def test_a_bearer_token_acts_with_its_owners_roles_and_dinas(app, platform, client, people) -> None:
    run_harvest(platform)
    sign_in(client, "petugas-a")
    secret = new_token(client)
    script = app.test_client()  # no cookie at all

    desk = script.get("/unggah/", headers=bearer(secret))
    admin_page = script.get("/admin/akun/", headers=bearer(secret))

    assert desk.status_code == 200
    assert "realisasi-apbd-2023.csv" in desk.get_data(as_text=True)  # bpkad, the officer's dinas
    assert "fasilitas-kesehatan-2024.csv" not in desk.get_data(as_text=True)
    assert admin_page.status_code == 403


def test_use_is_recorded_and_a_revoked_token_is_refused(app, platform, client, people) -> None:
    sign_in(client, "petugas-a")
    secret = new_token(client)
    script = app.test_client()
    assert script.get("/akun/", headers=bearer(secret)).status_code == 200
    with platform.database.session() as session:
        token = session.scalars(select(ApiToken)).one()
        assert token.last_used_at is not None

    client.post(f"/akun/token/{token.id}/cabut", data={"csrf_token": csrf_token(client, "/akun/")})

    assert script.get("/akun/", headers=bearer(secret)).status_code == 401
    assert "dicabut" in client.get("/akun/").get_data(as_text=True)


def test_an_unknown_bearer_token_gets_401_not_a_login_page(app, people) -> None:
    response = app.test_client().get("/unggah/", headers=bearer("ppid_bukan-token-yang-ada"))

    assert response.status_code == 401


def test_an_officer_cannot_revoke_someone_elses_token(app, client, people) -> None:
    sign_in(client, "petugas-a")
    new_token(client)
    other = app.test_client()
    sign_in(other, "petugas-b")

    response = other.post("/akun/token/1/cabut", data={"csrf_token": csrf_token(other, "/akun/")})

    assert response.status_code == 404


def test_a_bearer_request_without_a_cookie_needs_no_csrf_token(app, platform, client, people) -> None:
    sign_in(client, "petugas-a")
    first = new_token(client, "pertama")
    second = new_token(client, "kedua")

    response = app.test_client().post("/akun/token/2/cabut", headers=bearer(first))

    assert response.status_code == 303
    assert app.test_client().get("/akun/", headers=bearer(second)).status_code == 401


def test_a_token_cannot_mint_another_token(app, client, people) -> None:
    sign_in(client, "petugas-a")
    secret = new_token(client)

    response = app.test_client().post("/akun/token", data={"nama": "cadangan pencuri"}, headers=bearer(secret))

    assert response.status_code == 403


def test_a_bearer_token_does_not_lift_csrf_off_a_cookie_session(client, people) -> None:
    sign_in(client, "petugas-a")
    secret = new_token(client)

    response = client.post("/akun/token", data={"nama": "lewat cookie"}, headers=bearer(secret))

    assert response.status_code == 400


def test_catalogue_writes_need_the_catalogue_token_or_an_authorised_bearer_token(app, client, people) -> None:
    sign_in(client, "admin")
    admin_secret = new_token(client)
    officer = app.test_client()
    sign_in(officer, "petugas-a")
    officer_secret = new_token(officer)
    script = app.test_client()

    def create(name: str, **headers: str):
        return script.post("/api/3/action/organization_create", json={"name": name, "title": name},
                           headers=headers)

    assert create("org-token-admin", Authorization=f"Bearer {admin_secret}").status_code == 200
    assert create("org-token-katalog", Authorization="test-catalogue-token").status_code == 200
    assert create("org-token-petugas", Authorization=f"Bearer {officer_secret}").status_code == 403
    assert create("org-tanpa-token").status_code == 403
    cookie_only = client.post("/api/3/action/organization_create", json={"name": "org-cookie", "title": "x"})
    assert cookie_only.status_code == 403  # a signed-in administrator's cookie is not a credential here


def test_the_cli_creates_a_token_that_works(app, environ, monkeypatch, people) -> None:
    from ppid.cli import main

    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["user", "token", "create", "walidata", "--name", "skrip malam"])

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert app.test_client().get("/admin/", headers=bearer(secret)).status_code == 200


def test_the_cli_names_an_unknown_account_in_one_sentence(environ, monkeypatch, people) -> None:
    from ppid.cli import main

    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["user", "token", "create", "siapa", "--name", "x"])

    assert result.exit_code == 2  # the command names no account: exit 2, as every command mistake
    assert "siapa" in result.output and "Traceback" not in result.output and "Error:" not in result.output
