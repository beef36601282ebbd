"""Serta-merta announcements (UU 14/2008 Pasal 10): information that threatens many lives or public order,
published at once.

An announcement is live from ``starts_at`` until ``ends_at`` (or until an officer ends it); while live it is
the banner of every public page and an entry of the announcement feeds. Nothing is ever deleted: ended
announcements stay on the public history page, and every change is a row of ``announcement_revision``
(who, when, and the values after the change), so that what the public was told, and when, can be shown later.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, Enum, ForeignKey, Integer, Row, String, Text, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ppid.accounts.models import Role, User
from ppid.config import ConfigError, read_yaml
from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _

#: The file of announcements an operator (or a warning system) publishes without a browser: ``PPID_CONFIG_DIR``.
CONFIG_FILE = "pengumuman.yaml"


class Kind(enum.StrEnum):
    """What threatens: the examples of Pasal 10 and its elucidation (disasters, outbreaks, public order)."""

    NATURAL_DISASTER = "bencana-alam"
    NON_NATURAL_DISASTER = "bencana-nonalam"
    SOCIAL_DISASTER = "bencana-sosial"
    OUTBREAK = "wabah"
    POISONING = "keracunan"
    PUBLIC_ORDER = "gangguan-ketertiban"
    UTILITY_DISRUPTION = "gangguan-layanan"
    OTHER = "lainnya"

    @property
    def label(self) -> str:
        return _(KIND_LABELS[self])


KIND_LABELS = {
    Kind.NATURAL_DISASTER: N_("Bencana alam"),
    Kind.NON_NATURAL_DISASTER: N_("Bencana nonalam"),
    Kind.SOCIAL_DISASTER: N_("Bencana sosial"),
    Kind.OUTBREAK: N_("Wabah penyakit"),
    Kind.POISONING: N_("Keracunan pangan"),
    Kind.PUBLIC_ORDER: N_("Gangguan ketertiban umum"),
    Kind.UTILITY_DISRUPTION: N_("Gangguan layanan umum"),
    Kind.OTHER: N_("Ancaman lain bagi hajat hidup orang banyak"),
}


class Action(enum.StrEnum):
    PUBLISHED = "diterbitkan"
    EDITED = "diubah"
    ENDED = "diakhiri"

    @property
    def label(self) -> str:
        return _(ACTION_LABELS[self])


ACTION_LABELS = {Action.PUBLISHED: N_("diterbitkan"), Action.EDITED: N_("diubah"), Action.ENDED: N_("diakhiri")}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=30, values_callable=lambda members: [m.value for m in members])


class Announcement(Base):
    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    """Set for announcements published from :data:`CONFIG_FILE`, so each is published once."""
    dinas_slug: Mapped[str | None] = mapped_column(String(100), index=True, nullable=True)
    """The dinas that announces; None for the pemda as a whole."""
    kind: Mapped[Kind] = mapped_column(_enum(Kind))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    """None: until an officer ends it (the danger's end is often not known in advance)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revisions: Mapped[list[AnnouncementRevision]] = relationship(
        back_populates="announcement", order_by="AnnouncementRevision.id")

    def live(self, now: datetime) -> bool:
        return self.starts_at <= now and not self.ended(now)

    def ended(self, now: datetime) -> bool:
        return self.ends_at is not None and self.ends_at <= now


class AnnouncementRevision(Base):
    """One change of an announcement: who made it, when, and the announcement's values after it."""

    __tablename__ = "announcement_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    action: Mapped[Action] = mapped_column(_enum(Action))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """No foreign key, so the record outlives accounts."""
    actor_name: Mapped[str] = mapped_column(String(200))
    values: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    announcement: Mapped[Announcement] = relationship(back_populates="revisions")


@dataclass(frozen=True)
class Content:
    """What an officer writes: the same for a new announcement and an edit."""

    kind: Kind
    title: str
    body: str
    area: str
    starts_at: datetime
    ends_at: datetime | None
    dinas_slug: str | None


class AnnouncementError(ValueError):
    """A sentence for the officer: what in the announcement cannot be accepted."""


def may_announce(user: User, dinas_slug: str | None) -> bool:
    """Region-wide administrators announce for anyone; a dinas's administrator or officer for that dinas."""
    if dinas_slug is None:
        return user.has_role(Role.ADMIN)
    return user.has_role(Role.ADMIN, dinas_slug) or user.has_role(Role.OFFICER, dinas_slug)


