"""Uploader fixtures: officers of two dinas, a walidata, and their signed-in clients."""

from __future__ import annotations

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user

from .helpers import PASSWORD, sign_in


@pytest.fixture
def accounts(platform) -> dict[str, int]:
    people = {
        "capil": Grant(Role.OFFICER, "disdukcapil"),
        "sehat": Grant(Role.OFFICER, "dinkes"),
        "walidata": Grant(Role.WALIDATA),
    }
    ids = {}
    with platform.database.session() as session:
        for username, grant in people.items():
            user = create_user(session, username=username, email=f"{username}@contoh.go.id",
                               full_name=f"Pengguna {username}", password=PASSWORD, grants=[grant])
            ids[username] = user.id
    return ids


@pytest.fixture
def officer(app, accounts):
    client = app.test_client()
    client.token = sign_in(client, "capil")
    return client


@pytest.fixture
def other_officer(app, accounts):
    client = app.test_client()
    client.token = sign_in(client, "sehat")
    return client


@pytest.fixture
def walidata(app, accounts):
    client = app.test_client()
    client.token = sign_in(client, "walidata")
    return client
