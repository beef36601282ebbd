"""CKAN 2.12's default schema for datasets, resources and organizations, with CKAN's error messages.

Kept apart from the actions so that "what CKAN would refuse" has one home: where CKAN is strict (names,
tags, extras, integers) this is strict too, so nothing passes the embedded catalogue that a real CKAN
would refuse. Every function collects all errors at once, as CKAN's navl does.
"""

from __future__ import annotations

import json
import mimetypes
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from ckanapi.errors import ValidationError
from sqlalchemy import select

from ppid.catalogue.context import Context
from ppid.catalogue.models import SEARCH_TEXT_KEY, Organization, Package, Resource

NAME_PATTERN = re.compile(r"^[a-z0-9_\-]*$")
TAG_PATTERN = re.compile(r"^[\w \-.]*$")
STATES = {"active", "draft", "deleted"}

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
# fmt: on

def validate_package(
    context: Context, data: dict[str, Any], current: Package | None
) -> tuple[dict[str, Any], list[Any] | None]:
    """CKAN's default package schema: every error at once, in CKAN's words."""
    errors: dict[str, Any] = {}
    name = data.get("name") if "name" in data or current is None else current.name
    check_name(name, errors, package=True)
    if "name" not in errors and name_taken(context, Package, name, current.id if current else None):
        errors["name"] = ["That URL is already in use."]
    owner = data.get("owner_org") if "owner_org" in data or current is None else current.owner_org
    organization = None
    if not owner:
        errors["owner_org"] = ["An organization must be provided"]
    else:
        organization = find_organization(context, str(owner))
        if organization is None:
            errors["owner_org"] = ["Organization does not exist"]
    fields: dict[str, Any] = {key: text(data.get(key)) for key in PACKAGE_TEXT_FIELDS}
    fields["title"] = fields["title"] or ""
    fields["private"] = asbool(data["private"]) if "private" in data else bool(current and current.private)
    fields["state"] = data.get("state") or (current.state if current else "active")
    if fields["state"] not in STATES:
        errors["state"] = [f"State must be one of: {', '.join(sorted(STATES))}"]
    fields["tags"] = valid_tags(data, errors)
    fields["extras"] = valid_extras(data.get("extras"), errors)
    resources = data.get("resources")
    if resources is not None:
        resources = valid_resources(resources, errors)
    raise_if(errors)
    assert organization is not None
    fields.update(name=name, owner_org=organization.id, organization=organization)
    return fields, resources


def check_name(name: Any, errors: dict[str, Any], *, package: bool) -> None:
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


def valid_tags(data: dict[str, Any], errors: dict[str, Any]) -> list[str]:
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


def valid_extras(raw: Any, errors: dict[str, Any]) -> list[dict[str, Any]]:
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


def valid_resources(raw: Any, errors: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        errors["resources"] = ["Only lists of dicts can be placed against subschema ('resources',)"]
        return []
    problems = [resource_fields(item, None)[1] for item in raw]
    if any(problems):
        errors["resources"] = problems
    return raw


def resource_fields(
    data: dict[str, Any], current: Resource | None, *, guess_mimetype: bool = True
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A resource dict as columns plus ``extras`` (every other key), and its field errors.

    As in CKAN, an update empties the omitted url, description and mimetype but keeps the other columns.
    """
    errors: dict[str, list[str]] = {}
    if current is not None:
        data = {key: getattr(current, key) for key in RESOURCE_KEPT_IF_MISSING} | data
    fields: dict[str, Any] = {key: text(data.get(key)) for key in RESOURCE_TEXT_FIELDS}
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
            fields["last_modified"] = parse_time(str(data["last_modified"]))
        except ValueError:
            errors["last_modified"] = ["Date format incorrect"]
    fields["format"] = clean_format(text(data.get("format")) or "")
    guessed_type = mimetypes.guess_type(fields["url"].split("?")[0])[0] if fields["url"] else None
    if current is None and not fields["format"] and guessed_type:
        fields["format"] = clean_format(guessed_type)
    if guess_mimetype and not fields["mimetype"] and guessed_type:
        fields["mimetype"] = guessed_type
    if SEARCH_TEXT_KEY in data or current is None:  # kept when omitted: package_show never returns it
        fields["search_text"] = text(data.get(SEARCH_TEXT_KEY)) or None
    fields["extras"] = {
        key: value
        for key, value in data.items()
        if key not in RESOURCE_COMPUTED_KEYS and not (key in RESOURCE_NULL_DEFAULTS and value is None)
    }
    return fields, errors


def clean_format(value: str) -> str:
    """CKAN's unified format names for the common cases: ``csv`` and ``text/csv`` become ``CSV``."""
    value = value.strip()
    if "/" in value:
        extension = mimetypes.guess_extension(value)
        return extension.lstrip(".").upper() if extension else value
    return value.lstrip(".").upper() if value.lstrip(".").isalnum() and len(value) <= 8 else value


def validate_organization(context: Context, data: dict[str, Any], current: Organization | None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = data.get("name")
    check_name(name, errors, package=False)
    if "name" not in errors and name_taken(context, Organization, name, current.id if current else None):
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


def name_taken(context: Context, model: type[Package] | type[Organization], name: str, own_id: str | None) -> bool:
    """CKAN ignores deleted records here: their names are freed when reused (see :func:`free_deleted_name`)."""
    statement = select(model.id).where(model.name == name, model.state != "deleted")
    if own_id:
        statement = statement.where(model.id != own_id)
    return context.session.scalar(statement.limit(1)) is not None


def free_deleted_name(
    context: Context, model: type[Package] | type[Organization], name: str, own_id: str | None
) -> None:
    """As CKAN 2.12 does: a deleted record holding ``name`` is renamed to its id, so the name can be reused."""
    statement = select(model).where(model.name == name, model.state == "deleted")
    if own_id:
        statement = statement.where(model.id != own_id)
    for holder in context.session.scalars(statement):
        holder.name = holder.id
        context.session.flush()


def new_id(context: Context, data: dict[str, Any], model: type[Package] | type[Organization]) -> str:
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


def get_or_bust(data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    if value in (None, ""):
        raise ValidationError({key: ["Missing value"]})
    return value


def raise_if(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def natural(data: dict[str, Any], key: str, default: Any, errors: dict[str, list[str]]) -> Any:
    value = integer(data, key, default, errors)
    if isinstance(value, int) and value < 0:
        errors[key] = ["Must be a natural number"]
        return 0
    return value


def integer(data: dict[str, Any], key: str, default: Any, errors: dict[str, list[str]]) -> Any:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[key] = ["Invalid integer"]
        return default


def asbool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "t", "y", "1", "on"}
    return bool(value)


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return value if isinstance(value, list) else [value]


def parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def find_organization(context: Context, reference: str) -> Organization | None:
    found = context.session.scalar(select(Organization).where(Organization.id == reference))
    return found or context.session.scalar(select(Organization).where(Organization.name == reference))
