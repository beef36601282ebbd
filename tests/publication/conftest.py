"""A region of two dinas whose folders hold public documents: one classified by its dinas's default, one by its
rule, and one the dinas classifies dikecualikan; officers with grants for one dinas or for all."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.config import load_settings
from ppid.platform import Platform

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kabupaten-contoh"
PASSWORD = "kata-sandi-yang-panjang"
EXEMPT_TITLE = "Catatan Penyelidikan Kasus Gizi Buruk"

REGISTRY = """
region: {name: Kabupaten Contoh, kode_wilayah: "3201"}
dinas:
  - slug: dinkes
    name: Dinas Kesehatan Kabupaten Contoh
    ppid: {name: PPID Pelaksana Dinas Kesehatan, email: ppid.dinkes@contoh.go.id}
    klasifikasi: {kategori_informasi: berkala, periode_bulan: 6}
    retensi: 5 tahun
    sources:
      - kind: folder
        name: folder-data
        path: %(dinkes)s
        rules:
          - match: "profil-kesehatan*.pdf"
            kind: document
            dataset: {title: Profil Kesehatan, description: Dokumen profil kesehatan., year: "2023"}
          - match: "catatan-penyelidikan*.pdf"
            kind: document
            dataset: {title: %(exempt)s, kategori_informasi: dikecualikan}
  - slug: disdik
    name: Dinas Pendidikan Kabupaten Contoh
    ppid: {name: PPID Pelaksana Dinas Pendidikan, email: ppid.disdik@contoh.go.id}
    sources:
      - kind: folder
        name: folder-data
        path: %(disdik)s
        rules:
          - match: "rencana-strategis*.docx"
            kind: document
            dataset: {title: Rencana Strategis Dinas Pendidikan, kategori_informasi: setiap-saat, pasal_11_huruf: c}
"""


@pytest.fixture
def region_environ(environ: dict[str, str], tmp_path: Path) -> dict[str, str]:
    folders = {name: tmp_path / "sumber" / name for name in ("dinkes", "disdik")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    shutil.copy(SAMPLES / "dinkes" / "profil-kesehatan-2023.pdf", folders["dinkes"] / "profil-kesehatan-2023.pdf")
    shutil.copy(SAMPLES / "dinkes" / "lkjip-dinkes-2023.pdf", folders["dinkes"] / "catatan-penyelidikan-2024.pdf")
    shutil.copy(SAMPLES / "disdik" / "rencana-strategis-disdik-2021-2026.docx",
                folders["disdik"] / "rencana-strategis-2021-2026.docx")
    config = tmp_path / "config"
    config.mkdir()
    (config / "dinas.yaml").write_text(REGISTRY % {**folders, "exempt": EXEMPT_TITLE}, encoding="utf-8")
    shutil.copy(Path(environ["PPID_CONFIG_DIR"]) / "defaults.yaml", config / "defaults.yaml")
    return environ | {"PPID_CONFIG_DIR": str(config)}


@pytest.fixture
def platform(region_environ: dict[str, str]):
    opened = Platform.open(load_settings(environ=region_environ))
    yield opened
    opened.close()


@pytest.fixture
def accounts(platform) -> None:
    people = {
        "walidata": [Grant(Role.WALIDATA)],
        "walidata-disdik": [Grant(Role.WALIDATA, "disdik")],
        "petugas-dinkes": [Grant(Role.OFFICER, "dinkes")],
        "petugas-disdik": [Grant(Role.OFFICER, "disdik")],
        "admin": [Grant(Role.ADMIN)],
    }
    with platform.database.session() as session:
        for username, grants in people.items():
            create_user(session, username=username, email=f"{username}@contoh.go.id",
                        full_name=f"Pengguna {username}", password=PASSWORD, grants=grants)


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def sign_in(app, accounts):
    """A signed-in client for ``username``, its CSRF token as ``client.token``."""

    def signed_in(username: str):
        client = app.test_client()
        response = client.post("/masuk", data={"username": username, "password": PASSWORD,
                                               "csrf_token": csrf(client, "/masuk")})
        assert response.status_code == 302
        client.token = csrf(client, "/petugas/")
        return client

    return signed_in
