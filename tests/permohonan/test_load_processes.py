"""Several server processes (or machines) behind one proxy, sharing PostgreSQL (or one SQLite file) and Redis: the
README's "Beberapa proses server" configuration. Two real `ppid serve` processes on loopback ports, each with its
own instance folder as on two machines, the same secrets, one storage folder, one Redis for the rate limits.

What one process did, the other knows: a rate limit is counted across both, a session and its CSRF token from
one are accepted by the other, a request filed on one is tracked on the other, a dataset published on one is
found by the other's search, and filings split across both at once get distinct numbers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import redis
import requests

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.config import load_settings
from ppid.platform import Platform
from tests.permohonan.conftest import PASSWORD
from tests.permohonan.test_load import UNLIMITED, check_crowd, file_at_once, installation, ppid_serve

REDIS_URL = os.environ.get("PPID_TEST_REDIS_URL")
pytestmark = [pytest.mark.slow, pytest.mark.redis,
              pytest.mark.skipif(not REDIS_URL, reason="needs the real Redis (PPID_TEST_REDIS_URL)")]
TRACKING_LIMIT = 8
#: What every machine of one installation shares besides the database: the secrets and the storage.
SHARED_SECRETS = {"PPID_SECRET_KEY": "rahasia-bersama-semua-mesin",
                  "PPID_PERSONAL_DATA_KEY": "kunci-data-pribadi-bersama",
                  "PPID_CATALOGUE_API_TOKEN": "token-katalog-bersama"}


def machine(tmp_path: Path, name: str, database_url: str) -> dict[str, str]:
    environ = installation(tmp_path / name, database_url, rate_limits=UNLIMITED, rate_limit_storage=REDIS_URL)
    config = tmp_path / name / "config" / "defaults.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        f"tracking: {UNLIMITED}", f"tracking: {TRACKING_LIMIT} per minute"), encoding="utf-8")
    environ.update(SHARED_SECRETS, PPID_STORAGE_URL=str(tmp_path / "shared-storage"))
    return environ


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


@pytest.fixture
def two_machines(tmp_path: Path, database_url: str):
    limiter = redis.Redis.from_url(REDIS_URL)
    for key in limiter.scan_iter("LIMITS:LIMITER/*"):  # counts left by an earlier run within the minute
        limiter.delete(key)
    environs = [machine(tmp_path, name, database_url) for name in ("mesin-a", "mesin-b")]
    platform = Platform.open(load_settings(environ=environs[0]))
    with platform.database.session() as session:
        create_user(session, username="petugas", email="petugas@contoh.go.id", full_name="Petugas Dinkes",
                    password=PASSWORD, grants=[Grant(Role.OFFICER, "dinkes")])
    platform.close()
    with ppid_serve(environs[0], tmp_path / "a.log") as a, ppid_serve(environs[1], tmp_path / "b.log") as b:
        yield a, b
    limiter.close()


def test_two_server_processes_share_numbers_sessions_rate_limits_and_search(two_machines, database_url) -> None:
    a, b = two_machines

    # Filings split across both at the same moment: every one stored once, with a number of its own, mailed.
    answers = file_at_once([a.url, b.url], 32)
    check_crowd(answers, database_url)

    # Filed on A (index 0 went to A), tracked on B: by the secret link, on the page and through the API.
    _status, first, _sent = answers[0]
    tracked = requests.get(f"{b.url}/permohonan/lacak/{first['token']}", timeout=30)
    assert tracked.status_code == 200 and first["nomor"] in tracked.text
    by_token = requests.post(f"{b.url}/api/permohonan/lacak", json={"token": first["token"]}, timeout=30)
    assert by_token.status_code == 200 and by_token.json()["nomor"] == first["nomor"]

    # The form opened on A, sent to B: B accepts A's session cookie and CSRF token, and files it.
    citizen = requests.Session()
    form = citizen.get(f"{a.url}/permohonan/ajukan", timeout=30).text
    fields = {"nama": "Warga Lintas Mesin", "jenis_pemohon": "perorangan", "nik": "3201014507900099",
              "alamat": "Jl. Proksi No. 2", "pekerjaan": "Guru", "email": "warga@example.id",
              "rincian_informasi": "Jadwal imunisasi 2026", "tujuan_penggunaan": "Informasi keluarga",
              "cara_memperoleh": "melihat", "dinas": "dinkes", "pernyataan": "y",
              "csrf_token": csrf_token(form), "kunci_pengajuan": hidden(form, "kunci_pengajuan")}
    filed = citizen.post(f"{b.url}/permohonan/ajukan", data=fields, timeout=30, allow_redirects=False)
    assert filed.status_code == 303 and "/permohonan/tanda-bukti/" in filed.headers["Location"]
    forged = requests.post(f"{b.url}/permohonan/ajukan", data={**fields, "csrf_token": "palsu"}, timeout=30)
    assert forged.status_code == 400  # the token is checked, not waved through

    # An officer signed in on A is signed in on B.
    officer = requests.Session()
    signed_in = officer.post(f"{a.url}/masuk", timeout=30, allow_redirects=False, data={
        "username": "petugas", "password": PASSWORD, "csrf_token": csrf_token(officer.get(f"{a.url}/masuk").text)})
    assert signed_in.status_code in (302, 303)
    desk = officer.get(f"{b.url}/permohonan/petugas/", timeout=30, allow_redirects=False)
    assert desk.status_code == 200 and "<h1>Antrean permohonan informasi</h1>" in desk.text and "Keluar" in desk.text

    # A dataset published on A is found by B's search, whose in-process index B built before it existed.
    token = {"Authorization": SHARED_SECRETS["PPID_CATALOGUE_API_TOKEN"]}
    search = f"{b.url}/api/3/action/package_search?q=imunisasi"
    assert requests.get(search, timeout=30).json()["result"]["count"] == 0
    for action, body in (("organization_create", {"name": "dinkes-katalog"}),
                         ("package_create", {"name": "cakupan-imunisasi", "title": "Cakupan imunisasi dasar",
                                             "owner_org": "dinkes-katalog"})):
        created = requests.post(f"{a.url}/api/3/action/{action}", json=body, headers=token, timeout=30)
        assert created.status_code == 200, created.text
    found = requests.get(search, timeout=30).json()["result"]
    assert [dataset["name"] for dataset in found["results"]] == ["cakupan-imunisasi"]

    # One tracking limit for both: 2 trackings were spent above; the rest of the budget, alternating A and B.
    statuses = [requests.get(f"{server.url}/permohonan/lacak/{first['token']}", timeout=30).status_code
                for server in [a, b] * ((TRACKING_LIMIT - 2) // 2 + 1)]
    assert statuses == [200] * (TRACKING_LIMIT - 2) + [429, 429]
    assert "Exception on " not in a.errors() + b.errors()  # Flask's log line for an unhandled error
