"""ppid's accounts as CKAN users: ``user_list``, ``user_show`` and the members of organizations.

How ppid accounts map to CKAN users:

- ``name`` is the account's user name; ``id`` a uuid derived from the account id, so it is stable and,
  like CKAN's, says nothing about the person; ``fullname`` is the account's full name.
- ``sysadmin`` is what the Action API treats as sysadmin: a region-wide administrator or walidata.
- Each role granted for one dinas makes the account a member of that dinas's organization: a dinas
  administrator with capacity ``admin``, a walidata or data officer ``editor``, an atasan ``member``
  (the highest wins). A role granted region-wide applies to every organization; region-wide
  administrators and walidata are sysadmins and, as in CKAN, not listed as members.
- The catalogue token acts as CKAN's site user (:data:`SITE_USER`): a sysadmin that ``user_list``
  leaves out, as CKAN leaves out ``ckan.site_id``'s user. It creates what the publisher publishes.

Officers' names and e-mail addresses are personal data (UU 27/2022), so the catalogue behaves as a
CKAN configured with ``ckan.auth.public_user_details = false``: anonymous callers may not list or show
users, nor ask an organization or group for its users; an e-mail address is shown only to sysadmins
and to the account itself; ``email_hash`` hashes the CKAN id, never the address (CKAN's md5 of the
address can be reversed by guessing addresses).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from ckanapi.errors import NotAuthorized, NotFound, ValidationError
from sqlalchemy import func, or_, select

from ppid.accounts.models import Role, User
from ppid.catalogue.context import Context
from ppid.catalogue.dictization import iso, package_dicts
from ppid.catalogue.models import Organization, Package
from ppid.catalogue.validators import asbool, get_or_bust

SITE_USER = "ppid-site"
#: Capacity in a dinas's organization for each role granted for that dinas, highest first.
CAPACITIES = ((Role.ADMIN, "admin"), (Role.WALIDATA, "editor"), (Role.OFFICER, "editor"), (Role.ATASAN, "member"))
RANK = {"admin": 3, "editor": 2, "member": 1}
#: ``user_list``'s ``order_by`` values (CKAN's columns that ppid accounts have).
ORDERS = {"name", "fullname", "display_name", "created", "id", "sysadmin", "about", "number_created_packages"}


def ckan_user_id(account_id: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ppid:catalogue:user:{account_id}"))


SITE_USER_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "ppid:catalogue:user:site"))


def is_sysadmin(account: User) -> bool:
    return account.has_role(Role.ADMIN) or account.has_role(Role.WALIDATA)


def creator_id(context: Context) -> str | None:
    """``creator_user_id`` of a dataset the caller creates."""
    if context.user == SITE_USER:
        return SITE_USER_ID
    account = _account(context, context.user) if context.user else None
    return ckan_user_id(account.id) if account else None


def user_list(context: Context, data: dict[str, Any]) -> list[Any]:
    _restrict_anonymous(context)
    if data.get("email") and not context.sysadmin:
        raise NotAuthorized("User not authorized to filter users by e-mail")
    order_by = str(data.get("order_by") or "display_name")
    if order_by == "edits":
        raise ValidationError({"message": "order_by=edits is no longer supported"})
    statement = select(User).where(User.is_active.is_(True))
    if data.get("q"):
        pattern = f"%{str(data['q']).strip().lower()}%"
        statement = statement.where(
            or_(func.lower(User.username).like(pattern), func.lower(User.full_name).like(pattern))
        )
    if data.get("email"):
        statement = statement.where(func.lower(User.email) == str(data["email"]).strip().lower())
    accounts = list(context.session.scalars(statement))
    counts = _created_counts(context)
    users = [user_dict(context, account, counts.get(ckan_user_id(account.id), 0)) for account in accounts]
    if asbool(data.get("include_site_user")):
        users.append(_site_user_dict(context))
    key = order_by if order_by in ORDERS else "display_name"
    users.sort(key=lambda user: (user[key] is None, user[key] if user[key] is not None else "", user["name"]))
    if not asbool(data.get("all_fields", True)):
        return [user["name"] for user in users]
    return users


def user_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    _restrict_anonymous(context)
    reference = str(get_or_bust(data, "id"))
    if reference in {SITE_USER, SITE_USER_ID}:
        return _site_user_dict(context)
    account = _account(context, reference)
    if account is None:
        raise NotFound("User not found")
    result = user_dict(context, account, _created_counts(context).get(ckan_user_id(account.id), 0))
    if asbool(data.get("include_datasets")):
        result["datasets"] = _created_datasets(
            context, result["id"], own=context.sysadmin or account.username == context.user
        )
    if asbool(data.get("include_num_followers")):
        result["num_followers"] = 0
    return result


def user_dict(
    context: Context, account: User, created_packages: int, *, with_email: bool | None = None
) -> dict[str, Any]:
    """``user_show``'s shape; ``email`` and ``apikey`` only for sysadmins and the account itself."""
    ckan_id = ckan_user_id(account.id)
    result: dict[str, Any] = {
        "id": ckan_id,
        "name": account.username,
        "fullname": account.full_name or None,
        "created": iso(account.created_at),
        "about": None,
        "last_active": None,
        "activity_streams_email_notifications": False,
        "sysadmin": is_sysadmin(account),
        "state": "active" if account.is_active else "deleted",
        "image_url": None,
        "display_name": account.full_name or account.username,
        "email_hash": hashlib.md5(ckan_id.encode(), usedforsecurity=False).hexdigest(),
        "number_created_packages": created_packages,
    }
    if with_email is None:
        with_email = context.sysadmin or account.username == context.user
    if with_email:
        result.update(apikey=None, email=account.email)
    result["image_display_url"] = None
    return result


