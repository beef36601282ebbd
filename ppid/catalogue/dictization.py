"""Datasets, resources and organizations as CKAN 2.12's action results ("dictization" in CKAN's words)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ppid.catalogue.datastore import table_key, tables_for
from ppid.catalogue.licenses import LICENSES
from ppid.catalogue.models import Group, Organization, Package, Resource
from ppid.catalogue.validators import RESOURCE_NULL_DEFAULTS
from ppid.datastore.models import DatastoreTable

#: Resource keys the catalogue computes; a client sending them back (package_update with a shown dict) is ignored.
COMPUTED_KEYS = frozenset({"datastore_active", "ppid_datastore_sha256"})
#: The DataStore tables of a page of resources, by :func:`ppid.catalogue.datastore.table_key`.
Tables = dict[tuple[str, str], DatastoreTable]


def package_dicts(session: Session, packages: Iterable[Package]) -> list[dict[str, Any]]:
    """Datasets as ``package_show`` shows them, with one DataStore query for all their resources."""
    packages = list(packages)
    tables = tables_for(session, [resource for package in packages for resource in package.resources])
    return [package_dict(package, tables) for package in packages]


def package_show_dict(session: Session, package: Package) -> dict[str, Any]:
    return package_dicts(session, [package])[0]


def resource_show_dict(session: Session, resource: Resource) -> dict[str, Any]:
    return resource_dict(resource, tables_for(session, [resource]))


def package_dict(package: Package, tables: Tables) -> dict[str, Any]:
    """``package_show``'s shape in CKAN 2.12 (times in UTC without a zone, like CKAN)."""
    organization = package.organization
    result = {
        "author": package.author,
        "author_email": package.author_email,
        "creator_user_id": package.creator_user_id,
        "id": package.id,
        "isopen": LICENSES.get(package.license_id or "", ("", False, ""))[1],
        "license_id": package.license_id,
        "license_title": package.license_id,
        "maintainer": package.maintainer,
        "maintainer_email": package.maintainer_email,
        "metadata_created": iso(package.metadata_created),
        "metadata_modified": iso(package.metadata_modified),
        "name": package.name,
        "notes": package.notes,
        "num_resources": len(package.resources),
        "num_tags": len(package.tags),
        "organization": package_organization(organization) if organization.state == "active" else None,
        "owner_org": package.owner_org,
        "private": package.private,
        "state": package.state,
        "title": (package.title or "").strip(),
        "type": "dataset",
        "url": package.url,
        "version": package.version,
        "extras": [dict(extra) for extra in package.extras],
        "resources": [resource_dict(resource, tables) for resource in package.resources],
        "tags": [tag_dict(name) for name in sorted(package.tags)],
        "groups": [package_group_dict(group) for group in package.groups if group.state == "active"],
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }
    if package.license_id in LICENSES:
        title, _open, url = LICENSES[package.license_id]
        result["license_title"] = title
        if url:
            result["license_url"] = url
    return result


def resource_dict(resource: Resource, tables: Tables) -> dict[str, Any]:
    """A resource with ``datastore_active`` as CKAN's DataStore plugin adds it, and the typed copy's digest
    (``ppid_datastore_sha256``), which the publisher compares before pushing rows to a real CKAN."""
    key = table_key(resource)
    table = tables.get(key) if key else None
    datastore = {"datastore_active": table is not None}
    if table is not None:
        datastore["ppid_datastore_sha256"] = table.rows_sha256
    return {
        **dict.fromkeys(RESOURCE_NULL_DEFAULTS),
        **{key: value for key, value in resource.extras.items() if key not in COMPUTED_KEYS},
        **datastore,
        "created": iso(resource.created),
        "description": resource.description,
        "format": resource.format,
        "hash": resource.hash,
        "id": resource.id,
        "last_modified": iso(resource.last_modified),
        "metadata_modified": iso(resource.metadata_modified),
        "mimetype": resource.mimetype,
        "name": resource.name,
        "package_id": resource.package_id,
        "position": resource.position,
        "size": resource.size,
        "state": "active",
        "url": resource.url,
        "url_type": resource.url_type,
    }


def organization_dict(organization: Organization, package_count: int, *, extras: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "approval_status": "approved",
        "created": iso(organization.created),
        "description": organization.description,
        "display_name": organization.title or organization.name,
        "id": organization.id,
        "image_display_url": organization.image_url,
        "image_url": organization.image_url,
        "is_organization": True,
        "name": organization.name,
        "num_followers": 0,
        "package_count": package_count,
        "state": organization.state,
        "title": organization.title,
        "type": "organization",
    }
    if extras:
        result["extras"] = [dict(extra) for extra in organization.extras]
    return result


def package_organization(organization: Organization) -> dict[str, Any]:
    return {
        "id": organization.id,
        "name": organization.name,
        "title": organization.title,
        "type": "organization",
        "description": organization.description,
        "image_url": organization.image_url,
        "created": iso(organization.created),
        "is_organization": True,
        "approval_status": "approved",
        "state": organization.state,
    }


def package_group_dict(group: Group) -> dict[str, Any]:
    """A group as a dataset lists it."""
    return {
        "description": group.description,
        "display_name": group.title or group.name,
        "id": group.id,
        "image_display_url": group.image_url,
        "name": group.name,
        "title": group.title,
    }


def tag_dict(name: str) -> dict[str, Any]:
    return {"display_name": name, "id": tag_id(name), "name": name, "state": "active", "vocabulary_id": None}


def tag_id(name: str) -> str:
    """Tags have no table of their own; a name-derived uuid keeps their ids stable."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppid:catalogue:tag:{name}"))




def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() if moment else None
