"""Telling officers what happened to a draft, both ways: the walidata when a draft is submitted, the
officer when it is sent back or published. Each gets a notice on their desk and an e-mail.

The e-mail leaves through :func:`ppid.mail.send_after_commit`, so a review step that rolls back
announces nothing, and every message is on the delivery log before it is sent. An officer who chose the
daily digest gets the notice only: ``ppid mail digest`` e-mails it with the rest of the day's work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ppid.accounts.models import Role, RoleGrant, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import send_after_commit
from ppid.platform import job_platform
from ppid.uploader.models import Draft, Notice

REVIEW_CATEGORY = "unggahan.tinjauan"
SUBMITTED_CATEGORY = "unggahan.diajukan"


def notify(session: Session, draft: Draft, user_id: int | None, message: str, *,
           category: str = REVIEW_CATEGORY) -> Notice | None:
    """A notice on ``user_id``'s desk, and an e-mail unless they chose the daily digest."""
    if user_id is None:
        return None
    notice = Notice(user_id=user_id, draft_id=draft.id, message=message)
    session.add(notice)
    session.flush()
    officer = session.get(User, user_id)
    if officer is not None and officer.email and not officer.daily_digest:
        platform = job_platform()
        link = f"{platform.settings.public_url}/unggah/draf/{draft.id}"
        send_after_commit(session, platform, to=officer.email, subject=_("Draf dataset: %(title)s", title=draft.title),
                          body=f"{message}\n\n{link}\n", category=category, reference=f"draf-{draft.id}")
    return notice


def notify_reviewers(session: Session, draft: Draft, submitter: User, *, resubmitted: bool) -> list[Notice]:
    """Tell every active walidata of the draft's dinas, and the region-wide walidata, that it awaits them."""
    reviewers = session.scalars(
        select(User).join(RoleGrant).where(
            RoleGrant.role == Role.WALIDATA,
            or_(RoleGrant.dinas_slug.is_(None), RoleGrant.dinas_slug == draft.dinas_slug),
            User.is_active.is_(True),
            User.id != submitter.id,
        ).distinct().order_by(User.id)
    ).all()
    dinas = job_platform().registry.get(draft.dinas_slug)
    values = {"title": draft.title, "dinas": dinas.name if dinas else draft.dinas_slug, "name": submitter.full_name}
    message = (_("Draf “%(title)s” dari %(dinas)s diajukan ulang oleh %(name)s setelah diperbaiki dan menunggu "
                 "tinjauan Anda.", **values) if resubmitted else
               _("Draf “%(title)s” dari %(dinas)s diajukan oleh %(name)s dan menunggu tinjauan Anda.", **values))
    return [notify(session, draft, reviewer.id, message, category=SUBMITTED_CATEGORY) for reviewer in reviewers]


def unread(session: Session, user_id: int) -> list[Notice]:
    return list(session.scalars(
        select(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None)).order_by(Notice.id.desc())
    ))


def since(session: Session, user_id: int, moment: datetime | None) -> list[Notice]:
    """The notices an officer got after ``moment`` (their last digest), read or not; before a first digest, the
    unread ones (the others were e-mailed one by one, before the officer chose the digest). Oldest first."""
    if moment is None:
        return unread(session, user_id)[::-1]
    return list(session.scalars(
        select(Notice).where(Notice.user_id == user_id, Notice.created_at > moment).order_by(Notice.id)
    ))


def mark_read(session: Session, user_id: int, notice_id: int) -> None:
    notice = session.get(Notice, notice_id)
    if notice is not None and notice.user_id == user_id and notice.read_at is None:
        notice.read_at = utcnow()
