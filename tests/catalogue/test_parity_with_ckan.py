"""The same calls against the embedded catalogue and a real CKAN 2.12 give the same shapes and errors.

The real CKAN is started by ../shared/ckan-test-server/run_ckan.sh (CI always does); these tests
skip with a reason when CKAN_URL is unset. Names carry a random suffix because CKAN keeps its state.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from ckanapi import RemoteCKAN, ValidationError

CKAN_URL = os.environ.get("CKAN_URL")
CKAN_API_TOKEN = os.environ.get("CKAN_API_TOKEN")

pytestmark = pytest.mark.ckan


@pytest.fixture
def real() -> Iterator[RemoteCKAN]:
    if not CKAN_URL:
        pytest.skip("CKAN_URL is not set: start ../shared/ckan-test-server/run_ckan.sh")
    with RemoteCKAN(CKAN_URL, apikey=CKAN_API_TOKEN) as remote:
        yield remote


@pytest.fixture
def both(real: RemoteCKAN, ckan: RemoteCKAN) -> Iterator[dict[str, Any]]:
    """An organization on each side, and the suffix that keeps names unique on the real CKAN."""
    suffix = uuid.uuid4().hex[:8]
    catalogues = {"ckan": real, "embedded": ckan}
    for remote in catalogues.values():
        remote.action.organization_create(name=f"dinkes-{suffix}", title="Dinas Kesehatan")
    yield {"suffix": suffix, **catalogues}
    for found in real.action.package_search(fq=f"organization:dinkes-{suffix}", include_private=True, rows=100)[
        "results"
    ]:
        real.action.dataset_purge(id=found["id"])
    real.action.organization_purge(id=f"dinkes-{suffix}")


def on_both(both: dict[str, Any], call: Any) -> tuple[Any, Any]:
    return call(both["ckan"]), call(both["embedded"])


def dataset(suffix: str) -> dict[str, Any]:
    return {
        "name": f"fasilitas-{suffix}",
        "title": "Fasilitas Kesehatan",
        "owner_org": f"dinkes-{suffix}",
        "notes": "Daftar puskesmas per kecamatan.",
        "license_id": "cc-by",
        "tags": [{"name": "kesehatan"}],
        "extras": [{"key": "tahun", "value": "2024"}],
        "resources": [{"name": "f.csv", "url": "https://contoh.go.id/f.csv", "ppid_key": "k"}],
    }


def shape(value: Any) -> Any:
    """Keys and value types, recursively: what a client can rely on."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items() if key not in {"creator_user_id"}}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__ if value is not None else None


def errors_of(call: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.error_dict


def test_package_and_resource_shapes_match(both: dict[str, Any]) -> None:
    suffix = both["suffix"]

    real, embedded = on_both(both, lambda remote: remote.action.package_create(**dataset(suffix)))

    assert shape(embedded) == shape(real)
    assert embedded["resources"][0]["format"] == real["resources"][0]["format"]
    assert embedded["license_title"] == real["license_title"]


def test_organization_shapes_match(both: dict[str, Any]) -> None:
    """``include_users`` is explicit: its default differs (the embedded one runs as ``public_user_details = false``)."""
    for include_users in (False, True):
        real, embedded = on_both(
            both,
            lambda remote, users=include_users: remote.action.organization_show(
                id=f"dinkes-{both['suffix']}", include_users=users
            ),
        )

        assert set(embedded) == set(real)


def test_validation_errors_match(both: dict[str, Any]) -> None:
    suffix = both["suffix"]
    on_both(both, lambda remote: remote.action.package_create(**dataset(suffix)))
    calls = [
        {"name": "Bukan Nama", "owner_org": f"dinkes-{suffix}"},
        {"name": "x", "owner_org": f"dinkes-{suffix}"},
        {"name": f"fasilitas-{suffix}", "owner_org": f"dinkes-{suffix}"},
        {"name": f"lain-{suffix}"},
        {"name": f"lain-{suffix}", "owner_org": f"tidak-ada-{suffix}"},
        {"name": f"lain-{suffix}", "owner_org": f"dinkes-{suffix}", "tags": [{"name": "Tidak Boleh!"}]},
    ]

    for data in calls:
        real, embedded = on_both(
            both, lambda remote, data=data: errors_of(lambda: remote.action.package_create(**data))
        )
        assert embedded == real, data


def test_search_shapes_match(both: dict[str, Any]) -> None:
    suffix = both["suffix"]
    on_both(both, lambda remote: remote.action.package_create(**dataset(suffix)))

    real, embedded = on_both(
        both,
        lambda remote: remote.action.package_search(
            fq=f"organization:dinkes-{suffix}", **{"facet.field": json.dumps(["tags", "organization", "license_id"])}
        ),
    )

    assert shape(embedded) == shape(real)
    assert embedded["facets"] == real["facets"]
    assert embedded["search_facets"] == real["search_facets"]


def test_deleting_and_reusing_a_name_match(both: dict[str, Any]) -> None:
    suffix = both["suffix"]
    first = dict(
        zip(("ckan", "embedded"), on_both(both, lambda r: r.action.package_create(**dataset(suffix))), strict=True)
    )
    on_both(both, lambda remote: remote.action.package_delete(id=f"fasilitas-{suffix}"))

    hidden = on_both(both, lambda remote: remote.action.package_search(fq=f"organization:dinkes-{suffix}")["count"])
    again = on_both(both, lambda remote: remote.action.package_create(**dataset(suffix)))

    assert hidden == (0, 0)
    for side, created in zip(("ckan", "embedded"), again, strict=True):
        old = both[side].action.package_show(id=first[side]["id"])
        assert created["id"] != old["id"]
        assert (old["name"], old["state"]) == (old["id"], "deleted")
