"""The embedded catalogue's CKAN Action API, without Flask: one function per action, CKAN 2.12 semantics.

The publisher talks to this through ``ckanapi`` exactly as it talks to a real CKAN, so results have
CKAN's shapes and errors are ``ckanapi.errors`` exceptions with CKAN's messages: code written
against the embedded catalogue keeps working when a real CKAN is configured, and the other way round.
Where CKAN is strict (names, tags, extras, integers) this is strict too, so that nothing passes
here that a real CKAN would refuse.

Actions only flush; the caller commits (the API view) or just reads (the portal).
"""

from __future__ import annotations

import json
import mimetypes
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, SearchQueryError, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ppid.catalogue import search
from ppid.catalogue.models import SEARCH_TEXT_KEY, Organization, Package, PackageTerm, Resource
from ppid.catalogue.query import package_search_filters, parse_q
from ppid.db import utcnow

CKAN_VERSION = "2.12.0"
NAME_PATTERN = re.compile(r"^[a-z0-9_\-]*$")
TAG_PATTERN = re.compile(r"^[\w \-.]*$")
STATES = {"active", "draft", "deleted"}
ROWS_MAX = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
ORG_LIST_MAX, ORG_LIST_ALL_FIELDS_MAX = 1000, 25

# fmt: off
PACKAGE_TEXT_FIELDS = ("title", "notes", "author", "author_email", "maintainer", "maintainer_email", "url", "version",
                       "license_id")
#: Top-level keys of a dataset, which an extra may not shadow.
PACKAGE_SCHEMA_KEYS = {*PACKAGE_TEXT_FIELDS, "id", "name", "owner_org", "private", "state", "type", "tags",
                       "tag_string", "extras", "resources", "groups", "creator_user_id", "metadata_created",
                       "metadata_modified", "relationships_as_object", "relationships_as_subject"}
RESOURCE_TEXT_FIELDS = ("name", "description", "url", "url_type", "hash", "mimetype")
RESOURCE_KEPT_IF_MISSING = ("name", "format", "url_type", "size", "hash", "last_modified")
RESOURCE_NULL_DEFAULTS = ("cache_last_updated", "cache_url", "mimetype_inner", "resource_type")
#: Keys CKAN computes or that belong to the request, never stored as resource extras.
RESOURCE_COMPUTED_KEYS = {*RESOURCE_TEXT_FIELDS, "id", "package_id", "position", "created", "metadata_modified",
                          "state", "upload", "clear_upload", "size", "format", "last_modified", SEARCH_TEXT_KEY}
SEARCH_PARAMS = {"q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit", "facet.mincount",
                 "fl", "extras", "include_private", "include_drafts", "include_deleted", "use_default_schema", "qf",
                 "wt", "bf", "boost", "tie", "defType", "mm", "df"}
# fmt: on

#: CKAN's default licence register: id → (title, open, url).
LICENSES: dict[str, tuple[str, bool, str]] = {
    "notspecified": ("License not specified", False, ""),
    "odc-pddl": (
        "Open Data Commons Public Domain Dedication and License (PDDL)",
        True,
        "http://www.opendefinition.org/licenses/odc-pddl",
    ),
    "odc-odbl": (
        "Open Data Commons Open Database License (ODbL)",
        True,
        "http://www.opendefinition.org/licenses/odc-odbl",
    ),
    "odc-by": ("Open Data Commons Attribution License", True, "http://www.opendefinition.org/licenses/odc-by"),
    "cc-zero": ("Creative Commons CCZero", True, "http://www.opendefinition.org/licenses/cc-zero"),
    "cc-by": ("Creative Commons Attribution", True, "http://www.opendefinition.org/licenses/cc-by"),
    "cc-by-sa": ("Creative Commons Attribution Share-Alike", True, "http://www.opendefinition.org/licenses/cc-by-sa"),
    "gfdl": ("GNU Free Documentation License", True, "http://www.opendefinition.org/licenses/gfdl"),
    "other-open": ("Other (Open)", True, ""),
    "other-pd": ("Other (Public Domain)", True, ""),
    "other-at": ("Other (Attribution)", True, ""),
    "uk-ogl": (
        "UK Open Government Licence (OGL)",
        True,
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "cc-nc": ("Creative Commons Non-Commercial (Any)", False, "http://creativecommons.org/licenses/by-nc/2.0/"),
    "other-nc": ("Other (Non-Commercial)", False, ""),
    "other-closed": ("Other (Not Open)", False, ""),
}


class FileSaver(Protocol):
    """Stores an uploaded file (a werkzeug ``FileStorage``) for a resource; returns (url, size, hash)."""

    def __call__(self, upload: Any, *, package: Package, resource_id: str) -> tuple[str, int, str]: ...


@dataclass
class Context:
    session: Session
    sysadmin: bool
    base_url: str
    file_saver: FileSaver | None = None


Action = Callable[[Context, dict[str, Any]], Any]


def call_action(
    session: Session,
    name: str,
    data_dict: dict[str, Any],
    *,
    user_is_sysadmin: bool,
    base_url: str,
    file_saver: FileSaver | None = None,
) -> Any:
    """Run one CKAN action; raises ``ckanapi.errors`` exceptions as a CKAN would."""
    action = ACTIONS.get(name)
    if action is None:
        raise CKANAPIError(f"Action name not known: {name}")
    if name not in READ_ACTIONS and not user_is_sysadmin:
        raise NotAuthorized(f"User not authorized to call {name}")
    context = Context(session, user_is_sysadmin, base_url.rstrip("/"), file_saver)
    return action(context, dict(data_dict or {}))


# -- read actions -------------------------------------------------------------------------------


def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "site_title": "PPID",
        "site_description": "",
        "site_url": context.base_url,
        "error_emails_to": "",
        "locale_default": "id",
        "extensions": ["ppid-embedded-catalogue"],
        "ckan_version": CKAN_VERSION,
    }


