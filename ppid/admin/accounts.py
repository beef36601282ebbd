"""Account pages: one's own account and API tokens, password reset by e-mail, and the administrators' user list.

Thin views over :mod:`ppid.accounts`; every change is recorded there as an account event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ppid.accounts import presenters
from ppid.accounts.auth import accounts_config, bearer_token, current_user, login_required, sign_out
from ppid.accounts.models import AccountEvent, ApiToken, Role, User
from ppid.accounts.reset import request_password_reset, user_for_reset_token
from ppid.accounts.service import (
    AccountError,
    create_user,
    grant_role,
    make_grant,
    revoke_role,
    set_active,
    set_password,
)
from ppid.accounts.tokens import create_token, revoke_token
from ppid.i18n import _
from ppid.web import db_session, platform

blueprint = Blueprint("accounts", __name__)


@blueprint.context_processor
def _words() -> dict[str, Any]:
    """The account log's particulars in words (:mod:`ppid.accounts.presenters`), never stored codes."""
    return {"words": presenters}


# -- one's own account and API tokens ---------------------------------------------------------------


@blueprint.get("/akun/")
@login_required()
def profile() -> str:
    return _profile_page()


@blueprint.post("/akun/token")
@login_required()
def new_token() -> ResponseReturnValue:
    """Create a token and show it once; only its hash is kept.

    Only a signed-in person may do this, not a token: a leaked token must not be able to mint another
    that would outlive its own revocation.
    """
    if bearer_token() is not None:
        abort(403, _("Token API baru hanya dapat dibuat setelah masuk dengan kata sandi."))
    session = db_session()
    try:
        token, secret = create_token(session, current_user(), request.form.get("nama", ""), ip=request.remote_addr)
    except AccountError as error:
        session.rollback()
        flash(str(error), "error")
        return _profile_page(), 422
    session.commit()
    response = _profile_page(new_secret=secret, new_token_id=token.id)
    return response, 201, {"Cache-Control": "no-store"}


@blueprint.post("/akun/token/<int:token_id>/cabut")
@login_required()
def revoke_own_token(token_id: int) -> ResponseReturnValue:
    user = current_user()
    token = db_session().get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    revoke_token(db_session(), token, actor=user, ip=request.remote_addr)
    db_session().commit()
    flash(_("Token %(name)s dicabut; skrip yang memakainya tidak dapat masuk lagi.", name=token.name), "ok")
    return redirect(url_for(".profile"), 303)


def _profile_page(**context: object) -> str:
    user = current_user()
    tokens = sorted(user.api_tokens, key=lambda token: token.id, reverse=True)
    return render_template("admin/akun/profil.html", user=user, tokens=tokens, dinas_names=_dinas_names(), **context)


# -- password reset ------------------------------------------------------------------------------


