"""Shared fixtures: a fresh database (SQLite, or PostgreSQL when PPID_TEST_DATABASE_URL is set), settings,
the platform and the Flask app, all on the real code paths."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ppid.config import Settings, load_settings
from ppid.db import Base, Database
from ppid.models import load_all
from ppid.platform import Platform

from .live import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("PPID_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"ppid database: {make_url(POSTGRES_URL).render_as_string() if POSTGRES_URL else 'sqlite (per test)'}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a SQLite file to copy, or a PostgreSQL database to truncate."""
    if POSTGRES_URL:
        url = make_url(POSTGRES_URL)
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        admin.dispose()
        Database(POSTGRES_URL).upgrade()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    database.dispose()
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    return fresh_database_url(migrated_template, tmp_path)


def fresh_database_url(migrated_template: str, directory: Path) -> str:
    """An empty migrated database: a copy of the SQLite template in ``directory``, or PostgreSQL truncated."""
    if POSTGRES_URL:
        load_all()
        engine = create_engine(POSTGRES_URL)
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return POSTGRES_URL
    path = directory / "ppid.sqlite3"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def environ(tmp_path: Path, database_url: str) -> dict[str, str]:
    return sample_region_environ(tmp_path, database_url)


def sample_region_environ(home: Path, database_url: str) -> dict[str, str]:
    """The environment of a fresh installation running the bundled sample region."""
    return {
        "PPID_HOME": str(home / "instance"),
        "PPID_DATABASE_URL": database_url,
        "PPID_CONFIG_DIR": str(REPO / "config"),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
        "PPID_SECRET_KEY": "test-secret",
        "PPID_CATALOGUE_API_TOKEN": "test-catalogue-token",
    }


@pytest.fixture
def settings(environ: dict[str, str]) -> Settings:
    return load_settings(environ=environ)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    opened = Platform.open(settings)
    yield opened
    opened.close()


@pytest.fixture
def app(platform: Platform):
    from ppid.app import create_app

    application = create_app(platform=platform)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):
    return app.test_client()


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK diterima"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, CollectingHandler]]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); yields its ``smtp://`` URL and the received messages."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", handler
    controller.stop()


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto S3 server over HTTP on 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials, and nothing from the developer's own AWS configuration."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