def help_show(context: Context, data: dict[str, Any]) -> str:
    action = ACTIONS.get(_get_or_bust(data, "name"))
    if action is None:
        raise NotFound("Action function not found")
    return action.__doc__ or ""


def license_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [_license_dict(license_id) for license_id in LICENSES]


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """Names of active public datasets, by name (CKAN ignores the include_* flags here too)."""
    errors: dict[str, list[str]] = {}
    limit = _natural(data, "limit", None, errors)
    offset = _natural(data, "offset", 0, errors)
    _raise_if(errors)
    statement = select(Package.name).where(Package.state == "active", Package.private.is_(False)).order_by(Package.name)
    return list(context.session.scalars(statement.limit(limit or None).offset(offset or 0)))


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    reference = data.get("id") or data.get("name_or_id")
    if not reference:
        raise ValidationError({"name_or_id": ["Missing value"]})
    return package_dict(_readable(context, _package(context, reference)))


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = context.session.get(Resource, _get_or_bust(data, "id"))
    if resource is None:
        raise NotFound("Resource was not found.")
    _readable(context, resource.package)
    return resource_dict(resource)


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search with Solr's parameters (q, fq, rows, start, sort, facet.field …), answered by SQL."""
    query, fields = _search_query(context, data)
    result = search.run(context.session, query)
    packages = _packages_by_pk(context.session, result.pks)
    results = [package_dict(package) for package in packages]
    if fields:
        # Document text is searched, never shown, unless ``fl`` asks for it by its Solr name, as in CKAN.
        texts = f"res_extras_{SEARCH_TEXT_KEY}"
        results = [
            {
                key: [r.search_text for r in package.resources if r.search_text] if key == texts else found.get(key)
                for key in fields
            }
            for package, found in zip(packages, results, strict=True)
        ]
    facets = {name: dict(values) for name, values in result.facets.items()}
    return {
        "count": result.count,
        "facets": facets,
        "results": results,
        "sort": data.get("sort") or DEFAULT_SORT,
        "search_facets": _search_facets(context, facets),
    }


def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    errors: dict[str, list[str]] = {}
    all_fields = _asbool(data.get("all_fields"))
    maximum = ORG_LIST_ALL_FIELDS_MAX if all_fields else ORG_LIST_MAX
    limit = min(_natural(data, "limit", maximum, errors) or maximum, maximum)
    offset = _natural(data, "offset", 0, errors)
    _raise_if(errors)
    counts = _package_counts(context)
    statement = select(Organization).where(Organization.state == "active")
    if data.get("q"):
        pattern = f"%{str(data['q']).strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Organization.name).like(pattern), func.lower(Organization.title).like(pattern))
        )
    if data.get("organizations"):
        wanted = _json_list(data["organizations"])
        statement = statement.where(Organization.name.in_(wanted))
    organizations = list(context.session.scalars(statement))
    key, descending = _group_sort(data.get("sort") or "title asc")
    organizations.sort(
        key=lambda org: counts.get(org.id, 0) if key == "package_count" else (getattr(org, key) or org.name).lower(),
        reverse=descending,
    )
    page = organizations[offset : offset + limit]
    if not all_fields:
        return [org.name for org in page]
    include_extras = _asbool(data.get("include_extras"))
    return [organization_dict(org, counts.get(org.id, 0), extras=include_extras) for org in page]


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    organization = _organization(context, _get_or_bust(data, "id"))
    count = _package_counts(context, organization.id).get(organization.id, 0)
    result = organization_dict(organization, count, extras=True)
    result.update({"users": [], "groups": []})
    if _asbool(data.get("include_datasets")):
        found = package_search(context, {"fq": f'+owner_org:"{organization.id}"', "include_private": True})
        result["packages"] = found["results"]
    return result


