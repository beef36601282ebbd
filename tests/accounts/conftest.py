"""Fixtures for accounts: officers of two dinas and the other roles, made through the real service, and
helpers that sign in through the real form."""

from __future__ import annotations

import re

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.platform import Platform

PASSWORD = "pohon-mangga-berbuah-lebat"
DINAS_A, DINAS_B = "bpkad", "dinkes"

PEOPLE = {
    "petugas-a": [Grant(Role.OFFICER, DINAS_A)],
    "petugas-b": [Grant(Role.OFFICER, DINAS_B)],
    "walidata": [Grant(Role.WALIDATA)],
    "atasan": [Grant(Role.ATASAN)],
    "admin": [Grant(Role.ADMIN)],
}


@pytest.fixture
def people(platform: Platform) -> dict[str, int]:
    """One account per role of the issue; returns username → id."""
    ids = {}
    with platform.database.session() as session:
        for username, grants in PEOPLE.items():
            user = create_user(session, username=username, email=f"{username}@contoh.go.id",
                               full_name=username.replace("-", " ").title(), password=PASSWORD, grants=grants)
            ids[username] = user.id
    return ids


def csrf_token(client, path: str = "/masuk") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username: str, password: str = PASSWORD, **request_options):
    token = csrf_token(client)
    return client.post("/masuk", data={"username": username, "password": password, "csrf_token": token},
                       **request_options)
