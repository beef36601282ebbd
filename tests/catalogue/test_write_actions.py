"""Write actions need the catalogue token and validate like CKAN 2.12, with CKAN's messages."""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.catalogue.conftest import Api


def test_writes_without_the_token_are_refused(api: Api) -> None:
    error = api.error("organization_create", 403, token=None, name="dinkes")

    assert error["__type"] == "Authorization Error"
    assert error["message"].startswith("Access denied: ")
    assert api.error("organization_create", 403, token="salah", name="dinkes")["__type"] == "Authorization Error"
    assert api.ok("organization_list") == []


def test_the_token_may_come_as_x_ckan_api_key(client, token: str) -> None:
    response = client.post(
        "/api/3/action/organization_create", json={"name": "dinkes"}, headers={"X-CKAN-API-Key": token}
    )

    assert response.status_code == 200


def test_the_api_is_exempt_from_csrf_protection(app, client, token: str) -> None:
    app.config["WTF_CSRF_ENABLED"] = True  # as in production; the test config may switch it off
    response = client.post(
        "/api/3/action/organization_create", json={"name": "dinkes"}, headers={"Authorization": token}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "messages"),
    [
        ("Data Penduduk", ["Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"]),
        ("x", ["Must be at least 2 characters long", 'Name "x" length is less than minimum 2']),
        (
            "a" * 101,
            ["Name must be a maximum of 100 characters long", f'Name "{"a" * 101}" length is more than maximum 100'],
        ),
        ("new", ["That name cannot be used"]),
        (None, ["Missing value"]),
    ],
)
def test_dataset_names_are_validated(api: Api, name: str | None, messages: list[str]) -> None:
    api.ok("organization_create", name="dinkes")

    error = api.error("package_create", 409, name=name, owner_org="dinkes")

    assert error == {"name": messages, "__type": "Validation Error"}


def test_a_name_in_use_is_refused(api: Api, sample: dict[str, Any]) -> None:
    error = api.error("package_create", 409, name="dinkes-fasilitas-kesehatan", owner_org="dinkes")

    assert error == {"name": ["That URL is already in use."], "__type": "Validation Error"}
    assert api.error("organization_create", 409, name="dinkes")["name"] == ["Group name already exists in database"]


def test_the_organization_must_be_given_and_exist(api: Api) -> None:
    assert api.error("package_create", 409, name="data-baru")["owner_org"] == ["An organization must be provided"]
    assert api.error("package_create", 409, name="data-baru", owner_org="dinas-lain")["owner_org"] == [
        "Organization does not exist"
    ]


def test_tags_and_extras_are_validated(api: Api) -> None:
    api.ok("organization_create", name="dinkes")

    error = api.error(
        "package_create",
        409,
        name="data-baru",
        owner_org="dinkes",
        tags=[{"name": "ok"}, {"name": "Tidak Boleh!"}],
        extras=[{"key": "tahun", "value": "2024"}, {"key": "title", "value": "x"}, {"key": "satuan"}],
    )

    assert error["tags"] == [
        'Tag "Tidak Boleh!" can only contain alphanumeric characters, spaces (" "), hyphens ("-"), '
        'underscores ("_") or dots (".")'
    ]
    assert error["extras"] == [
        {},
        {"key": ["There is a schema field with the same name"]},
        {"value": ["Missing value"]},
    ]


def test_the_organization_may_be_named_by_id_and_tags_given_as_a_string(api: Api) -> None:
    organization = api.ok("organization_create", name="dinkes", title="Dinas Kesehatan")

    package = api.ok("package_create", name="data-baru", owner_org=organization["id"], tag_string="satu, dua")

    assert package["organization"]["name"] == "dinkes"
    assert [tag["name"] for tag in package["tags"]] == ["dua", "satu"]


