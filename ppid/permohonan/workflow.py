"""What can be done with a request, under UU KIP Pasal 22, as operations that record events.

No Flask here: the web form, the JSON API and the officer desk all call these, and tests call them
directly. Every operation checks the officer's dinas, the state machine (:data:`status.ALLOWED_FROM`)
and its own legal conditions, then appends one :class:`PermohonanEvent`. A refusal is a
:class:`WorkflowError` whose message (Bahasa Indonesia by default) can be shown as is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property, lru_cache
from typing import IO, TYPE_CHECKING, Any, Protocol

from marshmallow import Schema, ValidationError
from sqlalchemy import LargeBinary, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ppid.accounts.models import Role, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.mail import INSERT_OUTBOX_ARRAYS, NO_OUTBOX_ROWS, hand_over_after_commit, outbox_arrays
from ppid.permohonan import delivery, documents
from ppid.permohonan.access import is_signed
from ppid.permohonan.chain import GENESIS, request_facts, seal, seal_parts
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.deadlines import MAX_EXTENSION_WORKING_DAYS, WorkingCalendar, format_day
from ppid.permohonan.holiday_table import STAMP, UNREAD, cached_calendar
from ppid.permohonan.models import (
    CHAIN_LOCK,
    CHAIN_TAIL,
    ROUTING_EVENTS,
    Channel,
    CloseReason,
    EventKind,
    Keberatan,
    ObjectionDecision,
    Outcome,
    Permohonan,
    PermohonanEvent,
    Requester,
    chain_tail,
)
from ppid.permohonan.numbering import (
    DRAFT_NUMBER,
    format_number,
    hash_token,
    new_tracking_token,
    next_value,
    sequence_scope,
)
from ppid.permohonan.schemas import (
    UNSURE,
    CourtCaseSchema,
    DecisionSchema,
    DeliberationSchema,
    DisputeDecisionSchema,
    DisputeSchema,
    FilingSchema,
    ObjectionDecisionSchema,
    ObjectionSchema,
    OfficerIntakeSchema,
    PaperResponseSchema,
    RequesterResponseSchema,
    localise,
)
from ppid.permohonan.status import ALLOWED_FROM, Status, derive
from ppid.publication.models import ExemptInformation
from ppid.registry import Registry
from ppid.storage import Storage

if TYPE_CHECKING:
    from ppid.permohonan.identity import PersonalDataCipher
    from ppid.permohonan.notices import Notices

log = logging.getLogger(__name__)
REQUESTER_ACTOR = "pemohon"
FileInput = tuple[str | None, IO[bytes]]
"""An uploaded file: its name as sent, and its bytes."""
NUMBER_KIND = "permohonan"
SUBMISSION_KEY_MAX = 100
OBJECTION_NUMBER_KIND = "keberatan"


_WITH_HISTORY = (joinedload(Permohonan.events), joinedload(Permohonan.objections))
"""A tracked request comes with its log and objections in one statement: its status is derived from both at once
(they were two more queries, each through the ORM's lazy loading: issue 17)."""
_BY_TOKEN_HASH = (select(Permohonan, STAMP).options(*_WITH_HISTORY)
                  .where(Permohonan.tracking_token_hash == bindparam("token_hash")))
"""Built once: every tracking page runs it, and building it (and its cache key) cost a page more than a tenth of its
ORM work (issue 17). It brings the holiday table's stamp along, which the page's calendar needs: one round trip
fewer."""


class WorkflowError(Exception):
    """An operation the rules do not allow; the message says why, for the person who tried."""


class TransitionError(WorkflowError):
    """The step is not possible in the request's current state."""


class NotPermitted(WorkflowError):
    """The officer does not handle this request's dinas."""


class SubmissionKeyReused(WorkflowError):
    """A one-time filing key sent again with other contents: refused, never a second request."""


class InvalidInput(WorkflowError):
    """Fields are missing or wrong; ``errors`` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        self.errors = localise(errors)
        super().__init__(_("Periksa kembali isian yang ditandai."))


@dataclass(frozen=True)
class Filed:
    permohonan: Permohonan
    token: str
    """The secret of the tracking link: shown once on the receipt, never stored (only its hash)."""
    replayed: bool = False
    """True when this answers a retry: the request was filed by an earlier call with the same one-time key."""
    status: Status | None = None
    """The new request's status, as its e-mails were composed from it (None for a retry: derive it)."""


def may_handle(user: User, dinas_slug: str | None) -> bool:
    """Officers of the dinas, and region-wide officers and admins (PPID Utama); None = not yet routed."""
    return user.is_active and (user.has_role(Role.OFFICER, dinas_slug) or user.has_role(Role.ADMIN, dinas_slug))


def may_answer_objection(user: User, dinas_slug: str | None) -> bool:
    """Only the atasan PPID answers an objection (Pasal 35(1), 36(2)), not the PPID who decided."""
    return user.is_active and user.has_role(Role.ATASAN, dinas_slug)


def may_view(user: User, dinas_slug: str | None) -> bool:
    return may_handle(user, dinas_slug) or may_answer_objection(user, dinas_slug)


class LetterIssuer(Protocol):
    """Draws and keeps the letters of a decision (:class:`ppid.permohonan.written_notice.Issuer`); a protocol, so
    that the rules of the workflow do not import the PDF machinery."""

    def issue(self, desk: Workflow, cipher: PersonalDataCipher, permohonan: Permohonan,
              event: PermohonanEvent) -> object: ...


class Workflow:
    def __init__(
        self,
        session: Session,
        config: PermohonanConfig,
        registry: Registry,
        *,
        clock: Callable[[], datetime] = utcnow,
        notices: Notices | None = None,
        storage: Storage | None = None,
        issuer: LetterIssuer | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.registry = registry
        self.clock = clock
        self.notices = notices
        """Composes the e-mails of each step (sent on commit); None sends none (tests of the rules alone)."""
        self.storage = storage
        """Where identity documents are kept (:mod:`ppid.storage`); needed only to file or read them."""
        self.issuer = issuer
        """Draws and keeps the letters of each decision as PDF (:mod:`written_notice`); None issues none (tests of
        the rules alone)."""
        self._calendar_stamp: str | object | None = UNREAD

    @cached_property
    def calendar(self) -> WorkingCalendar:
        """The configured calendar with the administrators' holiday table on top: built once per process and
        reused until the table changes (:func:`holiday_table.cached_calendar` checks one stamp row, or the stamp
        read with the request: :meth:`find_by_token`)."""
        return cached_calendar(self.session, self.config.calendar, self._calendar_stamp)

    def today(self) -> date:
        return self.calendar.local_date(self.clock())

    # -- filing ------------------------------------------------------------------------------

    def file(self, data: Mapping[str, Any], *, channel: Channel = Channel.WEB,
             files: Mapping[str, FileInput] | None = None, submission_key: str | None = None) -> Filed:
        """A request filed by the requester on the web or through the API: numbered at once (Pasal 22(4)-(5)).

        ``files`` maps the form fields of :data:`documents.FIELDS` to (file name, stream).
        ``submission_key`` is the filing's one-time key (the form's hidden field, the API's ``Idempotency-Key``):
        a retry with the same key and the same contents gets the first request back (``replayed``), with the
        same number and tracking link; the same key with other contents raises :class:`SubmissionKeyReused`.
        Two calls racing with one key file once: the loser's transaction is rolled back and it gets the winner's.
        """
        submission = None
        if submission_key is not None:
            submission = (_checked_key(submission_key), submission_digest(data, files))
            # With documents, look first: they would be stored before the key's unique index refused the retry.
            # Without, the index alone answers a retry (below), and a first filing spends no query on it.
            replay = self._replay(*submission) if files else None
            if replay is not None:
                return replay
        loaded, uploads = self._load_filing(_filing_schema(frozenset(self._dinas_slugs())), data, files)
        try:
            return self._create(loaded, uploads, channel=channel, received_at=self.clock(), actor_id=None,
                                actor=REQUESTER_ACTOR, extra={}, submission=submission)
        except IntegrityError:
            if submission is None:
                raise
            self.session.rollback()  # the key was filed before, or won a race in another transaction: its request
            replay = self._replay(*submission)
            if replay is None:
                raise
            return replay

    def _replay(self, key: str, digest: str) -> Filed | None:
        """The request filed earlier under ``key``, or None; refused when it was filed with other contents."""
        permohonan = self.session.scalar(select(Permohonan).where(Permohonan.submission_key == key))
        if permohonan is None:
            return None
        if not hmac.compare_digest(permohonan.submission_digest or "", digest):
            raise SubmissionKeyReused(_("Kunci pengajuan ini sudah dipakai untuk permohonan dengan isi yang berbeda; "
                                        "kirim permohonan baru dengan kunci baru."))
        log.info("filing retried with the key of permohonan %s: the first answer is given again", permohonan.number)
        return Filed(permohonan, self.config.cipher.filing_token(key), replayed=True)

    def register(self, data: Mapping[str, Any], *, officer: User, files: Mapping[str, FileInput] | None = None
                 ) -> Filed:
        """A request received by letter, e-mail, phone or in person, recorded by an officer (Pasal 22(1)-(3), (6))."""
        loaded, uploads = self._load_filing(OfficerIntakeSchema(dinas_slugs=self._dinas_slugs()), data, files)
        dinas = _dinas_or_none(loaded["dinas"])
        self._ensure(officer, dinas)
        moment = loaded["jam_diterima"] or time(0, 0)
        received_at = datetime.combine(loaded["tanggal_diterima"], moment, tzinfo=self.calendar.zone)
        if received_at > self.clock():
            raise InvalidInput({"tanggal_diterima": [_("Tanggal dan jam diterima tidak boleh di masa depan.")]})
        extra = {} if loaded["jam_diterima"] else {"jam_tidak_diketahui": True}
        return self._create(loaded, uploads, channel=loaded["saluran"], received_at=received_at,
                            actor_id=officer.id, actor=officer.username, extra=extra)

    def _load_filing(self, schema: Schema, data: Mapping[str, Any], files: Mapping[str, FileInput] | None
                     ) -> tuple[dict[str, Any], list[documents.Upload]]:
        """The form and its documents checked together, so every problem is reported at once."""
        errors: dict[str, Any] = {}
        loaded: dict[str, Any] | None = None
        try:
            loaded = self._load(schema, data)
        except InvalidInput as error:
            errors.update(error.errors)
        uploads = []
        for kind, field in documents.FIELDS.items():
            filename, stream = (files or {}).get(field, (None, None))
            try:
                upload = documents.read_upload(kind, filename, stream) if stream is not None else None
            except documents.DocumentError as error:
                errors[error.field] = [str(error)]
                continue
            if upload is not None:
                uploads.append(upload)
        proxy_field = documents.FIELDS[documents.POWER_OF_ATTORNEY]
        has_power_of_attorney = any(upload.kind == documents.POWER_OF_ATTORNEY for upload in uploads)
        if loaded is not None and loaded["melalui_kuasa"] and not has_power_of_attorney and proxy_field not in errors:
            errors[proxy_field] = [_("Permohonan melalui kuasa wajib melampirkan surat kuasa khusus.")]
        if errors:
            raise InvalidInput(errors)
        return loaded, uploads

    def _create(
        self, loaded: dict[str, Any], uploads: list[documents.Upload], *, channel: Channel, received_at: datetime,
        actor_id: int | None, actor: str, extra: dict[str, Any], submission: tuple[str, str] | None = None,
    ) -> Filed:
        """Everything that does not need the number first: the documents stored, the status derived (the calendar
        read) and the messages drafted, with stand-ins for the number and id (:data:`DRAFT_NUMBER`). Then the
        number, the request, its e-mails (outbox rows) and its first event in the caller's transaction. From the
        number to the commit every other filing waits (on PostgreSQL for the log's chain lock, taken with the number),
        so that stretch holds two statements and little else there (issue 17).

        The rows are written as Core statements and the ORM is then handed the same objects as if it had just
        loaded them: its unit of work cost a filing more CPU than the four inserts themselves (issue 17)."""
        if uploads and self.storage is None:
            raise RuntimeError("Workflow needs a storage to keep identity documents")
        dinas = _dinas_or_none(loaded["dinas"])
        local = self.config.calendar.local_time(received_at)
        scope = sequence_scope(self.config, dinas)
        if submission is not None:
            token = self.config.cipher.filing_token(submission[0])
            token_hash = hash_token(token)
        else:
            token, token_hash = new_tracking_token()
        stored = [documents.store(self.storage, self.config.cipher, upload) for upload in uploads]
        facts = {
            "number": DRAFT_NUMBER, "year": local.year, "sequence_scope": scope, "sequence": 0, "channel": channel,
            "received_at": received_at, "requester_type": loaded["jenis_pemohon"],
            "information_requested": loaded["rincian_informasi"], "purpose": loaded["tujuan_penggunaan"],
            "access_method": loaded["cara_memperoleh"], "copy_format": loaded["format_salinan"],
            "delivery_method": loaded["cara_mendapatkan_salinan"], "tracking_token_hash": token_hash,
            "submission_key": submission[0] if submission else None,
            "submission_digest": submission[1] if submission else None, "created_at": utcnow(),
        }
        person = {
            "full_name": loaded["nama"], "nik": self.config.cipher.encrypt_nik(loaded["nik"]),
            "legal_entity_decree": loaded["nomor_sk_pengesahan"], "address": loaded["alamat"],
            "occupation": loaded["pekerjaan"], "phone": loaded["telepon"], "email": loaded["email"],
            "identity_documents": stored,
        }
        if loaded["melalui_kuasa"]:
            extra = {**extra, "melalui_kuasa": True}
        permohonan, requester = Permohonan(**facts), Requester(**person)
        event = PermohonanEvent(sequence=1, kind=EventKind.RECEIVED, at=self.clock(), actor_user_id=actor_id,
                                actor_name=actor, dinas_slug=dinas, payload={"saluran": channel.value, **extra})
        for name, value in (("requester", requester), ("events", [event]), ("objections", [])):
            set_committed_value(permohonan, name, value)
        set_committed_value(requester, "permohonan", permohonan)
        set_committed_value(event, "permohonan", permohonan)
        connection = self.session.connection()
        on_postgresql = connection.dialect.name == "postgresql"
        if on_postgresql:  # the id before the number: the messages name it, and the sequence has no lock to wait on
            permohonan.id = connection.scalar(_RESERVE_PERMOHONAN_ID)
        status = self.status(permohonan)
        drafts = [] if self.notices is None else self.notices.draft(self, permohonan, requester, event, token=token,
                                                                     status=status)
        sequence = next_value(self.session, kind=NUMBER_KIND, year=local.year, scope=scope, lock_first=CHAIN_LOCK)
        facts["sequence"] = permohonan.sequence = sequence
        facts["number"] = permohonan.number = format_number(self.config.number_format, sequence=sequence,
                                                            year=local.year, month=local.month, dinas_slug=dinas)
        sealed = {"document": request_facts(permohonan), "sequence": event.sequence, "kind": str(event.kind),
                  "at": event.at, "actor_user_id": actor_id, "actor_name": actor, "dinas_slug": dinas,
                  "payload": event.payload}
        row = {"permohonan_id": permohonan.id, "sequence": event.sequence, "kind": event.kind, "at": event.at,
               "actor_user_id": actor_id, "actor_name": actor, "dinas_slug": dinas, "payload": event.payload}
        if on_postgresql:  # one statement: the request, its requester, its e-mails and its sealed first event
            requester.permohonan_id = event.permohonan_id = permohonan.id
            notices = [draft.filled(number=permohonan.number, permohonan_id=permohonan.id) for draft in drafts]
            outbox = NO_OUTBOX_ROWS if self.notices is None else outbox_arrays(self.notices.platform, notices)
            before, after = seal_parts(**sealed)
            event_row = {f"event_{key}": value for key, value in row.items()}
            outbox_ids, event.id, event.prev_hash, event.hash = connection.execute(_FILE_ON_POSTGRESQL, {
                "id": permohonan.id, **facts, **person, **outbox, **event_row, "seal_before": before,
                "seal_after": after}).one()
            if self.notices is not None and outbox_ids:
                hand_over_after_commit(self.session, self.notices.platform, outbox_ids)
        else:
            permohonan.id = connection.execute(_INSERT_PERMOHONAN, facts).scalar_one()
            requester.permohonan_id = event.permohonan_id = row["permohonan_id"] = permohonan.id
            connection.execute(_INSERT_REQUESTER, {"permohonan_id": permohonan.id, **person})
            if self.notices is not None:
                self.notices.write(self.session, [draft.filled(number=permohonan.number, permohonan_id=permohonan.id)
                                                  for draft in drafts])
            event.prev_hash = chain_tail(connection)
            event.hash = seal(**sealed, prev_hash=event.prev_hash)
            event.id = connection.execute(_INSERT_EVENT, {**row, "prev_hash": event.prev_hash, "hash": event.hash}
                                          ).scalar_one()
        _adopt(self.session, permohonan, requester, event)
        return Filed(permohonan, token, status=status)

    # -- reading -----------------------------------------------------------------------------

    def status(self, permohonan: Permohonan) -> Status:
        return derive(permohonan, self.calendar, today=self.today(),
                      pause_clock=self.config.pause_clock_while_awaiting_items,
                      settlement_from_start=self.config.dispute_settlement_from_start)

    def find_by_token(self, token: str) -> Permohonan | None:
        """The request of a tracking link: the receipt's (stored as its hash) or one e-mailed on request (signed,
        :mod:`ppid.permohonan.access`)."""
        if is_signed(token):
            permohonan_id = self.config.links.resolve(token) if self.config.links else None
            return self.session.get(Permohonan, permohonan_id, options=_WITH_HISTORY) \
                if permohonan_id is not None else None
        found = self.session.execute(_BY_TOKEN_HASH, {"token_hash": hash_token(token)}).unique().first()
        if found is None:
            return None
        permohonan, self._calendar_stamp = found
        return permohonan

    def send_tracking_link(self, number: str, email: str) -> None:
        """E-mail a tracking link to the address given at filing when ``number`` and ``email`` match; otherwise do
        nothing. The caller learns neither way which it was (the answer to the asker must not tell)."""
        permohonan = self.find_for_tracking(number, email)
        if permohonan is None or self.notices is None or self.config.links is None:
            return
        self.notices.tracking_link(self, permohonan, self.config.links.issue(permohonan.id))

    def find_for_tracking(self, number: str, email: str) -> Permohonan | None:
        """The request only when the e-mail given at filing matches too: the number alone is guessable."""
        permohonan = self.session.scalar(
            select(Permohonan).where(func.upper(Permohonan.number) == number.strip().upper())
        )
        if permohonan is None:
            return None
        stored = self.session.get(Requester, permohonan.id)
        given = email.strip().lower().encode("utf-8")
        if stored is None or not stored.email or not hmac.compare_digest(stored.email.encode("utf-8"), given):
            return None
        return permohonan

    def find_for_officer(self, permohonan_id: int, officer: User) -> Permohonan | None:
        """None both when it does not exist and when another dinas handles it: no hint either way."""
        permohonan = self.session.get(Permohonan, permohonan_id)
        if permohonan is None or not may_view(officer, self.status(permohonan).dinas_slug):
            return None
        return permohonan

    def requester_of(self, permohonan: Permohonan, officer: User) -> Requester:
        """The requester's personal data, for an officer or atasan of the request's dinas; each access is logged."""
        self._ensure(officer, self.status(permohonan).dinas_slug, may_view)
        log.info("personal data of permohonan %s read by user %s", permohonan.number, officer.username)
        return self.session.get_one(Requester, permohonan.id)

    def nik_of(self, requester: Requester) -> str | None:
        """The decrypted NIK of a requester already read through :meth:`requester_of`."""
        return self.config.cipher.decrypt_nik(requester.nik)

    def identity_document(self, permohonan: Permohonan, officer: User, index: int) -> tuple[dict[str, Any], bytes]:
        """One stored identity document (reference and decrypted bytes), for an officer of the request's dinas."""
        requester = self.requester_of(permohonan, officer)
        if not 0 <= index < len(requester.identity_documents) or self.storage is None:
            raise NotPermitted(_("Dokumen itu tidak ada."))
        reference = requester.identity_documents[index]
        log.info("identity document %s of permohonan %s read by user %s", index, permohonan.number, officer.username)
        return reference, documents.read(self.storage, self.config.cipher, reference)

    def queue(
        self, scope: Iterable[str] | None, *, dinas: str | None = None, include_closed: bool = False,
        year: int | None = None,
    ) -> list[tuple[Permohonan, Status]]:
        """Requests of the dinas in ``scope`` (None: every dinas and the unrouted ones), nearest deadline first.

        ``dinas`` narrows the list to one dinas, or to the unrouted requests when it is ``UNSURE``;
        ``year`` to the requests received in that (local) year, as registers and reports count them.
        """
        handler = _latest(PermohonanEvent.dinas_slug, PermohonanEvent.kind.in_(ROUTING_EVENTS))
        query = select(Permohonan).options(selectinload(Permohonan.events), selectinload(Permohonan.objections))
        if year is not None:
            query = query.where(Permohonan.year == year)
        if scope is not None:
            query = query.where(handler.in_(list(scope)))
        if dinas == UNSURE:
            query = query.where(handler.is_(None))
        elif dinas:
            query = query.where(handler == dinas)
        if not include_closed:  # closed is the latest step: a closed request may still receive an objection
            query = query.where(_latest(PermohonanEvent.kind) != EventKind.CLOSED)
        rows = [(permohonan, self.status(permohonan)) for permohonan in self.session.scalars(query)]
        return sorted(rows, key=lambda row: (not row[1].notice_owed, row[1].due, row[0].id))

    # -- steps -------------------------------------------------------------------------------

    def forward(self, permohonan: Permohonan, *, officer: User, dinas: str, reason: str) -> PermohonanEvent:
        """Send the request to the PPID Pelaksana of another dinas; the clock keeps running (one badan publik)."""
        status = self._prepare(permohonan, officer, EventKind.FORWARDED)
        errors = {}
        if self.registry.get(dinas) is None:
            errors["dinas"] = [_("Dinas tidak dikenal.")]
        elif dinas == status.dinas_slug:
            errors["dinas"] = [_("Permohonan sudah ditangani dinas ini.")]
        if not reason.strip():
            errors["alasan"] = [_("Wajib diisi.")]
        if errors:
            raise InvalidInput(errors)
        return self._append(permohonan, officer, EventKind.FORWARDED,
                            {"dari": status.dinas_slug, "ke": dinas, "alasan": reason.strip()}, dinas_slug=dinas)

    def request_items(self, permohonan: Permohonan, *, officer: User, items: str) -> PermohonanEvent:
        """Ask the requester for what is missing; the 10 days keep running unless configured (kip-rules §4 [U])."""
        self._prepare(permohonan, officer, EventKind.ITEMS_REQUESTED)
        if not items.strip():
            raise InvalidInput({"kekurangan": [_("Sebutkan apa yang perlu dilengkapi pemohon.")]})
        return self._append(permohonan, officer, EventKind.ITEMS_REQUESTED, {"kekurangan": items.strip()})

    def items_supplied(self, permohonan: Permohonan, *, officer: User, note: str = "") -> PermohonanEvent:
        self._prepare(permohonan, officer, EventKind.ITEMS_SUPPLIED)
        payload = {"catatan": note.strip()} if note.strip() else {}
        return self._append(permohonan, officer, EventKind.ITEMS_SUPPLIED, payload)

    def extend(self, permohonan: Permohonan, *, officer: User, days: int, reason: str) -> PermohonanEvent:
        """One extension of at most 7 working days, with written reasons, before the 10 days end (Pasal 22(8))."""
        status = self._prepare(permohonan, officer, EventKind.EXTENDED)
        if status.extended:
            raise TransitionError(_("Batas waktu hanya dapat diperpanjang satu kali (Pasal 22 ayat (8))."))
        if self.today() > status.base_due:
            raise TransitionError(
                _("Perpanjangan harus diberikan paling lambat %(date)s, hari terakhir dari 10 hari kerja "
                  "(Pasal 22 ayat (8)).", date=format_day(status.base_due))
            )
        errors = {}
        if not 1 <= days <= MAX_EXTENSION_WORKING_DAYS:
            errors["hari"] = [_("Perpanjangan 1 sampai %(n)s hari kerja (Pasal 22 ayat (8)).",
                                n=MAX_EXTENSION_WORKING_DAYS)]
        if not reason.strip():
            errors["alasan"] = [_("Alasan perpanjangan wajib ditulis (Pasal 22 ayat (8)).")]
        if errors:
            raise InvalidInput(errors)
        new_due = self.calendar.add_working_days(status.base_due, days)
        payload = {"hari": days, "alasan": reason.strip(), "batas_waktu_sebelumnya": status.due.isoformat(),
                   "batas_waktu_baru": new_due.isoformat()}
        return self._append(permohonan, officer, EventKind.EXTENDED, payload)

    def decide(self, permohonan: Permohonan, *, officer: User, data: Mapping[str, Any]) -> PermohonanEvent:
        """Record the written notice (pemberitahuan tertulis) with its Pasal 22(7) contents."""
        status = self._prepare(permohonan, officer, EventKind.DECIDED)
        if status.decided_on is not None:
            raise TransitionError(_("Pemberitahuan tertulis untuk permohonan ini sudah dikirim pada %(date)s.",
                                    date=format_day(status.decided_on)))
        payload = self._load(DecisionSchema(), data)
        if Outcome(payload["keputusan"]) in (Outcome.GRANTED, Outcome.PARTLY_GRANTED):
            self._delivery_means(permohonan, payload)
        if "dik" in payload:
            payload["dik"] = self._exemption_entry(payload["dik"], status.dinas_slug, payload)
        payload["batas_waktu"] = status.due.isoformat()
        payload["nama_pejabat"] = officer.full_name
        event = self._append(permohonan, officer, EventKind.DECIDED, payload)
        if self.issuer is not None:
            self.issuer.issue(self, self.config.cipher, permohonan, event)
        return event

    def exemption_entries(self, dinas_slug: str | None) -> list[ExemptInformation]:
        """The DIK entries a refusal by this dinas may rest on (the PPID Utama's requests: every dinas's): those
        still in force, never one whose information was opened (UU KIP Pasal 20)."""
        query = select(ExemptInformation).where(ExemptInformation.opened_on.is_(None)).order_by(
            ExemptInformation.public_title)
        if dinas_slug is not None:
            query = query.where(ExemptInformation.dinas_slug == dinas_slug)
        return list(self.session.scalars(query))

    def _exemption_entry(self, entry_id: int, dinas_slug: str | None, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The DIK entry named by a refusal, kept in the notice as it reads now (the log is never rewritten, so a
        later edit of the register does not change what the requester was told), with the number of the version it
        rests on, whose consequence test the DIK keeps (:func:`ppid.publication.dik.versions`)."""
        entry = next((item for item in self.exemption_entries(dinas_slug) if item.id == entry_id), None)
        if entry is None:
            raise InvalidInput({"dik": [_("Pilih entri DIK perangkat daerah yang menangani permohonan ini.")]})
        if entry.pasal_17_letter not in payload.get("dasar_pengecualian", []):
            raise InvalidInput({"dik": [_("Entri DIK ini berdasar Pasal 17 huruf %(letter)s; pilih juga dasar itu, "
                                          "atau entri lain.", letter=entry.pasal_17_letter)]})
        return {"id": entry.id, "versi": entry.version, "judul": entry.public_title, "pasal_17": entry.pasal_17_letter,
                "nomor_sk": entry.sk_number, "tanggal_sk": entry.sk_date.isoformat(),
                "berakhir": entry.ends_on.isoformat()}

    @staticmethod
    def _delivery_means(permohonan: Permohonan, payload: dict[str, Any]) -> None:
        """Pasal 22(7)(f): the means of delivery and the format of what is given, recorded with every grant; when
        the officer leaves them open, the requester's own choice at filing (Pasal 22(2)) is what was decided (a
        request to inspect has none: the notice then names the inspection)."""
        if not payload.get("alat_penyampai") and permohonan.delivery_method is not None:
            payload["alat_penyampai"] = permohonan.delivery_method.value
        if not payload.get("bentuk") and permohonan.copy_format is not None:
            payload["bentuk"] = permohonan.copy_format.value

    def close(
        self, permohonan: Permohonan, *, officer: User, reason: CloseReason | str, note: str = "",
        files: Iterable[delivery.AnswerFile] = (),
    ) -> PermohonanEvent:
        """Close: information handed over (with the files that carry it, if any), or nothing left to do after
        the notice, or withdrawn by the requester."""
        status = self._prepare(permohonan, officer, EventKind.CLOSED)
        try:
            reason = CloseReason(reason)
        except ValueError as error:
            choices = ", ".join(member.value for member in CloseReason)
            raise InvalidInput({"alasan": [_("Pilih salah satu: %(choices)s.", choices=choices)]}) from error
        if reason != CloseReason.WITHDRAWN and status.decided_on is None and status.objection is None:
            raise TransitionError(
                _("Permohonan hanya dapat ditutup setelah pemberitahuan tertulis dikirim, kecuali ditarik pemohon.")
            )
        granted = status.outcome in (Outcome.GRANTED, Outcome.PARTLY_GRANTED) or (
            status.objection is not None and status.objection.decision in (ObjectionDecision.ACCEPTED,
                                                                           ObjectionDecision.SETTLED)
        )
        if reason == CloseReason.DELIVERED and not granted:
            raise TransitionError(_("Informasi hanya diserahkan bila permohonan dikabulkan seluruhnya atau sebagian, "
                                    "atau keberatan diterima."))
        payload: dict[str, Any] = {"alasan": reason.value, **({"catatan": note.strip()} if note.strip() else {})}
        files = list(files)
        if files and reason != CloseReason.DELIVERED:
            raise InvalidInput({"berkas": [_("Lampirkan berkas hanya bila informasi diserahkan.")]})
        if files:
            if self.storage is None:
                raise RuntimeError("Workflow needs a storage to keep the information handed over")
            try:
                payload["berkas"] = [delivery.store(self.storage, answer) for answer in files]
            except delivery.DeliveryError as error:
                raise InvalidInput({"berkas": [str(error)]}) from error
        return self._append(permohonan, officer, EventKind.CLOSED, payload)

    def delivered_files(self, permohonan: Permohonan) -> list[dict[str, Any]]:
        """The files handed over to the requester, in the order they were attached."""
        return [reference for event in permohonan.events if event.kind == EventKind.CLOSED
                for reference in (event.payload or {}).get("berkas", [])]

    def open_delivered(self, permohonan: Permohonan, index: int) -> tuple[dict[str, Any], IO[bytes]] | None:
        """One handed-over file as a stream, or None; the caller has already identified who is asking."""
        files = self.delivered_files(permohonan)
        if not 0 <= index < len(files) or self.storage is None:
            return None
        return files[index], self.storage.open(files[index]["kunci"])

    # -- objections (keberatan) ---------------------------------------------------------------

    def objection_refusal(self, status: Status, permohonan: Permohonan) -> str | None:
        """Why no objection can be filed now, or None when it can (Pasal 35(1), 36(1))."""
        if permohonan.objections:
            return _("Keberatan atas permohonan ini sudah diajukan; bila tanggapannya tidak memuaskan, langkah "
                     "berikutnya adalah sengketa ke Komisi Informasi (Pasal 37).")
        if status.phase not in ALLOWED_FROM[EventKind.OBJECTION_FILED] or status.objection_deadline is None:
            return _("Keberatan dapat diajukan setelah PPID mengirim pemberitahuan tertulis, atau setelah batas "
                     "waktunya lewat tanpa pemberitahuan (Pasal 35 ayat (1)).")
        return None

    def file_objection(
        self, permohonan: Permohonan, data: Mapping[str, Any], *, officer: User | None = None
    ) -> Keberatan:
        """A written objection to the atasan PPID, numbered at once; filed by the requester or recorded by an
        officer (``officer``). Filing after the 30-day window is recorded and flagged, not refused: when that
        window starts is unconfirmed (kip-rules §11.4)."""
        status = self._prepare(permohonan, officer, EventKind.OBJECTION_FILED)
        refusal = self.objection_refusal(status, permohonan)
        if refusal:
            raise TransitionError(refusal)
        loaded = self._load(ObjectionSchema(), data)
        problems = [problem for letter in loaded["alasan"] if (problem := self._ground_problem(letter, status))]
        if problems:
            raise InvalidInput({"alasan": problems})
        received_at = self.clock()
        local = self.calendar.local_time(received_at)
        scope = sequence_scope(self.config, status.dinas_slug)
        sequence = next_value(self.session, kind=OBJECTION_NUMBER_KIND, year=local.year, scope=scope)
        objection = Keberatan(
            number=format_number(self.config.objection_number_format, sequence=sequence, year=local.year,
                                 month=local.month, dinas_slug=status.dinas_slug),
            year=local.year, sequence_scope=scope, sequence=sequence, received_at=received_at,
            grounds=loaded["alasan"], case_description=loaded["kasus_posisi"],
        )
        permohonan.objections.append(objection)
        self.session.flush()
        payload = {"keberatan_id": objection.id, "nomor": objection.number, "alasan": loaded["alasan"],
                   "batas_keberatan": status.objection_deadline.isoformat()}
        self._append(permohonan, officer, EventKind.OBJECTION_FILED, payload)
        return objection

    def answer_objection(self, permohonan: Permohonan, *, officer: User, data: Mapping[str, Any]) -> PermohonanEvent:
        """The atasan PPID's written answer (Pasal 36(2)); upholding the PPID needs written reasons (36(3))."""
        status = self._prepare(permohonan, officer, EventKind.OBJECTION_DECIDED, may_answer_objection)
        payload = self._load(ObjectionDecisionSchema(), data)
        objection = status.objection.keberatan
        payload.update(keberatan_id=objection.id, nomor=objection.number, nama_atasan=officer.full_name,
                       batas_waktu=status.objection.answer_due.isoformat())
        return self._append(permohonan, officer, EventKind.OBJECTION_DECIDED, payload)

    def deliberation_refusal(self, status: Status) -> str | None:
        """Why no musyawarah can be recorded now, or None when it can (Pasal 35(2))."""
        if status.phase not in ALLOWED_FROM[EventKind.DELIBERATION] or status.objection is None:
            return _("Musyawarah dicatat selama keberatan diperiksa, sebelum atasan PPID memberi tanggapan.")
        if not status.objection.deliberable:
            return _("Keberatan dengan alasan Pasal 35 ayat (1) huruf a (penolakan berdasarkan Pasal 17) tidak dapat "
                     "diselesaikan melalui musyawarah (Pasal 35 ayat (2)); atasan PPID wajib memberi tanggapan "
                     "tertulis.")
        return None

    def record_deliberation(self, permohonan: Permohonan, *, officer: User, data: Mapping[str, Any]
                            ) -> PermohonanEvent:
        """A musyawarah meeting between the requester and the public body on an objection on grounds b-g
        (Pasal 35(2)), recorded by whoever may answer the objection. An agreement ends the objection
        (:attr:`ObjectionDecision.SETTLED`); a meeting without one leaves it open with its deadline."""
        status = self._prepare(permohonan, officer, EventKind.DELIBERATION, may_answer_objection)
        refusal = self.deliberation_refusal(status)
        if refusal:
            raise TransitionError(refusal)
        payload = self._load(DeliberationSchema(), data)
        held_on, start = date.fromisoformat(payload["tanggal"]), status.objection.receipt.received_at
        if not self.calendar.local_date(start) <= held_on <= self.today():
            raise InvalidInput({"tanggal": [_("Tanggal musyawarah harus antara %(start)s dan hari ini.",
                                              start=format_day(self.calendar.local_date(start)))]})
        payload.update(keberatan_id=status.objection.keberatan.id, nomor=status.objection.keberatan.number,
                       nama_petugas=officer.full_name)
        return self._append(permohonan, officer, EventKind.DELIBERATION, payload)

    def response_refusal(self, status: Status) -> str | None:
        """Why the requester's response to the objection's outcome cannot be recorded now, or None."""
        objection = status.objection
        if objection is None or objection.decision is None:
            return _("Tanggapan pemohon diberikan setelah atasan PPID menanggapi keberatan atau keberatan selesai "
                     "melalui musyawarah.")
        if objection.response is not None:
            return _("Tanggapan pemohon atas keberatan ini sudah tercatat.")
        return None

    def record_response(self, permohonan: Permohonan, data: Mapping[str, Any], *, officer: User | None = None
                        ) -> PermohonanEvent:
        """The requester's response to the superior's answer or the settlement (register keberatan column k):
        given on the tracking page, or received on paper and recorded by an officer with the day it arrived."""
        status = self._prepare(permohonan, officer, EventKind.REQUESTER_RESPONSE, may_view)
        refusal = self.response_refusal(status)
        if refusal:
            raise TransitionError(refusal)
        payload = self._load(RequesterResponseSchema() if officer is None else PaperResponseSchema(), data)
        if officer is not None:
            received = date.fromisoformat(payload["tanggal_diterima"])
            if not status.objection.decided_on <= received <= self.today():
                raise InvalidInput({"tanggal_diterima": [_("Tanggal diterima harus antara %(start)s dan hari ini.",
                                                           start=format_day(status.objection.decided_on))]})
        payload.update(keberatan_id=status.objection.keberatan.id)
        return self._append(permohonan, officer, EventKind.REQUESTER_RESPONSE, payload)

    def dispute_refusal(self, status: Status) -> str | None:
        """Why no dispute can be recorded now, or None when it can (Pasal 37(1))."""
        objection = status.objection
        if objection is not None and objection.settled:
            return _("Keberatan telah selesai melalui musyawarah dengan kesepakatan para pihak (Pasal 35 ayat (2)).")
        if status.phase not in ALLOWED_FROM[EventKind.DISPUTE_FILED] or objection is None or (
                objection.decided_on is None and not objection.overdue):
            return _("Sengketa ke Komisi Informasi diajukan setelah atasan PPID menanggapi keberatan, atau setelah "
                     "batas tanggapannya lewat (Pasal 37 ayat (1)).")
        return None

    def record_dispute(self, permohonan: Permohonan, *, data: Mapping[str, Any],
                       officer: User | None = None) -> PermohonanEvent:
        """The requester took the matter to the Komisi Informasi (Pasal 37(1)): after the atasan PPID's answer,
        or once its 30 working days passed unanswered (Pasal 36(2); KI practice, kip-rules §2.6). Recorded by
        the requester on the tracking page, or by an officer (``officer``) from the KI's letter."""
        status = self._prepare(permohonan, officer, EventKind.DISPUTE_FILED, may_view)
        refusal = self.dispute_refusal(status)
        if refusal:
            raise TransitionError(refusal)
        objection = status.objection
        payload = self._load(DisputeSchema(), data)
        filed_on = date.fromisoformat(payload["tanggal_diajukan"])
        earliest = objection.decided_on or objection.answer_due
        if filed_on > self.today() or filed_on < earliest:
            raise InvalidInput({"tanggal_diajukan": [_("Tanggal pengajuan sengketa harus antara %(start)s dan hari "
                                                       "ini.", start=format_day(earliest))]})
        if date.fromisoformat(payload.get("tanggal_diterima_ki", payload["tanggal_diajukan"])) > self.today():
            raise InvalidInput({"tanggal_diterima_ki": [_("Tanggal diterima Komisi Informasi tidak boleh sesudah hari "
                                                          "ini.")]})
        return self._append(permohonan, officer, EventKind.DISPUTE_FILED, payload)

    def record_dispute_outcome(self, permohonan: Permohonan, *, officer: User,
                               data: Mapping[str, Any]) -> PermohonanEvent:
        """How the Komisi Informasi ended the dispute (Pasal 38-46), recorded from its agreement or ruling."""
        status = self._prepare(permohonan, officer, EventKind.DISPUTE_DECIDED, may_view)
        payload = self._load(DisputeDecisionSchema(), data)
        dispute = status.objection.dispute
        decided_on = date.fromisoformat(payload["tanggal_putusan"])
        if not dispute.received_by_ki <= decided_on <= self.today():
            raise InvalidInput({"tanggal_putusan": [_("Tanggal putusan harus antara %(start)s dan hari ini.",
                                                      start=format_day(dispute.received_by_ki))]})
        payload["batas_penyelesaian"] = dispute.settle_by.isoformat()
        return self._append(permohonan, officer, EventKind.DISPUTE_DECIDED, payload)

    def record_court_case(self, permohonan: Permohonan, *, officer: User, data: Mapping[str, Any]) -> PermohonanEvent:
        """A court stage after the KI's adjudication (Pasal 47-50); recording the same case again adds its ruling."""
        status = self._prepare(permohonan, officer, EventKind.COURT_CASE, may_view)
        dispute = status.objection.dispute
        if not dispute.court_possible:
            raise TransitionError(_("Putusan mediasi bersifat final dan mengikat, dan sengketa yang dicabut telah "
                                    "selesai: keduanya tidak dapat digugat ke pengadilan (Pasal 39 dan 47)."))
        payload = self._load(CourtCaseSchema(), data)
        if date.fromisoformat(payload["tanggal_didaftarkan"]) < dispute.decided_on or any(
            date.fromisoformat(payload[key]) > self.today()
            for key in ("tanggal_didaftarkan", "tanggal_putusan") if key in payload
        ):
            raise InvalidInput({"tanggal_didaftarkan": [_("Tanggal perkara harus antara putusan Komisi Informasi "
                                                          "(%(start)s) dan hari ini.",
                                                          start=format_day(dispute.decided_on))]})
        return self._append(permohonan, officer, EventKind.COURT_CASE, payload)

    @staticmethod
    def _ground_problem(letter: str, status: Status) -> str | None:
        """A Pasal 35(1) ground that the request's own history contradicts."""
        if letter == "a" and status.outcome not in (Outcome.REFUSED, Outcome.PARTLY_GRANTED):
            return _("Alasan a hanya untuk permohonan yang ditolak berdasarkan Pasal 17.")
        if letter == "c" and not status.overdue:
            return _("Alasan c hanya bila PPID tidak memberi pemberitahuan tertulis sampai batas waktunya lewat.")
        if letter == "g" and not (status.overdue or status.answered_late):
            return _("Alasan g hanya bila tanggapan PPID melewati batas waktu.")
        if letter in ("d", "f") and status.decided_on is None:
            return _("Alasan %(letter)s memerlukan pemberitahuan tertulis dari PPID.", letter=letter)
        return None

    # -- internals ---------------------------------------------------------------------------

    def _prepare(
        self, permohonan: Permohonan, actor: User | None, kind: EventKind,
        permission: Callable[[User, str | None], bool] = may_handle,
    ) -> Status:
        """Lock the request (PostgreSQL), re-read its events, check the actor and the state machine.

        ``actor`` is None for the requester, whom the caller has identified by the tracking secret.
        """
        self.session.execute(select(Permohonan.id).where(Permohonan.id == permohonan.id).with_for_update())
        self.session.refresh(permohonan, ["events", "objections"])
        status = self.status(permohonan)
        if actor is not None:
            self._ensure(actor, status.dinas_slug, permission)
        if status.phase not in ALLOWED_FROM[kind]:
            raise TransitionError(
                _("Langkah \"%(step)s\" tidak dapat dilakukan: status permohonan %(number)s adalah \"%(phase)s\".",
                  step=kind.label, number=permohonan.number, phase=status.phase.label)
            )
        return status

    def _append(
        self, permohonan: Permohonan, actor: User | None, kind: EventKind, payload: dict[str, Any],
        *, dinas_slug: str | None = None,
    ) -> PermohonanEvent:
        event = PermohonanEvent(sequence=len(permohonan.events) + 1, kind=kind, at=self.clock(),
                                actor_user_id=actor.id if actor else None,
                                actor_name=actor.username if actor else REQUESTER_ACTOR,
                                dinas_slug=dinas_slug, payload=payload)
        permohonan.events.append(event)
        self.session.flush()
        self._notify(permohonan, event)
        return event

    def _notify(self, permohonan: Permohonan, event: PermohonanEvent) -> None:
        """Write the step's messages (a filing drafts its own before its number: :meth:`_create`)."""
        if self.notices is not None:
            self.notices.step_recorded(self, permohonan, event)

    def _ensure(
        self, user: User, dinas_slug: str | None, permission: Callable[[User, str | None], bool] = may_handle
    ) -> None:
        if not permission(user, dinas_slug):
            raise NotPermitted(_("Anda tidak menangani permohonan untuk %(who)s.", who=self.handler_name(dinas_slug)))

    def handler_name(self, dinas_slug: str | None) -> str:
        """Who answers the request: a dinas's name, or the PPID Utama while unrouted."""
        dinas = self.registry.get(dinas_slug) if dinas_slug else None
        return dinas.name if dinas else _("PPID Utama")

    def _dinas_slugs(self) -> list[str]:
        return [dinas.slug for dinas in self.registry.dinas]

    @staticmethod
    def _load(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return schema.load(data)
        except ValidationError as error:
            raise InvalidInput(error.messages) from error


@lru_cache(maxsize=8)
def _filing_schema(dinas_slugs: frozenset[str]) -> FilingSchema:
    """The public filing form's schema for these dinas, built once: a schema holds no state between loads, and
    building one cost a filing more than loading with it."""
    return FilingSchema(dinas_slugs=dinas_slugs)


_permohonan, _requester = Permohonan.__table__, Requester.__table__
_INSERT_PERMOHONAN = insert(_permohonan).returning(_permohonan.c.id)
_INSERT_REQUESTER = insert(_requester)
_RESERVE_PERMOHONAN_ID = select(func.nextval(func.pg_get_serial_sequence(_permohonan.name, _permohonan.c.id.name)))
_FILED = (insert(_permohonan)
          .values({column.key: bindparam(column.key, type_=column.type) for column in _permohonan.c})
          .returning(_permohonan.c.id).cte("filed"))
_PERSON = [column for column in _requester.c if column.key != "permohonan_id"]
_REQUESTER_OF_FILED = insert(_requester).from_select(
    ["permohonan_id", *(column.key for column in _PERSON)],
    select(_FILED.c.id, *(bindparam(column.key, type_=column.type) for column in _PERSON))).cte("person")
_OUTBOX_OF_FILED = INSERT_OUTBOX_ARRAYS.cte("outbox")
_events = PermohonanEvent.__table__
_TAIL = select(func.coalesce(CHAIN_TAIL.scalar_subquery(), GENESIS).label("hash")).cte("tail")
_EVENT_ROW = ("permohonan_id", "sequence", "kind", "at", "actor_user_id", "actor_name", "dinas_slug", "payload")
_SEAL = func.encode(func.sha256(bindparam("seal_before", type_=LargeBinary)
                                .op("||", return_type=LargeBinary)(func.convert_to(_TAIL.c.hash, "UTF8"))
                                .op("||", return_type=LargeBinary)(bindparam("seal_after", type_=LargeBinary))), "hex")
_EVENT_OF_FILED = insert(_events).from_select(
    [*_EVENT_ROW, "prev_hash", "hash"],
    select(*(bindparam(f"event_{name}", type_=_events.c[name].type) for name in _EVENT_ROW), _TAIL.c.hash, _SEAL)
    .select_from(_TAIL),
).returning(_events.c.id, _events.c.prev_hash, _events.c.hash).cte("event")
_FILE_ON_POSTGRESQL = select(
    select(func.array_agg(_OUTBOX_OF_FILED.c.id)).scalar_subquery(),
    _EVENT_OF_FILED.c.id, _EVENT_OF_FILED.c.prev_hash, _EVENT_OF_FILED.c.hash,
).add_cte(_FILED, _REQUESTER_OF_FILED)
_INSERT_EVENT = insert(PermohonanEvent.__table__).returning(PermohonanEvent.__table__.c.id)
"""A filing's rows, as statements built once (:meth:`Workflow._create`). On PostgreSQL the request, its requester,
its e-mails and its first event, sealed onto the log's tail (:func:`chain.seal_parts`), are one statement of
data-modifying CTEs, and the request's id is reserved before the number:
from the number to the commit every other filing waits, and each round trip there cost it a wait for the GIL too."""


def _adopt(session: Session, *instances: Any) -> None:
    """Make ``instances``, whose rows were just inserted as Core, clean objects of ``session``, as a query would
    have loaded them (no second insert at the flush). Their relations must be set already, as loaded
    (``set_committed_value``): adding an object cascades to them."""
    for instance in instances:
        make_transient_to_detached(instance)
    session.add_all(instances)


def _latest(column: Any, *conditions: Any) -> Any:
    """``column`` of a request's latest event (matching ``conditions``), as a correlated SQL subquery."""
    return (
        select(column)
        .where(PermohonanEvent.permohonan_id == Permohonan.id, *conditions)
        .order_by(PermohonanEvent.sequence.desc())
        .limit(1)
        .correlate(Permohonan)
        .scalar_subquery()
    )


def submission_digest(data: Mapping[str, Any], files: Mapping[str, FileInput] | None = None) -> str:
    """SHA-256 of what a filing sent (the fields, and the names of its files): equal for a faithful retry."""
    names = {field: filename for field, (filename, _stream) in (files or {}).items()}
    canonical = json.dumps({"data": dict(data), "files": names}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _checked_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > SUBMISSION_KEY_MAX or not key.isascii() or not key.isprintable():
        raise InvalidInput({"kunci_pengajuan": [_("Kunci pengajuan harus 1-%(n)s karakter ASCII yang dapat dicetak.",
                                                  n=SUBMISSION_KEY_MAX)]})
    return key


def _dinas_or_none(value: str) -> str | None:
    return None if value == UNSURE else value