@blueprint.route("/lupa-sandi", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    """The same answer whether or not the address belongs to an account."""
    if request.method == "POST":
        email = request.form.get("email", "")
        if email.strip():
            request_password_reset(platform(), accounts_config(), email, ip=request.remote_addr, link_for=_reset_link)
        return render_template("admin/akun/lupa_sandi.html", sent=True)
    return render_template("admin/akun/lupa_sandi.html", sent=False)


@blueprint.route("/atur-sandi/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    session = db_session()
    user = user_for_reset_token(session, platform().settings.secret_key, token, accounts_config())
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    if user is None:
        return render_template("admin/akun/atur_sandi.html", invalid=True), 404, headers
    if request.method == "POST":
        password = request.form.get("password", "")
        try:
            if password != request.form.get("password_ulang", ""):
                raise AccountError(_("Kedua kata sandi tidak sama."))
            set_password(session, user, password, ip=request.remote_addr)
        except AccountError as error:
            session.rollback()
            return render_template("admin/akun/atur_sandi.html", invalid=False, error=str(error)), 422, headers
        session.commit()
        sign_out()
        flash(_("Kata sandi diganti. Silakan masuk dengan kata sandi baru."), "ok")
        return redirect(url_for("admin.login"), 303)
    return render_template("admin/akun/atur_sandi.html", invalid=False, error=None), 200, headers


def _reset_link(token: str) -> str:
    return platform().settings.public_url + url_for("accounts.reset_password", token=token)


# -- administrators: users and their roles -----------------------------------------------------------


@blueprint.get("/admin/akun/")
@login_required(Role.ADMIN)
def users() -> str:
    return _users_page()


@blueprint.post("/admin/akun/")
@login_required(Role.ADMIN)
def add_user() -> ResponseReturnValue:
    """Create an account without a password and mail its owner a link to choose one."""
    admin, session, form = _administrator(), db_session(), request.form
    try:
        grant = make_grant(form.get("peran", ""), form.get("dinas") or None, platform().registry)
        user = create_user(session, username=form.get("username", ""), email=form.get("email", ""),
                           full_name=form.get("nama", ""), password=None, grants=[grant], actor=admin)
    except AccountError as error:
        session.rollback()
        flash(str(error), "error")
        return _users_page(values=form), 422
    session.commit()
    request_password_reset(platform(), accounts_config(), user.email, ip=request.remote_addr,
                           link_for=_reset_link, welcome=True)
    flash(_("Akun %(username)s dibuat; tautan untuk memilih kata sandi dikirim ke %(email)s.",
            username=user.username, email=user.email), "ok")
    return redirect(url_for(".user_detail", user_id=user.id), 303)


@blueprint.get("/admin/akun/<int:user_id>")
@login_required(Role.ADMIN)
def user_detail(user_id: int) -> str:
    _administrator()
    return _user_page(_user(user_id))


@blueprint.post("/admin/akun/<int:user_id>/status")
@login_required(Role.ADMIN)
def change_status(user_id: int) -> ResponseReturnValue:
    return _change(user_id, lambda user, admin: set_active(db_session(), user, request.form.get("aktif") == "1",
                                                           actor=admin))


@blueprint.post("/admin/akun/<int:user_id>/peran")
@login_required(Role.ADMIN)
def add_role(user_id: int) -> ResponseReturnValue:
    def grant(user: User, admin: User) -> None:
        chosen = make_grant(request.form.get("peran", ""), request.form.get("dinas") or None, platform().registry)
        grant_role(db_session(), user, chosen, actor=admin)

    return _change(user_id, grant)


@blueprint.post("/admin/akun/<int:user_id>/peran/<int:grant_id>/cabut")
@login_required(Role.ADMIN)
def remove_role(user_id: int, grant_id: int) -> ResponseReturnValue:
    return _change(user_id, lambda user, admin: revoke_role(db_session(), user, grant_id, actor=admin))


def _change(user_id: int, change: Callable[[User, User], None]) -> ResponseReturnValue:
    """Apply an administrator's change to an account, or show why it cannot be made."""
    admin, user, session = _administrator(), _user(user_id), db_session()
    try:
        change(user, admin)
    except AccountError as error:
        session.rollback()
        flash(str(error), "error")
        return _user_page(_user(user_id)), 422
    session.commit()
    flash(_("Perubahan disimpan dan dicatat."), "ok")
    return redirect(url_for(".user_detail", user_id=user_id), 303)


def _administrator() -> User:
    """Accounts are managed by region-wide administrators only, not by one scoped to a dinas."""
    user = current_user()
    if not user.has_role(Role.ADMIN):
        abort(403)
    return user


def _user(user_id: int) -> User:
    return db_session().get(User, user_id) or abort(404)


def _users_page(values: object = None) -> str:
    _administrator()
    everyone = db_session().scalars(select(User).order_by(User.username)).all()
    return render_template("admin/akun/daftar.html", users=everyone, values=values or {}, roles=list(Role),
                           dinas_names=_dinas_names())


def _user_page(user: User) -> str:
    events = db_session().scalars(
        select(AccountEvent).where(AccountEvent.user_id == user.id).order_by(AccountEvent.id.desc()).limit(50)
    ).all()
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = dict(db_session().execute(select(User.id, User.username).where(User.id.in_(actor_ids))).all())
    return render_template("admin/akun/pengguna.html", user=user, events=events, actors=actors, roles=list(Role),
                           dinas_names=_dinas_names())


def _dinas_names() -> dict[str, str]:
    return {dinas.slug: dinas.name for dinas in platform().registry.dinas}