def tag_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Free tags of the datasets the caller can see, by name; ``query`` keeps names containing it."""
    if data.get("vocabulary_id"):
        return []
    statement = (
        select(PackageTerm.value)
        .join(Package, Package.pk == PackageTerm.package_pk)
        .where(PackageTerm.field == "tags", Package.state == "active")
        .distinct()
        .order_by(PackageTerm.value)
    )
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    query = data.get("query") or data.get("q")
    if query:
        statement = statement.where(PackageTerm.value.contains(str(query), autoescape=True))
    names = list(context.session.scalars(statement))
    if not _asbool(data.get("all_fields")):
        return names
    return [{"id": _tag_id(name), "name": name, "vocabulary_id": None, "display_name": name} for name in names]


# -- organization writes ------------------------------------------------------------------------


def organization_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    fields = _validate_organization(context, data, None)
    _free_deleted_name(context, Organization, fields["name"], None)
    organization = Organization(id=_new_id(context, data, Organization), **fields)
    context.session.add(organization)
    context.session.flush()
    return organization_show(context, {"id": organization.id})


def organization_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    organization = _organization(context, _get_or_bust(data, "id"), any_state=True)
    fields = _validate_organization(context, {"name": organization.name, **data}, organization)
    _free_deleted_name(context, Organization, fields["name"], organization.id)
    renamed = (organization.name, organization.title) != (fields["name"], fields["title"])
    for key, value in fields.items():
        setattr(organization, key, value)
    context.session.flush()
    if renamed:
        packages = context.session.scalars(_with_children(select(Package)).where(Package.owner_org == organization.id))
        for package in packages:
            search.index_package(context.session, package)
    return organization_show(context, {"id": organization.id})


def organization_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    organization = _organization(context, _get_or_bust(data, "id"), any_state=True)
    current = organization_dict(organization, 0, extras=True)
    return organization_update(context, {**current, **data, "id": organization.id})


# -- dataset writes -----------------------------------------------------------------------------


def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    fields, resources = _validate_package(context, data, None)
    _free_deleted_name(context, Package, fields["name"], None)
    now = utcnow()
    package = Package(
        id=_new_id(context, data, Package), metadata_created=now, metadata_modified=now, resources=[], **fields
    )
    context.session.add(package)
    _save_resources(context, package, resources or [], guess_mimetype=False)  # CKAN 2.12 guesses on update only
    search.index_package(context.session, package)
    return package_dict(package)


def package_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset; like CKAN, omitted fields are emptied, omitted ``resources`` are kept."""
    package = _package(context, _get_or_bust(data, "id"))
    fields, resources = _validate_package(context, data, package)
    _free_deleted_name(context, Package, fields["name"], package.id)
    for key, value in fields.items():
        setattr(package, key, value)
    if resources is not None:
        _save_resources(context, package, resources, guess_mimetype=True)
    _touch(package)
    search.index_package(context.session, package)
    return package_dict(package)


def package_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    package = _package(context, _get_or_bust(data, "id"))
    current = package_dict(package)
    if "resources" not in data:
        del current["resources"]  # kept as they are by package_update
    return package_update(context, {**current, **data, "id": package.id})


def package_delete(context: Context, data: dict[str, Any]) -> None:
    """Mark deleted: gone from search and lists, still shown to sysadmins, restored by state=active."""
    package = _package(context, _get_or_bust(data, "id"))
    package.state = "deleted"
    _touch(package)
    search.index_package(context.session, package)


def dataset_purge(context: Context, data: dict[str, Any]) -> None:
    package = _package(context, _get_or_bust(data, "id"))
    search.unindex_package(context.session, package.pk)
    context.session.delete(package)
    context.session.flush()


# -- resource writes ----------------------------------------------------------------------------


