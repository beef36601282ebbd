"""Outgoing e-mail through a transactional outbox, with a delivery log an officer can show ("we never received it").

Every message is a ``mail_delivery`` row written by :func:`write_outbox` (a step's notices:
:func:`write_outbox_rows`, one statement) in the transaction of the step it announces: the filing, decision or
objection and its e-mails are committed together, or neither is, so a promised e-mail cannot go unrecorded. Only
after the commit is each row handed over: to an RQ worker when ``PPID_REDIS_URL`` is set; else, in ``ppid serve``,
to the :class:`Courier`, one background thread of the server that sends whatever has gathered in one round, so that
no citizen waits for an SMTP server; else (the CLI, tests) inline. A failed attempt is tried again after a growing
pause (:data:`BACKOFF_SECONDS`, at most :data:`MAX_ATTEMPTS` tries) by the worker or the courier, at once by
``ppid mail retry``, and ``ppid mail retry --habis`` gives messages that used every try one more.

Sending is claimed first, in its own short transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a conditional ``UPDATE`` of the claim columns on SQLite), so two workers never send one row
twice; no database connection is held while the SMTP server is talked to. Each try is one
``mail_delivery_attempt`` row: when, by whom, what came of it, and the error in plain words. The
Message-ID is fixed when the row is written, so a message sent again after a worker died mid-send is
recognised as one by the recipient's mail program.

Without ``PPID_SMTP_URL`` (the embedded default) messages are saved as ``.eml`` files in
``PPID_HOME/outbox`` so that a trial installation shows what would have been sent.
"""

from __future__ import annotations

import enum
import logging
import os
import smtplib
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlparse

from sqlalchemy import (
    ARRAY,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.sql.elements import BindParameter

from ppid.config import SMTP_SCHEMES, Settings
from ppid.db import Base, UtcDateTime, utcnow
from ppid.i18n import _

if TYPE_CHECKING:
    from ppid.platform import Platform
log = logging.getLogger(__name__)
OUTBOX = "ppid.mail.outbox"
"""Key in ``Session.info``: outbox rows written in the session's transaction, handed over once it commits."""
SMTP_TIMEOUT = 30
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 5 * 60, 30 * 60, 2 * 3600)
"""Pause after the 1st, 2nd, 3rd and 4th failed try; after the 5th the row waits for ``ppid mail retry``."""
LEASE = timedelta(minutes=10)
"""How long a claim keeps other workers off a row: far longer than one SMTP conversation can take."""
SWEEP_BATCH = 50
UTF8_8BIT = Charset("utf-8")
UTF8_8BIT.body_encoding = None  # 8bit, not base64: the text stays readable in an .eml file and on the wire
UTF8_QUOTED = Charset("utf-8")
UTF8_QUOTED.body_encoding = QP
MAX_LINE_BYTES = 900
"""Longer lines (a requester's long paragraph) go quoted-printable: SMTP allows 998 bytes a line."""
SWEEP_SECONDS = 60.0
"""How often a courier looks for rows whose pause is over, or that a stopped process left behind."""
GATHER_SECONDS = 0.25
"""How long a woken courier lets committed rows gather before its round, and the least time between two rounds.
A round's claim and record cost nearly as much for one message as for fifty; taken back to back under a crowd,
rounds held a few messages each and cost the server a fifth of its CPU (bench/README.md, issue 17)."""
COURIER_BATCH = 200
"""The most rows one courier round takes."""


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    SAVED = "saved"
    """Written to the outbox folder because no SMTP server is configured."""
    FAILED = "failed"


PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


