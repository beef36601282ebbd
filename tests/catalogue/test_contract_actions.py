"""CKAN's client contract for the actions ckanapi, ckanext-harvest and other portals call: the same calls to a real
CKAN 2.12 and to the embedded catalogue (served over HTTP), as anonymous, a sysadmin and a normal user, give the
same result shapes (key sets, recursively) and the same permission outcomes.

Where the embedded catalogue differs on purpose it is a CKAN setting, asserted on the embedded side alone:
``ckan.auth.public_user_details = false`` (officers' details are personal data) and
``ckan.auth.user_create_groups``/``user_create_organizations = false`` (the test CKAN runs with both true).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from ckanapi import CKANAPIError, NotAuthorized, NotFound, RemoteCKAN, ValidationError

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.accounts.tokens import create_token
from ppid.platform import Platform

CKAN_URL = os.environ.get("CKAN_URL")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN")

pytestmark = pytest.mark.ckan

Side = dict[str, RemoteCKAN]  # "sysadmin", "normal", "anonymous"


@pytest.fixture
def sides(live_url: str, platform: Platform, token: str) -> Iterator[dict[str, Any]]:
    """Each catalogue as its sysadmin, a normal user (own token) and anonymous, with an organization, a group and
    a dataset in both; the normal user is a member of no organization on the real CKAN, and a data officer of
    another dinas on the embedded one."""
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
    suffix = uuid.uuid4().hex[:8]
    real_admin = RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN)
    normal = real_admin.action.user_create(
        name=f"budi-{suffix}", email=f"budi-{suffix}@contoh.go.id", password="pohon-mangga-berbuah-lebat",
        fullname="Budi Santoso",
    )  # fmt: skip
    real_token = real_admin.action.api_token_create(user=normal["name"], name="kontrak")["token"]
    with platform.database.session() as session:
        account = create_user(
            session, username=f"budi-{suffix}", email=f"budi-{suffix}@contoh.go.id", full_name="Budi Santoso",
            password=None, grants=[Grant(Role.OFFICER, "dinas-lain")],
        )  # fmt: skip
        _record, embedded_token = create_token(session, account, "kontrak")
        create_user(session, username=f"admin-{suffix}", email=f"admin-{suffix}@contoh.go.id", full_name="Admin",
                    password=None, grants=[Grant(Role.ADMIN)])  # fmt: skip
    catalogues = {
        "ckan": {
            "sysadmin": real_admin,
            "normal": RemoteCKAN(CKAN_URL, apikey=real_token),
            "anonymous": RemoteCKAN(CKAN_URL),
        },
        "embedded": {
            "sysadmin": RemoteCKAN(live_url, apikey=token),
            "normal": RemoteCKAN(live_url, apikey=embedded_token),
            "anonymous": RemoteCKAN(live_url),
        },
    }
    for side in catalogues.values():
        admin = side["sysadmin"].action
        admin.organization_create(name=f"dinkes-{suffix}", title="Dinas Kesehatan")
        admin.group_create(name=f"kesehatan-{suffix}", title="Kesehatan", description="Tema kesehatan")
        admin.package_create(
            name=f"fasilitas-{suffix}", title=f"Fasilitas Kesehatan {suffix}", owner_org=f"dinkes-{suffix}",
            license_id="cc-by", tags=[{"name": f"puskesmas-{suffix}"}], groups=[{"name": f"kesehatan-{suffix}"}],
            resources=[{"name": "f.csv", "url": "https://contoh.go.id/f.csv"}],
        )  # fmt: skip
    yield {"suffix": suffix, "normal": f"budi-{suffix}", **catalogues}
    for found in real_admin.action.package_search(fq=f"organization:dinkes-{suffix}", include_private=True)["results"]:
        real_admin.action.dataset_purge(id=found["id"])
    real_admin.action.group_purge(id=f"kesehatan-{suffix}")
    real_admin.action.organization_purge(id=f"dinkes-{suffix}")
    real_admin.action.user_delete(id=normal["id"])


def shape(value: Any) -> Any:
    """Keys and value types, recursively: what a client can rely on (timestamps may be null on either side)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [shape(item) for item in value[:1]]
    return type(value).__name__ if value is not None else None


