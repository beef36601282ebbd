"""Requests (permohonan), their append-only events, the requester's personal data and the number counters.

Nothing here stores a status: the state of a request is derived from its events
(:mod:`ppid.permohonan.status`), and "overdue" is computed from the calendar on every read.
The requester's personal data (UU 27/2022) lives in its own table, loaded only on purpose
(``lazy="raise"``), so a public page cannot reach it by accident.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _
from ppid.permohonan.chain import GENESIS, request_facts, seal


def _enum(enum_class: type[enum.Enum], length: int = 30) -> Enum:
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Labelled(enum.StrEnum):
    """An enum whose members have a Bahasa Indonesia label, translated when read."""

    @property
    def label(self) -> str:
        return _(self._labels()[self.value])

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError


class Channel(Labelled):
    """How the request arrived; UU KIP Pasal 22(1)-(3): in writing or not, all recorded alike."""

    WEB = "web"
    API = "api"
    LETTER = "surat"
    EMAIL = "email"
    PHONE = "telepon"
    IN_PERSON = "langsung"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"web": N_("laman web"), "api": N_("API"), "surat": N_("surat"), "email": N_("e-mail"),
                "telepon": N_("telepon"), "langsung": N_("datang langsung")}


OFFICER_CHANNELS = (Channel.LETTER, Channel.EMAIL, Channel.PHONE, Channel.IN_PERSON)


class RequesterType(Labelled):
    """Pemohon: a citizen or an Indonesian legal entity (UU KIP Pasal 1 angka 12), or a group (kip-rules §5.4)."""

    PERSON = "perorangan"
    LEGAL_ENTITY = "badan_hukum"
    GROUP = "kelompok"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"perorangan": N_("perorangan"), "badan_hukum": N_("badan hukum"), "kelompok": N_("kelompok orang")}


class AccessMethod(Labelled):
    """Cara memperoleh informasi (Perki 1/2010 Lampiran III, item 8)."""

    INSPECT = "melihat"
    COPY = "salinan"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"melihat": N_("melihat / membaca / mendengarkan / mencatat"), "salinan": N_("mendapatkan salinan")}


class CopyFormat(Labelled):
    """The format of a copy: UU KIP Pasal 22(2) requires it to be recorded."""

    SOFTCOPY = "softcopy"
    HARDCOPY = "hardcopy"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"softcopy": N_("salinan elektronik (softcopy)"), "hardcopy": N_("salinan cetak (hardcopy)")}


class DeliveryMethod(Labelled):
    """Cara mendapatkan salinan (Perki 1/2010 Lampiran III, item 9; Pasal 22(2) "cara penyampaian")."""

    COLLECT = "mengambil_langsung"
    COURIER = "kurir"
    POST = "pos"
    FAX = "faksimili"
    EMAIL = "email"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"mengambil_langsung": N_("mengambil langsung"), "kurir": N_("kurir"), "pos": N_("pos"),
                "faksimili": N_("faksimili"), "email": N_("e-mail")}


class EventKind(Labelled):
    RECEIVED = "diterima"
    FORWARDED = "diteruskan"
    ITEMS_REQUESTED = "kelengkapan_diminta"
    ITEMS_SUPPLIED = "kelengkapan_dipenuhi"
    EXTENDED = "diperpanjang"
    DECIDED = "diputuskan"
    CLOSED = "ditutup"
    OBJECTION_FILED = "keberatan_diajukan"
    OBJECTION_DECIDED = "keberatan_diputus"
    DISPUTE_FILED = "sengketa_diajukan"
    DISPUTE_DECIDED = "sengketa_diputus"
    COURT_CASE = "perkara_pengadilan"
    DELIBERATION = "musyawarah"
    REQUESTER_RESPONSE = "tanggapan_pemohon"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "diterima": N_("Permohonan diterima dan didaftarkan"),
            "diteruskan": N_("Diteruskan ke PPID Pelaksana lain"),
            "kelengkapan_diminta": N_("PPID meminta kelengkapan"),
            "kelengkapan_dipenuhi": N_("Kelengkapan dipenuhi"),
            "diperpanjang": N_("Batas waktu diperpanjang"),
            "diputuskan": N_("Pemberitahuan tertulis dikirim"),
            "ditutup": N_("Permohonan ditutup"),
            "keberatan_diajukan": N_("Keberatan diajukan"),
            "keberatan_diputus": N_("Tanggapan atasan PPID atas keberatan"),
            "sengketa_diajukan": N_("Sengketa diajukan ke Komisi Informasi"),
            "sengketa_diputus": N_("Sengketa diselesaikan oleh Komisi Informasi"),
            "perkara_pengadilan": N_("Perkara di pengadilan"),
            "musyawarah": N_("Musyawarah atas keberatan (Pasal 35 ayat (2))"),
            "tanggapan_pemohon": N_("Tanggapan pemohon atas jawaban keberatan"),
        }


ROUTING_EVENTS = (EventKind.RECEIVED, EventKind.FORWARDED)
"""Events that set which dinas handles the request (their ``dinas_slug``)."""


class Outcome(Labelled):
    """The decision in the written notice, UU KIP Pasal 22(7) a-e, plus Pasal 6(3) "belum didokumentasikan"."""

    GRANTED = "dikabulkan_seluruhnya"
    PARTLY_GRANTED = "dikabulkan_sebagian"
    REFUSED = "ditolak"
    NOT_HELD = "tidak_dikuasai"
    NOT_DOCUMENTED = "belum_didokumentasikan"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "dikabulkan_seluruhnya": N_("dikabulkan seluruhnya"),
            "dikabulkan_sebagian": N_("dikabulkan sebagian"),
            "ditolak": N_("ditolak (informasi yang dikecualikan)"),
            "tidak_dikuasai": N_("informasi tidak dikuasai"),
            "belum_didokumentasikan": N_("informasi belum didokumentasikan"),
        }


class CloseReason(Labelled):
    DELIVERED = "informasi_diserahkan"
    WITHDRAWN = "ditarik_pemohon"
    COMPLETED = "selesai"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"informasi_diserahkan": N_("informasi telah diserahkan"), "ditarik_pemohon": N_("ditarik oleh pemohon"),
                "selesai": N_("selesai")}


class ObjectionDecision(Labelled):
    """The atasan PPID's written answer (UU KIP Pasal 36(2)); upholding needs written reasons (Pasal 36(3))."""

    ACCEPTED = "diterima"
    UPHELD = "ditolak"
    SETTLED = "musyawarah"
    """Ended by an agreement reached in musyawarah (Pasal 35(2)); recorded by :attr:`EventKind.DELIBERATION`, never
    chosen in the atasan's answer."""

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"diterima": N_("keberatan diterima"), "ditolak": N_("keberatan ditolak; keputusan PPID dikuatkan"),
                "musyawarah": N_("selesai melalui musyawarah (Pasal 35 ayat (2))")}