class MailDelivery(Base):
    """One outgoing message (an outbox row) and what happened to it; officers only (it holds personal data)."""

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
        default=DeliveryStatus.QUEUED, index=True,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    server_reply: Mapped[str | None] = mapped_column(String(255))
    """What the SMTP server said when it accepted the message: the proof of hand-over."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """When the worker may try again; None once sent, or once the attempts are used up."""
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """A worker sending the row holds it until then; a claim left by a dead worker runs out by itself."""

    attempt_log: Mapped[list[MailDeliveryAttempt]] = relationship(
        back_populates="delivery", order_by="MailDeliveryAttempt.number", cascade="all, delete-orphan",
    )


class MailDeliveryAttempt(Base):
    """One try at handing a message over: the delivery log shows one line per row."""

    __tablename__ = "mail_delivery_attempt"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("mail_delivery.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    result: Mapped[str | None] = mapped_column(String(20), nullable=True)
    """``sent``, ``saved`` or ``failed``; None while (or if) the try never finished."""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    """Why it failed, in plain words (Bahasa Indonesia)."""
    server_reply: Mapped[str | None] = mapped_column(String(255), nullable=True)

    delivery: Mapped[MailDelivery] = relationship(back_populates="attempt_log")


_deliveries = MailDelivery.__table__
_attempts = MailDeliveryAttempt.__table__
_INSERT_DELIVERIES = insert(_deliveries).returning(_deliveries.c.id)


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

    def connect(self) -> smtplib.SMTP:
        """One signed-in SMTP conversation, for as many messages as a round has (TLS only where configured)."""
        context = ssl.create_default_context() if self.security != "plain" else None
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        try:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
        except BaseException:
            client.close()
            raise
        return client

    @staticmethod
    def hand_over(client: smtplib.SMTP, message: Message) -> str:
        """Send ``message`` on an open conversation; returns the server's reply, the proof of hand-over."""
        client.send_message(message)
        code, reply = client.noop()
        return f"{code} {reply.decode(errors='replace')}"[:255]


MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
"""Errors about one message: the conversation goes on with the next; any other error ends it."""