def organization_users(context: Context, organization: Organization) -> list[dict[str, Any]]:
    """The members of a dinas's organization, as ``organization_show`` lists them (never with e-mail)."""
    counts = _created_counts(context)
    members = []
    for account, capacity in organization_members(context, organization):
        user = user_dict(context, account, counts.get(ckan_user_id(account.id), 0), with_email=False)
        user["capacity"] = capacity
        members.append(dict(sorted(user.items())))
    return members


def organization_members(context: Context, organization: Organization) -> list[tuple[User, str]]:
    """Active accounts with a role for this dinas (or for all of them), with their CKAN capacity."""
    accounts = context.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))
    members = []
    for account in accounts:
        if is_sysadmin(account):
            continue
        capacities = [
            capacity
            for role, capacity in CAPACITIES
            for grant in account.grants
            if grant.role == role and grant.dinas_slug in {None, organization.name}
        ]
        if capacities:
            members.append((account, max(capacities, key=RANK.__getitem__)))
    return members


def may_see_members(context: Context, organization: Organization | None) -> bool:
    """CKAN's ``group_show`` with ``public_user_details`` off: sysadmins and the organization's members."""
    if context.sysadmin:
        return True
    if context.user is None or organization is None:
        return False
    return any(account.username == context.user for account, _ in organization_members(context, organization))


def _site_user_dict(context: Context) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": SITE_USER_ID,
        "name": SITE_USER,
        "fullname": None,
        "created": None,
        "about": None,
        "last_active": None,
        "activity_streams_email_notifications": False,
        "sysadmin": True,
        "state": "active",
        "image_url": None,
        "display_name": SITE_USER,
        "email_hash": hashlib.md5(SITE_USER_ID.encode(), usedforsecurity=False).hexdigest(),
        "number_created_packages": _created_counts(context).get(SITE_USER_ID, 0),
    }
    if context.sysadmin:
        result.update(apikey=None, email=None)
    result["image_display_url"] = None
    return result


def _restrict_anonymous(context: Context) -> None:
    if context.user is None and not context.sysadmin:
        raise NotAuthorized("Anonymous users may not see user details")


def _account(context: Context, reference: str) -> User | None:
    """By user name or by CKAN id (ids are derived, so look through the accounts: there are few)."""
    account = context.session.scalar(select(User).where(User.username == reference))
    if account is not None:
        return account
    for candidate in context.session.scalars(select(User)):
        if ckan_user_id(candidate.id) == reference:
            return candidate
    return None


def _created_counts(context: Context) -> dict[str, int]:
    """CKAN's ``number_created_packages``: active public datasets per creator."""
    statement = (
        select(Package.creator_user_id, func.count())
        .where(Package.state == "active", Package.private.is_(False), Package.creator_user_id.is_not(None))
        .group_by(Package.creator_user_id)
    )
    return dict(context.session.execute(statement).all())


def _created_datasets(context: Context, ckan_id: str, *, own: bool) -> list[dict[str, Any]]:
    statement = select(Package).where(Package.creator_user_id == ckan_id).order_by(Package.metadata_modified.desc())
    if own:
        statement = statement.where(Package.state.in_(("active", "draft")))
    else:
        statement = statement.where(Package.state == "active", Package.private.is_(False))
    return package_dicts(context.session, context.session.scalars(statement.limit(50)))