class DisputeResult(Labelled):
    """How the Komisi Informasi ended a dispute (UU KIP Pasal 38-46; Perki 1/2013 PPSI): by mediation or by
    non-litigation adjudication, or without a ruling on the merits."""

    MEDIATED = "mediasi_berhasil"
    GRANTED = "dikabulkan_seluruhnya"
    PARTLY_GRANTED = "dikabulkan_sebagian"
    REFUSED = "ditolak"
    INADMISSIBLE = "tidak_dapat_diterima"
    WITHDRAWN = "dicabut"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "mediasi_berhasil": N_("mediasi berhasil: kesepakatan para pihak (Pasal 39)"),
            "dikabulkan_seluruhnya": N_("ajudikasi: permohonan pemohon dikabulkan seluruhnya"),
            "dikabulkan_sebagian": N_("ajudikasi: permohonan pemohon dikabulkan sebagian"),
            "ditolak": N_("ajudikasi: permohonan pemohon ditolak"),
            "tidak_dapat_diterima": N_("permohonan sengketa tidak dapat diterima"),
            "dicabut": N_("sengketa dicabut oleh pemohon"),
        }


class CourtLevel(Labelled):
    """Where a party took the Komisi Informasi's adjudication (UU KIP Pasal 47-50)."""

    PTUN = "ptun"
    PN = "pengadilan_negeri"
    KASASI = "kasasi"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "ptun": N_("gugatan ke Pengadilan Tata Usaha Negara (Pasal 47 ayat (1))"),
            "pengadilan_negeri": N_("gugatan ke Pengadilan Negeri (Pasal 47 ayat (2))"),
            "kasasi": N_("kasasi ke Mahkamah Agung (Pasal 50)"),
        }