def write_outbox(
    session: Session, platform: Platform, *, to: str, subject: str, body: str, category: str,
    reference: str | None = None,
) -> MailDelivery:
    """Write one message to the outbox in ``session``'s transaction; it is handed over once (and only if) that
    transaction commits. Returns the row (its id is known after the next flush)."""
    delivery = MailDelivery(
        recipient=to, subject=subject[:255], body=body, category=category, reference=reference,
        message_id=make_msgid(domain=_mail_domain(platform.settings)), status=DeliveryStatus.QUEUED, attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    session.info.setdefault(OUTBOX, []).append((platform, delivery))
    return delivery


class Outgoing(Protocol):
    """One message to write to the outbox (a step's notice)."""

    @property
    def to(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def reference(self) -> str | None: ...


OUTBOX_IDS = "ppid.mail.outbox_ids"
"""Key in ``Session.info``: ids of outbox rows written as Core (:func:`write_outbox_rows`), handed over on commit."""


def write_outbox_rows(session: Session, platform: Platform, messages: Iterable[Outgoing]) -> list[int]:
    """Write ``messages`` to the outbox in ``session``'s transaction with one INSERT; returns their ids. Like
    :func:`write_outbox`, they are handed over once (and only if) that transaction commits.

    Core, not ORM objects: a filing's e-mails went through the ORM's unit of work at its commit, which cost the
    filing more CPU than the statement (issue 17). A row written in a savepoint that rolls back is still handed
    over, and then found missing by the courier or the worker (:func:`deliver_rows`): nothing is sent for it."""
    rows = outbox_rows(platform, messages)
    if not rows:
        return []
    ids = list(session.connection().scalars(_INSERT_DELIVERIES, rows))
    hand_over_after_commit(session, platform, ids)
    return ids


def outbox_rows(platform: Platform, messages: Iterable[Outgoing]) -> list[dict[str, Any]]:
    """The outbox rows of ``messages``, as :data:`_INSERT_DELIVERIES` takes them."""
    now = utcnow()
    domain = _mail_domain(platform.settings)
    return [{"recipient": message.to, "subject": message.subject[:255], "body": message.body,
             "category": message.category, "reference": message.reference, "message_id": make_msgid(domain=domain),
             "status": DeliveryStatus.QUEUED, "attempts": 0, "next_attempt_at": now, "created_at": now}
            for message in messages]


_VARYING = ("recipient", "subject", "body", "category", "reference", "message_id")
_UNNESTED = func.unnest(*(bindparam(f"outbox_{name}", type_=ARRAY(_deliveries.c[name].type)) for name in _VARYING)
                        ).table_valued(*_VARYING).render_derived(name="message")
_NOW = bindparam("outbox_now", type_=_deliveries.c.created_at.type)
INSERT_OUTBOX_ARRAYS = insert(_deliveries).from_select(
    [*_VARYING, "status", "attempts", "next_attempt_at", "created_at"],
    select(*_UNNESTED.c, literal(DeliveryStatus.QUEUED, _deliveries.c.status.type), literal(0), _NOW, _NOW),
).returning(_deliveries.c.id)
"""The outbox rows of :func:`outbox_arrays` in one statement of one shape whatever their number (PostgreSQL's
``unnest``): a data-modifying CTE of a statement that writes more (a filing's request, :mod:`ppid.permohonan`)."""


def outbox_arrays(platform: Platform, messages: Iterable[Outgoing]) -> dict[str, Any]:
    """The :func:`outbox_rows` of ``messages`` as the parameters of :data:`INSERT_OUTBOX_ARRAYS`."""
    rows = outbox_rows(platform, messages)
    return {"outbox_now": rows[0]["created_at"] if rows else None,
            **{f"outbox_{name}": [row[name] for row in rows] for name in _VARYING}}


NO_OUTBOX_ROWS = {"outbox_now": None, **{f"outbox_{name}": [] for name in _VARYING}}
"""The parameters of :data:`INSERT_OUTBOX_ARRAYS` that write no row."""


def hand_over_after_commit(session: Session, platform: Platform, ids: Iterable[int]) -> None:
    """Outbox rows ``ids`` written as Core in ``session``'s transaction go to the courier or the job queue once
    (and only if) it commits."""
    session.info.setdefault(OUTBOX_IDS, []).extend((platform, delivery_id) for delivery_id in ids)


send_after_commit = write_outbox
"""The former name: a step's message is an outbox row of the step's own transaction."""


def send_mail(
    platform: Platform, *, to: str, subject: str, body: str, category: str, reference: str | None = None
) -> int:
    """Write one message to the outbox in a transaction of its own and hand it over; returns the row's id.

    Never raises for SMTP trouble: the row stays ``failed`` with the reason, to be tried again."""
    with platform.database.session() as session:
        delivery = write_outbox(session, platform, to=to, subject=subject, body=body, category=category,
                                reference=reference)
        session.flush()
        delivery_id = delivery.id
    return delivery_id


READY = "ppid.mail.ready"
"""Key in ``Session.info``: committed outbox rows, handed over once the transaction has given its connection back."""


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """The step and its messages are on record; they leave when the transaction ends (:func:`_hand_over`)."""
    ready = session.info.setdefault(READY, [])
    for platform, delivery in session.info.pop(OUTBOX, []):
        identity = inspect(delivery).identity
        if identity is not None:  # None: written in a savepoint that rolled back
            ready.append((platform, identity[0]))
    ready.extend(session.info.pop(OUTBOX_IDS, []))


@event.listens_for(Session, "after_transaction_end")
def _hand_over(session: Session, transaction: Any) -> None:
    """Hand the committed messages over (inline, or to the worker's queue) after the step's connection went
    back to the pool, so that a request never holds two connections and none while SMTP is talked to."""
    if transaction.parent is not None or not session.info.get(READY):
        return
    by_platform: dict[int, tuple[Platform, list[int]]] = {}
    for platform, delivery_id in session.info.pop(READY):
        by_platform.setdefault(id(platform), (platform, []))[1].append(delivery_id)
    for platform, ids in by_platform.values():
        courier = _couriers.get(id(platform))
        if courier is not None:
            courier.take(ids)
            continue
        try:
            platform.jobs.enqueue(deliver_job, *ids)
        except Exception:  # the rows are committed: the worker's sweep or `ppid mail retry` sends them later
            log.warning("e-mails %s stay in the outbox: the job queue did not take them", ids, exc_info=True)


@event.listens_for(Session, "after_soft_rollback")
def _discard_after_rollback(session: Session, previous_transaction: Any) -> None:
    """A step that rolled back never happened: its outbox rows are gone with it, and nothing is handed over.

    A rolled-back savepoint keeps the list: rows of the savepoint are skipped at commit (no identity)."""
    if not previous_transaction.nested:
        session.info.pop(OUTBOX, None)
        session.info.pop(OUTBOX_IDS, None)


class Courier:
    """Sends this server process's committed outbox rows from one background thread (``ppid serve`` without Redis).

    Sent in the request's own thread, a filing's e-mails made the citizen wait for the SMTP hand-over. The
    courier sends whatever gathered since its last round with one claim, one SMTP conversation and one record
    transaction. Woken by a commit, it waits ``gather_seconds`` first, so that under a crowd a round carries the
    e-mails of many filings rather than of one (the round's price is paid once: bench/README.md, issue 17). It also
    sweeps the outbox when it starts and every
    ``sweep_seconds``: a failed try is made again after its pause, and rows a stopped process left are sent."""

    def __init__(self, platform: Platform, *, sweep_seconds: float = SWEEP_SECONDS,
                 gather_seconds: float = GATHER_SECONDS) -> None:
        self.platform = platform
        self.sweep_seconds = sweep_seconds
        self.gather_seconds = gather_seconds
        self._waiting: list[int] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._stop = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ppid-courier", daemon=True)

    def take(self, delivery_ids: list[int]) -> None:
        """Committed rows to send in the next round (called after a commit, from any thread)."""
        with self._lock:
            self._waiting.extend(delivery_ids)
            self._idle.clear()
        self._wake.set()

    def wait_until_idle(self, timeout: float) -> bool:
        """True once every row taken so far went through a round (the start's sweep included)."""
        return self._idle.wait(timeout)

    def start(self) -> Courier:
        self._thread.start()
        return self

    def stop(self, timeout: float = SMTP_TIMEOUT) -> None:
        """Finish the round under way and the rows taken so far; what is left waits in the outbox for the next
        start's sweep."""
        self._stopping = True
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        next_sweep = time.monotonic()  # at once: rows a stopped process left behind
        while True:
            if self._wake.wait(timeout=max(0.0, next_sweep - time.monotonic())):
                self._stop.wait(self.gather_seconds)  # let the rows of a crowd's other filings join this round
            self._wake.clear()
            while batch := self._next_batch():
                self._round(lambda ids=batch: deliver_rows(self.platform, ids))
                self._stop.wait(self.gather_seconds)  # the next round no sooner: what commits meanwhile joins it
            if time.monotonic() >= next_sweep:
                self._round(lambda: sweep(self.platform))
                next_sweep = time.monotonic() + self.sweep_seconds
            with self._lock:
                if not self._waiting:
                    self._idle.set()
            if self._stopping:
                return

    def _next_batch(self) -> list[int]:
        with self._lock:
            batch, self._waiting = self._waiting[:COURIER_BATCH], self._waiting[COURIER_BATCH:]
        return batch

    @staticmethod
    def _round(send: Callable[[], object]) -> None:
        """One round; a database or disk failure is logged and the rows stay in the outbox for the next sweep."""
        try:
            send()
        except Exception:
            log.warning("e-mail round failed; the messages stay in the outbox for the next sweep", exc_info=True)


_couriers: dict[int, Courier] = {}
"""The courier of each platform that has one (by ``id``): a server process opens one platform."""


def start_courier(platform: Platform, *, sweep_seconds: float = SWEEP_SECONDS,
                  gather_seconds: float = GATHER_SECONDS) -> Courier:
    """Send ``platform``'s committed e-mails from a background thread from now on (see :class:`Courier`)."""
    courier = _couriers[id(platform)] = Courier(platform, sweep_seconds=sweep_seconds,
                                                gather_seconds=gather_seconds).start()
    return courier


def stop_courier(platform: Platform) -> None:
    """Back to sending inline; the courier finishes the rows it took."""
    courier = _couriers.pop(id(platform), None)
    if courier is not None:
        courier.stop()


def deliver_job(*delivery_ids: int, past_limit: bool = False) -> list[str]:
    """Entry point for RQ workers and inline jobs: the outbox rows of one step (or of ``ppid mail retry``)."""
    from ppid.platform import job_platform

    return deliver_rows(job_platform(), list(delivery_ids), past_limit=past_limit)


def deliver_due_job() -> int:
    """Entry point for a worker's sweep (at its start, and after a pause): every row whose pause is over; returns
    how many were tried."""
    from ppid.platform import job_platform

    return sweep(job_platform())


def deliver(platform: Platform, delivery_id: int) -> str:
    """Send one outbox row now, unless it is sent already or another worker holds it; returns its status."""
    [status] = deliver_rows(platform, [delivery_id])
    return status


def deliver_rows(platform: Platform, delivery_ids: list[int], *, past_limit: bool = False) -> list[str]:
    """Send these outbox rows now, except those sent already or held by another worker; returns their statuses.

    Used after a commit and by ``ppid mail retry``: a row's pause is not waited for, the attempt limit is unless
    ``past_limit`` (``ppid mail retry --habis``, after the administrator mended the mail settings).
    One short transaction claims them all, one records what came of them all."""
    results = dict(_send(platform, _claim(platform, ids=delivery_ids, due_only=False, limit=len(delivery_ids),
                                          past_limit=past_limit)))
    missing = [delivery_id for delivery_id in delivery_ids if delivery_id not in results]
    if missing:
        with platform.database.session() as session:
            for delivery_id, status in session.execute(
                    select(MailDelivery.id, MailDelivery.status).where(MailDelivery.id.in_(missing))):
                results[delivery_id] = status.value
    return [results.get(delivery_id, "missing") for delivery_id in delivery_ids]


def deliver_due(platform: Platform, *, limit: int = SWEEP_BATCH) -> list[str]:
    """Send the rows whose pause is over (the worker's sweep); returns their new statuses."""
    return [status for _id, status in _send(platform, _claim(platform, ids=None, due_only=True, limit=limit))]


def sweep(platform: Platform) -> int:
    """Send every due row, a batch at a time; returns how many were tried. A row that fails again gets a later
    ``next_attempt_at``, so the sweep ends."""
    tried = 0
    while True:
        count = len(deliver_due(platform))
        tried += count
        if count < SWEEP_BATCH:
            return tried


def retry_failed(platform: Platform, *, past_limit: bool = False) -> int:
    """Hand over every unsent row that has attempts left, without waiting for its pause (``ppid mail retry``);
    with ``past_limit`` also the rows that used every try (``--habis``). Returns how many. A row another worker
    holds right now is left to it."""
    now = utcnow()
    with platform.database.session() as session:
        ids = list(session.scalars(select(MailDelivery.id).where(*_claimable(now, due_only=False,
                                                                              past_limit=past_limit))
                                   .order_by(MailDelivery.id)))
    for start in range(0, len(ids), SWEEP_BATCH):
        platform.jobs.enqueue(deliver_job, *ids[start:start + SWEEP_BATCH], past_limit=past_limit)
    return len(ids)


def pending_count(session: Session) -> int:
    """Rows not yet handed over (queued, or failed with attempts left): 0 when every promised e-mail left."""
    return session.scalar(select(func.count(MailDelivery.id)).where(
        MailDelivery.status.in_(PENDING), MailDelivery.attempts < MAX_ATTEMPTS)) or 0


# -- claiming and sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    delivery_id: int
    attempt_id: int
    attempts: int
    """The row's tries, this one included."""
    claimed_by: str
    message: Message
    category: str


def _claimable(now: datetime, *, due_only: bool, past_limit: bool = False) -> list[Any]:
    conditions = [
        MailDelivery.status.in_(PENDING),
        or_(MailDelivery.claimed_until.is_(None), MailDelivery.claimed_until < now),
    ]
    if not past_limit:
        conditions.append(MailDelivery.attempts < MAX_ATTEMPTS)
    if due_only:
        conditions.append(MailDelivery.next_attempt_at.is_not(None))
        conditions.append(MailDelivery.next_attempt_at <= now)
    return conditions


def _worker_name() -> str:
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _listed(ids: list[int]) -> BindParameter[Any]:
    """A round's row ids written into its statement as numbers: a parameter each made a round of a hundred
    messages a statement psycopg parsed again every time (longer than the 4 KB it keeps parsed), a quarter of the
    courier's CPU under a crowd (issue 17). They are integers of our own rows, never text from outside."""
    return bindparam("ids", [int(delivery_id) for delivery_id in ids], expanding=True, literal_execute=True)


_INSERT_ATTEMPTS = (
    insert(_attempts)
    .from_select(["delivery_id", "number", "worker", "started_at"],
                 select(_deliveries.c.id, _deliveries.c.attempts, bindparam("worker", type_=_attempts.c.worker.type),
                        bindparam("now", type_=_attempts.c.started_at.type))
                 .where(_deliveries.c.claimed_by == bindparam("token")))
    .returning(_attempts.c.delivery_id, _attempts.c.id)
)
"""A claim's attempt lines, one per row it took, as one short statement whatever the round's size: a row of values
per message made it longer than the 4 KB under which psycopg keeps a statement's parsing, and parsing it again was
a quarter of the courier's CPU under a crowd (issue 17)."""


def _claim(platform: Platform, *, ids: list[int] | None, due_only: bool, limit: int = SWEEP_BATCH,
           past_limit: bool = False) -> list[_Claim]:
    """Take rows for sending, in a short transaction of its own; each taken row gets its attempt log line.

    Two statements whatever the round's size (an UPDATE ... RETURNING the messages, one INSERT of the attempt
    lines): a round is paid once, not per message."""
    now = utcnow()
    worker = _worker_name()
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    with platform.database.session() as session:
        claimable = _claimable(now, due_only=due_only, past_limit=past_limit)
        candidates = select(MailDelivery.id).where(*claimable)
        if ids is not None:
            candidates = candidates.where(MailDelivery.id.in_(_listed(ids)))
        candidates = candidates.order_by(MailDelivery.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        # SQLite: the UPDATE takes the write lock first, so claims are serialised; the conditions are checked again
        taken = session.execute(
            update(_deliveries).where(_deliveries.c.id.in_(candidates.scalar_subquery()), *claimable)
            .values(claimed_by=token, claimed_until=now + LEASE, attempts=_deliveries.c.attempts + 1)
            .returning(_deliveries.c.id, _deliveries.c.attempts, _deliveries.c.recipient, _deliveries.c.subject,
                       _deliveries.c.body, _deliveries.c.category, _deliveries.c.message_id,
                       _deliveries.c.created_at)
        ).all()
        if not taken:
            return []
        attempt_ids = dict(session.execute(_INSERT_ATTEMPTS, {"token": token, "worker": worker, "now": now}).all())
    return [_Claim(row.id, attempt_ids[row.id], row.attempts, token, _message(row, platform.settings), row.category)
            for row in sorted(taken, key=lambda row: row.id)]


def _send(platform: Platform, claims: list[_Claim]) -> list[tuple[int, str]]:
    """Hand the claimed messages over (no database connection held meanwhile), then record what came of each."""
    if not claims:
        return []
    settings = platform.settings
    outcomes = []
    smtp = SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None
    client: smtplib.SMTP | None = None
    outbox: Path | None = None
    unreachable: BaseException | None = None
    try:
        for claim in claims:
            reply = error = None
            try:
                if unreachable is not None:  # the server could not be reached for this round: try later, not now
                    raise unreachable
                if smtp is None:
                    if outbox is None:
                        outbox = settings.home / "outbox"
                        outbox.mkdir(exist_ok=True)
                    (outbox / f"{claim.delivery_id:08d}.eml").write_bytes(claim.message.as_bytes())
                    status = DeliveryStatus.SAVED
                else:
                    if client is None:
                        try:
                            client = smtp.connect()
                        except (OSError, smtplib.SMTPException) as caught:
                            unreachable = caught
                            raise
                    reply = smtp.hand_over(client, claim.message)
                    status = DeliveryStatus.SENT
            except (OSError, smtplib.SMTPException) as caught:
                status, error = DeliveryStatus.FAILED, caught
                log.warning("e-mail %s, delivery #%s failed: %s", claim.category, claim.delivery_id,
                            type(caught).__name__)
                if client is not None and not isinstance(caught, MESSAGE_REFUSALS):
                    client.close()  # the conversation broke: the next message opens a new one
                    client = None
            outcomes.append((claim, status, reply, error))
    finally:
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
    return _record(platform, outcomes)


def _record(platform: Platform, outcomes: list[tuple[_Claim, DeliveryStatus, str | None, BaseException | None]]
            ) -> list[tuple[int, str]]:
    """What came of each try, in one transaction of four statements: the attempt lines, the rows (a row another
    worker sent meanwhile keeps its first outcome), the claims given back, and the rows' statuses as they now are."""
    now = utcnow()
    retry_after: timedelta | None = None
    attempt_rows, delivery_rows = [], []
    for claim, status, reply, error in outcomes:
        explained = plain_error(error) if error is not None else None
        attempt_rows.append({"attempt_id": claim.attempt_id, "finished_at": now, "result": status.value,
                             "error": explained, "server_reply": reply})
        next_attempt_at = None
        if error is not None and claim.attempts < MAX_ATTEMPTS:
            next_attempt_at = now + timedelta(seconds=BACKOFF_SECONDS[claim.attempts - 1])
            pause = next_attempt_at - now
            retry_after = pause if retry_after is None else min(retry_after, pause)
        delivery_rows.append({
            "delivery_id": claim.delivery_id, "new_status": status,
            "new_sent_at": now if error is None else None, "new_reply": reply,
            "new_error": None if error is None else f"{explained} ({type(error).__name__}: {error})"[:1000],
            "new_next_attempt_at": next_attempt_at,
        })
    ids = [claim.delivery_id for claim, *_rest in outcomes]
    with platform.database.session() as session:
        session.execute(
            update(_attempts).where(_attempts.c.id == bindparam("attempt_id"))
            .values(finished_at=bindparam("finished_at"), result=bindparam("result"), error=bindparam("error"),
                    server_reply=bindparam("server_reply")),
            attempt_rows)
        session.execute(
            update(_deliveries).where(_deliveries.c.id == bindparam("delivery_id"),
                                      or_(*(_deliveries.c.status == status for status in PENDING)))
            .values(status=bindparam("new_status"), sent_at=bindparam("new_sent_at"),
                    server_reply=bindparam("new_reply"), last_error=bindparam("new_error"),
                    next_attempt_at=bindparam("new_next_attempt_at")),
            delivery_rows)
        session.execute(update(_deliveries).where(_deliveries.c.id.in_(_listed(ids)),
                                                  _deliveries.c.claimed_by == outcomes[0][0].claimed_by)
                        .values(claimed_by=None, claimed_until=None))
        statuses = dict(session.execute(select(_deliveries.c.id, _deliveries.c.status)
                                        .where(_deliveries.c.id.in_(_listed(ids)))).all())
    if retry_after is not None:
        _schedule_retry(platform, retry_after)
    return [(delivery_id, str(statuses[delivery_id])) for delivery_id in ids]


def _schedule_retry(platform: Platform, delay: timedelta) -> None:
    """On RQ, the worker's scheduler sweeps again after the pause; inline, the rows wait for ``ppid mail retry``."""
    try:
        platform.jobs.enqueue_in(delay, deliver_due_job)
    except Exception:  # the rows keep their next_attempt_at: any later sweep takes them
        log.warning("e-mail retry not scheduled", exc_info=True)


def plain_error(error: BaseException) -> str:
    """Why a try failed, in words an officer can pass on (Bahasa Indonesia)."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("Server surat menolak nama pengguna atau kata sandi pengirim.")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("Server surat menolak alamat penerima.")
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("Server surat menolak alamat pengirim.")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("Sambungan ke server surat terputus sebelum pesan diterima.")
    if isinstance(error, smtplib.SMTPResponseException):
        return _("Server surat menolak pesan (kode %(code)s).", code=error.smtp_code)
    if isinstance(error, ConnectionRefusedError):
        return _("Server surat menolak sambungan: server mati atau alamat/port salah.")
    if isinstance(error, TimeoutError | socket.timeout):
        return _("Server surat tidak menjawab dalam %(n)s detik.", n=SMTP_TIMEOUT)
    if isinstance(error, socket.gaierror):
        return _("Nama server surat tidak ditemukan.")
    if isinstance(error, ssl.SSLError):
        return _("Sambungan aman (TLS) ke server surat gagal.")
    if isinstance(error, smtplib.SMTPException):
        return _("Server surat menolak pesan.")
    return _("Pesan tidak dapat dikirim atau disimpan: %(reason)s.", reason=error.strerror or type(error).__name__) \
        if isinstance(error, OSError) else _("Pesan tidak dapat dikirim.")


class QuickCompat32(Compat32):
    """compat32, writing a header that needs no folding or encoding (printable ASCII that fits on its line) as is.

    compat32 sends every header through :class:`email.header.Header`'s folding machinery, which returns such a
    header unchanged: that was 0.15 ms of the 0.18 ms it takes to write a message, two or three a filing
    (issue 17). Every other header is folded by compat32 itself."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        if (isinstance(value, str) and value.isascii() and value.isprintable() and self.max_line_length
                and len(name) + 2 + len(value) <= self.max_line_length):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


QUICK_COMPAT32 = QuickCompat32()


def _message(delivery: MailDelivery, settings: Settings) -> Message:
    """The message as sent: UTF-8 text, 8-bit like the standard library's default policy would make it.

    Built with the compat32 classes: the header registry of ``EmailMessage`` parsed every header again and
    cost three times as much CPU, a fifth of a filing's under a crowd (bench/permohonan.py)."""
    long_lines = any(len(line.encode()) > MAX_LINE_BYTES for line in delivery.body.splitlines())
    message = MIMEText(delivery.body, "plain", UTF8_QUOTED if long_lines else UTF8_8BIT, policy=QUICK_COMPAT32)
    sender_name, sender_address = parseaddr(settings.mail_from)
    message["From"] = formataddr((sender_name, sender_address), charset="utf-8")
    message["To"] = delivery.recipient
    message["Subject"] = Header(delivery.subject, "utf-8") if not delivery.subject.isascii() else delivery.subject
    message["Message-ID"] = delivery.message_id
    message["Date"] = format_datetime(delivery.created_at)
    return message


def _mail_domain(settings: Settings) -> str:
    return settings.mail_from.rpartition("@")[2].strip("> ") or "localhost"
