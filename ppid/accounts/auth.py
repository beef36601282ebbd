"""Who is calling, and the decorator every officer view uses to check role and dinas.

Two ways in: a session cookie set by the sign-in form, or an API token (``Authorization: Bearer <token>``, or
the raw token as ckanapi sends it).
A bearer request is judged by its token alone (any session cookie is ignored), and it is exempt from
CSRF only when it carries no session cookie: a browser never adds that header by itself, so such a
request cannot be forged cross-site, while a cookie session is always CSRF-checked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from ppid.accounts.config import AccountsConfig
from ppid.accounts.models import Role, User
from ppid.accounts.tokens import user_for_token
from ppid.web import db_session

SESSION_COOKIE = "ppid_sesi"
CONFIG_KEY = "ppid.accounts"


def install(app: Flask, config: AccountsConfig) -> None:
    """Session cookie settings, the client address behind proxies, and the CSRF check that knows bearer tokens."""
    app.extensions[CONFIG_KEY] = config
    if config.trusted_proxy_hops:
        hops = config.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        PERMANENT_SESSION_LIFETIME=config.session_lifetime,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below instead
    )

    @app.before_request
    def protect_cookie_sessions() -> None:
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if bearer_token() is not None and SESSION_COOKIE not in request.cookies:
            return
        app.extensions["csrf"].protect(apply_exemptions=True)

    @app.context_processor
    def signed_in_user() -> dict[str, Any]:
        return {"current_user": current_user}


def accounts_config() -> AccountsConfig:
    return current_app.extensions[CONFIG_KEY]


def bearer_token() -> str | None:
    """The API token the request carries, in any form CKAN accepts: ``Authorization: Bearer <token>``,
    ``Authorization: <token>`` (what ckanapi sends) or ``X-CKAN-API-Key: <token>``."""
    header = request.headers.get("Authorization", "").strip()
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if header and not value:
        return header
    return request.headers.get("X-CKAN-API-Key", "").strip() or None


def bearer_user() -> User | None:
    """The owner of the request's API token, if any: for views that must never honour a cookie."""
    token = bearer_token()
    return user_for_token(db_session(), token) if token else None


def current_user() -> User | None:
    if "current_user" not in g:
        g.current_user = bearer_user() if bearer_token() is not None else _session_user()
    return g.current_user


def _session_user() -> User | None:
    user_id = session.get("user_id")
    user = db_session().get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or session.get("epoch") != user.session_epoch:
        return None
    return user


def sign_in(user: User) -> None:
    """A fresh session (a new cookie and CSRF token) bound to the account's current session epoch."""
    session.clear()
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session.permanent = True
    g.current_user = user


def sign_out() -> None:
    session.clear()
    g.current_user = None


def login_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a signed-in user holding one of ``roles`` (any role when none are named)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if bearer_token() is not None:
                    abort(401)
                return redirect(url_for("admin.login", next=request.full_path))
            if roles and not any(grant.role in roles for grant in user.grants):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]  # read by the authorization matrix test
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
