"""Officers of the sample region for the announcement and periodic-information tests, and their signed-in clients."""

from __future__ import annotations

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user

from ..uploader.helpers import PASSWORD, csrf

PEOPLE = {
    "admin": [Grant(Role.ADMIN)],
    "petugas-bpbd": [Grant(Role.OFFICER, "bpbd")],
    "petugas-dinkes": [Grant(Role.OFFICER, "dinkes")],
    "walidata": [Grant(Role.WALIDATA)],
}


def create_people(platform, *, digest: tuple[str, ...] = ()) -> dict[str, int]:
    ids = {}
    with platform.database.session() as session:
        for username, grants in PEOPLE.items():
            user = create_user(session, username=username, email=f"{username}@contoh.go.id",
                               full_name=username.replace("-", " ").title(), password=PASSWORD, grants=grants)
            user.daily_digest = username in digest
            ids[username] = user.id
    return ids


def signed_in(app, username: str):
    """A test client signed in as ``username``; ``client.token`` is its CSRF token."""
    client = app.test_client()
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": csrf(client)})
    assert response.status_code == 302
    client.token = csrf(client, "/petugas/pengumuman") if username != "walidata" else csrf(client, "/petugas/")
    return client
