"""E-mail on every step of a request: to the requester, and to the PPID officers of the dinas that handles it.

Messages are composed while the step is recorded (from the same data) and written to the e-mail outbox
(:func:`ppid.mail.write_outbox_rows`) in the step's own transaction: a step that commits has its messages on
record, a step that rolls back has none, and they leave only after the commit, so none is lost when SMTP
is down.
Each message's ``reference`` is the request's registration number, so the officer page can show the
delivery log of one request. Officers get no personal data of the requester by e-mail, only a link.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, selectinload

from ppid.accounts.models import Role, RoleGrant, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import MailDelivery, write_outbox_rows
from ppid.permohonan.access import LINK_VALID_DAYS
from ppid.permohonan.deadlines import COURT_FILING_DAYS, format_day
from ppid.permohonan.models import EventKind, Outcome, Permohonan, PermohonanEvent, Requester
from ppid.permohonan.numbering import DRAFT_ID, DRAFT_NUMBER
from ppid.permohonan.presenters import Desk, computation_text, deadline_computation, describe
from ppid.permohonan.status import DisputeStatus, Status

if TYPE_CHECKING:
    from ppid.platform import Platform

TRACKING_PATH = "/permohonan/lacak/{token}"
TRACKING_FORM_PATH = "/permohonan/lacak"
OFFICER_PATH = "/permohonan/petugas/{id}"
LINK_CATEGORY = "permohonan.tautan_lacak"
LINK_RESEND_MINUTES = 10
OFFICER_EVENTS = {EventKind.RECEIVED: (Role.OFFICER,), EventKind.FORWARDED: (Role.OFFICER,),
                  EventKind.OBJECTION_FILED: (Role.ATASAN,), EventKind.DISPUTE_FILED: (Role.OFFICER, Role.ATASAN)}
"""Steps that put a request on someone's desk: the dinas's PPID officers, or its atasan PPID for an objection; a
dispute at the Komisi Informasi concerns both (they answer it there). A dispute recorded by an officer from the
KI's letter tells no one: the dinas already has the letter."""


@dataclass(frozen=True)
class Notice:
    to: str
    subject: str
    body: str
    category: str
    reference: str

    def filled(self, *, number: str, permohonan_id: int) -> Notice:
        """This draft with the request's number and id in place of :data:`DRAFT_NUMBER` and :data:`DRAFT_ID`."""
        def fill(text: str) -> str:
            return text.replace(DRAFT_NUMBER, number).replace(DRAFT_ID, str(permohonan_id))
        return Notice(self.to, fill(self.subject), fill(self.body), self.category, fill(self.reference))