def publish(session: Session, content: Content, actor: User | None, *, key: str | None = None) -> Announcement:
    _check(content)
    announcement = Announcement(key=key, **asdict(content))
    session.add(announcement)
    _record(session, announcement, Action.PUBLISHED, actor)
    return announcement


def edit(session: Session, announcement: Announcement, content: Content, actor: User) -> bool:
    """Apply ``content``; returns False (and records nothing) when nothing changed."""
    _check(content)
    changed = {name: value for name, value in asdict(content).items() if getattr(announcement, name) != value}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(announcement, name, value)
    announcement.updated_at = utcnow()
    _record(session, announcement, Action.EDITED, actor)
    return True


def end(session: Session, announcement: Announcement, actor: User, *, now: datetime | None = None) -> None:
    """End it now: it leaves the banner and stays in the history (one not yet started is withdrawn: it ends as it
    starts, now)."""
    now = now or utcnow()
    if announcement.ended(now):
        return
    announcement.starts_at = min(announcement.starts_at, now)
    announcement.ends_at = now
    announcement.updated_at = now
    _record(session, announcement, Action.ENDED, actor)


def live(session: Session, now: datetime | None = None) -> list[Announcement]:
    """The announcements every public page shows now, newest first."""
    now = now or utcnow()
    return list(session.scalars(
        select(Announcement).where(Announcement.starts_at <= now,
                                   or_(Announcement.ends_at.is_(None), Announcement.ends_at > now))
        .order_by(Announcement.starts_at.desc(), Announcement.id.desc())))


_BANNER = (
    select(Announcement.id, Announcement.kind, Announcement.title, Announcement.area, Announcement.ends_at)
    .where(Announcement.starts_at <= bindparam("now"),
           or_(Announcement.ends_at.is_(None), Announcement.ends_at > bindparam("now")))
    .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
)


BANNER_SECONDS = 1.0
"""How long a process shows the banner it read before reading it again (see :func:`banner`)."""
_banners: WeakKeyDictionary[Engine, tuple[float, list[Row[Any]]]] = WeakKeyDictionary()
_banners_lock = threading.Lock()


def banner(session: Session) -> list[Row[Any]]:
    """What the banner of every public page shows of :func:`live`'s announcements (id, kind, title, area, ends_at).

    Read at most once a second per process and database: under a crowd its query was a tenth of a tracking page's
    CPU (issue 17). A change made in this process shows on its next page (:func:`_record` forgets the banner), in
    other processes within the second; so does an announcement's start or end."""
    engine = session.get_bind()
    now = time.monotonic()
    with _banners_lock:
        kept = _banners.get(engine)
    if kept is not None and now - kept[0] < BANNER_SECONDS:
        return kept[1]
    rows = list(session.connection().execute(_BANNER, {"now": utcnow()}))
    with _banners_lock:
        _banners[engine] = (now, rows)
    return rows


def every(session: Session, *, dinas_slug: str | None = None, dinas: Iterable[str] | None = None) -> list[Announcement]:
    """Every announcement, newest first; of one dinas (``dinas_slug``) or of several and the pemda's (``dinas``)."""
    query = select(Announcement).order_by(Announcement.starts_at.desc(), Announcement.id.desc())
    if dinas_slug is not None:
        query = query.where(Announcement.dinas_slug == dinas_slug)
    if dinas is not None:
        query = query.where(Announcement.dinas_slug.in_(list(dinas)))
    return list(session.scalars(query))