class Permohonan(Base):
    """One request: the immutable facts of its filing. What happened next is in :attr:`events`."""

    __tablename__ = "permohonan"
    __table_args__ = (UniqueConstraint("year", "sequence_scope", "sequence"),
                      Index("uq_permohonan_submission_key", "submission_key", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    """Nomor pendaftaran (UU KIP Pasal 22(4)-(5)): issued at receipt, never changed, never reused."""
    year: Mapped[int] = mapped_column(Integer)
    sequence_scope: Mapped[str] = mapped_column(String(60))
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, 20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """The true moment of receipt; day 0 is derived from it by the calendar (kip-rules §7.2(2))."""
    requester_type: Mapped[RequesterType] = mapped_column(_enum(RequesterType, 20))
    information_requested: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    access_method: Mapped[AccessMethod] = mapped_column(_enum(AccessMethod, 20))
    copy_format: Mapped[CopyFormat | None] = mapped_column(_enum(CopyFormat, 20), nullable=True)
    delivery_method: Mapped[DeliveryMethod | None] = mapped_column(_enum(DeliveryMethod, 30), nullable=True)
    tracking_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the secret tracking link; the link itself is shown once, on the receipt."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    submission_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    """The filing's one-time key (the form's hidden field, or the API's ``Idempotency-Key`` header): a retry
    with the same key gets this request back instead of filing a second one."""
    submission_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """SHA-256 of what was filed under :attr:`submission_key`: the same key with other contents is refused."""

    events: Mapped[list[PermohonanEvent]] = relationship(
        back_populates="permohonan", order_by="PermohonanEvent.sequence", cascade="save-update, merge"
    )
    requester: Mapped[Requester] = relationship(back_populates="permohonan", lazy="raise", cascade="all")
    objections: Mapped[list[Keberatan]] = relationship(
        back_populates="permohonan", order_by="Keberatan.id", cascade="save-update, merge"
    )


class Requester(Base):
    """The requester's personal data (UU 27/2022 Pasal 4: data combined to identify a person).

    Never shown publicly; only officers of the handling dinas read it. Kept apart so that it can be
    protected, and erased at the end of its retention period without touching the register.
    """

    __tablename__ = "permohonan_pemohon"

    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id", ondelete="CASCADE"), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    nik: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """Encrypted (Fernet, :mod:`ppid.permohonan.identity`); read it with ``Workflow.nik_of``."""
    legal_entity_decree: Mapped[str | None] = mapped_column(String(120), nullable=True)
    """Nomor SK pengesahan badan hukum (kip-rules §5.3 c)."""
    address: Mapped[str] = mapped_column(Text)
    occupation: Mapped[str | None] = mapped_column(String(120), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(30), nullable=True)
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    identity_documents: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    """References to stored scans (KTP, akta, surat kuasa): storage key, file name, media type."""

    permohonan: Mapped[Permohonan] = relationship(back_populates="requester")


class PermohonanEvent(Base):
    """One step in the life of a request: who, when, what, and its details. Never updated, never deleted.

    Payloads must not repeat the requester's personal data, which lives only in :class:`Requester`.
    """

    __tablename__ = "permohonan_event"
    __table_args__ = (UniqueConstraint("permohonan_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    """1, 2, 3 ... per request; the unique constraint makes a concurrent second writer fail, not fork."""
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The officer's account, or None for the requester; no foreign key, so the record outlives accounts."""
    actor_name: Mapped[str] = mapped_column(String(200))
    dinas_slug: Mapped[str | None] = mapped_column(String(60), nullable=True)
    """For routing events: the dinas handling the request from now on (None: the PPID Utama)."""
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """``hash`` of the event written just before this one, of any request (the first: :data:`GENESIS`).
    Unique, so two writers that read the same tail cannot fork the log: the second one fails."""
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 over this event's content and ``prev_hash`` (:func:`ppid.permohonan.chain.seal`)."""

    permohonan: Mapped[Permohonan] = relationship(back_populates="events")


class Keberatan(Base):
    """An objection to the atasan PPID (UU KIP Pasal 35-36), with its own registration number.

    Its steps (filed, answered) are events of the request, so the request's state covers it too.
    """

    __tablename__ = "permohonan_keberatan"
    __table_args__ = (UniqueConstraint("year", "sequence_scope", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id"), index=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    """Nomor registrasi keberatan (kip-rules §5.7 a)."""
    year: Mapped[int] = mapped_column(Integer)
    sequence_scope: Mapped[str] = mapped_column(String(60))
    sequence: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    grounds: Mapped[list[str]] = mapped_column(JsonDocument)
    """Letters of Pasal 35(1), a-g."""
    case_description: Mapped[str] = mapped_column(Text)
    """Kasus posisi (kip-rules §5.7 g)."""

    permohonan: Mapped[Permohonan] = relationship(back_populates="objections")


class RegistrationCounter(Base):
    """The last number issued per kind, year and scope; incremented atomically (see ``numbering``)."""

    __tablename__ = "permohonan_counter"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Reminder(Base):
    """A deadline reminder sent to the officers of a request on one day; the unique row stops a second one."""

    __tablename__ = "permohonan_pengingat"
    __table_args__ = (UniqueConstraint("permohonan_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id"))
    day: Mapped[date] = mapped_column(Date)
    """The local date the reminder is for."""
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HolidayKind(Labelled):
    HOLIDAY = "libur"
    """Not a working day: a regional holiday, cuti bersama of a new SKB, an office closure."""
    WORKING_DAY = "hari_kerja"
    """A working day after all: a holiday the ``holidays`` package lists that a decree moved or cancelled."""

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"libur": N_("hari libur"), "hari_kerja": N_("hari kerja (bukan libur)")}


class CalendarEntry(Base):
    """An administrator's change to the working calendar, on top of the ``holidays`` package and the config.

    Removing an entry only marks it removed: who changed the calendar, and when, stays on record, since it
    moves the legal deadlines of open requests.
    """

    __tablename__ = "permohonan_kalender"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[HolidayKind] = mapped_column(_enum(HolidayKind, 20))
    name: Mapped[str] = mapped_column(String(200))
    """Name or legal basis, e.g. "Cuti bersama (SKB 3 Menteri No. ...)"."""
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CalendarVersion(Base):
    """One row whose ``version`` changes with every edit of :class:`CalendarEntry`, in the same transaction.

    Every server process keeps the calendar it built and checks only this stamp (a primary-key read) before
    using it, so a holiday added in one process moves the deadlines computed in all of them.
    """

    __tablename__ = "permohonan_kalender_versi"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentKind(Labelled):
    """The letters the PPID issues with a decision (kip-rules §5.6), each a PDF with a verification code."""

    NOTICE = "pemberitahuan_tertulis"
    """Pemberitahuan tertulis, UU KIP Pasal 22(7) a-g: issued with every decision."""
    REFUSAL = "keputusan_penolakan"
    """Surat keputusan PPID tentang penolakan: issued with a refusal under Pasal 17 (Pasal 22(7)(c), Pasal 19)."""

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"pemberitahuan_tertulis": N_("Pemberitahuan tertulis"),
                "keputusan_penolakan": N_("Surat keputusan penolakan permohonan informasi")}


class IssuedDocument(Base):
    """A letter as issued: its bytes (encrypted with the personal-data key, since the Perki layout names the
    requester) and the SHA-256 of those bytes, which the public verification page confirms by code alone.

    Written once, in the decision's transaction; erase it together with the requester's personal data.
    """

    __tablename__ = "permohonan_surat"
    __table_args__ = (UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    permohonan_id: Mapped[int] = mapped_column(ForeignKey("permohonan.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("permohonan_event.id"))
    """The decision (:attr:`EventKind.DECIDED`) the letter belongs to."""
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, 30))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    """The verification code printed on the letter and in its QR code: random, so it cannot be guessed."""
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sha256: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the PDF exactly as issued (and signed, when it is)."""
    size: Mapped[int] = mapped_column(Integer)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    """Carries a PAdES signature with the pemda's certificate (``permohonan.signing``)."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    """The PDF, encrypted (:class:`ppid.permohonan.identity.PersonalDataCipher`)."""


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete a recorded event."""


@event.listens_for(Session, "before_flush")
def _events_are_append_only(session: Session, _context: object, _instances: object) -> None:
    """The ORM half of the guard; migration 0003 adds database triggers for everyone else."""
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, PermohonanEvent) and (instance in session.deleted or session.is_modified(instance)):
            raise AppendOnlyError(f"permohonan_event {instance.id} is append-only")
    new_events = sorted((item for item in session.new if isinstance(item, PermohonanEvent)),
                        key=lambda item: inspect(item).insert_order)
    if new_events:
        _seal_events(session, new_events)


CHAIN_LOCK = 0x70706964  # "ppid": the advisory lock that serialises appends to the log on PostgreSQL
_TAKE_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=CHAIN_LOCK)
_events = PermohonanEvent.__table__
CHAIN_TAIL = select(_events.c.hash).order_by(_events.c.id.desc()).limit(1)
"""The hash of the log's last event (None before the first: :data:`GENESIS`); read only with the chain's lock held,
in a statement that began after it was granted."""


def chain_tail(connection: Connection) -> str:
    """The hash to chain the next event onto, with the chain's lock taken (PostgreSQL) until the transaction ends:
    the lock first, then the tail read in a snapshot taken after the lock was granted."""
    if connection.dialect.name == "postgresql":
        connection.execute(_TAKE_CHAIN_LOCK)
    return connection.scalar(CHAIN_TAIL) or GENESIS


def _seal_events(session: Session, new_events: list[PermohonanEvent]) -> None:
    """Chain new events onto the tail of the whole log, in the order they happened.

    Two statements on the flush's own connection, as Core (the ORM's execution path cost more than the statements,
    bench/README.md, issue 17): :func:`chain_tail`."""
    previous = chain_tail(session.connection())
    for item in new_events:
        item.at = item.at or utcnow()
        item.payload = item.payload if item.payload is not None else {}
        item.prev_hash = previous
        item.hash = previous = seal(
            document=request_facts(item.permohonan), sequence=item.sequence, kind=str(item.kind), at=item.at,
            actor_user_id=item.actor_user_id, actor_name=item.actor_name, dinas_slug=item.dinas_slug,
            payload=item.payload, prev_hash=previous,
        )
