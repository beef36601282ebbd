"""Accounts: a person may hold several roles, each scoped to one dinas or to the whole region."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppid.db import Base, UtcDateTime, utcnow
from ppid.i18n import _


class Role(enum.StrEnum):
    ADMIN = "admin"
    """Diskominfo / PPID Utama: manages accounts and the whole region."""
    WALIDATA = "walidata"
    """Reviews and approves what is published."""
    OFFICER = "petugas"
    """Dinas data officer / PPID Pelaksana: uploads and answers the requests of their dinas."""
    ATASAN = "atasan"
    """Atasan PPID: decides objections (keberatan)."""

    @property
    def label(self) -> str:
        labels = {
            "admin": _("Administrator (Diskominfo / PPID Utama)"),
            "walidata": _("Walidata"),
            "petugas": _("Petugas data / PPID Pelaksana"),
            "atasan": _("Atasan PPID"),
        }
        return labels[self.value]


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Part of every session of this account; raising it ends them all (sign-out, deactivation)."""
    daily_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """One e-mail a day (``ppid mail digest``) instead of one per notice: busy officers asked for it."""

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def has_role(self, role: Role, dinas_slug: str | None = None) -> bool:
        """True when a grant gives ``role`` region-wide or for ``dinas_slug``."""
        return any(
            grant.role == role and (grant.dinas_slug is None or grant.dinas_slug == dinas_slug) for grant in self.grants
        )


class RoleGrant(Base):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "dinas_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    dinas_slug: Mapped[str | None] = mapped_column(String(60), nullable=True)
    """None: the role applies to every dinas of the region."""

    user: Mapped[User] = relationship(back_populates="grants")


class ApiToken(Base):
    """A named token for scripts and machine uploads; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    """The first characters of the token, so that its owner can tell tokens apart."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="api_tokens")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountEventKind(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    ACCOUNT_LOCKED = "account_locked"
    ADDRESS_LOCKED = "address_locked"
    LOGOUT = "logout"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_CHANGED = "password_changed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    USER_CREATED = "user_created"
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"

    @property
    def label(self) -> str:
        labels = {
            "login": _("Masuk"),
            "login_failed": _("Gagal masuk"),
            "account_locked": _("Akun dikunci sementara"),
            "address_locked": _("Alamat dikunci sementara"),
            "logout": _("Keluar dari semua sesi"),
            "password_reset_requested": _("Tautan atur ulang kata sandi dikirim"),
            "password_changed": _("Kata sandi diganti"),
            "token_created": _("Token API dibuat"),
            "token_revoked": _("Token API dicabut"),
            "user_created": _("Akun dibuat"),
            "user_deactivated": _("Akun dinonaktifkan"),
            "user_reactivated": _("Akun diaktifkan kembali"),
            "role_granted": _("Peran diberikan"),
            "role_revoked": _("Peran dicabut"),
        }
        return labels[self.value]


class AccountEvent(Base):
    """What happened to accounts and who did it: sign-ins, failures, lockouts, tokens, grants.

    Never a password or a token; for a failed sign-in under an unknown name, not even that name
    (people type their password into the name field), only the address it came from.
    """

    __tablename__ = "account_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    kind: Mapped[AccountEventKind] = mapped_column(
        Enum(AccountEventKind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    """The account the event is about."""
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True)
    """Who did it, when that is someone else (an administrator)."""
    ip_address: Mapped[str | None] = mapped_column(String(45), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
