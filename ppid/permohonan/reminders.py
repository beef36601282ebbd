"""Deadline reminders for officers (``ppid permohonan reminders``, or :func:`reminders_job` on a scheduler).

A request is reminded about when its written notice (UU KIP Pasal 22(7)-(8)) is due within
``permohonan.reminders.working_days_before`` working days or is overdue, and an objection when the atasan
PPID's answer (Pasal 36(2)) is. "Overdue" comes from the calendar on every run, never from a stored flag.
What is stored is only that a request was reminded on a day (``permohonan_pengingat``), so running the
command again the same day sends nothing twice. Nothing is sent on non-working days.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ppid.accounts.models import Role
from ppid.db import utcnow
from ppid.i18n import _
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.models import Permohonan, Reminder
from ppid.permohonan.notices import OFFICER_PATH, Notice, officer_addresses, queue_after_commit
from ppid.permohonan.status import Status
from ppid.permohonan.workflow import Workflow
from ppid.platform import Platform

log = logging.getLogger(__name__)
CATEGORY = "permohonan.pengingat"


def reminders_job() -> int:
    """Entry point for a scheduler (rq-scheduler, cron through ``ppid worker``): same as the command."""
    from ppid.platform import job_platform

    return send_reminders(job_platform())


def send_reminders(platform: Platform, *, clock: Callable[[], datetime] = utcnow) -> int:
    """Remind the officers of every request that needs it today; returns how many requests were reminded."""
    config = PermohonanConfig.from_settings(platform.settings)
    reminded = 0
    with platform.database.session() as session:
        workflow = Workflow(session, config, platform.registry, clock=clock)
        today = workflow.today()
        if not workflow.calendar.is_working_day(today):
            return 0
        already = set(session.scalars(select(Reminder.permohonan_id).where(Reminder.day == today)))
        public_url = platform.settings.public_url.rstrip("/")
        for permohonan, status in workflow.queue(None):
            if permohonan.id in already:
                continue
            lines, roles = _what_is_due(status, config.reminder_working_days, workflow)
            if not lines:
                continue
            try:
                with session.begin_nested():  # another run on the same day got there first: skip it
                    session.add(Reminder(permohonan_id=permohonan.id, day=today))
            except IntegrityError:
                continue
            notices = _notices(workflow, permohonan, status, lines, roles, public_url)
            queue_after_commit(session, platform, notices)
            reminded += 1
    log.info("deadline reminders sent for %s requests", reminded)
    return reminded


def _what_is_due(status: Status, within: int, workflow: Workflow) -> tuple[list[str], tuple[Role, ...]]:
    lines: list[str] = []
    roles: tuple[Role, ...] = ()
    if status.notice_owed and status.working_days_left is not None and status.working_days_left <= within:
        due = format_day(status.due, weekday=True)
        if status.overdue:
            lines.append(_("LEWAT WAKTU: pemberitahuan tertulis seharusnya dikirim paling lambat %(date)s "
                           "(UU 14/2008 Pasal 22 ayat (7)); pemohon kini dapat mengajukan keberatan.", date=due))
        else:
            lines.append(_("Pemberitahuan tertulis wajib dikirim paling lambat %(date)s, %(n)s hari kerja lagi "
                           "(UU 14/2008 Pasal 22 ayat (7)).", date=due, n=status.working_days_left))
        roles += (Role.OFFICER,)
    objection = status.objection
    if objection is not None and objection.decided_on is None:
        left = workflow.calendar.working_days_between(status.today, objection.answer_due)
        if left <= within:
            due = format_day(objection.answer_due, weekday=True)
            lines.append(_("LEWAT WAKTU: tanggapan atasan PPID atas keberatan %(number)s seharusnya paling lambat "
                           "%(date)s (Pasal 36 ayat (2)).", number=objection.keberatan.number, date=due)
                         if objection.overdue else
                         _("Tanggapan atasan PPID atas keberatan %(number)s paling lambat %(date)s, %(n)s hari kerja "
                           "lagi (Pasal 36 ayat (2)).", number=objection.keberatan.number, date=due, n=left))
            roles += (Role.ATASAN,)
    return lines, roles


def _notices(workflow: Workflow, permohonan: Permohonan, status: Status, lines: list[str], roles: tuple[Role, ...],
             public_url: str) -> list[Notice]:
    late = status.overdue or (status.objection is not None and status.objection.overdue)
    subject = (_("LEWAT WAKTU: permohonan %(number)s", number=permohonan.number) if late
               else _("Pengingat batas waktu: permohonan %(number)s", number=permohonan.number))
    body = "\n".join([
        _("Permohonan informasi nomor %(number)s, ditangani %(who)s.", number=permohonan.number,
          who=workflow.handler_name(status.dinas_slug)),
        "", *lines, "",
        _("Buka permohonan di meja petugas: %(link)s", link=public_url + OFFICER_PATH.format(id=permohonan.id)),
        _("Pengingat ini dikirim paling banyak sekali sehari untuk setiap permohonan."),
    ])
    addresses = officer_addresses(workflow.session, workflow, status.dinas_slug, roles)
    return [Notice(address, subject, body, CATEGORY, permohonan.number) for address in addresses]
