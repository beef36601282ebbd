"""Uploader fixtures: officers of two dinas, a walidata, and their signed-in clients."""

from __future__ import annotations

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.uploader import checking

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


@pytest.fixture
def s3_environ(environ, moto_endpoint, monkeypatch, tmp_path):
    """The sample installation with its files in a fresh bucket of the moto server."""
    import uuid

    import boto3

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials")}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    bucket = f"ppid-unggah-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    environ.update(PPID_STORAGE_URL=f"s3://{bucket}/ppid", PPID_S3_ENDPOINT_URL=moto_endpoint)
    return environ


@pytest.fixture
def settings(settings):
    """Tests that read a report right after an upload wait for it as long as it takes: a loaded test machine may
    need more than the second an officer waits before the progress page (the progress tests set their own)."""
    settings.defaults.setdefault("uploader", {})["report_wait_seconds"] = 60
    return settings


@pytest.fixture(autouse=True)
def checks_end_with_the_test():
    """No check of this test's uploads still runs once its database and files are gone."""
    yield
    assert checking.idle(timeout=300), "a background check did not end"
