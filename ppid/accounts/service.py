"""Creating accounts and checking passwords: the rules, with no Flask in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ppid.accounts.models import Role, RoleGrant, User
from ppid.accounts.passwords import hash_password, needs_rehash, verify_password
from ppid.db import utcnow
from ppid.i18n import _
from ppid.registry import Registry

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


class AccountError(Exception):
    """A request about an account that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Grant:
    role: Role
    dinas_slug: str | None = None


def parse_role(text: str, registry: Registry) -> Grant:
    """Read ``ROLE`` or ``ROLE:DINAS`` as typed on the command line."""
    role_name, _sep, dinas_slug = text.partition(":")
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


def create_user(
    session: Session, *, username: str, email: str, full_name: str, password: str, grants: list[Grant]
) -> User:
    username = username.strip().lower()
    email = email.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(_("Nama pengguna hanya boleh huruf kecil, angka, titik, garis bawah dan tanda hubung."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH))
    taken = session.scalar(select(User).where(or_(User.username == username, User.email == email)))
    if taken is not None:
        raise AccountError(_("Nama pengguna atau e-mail itu sudah dipakai akun lain."))
    user = User(username=username, email=email, full_name=full_name.strip(), password_hash=hash_password(password))
    user.grants = [RoleGrant(role=grant.role, dinas_slug=grant.dinas_slug) for grant in grants]
    session.add(user)
    session.flush()
    return user


MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def authenticate(session: Session, username: str, password: str) -> User:
    """Return the user for valid credentials; count failures and lock the account after too many."""
    user = session.scalar(
        select(User).where(or_(User.username == username.strip().lower(), User.email == username.strip().lower()))
    )
    now = utcnow()
    if user is None or not user.is_active:
        raise AccountError(_("Nama pengguna atau kata sandi salah."))
    if user.locked_until is not None and user.locked_until > now:
        raise AccountError(
            _(
                "Akun dikunci sementara karena terlalu banyak percobaan; coba lagi setelah %(time)s UTC.",
                time=user.locked_until.strftime("%H:%M"),
            )
        )
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        raise AccountError(_("Nama pengguna atau kata sandi salah."))
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