def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    package_id = _get_or_bust(data, "package_id")
    package = _package(context, package_id, not_found="Package was not found.")
    fields, errors = _resource_fields(data, None)
    _raise_if(errors)
    resource = Resource(
        id=_resource_id(context, data), package_id=package.id, position=len(package.resources), **fields
    )
    _store_upload(context, data, package, resource)
    package.resources.append(resource)
    _touch(package)
    search.index_package(context.session, package)
    return resource_dict(resource)


def resource_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(context, _get_or_bust(data, "id"))
    fields, errors = _resource_fields(data, resource)
    _raise_if(errors)
    for key, value in fields.items():
        setattr(resource, key, value)
    resource.metadata_modified = utcnow()
    _store_upload(context, data, resource.package, resource)
    _touch(resource.package)
    search.index_package(context.session, resource.package)
    return resource_dict(resource)


def resource_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(context, _get_or_bust(data, "id"))
    return resource_update(context, {**resource_dict(resource), **data, "id": resource.id})


def resource_delete(context: Context, data: dict[str, Any]) -> None:
    resource = _resource(context, _get_or_bust(data, "id"))
    package = resource.package
    package.resources.remove(resource)
    for position, remaining in enumerate(package.resources):
        remaining.position = position
    _touch(package)
    search.index_package(context.session, package)


# -- dictization --------------------------------------------------------------------------------


def package_dict(package: Package) -> dict[str, Any]:
    """``package_show``'s shape in CKAN 2.12 (times in UTC without a zone, like CKAN)."""
    organization = package.organization
    result = {
        "author": package.author,
        "author_email": package.author_email,
        "creator_user_id": None,
        "id": package.id,
        "isopen": LICENSES.get(package.license_id or "", ("", False, ""))[1],
        "license_id": package.license_id,
        "license_title": package.license_id,
        "maintainer": package.maintainer,
        "maintainer_email": package.maintainer_email,
        "metadata_created": _iso(package.metadata_created),
        "metadata_modified": _iso(package.metadata_modified),
        "name": package.name,
        "notes": package.notes,
        "num_resources": len(package.resources),
        "num_tags": len(package.tags),
        "organization": _package_organization(organization) if organization.state == "active" else None,
        "owner_org": package.owner_org,
        "private": package.private,
        "state": package.state,
        "title": (package.title or "").strip(),
        "type": "dataset",
        "url": package.url,
        "version": package.version,
        "extras": [dict(extra) for extra in package.extras],
        "resources": [resource_dict(resource) for resource in package.resources],
        "tags": [_tag_dict(name) for name in sorted(package.tags)],
        "groups": [],
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }
    if package.license_id in LICENSES:
        title, _open, url = LICENSES[package.license_id]
        result["license_title"] = title
        if url:
            result["license_url"] = url
    return result


