"""Password reset by e-mail: a signed, time-limited link that dies once the password changes.

The link carries the account id and a fingerprint of the current password hash, signed with the
secret key (itsdangerous). Setting a new password changes the hash, so a link works exactly once and
every older link dies with it; nothing needs to be stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.config import AccountsConfig
from ppid.accounts.models import AccountEvent, AccountEventKind, User
from ppid.accounts.service import record
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import send_mail
from ppid.platform import Platform

SALT = "ppid-password-reset"
MAIL_CATEGORY = "password-reset"
RESEND_AFTER = timedelta(minutes=5)
"""At most one reset mail per account in this time, so the form cannot flood someone's mailbox."""


def make_reset_token(secret_key: str, user: User) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps({"u": user.id, "p": _fingerprint(user)})


def user_for_reset_token(session: Session, secret_key: str, token: str, config: AccountsConfig) -> User | None:
    """The account a link was made for, while it is fresh and unused; None otherwise."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=SALT).loads(
            token, max_age=int(config.reset_link_lifetime.total_seconds())
        )
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = session.get(User, data["u"])
    if user is None or not user.is_active or data.get("p") != _fingerprint(user):
        return None
    return user


def request_password_reset(
    platform: Platform, config: AccountsConfig, email: str, *, ip: str | None, link_for: Callable[[str], str],
    welcome: bool = False,
) -> None:
    """Mail a reset link when an active account has this address; silently nothing otherwise."""
    address = email.strip().lower()
    with platform.database.session() as session:
        user = session.scalar(select(User).where(User.email == address, User.is_active.is_(True)))
        if user is None or (not welcome and _mailed_recently(session, user)):
            return
        record(session, AccountEventKind.PASSWORD_RESET_REQUESTED, user=user, ip=ip, welcome=welcome)
        link = link_for(make_reset_token(platform.settings.secret_key, user))
        recipient, username, user_id = user.email, user.username, user.id
    if welcome:
        subject = _("Akun petugas PPID Anda telah dibuat")
        opening = _("Akun petugas PPID dengan nama pengguna %(username)s telah dibuat untuk Anda.", username=username)
    else:
        subject = _("Atur ulang kata sandi PPID")
        opening = _("Ada permintaan untuk mengatur ulang kata sandi akun %(username)s.", username=username)
    body = "\n\n".join([
        opening,
        _("Buka tautan ini untuk memilih kata sandi (berlaku %(minutes)s menit, sekali pakai):",
          minutes=config.reset_link_minutes) + "\n" + link,
        _("Jika Anda tidak memintanya, abaikan e-mail ini; kata sandi Anda tidak berubah."),
    ])
    send_mail(platform, to=recipient, subject=subject, body=body, category=MAIL_CATEGORY, reference=f"akun:{user_id}")


def _mailed_recently(session: Session, user: User) -> bool:
    return session.scalar(
        select(AccountEvent.id).where(
            AccountEvent.kind == AccountEventKind.PASSWORD_RESET_REQUESTED,
            AccountEvent.user_id == user.id,
            AccountEvent.created_at > utcnow() - RESEND_AFTER,
        ).limit(1)
    ) is not None


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
