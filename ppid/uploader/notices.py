"""Telling an officer what happened to their draft: a notice on their desk, and (once wired) an e-mail.

E-mail is sent by the platform's mail module, written elsewhere; the lead connects it by assigning
:data:`email_hook`. Until then notices are in-app only.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.db import utcnow
from ppid.uploader.models import Draft, Notice

email_hook: Callable[[Session, Notice], None] | None = None
"""Called with every new notice, inside its transaction: the ONE place to plug in e-mail delivery."""


def notify(session: Session, draft: Draft, user_id: int | None, message: str) -> Notice | None:
    if user_id is None:
        return None
    notice = Notice(user_id=user_id, draft_id=draft.id, message=message)
    session.add(notice)
    session.flush()
    if email_hook is not None:
        email_hook(session, notice)
    return notice


def unread(session: Session, user_id: int) -> list[Notice]:
    return list(session.scalars(
        select(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None)).order_by(Notice.id.desc())
    ))


def mark_read(session: Session, user_id: int, notice_id: int) -> None:
    notice = session.get(Notice, notice_id)
    if notice is not None and notice.user_id == user_id and notice.read_at is None:
        notice.read_at = utcnow()
