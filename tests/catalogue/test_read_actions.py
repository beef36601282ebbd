"""Read actions answer anyone, in CKAN 2.12's envelope and shapes (checked against a real CKAN 2.12)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.catalogue.conftest import Api

ISO_WITHOUT_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$")
PACKAGE_KEYS = {
    "author", "author_email", "creator_user_id", "id", "isopen", "license_id", "license_title", "maintainer",
    "maintainer_email", "metadata_created", "metadata_modified", "name", "notes", "num_resources", "num_tags",
    "organization", "owner_org", "private", "state", "title", "type", "url", "version", "extras", "resources",
    "tags", "groups", "relationships_as_subject", "relationships_as_object",
}  # fmt: skip
#: As a CKAN with its DataStore plugin shows a resource (``datastore_active`` on every one).
RESOURCE_KEYS = {
    "cache_last_updated", "cache_url", "created", "datastore_active", "description", "format", "hash", "id",
    "last_modified", "metadata_modified", "mimetype", "mimetype_inner", "name", "package_id", "position",
    "resource_type", "size", "state", "url", "url_type",
}  # fmt: skip
ORGANIZATION_KEYS = {
    "approval_status", "created", "description", "display_name", "id", "image_display_url", "image_url",
    "is_organization", "name", "num_followers", "package_count", "state", "title", "type",
}  # fmt: skip


def test_the_envelope_names_the_help_url_and_success(client) -> None:
    body = client.get("/api/3/action/status_show").get_json()

    assert body["help"] == "http://localhost/api/3/action/help_show?name=status_show"
    assert body["success"] is True
    assert body["result"]["ckan_version"] == "2.12.0"
    assert body["result"]["site_url"] == "https://data.contoh.go.id"


def test_the_unversioned_path_works_too(client) -> None:
    assert client.get("/api/action/status_show").get_json()["success"] is True


def test_package_show_has_ckans_shape(api: Api, sample: dict[str, Any]) -> None:
    package = api.ok("package_show", token=None, id="dinkes-fasilitas-kesehatan")

    assert set(package) == PACKAGE_KEYS | {"license_url"}
    assert package["type"] == "dataset"
    assert package["state"] == "active"
    assert package["private"] is False
    assert package["license_id"] == "cc-by"
    assert package["license_title"] == "Creative Commons Attribution"
    assert package["isopen"] is True
    assert package["owner_org"] == package["organization"]["id"]
    assert package["organization"]["name"] == "dinkes"
    assert package["organization"]["title"] == "Dinas Kesehatan Kabupaten Contoh"
    assert ISO_WITHOUT_ZONE.match(package["metadata_created"])
    assert ISO_WITHOUT_ZONE.match(package["metadata_modified"])
    assert package["num_tags"] == 2
    assert package["num_resources"] == 1
    assert [tag["name"] for tag in package["tags"]] == ["fasilitas-kesehatan", "kesehatan"]
    assert set(package["tags"][0]) == {"display_name", "id", "name", "state", "vocabulary_id"}
    assert package["extras"] == [
        {"key": "tahun", "value": "2024"},
        {"key": "frekuensi_penerbitan", "value": "tahunan"},
    ]


def test_package_show_finds_by_id_or_name(api: Api, sample: dict[str, Any]) -> None:
    by_name = api.ok("package_show", id="dinkes-cakupan-imunisasi")

    assert api.ok("package_show", id=by_name["id"]) == by_name


def test_resources_keep_their_order_and_every_extra_key(api: Api, sample: dict[str, Any]) -> None:
    resources = api.ok("package_show", id="dinkes-cakupan-imunisasi")["resources"]

    assert [r["position"] for r in resources] == [0, 1]
    assert set(resources[0]) == RESOURCE_KEYS
    assert resources[0]["format"] == "CSV"  # guessed from the URL, as CKAN does
    assert resources[0]["mimetype"] is None  # CKAN 2.12 guesses it in package_update, not in package_create
    assert resources[1]["format"] == "PDF"
    fasilitas = api.ok("package_show", id="dinkes-fasilitas-kesehatan")["resources"][0]
    assert fasilitas["ppid_key"] == "f1"


def test_resource_show(api: Api, sample: dict[str, Any]) -> None:
    resource = sample["dinkes-fasilitas-kesehatan"]["resources"][0]

    assert api.ok("resource_show", token=None, id=resource["id"]) == resource


def test_package_list_names_active_public_datasets_by_name(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("package_list", token=None) == [
        "dinkes-cakupan-imunisasi",
        "dinkes-fasilitas-kesehatan",
        "disdukcapil-jumlah-penduduk",
    ]
    assert api.ok("package_list", limit=1, offset=1) == ["dinkes-fasilitas-kesehatan"]


def test_organization_list_gives_names_or_full_dicts_by_title(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("organization_list", token=None) == ["disdukcapil", "dinkes"]  # "Dinas Kep…" < "Dinas Kes…"
    assert api.ok("organization_list", sort="name asc") == ["dinkes", "disdukcapil"]

    organizations = api.ok("organization_list", token=None, all_fields=True)
    assert set(organizations[0]) == ORGANIZATION_KEYS
    assert [(o["name"], o["package_count"]) for o in organizations] == [("disdukcapil", 1), ("dinkes", 2)]
    assert organizations[1]["display_name"] == "Dinas Kesehatan Kabupaten Contoh"


def test_organization_show_counts_and_lists_datasets(api: Api, sample: dict[str, Any]) -> None:
    organization = api.ok("organization_show", token=None, id="disdukcapil")
    assert organization["package_count"] == 1
    assert "packages" not in organization

    with_datasets = api.ok("organization_show", token=None, id="disdukcapil", include_datasets=True)
    assert [p["name"] for p in with_datasets["packages"]] == ["disdukcapil-jumlah-penduduk"]
    as_sysadmin = api.ok("organization_show", id="disdukcapil", include_datasets=True)
    assert as_sysadmin["package_count"] == 2  # the private dataset too
    assert len(as_sysadmin["packages"]) == 2


def test_tag_list_names_the_tags_of_visible_datasets(api: Api, sample: dict[str, Any]) -> None:
    tags = api.ok("tag_list", token=None)

    assert tags == ["fasilitas-kesehatan", "imunisasi", "kependudukan", "kesehatan", "statistik"]
    assert api.ok("tag_list", query="kes") == ["fasilitas-kesehatan", "kesehatan"]
    assert set(api.ok("tag_list", all_fields=True)[0]) == {"id", "name", "vocabulary_id", "display_name"}


def test_license_list_and_help_show(api: Api) -> None:
    licences = {licence["id"]: licence for licence in api.ok("license_list")}
    assert licences["cc-by"]["title"] == "Creative Commons Attribution"
    assert "Search" in api.ok("help_show", name="package_search")


def test_get_takes_query_string_parameters_json_decoding_lists(api: Api, sample: dict[str, Any]) -> None:
    found = api.ok("package_search", method="GET", token=None, q="kesehatan", rows="1", **{"facet.field": '["tags"]'})

    assert found["count"] == 2
    assert len(found["results"]) == 1
    assert found["facets"]["tags"]["kesehatan"] == 2


def test_not_found_is_404(api: Api) -> None:
    error = api.error("package_show", 404, id="tidak-ada")

    assert error == {"__type": "Not Found Error", "message": "Not found"}
    assert api.error("resource_show", 404, id="tidak-ada")["message"] == "Not found: Resource was not found."
    assert api.error("organization_show", 404, id="tidak-ada")["__type"] == "Not Found Error"


def test_a_missing_id_is_a_validation_error(api: Api) -> None:
    assert api.error("package_show", 409) == {"name_or_id": ["Missing value"], "__type": "Validation Error"}


def test_an_unknown_action_or_bad_json_is_a_bad_request(client) -> None:
    unknown = client.get("/api/3/action/dataset_teleport")
    assert unknown.status_code == 400
    assert unknown.get_json() == "Bad request: Action name not known: dataset_teleport"

    bad_json = client.post("/api/3/action/package_show", data="{not json", content_type="application/json")
    assert bad_json.status_code == 400
    assert bad_json.get_json().startswith("Bad request: JSON Error:")


def test_writes_must_be_posted(api: Api) -> None:
    status, body = api.call("package_create", method="GET", name="lewat-get")

    assert status == 400
    assert "Please use POST" in body


def test_invalid_search_parameters_answer_like_ckan(api: Api) -> None:
    assert api.error("package_search", 409, rows="banyak") == {
        "rows": ["Invalid integer"],
        "__type": "Validation Error",
    }
    assert api.error("package_search", 409, start=-1)["start"] == ["Must be a natural number"]
    assert (
        api.error("package_search", 409, **{"facet.field": "tags"})["facet.field"][0] == "Could not parse as valid JSON"
    )
    unknown = api.error("package_search", 400, warna="merah")
    assert unknown == {
        "__type": "Search Query Error",
        "message": "Search Query is invalid: \"Invalid search parameters: ['warna']\"",
    }
    assert api.error("package_search", 400, sort="popularity desc")["__type"] == "Search Query Error"


def test_search_results_have_package_show_shape(api: Api, sample: dict[str, Any]) -> None:
    found = api.ok("package_search", token=None, q="imunisasi")

    assert set(found) == {"count", "facets", "results", "sort", "search_facets"}
    assert found["sort"] == "score desc, metadata_modified desc"
    assert found["results"] == [api.ok("package_show", id="dinkes-cakupan-imunisasi")]
    assert json.loads(json.dumps(found)) == found
