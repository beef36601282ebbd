"""CKAN groups: topics (tema) that datasets of any dinas can belong to, and ``member_list``.

Organizations are the dinas and come from the registry; groups are the catalogue's own themes, kept
in ``catalogue_group`` with the datasets in ``catalogue_package_group``. As a CKAN configured with
``ckan.auth.user_create_groups = false``: only sysadmins create and edit groups and put datasets in
them (``package_create``/``package_update`` with ``groups``); anyone may read them.
"""

from __future__ import annotations

from typing import Any

from ckanapi.errors import NotAuthorized, NotFound, ValidationError
from sqlalchemy import func, or_, select

from ppid.catalogue import search, users
from ppid.catalogue.context import Context
from ppid.catalogue.dictization import iso, package_dicts
from ppid.catalogue.models import Group, Organization, Package, package_group
from ppid.catalogue.validators import (
    STATES,
    asbool,
    check_name,
    get_or_bust,
    json_list,
    natural,
    new_id,
    raise_if,
    text,
    valid_extras,
)

LIST_MAX, LIST_ALL_FIELDS_MAX = 1000, 25


def group_list(context: Context, data: dict[str, Any]) -> list[Any]:
    errors: dict[str, list[str]] = {}
    all_fields = asbool(data.get("all_fields"))
    maximum = LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX
    limit = min(natural(data, "limit", maximum, errors) or maximum, maximum)
    offset = natural(data, "offset", 0, errors)
    raise_if(errors)
    statement = select(Group).where(Group.state == "active")
    if data.get("q"):
        pattern = f"%{str(data['q']).strip().lower()}%"
        statement = statement.where(or_(func.lower(Group.name).like(pattern), func.lower(Group.title).like(pattern)))
    if data.get("groups"):
        statement = statement.where(Group.name.in_(json_list(data["groups"])))
    groups = list(context.session.scalars(statement))
    counts = _package_counts(context)
    words = str(data.get("sort") or "title asc").split()
    key = words[0] if words and words[0] in {"name", "title", "package_count"} else "title"
    descending = (len(words) > 1 and words[1] == "desc") or (len(words) == 1 and key == "package_count")
    groups.sort(
        key=lambda g: counts.get(g.id, 0) if key == "package_count" else (getattr(g, key) or g.name).lower(),
        reverse=descending,
    )
    page = groups[offset : offset + limit]
    if not all_fields:
        return [group.name for group in page]
    results = []
    for group in page:
        result = group_dict(group, counts.get(group.id, 0))
        if asbool(data.get("include_users")) and users.may_see_members(context, None):
            result["users"] = []
        if asbool(data.get("include_extras")):
            result["extras"] = [dict(extra) for extra in group.extras]
        results.append(result)
    return results


def group_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    group = _group(context, get_or_bust(data, "id"))
    include_users = asbool(data.get("include_users"))
    if include_users and not users.may_see_members(context, None):
        raise NotAuthorized(f"User {context.user} not authorized to read group {group.id}")
    result = group_dict(group, _package_counts(context, group.id).get(group.id, 0))
    if asbool(data.get("include_datasets")):
        result["packages"] = package_dicts(context.session, _visible_packages(context, group))
    if include_users:
        result["users"] = []
    result.update({"extras": [dict(extra) for extra in group.extras], "groups": []})
    return result


