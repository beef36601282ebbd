"""The embedded catalogue's CKAN Action API, without Flask: one function per action, CKAN 2.12 semantics.

The publisher talks to this through ``ckanapi`` exactly as it talks to a real CKAN, so results have
CKAN's shapes and errors are ``ckanapi.errors`` exceptions with CKAN's messages: code written
against the embedded catalogue keeps working when a real CKAN is configured, and the other way round.
CKAN's schema lives in :mod:`ppid.catalogue.validators`, the result shapes in
:mod:`ppid.catalogue.dictization`, search in :mod:`ppid.catalogue.search`.

Actions only flush; the caller commits (:class:`ppid.catalogue.service.EmbeddedCKAN`).
"""

from __future__ import annotations

import copy
import json
import mimetypes
import uuid
from collections.abc import Callable
from typing import Any

from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, SearchQueryError, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ppid.catalogue import datastore, groups, revise, search, users
from ppid.catalogue.context import Context, FileSaver, Upload
from ppid.catalogue.dictization import (
    organization_dict,
    package_dicts,
    package_show_dict,
    resource_show_dict,
    tag_dict,
    tag_id,
)
from ppid.catalogue.licenses import LICENSES, license_dict
from ppid.catalogue.models import SEARCH_TEXT_KEY, Organization, Package, PackageTerm, Resource
from ppid.catalogue.query import package_search_filters, parse_q
from ppid.catalogue.validators import (
    asbool,
    clean_format,
    find_organization,
    free_deleted_name,
    get_or_bust,
    integer,
    json_list,
    natural,
    new_id,
    raise_if,
    resource_fields,
    validate_organization,
    validate_package,
)
from ppid.datastore.reading import TableFiles
from ppid.db import utcnow

CKAN_VERSION = "2.12.0"
ROWS_MAX = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
ORG_LIST_MAX, ORG_LIST_ALL_FIELDS_MAX = 1000, 25

# fmt: off
SEARCH_PARAMS = {"q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit", "facet.mincount",
                 "fl", "extras", "include_private", "include_drafts", "include_deleted", "use_default_schema", "qf",
                 "wt", "bf", "boost", "tie", "defType", "mm", "df"}
# fmt: on

Action = Callable[[Context, dict[str, Any]], Any]


def call_action(
    session: Session,
    name: str,
    data_dict: dict[str, Any],
    *,
    user_is_sysadmin: bool,
    base_url: str,
    file_saver: FileSaver | None = None,
    user: str | None = None,
    table_files: TableFiles | None = None,
) -> Any:
    """Run one CKAN action as ``user`` (a CKAN user name, see :mod:`ppid.catalogue.users`; None: anonymous);
    raises ``ckanapi.errors`` exceptions as a CKAN would."""
    action = ACTIONS.get(name)
    if action is None:
        raise CKANAPIError(f"Action name not known: {name}")
    if name not in READ_ACTIONS and not user_is_sysadmin:
        raise NotAuthorized(f"User not authorized to call {name}")
    context = Context(session, user_is_sysadmin, base_url.rstrip("/"), file_saver, user, table_files)
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
    action = ACTIONS.get(get_or_bust(data, "name"))
    if action is None:
        raise NotFound("Action function not found")
    return action.__doc__ or ""


def license_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [license_dict(license_id) for license_id in LICENSES]


def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """Names of active public datasets, by name (CKAN ignores the include_* flags here too)."""
    errors: dict[str, list[str]] = {}
    limit = natural(data, "limit", None, errors)
    offset = natural(data, "offset", 0, errors)
    raise_if(errors)
    statement = select(Package.name).where(Package.state == "active", Package.private.is_(False)).order_by(Package.name)
    return list(context.session.scalars(statement.limit(limit or None).offset(offset or 0)))


def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    reference = data.get("id") or data.get("name_or_id")
    if not reference:
        raise ValidationError({"name_or_id": ["Missing value"]})
    return package_show_dict(context.session, _readable(context, _package(context, reference)))