def test_package_patch_keeps_what_it_does_not_name(api: Api, sample: dict[str, Any]) -> None:
    before = sample["dinkes-fasilitas-kesehatan"]

    after = api.ok("package_patch", id=before["id"], title="Fasilitas Kesehatan 2024")

    assert after["title"] == "Fasilitas Kesehatan 2024"
    for key in ("notes", "tags", "extras", "license_id", "owner_org", "private", "resources"):
        assert after[key] == before[key], key
    assert after["metadata_modified"] > before["metadata_modified"]


def test_package_update_empties_omitted_fields_but_keeps_omitted_resources(api: Api, sample: dict[str, Any]) -> None:
    before = sample["dinkes-fasilitas-kesehatan"]

    after = api.ok("package_update", id=before["id"], name=before["name"], owner_org="dinkes", title="Baru")

    assert (after["notes"], after["tags"], after["extras"], after["license_id"]) == (None, [], [], None)
    assert after["resources"] == before["resources"]


def test_package_update_replaces_resources_matching_them_by_id(api: Api, sample: dict[str, Any]) -> None:
    before = sample["dinkes-cakupan-imunisasi"]
    kept = {**before["resources"][1], "description": "Laporan resmi"}

    after = api.ok("package_patch", id=before["id"], resources=[kept, {"name": "baru.json", "url": "https://x/b.json"}])

    assert [r["name"] for r in after["resources"]] == ["Laporan tahunan imunisasi", "baru.json"]
    assert after["resources"][0]["id"] == kept["id"]
    assert after["resources"][0]["description"] == "Laporan resmi"
    assert [r["position"] for r in after["resources"]] == [0, 1]
    assert api.error("resource_show", 404, id=before["resources"][0]["id"])


