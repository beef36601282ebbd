"""Every query form ``package_search`` answers, sent to the embedded catalogue and to a real CKAN 2.12:
the same datasets and counts, for a sysadmin and for an anonymous caller.

The same six datasets are created on both sides under three organizations with a random suffix;
every call carries ``fq_list=[organization:(…)]`` so that datasets other tests left in the real
CKAN do not count (``fq_list`` is ANDed apart from ``fq``, in CKAN too). Skips when CKAN_URL is unset.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import RemoteCKAN
from sqlalchemy import create_engine, text

from ppid.config import load_settings
from ppid.platform import Platform

from ..live import served
from .conftest import CATALOGUE_MODELS, REGISTRY, REPO, TOKEN

CKAN_URL = os.environ.get("CKAN_URL")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN")

pytestmark = pytest.mark.ckan


def catalogue(suffix: str) -> list[dict[str, Any]]:
    """Public datasets a1, a2, b1, c1; c2 is private, b2 deleted once created."""

    def dataset(key: str, title: str, notes: str, tags: list[str], year: str, fmt: str, **more: Any) -> dict[str, Any]:
        return {
            "name": f"{key}-{suffix}",
            "owner_org": f"org-{key[0]}-{suffix}",
            "title": title,
            "notes": notes,
            "license_id": "cc-by" if key != "b1" else "odc-by",
            "tags": [{"name": tag} for tag in tags],
            "extras": [{"key": "tahun", "value": year}],
            "resources": [{"name": f"berkas {key}", "url": f"https://contoh.go.id/{key}", "format": fmt}],
            **more,
        }

    # fmt: off
    return [
        dataset("a1", "Pendidikan Dasar", "Jumlah sekolah dasar per kecamatan.", ["pendidikan", "sekolah"], "2023",
                "CSV"),
        dataset("a2", "Anggaran Kesehatan", "Realisasi anggaran puskesmas.", ["kesehatan", "anggaran"], "2024", "PDF"),
        dataset("b1", "Pendapatan Daerah", "Pajak dan retribusi daerah.", ["pajak"], "2024", "XLSX"),
        dataset("c1", "Rumah Sakit Umum", "Daftar rumah sakit dan tempat tidur.", ["kesehatan", "rumah-sakit"], "2022",
                "CSV"),
        dataset("c2", "Pendidikan Rahasia", "Belum diumumkan.", ["pendidikan"], "2024", "CSV", private=True),
        dataset("b2", "Pendidikan Terhapus", "Sudah dihapus.", ["pendidikan", "pajak"], "2024", "CSV"),
    ]
    # fmt: on


@pytest.fixture(scope="module")
def embedded_url(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One embedded catalogue served for the whole module: the datasets are made once for every query."""
    home = tmp_path_factory.mktemp("search-parity")
    database_url = os.environ.get("PPID_TEST_DATABASE_URL")
    if database_url:
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(m.__tablename__ for m in CATALOGUE_MODELS)} CASCADE"))
        engine.dispose()
    else:
        shutil.copyfile(migrated_template, home / "ppid.sqlite3")
        database_url = f"sqlite:///{home / 'ppid.sqlite3'}"
    (home / "config").mkdir()
    (home / "config" / "dinas.yaml").write_text(REGISTRY, encoding="utf-8")
    environ = {"PPID_HOME": str(home / "instance"), "PPID_DATABASE_URL": database_url,
               "PPID_CONFIG_DIR": str(home / "config"), "PPID_SCHEMAS_DIR": str(REPO / "schemas"),
               "PPID_SECRET_KEY": "test-secret", "PPID_CATALOGUE_API_TOKEN": TOKEN}  # fmt: skip
    platform = Platform.open(load_settings(environ=environ))
    from ppid.app import create_app

    try:
        with served(create_app(platform=platform)) as server:
            yield server.url
    finally:
        platform.close()


@pytest.fixture(scope="module")
def sides(embedded_url: str) -> Iterator[dict[str, Any]]:
    """Both catalogues with the same datasets: ``ckan``/``embedded`` as sysadmin, ``*_anonymous`` without a token."""
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
    suffix = uuid.uuid4().hex[:8]
    remotes = {
        "ckan": RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN),
        "embedded": RemoteCKAN(embedded_url, apikey=TOKEN),
        "ckan_anonymous": RemoteCKAN(CKAN_URL),
        "embedded_anonymous": RemoteCKAN(embedded_url),
    }
    for side in ("ckan", "embedded"):
        remote = remotes[side]
        for org in "abc":
            remote.action.organization_create(name=f"org-{org}-{suffix}", title=f"Dinas {org.upper()}")
        for data in catalogue(suffix):
            remote.action.package_create(**data)
        remote.action.package_delete(id=f"b2-{suffix}")
    yield {"suffix": suffix, **remotes}
    real = remotes["ckan"]
    for data in catalogue(suffix):
        real.action.dataset_purge(id=data["name"])
    for org in "abc":
        real.action.organization_purge(id=f"org-{org}-{suffix}")
    for remote in remotes.values():
        remote.close()


