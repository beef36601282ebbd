"""What the workspace remembers: the day each officer's digest went out, so it never goes out twice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ppid.db import Base, UtcDateTime, utcnow


class DigestSent(Base):
    """One officer's daily digest on one local day; the unique row stops a second run from sending it again."""

    __tablename__ = "workspace_digest"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
