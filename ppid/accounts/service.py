"""Accounts: creating them, checking passwords with lockout, and what administrators change; no Flask here.

Every change and every failed or refused sign-in is recorded as an :class:`AccountEvent`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ppid.accounts.config import AccountsConfig
from ppid.accounts.models import AccountEvent, AccountEventKind, Role, RoleGrant, User
from ppid.accounts.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from ppid.db import utcnow
from ppid.i18n import _
from ppid.registry import Registry

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Grant:
    role: Role
    dinas_slug: str | None = None


def parse_role(text: str, registry: Registry) -> Grant:
    """Read ``ROLE`` or ``ROLE:DINAS`` as typed on the command line."""
    role_name, _sep, dinas_slug = text.partition(":")
    return make_grant(role_name, dinas_slug or None, registry)


def make_grant(role_name: str, dinas_slug: str | None, registry: Registry) -> Grant:
    try:
        role = Role(role_name)
    except ValueError as error:
        choices = ", ".join(member.value for member in Role)
        raise AccountError(
            _("Peran %(role)r tidak dikenal; pilih: %(choices)s.", role=role_name, choices=choices)
        ) from error
    if dinas_slug and registry.get(dinas_slug) is None:
        raise AccountError(_("Dinas %(slug)r tidak ada di registri dinas.", slug=dinas_slug))
    if role == Role.OFFICER and not dinas_slug:
        raise AccountError(_("Peran petugas harus menyebut dinasnya, misalnya petugas:dinkes."))
    return Grant(role, dinas_slug or None)


def record(
    session: Session,
    kind: AccountEventKind,
    *,
    user: User | None = None,
    actor: User | None = None,
    ip: str | None = None,
    **detail: Any,
) -> None:
    """Add one event to the account log (committed with the caller's session)."""
    session.add(
        AccountEvent(
            kind=kind,
            user_id=user.id if user is not None else None,
            actor_id=actor.id if actor is not None else None,
            ip_address=ip,
            detail=detail,
        )
    )


def create_user(
    session: Session,
    *,
    username: str,
    email: str,
    full_name: str,
    password: str | None,
    grants: list[Grant],
    actor: User | None = None,
) -> User:
    """Create an account; without ``password`` nobody can sign in until a reset link is used."""
    username = username.strip().lower()
    email = email.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(_("Nama pengguna hanya boleh huruf kecil, angka, titik, garis bawah dan tanda hubung."))
    if not EMAIL.match(email):
        raise AccountError(_("Alamat e-mail tidak sah; contoh: nama@dinas.go.id."))
    if not full_name.strip():
        raise AccountError(_("Nama lengkap wajib diisi."))
    if password is not None:
        problem = password_problem(password, username=username, email=email)
        if problem:
            raise AccountError(problem)
    taken = session.scalar(select(User).where(or_(User.username == username, User.email == email)))
    if taken is not None:
        raise AccountError(_("Nama pengguna atau e-mail itu sudah dipakai akun lain."))
    user = User(
        username=username,
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(password if password is not None else secrets.token_urlsafe(32)),
    )
    user.grants = [RoleGrant(role=grant.role, dinas_slug=grant.dinas_slug) for grant in grants]
    session.add(user)
    session.flush()
    record(session, AccountEventKind.USER_CREATED, user=user, actor=actor,
           grants=[_grant_label(grant) for grant in user.grants])
    return user


def sign_in_refused_message(config: AccountsConfig) -> str:
    """The one answer to every refused sign-in: it never tells whether the account exists or is locked."""
    return _(
        "Nama pengguna atau kata sandi salah, atau akun dikunci sementara karena terlalu banyak percobaan. "
        "Coba lagi dalam %(minutes)s menit, atau atur ulang kata sandi.",
        minutes=config.lockout_minutes,
    )


def authenticate(session: Session, username: str, password: str, *, ip: str | None, config: AccountsConfig) -> User:
    """Return the user for valid credentials, or raise :class:`AccountError` with the one refusal message.

    An account is locked after ``failures_before_lockout`` wrong passwords in a row, and an address after
    ``address_failures_before_lockout`` failures within the lockout period, both for ``lockout_minutes``.
    """
    now = utcnow()
    name = username.strip().lower()
    user = session.scalar(select(User).where(or_(User.username == name, User.email == name))) if name else None
    if ip is not None and _failures_from(session, ip, now, config) >= config.address_failures_before_lockout:
        reason = "address_locked"
    elif user is None:
        reason = "unknown_account"
    elif not user.is_active:
        reason = "inactive"
    elif user.locked_until is not None and user.locked_until > now:
        reason = "account_locked"
    elif not verify_password(user.password_hash, password):
        reason = "wrong_password"
    else:
        user.failed_logins = 0
        user.locked_until = None
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        record(session, AccountEventKind.LOGIN, user=user, ip=ip)
        return user
    if reason != "wrong_password":
        burn_verification_time(password)  # every refusal takes as long as a wrong password
    _refuse(session, user, reason, ip=ip, now=now, config=config)
    raise AccountError(sign_in_refused_message(config))


def _refuse(
    session: Session, user: User | None, reason: str, *, ip: str | None, now: datetime, config: AccountsConfig
) -> None:
    record(session, AccountEventKind.LOGIN_FAILED, user=user, ip=ip, reason=reason)
    if reason == "wrong_password" and user is not None:
        user.failed_logins += 1
        if user.failed_logins >= config.failures_before_lockout:
            user.locked_until = now + config.lockout
            user.failed_logins = 0
            record(session, AccountEventKind.ACCOUNT_LOCKED, user=user, ip=ip, minutes=config.lockout_minutes)
    if ip is not None and reason != "address_locked":
        session.flush()
        if _failures_from(session, ip, now, config) == config.address_failures_before_lockout:
            record(session, AccountEventKind.ADDRESS_LOCKED, ip=ip, minutes=config.lockout_minutes)


def _failures_from(session: Session, ip: str, now: datetime, config: AccountsConfig) -> int:
    return session.scalar(
        select(func.count(AccountEvent.id)).where(
            AccountEvent.kind == AccountEventKind.LOGIN_FAILED,
            AccountEvent.ip_address == ip,
            AccountEvent.created_at > now - config.lockout,
        )
    ) or 0


def set_password(session: Session, user: User, password: str, *, ip: str | None = None) -> None:
    """Change the password under the policy; every session and reset link of the account ends with it."""
    problem = password_problem(password, username=user.username, email=user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.session_epoch += 1
    record(session, AccountEventKind.PASSWORD_CHANGED, user=user, ip=ip)


def end_sessions(session: Session, user: User, *, ip: str | None = None) -> None:
    """Sign the account out everywhere (signed cookie sessions cannot be revoked one by one)."""
    user.session_epoch += 1
    record(session, AccountEventKind.LOGOUT, user=user, ip=ip)


def set_active(session: Session, user: User, active: bool, *, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AccountError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.is_active == active:
        return
    user.is_active = active
    user.session_epoch += 1
    kind = AccountEventKind.USER_REACTIVATED if active else AccountEventKind.USER_DEACTIVATED
    record(session, kind, user=user, actor=actor)


def grant_role(session: Session, user: User, grant: Grant, *, actor: User) -> None:
    if any(existing.role == grant.role and existing.dinas_slug == grant.dinas_slug for existing in user.grants):
        raise AccountError(_("Akun itu sudah memegang peran tersebut."))
    added = RoleGrant(role=grant.role, dinas_slug=grant.dinas_slug)
    user.grants.append(added)
    record(session, AccountEventKind.ROLE_GRANTED, user=user, actor=actor, grant=_grant_label(added))


def revoke_role(session: Session, user: User, grant_id: int, *, actor: User) -> None:
    grant = next((grant for grant in user.grants if grant.id == grant_id), None)
    if grant is None:
        raise AccountError(_("Peran itu tidak ada pada akun ini."))
    if user.id == actor.id and grant.role == Role.ADMIN and grant.dinas_slug is None:
        raise AccountError(_("Anda tidak dapat mencabut peran administrator dari akun Anda sendiri."))
    user.grants.remove(grant)
    record(session, AccountEventKind.ROLE_REVOKED, user=user, actor=actor, grant=_grant_label(grant))


def _grant_label(grant: RoleGrant | Grant) -> str:
    return f"{grant.role.value}:{grant.dinas_slug}" if grant.dinas_slug else grant.role.value


def set_daily_digest(user: User, daily: bool) -> None:
    """One digest e-mail a day (True) or one e-mail per notice (False); the notices on the desk stay the same."""
    user.daily_digest = daily