def resource_dict(resource: Resource) -> dict[str, Any]:
    return {
        **dict.fromkeys(RESOURCE_NULL_DEFAULTS),
        **resource.extras,
        "created": _iso(resource.created),
        "description": resource.description,
        "format": resource.format,
        "hash": resource.hash,
        "id": resource.id,
        "last_modified": _iso(resource.last_modified),
        "metadata_modified": _iso(resource.metadata_modified),
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
        "created": _iso(organization.created),
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


def _package_organization(organization: Organization) -> dict[str, Any]:
    return {
        "id": organization.id,
        "name": organization.name,
        "title": organization.title,
        "type": "organization",
        "description": organization.description,
        "image_url": organization.image_url,
        "created": _iso(organization.created),
        "is_organization": True,
        "approval_status": "approved",
        "state": organization.state,
    }


def _tag_dict(name: str) -> dict[str, Any]:
    return {"display_name": name, "id": _tag_id(name), "name": name, "state": "active", "vocabulary_id": None}


def _tag_id(name: str) -> str:
    """Tags have no table of their own; a name-derived uuid keeps their ids stable."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppid:catalogue:tag:{name}"))


def _license_dict(license_id: str) -> dict[str, Any]:
    title, is_open, url = LICENSES[license_id]
    return {
        "id": license_id,
        "title": title,
        "url": url,
        "od_conformance": "approved" if is_open else "not reviewed",
        "osd_conformance": "not reviewed",
        "status": "active",
        "is_generic": False,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() if moment else None


# -- validation ---------------------------------------------------------------------------------


def _validate_package(
    context: Context, data: dict[str, Any], current: Package | None
) -> tuple[dict[str, Any], list[Any] | None]:
    """CKAN's default package schema: every error at once, in CKAN's words."""
    errors: dict[str, Any] = {}
    name = data.get("name") if "name" in data or current is None else current.name
    _check_name(name, errors, package=True)
    if "name" not in errors and _name_taken(context, Package, name, current.id if current else None):
        errors["name"] = ["That URL is already in use."]
    owner = data.get("owner_org") if "owner_org" in data or current is None else current.owner_org
    organization = None
    if not owner:
        errors["owner_org"] = ["An organization must be provided"]
    else:
        organization = _find_organization(context, str(owner))
        if organization is None:
            errors["owner_org"] = ["Organization does not exist"]
    fields: dict[str, Any] = {key: _text(data.get(key)) for key in PACKAGE_TEXT_FIELDS}
    fields["title"] = fields["title"] or ""
    fields["private"] = _asbool(data["private"]) if "private" in data else bool(current and current.private)
    fields["state"] = data.get("state") or (current.state if current else "active")
    if fields["state"] not in STATES:
        errors["state"] = [f"State must be one of: {', '.join(sorted(STATES))}"]
    fields["tags"] = _tags(data, errors)
    fields["extras"] = _extras(data.get("extras"), errors)
    resources = data.get("resources")
    if resources is not None:
        resources = _resources(resources, errors)
    _raise_if(errors)
    assert organization is not None
    fields.update(name=name, owner_org=organization.id, organization=organization)
    return fields, resources


def _check_name(name: Any, errors: dict[str, Any], *, package: bool) -> None:
    if name in (None, ""):
        errors["name"] = ["Missing value"]
    elif not isinstance(name, str):
        errors["name"] = ["Names must be strings"]
    elif name in {"new", "edit", "search"}:
        errors["name"] = ["That name cannot be used"]
    elif len(name) < 2:
        errors["name"] = ["Must be at least 2 characters long"]
        if package:
            errors["name"].append(f'Name "{name}" length is less than minimum 2')
    elif len(name) > 100:
        errors["name"] = ["Name must be a maximum of 100 characters long"]
        if package:
            errors["name"].append(f'Name "{name}" length is more than maximum 100')
    elif not NAME_PATTERN.match(name):
        errors["name"] = ["Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"]


def _tags(data: dict[str, Any], errors: dict[str, Any]) -> list[str]:
    raw = data.get("tags") or []
    if not isinstance(raw, list) or not all(isinstance(tag, dict) for tag in raw):
        errors["tags"] = ["Only lists of dicts can be placed against subschema ('tags',)"]
        return []
    names = [str(tag.get("name") or "").strip() for tag in raw]
    if isinstance(data.get("tag_string"), str):
        names += [tag.strip() for tag in data["tag_string"].split(",") if tag.strip()]
    problems = []
    for name in names:
        if len(name) < 2:
            problems.append(f'Tag "{name}" length is less than minimum 2')
        elif len(name) > 100:
            problems.append(f'Tag "{name}" length is more than maximum 100')
        elif not TAG_PATTERN.match(name):
            problems.append(
                f'Tag "{name}" can only contain alphanumeric characters, spaces (" "), hyphens ("-"), '
                'underscores ("_") or dots (".")'
            )
    if problems:
        errors["tags"] = problems
    return sorted(set(names))


def _extras(raw: Any, errors: dict[str, Any]) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(extra, dict) for extra in raw):
        errors["extras"] = ["Only lists of dicts can be placed against subschema ('extras',)"]
        return []
    problems: list[dict[str, list[str]]] = []
    seen: set[str] = set()
    for extra in raw:
        problem: dict[str, list[str]] = {}
        if not extra.get("key"):
            problem["key"] = ["Missing value"]
        elif extra["key"] in PACKAGE_SCHEMA_KEYS:
            problem["key"] = ["There is a schema field with the same name"]
        elif extra["key"] in seen:
            errors["extras_validation"] = [f'Duplicate key "{extra["key"]}"']
        if "value" not in extra or extra["value"] is None:
            problem["value"] = ["Missing value"]
        seen.add(str(extra.get("key")))
        problems.append(problem)
    if any(problems):
        errors["extras"] = problems
    return [{"key": extra.get("key"), "value": extra.get("value")} for extra in raw]


def _resources(raw: Any, errors: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        errors["resources"] = ["Only lists of dicts can be placed against subschema ('resources',)"]
        return []
    problems = [_resource_fields(item, None)[1] for item in raw]
    if any(problems):
        errors["resources"] = problems
    return raw


def _resource_fields(
    data: dict[str, Any], current: Resource | None, *, guess_mimetype: bool = True
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A resource dict as columns plus ``extras`` (every other key), and its field errors.

    As in CKAN, an update empties the omitted url, description and mimetype but keeps the other columns.
    """
    errors: dict[str, list[str]] = {}
    if current is not None:
        data = {key: getattr(current, key) for key in RESOURCE_KEPT_IF_MISSING} | data
    fields: dict[str, Any] = {key: _text(data.get(key)) for key in RESOURCE_TEXT_FIELDS}
    fields["url"] = fields["url"] or ""
    fields["hash"] = fields["hash"] or ""
    fields["size"] = None
    if data.get("size") not in (None, ""):
        try:
            fields["size"] = int(data["size"])
        except (TypeError, ValueError):
            errors["size"] = ["Invalid integer"]
    fields["last_modified"] = None
    if isinstance(data.get("last_modified"), datetime):
        fields["last_modified"] = data["last_modified"]
    elif data.get("last_modified"):
        try:
            fields["last_modified"] = _parse_time(str(data["last_modified"]))
        except ValueError:
            errors["last_modified"] = ["Date format incorrect"]
    fields["format"] = _clean_format(_text(data.get("format")) or "")
    guessed_type = mimetypes.guess_type(fields["url"].split("?")[0])[0] if fields["url"] else None
    if current is None and not fields["format"] and guessed_type:
        fields["format"] = _clean_format(guessed_type)
    if guess_mimetype and not fields["mimetype"] and guessed_type:
        fields["mimetype"] = guessed_type
    if SEARCH_TEXT_KEY in data or current is None:  # kept when omitted: package_show never returns it
        fields["search_text"] = _text(data.get(SEARCH_TEXT_KEY)) or None
    fields["extras"] = {
        key: value
        for key, value in data.items()
        if key not in RESOURCE_COMPUTED_KEYS and not (key in RESOURCE_NULL_DEFAULTS and value is None)
    }
    return fields, errors


def _clean_format(value: str) -> str:
    """CKAN's unified format names for the common cases: ``csv`` and ``text/csv`` become ``CSV``."""
    value = value.strip()
    if "/" in value:
        extension = mimetypes.guess_extension(value)
        return extension.lstrip(".").upper() if extension else value
    return value.lstrip(".").upper() if value.lstrip(".").isalnum() and len(value) <= 8 else value


def _validate_organization(context: Context, data: dict[str, Any], current: Organization | None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = data.get("name")
    _check_name(name, errors, package=False)
    if "name" not in errors and _name_taken(context, Organization, name, current.id if current else None):
        errors["name"] = ["Group name already exists in database"]
    state = data.get("state") or "active"
    if state not in STATES:
        errors["state"] = [f"State must be one of: {', '.join(sorted(STATES))}"]
    extras = _extras(data.get("extras"), errors)
    _raise_if(errors)
    return {
        "name": name,
        "title": _text(data.get("title")) or "",
        "description": _text(data.get("description")) or "",
        "image_url": _text(data.get("image_url")) or "",
        "state": state,
        "extras": extras,
    }


def _name_taken(context: Context, model: type[Package] | type[Organization], name: str, own_id: str | None) -> bool:
    """CKAN ignores deleted records here: their names are freed when reused (see :func:`_free_deleted_name`)."""
    statement = select(model.id).where(model.name == name, model.state != "deleted")
    if own_id:
        statement = statement.where(model.id != own_id)
    return context.session.scalar(statement.limit(1)) is not None


def _free_deleted_name(
    context: Context, model: type[Package] | type[Organization], name: str, own_id: str | None
) -> None:
    """As CKAN 2.12 does: a deleted record holding ``name`` is renamed to its id, so the name can be reused."""
    statement = select(model).where(model.name == name, model.state == "deleted")
    if own_id:
        statement = statement.where(model.id != own_id)
    for holder in context.session.scalars(statement):
        holder.name = holder.id
        context.session.flush()


def _new_id(context: Context, data: dict[str, Any], model: type[Package] | type[Organization]) -> str:
    """Sysadmins may choose an id, as in CKAN; it must be a uuid nobody has."""
    wanted = data.get("id")
    if not wanted:
        return str(uuid.uuid4())
    try:
        uuid.UUID(str(wanted))
    except ValueError:
        raise ValidationError({"id": ["Invalid id provided"]}) from None
    if context.session.scalar(select(model.id).where(model.id == wanted)) is not None:
        raise ValidationError({"id": ["Dataset id already exists" if model is Package else "Id already exists"]})
    return str(wanted)


# -- search parameters --------------------------------------------------------------------------


def _search_query(context: Context, data: dict[str, Any]) -> tuple[search.SearchQuery, list[str] | None]:
    unknown = sorted(key for key in data if key not in SEARCH_PARAMS and not key.startswith("ext_"))
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    errors: dict[str, list[str]] = {}
    rows = min(_natural(data, "rows", 10, errors), ROWS_MAX)
    start = _natural(data, "start", 0, errors)
    facet_limit = _integer(data, "facet.limit", 50, errors)
    facet_mincount = _integer(data, "facet.mincount", 1, errors)
    facet_fields = _facet_fields(data.get("facet.field"), errors)
    _raise_if(errors)
    fq_list = [str(item) for item in _json_list(data.get("fq_list") or [])]
    query = search.SearchQuery(
        query=parse_q(str(data.get("q") or "")),
        filters=package_search_filters(
            str(data.get("fq") or ""),
            fq_list,
            include_private=_asbool(data.get("include_private")),
            include_drafts=_asbool(data.get("include_drafts")),
            include_deleted=_asbool(data.get("include_deleted")),
        ),
        sysadmin=context.sysadmin,
        include_deleted=context.sysadmin and _asbool(data.get("include_deleted")),
        sort=_sort(data.get("sort") or DEFAULT_SORT),
        rows=rows,
        start=start,
        facet_fields=facet_fields if _asbool(data.get("facet", True)) else [],
        facet_limit=facet_limit,
        facet_mincount=facet_mincount,
    )
    fields = data.get("fl")
    if isinstance(fields, str):
        fields = fields.replace(",", " ").split()
    return query, list(fields) if fields else None


def _sort(value: str) -> list[tuple[str, bool]]:
    """Solr's ``sort``: comma-separated ``field [asc|desc]`` over the fields the index sorts on."""
    order = []
    for part in str(value).split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in search.SORT_FIELDS or words[-1] not in {"asc", "desc", words[0]}:
            raise SearchQueryError('Invalid "sort" parameter')
        order.append((words[0], len(words) == 2 and words[1] == "desc"))
    return order or _sort(DEFAULT_SORT)


def _facet_fields(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            errors["facet.field"] = ["Could not parse as valid JSON", "Not a list"]
            return []
    if not isinstance(value, list):
        errors["facet.field"] = ["Not a list"]
        return []
    return [str(field) for field in value]


def _search_facets(context: Context, facets: dict[str, dict[str, int]]) -> dict[str, Any]:
    """CKAN's ``search_facets``: display names, items sorted by display name descending (as CKAN does)."""
    titles: dict[str, str] = {}
    if facets.get("organization"):
        titles = dict(
            context.session.execute(
                select(Organization.name, Organization.title).where(Organization.name.in_(facets["organization"]))
            ).all()
        )
    restructured = {}
    for field, values in facets.items():
        items = []
        for name, count in values.items():
            display = name
            if field == "organization":
                display = (titles.get(name) or "").strip() or name
            elif field == "license_id" and name in LICENSES:
                display = LICENSES[name][0]
            items.append({"name": name, "display_name": display, "count": count})
        items.sort(key=lambda item: item["display_name"], reverse=True)
        restructured[field] = {"title": field, "items": items}
    return restructured


# -- helpers ------------------------------------------------------------------------------------


def _package(context: Context, reference: str, *, not_found: str = "") -> Package:
    statement = _with_children(select(Package))
    package = context.session.scalar(statement.where(Package.id == reference))
    if package is None:
        package = context.session.scalar(statement.where(Package.name == reference))
    if package is None:
        raise NotFound(not_found)
    return package


def _readable(context: Context, package: Package) -> Package:
    if not context.sysadmin and (package.state != "active" or package.private):
        raise NotAuthorized(f"User not authorized to read package {package.id}")
    return package


def _resource(context: Context, resource_id: str) -> Resource:
    resource = context.session.get(Resource, resource_id)
    if resource is None:
        raise NotFound("Resource was not found.")
    return resource


def _find_organization(context: Context, reference: str) -> Organization | None:
    found = context.session.scalar(select(Organization).where(Organization.id == reference))
    return found or context.session.scalar(select(Organization).where(Organization.name == reference))


def _organization(context: Context, reference: str, *, any_state: bool = False) -> Organization:
    organization = _find_organization(context, reference)
    if organization is None or (organization.state == "deleted" and not (any_state or context.sysadmin)):
        raise NotFound("Organization was not found.")
    return organization


def _package_counts(context: Context, organization_id: str | None = None) -> dict[str, int]:
    """Datasets per organization that the caller may see (sysadmins also count private ones)."""
    statement = select(Package.owner_org, func.count()).where(Package.state == "active").group_by(Package.owner_org)
    if organization_id is not None:
        statement = statement.where(Package.owner_org == organization_id)
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    return dict(context.session.execute(statement).all())


def _packages_by_pk(session: Session, pks: list[int]) -> list[Package]:
    if not pks:
        return []
    packages = session.scalars(_with_children(select(Package)).where(Package.pk.in_(pks)))
    found = {package.pk: package for package in packages}
    return [found[pk] for pk in pks if pk in found]


def _with_children(statement: Any) -> Any:
    return statement.options(selectinload(Package.resources))


def _save_resources(
    context: Context, package: Package, resources: list[dict[str, Any]], *, guess_mimetype: bool
) -> None:
    """Make ``resources`` the dataset's list, in order: known ids are updated, others created, the rest dropped."""
    existing = {resource.id: resource for resource in package.resources}
    kept: list[Resource] = []
    for position, item in enumerate(resources):
        resource = existing.get(item.get("id") or "")
        fields, _errors = _resource_fields(item, resource, guess_mimetype=guess_mimetype)
        if resource is None:
            resource = Resource(id=_resource_id(context, item), package_id=package.id)
        if resource.position != position or any(getattr(resource, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(resource, key, value)
            resource.position = position
            resource.metadata_modified = utcnow()
        kept.append(resource)
    package.resources = kept


def _resource_id(context: Context, item: dict[str, Any]) -> str:
    """The id a client chose (ckanapi ``load`` keeps ids) when it is a free uuid, else a new one."""
    try:
        wanted = str(uuid.UUID(str(item.get("id"))))
    except ValueError:
        return str(uuid.uuid4())
    return wanted if context.session.get(Resource, wanted) is None else str(uuid.uuid4())


def _store_upload(context: Context, data: dict[str, Any], package: Package, resource: Resource) -> None:
    upload = data.get("upload")
    if upload is None or isinstance(upload, str):
        return
    if context.file_saver is None:
        raise ValidationError({"upload": ["Uploads are not accepted here"]})
    url, size, digest = context.file_saver(upload, package=package, resource_id=resource.id)
    resource.url, resource.size, resource.hash, resource.url_type = url, size, digest, "upload"
    resource.last_modified = utcnow()
    guessed = mimetypes.guess_type(url)[0]
    resource.mimetype = data.get("mimetype") or guessed or resource.mimetype
    if not resource.format and guessed:
        resource.format = _clean_format(guessed)


def _touch(package: Package) -> None:
    package.metadata_modified = utcnow()


def _get_or_bust(data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    if value in (None, ""):
        raise ValidationError({key: ["Missing value"]})
    return value


def _raise_if(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _natural(data: dict[str, Any], key: str, default: Any, errors: dict[str, list[str]]) -> Any:
    value = _integer(data, key, default, errors)
    if isinstance(value, int) and value < 0:
        errors[key] = ["Must be a natural number"]
        return 0
    return value


def _integer(data: dict[str, Any], key: str, default: Any, errors: dict[str, list[str]]) -> Any:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[key] = ["Invalid integer"]
        return default


def _asbool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "t", "y", "1", "on"}
    return bool(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return value if isinstance(value, list) else [value]


def _group_sort(value: str) -> tuple[str, bool]:
    words = str(value).split()
    key = words[0] if words and words[0] in {"name", "title", "package_count"} else "title"
    descending = (len(words) > 1 and words[1] == "desc") or (len(words) == 1 and key == "package_count")
    return key, descending


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: Side-effect free: anyone may call them, also with GET (the others need the token and POST).
READ_ONLY: tuple[Action, ...] = (
    *(status_show, help_show, license_list, package_list, package_show, resource_show, package_search),
    *(organization_list, organization_show, tag_list),
)
WRITES: tuple[Action, ...] = (
    *(organization_create, organization_update, organization_patch),
    *(package_create, package_update, package_patch, package_delete, dataset_purge),
    *(resource_create, resource_update, resource_patch, resource_delete),
)
ACTIONS: dict[str, Action] = {action.__name__: action for action in (*READ_ONLY, *WRITES)}
READ_ACTIONS = frozenset(action.__name__ for action in READ_ONLY)