def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = context.session.get(Resource, get_or_bust(data, "id"))
    if resource is None:
        raise NotFound("Resource was not found.")
    _readable(context, resource.package)
    return resource_show_dict(context.session, resource)


def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Search with Solr's parameters (q, fq, rows, start, sort, facet.field …), answered by SQL."""
    query, fields = _search_query(context, data)
    result = search.run(context.session, query)
    packages = _packages_by_pk(context.session, result.pks)
    results = package_dicts(context.session, packages)
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
    all_fields = asbool(data.get("all_fields"))
    maximum = ORG_LIST_ALL_FIELDS_MAX if all_fields else ORG_LIST_MAX
    limit = min(natural(data, "limit", maximum, errors) or maximum, maximum)
    offset = natural(data, "offset", 0, errors)
    raise_if(errors)
    counts = _package_counts(context)
    statement = select(Organization).where(Organization.state == "active")
    if data.get("q"):
        pattern = f"%{str(data['q']).strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Organization.name).like(pattern), func.lower(Organization.title).like(pattern))
        )
    if data.get("organizations"):
        wanted = json_list(data["organizations"])
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
    include_extras = asbool(data.get("include_extras"))
    return [organization_dict(org, counts.get(org.id, 0), extras=include_extras) for org in page]


def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    organization = _organization(context, get_or_bust(data, "id"))
    count = _package_counts(context, organization.id).get(organization.id, 0)
    result = organization_dict(organization, count, extras=True)
    if asbool(data.get("include_users")):  # off by default, as with CKAN's public_user_details = false
        if not users.may_see_members(context, organization):
            raise NotAuthorized(f"User {context.user} not authorized to read group {organization.id}")
        result["users"] = users.organization_users(context, organization)
    result["groups"] = []
    if asbool(data.get("include_datasets")):
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
    if not asbool(data.get("all_fields")):
        return names
    return [{"id": tag_id(name), "name": name, "vocabulary_id": None, "display_name": name} for name in names]


def tag_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A free tag by name or id; ``include_datasets`` adds the datasets the caller can see that carry it."""
    reference = str(get_or_bust(data, "id"))
    if data.get("vocabulary_id"):
        raise NotFound("Could not find tag vocabulary")  # the catalogue has free tags only
    names = tag_list(context, {})
    name = reference if reference in names else next((n for n in names if tag_id(n) == reference), None)
    if name is None:
        raise NotFound("Tag was not found.")
    result = {key: value for key, value in tag_dict(name).items() if key != "state"}
    if asbool(data.get("include_datasets")):
        statement = (
            _with_children(select(Package))
            .join(PackageTerm, PackageTerm.package_pk == Package.pk)
            .where(PackageTerm.field == "tags", PackageTerm.value == name, Package.state == "active")
            .order_by(Package.metadata_modified.desc())
            .limit(ROWS_MAX)
        )
        if not context.sysadmin:
            statement = statement.where(Package.private.is_(False))
        result["packages"] = package_dicts(context.session, context.session.scalars(statement))
    return result


def vocabulary_list(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue has no tag vocabularies (only free tags), so this is always empty."""
    return []