def keys(value: Any) -> Any:
    """Only the key sets, recursively (values may legitimately be null on one side and set on the other)."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [keys(item) for item in value[:1]]
    return None


def errors_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.error_dict


def outcome(call: Callable[[], Any]) -> str:
    """What a client sees: success or the kind of ckanapi error."""
    try:
        call()
    except (NotAuthorized, NotFound, ValidationError, CKANAPIError) as error:
        return type(error).__name__
    return "ok"


def both(sides: dict[str, Any], who: str, call: Callable[[RemoteCKAN, str], Any]) -> tuple[Any, Any]:
    return call(sides["ckan"][who], sides["suffix"]), call(sides["embedded"][who], sides["suffix"])


READS: dict[str, Callable[[RemoteCKAN, str], Any]] = {
    "group_list": lambda c, s: c.action.group_list(all_fields=True, groups=[f"kesehatan-{s}"]),
    "group_list names": lambda c, s: c.action.group_list(groups=[f"kesehatan-{s}"]),
    "group_show": lambda c, s: c.action.group_show(id=f"kesehatan-{s}", include_users=False),
    "group_show datasets": lambda c, s: c.action.group_show(id=f"kesehatan-{s}", include_datasets=True,
                                                            include_users=False),
    "member_list group": lambda c, s: c.action.member_list(id=f"kesehatan-{s}", object_type="package"),
    "member_list organization": lambda c, s: c.action.member_list(id=f"dinkes-{s}", object_type="package"),
    "tag_show": lambda c, s: c.action.tag_show(id=f"puskesmas-{s}"),
    "tag_show datasets": lambda c, s: c.action.tag_show(id=f"puskesmas-{s}", include_datasets=True),
    "vocabulary_list": lambda c, s: c.action.vocabulary_list(),
    "package_autocomplete name": lambda c, s: c.action.package_autocomplete(q=f"fasilitas-{s}"),
    "package_autocomplete title": lambda c, s: c.action.package_autocomplete(q=f"kesehatan {s}"),
    "organization_autocomplete": lambda c, s: c.action.organization_autocomplete(q=f"dinkes-{s}"),
    "current_package_list_with_resources": lambda c, s: [  # the real CKAN is shared: find ours among the latest
        p for p in c.action.current_package_list_with_resources(limit=100) if p["name"] == f"fasilitas-{s}"],
    "organization_show": lambda c, s: c.action.organization_show(id=f"dinkes-{s}", include_users=False),
    "package_show": lambda c, s: c.action.package_show(id=f"fasilitas-{s}"),
    "license_list": lambda c, s: c.action.license_list(),
}  # fmt: skip


@pytest.mark.parametrize("who", ["anonymous", "normal", "sysadmin"])
def test_read_actions_give_the_same_shapes(sides: dict[str, Any], who: str) -> None:
    for name, call in READS.items():
        real, embedded = both(sides, who, call)
        assert keys(embedded) == keys(real), name
        assert len(embedded) == len(real), name


def test_results_that_match_exactly(sides: dict[str, Any]) -> None:
    suffix = sides["suffix"]
    for name in ("group_list names", "package_autocomplete name", "package_autocomplete title", "vocabulary_list"):
        real, embedded = both(sides, "anonymous", READS[name])
        assert embedded == real, name
    real, embedded = both(sides, "anonymous", lambda c, s: c.action.license_list())
    assert embedded == real
    real, embedded = both(sides, "anonymous", READS["organization_autocomplete"])
    assert [(o["name"], o["title"]) for o in embedded] == [(o["name"], o["title"]) for o in real]
    real, embedded = both(sides, "anonymous", READS["tag_show"])
    assert {**embedded, "id": None} == {**real, "id": None}
    real, embedded = both(sides, "anonymous", READS["package_show"])
    groups = [{**group, "id": None} for group in embedded["groups"]]
    assert groups == [{**group, "id": None} for group in real["groups"]]
    assert [g["name"] for g in embedded["groups"]] == [f"kesehatan-{suffix}"]
    assert real["creator_user_id"] and embedded["creator_user_id"]
    real, embedded = both(sides, "anonymous", READS["member_list group"])
    assert [member[1:] for member in embedded] == [member[1:] for member in real] == [["package", "public"]]
    assert embedded[0][0] == sides["embedded"]["anonymous"].action.package_show(id=f"fasilitas-{suffix}")["id"]


def test_user_shapes_match(sides: dict[str, Any]) -> None:
    name = sides["normal"]
    calls: dict[tuple[str, str], Callable[[RemoteCKAN, str], Any]] = {
        ("normal", "own account, with e-mail"): lambda c, s: c.action.user_show(id=name),
        ("sysadmin", "any account, with e-mail"): lambda c, s: c.action.user_show(id=name),
        ("sysadmin", "with datasets"): lambda c, s: c.action.user_show(id=name, include_datasets=True),
        ("normal", "names"): lambda c, s: name in c.action.user_list(all_fields=False),
        ("sysadmin", "list"): lambda c, s: [u for u in c.action.user_list(q=name) if u["name"] == name],
        ("normal", "list, no e-mail"): lambda c, s: [u for u in c.action.user_list() if u["name"] != name][:1],
        ("sysadmin", "by e-mail"): lambda c, s: [u["name"] for u in c.action.user_list(email=f"{name}@contoh.go.id")],
    }
    for (who, label), call in calls.items():
        real, embedded = both(sides, who, call)
        assert keys(embedded) == keys(real), label
        if not isinstance(real, list | dict):
            assert embedded == real, label
    real, embedded = both(sides, "sysadmin", calls[("sysadmin", "by e-mail")])
    assert embedded == real == [name]
    real, embedded = both(sides, "normal", calls[("normal", "list, no e-mail")])
    assert "email" not in embedded[0] and "email" not in real[0]
    real, embedded = both(sides, "sysadmin", lambda c, s: c.action.organization_show(id=f"dinkes-{s}",
                                                                                       include_users=True))
    assert keys(embedded["users"][:1]) in ([], keys(real["users"][:1]))  # CKAN lists the creator, ppid the dinas staff


def test_organization_users_are_the_dinas_staff(sides: dict[str, Any], platform: Platform) -> None:
    """A data officer of a dinas is an editor of its organization; only sysadmins and members see the users."""
    suffix, embedded = sides["suffix"], sides["embedded"]
    with platform.database.session() as session:
        create_user(session, username=f"sari-{suffix}", email=f"sari-{suffix}@contoh.go.id", full_name="Sari",
                    password=None, grants=[Grant(Role.OFFICER, f"dinkes-{suffix}")])  # fmt: skip
    real_users = sides["ckan"]["sysadmin"].action.organization_show(id=f"dinkes-{suffix}", include_users=True)["users"]

    shown = embedded["sysadmin"].action.organization_show(id=f"dinkes-{suffix}", include_users=True)

    assert [(user["name"], user["capacity"]) for user in shown["users"]] == [(f"sari-{suffix}", "editor")]
    assert set(shown["users"][0]) == set(real_users[0])
    assert "email" not in shown["users"][0]
    members = embedded["sysadmin"].action.member_list(id=f"dinkes-{suffix}", object_type="user")
    assert [member[1:] for member in members] == [["user", "Editor"]]
    with pytest.raises(NotAuthorized):  # the normal user is an officer of another dinas
        embedded["normal"].action.organization_show(id=f"dinkes-{suffix}", include_users=True)
    with pytest.raises(NotAuthorized):
        embedded["anonymous"].action.member_list(id=f"dinkes-{suffix}", object_type="user")


#: Calls whose permission outcome must be the same for each kind of caller on both catalogues.
OUTCOMES: dict[str, Callable[[RemoteCKAN, str], Any]] = {
    "package_patch": lambda c, s: c.action.package_patch(id=f"fasilitas-{s}", notes="diubah"),
    "package_revise": lambda c, s: c.action.package_revise(match={"name": f"fasilitas-{s}"}, update={"notes": "x"}),
    "package_create": lambda c, s: c.action.package_create(name=f"baru-{s}-{uuid.uuid4().hex[:4]}",
                                                           owner_org=f"dinkes-{s}"),
    "group_show missing": lambda c, s: c.action.group_show(id=f"tidak-ada-{s}"),
    "member_list missing": lambda c, s: c.action.member_list(id=f"tidak-ada-{s}"),
    "tag_show missing": lambda c, s: c.action.tag_show(id=f"tidak-ada-{s}"),
    "package_autocomplete without q": lambda c, s: c.action.package_autocomplete(),
    "current_package_list_with_resources bad limit": lambda c, s: c.action.current_package_list_with_resources(
        limit="x"),
    "group_show": lambda c, s: c.action.group_show(id=f"kesehatan-{s}", include_users=False),
    "member_list": lambda c, s: c.action.member_list(id=f"kesehatan-{s}", object_type="package"),
}  # fmt: skip
ALWAYS_SAME = {"anonymous": {"package_patch", "package_create", *list(OUTCOMES)[3:]}, "normal": set(OUTCOMES)}


@pytest.mark.parametrize("who", ["anonymous", "normal", "sysadmin"])
def test_permission_outcomes_match(sides: dict[str, Any], who: str) -> None:
    found = {}
    for name in ALWAYS_SAME.get(who, set(OUTCOMES)):
        real, embedded = both(sides, who, lambda c, s, call=OUTCOMES[name]: outcome(lambda: call(c, s)))
        found[name] = (real, embedded)
    assert {name: pair for name, pair in found.items() if pair[0] != pair[1]} == {}
    if who != "sysadmin":
        assert found["package_patch"] == ("NotAuthorized", "NotAuthorized")


def test_sysadmin_writes_match(sides: dict[str, Any]) -> None:
    real, embedded = both(
        sides, "sysadmin",
        lambda c, s: c.action.package_revise(match={"name": f"fasilitas-{s}"}, update={"notes": "direvisi"},
                                             update__resources__extend=[{"url": "https://contoh.go.id/g.pdf"}]),
    )  # fmt: skip
    assert keys(embedded) == keys(real)
    assert embedded["package"]["notes"] == real["package"]["notes"] == "direvisi"
    assert len(embedded["package"]["resources"]) == len(real["package"]["resources"]) == 2
    real, embedded = both(
        sides, "sysadmin",
        lambda c, s: c.action.package_revise(
            match={"name": f"fasilitas-{s}", "organization": {"name": f"dinkes-{s}"}},
            filter=["-extras", "+tags", "-tags__0", "-resources__1"], update={"tags": [{"name": "baru"}]},
            include=["-package__organization", "package__resources__*__created", "+package__name", "package__name"],
        ),
    )  # fmt: skip
    assert keys(embedded) == keys(real)
    assert [t["name"] for t in embedded["package"]["tags"]] == [t["name"] for t in real["package"]["tags"]] == ["baru"]
    assert embedded["package"]["resources"] == real["package"]["resources"] == []  # "*" in include drops a level
    real, embedded = both(sides, "sysadmin", lambda c, s: len(c.action.package_show(id=f"fasilitas-{s}")["resources"]))
    assert embedded == real == 1
    real, embedded = both(
        sides, "sysadmin",
        lambda c, s: c.action.package_revise(match={"name": f"fasilitas-{s}", "resources": [{"name": "f.csv"}]},
                                             update={"resources": [{"description": "Digabung"}]})["package"],
    )  # fmt: skip
    merged = [(r["name"], r["url"], r["description"]) for r in embedded["resources"]]
    assert merged == [(r["name"], r["url"], r["description"]) for r in real["resources"]]
    assert merged == [("f.csv", "https://contoh.go.id/f.csv", "Digabung")]  # lists merge item by item
    mismatch = both(
        sides, "sysadmin",
        lambda c, s: outcome(lambda: c.action.package_revise(match={"name": f"fasilitas-{s}", "title": "lain"},
                                                             update={"notes": "x"})),
    )  # fmt: skip
    assert mismatch == ("ValidationError", "ValidationError")
    for wrong in ({"update__resources__9__name": "x"}, {"update": {"tags": "bukan daftar"}},
                  {"match__resources__0__url": "https://lain"}, {"update__title__extend": ["x"]}):
        real, embedded = both(sides, "sysadmin", lambda c, s, wrong=wrong: errors_of(
            lambda: c.action.package_revise(match={"name": f"fasilitas-{s}"}, **wrong)))
        assert embedded == real, wrong
    real, embedded = both(sides, "sysadmin", lambda c, s: c.action.group_create(name=f"tema-{s}", title="Tema"))
    sides["ckan"]["sysadmin"].action.group_purge(id=real["id"])
    assert set(embedded) - {"users"} == set(real) - {"users"}
    real, embedded = both(
        sides, "sysadmin", lambda c, s: c.action.package_patch(id=f"fasilitas-{s}", groups=[])["groups"]
    )
    assert embedded == real == []


def test_settings_where_the_embedded_catalogue_differs(sides: dict[str, Any]) -> None:
    """``public_user_details = false`` and no group or organization creation by normal users (see above)."""
    suffix, embedded = sides["suffix"], sides["embedded"]
    for call in (
        lambda: embedded["anonymous"].action.user_list(),
        lambda: embedded["anonymous"].action.user_show(id=sides["normal"]),
        lambda: embedded["anonymous"].action.organization_show(id=f"dinkes-{suffix}", include_users=True),
        lambda: embedded["anonymous"].action.group_show(id=f"kesehatan-{suffix}", include_users=True),
        lambda: embedded["normal"].action.group_create(name=f"lain-{suffix}"),
        lambda: embedded["normal"].action.organization_create(name=f"lain-{suffix}"),
        lambda: embedded["normal"].action.user_list(email=f"{sides['normal']}@contoh.go.id"),
    ):
        with pytest.raises(NotAuthorized):
            call()
    assert all("email" not in user for user in embedded["normal"].action.user_list() if user["name"] != sides["normal"])
