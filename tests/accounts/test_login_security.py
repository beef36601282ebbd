"""Signing in: lockout per account and per address, one refusal message for every case, a record of each
attempt without the password, and session cookies that are hard to steal or reuse."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from ppid.accounts.models import AccountEvent, AccountEventKind, User
from ppid.db import utcnow

from .conftest import PASSWORD, csrf_token, sign_in

WRONG = "salah-sekali-kata-sandinya"


def refusal(response) -> str:
    assert response.status_code == 401
    return response.get_data(as_text=True)


def events(platform, kind: AccountEventKind) -> list[AccountEvent]:
    with platform.database.session() as session:
        return list(session.scalars(select(AccountEvent).where(AccountEvent.kind == kind)))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_password(client, people) -> None:
    for _attempt in range(5):
        refusal(sign_in(client, "petugas-a", WRONG))

    locked = sign_in(client, "petugas-a", PASSWORD)

    assert locked.status_code == 401
    assert client.get("/unggah/").status_code == 302  # still signed out


def test_the_lock_ends_after_the_lockout_period(platform, client, people) -> None:
    for _attempt in range(5):
        sign_in(client, "petugas-a", WRONG)
    with platform.database.session() as session:
        user = session.get(User, people["petugas-a"])
        assert user.locked_until > utcnow() + timedelta(minutes=14)
        user.locked_until = utcnow() - timedelta(seconds=1)

    assert sign_in(client, "petugas-a", PASSWORD).status_code == 302


def test_the_refusal_never_tells_whether_the_account_exists_or_is_locked(client, people) -> None:
    unknown = refusal(sign_in(client, "tidak-ada-orangnya", WRONG))
    wrong = refusal(sign_in(client, "petugas-b", WRONG))
    for _attempt in range(4):
        sign_in(client, "petugas-b", WRONG)
    locked = refusal(sign_in(client, "petugas-b", PASSWORD))

    def message(page: str) -> str:
        return page.split('role="alert">', 1)[1].split("<", 1)[0]

    assert message(unknown) == message(wrong) == message(locked)
    assert "15 menit" in message(locked)


def test_twenty_failures_from_one_address_lock_that_address_only(client, people) -> None:
    office = {"REMOTE_ADDR": "10.1.2.3"}
    for attempt in range(20):
        sign_in(client, f"tebakan-{attempt}", WRONG, environ_base=office)

    from_office = sign_in(client, "admin", PASSWORD, environ_base=office)
    from_elsewhere = sign_in(client, "admin", PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"})

    assert from_office.status_code == 401
    assert from_elsewhere.status_code == 302


def test_failures_and_lockouts_are_recorded_without_password_or_typed_name(platform, client, people, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(client, "nama-yang-diketik", WRONG, environ_base={"REMOTE_ADDR": "10.4.4.4"})
    for _attempt in range(5):
        sign_in(client, "petugas-a", WRONG)

    failures = events(platform, AccountEventKind.LOGIN_FAILED)
    lockouts = events(platform, AccountEventKind.ACCOUNT_LOCKED)
    recorded = repr([(event.detail, event.ip_address) for event in failures + lockouts])

    assert len(failures) == 6
    assert failures[0].user_id is None and failures[0].ip_address == "10.4.4.4"
    assert failures[0].detail == {"reason": "unknown_account"}
    assert [event.user_id for event in lockouts] == [people["petugas-a"]]
    assert WRONG not in recorded and "nama-yang-diketik" not in recorded
    assert WRONG not in caplog.text


def test_a_successful_sign_in_is_recorded(platform, client, people) -> None:
    sign_in(client, "walidata")

    assert [event.user_id for event in events(platform, AccountEventKind.LOGIN)] == [people["walidata"]]


def test_the_session_cookie_is_httponly_samesite_and_lasts_a_working_day(client, people) -> None:
    response = sign_in(client, "walidata")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("ppid_sesi=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    cookie_state = client.get_cookie("ppid_sesi")
    assert timedelta(hours=7, minutes=59) < cookie_state.expires - utcnow() <= timedelta(hours=8)


def test_the_session_cookie_is_secure_when_the_site_is_served_over_https(environ, people) -> None:
    from ppid.app import create_app
    from ppid.config import load_settings
    from ppid.platform import Platform

    platform = Platform.open(load_settings(environ={**environ, "PPID_PUBLIC_URL": "https://ppid.contoh.go.id"}))
    try:
        client = create_app(platform=platform).test_client()
        site = "https://ppid.contoh.go.id"
        page = client.get("/masuk", base_url=site).get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post("/masuk", base_url=site, headers={"Referer": f"{site}/masuk"},
                               data={"username": "walidata", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        platform.close()


def test_signing_in_starts_a_new_session(client, people) -> None:
    before = csrf_token(client)
    anonymous_cookie = client.get_cookie("ppid_sesi").value

    sign_in(client, "walidata")

    assert client.get_cookie("ppid_sesi").value != anonymous_cookie
    assert csrf_token(client, "/akun/") != before


def test_sign_out_needs_post_with_a_csrf_token(client, people) -> None:
    sign_in(client, "walidata")

    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 400
    assert client.get("/akun/").status_code == 200

    client.post("/keluar", data={"csrf_token": csrf_token(client, "/akun/")})

    assert client.get("/akun/").status_code == 302


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, people) -> None:
    sign_in(client, "walidata")
    thief = app.test_client()
    thief.set_cookie("ppid_sesi", client.get_cookie("ppid_sesi").value)
    assert thief.get("/akun/").status_code == 200

    client.post("/keluar", data={"csrf_token": csrf_token(client, "/akun/")})

    assert thief.get("/akun/").status_code == 302
