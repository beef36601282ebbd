"""Back-pressure: when the platform is saturated a citizen is told to come back in a moment (503 with Retry-After,
in Bahasa Indonesia, as a page or as the API's JSON), after a bounded wait, and nothing of the refused request is
stored. Never a 500, never a traceback, never half a request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from ppid.app import create_app
from ppid.config import ConfigError, load_settings
from ppid.permohonan.models import Permohonan
from ppid.platform import Platform
from tests.conftest import POSTGRES_URL, sample_region_environ
from tests.permohonan.conftest import filing
from tests.permohonan.test_web import csrf, file_directly

POOL_TIMEOUT = 0.5


@pytest.fixture
def one_connection_platform(tmp_path: Path, database_url: str) -> Iterator[Platform]:
    """An installation whose pool holds one connection and waits half a second for it."""
    environ = sample_region_environ(tmp_path, database_url)
    environ.update(PPID_DATABASE_POOL_SIZE="1", PPID_DATABASE_MAX_OVERFLOW="0",
                   PPID_DATABASE_POOL_TIMEOUT=str(POOL_TIMEOUT))
    opened = Platform.open(load_settings(environ=environ))
    yield opened
    opened.close()


@pytest.fixture
def busy_client(one_connection_platform: Platform):
    app = create_app(platform=one_connection_platform)
    app.config["TESTING"] = True
    return app.test_client()


@contextmanager
def every_connection_taken(platform: Platform) -> Iterator[None]:
    """Another request holds the pool's only connection for the duration."""
    with platform.database.engine.connect() as held:
        held.execute(text("SELECT 1"))
        yield


def stored_requests(platform: Platform) -> int:
    with platform.database.session() as session:
        return session.scalar(select(func.count()).select_from(Permohonan))


def test_the_pool_is_sized_from_the_server_threads_unless_configured(tmp_path: Path, database_url: str) -> None:
    environ = sample_region_environ(tmp_path, database_url)
    served = load_settings(environ=environ).served_at("127.0.0.1", 5000, threads=16)
    assert (served.server_threads, served.pool_size, served.database_pool_timeout) == (16, 18, 3.0)
    environ["PPID_DATABASE_POOL_SIZE"] = "40"
    assert load_settings(environ=environ).served_at("127.0.0.1", 5000, threads=16).pool_size == 40
    for name, value in (("PPID_DATABASE_POOL_SIZE", "0"), ("PPID_DATABASE_POOL_TIMEOUT", "sebentar")):
        with pytest.raises(ConfigError, match=name.removeprefix("PPID_DATABASE_").lower() if value == "0" else name):
            load_settings(environ={**environ, name: value})


def test_a_filing_that_finds_no_free_connection_gets_503_with_retry_after_and_is_not_stored(
    busy_client, one_connection_platform: Platform
) -> None:
    with every_connection_taken(one_connection_platform):
        started = time.monotonic()
        response = busy_client.post("/api/permohonan", json=filing())
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {"message": "Layanan sedang sibuk: Banyak orang sedang memakai layanan ini pada saat "
                                              "yang sama. Tidak ada yang tersimpan dari permintaan ini; kirim atau "
                                              "muat ulang dalam beberapa detik."}
    assert POOL_TIMEOUT <= waited < POOL_TIMEOUT + 2  # a bounded wait, not half a minute
    assert stored_requests(one_connection_platform) == 0
    again = busy_client.post("/api/permohonan", json=filing())  # the connection is free again: the retry is filed
    assert again.status_code == 201 and again.get_json()["nomor"].startswith("0001/")
    assert stored_requests(one_connection_platform) == 1


def test_the_form_and_the_tracking_page_answer_503_with_a_page_in_bahasa_indonesia(
    busy_client, one_connection_platform: Platform
) -> None:
    filed = file_directly(one_connection_platform)
    token = csrf(busy_client, "/permohonan/ajukan")
    with every_connection_taken(one_connection_platform):
        form = busy_client.post("/permohonan/ajukan", data={**filing(nama="Budi", pernyataan="y"), "csrf_token": token})
        tracking = busy_client.get(f"/permohonan/lacak/{filed.token}")
    for response in (form, tracking):
        page = response.get_data(as_text=True)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert response.content_type.startswith("text/html")
        assert "<h1>Layanan sedang sibuk</h1>" in page and "Kode galat: 503" in page
        assert 'href="/"' in page  # the portal's layout, with a way back
        assert "Traceback" not in page and "TimeoutError" not in page and "QueuePool" not in page
    assert stored_requests(one_connection_platform) == 1  # the form's request was not stored: only the first one


def test_the_catalogue_api_answers_503_in_ckans_envelope(busy_client, one_connection_platform: Platform) -> None:
    with every_connection_taken(one_connection_platform):
        response = busy_client.get("/api/3/action/package_search?q=anggaran")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["success"] is False and body["error"]["__type"] == "Service Unavailable"


@pytest.mark.postgres_only
@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite has no server that could refuse a connection")
def test_a_database_refusing_connections_gets_503_not_500(busy_client, one_connection_platform: Platform) -> None:
    url = make_url(POSTGRES_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    one_connection_platform.database.engine.dispose()  # no connection kept open from before
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS false'))
        api = busy_client.post("/api/permohonan", json=filing())
        page = busy_client.get("/permohonan/lacak/tidak-ada")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()
    assert api.status_code == 503 and api.headers["Retry-After"] == "5" and "sibuk" in api.get_json()["message"]
    assert page.status_code == 503 and "Layanan sedang sibuk" in page.get_data(as_text=True)
    assert stored_requests(one_connection_platform) == 0
