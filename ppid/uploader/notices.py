"""Telling an officer what happened to their draft: a notice on their desk and an e-mail.

The e-mail leaves through :func:`ppid.mail.send_after_commit`, so a review step that rolls back
announces nothing, and every message is on the delivery log before it is sent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import send_after_commit
from ppid.platform import job_platform
from ppid.uploader.models import Draft, Notice


def notify(session: Session, draft: Draft, user_id: int | None, message: str) -> Notice | None:
    if user_id is None:
        return None
    notice = Notice(user_id=user_id, draft_id=draft.id, message=message)
    session.add(notice)
    session.flush()
    officer = session.get(User, user_id)
    if officer is not None and officer.email:
        platform = job_platform()
        link = f"{platform.settings.public_url}/unggah/draf/{draft.id}"
        send_after_commit(session, platform, to=officer.email, subject=_("Draf dataset: %(title)s", title=draft.title),
                          body=f"{message}\n\n{link}\n", category="unggahan.tinjauan", reference=f"draf-{draft.id}")
    return notice


def unread(session: Session, user_id: int) -> list[Notice]:
    return list(session.scalars(
        select(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None)).order_by(Notice.id.desc())
    ))


def mark_read(session: Session, user_id: int, notice_id: int) -> None:
    notice = session.get(Notice, notice_id)
    if notice is not None and notice.user_id == user_id and notice.read_at is None:
        notice.read_at = utcnow()