class Notices:
    """Composes the messages of a step and writes them to the outbox in the step's transaction."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.public_url = platform.settings.public_url.rstrip("/")
        self._addresses: dict[tuple[str | None, tuple[Role, ...]], list[str]] = {}

    def _officer_addresses(self, workflow: Desk, dinas_slug: str | None, roles: tuple[Role, ...]) -> list[str]:
        key = (dinas_slug, roles)
        if key not in self._addresses:
            self._addresses[key] = officer_addresses(workflow.session, workflow, dinas_slug, roles)
        return self._addresses[key]

    def step_recorded(self, workflow: Desk, permohonan: Permohonan, step: PermohonanEvent) -> None:
        """Write the messages announcing ``step`` of a stored request to the outbox."""
        self.write(workflow.session, self.draft(workflow, permohonan, workflow.session.get(Requester, permohonan.id),
                                                step, token=None, status=workflow.status(permohonan)))

    def draft(self, workflow: Desk, permohonan: Permohonan, requester: Requester | None, step: PermohonanEvent, *,
              token: str | None, status: Status) -> list[Notice]:
        """The messages announcing ``step``, composed from the request's ``status`` after it; ``token`` is the
        tracking link's secret, known only at filing. A filing drafts them before it has its number and id
        (``permohonan.number`` is :data:`DRAFT_NUMBER`, its id unset), because from the number to the commit every
        other filing waits (issue 17); :meth:`Notice.filled` then puts in the number and id."""
        return [*self._to_requester(workflow, permohonan, requester, step, token, status),
                *self._to_officers(workflow, permohonan, step, status)]

    def write(self, session: Session, notices: Iterable[Notice]) -> None:
        """``notices`` as outbox rows of ``session``'s transaction (:func:`queue_after_commit`)."""
        queue_after_commit(session, self.platform, notices)

    # -- the requester ---------------------------------------------------------------------------

    def _to_requester(self, workflow: Desk, permohonan: Permohonan, requester: Requester | None,
                      step: PermohonanEvent, token: str | None, status: Status) -> list[Notice]:
        if requester is None or not requester.email:
            return []
        described = describe(step, workflow)
        lines = [_("Yth. %(name)s,", name=requester.full_name), ""]
        if step.kind == EventKind.RECEIVED:
            subject = _("Permohonan informasi Anda diterima: %(number)s", number=permohonan.number)
            lines += [
                _("Permohonan informasi Anda telah diterima dan didaftarkan (UU No. 14 Tahun 2008 Pasal 22 ayat (4)) "
                  "dengan nomor pendaftaran %(number)s.", number=permohonan.number),
                _("Diterima pada: %(when)s.", when=workflow.calendar.format_moment(permohonan.received_at)),
                _("Ditangani oleh: %(who)s.", who=workflow.handler_name(status.dinas_slug)),
                _("Informasi yang diminta: %(what)s", what=permohonan.information_requested),
            ]
        else:
            subject = _("Permohonan %(number)s: %(step)s", number=permohonan.number, step=step.kind.label)
            lines += [_("Ada langkah baru pada permohonan informasi Anda nomor %(number)s:", number=permohonan.number),
                      "", described.title + ".", *described.details]
        if status.notice_owed and step.kind in (EventKind.RECEIVED, EventKind.FORWARDED, EventKind.EXTENDED,
                                                EventKind.ITEMS_REQUESTED, EventKind.ITEMS_SUPPLIED):
            lines += ["", _("Batas waktu pemberitahuan tertulis: %(date)s.", date=format_day(status.due, weekday=True)),
                      _("Cara menghitung:"), computation_text(deadline_computation(status, workflow.calendar))]
        if step.kind == EventKind.OBJECTION_FILED and status.objection is not None:
            lines += ["", _("Atasan PPID wajib memberi tanggapan tertulis paling lambat %(date)s (30 hari kerja, "
                            "Pasal 36 ayat (2)).", date=format_day(status.objection.answer_due, weekday=True))]
        if step.kind == EventKind.DECIDED:
            lines += self._after_decision(permohonan, status, step)
        if step.kind == EventKind.DISPUTE_DECIDED and status.objection and status.objection.dispute:
            lines += self._after_dispute(status.objection.dispute)
        if step.kind == EventKind.OBJECTION_DECIDED and status.objection and status.objection.dispute_deadline:
            lines += ["", _("Bila Anda tidak puas, Anda dapat mengajukan sengketa informasi ke Komisi Informasi "
                            "paling lambat %(date)s (14 hari kerja, Pasal 37 ayat (2)).",
                            date=format_day(status.objection.dispute_deadline, weekday=True))]
        lines.append("")
        if token:
            lines.append(_("Tautan rahasia untuk melacak permohonan (jangan dibagikan): %(link)s",
                           link=self.public_url + TRACKING_PATH.format(token=token)))
        lines += [_("Kehilangan tautan itu? Minta tautan baru dengan nomor pendaftaran dan e-mail ini di %(link)s",
                    link=self.public_url + TRACKING_FORM_PATH),
                  "", _("Pesan ini dikirim otomatis oleh PPID; mohon tidak membalas ke alamat pengirim.")]
        return [Notice(requester.email, subject, "\n".join(lines), f"permohonan.{step.kind.value}", permohonan.number)]

    def _after_decision(self, permohonan: Permohonan, status: Status, step: PermohonanEvent) -> list[str]:
        """What the requester can do after the written notice, with the date and the way (Pasal 35-36); the holder
        of information not held, when known (Pasal 22(7)(b)); where the letters are."""
        lines = [""]
        if step.payload.get("keputusan") == Outcome.NOT_HELD.value and step.payload.get("badan_publik_lain"):
            lines += [_("Informasi ini dikuasai oleh %(body)s; Anda dapat mengajukan permohonan kepada badan publik "
                        "itu (UU 14/2008 Pasal 22 ayat (7) huruf b).", body=step.payload["badan_publik_lain"]), ""]
        lines.append(_("Surat pemberitahuan tertulis (PDF, dengan kode verifikasi) dapat diunduh dari halaman "
                       "pelacakan permohonan."))
        if status.objection_deadline is not None:
            lines += [
                "",
                _("Bila Anda tidak puas dengan keputusan ini, Anda berhak mengajukan keberatan tertulis kepada atasan "
                  "PPID paling lambat %(date)s (30 hari kerja sejak pemberitahuan ini, UU 14/2008 Pasal 35 ayat (1) "
                  "dan Pasal 36 ayat (1)).", date=format_day(status.objection_deadline, weekday=True)),
                _("Cara mengajukan: buka tautan rahasia dari e-mail tanda terima (atau minta tautan baru di %(link)s "
                  "dengan nomor pendaftaran %(number)s dan e-mail ini), lalu pilih \"Ajukan keberatan kepada atasan "
                  "PPID\".", link=self.public_url + TRACKING_FORM_PATH, number=permohonan.number),
            ]
        return lines

    @staticmethod
    def _after_dispute(dispute: DisputeStatus) -> list[str]:
        """The court deadline after an adjudication (Pasal 47-48); how it is counted is decided in one place,
        :func:`ppid.permohonan.deadlines.court_filing_deadline`."""
        if dispute.court_deadline is None:
            return []
        return ["", _("Bila Anda tidak menerima putusan ajudikasi ini, gugatan ke pengadilan (PTUN, atau Pengadilan "
                      "Negeri untuk badan publik selain negara; UU 14/2008 Pasal 47) diajukan paling lambat %(date)s "
                      "(%(n)s hari sejak tanggal putusan, Pasal 48).",
                      date=format_day(dispute.court_deadline, weekday=True), n=COURT_FILING_DAYS)]
    def tracking_link(self, workflow: Desk, permohonan: Permohonan, token: str) -> list[Notice]:
        """The tracking link the requester asked for with the number and the filing e-mail, to that e-mail only;
        at most one per request every :data:`LINK_RESEND_MINUTES`, so the form cannot flood the requester's inbox."""
        requester = workflow.session.get(Requester, permohonan.id)
        if requester is None or not requester.email or _link_sent_lately(workflow.session, permohonan.number):
            return []
        lines = [
            _("Yth. %(name)s,", name=requester.full_name), "",
            _("Seseorang (semoga Anda) meminta tautan untuk melacak permohonan informasi nomor %(number)s dengan "
              "nomor itu dan alamat e-mail ini.", number=permohonan.number), "",
            _("Tautan rahasia untuk melacak permohonan dan mengunduh tanda bukti (jangan dibagikan; berlaku %(days)s "
              "hari): %(link)s", days=LINK_VALID_DAYS, link=self.public_url + TRACKING_PATH.format(token=token)), "",
            _("Bila Anda tidak memintanya, abaikan pesan ini: tanpa tautan ini tidak ada yang dapat melihat "
              "permohonan Anda."), "",
            _("Pesan ini dikirim otomatis oleh PPID; mohon tidak membalas ke alamat pengirim."),
        ]
        notices = [Notice(requester.email, _("Tautan lacak permohonan %(number)s", number=permohonan.number),
                          "\n".join(lines), LINK_CATEGORY, permohonan.number)]
        queue_after_commit(workflow.session, self.platform, notices)
        return notices

    # -- the officers ----------------------------------------------------------------------------

    def _to_officers(self, workflow: Desk, permohonan: Permohonan, step: PermohonanEvent,
                     status: Status) -> list[Notice]:
        roles = OFFICER_EVENTS.get(step.kind)
        if roles is None or (step.kind == EventKind.DISPUTE_FILED and step.actor_user_id is not None):
            return []
        handler = workflow.handler_name(status.dinas_slug)
        dispute = status.objection.dispute if status.objection else None
        if step.kind == EventKind.DISPUTE_FILED and dispute is not None:
            subject = _("Sengketa informasi di Komisi Informasi: %(number)s", number=permohonan.number)
            lines = [
                _("Pemohon mencatat bahwa keberatan nomor %(objection)s atas permohonan %(number)s diajukan sebagai "
                  "sengketa informasi ke Komisi Informasi (UU 14/2008 Pasal 37), nomor register %(register)s.",
                  objection=status.objection.keberatan.number, number=permohonan.number, register=dispute.number),
                _("Komisi Informasi wajib memulai mediasi atau ajudikasi paling lambat %(start)s dan menyelesaikan "
                  "sengketa paling lambat %(end)s (Pasal 38).", start=format_day(dispute.start_by, weekday=True),
                  end=format_day(dispute.settle_by, weekday=True)),
            ]
        elif step.kind == EventKind.OBJECTION_FILED and status.objection is not None:
            subject = _("Keberatan masuk untuk atasan PPID %(who)s: %(number)s", who=handler,
                        number=status.objection.keberatan.number)
            lines = [
                _("Keberatan nomor %(objection)s atas permohonan %(number)s diajukan kepada atasan PPID.",
                  objection=status.objection.keberatan.number, number=permohonan.number),
                _("Tanggapan tertulis wajib diberikan paling lambat %(date)s (UU 14/2008 Pasal 36 ayat (2)).",
                  date=format_day(status.objection.answer_due, weekday=True)),
            ]
        else:
            subject = _("Permohonan informasi masuk untuk %(who)s: %(number)s", who=handler, number=permohonan.number)
            lines = [
                _("Permohonan informasi nomor %(number)s kini ditangani %(who)s.", number=permohonan.number,
                  who=handler),
                _("Diterima pada: %(when)s.", when=workflow.calendar.format_moment(permohonan.received_at)),
                _("Pemberitahuan tertulis wajib dikirim paling lambat %(date)s (UU 14/2008 Pasal 22 ayat (7)).",
                  date=format_day(status.due, weekday=True)),
            ]
        lines += [
            "",
            _("Buka permohonan di meja petugas: %(link)s",
              link=self.public_url + OFFICER_PATH.format(id=DRAFT_ID if permohonan.id is None else permohonan.id)),
        ]
        body = "\n".join(lines)
        return [Notice(address, subject, body, f"permohonan.{step.kind.value}.petugas", permohonan.number)
                for address in self._officer_addresses(workflow, status.dinas_slug, roles)]