def current_package_list_with_resources(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Datasets with their resources, most recently modified first; ``limit`` defaults to 10 as in CKAN."""
    errors: dict[str, list[str]] = {}
    limit = natural(data, "limit", None, errors)
    offset = natural(data, "offset", None, errors)
    page = natural(data, "page", 1, errors)
    raise_if(errors)
    limit = min(10 if limit is None else limit, ROWS_MAX)
    if offset is None:
        offset = (page - 1) * limit if page and "limit" in data else 0
    statement = _with_children(select(Package)).where(Package.state == "active")
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    statement = statement.order_by(Package.metadata_modified.desc(), Package.pk.desc()).limit(limit).offset(offset)
    return package_dicts(context.session, context.session.scalars(statement))


def package_autocomplete(context: Context, data: dict[str, Any]) -> list[dict[str, str]]:
    """Datasets whose name or title contains ``q``, marked with the field that matched."""
    query = str(get_or_bust(data, "q"))
    errors: dict[str, list[str]] = {}
    limit = natural(data, "limit", 10, errors)
    raise_if(errors)
    pattern = f"%{query.lower()}%"
    statement = (
        select(Package.name, Package.title)
        .where(Package.state == "active", or_(Package.name.like(pattern), func.lower(Package.title).like(pattern)))
        .order_by(Package.metadata_modified.desc())
        .limit(limit)
    )
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    found = []
    for name, title in context.session.execute(statement):
        by_name = query.lower() in name
        found.append({
            "name": name,
            "title": title,
            "match_field": "name" if by_name else "title",
            "match_displayed": name if by_name else f"{title} ({name})",
        })  # fmt: skip
    return found


def organization_autocomplete(context: Context, data: dict[str, Any]) -> list[dict[str, str]]:
    """Active organizations whose name or title contains ``q`` (CKAN's default limit is 20)."""
    query = str(get_or_bust(data, "q")).strip().lower()
    errors: dict[str, list[str]] = {}
    limit = natural(data, "limit", 20, errors)
    raise_if(errors)
    pattern = f"%{query}%"
    statement = (
        select(Organization.id, Organization.name, Organization.title)
        .where(Organization.state == "active")
        .where(or_(func.lower(Organization.name).like(pattern), func.lower(Organization.title).like(pattern)))
        .order_by(Organization.title)
        .limit(limit)
    )
    return [{"id": id_, "name": name, "title": title} for id_, name, title in context.session.execute(statement)]


# -- organization writes ------------------------------------------------------------------------


def organization_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    fields = validate_organization(context, data, None)
    free_deleted_name(context, Organization, fields["name"], None)
    organization = Organization(id=new_id(context, data, Organization), **fields)
    context.session.add(organization)
    context.session.flush()
    return organization_show(context, {"id": organization.id})


def organization_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    organization = _organization(context, get_or_bust(data, "id"), any_state=True)
    fields = validate_organization(context, {"name": organization.name, **data}, organization)
    free_deleted_name(context, Organization, fields["name"], organization.id)
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
    organization = _organization(context, get_or_bust(data, "id"), any_state=True)
    current = organization_dict(organization, 0, extras=True)
    return organization_update(context, {**current, **data, "id": organization.id})


# -- dataset writes -----------------------------------------------------------------------------


def package_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    fields, resources = validate_package(context, data, None)
    free_deleted_name(context, Package, fields["name"], None)
    now = utcnow()
    package = Package(
        id=new_id(context, data, Package),
        metadata_created=now,
        metadata_modified=now,
        resources=[],
        groups=groups.package_groups(context, data) or [],
        creator_user_id=users.creator_id(context),
        **fields,
    )
    context.session.add(package)
    _save_resources(context, package, resources or [], guess_mimetype=False)  # CKAN 2.12 guesses on update only
    search.index_package(context.session, package)
    return package_show_dict(context.session, package)


def package_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset; like CKAN, omitted fields are emptied, omitted ``resources`` are kept."""
    package = _package(context, get_or_bust(data, "id"))
    fields, resources = validate_package(context, data, package)
    free_deleted_name(context, Package, fields["name"], package.id)
    for key, value in fields.items():
        setattr(package, key, value)
    chosen_groups = groups.package_groups(context, data)
    if chosen_groups is not None:  # omitted groups are kept, as in CKAN
        package.groups = chosen_groups
    if resources is not None:
        _save_resources(context, package, resources, guess_mimetype=True)
    _touch(package)
    search.index_package(context.session, package)
    return package_show_dict(context.session, package)


def package_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    package = _package(context, get_or_bust(data, "id"))
    current = package_show_dict(context.session, package)
    if "resources" not in data:
        del current["resources"]  # kept as they are by package_update
    return package_update(context, {**current, **data, "id": package.id})


def package_revise(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ``package_revise``: check ``match`` (and ``match__<path>`` keys) against the dataset, drop what
    ``filter`` names, merge ``update`` (and ``update__<path>`` keys, ``__extend`` to append to a list), then
    ``package_update``; ``include`` trims the answer. Paths and patterns: :mod:`ppid.catalogue.revise`."""
    match = data.get("match") if isinstance(data.get("match"), dict) else {}
    flat_match = {key.removeprefix("match__"): value for key, value in data.items() if key.startswith("match__")}
    reference = flat_match.get("id") or match.get("id") or flat_match.get("name") or match.get("name")
    if not reference:
        raise ValidationError({"match__id": "Missing value"})
    original = package_show_dict(context.session, _package(context, str(reference)))
    unmatched = revise.unmatched(original, match)
    for path, value in sorted(flat_match.items()):
        unmatched += revise.unmatched_path(original, path, value)
    if unmatched:
        raise ValidationError({"match": unmatched})
    revised = copy.deepcopy(original)
    revised.pop("metadata_modified", None)
    if data.get("filter"):
        revise.filter_paths(revised, json_list(data["filter"]))
        revised["id"] = original["id"]
    if "update" in data:
        try:
            revise.merge(revised, data["update"])
        except revise.DataError as error:
            raise ValidationError({"update": [str(error)]}) from None
    flat_update = {key.removeprefix("update__"): value for key, value in data.items() if key.startswith("update__")}
    for path in sorted(flat_update, key=lambda path: not path.endswith("extend")):
        try:
            revise.set_path(revised, path, flat_update[path])
        except revise.DataError as error:
            raise ValidationError({path: [str(error)]}) from None
    result = {"package": package_update(context, revised)}
    if data.get("include"):
        revise.filter_paths(result, json_list(data["include"]))
    return result


def package_delete(context: Context, data: dict[str, Any]) -> None:
    """Mark deleted: gone from search and lists, still shown to sysadmins, restored by state=active."""
    package = _package(context, get_or_bust(data, "id"))
    package.state = "deleted"
    _touch(package)
    search.index_package(context.session, package)


def dataset_purge(context: Context, data: dict[str, Any]) -> None:
    package = _package(context, get_or_bust(data, "id"))
    search.unindex_package(context.session, package.pk)
    context.session.delete(package)
    context.session.flush()


# -- resource writes ----------------------------------------------------------------------------


def resource_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    package_id = get_or_bust(data, "package_id")
    package = _package(context, package_id, not_found="Package was not found.")
    fields, errors = resource_fields(data, None)
    raise_if(errors)
    resource = Resource(
        id=_resource_id(context, data), package_id=package.id, position=len(package.resources), **fields
    )
    _store_upload(context, data, package, resource)
    package.resources.append(resource)
    _touch(package)
    search.index_package(context.session, package)
    return resource_show_dict(context.session, resource)


def resource_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(context, get_or_bust(data, "id"))
    fields, errors = resource_fields(data, resource)
    raise_if(errors)
    for key, value in fields.items():
        setattr(resource, key, value)
    resource.metadata_modified = utcnow()
    _store_upload(context, data, resource.package, resource)
    _touch(resource.package)
    search.index_package(context.session, resource.package)
    return resource_show_dict(context.session, resource)


def resource_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    resource = _resource(context, get_or_bust(data, "id"))
    return resource_update(context, {**resource_show_dict(context.session, resource), **data, "id": resource.id})


def resource_delete(context: Context, data: dict[str, Any]) -> None:
    resource = _resource(context, get_or_bust(data, "id"))
    package = resource.package
    package.resources.remove(resource)
    for position, remaining in enumerate(package.resources):
        remaining.position = position
    _touch(package)
    search.index_package(context.session, package)


# -- dictization --------------------------------------------------------------------------------


# -- validation ---------------------------------------------------------------------------------


# -- search parameters --------------------------------------------------------------------------


def _search_query(context: Context, data: dict[str, Any]) -> tuple[search.SearchQuery, list[str] | None]:
    unknown = sorted(key for key in data if key not in SEARCH_PARAMS and not key.startswith("ext_"))
    if unknown:
        raise SearchQueryError(f"Invalid search parameters: {unknown}")
    errors: dict[str, list[str]] = {}
    rows = min(natural(data, "rows", 10, errors), ROWS_MAX)
    start = natural(data, "start", 0, errors)
    facet_limit = integer(data, "facet.limit", 50, errors)
    facet_mincount = integer(data, "facet.mincount", 1, errors)
    facet_fields = _facet_fields(data.get("facet.field"), errors)
    raise_if(errors)
    fq_list = [str(item) for item in json_list(data.get("fq_list") or [])]
    query = search.SearchQuery(
        query=parse_q(str(data.get("q") or "")),
        filters=package_search_filters(
            str(data.get("fq") or ""),
            fq_list,
            include_private=asbool(data.get("include_private")),
            include_drafts=asbool(data.get("include_drafts")),
            include_deleted=asbool(data.get("include_deleted")),
        ),
        sysadmin=context.sysadmin,
        include_deleted=context.sysadmin and asbool(data.get("include_deleted")),
        sort=_sort(data.get("sort") or DEFAULT_SORT),
        rows=rows,
        start=start,
        facet_fields=facet_fields if asbool(data.get("facet", True)) else [],
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


def _group_sort(value: str) -> tuple[str, bool]:
    words = str(value).split()
    key = words[0] if words and words[0] in {"name", "title", "package_count"} else "title"
    descending = (len(words) > 1 and words[1] == "desc") or (len(words) == 1 and key == "package_count")
    return key, descending


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




def _organization(context: Context, reference: str, *, any_state: bool = False) -> Organization:
    organization = find_organization(context, reference)
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
        fields, _errors = resource_fields(item, resource, guess_mimetype=guess_mimetype)
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
    if not isinstance(upload, Upload):
        return
    if context.file_saver is None:
        raise ValidationError({"upload": ["Uploads are not accepted here"]})
    url, size, digest = context.file_saver(upload, package=package, resource_id=resource.id)
    resource.url, resource.size, resource.hash, resource.url_type = url, size, digest, "upload"
    resource.last_modified = utcnow()
    guessed = mimetypes.guess_type(url)[0]
    resource.mimetype = data.get("mimetype") or guessed or resource.mimetype
    if not resource.format and guessed:
        resource.format = clean_format(guessed)


def _touch(package: Package) -> None:
    package.metadata_modified = utcnow()


#: Side-effect free: anyone may call them, also with GET (the others need the token and POST). The user
#: actions refuse anonymous callers themselves (see :mod:`ppid.catalogue.users`).
READ_ONLY: tuple[Action, ...] = (
    *(status_show, help_show, license_list, package_list, package_show, resource_show, package_search),
    *(current_package_list_with_resources, package_autocomplete),
    *(organization_list, organization_show, organization_autocomplete, tag_list, tag_show, vocabulary_list),
    *(groups.group_list, groups.group_show, groups.member_list, users.user_list, users.user_show),
    *(datastore.datastore_search, datastore.datastore_search_sql, datastore.datastore_info),
)
WRITES: tuple[Action, ...] = (
    *(organization_create, organization_update, organization_patch),
    *(groups.group_create, groups.group_update, groups.group_patch),
    *(package_create, package_update, package_patch, package_revise, package_delete, dataset_purge),
    *(resource_create, resource_update, resource_patch, resource_delete),
)
ACTIONS: dict[str, Action] = {action.__name__: action for action in (*READ_ONLY, *WRITES)}
READ_ACTIONS = frozenset(action.__name__ for action in READ_ONLY)
