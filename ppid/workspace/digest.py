"""The daily digest (``ppid mail digest``, or :func:`digest_job` on a scheduler): one e-mail a day for each officer
who chose it on their account page, instead of one e-mail per notice.

It says what the workspace says (:func:`ppid.workspace.service.what_needs`) plus the notices received and the
requests that arrived since the previous digest (the day before, for the first): an officer on the digest gets no
e-mail per request or reminder either, only the dinas's PPID mailbox does. Sending is recorded per officer and
local day (``workspace_digest``) in the same transaction as the e-mail's outbox row, so running the command twice a
day sends nothing twice. Like the deadline reminders, nothing is sent on non-working days: the notices wait for the
next working day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ppid.accounts.models import User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import write_outbox
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.holiday_table import cached_calendar
from ppid.platform import Platform
from ppid.uploader import notices
from ppid.uploader.models import Notice
from ppid.workspace.models import DigestSent
from ppid.workspace.service import Link, Workspace, requests_arrived, what_needs

log = logging.getLogger(__name__)
CATEGORY = "petugas.ringkasan"
WORKSPACE_PATH = "/petugas/"
FIRST_DIGEST_LOOKS_BACK = timedelta(days=1)


def digest_job() -> int:
    """Entry point for a scheduler (rq-scheduler, cron through ``ppid worker``): same as the command."""
    from ppid.platform import job_platform

    return send_digests(job_platform())


def send_digests(platform: Platform, *, clock: Callable[[], datetime] = utcnow) -> int:
    """Send today's digest to every officer who chose it and has something waiting; returns how many were sent."""
    config = PermohonanConfig.from_settings(platform.settings)
    sent = 0
    with platform.database.session() as session:
        calendar = cached_calendar(session, config.calendar)
        today = calendar.local_date(clock())
        if not calendar.is_working_day(today):
            return 0
        officers = session.scalars(
            select(User).where(User.daily_digest.is_(True), User.is_active.is_(True)).order_by(User.id)
        ).all()
        for officer in officers:
            previous = session.scalar(select(func.max(DigestSent.sent_at)).where(DigestSent.user_id == officer.id))
            workspace = what_needs(session, platform, officer, clock=clock)
            received = notices.since(session, officer.id, previous)
            arrived = requests_arrived(session, officer, previous or clock() - FIRST_DIGEST_LOOKS_BACK)
            if not workspace.waiting and not received and not arrived:
                continue
            try:
                with session.begin_nested():  # another run today got there first: skip this officer
                    session.add(DigestSent(user_id=officer.id, day=today, sent_at=utcnow()))
            except IntegrityError:
                continue
            write_outbox(session, platform, to=officer.email, subject=_subject(workspace, received, arrived),
                         body=_body(workspace, received, arrived, platform.settings.public_url.rstrip("/")),
                         category=CATEGORY, reference=f"ringkasan-{officer.id}-{today.isoformat()}")
            sent += 1
    log.info("daily digests sent to %s officers", sent)
    return sent


def _subject(workspace: Workspace, received: list[Notice], arrived: list[Link]) -> str:
    if workspace.waiting:
        return _("Ringkasan harian: %(n)s hal menunggu Anda", n=workspace.waiting)
    if arrived:
        return _("Ringkasan harian: %(n)s permohonan masuk", n=len(arrived))
    return _("Ringkasan harian: %(n)s pemberitahuan baru", n=len(received))


def _body(workspace: Workspace, received: list[Notice], arrived: list[Link], public_url: str) -> str:
    lines = [_("Selamat pagi, %(name)s. Inilah yang menunggu Anda hari ini.", name=workspace.user.full_name), ""]
    for task in workspace.tasks:
        lines.append(f"{task.title}: {task.count}")
        lines.extend(f"  - {item.label}: {public_url}{item.path}" for item in task.items)
    if workspace.last_run is not None:
        run = workspace.last_run
        lines += ["", _("Pemanenan terakhir: %(status)s, %(n)s berkas bermasalah.", status=run.status, n=run.problems)]
    if arrived:
        lines += ["", _("Permohonan informasi yang masuk sejak ringkasan sebelumnya:")]
        lines.extend(f"  - {item.label}: {public_url}{item.path}" for item in arrived)
    if received:
        lines += ["", _("Pemberitahuan sejak ringkasan sebelumnya:")]
        lines.extend(f"  - {notice.message} {public_url}{notice.link}" for notice in received)
    lines += ["", _("Buka ruang kerja Anda: %(link)s", link=public_url + WORKSPACE_PATH),
              _("Anda menerima satu ringkasan sehari karena memilihnya di halaman akun; ubah pilihan itu di %(link)s.",
                link=public_url + "/akun/")]
    return "\n".join(lines) + "\n"