_OFFICERS = (select(User.email).join(RoleGrant)
             .where(User.is_active.is_(True), User.daily_digest.is_(False),
                    RoleGrant.role.in_(bindparam("roles", expanding=True)))
             .order_by(User.id))
_REGION_OFFICERS = _OFFICERS.where(RoleGrant.dinas_slug.is_(None))
_DINAS_OFFICERS = _OFFICERS.where(RoleGrant.dinas_slug == bindparam("dinas"))
"""Built once and run as Core on the step's connection: building the query and the ORM's execution path cost a
filing more than the query itself (issue 17). Only the addresses are read, not whole accounts."""


def officer_addresses(session: Session, workflow: Desk, dinas_slug: str | None,
                      roles: Iterable[Role] = (Role.OFFICER,)) -> list[str]:
    """The PPID Pelaksana mailbox of the dinas (dinas.yaml) and its active officers; region-wide officers and
    administrators for a request not yet routed (the PPID Utama). Officers who chose the daily digest are left out:
    the digest lists the requests that arrived (:mod:`ppid.workspace.digest`)."""
    dinas = workflow.registry.get(dinas_slug) if dinas_slug else None
    addresses = [dinas.ppid["email"]] if dinas and dinas.ppid.get("email") else []
    if dinas_slug is None:
        emails = session.connection().scalars(_REGION_OFFICERS, {"roles": [*roles, Role.ADMIN]})
    else:
        emails = session.connection().scalars(_DINAS_OFFICERS, {"roles": list(roles), "dinas": dinas_slug})
    addresses += list(emails)
    return list(dict.fromkeys(address.lower() for address in addresses))


