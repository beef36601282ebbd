"""Without PPID_PUBLIC_URL, every link follows the address `ppid serve` actually listens on.

A new user harvests, then serves on another port than 5000: download links on pages, resource URLs in the
catalogue API, the tracking link on a receipt and in the e-mail all point at that port, and the harvest
prints no address that nothing serves.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ppid.config import load_settings

from ..permohonan.conftest import filing

REPO = Path(__file__).resolve().parents[2]
PPID = str(Path(sys.executable).parent / "ppid")
DATASET = "disdukcapil-jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ppid_env(environ: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("PPID_")} | environ


@pytest.fixture
def served_environ(environ: dict[str, str], smtp_server) -> dict[str, str]:
    return environ | {"PPID_SMTP_URL": smtp_server[0]}


@pytest.fixture
def harvested(served_environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The sample region harvested by a standalone `ppid harvest`, before any server runs."""
    return subprocess.run([PPID, "harvest"], env=ppid_env(served_environ), capture_output=True, text=True,
                          timeout=300, cwd=REPO)


@pytest.fixture
def server(served_environ: dict[str, str], harvested) -> Iterator[str]:
    """`ppid serve --port N` on a port other than 5000; yields the address it prints."""
    port = free_port()
    process = subprocess.Popen([PPID, "serve", "--port", str(port)], env=ppid_env(served_environ),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(150):
            try:
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("ppid serve did not answer")
        yield base
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"Portal berjalan di {base}" in output


def test_a_harvest_without_a_public_address_says_how_to_open_the_portal(harvested) -> None:
    assert harvested.returncode == 1, harvested.stdout + harvested.stderr  # the sample region has invalid files
    assert "5000" not in harvested.stdout
    assert "ppid serve" in harvested.stdout


def test_download_links_on_pages_follow_the_served_port(server: str) -> None:
    page = requests.get(f"{server}/dataset/{DATASET}", timeout=10).text

    links = re.findall(r'href="(http[^"]+/unduh/[^"]+)"', page)
    assert links and all(link.startswith(f"{server}/unduh/") for link in links)
    assert requests.get(links[0], timeout=10).status_code == 200


def test_resource_urls_in_the_catalogue_api_follow_the_served_port(server: str) -> None:
    found = requests.get(f"{server}/api/3/action/package_search", params={"rows": 100}, timeout=10).json()

    urls = [resource["url"] for package in found["result"]["results"] for resource in package["resources"]]
    assert urls and all(url.startswith(f"{server}/") for url in urls)


def test_the_receipt_and_the_email_link_to_the_served_port(server: str, smtp_server) -> None:
    filed = requests.post(f"{server}/api/permohonan", json=filing(), timeout=30).json()

    assert filed["tautan_lacak"] == f"{server}/permohonan/lacak/{filed['token']}"
    receipt = requests.get(f"{server}/permohonan/tanda-bukti/{filed['token']}", timeout=10).text
    assert f'href="{filed["tautan_lacak"]}"' in receipt
    deadline = time.monotonic() + 30  # the server's courier sends after the commit, in its next round
    while time.monotonic() < deadline and not [m for m in smtp_server[1].messages if "siti@example.id" in m["To"]]:
        time.sleep(0.1)
    to_requester = next(m for m in smtp_server[1].messages if "siti@example.id" in m["To"])
    assert filed["tautan_lacak"] in to_requester.get_body(("plain",)).get_content()


def test_a_configured_public_address_wins_over_the_served_one(environ: dict[str, str]) -> None:
    configured = load_settings(environ=environ | {"PPID_PUBLIC_URL": "https://data.contoh.go.id/"})
    unset = load_settings(environ=environ)

    assert configured.served_at("127.0.0.1", 5101).public_url == "https://data.contoh.go.id"
    assert unset.served_at("127.0.0.1", 5101).public_url == "http://127.0.0.1:5101"
    assert unset.served_at("0.0.0.0", 8080).public_url == "http://127.0.0.1:8080"


def test_serving_on_every_interface_says_to_set_the_public_address(environ: dict[str, str]) -> None:
    """On 0.0.0.0 the address citizens use cannot be guessed: links use this machine's, and the server says so."""
    port = free_port()
    process = subprocess.Popen([PPID, "serve", "--host", "0.0.0.0", "--port", str(port)], env=ppid_env(environ),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
    finally:
        process.terminate()
        process.communicate(timeout=10)

    assert first.startswith(f"Portal berjalan di http://127.0.0.1:{port} ")
    assert "atur PPID_PUBLIC_URL" in second


def test_a_port_already_taken_is_one_sentence_and_exit_2_before_the_portal_says_it_runs(
        environ: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([PPID, "serve", "--port", str(port)], env=ppid_env(environ), capture_output=True,
                                text=True, timeout=120, cwd=REPO)

    assert result.returncode == 2
    assert result.stderr.strip() == (f"Port {port} sudah dipakai program lain (mungkin ppid serve yang masih "
                                     "berjalan); hentikan program itu atau pilih port lain dengan --port.")
    assert "Portal berjalan" not in result.stdout


@pytest.mark.parametrize("host", ["10.255.255.1", "nama-yang-tidak-ada.invalid"])
def test_an_address_that_is_not_this_machines_is_one_sentence_and_exit_2(environ: dict[str, str], host: str) -> None:
    result = subprocess.run([PPID, "serve", "--host", host, "--port", str(free_port())], env=ppid_env(environ),
                            capture_output=True, text=True, timeout=120, cwd=REPO)

    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"{host} bukan alamat mesin ini")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_port_outside_1_to_65535_is_refused_before_anything_starts(environ: dict[str, str]) -> None:
    result = subprocess.run([PPID, "serve", "--port", "99999"], env=ppid_env(environ), capture_output=True,
                            text=True, timeout=60, cwd=REPO)

    assert result.returncode == 2 and "99999" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("threads", ["0", "-3"])
def test_no_worker_threads_is_refused_before_anything_starts(environ: dict[str, str], threads: str) -> None:
    """Zero threads served a portal that never answered; a negative count failed on the database pool's size."""
    result = subprocess.run([PPID, "serve", "--threads", threads, "--port", str(free_port())], env=ppid_env(environ),
                            capture_output=True, text=True, timeout=60, cwd=REPO)

    assert result.returncode == 2 and "--threads" in result.stderr and "Traceback" not in result.stderr
    assert "Portal berjalan" not in result.stdout
