"""Groups, users, ``package_revise`` and the smaller read actions of the embedded catalogue, over its HTTP API.

The same actions are compared with a real CKAN 2.12 in test_contract_actions.py; these run without one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.accounts.tokens import create_token
from ppid.catalogue.users import SITE_USER_ID, ckan_user_id

if TYPE_CHECKING:
    from tests.catalogue.conftest import Api


@pytest.fixture
def accounts(platform) -> dict[str, str]:
    """Personal tokens: a region-wide walidata (sysadmin), a data officer and an atasan of dinkes; their ids."""
    found = {}
    with platform.database.session() as session:
        for username, grants in {
            "walidata": [Grant(Role.WALIDATA)],
            "petugas": [Grant(Role.OFFICER, "dinkes")],
            "atasan": [Grant(Role.ATASAN, "dinkes"), Grant(Role.OFFICER, "disdukcapil")],
        }.items():
            account = create_user(session, username=username, email=f"{username}@contoh.go.id",
                                  full_name=username.title(), password=None, grants=grants)  # fmt: skip
            found[username] = create_token(session, account, "uji")[1]
            found[f"{username}_id"] = ckan_user_id(account.id)
    return found


def test_groups_hold_datasets_of_any_organization(api: Api, sample: dict[str, Any]) -> None:
    group = api.ok("group_create", name="kesehatan", title="Kesehatan", description="Tema kesehatan")
    api.ok("package_patch", id="dinkes-fasilitas-kesehatan", groups=[{"name": "kesehatan"}, {"name": "tidak-ada"}])
    api.ok("package_patch", id="disdukcapil-akta-kelahiran", groups=[{"id": group["id"]}])  # private

    kept = api.ok("package_patch", id="dinkes-fasilitas-kesehatan", notes="Groups omitted are kept")
    public = api.ok("group_show", token=None, id="kesehatan", include_datasets=True)
    everything = api.ok("group_show", id="kesehatan", include_datasets=True)

    assert [g["name"] for g in kept["groups"]] == ["kesehatan"]
    assert set(kept["groups"][0]) == {"description", "display_name", "id", "image_display_url", "name", "title"}
    assert (public["package_count"], [p["name"] for p in public["packages"]]) == (1, ["dinkes-fasilitas-kesehatan"])
    assert everything["package_count"] == 2
    assert (group["is_organization"], group["type"]) == (False, "group")
    assert api.ok("group_list", token=None) == ["kesehatan"]
    assert api.ok("group_list", token=None, all_fields=True)[0]["package_count"] == 1
    assert [m[1:] for m in api.ok("member_list", token=None, id="kesehatan", object_type="package")] == [
        ["package", "public"]
    ] * 2
    api.ok("group_patch", id="kesehatan", state="deleted")
    assert api.ok("package_show", token=None, id="dinkes-fasilitas-kesehatan")["groups"] == []
    assert api.ok("group_list", token=None) == []
    assert api.error("group_show", 404, token=None, id="kesehatan")
    api.ok("group_patch", id="kesehatan", state="active")
    assert api.ok("package_patch", id="dinkes-fasilitas-kesehatan", groups=[])["groups"] == []
    assert api.error("group_show", 404, token=None, id="dinkes")["message"] == "Not found: Group was not found."
    assert api.error("group_create", 409, name="kesehatan")["name"] == ["Group name already exists in database"]
    assert api.error("group_create", 409, name="dinkes")["name"] == ["Group name already exists in database"]


def test_datasets_are_found_and_counted_by_their_groups(api: Api, sample: dict[str, Any]) -> None:
    api.ok("group_create", name="kesehatan", title="Kesehatan")
    api.ok("package_patch", id="dinkes-fasilitas-kesehatan", groups=[{"name": "kesehatan"}])

    found = api.ok("package_search", token=None, fq="groups:kesehatan", **{"facet.field": '["groups"]'})
    api.ok("group_patch", id="kesehatan", name="tema-kesehatan")
    renamed = api.ok("package_search", token=None, fq="groups:tema-kesehatan")
    api.ok("group_patch", id="tema-kesehatan", state="deleted")
    deleted = api.ok("package_search", token=None, fq="groups:tema-kesehatan")

    assert [p["name"] for p in found["results"]] == ["dinkes-fasilitas-kesehatan"]
    assert found["facets"]["groups"] == {"kesehatan": 1}
    assert [p["name"] for p in renamed["results"]] == ["dinkes-fasilitas-kesehatan"]
    assert api.ok("package_search", token=None, fq="groups:kesehatan")["count"] == 0
    assert deleted["count"] == 0


def test_only_sysadmins_create_groups(api: Api, accounts: dict[str, str]) -> None:
    for token in (None, accounts["petugas"], accounts["atasan"]):
        assert api.error("group_create", 403, token=token, name="tema")["__type"] == "Authorization Error"
    assert api.ok("group_create", token=accounts["walidata"], name="tema")["name"] == "tema"


def test_users_are_the_accounts_and_their_e_mail_is_theirs_alone(api: Api, accounts: dict[str, str]) -> None:
    api.ok("organization_create", name="dinkes")
    api.ok("organization_create", name="disdukcapil")

    as_officer = {u["name"]: u for u in api.ok("user_list", token=accounts["petugas"])}
    as_sysadmin = {u["name"]: u for u in api.ok("user_list", token=accounts["walidata"])}
    itself = api.ok("user_show", token=accounts["petugas"], id=accounts["petugas_id"])

    assert sorted(as_officer) == ["atasan", "petugas", "walidata"]  # the site user is left out, as in CKAN
    assert [name for name, user in as_officer.items() if "email" in user] == ["petugas"]
    assert {name: user["email"] for name, user in as_sysadmin.items()}["atasan"] == "atasan@contoh.go.id"
    assert (itself["name"], itself["email"], itself["sysadmin"]) == ("petugas", "petugas@contoh.go.id", False)
    assert as_officer["walidata"]["sysadmin"] is True
    assert "contoh.go.id" not in str(as_officer["walidata"])
    assert api.ok("user_list", token=accounts["petugas"], all_fields=False, q="atas") == ["atasan"]
    assert api.ok("user_show", token=accounts["atasan"], id=SITE_USER_ID)["sysadmin"] is True
    assert api.error("user_show", 404, token=accounts["petugas"], id="tidak-ada")["__type"] == "Not Found Error"
    for action, data in (("user_list", {}), ("user_show", {"id": "petugas"})):
        assert api.error(action, 403, token=None, **data)["__type"] == "Authorization Error"

    dinkes = api.ok("organization_show", token=accounts["atasan"], id="dinkes", include_users=True)
    assert [(u["name"], u["capacity"]) for u in dinkes["users"]] == [("atasan", "member"), ("petugas", "editor")]
    assert all("email" not in user for user in dinkes["users"])
    assert "users" not in api.ok("organization_show", token=None, id="dinkes")
    assert api.error("organization_show", 403, token=accounts["petugas"], id="disdukcapil", include_users=True)
    members = api.ok("member_list", token=accounts["petugas"], id="dinkes", object_type="user")
    assert sorted(members) == sorted([[accounts["atasan_id"], "user", "Member"],
                                      [accounts["petugas_id"], "user", "Editor"]])  # fmt: skip


def test_creator_user_id_is_whoever_created_the_dataset(api: Api, accounts: dict[str, str]) -> None:
    api.ok("organization_create", name="dinkes")
    by_platform = api.ok("package_create", name="satu", owner_org="dinkes")
    by_walidata = api.ok("package_create", token=accounts["walidata"], name="dua", owner_org="dinkes")

    assert by_platform["creator_user_id"] == SITE_USER_ID
    assert by_walidata["creator_user_id"] == accounts["walidata_id"]
    shown = api.ok("user_show", token=accounts["walidata"], id="walidata", include_datasets=True)
    assert (shown["number_created_packages"], [p["name"] for p in shown["datasets"]]) == (1, ["dua"])
    assert api.ok("package_patch", token=accounts["walidata"], id="satu", notes="x")["creator_user_id"] == SITE_USER_ID


def test_package_revise(api: Api, sample: dict[str, Any]) -> None:
    name = "dinkes-cakupan-imunisasi"
    first_resource = sample[name]["resources"][0]["id"]

    revised = api.ok(
        "package_revise",
        match={"name": name, "organization": {"name": "dinkes"}},
        filter=["-extras", "+tags", "-tags__0"],
        update={"notes": "Direvisi", "tags": [{"name": "baru"}]},
        **{f"update__resources__{first_resource[:8]}__description": "Tabel", "update__resources__extend": [
            {"name": "catatan.pdf", "url": "https://contoh.go.id/catatan.pdf"}]},
        include=["-package__organization", "package__resources__0__created", "+package__name", "package__name"],
    )["package"]  # fmt: skip

    assert (revised["notes"], revised["extras"], [t["name"] for t in revised["tags"]]) == ("Direvisi", [], ["baru"])
    assert [r["name"] for r in revised["resources"]] == ["imunisasi-2023.csv", "Laporan tahunan imunisasi",
                                                          "catatan.pdf"]  # fmt: skip
    assert revised["resources"][0]["description"] == "Tabel"
    assert "organization" not in revised and "created" not in revised["resources"][0]
    assert revised["name"] == name and "created" in revised["resources"][1]
    assert api.ok("package_show", id=name)["notes"] == "Direvisi"
    digits = "12345678-1234-4234-8234-123456789abc"
    api.ok("resource_create", package_id=name, id=digits, url="https://contoh.go.id/angka.csv")
    by_id = api.ok("package_revise", match={"name": name}, update__resources__12345__name="angka.csv")["package"]
    assert [r["name"] for r in by_id["resources"] if r["id"] == digits] == ["angka.csv"]  # an id prefix, not an index
    assert api.error("package_revise", 409, match={"name": name}, update__resources__9__name="x")[
        "resources__9__name"] == ["Unmatched key resources__9"]  # fmt: skip
    mismatch = api.error("package_revise", 409, match={"name": name, "title": "Lain"}, update={"notes": "x"})
    assert mismatch["match"] == ["title"]
    assert api.error("package_revise", 409, update={"notes": "x"})["match__id"] == "Missing value"
    assert api.error("package_revise", 404, match={"id": "tidak-ada"}, update={})["__type"] == "Not Found Error"
    assert api.error("package_revise", 403, token=None, match={"name": name}, update={})


def test_small_read_actions(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("tag_show", token=None, id="imunisasi") == {
        "id": sample["dinkes-cakupan-imunisasi"]["tags"][0]["id"], "name": "imunisasi", "vocabulary_id": None,
        "display_name": "imunisasi"}  # fmt: skip
    tagged = api.ok("tag_show", token=None, id="kependudukan", include_datasets=True)["packages"]
    assert [p["name"] for p in tagged] == ["disdukcapil-jumlah-penduduk"]  # not the private one with the tag
    assert api.error("tag_show", 404, token=None, id="tidak-ada")["__type"] == "Not Found Error"
    assert api.ok("vocabulary_list", token=None) == []
    assert api.ok("package_autocomplete", token=None, q="IMUNISASI") == [{
        "name": "dinkes-cakupan-imunisasi", "title": "Cakupan Imunisasi Dasar Lengkap", "match_field": "name",
        "match_displayed": "dinkes-cakupan-imunisasi"}]  # fmt: skip
    assert api.ok("package_autocomplete", token=None, q="dasar lengkap")[0]["match_displayed"] == (
        "Cakupan Imunisasi Dasar Lengkap (dinkes-cakupan-imunisasi)")
    assert api.ok("package_autocomplete", token=None, q="akta") == []
    assert api.error("package_autocomplete", 409, token=None)["q"] == ["Missing value"]
    assert api.ok("organization_autocomplete", token=None, q="kesehatan") == [
        {"id": sample["dinkes-cakupan-imunisasi"]["owner_org"], "name": "dinkes",
         "title": "Dinas Kesehatan Kabupaten Contoh"}]  # fmt: skip
    listed = api.ok("current_package_list_with_resources", token=None, limit=2)
    assert [p["name"] for p in listed] == ["disdukcapil-jumlah-penduduk", "dinkes-cakupan-imunisasi"]
    assert listed[1]["resources"] == sample["dinkes-cakupan-imunisasi"]["resources"]
    assert len(api.ok("current_package_list_with_resources", token=None)) == 3
    assert len(api.ok("current_package_list_with_resources", limit=10)) == 4  # the sysadmin sees the private one
    assert api.error("current_package_list_with_resources", 409, token=None, limit="x")["limit"] == ["Invalid integer"]


def test_license_list_entries_are_complete(api: Api) -> None:
    licences = {entry["id"]: entry for entry in api.ok("license_list", token=None)}

    assert licences["cc-zero"] == {
        "domain_content": "True", "id": "cc-zero", "domain_data": "True", "domain_software": "False", "family": "",
        "is_generic": "False", "od_conformance": "approved", "osd_conformance": "not reviewed", "maintainer": "",
        "status": "active", "url": "http://www.opendefinition.org/licenses/cc-zero", "title": "Creative Commons CCZero",
    }  # fmt: skip
    assert licences["other-closed"]["is_generic"] == "True"