def test_a_deleted_dataset_leaves_search_but_sysadmins_still_see_it(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("package_delete", id="dinkes-fasilitas-kesehatan") is None

    assert api.ok("package_search", q="puskesmas")["count"] == 0
    assert "dinkes-fasilitas-kesehatan" not in api.ok("package_list")
    assert api.ok("package_show", id="dinkes-fasilitas-kesehatan")["state"] == "deleted"
    assert (
        api.error("package_show", 403, token=None, id="dinkes-fasilitas-kesehatan")["__type"] == "Authorization Error"
    )
    assert api.ok("package_search", q="puskesmas", include_deleted=True)["count"] == 1


def test_patching_state_active_restores_a_deleted_dataset(api: Api, sample: dict[str, Any]) -> None:
    api.ok("package_delete", id="dinkes-fasilitas-kesehatan")

    restored = api.ok("package_patch", id="dinkes-fasilitas-kesehatan", state="active")

    assert restored["state"] == "active"
    assert restored["notes"] == sample["dinkes-fasilitas-kesehatan"]["notes"]
    assert api.ok("package_search", q="puskesmas", token=None)["count"] == 1


def test_the_name_of_a_deleted_dataset_can_be_reused_as_in_ckan(api: Api, sample: dict[str, Any]) -> None:
    """CKAN 2.12 renames the deleted dataset to its id, then creates a new one with the name."""
    old = sample["dinkes-fasilitas-kesehatan"]
    api.ok("package_delete", id=old["id"])

    new = api.ok("package_create", name=old["name"], owner_org="dinkes", title="Fasilitas Kesehatan (baru)")

    assert new["id"] != old["id"]
    assert api.ok("package_show", id=old["name"])["id"] == new["id"]
    renamed = api.ok("package_show", id=old["id"])
    assert (renamed["name"], renamed["state"]) == (old["id"], "deleted")


def test_private_datasets_are_for_sysadmins_only(api: Api, sample: dict[str, Any]) -> None:
    assert api.error("package_show", 403, token=None, id="disdukcapil-akta-kelahiran")
    assert api.ok("package_search", q="akta", token=None, include_private=True)["count"] == 0
    assert api.ok("package_search", q="akta")["count"] == 0  # as in CKAN, private ones only when asked for
    assert api.ok("package_search", q="akta", include_private=True)["count"] == 1


def test_dataset_purge_removes_the_dataset_for_good(api: Api, sample: dict[str, Any]) -> None:
    package = sample["dinkes-cakupan-imunisasi"]
    assert api.ok("package_search", q="imunisasi")["count"] == 1

    api.ok("dataset_purge", id=package["id"])

    assert api.error("package_show", 404, id=package["id"])
    assert api.error("resource_show", 404, id=package["resources"][0]["id"])
    assert api.ok("package_search", q="imunisasi")["count"] == 0
    assert api.ok("package_search", fq="tags:imunisasi")["count"] == 0


def test_resource_create_patch_update_and_delete(api: Api, sample: dict[str, Any]) -> None:
    package = sample["disdukcapil-jumlah-penduduk"]

    created = api.ok(
        "resource_create", package_id=package["name"], name="penduduk-2025.csv", url="https://x/p25.csv", tahun="2025"
    )
    assert (created["position"], created["format"], created["tahun"]) == (1, "CSV", "2025")

    patched = api.ok("resource_patch", id=created["id"], description="Semester 1")
    assert (patched["description"], patched["tahun"], patched["url"]) == ("Semester 1", "2025", "https://x/p25.csv")

    updated = api.ok("resource_update", id=created["id"], url="https://x/p25-v2.csv")
    assert (updated["url"], updated["description"], updated["name"]) == (
        "https://x/p25-v2.csv",
        None,
        "penduduk-2025.csv",
    )
    assert "tahun" not in updated  # an update replaces the extra keys, as in CKAN

    assert api.ok("resource_delete", id=created["id"]) is None
    assert api.ok("package_show", id=package["id"])["num_resources"] == 1
    assert api.error("resource_create", 409, name="tanpa-dataset") == {
        "package_id": ["Missing value"],
        "__type": "Validation Error",
    }
    assert api.error("resource_create", 404, package_id="tidak-ada")["message"] == "Not found: Package was not found."


def test_resource_sizes_must_be_integers(api: Api, sample: dict[str, Any]) -> None:
    package = sample["disdukcapil-jumlah-penduduk"]

    error = api.error("package_patch", 409, id=package["id"], resources=[{"url": "https://x/a.csv", "size": "besar"}])

    assert error["resources"] == [{"size": ["Invalid integer"]}]


def test_a_file_uploaded_with_resource_create_goes_to_storage(
    client, platform, token: str, sample: dict[str, Any]
) -> None:
    package = sample["disdukcapil-jumlah-penduduk"]
    content = b"kecamatan,laki_laki,perempuan\nCibinong,1200,1180\n"

    response = client.post(
        "/api/3/action/resource_create",
        data={
            "package_id": package["id"],
            "name": "Penduduk 2025",
            "upload": (io.BytesIO(content), "penduduk 2025.csv"),
        },
        headers={"Authorization": token},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200, response.get_json()
    resource = response.get_json()["result"]
    assert resource["url_type"] == "upload"
    assert resource["url"] == (
        f"https://data.contoh.go.id/dataset/{package['name']}/resource/{resource['id']}/download/penduduk_2025.csv"
    )
    assert resource["size"] == len(content)
    assert resource["hash"] == f"sha256:{hashlib.sha256(content).hexdigest()}"
    assert (resource["format"], resource["mimetype"]) == ("CSV", "text/csv")
    assert resource["last_modified"] is not None
    with platform.storage.open(f"catalogue/{package['id']}/{resource['id']}/penduduk_2025.csv") as stored:
        assert stored.read() == content


def test_organization_patch_renames_and_search_follows(api: Api, sample: dict[str, Any]) -> None:
    api.ok("organization_patch", id="dinkes", title="Dinas Kesehatan dan Keluarga Berencana")

    found = api.ok("package_search", q="berencana", **{"facet.field": ["organization"]})

    assert found["count"] == 2
    assert found["search_facets"]["organization"]["items"] == [
        {"name": "dinkes", "display_name": "Dinas Kesehatan dan Keluarga Berencana", "count": 2}
    ]
    assert api.ok("organization_show", id="dinkes")["description"] == ""
