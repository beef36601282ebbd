"""Password hashing with argon2 (argon2-cffi's recommended parameters) and the minimum password policy."""

from __future__ import annotations

import functools
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ppid.i18n import _

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")

_hasher = PasswordHasher()
_UNUSABLE = _hasher.hash("tidak-dipakai")
"""Verified against when there is no account, so that an unknown name costs as long as a wrong password."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verification_time(password: str) -> None:
    verify_password(_UNUSABLE, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, *, username: str = "", email: str = "") -> str | None:
    """Why ``password`` may not be used, in one sentence; None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords():
        return _("Kata sandi itu terlalu umum dan mudah ditebak; pilih yang lain.")
    names = {name.lower() for name in (username, email.partition("@")[0]) if len(name) >= 3}
    if any(name in lowered for name in names):
        return _("Kata sandi tidak boleh memuat nama pengguna atau alamat e-mail.")
    return None


@functools.cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