def search(sides: dict[str, Any], side: str, **params: Any) -> tuple[int, list[str]]:
    """Count and names (without the suffix) of one search, limited to this test's organizations."""
    suffix = sides["suffix"]
    scope = f"organization:(org-a-{suffix} OR org-b-{suffix} OR org-c-{suffix})"
    found = sides[side].action.package_search(fq_list=[scope], rows=100, **params)
    return found["count"], sorted(package["name"].removesuffix(f"-{suffix}") for package in found["results"])


Q_FORMS = [
    "",
    "pendidikan",  # dismax: one word
    "pend*",  # a trailing wildcard
    '"rumah sakit"',  # a phrase
    "anggaran puskesmas",  # every word of two
    "anggaran kesehatan pajak",  # dismax mm 2<-1: two of three
    "kesehatan -anggaran",  # excluded word
    "+kesehatan +daerah",  # required words
    "puskesmas OR sekolah",  # OR is no dismax operator: both words required
    "title:pendidikan",  # field-qualified text
    'title:"rumah sakit"',  # field-qualified phrase
    "text:pajak OR text:sekolah",  # Lucene OR
    "tags:kesehatan AND NOT tags:anggaran",  # AND NOT
    "(tags:pajak OR tags:sekolah) AND extras_tahun:2024",  # parentheses
    "tags:kes*",  # wildcard on a string field
    "name:a?-*",  # ? and * on a string field
    "-tags:kesehatan",  # purely negative
    "*:*",
]

FQ_FORMS = [
    "organization:org-a-{s} OR organization:org-b-{s}",  # ckanext-harvest's organizations_filter_include
    "(organization:org-a-{s} OR organization:org-b-{s})",
    "organization:org-a-{s} OR organization:org-b-{s} metadata_modified:[NOW-1DAY TO *]",
    "+organization:(org-a-{s} OR org-c-{s}) +res_format:CSV",
    "metadata_modified:[NOW-1DAY TO NOW]",
    "metadata_modified:[* TO NOW-1DAY]",
    "metadata_created:[NOW-1DAY/DAY TO NOW+1DAY/DAY]",  # the stand-in for Solr rounds only last
    "metadata_modified:{* TO NOW-1HOUR}",
    "tags:kesehatan -tags:anggaran",
    "tags:(pajak OR sekolah)",
    "res_format:CSV AND NOT tags:kesehatan",
    "tags:kesehatan && res_format:PDF",
    "license_id:odc-by OR tags:sekolah",
    "tahun:2024",
    "extras_tahun:[2023 TO 2024]",
    "extras_tahun:{2022 TO 2024}",
    'title:"rumah sakit"',
    "name:c*",
    "state:deleted",
    "+state:deleted",
    "capacity:private",
    "+capacity:private",
    "NOT capacity:public",
    "-state:active",
    "state:* OR capacity:*",
]


@pytest.mark.parametrize("q", Q_FORMS)
@pytest.mark.parametrize("who", ["", "_anonymous"])
def test_q_forms_match(sides: dict[str, Any], q: str, who: str) -> None:
    assert search(sides, f"embedded{who}", q=q) == search(sides, f"ckan{who}", q=q)


@pytest.mark.parametrize("fq", FQ_FORMS)
@pytest.mark.parametrize("who", ["", "_anonymous"])
def test_fq_forms_match(sides: dict[str, Any], fq: str, who: str) -> None:
    fq = fq.replace("{s}", sides["suffix"])

    assert search(sides, f"embedded{who}", fq=fq) == search(sides, f"ckan{who}", fq=fq)


@pytest.mark.parametrize(
    "flags",
    [{"include_private": True}, {"include_drafts": True}, {"include_private": True, "include_deleted": False}],
)
@pytest.mark.parametrize("fq", ["", "capacity:private", "+capacity:private", "+state:deleted", "tags:pendidikan"])
@pytest.mark.parametrize("who", ["", "_anonymous"])
def test_flags_match(sides: dict[str, Any], flags: dict[str, bool], fq: str, who: str) -> None:
    assert search(sides, f"embedded{who}", fq=fq, **flags) == search(sides, f"ckan{who}", fq=fq, **flags)


def test_facets_over_a_boolean_query_match(sides: dict[str, Any]) -> None:
    params = {"q": "tags:kesehatan OR tags:pajak", "facet.field": '["tags", "res_format", "license_id"]'}

    def facets(side: str) -> dict[str, Any]:
        suffix = sides["suffix"]
        scope = f"organization:(org-a-{suffix} OR org-b-{suffix} OR org-c-{suffix})"
        return sides[side].action.package_search(fq_list=[scope], **params)["facets"]

    assert facets("embedded") == facets("ckan")