def publish_configured(session: Session, config_dir: Path, known_dinas: set[str], *,
                       now: datetime | None = None) -> list[Announcement]:
    """Publish the announcements of ``config_dir/pengumuman.yaml`` not published before (by their ``kunci``).

    Each starts when it is first published and lasts ``berlaku_hari`` days (or until ended), so a file
    written by a warning system, or the sample region's, announces at once whenever it is read. Server processes
    started together each read the file: the key's unique constraint lets one of them publish it, and the others
    skip it instead of stopping."""
    path = config_dir / CONFIG_FILE
    if not path.exists():
        return []
    entries = read_yaml(path) or []
    now = now or utcnow()
    published = []
    known = set(session.scalars(select(Announcement.key).where(Announcement.key.is_not(None))))
    for number, entry in enumerate(entries if isinstance(entries, list) else [entries], start=1):
        try:
            content, key = _configured(entry, number, known_dinas, now)
        except AnnouncementError as error:
            raise ConfigError(str(error)) from None
        if key not in known:
            try:
                with session.begin_nested():  # a savepoint: a key taken meanwhile undoes this entry only
                    announcement = publish(session, content, None, key=key)
            except IntegrityError:  # another process starting at the same time (a second `ppid serve`) published it
                continue
            published.append(announcement)
            known.add(key)
    return published


def _configured(entry: Any, number: int, known_dinas: set[str], now: datetime) -> tuple[Content, str]:
    where = f"{CONFIG_FILE} [{number}]"
    required = ("kunci", "jenis", "judul", "isi", "wilayah")
    if not isinstance(entry, dict) or not all(entry.get(name) for name in required):
        raise AnnouncementError(_("%(where)s: kunci, jenis, judul, isi dan wilayah wajib diisi.", where=where))
    try:
        kind = Kind(entry["jenis"])
    except ValueError:
        raise AnnouncementError(_("%(where)s: jenis %(kind)s tidak dikenal; pilih salah satu dari %(kinds)s.",
                                  where=where, kind=entry["jenis"], kinds=", ".join(k.value for k in Kind))) from None
    dinas = entry.get("dinas")
    if dinas is not None and dinas not in known_dinas:
        raise AnnouncementError(_("%(where)s: dinas %(dinas)s tidak ada di dinas.yaml.", where=where, dinas=dinas))
    days = entry.get("berlaku_hari")
    if days is not None and (not isinstance(days, int) or days < 1):
        raise AnnouncementError(_("%(where)s: berlaku_hari harus berupa angka 1 atau lebih.", where=where))
    content = Content(kind=kind, title=str(entry["judul"]), body=str(entry["isi"]).strip(), area=str(entry["wilayah"]),
                      starts_at=now, ends_at=now + timedelta(days=days) if days else None, dinas_slug=dinas)
    return content, str(entry["kunci"])


def _check(content: Content) -> None:
    if not content.title.strip() or not content.body.strip() or not content.area.strip():
        raise AnnouncementError(_("Judul, isi dan wilayah terdampak wajib diisi."))
    if content.ends_at is not None and content.ends_at <= content.starts_at:
        raise AnnouncementError(_("Waktu berakhir harus sesudah waktu mulai."))


def _record(session: Session, announcement: Announcement, action: Action, actor: User | None) -> None:
    values = {"kind": announcement.kind.value, "title": announcement.title, "body": announcement.body,
              "area": announcement.area, "dinas_slug": announcement.dinas_slug,
              "starts_at": announcement.starts_at.isoformat(),
              "ends_at": announcement.ends_at.isoformat() if announcement.ends_at else None}
    announcement.revisions.append(AnnouncementRevision(
        action=action, at=utcnow(), actor_user_id=actor.id if actor else None,
        actor_name=actor.full_name if actor else _("konfigurasi %(file)s", file=CONFIG_FILE), values=values))
    session.flush()
    with _banners_lock:
        _banners.pop(session.get_bind(), None)
