"""Who is signed in, and the decorator every officer view uses to check role and dinas."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, session, url_for

from ppid.accounts.models import Role, User
from ppid.web import db_session


def current_user() -> User | None:
    if "current_user" not in g:
        user_id = session.get("user_id")
        user = db_session().get(User, user_id) if user_id else None
        g.current_user = user if user is not None and user.is_active else None
    return g.current_user


def sign_in(user: User) -> None:
    session.clear()
    session["user_id"] = user.id
    session.permanent = True


def sign_out() -> None:
    session.clear()


def login_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a signed-in user holding one of ``roles`` (any role when none are named)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.full_path))
            if roles and not any(grant.role in roles for grant in user.grants):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def dinas_scope(user: User, *roles: Role) -> set[str] | None:
    """The dinas whose data ``user`` may see with ``roles``: None means every dinas."""
    slugs: set[str] = set()
    for grant in user.grants:
        if grant.role in roles or grant.role == Role.ADMIN:
            if grant.dinas_slug is None:
                return None
            slugs.add(grant.dinas_slug)
    return slugs
