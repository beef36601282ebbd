"""The embedded catalogue in-process: ckanapi's ``call_action`` without a server, one transaction per call."""

from __future__ import annotations

import io

import pytest
from ckanapi.errors import NotAuthorized, NotFound, ValidationError

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.catalogue.service import EmbeddedCKAN
from ppid.catalogue.users import SITE_USER_ID, ckan_user_id
from ppid.platform import Platform
from ppid.publishing.client import open_catalogue


@pytest.fixture
def catalogue(platform: Platform) -> EmbeddedCKAN:
    client = open_catalogue(platform)
    assert isinstance(client, EmbeddedCKAN)  # no PPID_CATALOGUE_URL: the embedded catalogue, in this process
    client.call_action("organization_create", {"name": "dinkes", "title": "Dinas Kesehatan"})
    return client


class BrokenStream(io.RawIOBase):
    """A file whose source fails after the first chunk, as a dropped S3 read would."""

    def __init__(self) -> None:
        self.chunks = [b"kode,nama\n" * 1000]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if not self.chunks:
            raise OSError("koneksi terputus")
        chunk = self.chunks.pop()
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_the_platform_client_writes_and_reads_like_a_remote_ckan(catalogue: EmbeddedCKAN) -> None:
    created = catalogue.action.package_create(name="penduduk", title="Penduduk", owner_org="dinkes")

    shown = catalogue.call_action("package_show", {"id": "penduduk"})

    assert shown["id"] == created["id"] and shown["organization"]["name"] == "dinkes"
    assert shown == catalogue.call_action("package_show", {"id": created["id"]})


def test_an_upload_is_streamed_into_the_platform_storage(platform: Platform, catalogue: EmbeddedCKAN) -> None:
    package = catalogue.action.package_create(name="penduduk", owner_org="dinkes")
    body = b"kode,nama\n3201,Bogor\n" * 50_000

    resource = catalogue.call_action(
        "resource_create", {"package_id": package["id"], "name": "penduduk.csv"},
        files={"upload": ("penduduk.csv", io.BytesIO(body), "text/csv")},
    )

    assert resource["url_type"] == "upload" and resource["size"] == len(body)
    assert resource["mimetype"] == "text/csv" and resource["format"] == "CSV"
    key = resource["url"].split("/dataset/penduduk/resource/", 1)[1].replace("/download/", "/")
    with platform.storage.open(f"catalogue/{package['id']}/{key}") as stored:
        assert stored.read() == body


def test_an_action_that_fails_half_way_leaves_nothing_behind(catalogue: EmbeddedCKAN) -> None:
    package = catalogue.action.package_create(name="penduduk", owner_org="dinkes")

    with pytest.raises(OSError):
        catalogue.call_action(
            "resource_create", {"package_id": package["id"], "name": "rusak.csv"},
            files={"upload": ("rusak.csv", io.BufferedReader(BrokenStream()), "text/csv")},
        )
    with pytest.raises(ValidationError):
        catalogue.action.package_update(id=package["id"], name="penduduk", owner_org="dinkes", tags=[{"name": "x"}])

    kept = catalogue.action.package_show(id="penduduk")
    assert kept["resources"] == [] and kept["tags"] == []


def test_an_anonymous_reader_cannot_write_nor_see_private_datasets(platform: Platform, catalogue: EmbeddedCKAN) -> None:
    catalogue.action.package_create(name="rahasia", owner_org="dinkes", private=True)
    reader = open_catalogue(platform, anonymous=True)

    with pytest.raises(NotAuthorized):
        reader.call_action("package_create", {"name": "baru", "owner_org": "dinkes"})
    with pytest.raises(NotAuthorized):
        reader.call_action("package_show", {"id": "rahasia"})
    with pytest.raises(NotFound):
        reader.call_action("package_show", {"id": "tidak-ada"})
    assert reader.call_action("package_search", {"q": "rahasia"})["count"] == 0


def test_in_process_callers_are_users_too(catalogue: EmbeddedCKAN, platform: Platform) -> None:
    """The platform is CKAN's site user; a caller may name an account, whose rights and e-mail follow it."""
    with platform.database.session() as session:
        walidata = create_user(session, username="walidata", email="walidata@contoh.go.id", full_name="Walidata",
                               password=None, grants=[Grant(Role.WALIDATA)])  # fmt: skip
        walidata_id = ckan_user_id(walidata.id)
    as_walidata = EmbeddedCKAN(platform.database, platform.storage, base_url="https://data.contoh.go.id",
                               sysadmin=True, user="walidata")  # fmt: skip
    anonymous = EmbeddedCKAN(platform.database, platform.storage, base_url="https://data.contoh.go.id")

    by_platform = catalogue.call_action("package_create", {"name": "satu", "owner_org": "dinkes"})
    by_walidata = as_walidata.call_action("package_create", {"name": "dua", "owner_org": "dinkes"})

    assert (by_platform["creator_user_id"], by_walidata["creator_user_id"]) == (SITE_USER_ID, walidata_id)
    assert as_walidata.call_action("user_show", {"id": "walidata"})["email"] == "walidata@contoh.go.id"
    with pytest.raises(NotAuthorized):
        anonymous.call_action("user_show", {"id": "walidata"})
