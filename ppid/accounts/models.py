"""Accounts: a person may hold several roles, each scoped to one dinas or to the whole region."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppid.db import Base, UtcDateTime, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    """Diskominfo / PPID Utama: manages accounts and the whole region."""
    WALIDATA = "walidata"
    """Reviews and approves what is published."""
    OFFICER = "petugas"
    """Dinas data officer / PPID Pelaksana: uploads and answers the requests of their dinas."""
    ATASAN = "atasan"
    """Atasan PPID: decides objections (keberatan)."""


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

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")

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
