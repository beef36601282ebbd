"""Password reset through a real SMTP server: the same answer for every address, and a link that works
once, for a limited time, and only for a password that meets the policy."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from ppid.accounts.models import AccountEvent, AccountEventKind

from .conftest import PASSWORD, csrf_token, sign_in

NEW_PASSWORD = "kopi-tubruk-pagi-hari"


@pytest.fixture
def environ(environ: dict[str, str], smtp_server) -> dict[str, str]:
    return {**environ, "PPID_SMTP_URL": smtp_server[0]}


@pytest.fixture
def inbox(smtp_server) -> list:
    return smtp_server[1].messages


def ask_for_reset(client, email: str):
    return client.post("/lupa-sandi", data={"email": email, "csrf_token": csrf_token(client, "/lupa-sandi")})


def reset_path(message) -> str:
    link = re.search(r"https?://\S+/atur-sandi/\S+", message.get_content())[0]
    return "/" + link.split("/", 3)[3]


def choose(client, path: str, password: str, repeated: str | None = None):
    return client.post(path, data={"password": password, "password_ulang": repeated or password,
                                   "csrf_token": csrf_token(client, "/lupa-sandi")})


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, people, inbox) -> None:
    known = ask_for_reset(client, "petugas-a@contoh.go.id")
    unknown = ask_for_reset(client, "tidak-terdaftar@contoh.go.id")

    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert [message["To"] for message in inbox] == ["petugas-a@contoh.go.id"]


def test_the_mailed_link_sets_a_new_password_once(client, people, inbox) -> None:
    ask_for_reset(client, "petugas-a@contoh.go.id")
    path = reset_path(inbox[0])

    assert client.get(path).status_code == 200
    assert choose(client, path, NEW_PASSWORD).status_code == 303

    assert client.get(path).status_code == 404
    assert choose(client, path, "lagi-dan-lagi-sandi-baru").status_code == 404
    assert sign_in(client, "petugas-a", PASSWORD).status_code == 401
    assert sign_in(client, "petugas-a", NEW_PASSWORD).status_code == 302


def test_the_link_expires(client, people, inbox, monkeypatch) -> None:
    an_hour_and_a_bit_ago = time.time() - 3700
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: an_hour_and_a_bit_ago)
    ask_for_reset(client, "petugas-a@contoh.go.id")
    monkeypatch.undo()

    response = client.get(reset_path(inbox[0]))

    assert response.status_code == 404
    assert "kedaluwarsa" in response.get_data(as_text=True)


def test_a_tampered_link_is_refused(client, people, inbox) -> None:
    ask_for_reset(client, "petugas-a@contoh.go.id")

    assert client.get(reset_path(inbox[0]) + "x").status_code == 404


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("pendek-1", "minimal 10 karakter"),
        ("Password123", "terlalu umum"),
        ("bismillah123", "terlalu umum"),
        ("saya-petugas-a-2026", "nama pengguna"),
    ],
)
def test_the_new_password_must_meet_the_policy(client, people, inbox, password: str, reason: str) -> None:
    ask_for_reset(client, "petugas-a@contoh.go.id")
    path = reset_path(inbox[0])

    response = choose(client, path, password)

    assert response.status_code == 422
    assert reason in response.get_data(as_text=True)
    assert client.get(path).status_code == 200  # the link still works after a refused password


def test_the_two_passwords_must_match(client, people, inbox) -> None:
    ask_for_reset(client, "petugas-a@contoh.go.id")

    response = choose(client, reset_path(inbox[0]), NEW_PASSWORD, "kopi-tubruk-sore-hari")

    assert response.status_code == 422


def test_a_reset_ends_every_existing_session(app, client, people, inbox) -> None:
    other_device = app.test_client()
    sign_in(other_device, "petugas-a")
    ask_for_reset(client, "petugas-a@contoh.go.id")

    choose(client, reset_path(inbox[0]), NEW_PASSWORD)

    assert other_device.get("/akun/").status_code == 302


def test_repeated_requests_send_one_mail_in_five_minutes(platform, client, people, inbox) -> None:
    for _attempt in range(3):
        ask_for_reset(client, "petugas-a@contoh.go.id")

    assert len(inbox) == 1
    with platform.database.session() as session:
        kinds = session.scalars(select(AccountEvent.kind).where(AccountEvent.user_id == people["petugas-a"])).all()
    assert kinds.count(AccountEventKind.PASSWORD_RESET_REQUESTED) == 1
