"""The real ``ckanapi`` client and command line against the embedded catalogue served over HTTP.

This is the contract the publisher relies on: whatever works here works against a real CKAN 2.12,
and errors come back as the same ``ckanapi.errors`` exceptions.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from ckanapi import NotAuthorized, NotFound, RemoteCKAN, SearchQueryError, ValidationError

CKANAPI = str(Path(sys.executable).with_name("ckanapi"))


def test_create_show_and_search_through_ckanapi(ckan: RemoteCKAN) -> None:
    organization = ckan.action.organization_create(name="dinkes", title="Dinas Kesehatan")
    created = ckan.action.package_create(
        name="dinkes-fasilitas-kesehatan",
        title="Fasilitas Kesehatan",
        owner_org="dinkes",
        tags=[{"name": "kesehatan"}],
        extras=[{"key": "tahun", "value": "2024"}],
        resources=[{"name": "fasilitas.csv", "url": "https://contoh.go.id/f.csv", "ppid_key": "dinkes/f.csv"}],
    )

    shown = ckan.action.package_show(id="dinkes-fasilitas-kesehatan")
    assert shown == created
    assert shown["owner_org"] == organization["id"]
    assert shown["resources"][0]["ppid_key"] == "dinkes/f.csv"
    found = ckan.action.package_search(fq="organization:dinkes", **{"facet.field": json.dumps(["tags"])})
    assert found["count"] == 1
    assert found["facets"] == {"tags": {"kesehatan": 1}}


def test_a_file_uploaded_through_ckanapi(ckan: RemoteCKAN, platform, tmp_path: Path) -> None:
    ckan.action.organization_create(name="dinkes")
    package = ckan.action.package_create(name="dinkes-laporan", owner_org="dinkes", title="Laporan")
    path = tmp_path / "laporan tahunan.pdf"
    path.write_bytes(b"%PDF-1.4 laporan")

    with path.open("rb") as upload:
        resource = ckan.action.resource_create(package_id=package["id"], name="Laporan tahunan", upload=upload)

    assert resource["url_type"] == "upload"
    assert resource["url"].endswith(f"/dataset/dinkes-laporan/resource/{resource['id']}/download/laporan_tahunan.pdf")
    assert resource["hash"] == "sha256:" + hashlib.sha256(b"%PDF-1.4 laporan").hexdigest()
    assert (resource["format"], resource["size"]) == ("PDF", 16)
    with platform.storage.open(f"catalogue/{package['id']}/{resource['id']}/laporan_tahunan.pdf") as stored:
        assert stored.read() == b"%PDF-1.4 laporan"
    assert ckan.action.package_show(id=package["id"])["resources"] == [resource]


def test_errors_arrive_as_ckanapi_exceptions(published: RemoteCKAN, live_url: str) -> None:
    with pytest.raises(NotFound):
        published.action.package_show(id="tidak-ada")
    with pytest.raises(ValidationError) as invalid:
        published.action.package_create(name="dinkes-fasilitas-kesehatan", owner_org="dinkes")
    assert invalid.value.error_dict["name"] == ["That URL is already in use."]
    with pytest.raises(SearchQueryError):
        published.action.package_search(sort="popularity desc")
    with RemoteCKAN(live_url) as anonymous:
        with pytest.raises(NotAuthorized):
            anonymous.action.package_delete(id="dinkes-fasilitas-kesehatan")
        with pytest.raises(NotAuthorized):
            anonymous.action.package_show(id="disdukcapil-akta-kelahiran")
        assert anonymous.action.package_search(q="kesehatan")["count"] == 2


def test_get_only_clients_read_through_the_query_string(published: RemoteCKAN, live_url: str) -> None:
    with RemoteCKAN(live_url, get_only=True) as reader:
        found = reader.action.package_search(fq="tags:imunisasi", **{"facet.field": '["res_format"]'})

    assert [p["name"] for p in found["results"]] == ["dinkes-cakupan-imunisasi"]
    assert found["facets"] == {"res_format": {"CSV": 1, "PDF": 1}}


def test_the_publisher_round_trip_is_stable(published: RemoteCKAN) -> None:
    """What package_update returns can be sent back to it unchanged, as publishers do."""
    shown = published.action.package_show(id="dinkes-cakupan-imunisasi")
    before = published.action.package_update(**shown)  # like CKAN, this fills in the guessed mimetypes

    after = published.action.package_update(**before)

    assert before["resources"][0]["mimetype"] == "text/csv"
    assert {**after, "metadata_modified": None} == {**before, "metadata_modified": None}


def test_the_ckanapi_command_line(published: RemoteCKAN, live_url: str, tmp_path: Path) -> None:
    environment = {**os.environ, "PATH": f"{Path(CKANAPI).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    searched = subprocess.run(
        [CKANAPI, "action", "package_search", "q=imunisasi", "-r", live_url, "-j"],
        capture_output=True, text=True, env=environment, timeout=60, check=True,
    )  # fmt: skip
    assert [p["name"] for p in json.loads(searched.stdout)["results"]] == ["dinkes-cakupan-imunisasi"]

    dump = tmp_path / "datasets.jsonl"
    subprocess.run(
        [CKANAPI, "dump", "datasets", "--all", "-r", live_url, "-O", str(dump), "-q"],
        capture_output=True, text=True, env=environment, timeout=120, check=True,
    )  # fmt: skip
    dumped = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sorted(p["name"] for p in dumped) == [
        "dinkes-cakupan-imunisasi",
        "dinkes-fasilitas-kesehatan",
        "disdukcapil-jumlah-penduduk",
    ]
    assert all(p["organization"]["name"] in {"dinkes", "disdukcapil"} for p in dumped)


def test_the_envelope_over_http(published: RemoteCKAN, live_url: str) -> None:
    response = requests.get(f"{live_url}/api/3/action/package_show", params={"id": "tidak-ada"}, timeout=10)

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "help": f"{live_url}/api/3/action/help_show?name=package_show",
        "success": False,
        "error": {"__type": "Not Found Error", "message": "Not found"},
    }
