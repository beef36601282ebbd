"""Fixtures for the embedded catalogue: the real app on a one-dinas registry, a small API client, sample
datasets, and a live server on a loopback port for ``ckanapi`` (the library and its command line).

The database is the shared migrated template: a copy of the SQLite file per test, or, when
``PPID_TEST_DATABASE_URL`` is set, the PostgreSQL database with the catalogue's tables emptied.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ckanapi import RemoteCKAN
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from ppid.accounts.models import User
from ppid.catalogue.models import (
    Group,
    Organization,
    Package,
    PackageSearch,
    PackageTerm,
    Resource,
    SearchState,
    package_group,
)
from ppid.datastore.models import DatastoreTable

from ..live import served

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-catalogue-token"
PUBLIC_URL = "https://data.contoh.go.id"
#: What these tests write: the catalogue, and the accounts that call it with personal tokens (TRUNCATE's
#: CASCADE empties their grants, tokens and events too).
CATALOGUE_MODELS = (Organization, Group, Package, Resource, PackageTerm, PackageSearch, SearchState, User,
                    DatastoreTable)
CATALOGUE_TABLES = (*(model.__tablename__ for model in CATALOGUE_MODELS), package_group.name)

REGISTRY = """\
region:
  name: Kabupaten Contoh
  kode_wilayah: "3201"
dinas:
  - slug: dinkes
    name: Dinas Kesehatan Kabupaten Contoh
    ppid:
      name: PPID Pelaksana Dinas Kesehatan
      email: ppid.dinkes@contoh.go.id
    sources: []
"""


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> str:
    """Overrides the shared fixture: only the catalogue's tables need emptying between these tests."""
    postgres_url = os.environ.get("PPID_TEST_DATABASE_URL")
    if not postgres_url:
        path = tmp_path / "ppid.sqlite3"
        shutil.copyfile(migrated_template, path)
        return f"sqlite:///{path}"
    tables = ", ".join(CATALOGUE_TABLES)
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_url


@pytest.fixture
def environ(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Overrides the shared environment: a minimal registry, so these tests do not depend on the samples."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "dinas.yaml").write_text(REGISTRY, encoding="utf-8")
    return {
        "PPID_HOME": str(tmp_path / "instance"),
        "PPID_DATABASE_URL": database_url,
        "PPID_CONFIG_DIR": str(config_dir),
        "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
        "PPID_SECRET_KEY": "test-secret",
        "PPID_CATALOGUE_API_TOKEN": TOKEN,
        "PPID_PUBLIC_URL": PUBLIC_URL,
    }


@pytest.fixture
def token() -> str:
    """The catalogue API token of the test settings: it makes the caller a sysadmin."""
    return TOKEN


@dataclass
class Api:
    """Calls actions the way a CKAN client does: POST JSON (or GET with a query string), token optional."""

    client: FlaskClient

    def call(self, action: str, /, *, token: str | None = TOKEN, method: str = "POST", **data: Any) -> tuple[int, Any]:
        headers = {"Authorization": token} if token else {}
        if method == "GET":
            response = self.client.get(f"/api/3/action/{action}", query_string=data, headers=headers)
        else:
            response = self.client.post(f"/api/3/action/{action}", json=data, headers=headers)
        return response.status_code, response.get_json()

    def ok(self, action: str, /, **data: Any) -> Any:
        """The result of a successful call (as the sysadmin unless ``token=None``)."""
        status, body = self.call(action, **data)
        assert status == 200 and body["success"] is True, body
        return body["result"]

    def error(self, action: str, status: int, /, **data: Any) -> dict[str, Any]:
        """The error dict of a call expected to fail with ``status``."""
        got, body = self.call(action, **data)
        assert got == status, body
        assert body["success"] is False
        return body["error"]


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


def dataset(name: str, owner_org: str, title: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "owner_org": owner_org, "title": title, **fields}


SAMPLE_DATASETS = [
    dataset(
        "dinkes-fasilitas-kesehatan",
        "dinkes",
        "Fasilitas Kesehatan",
        notes="Daftar puskesmas, rumah sakit dan klinik per kecamatan.",
        license_id="cc-by",
        tags=[{"name": "kesehatan"}, {"name": "fasilitas-kesehatan"}],
        extras=[{"key": "tahun", "value": "2024"}, {"key": "frekuensi_penerbitan", "value": "tahunan"}],
        resources=[{"name": "fasilitas-kesehatan-2024.csv", "url": "https://contoh.go.id/f.csv", "ppid_key": "f1"}],
    ),
    dataset(
        "dinkes-cakupan-imunisasi",
        "dinkes",
        "Cakupan Imunisasi Dasar Lengkap",
        notes="Sasaran dan realisasi imunisasi dasar lengkap bagi bayi per kecamatan.",
        license_id="cc-by",
        tags=[{"name": "kesehatan"}, {"name": "imunisasi"}],
        extras=[{"key": "tahun", "value": "2023"}, {"key": "frekuensi_penerbitan", "value": "tahunan"}],
        resources=[
            {"name": "imunisasi-2023.csv", "url": "https://contoh.go.id/i.csv"},
            {"name": "Laporan tahunan imunisasi", "url": "https://contoh.go.id/laporan.pdf", "format": "PDF"},
        ],
    ),
    dataset(
        "disdukcapil-jumlah-penduduk",
        "disdukcapil",
        "Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin",
        notes="Data agregat kependudukan semesteran.",
        license_id="odc-by",
        tags=[{"name": "kependudukan"}, {"name": "statistik"}],
        extras=[{"key": "tahun", "value": "2024"}, {"key": "frekuensi_penerbitan", "value": "semesteran"}],
        resources=[{"name": "penduduk-2024.xlsx", "url": "https://contoh.go.id/p.xlsx"}],
    ),
    dataset(
        "disdukcapil-akta-kelahiran",
        "disdukcapil",
        "Kepemilikan Akta Kelahiran",
        notes="Belum diumumkan.",
        private=True,
        tags=[{"name": "kependudukan"}],
    ),
]


SAMPLE_ORGANIZATIONS = [
    {"name": "dinkes", "title": "Dinas Kesehatan Kabupaten Contoh"},
    {"name": "disdukcapil", "title": "Dinas Kependudukan dan Pencatatan Sipil"},
]


@pytest.fixture
def sample(api: Api) -> dict[str, dict[str, Any]]:
    """Two organizations and four datasets (one private), created through the API; name → package dict."""
    for organization in SAMPLE_ORGANIZATIONS:
        api.ok("organization_create", **organization)
    return {data["name"]: api.ok("package_create", **data) for data in SAMPLE_DATASETS}


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    """The app served by waitress on a free loopback port, as the publisher's catalogue client does."""
    with served(app) as server:
        yield server.url


@pytest.fixture
def ckan(live_url: str) -> Iterator[RemoteCKAN]:
    with RemoteCKAN(live_url, apikey=TOKEN) as remote:
        yield remote


@pytest.fixture
def published(ckan: RemoteCKAN) -> RemoteCKAN:
    """The live server holding the sample, created through ckanapi."""
    for organization in SAMPLE_ORGANIZATIONS:
        ckan.action.organization_create(**organization)
    for data in SAMPLE_DATASETS:
        ckan.action.package_create(**data)
    return ckan
