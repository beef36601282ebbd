"""Outgoing e-mail with a delivery log an officer can show ("we never received it").

Every message is first written to ``mail_delivery`` and only then handed to the job queue, so a
crash or an unreachable SMTP server loses nothing: the row stays ``failed`` with the reason and
``ppid mail retry`` sends it again. The Message-ID is fixed when the row is written, so a message
sent twice after a killed worker is recognised as one by the recipient's mail program.

Without ``PPID_SMTP_URL`` (the embedded default) messages are saved as ``.eml`` files in
``PPID_HOME/outbox`` so that a trial installation shows what would have been sent.
"""

from __future__ import annotations

import enum
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from sqlalchemy import Enum, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.config import SMTP_SCHEMES, Settings
from ppid.db import Base, UtcDateTime, utcnow

if TYPE_CHECKING:
    from ppid.platform import Platform
log = logging.getLogger(__name__)
OUTBOX = "ppid.mail.outbox"
"""Key in ``Session.info``: messages waiting for the commit of the step they announce."""
SMTP_TIMEOUT = 30
MAX_ATTEMPTS = 5


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    SAVED = "saved"
    """Written to the outbox folder because no SMTP server is configured."""
    FAILED = "failed"


class MailDelivery(Base):
    """One outgoing message and what happened to it; officers only (it holds personal data)."""

    __tablename__ = "mail_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(60), index=True)
    reference: Mapped[str | None] = mapped_column(String(120), index=True)
    """What the message is about, e.g. a registration number, so the log can be shown per request."""
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, length=20, values_callable=lambda m: [s.value for s in m]),
        default=DeliveryStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    server_reply: Mapped[str | None] = mapped_column(String(255))
    """What the SMTP server said when it accepted the message: the proof of hand-over."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str
    """``plain``, ``starttls`` or ``tls``."""
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """``smtp://host:25``, ``smtp+starttls://user:pass@host:587`` or ``smtps://user:pass@host:465``."""
        parsed = urlparse(url)  # already checked by ppid.config
        security, default_port = SMTP_SCHEMES[parsed.scheme]
        return cls(
            host=parsed.hostname,
            port=parsed.port or default_port,
            security=security,
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )

    def send(self, message: EmailMessage) -> str:
        """Hand ``message`` over; returns the server's reply to the end of data."""
        context = ssl.create_default_context()
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)
            code, reply = client.noop()
            return f"{code} {reply.decode(errors='replace')}"[:255]


def send_mail(
    platform: Platform, *, to: str, subject: str, body: str, category: str, reference: str | None = None
) -> int:
    """Record a message and queue its delivery; returns the delivery id. Never raises for SMTP trouble."""
    with platform.database.session() as session:
        delivery = MailDelivery(
            recipient=to,
            subject=subject[:255],
            body=body,
            category=category,
            reference=reference,
            message_id=make_msgid(domain=_mail_domain(platform.settings)),
        )
        session.add(delivery)
        session.flush()
        delivery_id = delivery.id
    platform.jobs.enqueue(deliver_job, delivery_id)
    return delivery_id


def send_after_commit(
    session: Session, platform: Platform, *, to: str, subject: str, body: str, category: str,
    reference: str | None = None,
) -> None:
    """Send a message announcing what ``session`` is recording, once (and only if) it commits."""
    message = {"to": to, "subject": subject, "body": body, "category": category, "reference": reference}
    session.info.setdefault(OUTBOX, []).append((platform, message))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    """The step is on record: now hand its messages over (each is recorded before it is sent)."""
    for platform, message in session.info.pop(OUTBOX, []):
        try:
            send_mail(platform, **message)
        except Exception:  # the step is committed; a lost notice must not turn it into an error page
            log.exception("could not record the e-mail %s for %s", message["category"], message["reference"])


@event.listens_for(Session, "after_soft_rollback")
def _discard_after_rollback(session: Session, _previous_transaction: object) -> None:
    """A step that rolled back never happened: its messages are dropped."""
    session.info.pop(OUTBOX, None)


def deliver_job(delivery_id: int) -> str:
    """Entry point for RQ workers and inline jobs."""
    from ppid.platform import job_platform

    return deliver(job_platform(), delivery_id)


def deliver(platform: Platform, delivery_id: int) -> str:
    """Send one recorded message (again, if it failed before); returns its new status."""
    settings = platform.settings
    with platform.database.session() as session:
        delivery = session.get(MailDelivery, delivery_id)
        if delivery is None or delivery.status in {DeliveryStatus.SENT, DeliveryStatus.SAVED}:
            return delivery.status.value if delivery else "missing"
        message = _message(delivery, settings)
        delivery.attempts += 1
        try:
            if settings.smtp_url is None:
                outbox = settings.home / "outbox"
                outbox.mkdir(exist_ok=True)
                (outbox / f"{delivery.id:08d}.eml").write_bytes(bytes(message))
                delivery.status = DeliveryStatus.SAVED
            else:
                delivery.server_reply = SmtpServer.from_url(settings.smtp_url).send(message)
                delivery.status = DeliveryStatus.SENT
            delivery.sent_at = utcnow()
            delivery.last_error = None
        except (OSError, smtplib.SMTPException) as error:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = f"{type(error).__name__}: {error}"[:1000]
            log.warning("e-mail %s to delivery #%s failed: %s", delivery.category, delivery.id, type(error).__name__)
        return delivery.status.value


def retry_failed(platform: Platform) -> int:
    """Queue every failed message that has attempts left (``ppid mail retry``); returns how many."""
    with platform.database.session() as session:
        ids = list(
            session.scalars(
                select(MailDelivery.id).where(
                    MailDelivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.QUEUED]),
                    MailDelivery.attempts < MAX_ATTEMPTS,
                )
            )
        )
    for delivery_id in ids:
        platform.jobs.enqueue(deliver_job, delivery_id)
    return len(ids)


def _message(delivery: MailDelivery, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = delivery.recipient
    message["Subject"] = delivery.subject
    message["Message-ID"] = delivery.message_id
    message["Date"] = format_datetime(delivery.created_at)
    message.set_content(delivery.body)
    return message


def _mail_domain(settings: Settings) -> str:
    return settings.mail_from.rpartition("@")[2].strip("> ") or "localhost"