def group_create(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    fields = _validate(context, data, None)
    group = Group(id=new_id(context, data, Group), **fields)
    context.session.add(group)
    context.session.flush()
    return group_show(context, {"id": group.id})


def group_update(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    group = _group(context, get_or_bust(data, "id"), any_state=True)
    before = (group.name, group.state)
    for key, value in _validate(context, {"name": group.name, **data}, group).items():
        setattr(group, key, value)
    context.session.flush()
    if (group.name, group.state) != before:  # the datasets are found by the group's name while it is active
        members = select(Package).join(Package.groups).where(Group.id == group.id)
        for package in context.session.scalars(members):
            search.index_package(context.session, package)
    return group_show(context, {"id": group.id})


def group_patch(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    group = _group(context, get_or_bust(data, "id"), any_state=True)
    current = {**group_dict(group, 0), "extras": [dict(extra) for extra in group.extras]}
    return group_update(context, {**current, **data, "id": group.id})


def member_list(context: Context, data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(id, object type, capacity)`` of a group's or organization's datasets and users, as CKAN lists them."""
    reference = str(get_or_bust(data, "id"))
    object_type, capacity = data.get("object_type"), data.get("capacity")
    group = _find(context, Group, reference)
    organization = None if group else _find(context, Organization, reference)
    if group is None and organization is None:
        raise NotFound("Group was not found.")
    if object_type == "user" and not users.may_see_members(context, organization):
        raise NotAuthorized(f"User {context.user} not authorized to read group {reference}")
    members: list[tuple[str, str, str]] = []
    if object_type in (None, "", "package"):
        if group is not None:
            statement = select(package_group.c.package_id).where(package_group.c.group_id == group.id)
            members += [(package_id, "package", "public") for package_id in context.session.scalars(statement)]
        else:
            statement = select(Package.id).where(Package.owner_org == organization.id, Package.state != "deleted")
            members += [(package_id, "package", "organization") for package_id in context.session.scalars(statement)]
    if object_type in (None, "", "user") and organization is not None:
        members += [
            (users.ckan_user_id(account.id), "user", role.title())
            for account, role in users.organization_members(context, organization)
        ]
    if capacity:
        members = [member for member in members if member[2].lower() == str(capacity).lower()]
    return members


def group_dict(group: Group, package_count: int) -> dict[str, Any]:
    return {
        "approval_status": "approved",
        "created": iso(group.created),
        "description": group.description,
        "display_name": group.title or group.name,
        "id": group.id,
        "image_display_url": group.image_url,
        "image_url": group.image_url,
        "is_organization": False,
        "name": group.name,
        "num_followers": 0,
        "package_count": package_count,
        "state": group.state,
        "title": group.title,
        "type": "group",
    }


def package_groups(context: Context, data: dict[str, Any]) -> list[Group] | None:
    """The groups a dataset dict names (by id or name); None when it names none. Unknown ones are
    dropped, as CKAN drops them."""
    raw = data.get("groups")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValidationError({"groups": ["Only lists of dicts can be placed against subschema ('groups',)"]})
    found = []
    for item in raw:
        group = _find(context, Group, str(item.get("id") or item.get("name") or ""))
        if group is not None and group.state == "active" and group not in found:
            found.append(group)
    return found


def _validate(context: Context, data: dict[str, Any], current: Group | None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = data.get("name")
    check_name(name, errors, package=False)
    if "name" not in errors:
        taken = select(Group.id).where(Group.name == name, Group.state != "deleted")
        if current is not None:
            taken = taken.where(Group.id != current.id)
        in_use = context.session.scalar(taken.limit(1)) or context.session.scalar(
            select(Organization.id).where(Organization.name == name).limit(1)
        )
        if in_use:
            errors["name"] = ["Group name already exists in database"]
    state = data.get("state") or "active"
    if state not in STATES:
        errors["state"] = [f"State must be one of: {', '.join(sorted(STATES))}"]
    extras = valid_extras(data.get("extras"), errors)
    raise_if(errors)
    return {
        "name": name,
        "title": text(data.get("title")) or "",
        "description": text(data.get("description")) or "",
        "image_url": text(data.get("image_url")) or "",
        "state": state,
        "extras": extras,
    }


def _group(context: Context, reference: str, *, any_state: bool = False) -> Group:
    group = _find(context, Group, reference)
    if group is None or (group.state == "deleted" and not (any_state or context.sysadmin)):
        raise NotFound("Group was not found.")
    return group


def _find(context: Context, model: type[Group] | type[Organization], reference: str) -> Any:
    found = context.session.scalar(select(model).where(model.id == reference))
    return found or context.session.scalar(select(model).where(model.name == reference))


def _visible_packages(context: Context, group: Group) -> list[Package]:
    """The group's active datasets the caller may read, newest first (as ``group_show`` lists them)."""
    statement = (
        select(Package)
        .join(package_group, package_group.c.package_id == Package.id)
        .where(package_group.c.group_id == group.id, Package.state == "active")
        .order_by(Package.metadata_modified.desc())
    )
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    return list(context.session.scalars(statement.limit(1000)))


def _package_counts(context: Context, group_id: str | None = None) -> dict[str, int]:
    """Datasets per group that the caller may see."""
    statement = (
        select(package_group.c.group_id, func.count())
        .join(Package, Package.id == package_group.c.package_id)
        .where(Package.state == "active")
        .group_by(package_group.c.group_id)
    )
    if group_id is not None:
        statement = statement.where(package_group.c.group_id == group_id)
    if not context.sysadmin:
        statement = statement.where(Package.private.is_(False))
    return dict(context.session.execute(statement).all())