def _link_sent_lately(session: Session, number: str) -> bool:
    since = utcnow() - timedelta(minutes=LINK_RESEND_MINUTES)
    return session.scalar(select(MailDelivery.id).where(
        MailDelivery.reference == number, MailDelivery.category == LINK_CATEGORY, MailDelivery.created_at >= since,
    ).limit(1)) is not None


def delivery_log(session: Session, permohonan: Permohonan) -> list[MailDelivery]:
    """Every message about the request, newest first, each with its attempts (``attempt_log``): for the officer
    page only (it names the requester's address)."""
    return list(session.scalars(
        select(MailDelivery).where(MailDelivery.reference == permohonan.number)
        .options(selectinload(MailDelivery.attempt_log)).order_by(MailDelivery.id.desc())
    ))


def numbers_without_receipt_mail(session: Session) -> list[str]:
    """Registration numbers of requests whose requester gave an e-mail address but which have no receipt
    e-mail in the outbox: always empty, since both are written in the filing's transaction (load tests check it)."""
    receipt = f"permohonan.{EventKind.RECEIVED.value}"
    has_receipt = select(MailDelivery.id).where(MailDelivery.reference == Permohonan.number,
                                                MailDelivery.category == receipt).exists()
    return list(session.scalars(
        select(Permohonan.number).join(Requester, Requester.permohonan_id == Permohonan.id)
        .where(Requester.email.is_not(None), Requester.email != "", ~has_receipt).order_by(Permohonan.id)
    ))


def queue_after_commit(session: Session, platform: Platform, notices: Iterable[Notice]) -> None:
    """The notices as outbox rows of ``session``'s transaction (one statement), handed over after it commits."""
    write_outbox_rows(session, platform, notices)
