"""API tokens for scripts and machine uploads: shown once, kept as a SHA-256, revocable.

A token carries its owner's roles and dinas scope; it is 32 random bytes, so a plain SHA-256 is
enough to keep it safe at rest (there is nothing to guess, unlike a password).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import AccountEventKind, ApiToken, User
from ppid.accounts.service import AccountError, record
from ppid.db import utcnow
from ppid.i18n import _

TOKEN_PREFIX = "ppid_"
LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often, so a busy script does not write on every call."""


def create_token(session: Session, user: User, name: str, *, ip: str | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the record and the secret, which is never shown again."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise AccountError(_("Beri token nama yang menjelaskan pemakaiannya (paling banyak 100 karakter)."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(secret), prefix=secret[: len(TOKEN_PREFIX) + 6])
    session.add(token)
    session.flush()
    record(session, AccountEventKind.TOKEN_CREATED, user=user, ip=ip, token_id=token.id, name=name)
    return token, secret


def revoke_token(session: Session, token: ApiToken, *, actor: User, ip: str | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, AccountEventKind.TOKEN_REVOKED, user=token.user, actor=actor, ip=ip, token_id=token.id)


def user_for_token(session: Session, secret: str) -> User | None:
    """The active owner of a live token, noting when it was used; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        session.commit()
    return token.user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
