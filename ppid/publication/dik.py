"""The Daftar Informasi yang Dikecualikan: exempt information, its ground and its consequence test.

UU 14/2008 Pasal 17 gives the grounds, Pasal 19 and Perki 1/2021 Pasal 49 the consequence test (the harm if
opened weighed against the public interest), PP 61/2010 the classification decision with its period. Pasal 20:
exemptions under letters a–f are not permanent, so every entry has an end date, and from that day it is due for
review (re-test or open) — computed from the date, never stored, so it cannot go stale.

An entry is never erased once it may have been relied on: a refusal names it (and copies its wording), the
Komisi Informasi may ask what test an exemption rested on. So the information is *opened* (a recorded decision:
when, why, by whom, under which SK), a correction or renewal adds a *version* (the earlier ones stay readable),
and only an entry recorded by mistake that no decision on a request ever named may be removed, leaving a record
of who removed it, why, and what it said (:mod:`ppid.publication.dik_citations`, which reads the request log:
a harvest loads this module, never the request module).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.db import utcnow
from ppid.i18n import N_, _
from ppid.publication.models import ExemptInformation, ExemptionRemoval, ExemptionVersion
from ppid.publication.service import REQUIRED, FormError, first_messages

PASAL_17 = {
    "a": N_("menghambat proses penegakan hukum"),
    "b": N_("mengganggu kepentingan perlindungan hak atas kekayaan intelektual dan persaingan usaha tidak sehat"),
    "c": N_("membahayakan pertahanan dan keamanan negara"),
    "d": N_("mengungkapkan kekayaan alam Indonesia"),
    "e": N_("merugikan ketahanan ekonomi nasional"),
    "f": N_("merugikan kepentingan hubungan luar negeri"),
    "g": N_("mengungkapkan isi akta otentik yang bersifat pribadi dan kemauan terakhir ataupun wasiat seseorang"),
    "h": N_("mengungkap rahasia pribadi"),
    "i": N_("memorandum atau surat antar/intra badan publik yang menurut sifatnya dirahasiakan"),
    "j": N_("informasi yang tidak boleh diungkapkan berdasarkan undang-undang"),
}


def _day() -> fields.Date:
    return fields.Date(required=True, error_messages={**REQUIRED, "invalid": N_("tulis tanggal seperti 2026-01-15")})


class ExemptionSchema(Schema):
    """A DIK entry as the officer fills it in; the period must end after it starts."""

    public_title = fields.String(required=True, validate=validate.Length(min=3, max=300), error_messages=REQUIRED)
    pasal_17_letter = fields.String(required=True, validate=validate.OneOf(
        tuple(PASAL_17), error=N_("huruf a sampai j dari Pasal 17")), error_messages=REQUIRED)
    sub_ground = fields.String(load_default="", validate=validate.Length(max=300))
    legal_basis = fields.String(load_default="", validate=validate.Length(max=300))
    tested_on = _day()
    harm_if_opened = fields.String(required=True, validate=validate.Length(min=10, max=5000), error_messages=REQUIRED)
    public_interest = fields.String(required=True, validate=validate.Length(min=10, max=5000),
                                    error_messages=REQUIRED)
    decided_by = fields.String(required=True, validate=validate.Length(max=300), error_messages=REQUIRED)
    sk_number = fields.String(required=True, validate=validate.Length(max=200), error_messages=REQUIRED)
    sk_date = _day()
    starts_on = _day()
    ends_on = _day()
    dataset_name = fields.String(load_default="", validate=validate.Length(max=200))

    @pre_load
    def from_form(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value.strip() for key, value in data.items() if isinstance(value, str) and value.strip()}

    @validates_schema
    def validate_period(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            raise ValidationError({"ends_on": [_("harus sesudah tanggal mulai")]})


class RevisionSchema(ExemptionSchema):
    """A correction or renewal: the whole entry as it reads from now on, and why it changed."""

    change_reason = fields.String(required=True, validate=validate.Length(min=5, max=2000),
                                  error_messages=REQUIRED)


class OpeningSchema(Schema):
    """The decision that the information is no longer exempt (UU KIP Pasal 20; Pasal 11(2) after a dispute)."""

    opened_on = _day()
    opened_reason = fields.String(required=True, validate=validate.Length(min=10, max=2000),
                                  error_messages=REQUIRED)
    opened_sk_number = fields.String(load_default="", validate=validate.Length(max=200))

    @pre_load
    def from_form(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value.strip() for key, value in data.items() if isinstance(value, str) and value.strip()}


CONTENT = tuple(ExemptionSchema().fields)
"""The fields an officer decides; a version keeps them all."""
DAYS = frozenset(name for name, field in ExemptionSchema().fields.items() if isinstance(field, fields.Date))


@dataclass(frozen=True)
class Content:
    """A DIK entry's decided content, as one version has it (the same names as :class:`ExemptInformation`)."""

    public_title: str
    pasal_17_letter: str
    sub_ground: str
    legal_basis: str
    tested_on: date
    harm_if_opened: str
    public_interest: str
    decided_by: str
    sk_number: str
    sk_date: date
    starts_on: date
    ends_on: date
    dataset_name: str


@dataclass(frozen=True)
class Version:
    """One version of an entry: its number, its content, why it replaced the one before, who and when."""

    number: int
    content: Content
    reason: str
    recorded_by_name: str
    recorded_at: datetime


def _values(entry: ExemptInformation) -> dict[str, Any]:
    return {name: getattr(entry, name).isoformat() if name in DAYS else getattr(entry, name) for name in CONTENT}


def _content(values: Mapping[str, Any]) -> Content:
    return Content(**{name: date.fromisoformat(values[name]) if name in DAYS else values.get(name, "")
                      for name in CONTENT})


def _load(schema: Schema, form: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(dict(form), unknown="exclude")
    except ValidationError as error:
        raise FormError(first_messages(error.messages)) from None


def _check_dataset(data: Mapping[str, Any], datasets: Collection[str]) -> None:
    if data["dataset_name"] and data["dataset_name"] not in datasets:
        raise FormError({"dataset_name": _("bukan dataset perangkat daerah ini")})


def record(session: Session, dinas_slug: str, form: Mapping[str, Any], by: str,
           datasets: Collection[str], *, by_id: int | None = None) -> ExemptInformation:
    """A new DIK entry for ``dinas_slug`` (its version 1); ``datasets`` are the catalogue datasets it may name.
    Raises FormError."""
    data = _load(ExemptionSchema(), form)
    _check_dataset(data, datasets)
    entry = ExemptInformation(dinas_slug=dinas_slug, recorded_by_name=by, version=1, **data)
    session.add(entry)
    session.flush()
    session.add(ExemptionVersion(dik_id=entry.id, version=1, values=_values(entry), reason="",
                                 recorded_by_id=by_id, recorded_by_name=by, recorded_at=entry.recorded_at))
    return entry


def revise(session: Session, entry: ExemptInformation, form: Mapping[str, Any], by: User,
           datasets: Collection[str]) -> ExemptInformation:
    """Correct or renew ``entry`` (a new consequence test, a new period): the entry reads as ``form`` from now on,
    as one more version; the earlier versions stay as they were. A form sent with the ``version`` it was filled
    from is refused once another officer saved a newer one. Raises FormError."""
    if entry.opened:
        raise FormError({"change_reason": _("informasi ini sudah dibuka; bila dikecualikan lagi, catat entri baru "
                                            "dengan uji konsekuensinya")})
    if str(form.get("version", entry.version)) != str(entry.version):
        raise FormError({"change_reason": _("entri ini baru saja diubah (kini versi %(version)s); periksa versi "
                                            "terbaru lalu ulangi", version=entry.version)})
    data = _load(RevisionSchema(), form)
    reason = data.pop("change_reason")
    _check_dataset(data, datasets)
    if all(getattr(entry, name) == data[name] for name in CONTENT):
        raise FormError({"change_reason": _("tidak ada isian yang berubah")})
    for name in CONTENT:
        setattr(entry, name, data[name])
    now = utcnow()
    entry.version += 1
    entry.changed_at = now
    session.add(ExemptionVersion(dik_id=entry.id, version=entry.version, values=_values(entry), reason=reason,
                                 recorded_by_id=by.id, recorded_by_name=by.full_name, recorded_at=now))
    return entry


def open_entry(entry: ExemptInformation, form: Mapping[str, Any], by: User, today: date) -> ExemptInformation:
    """The information is no longer exempt from ``opened_on``: the entry stays in the DIK, marked opened, with
    the reason and the SK (if any); it is never offered for a refusal again. Raises FormError."""
    if entry.opened:
        raise FormError({"opened_on": _("informasi ini sudah dibuka")})
    data = _load(OpeningSchema(), form)
    if data["opened_on"] > today:
        raise FormError({"opened_on": _("tidak boleh sesudah hari ini")})
    if data["opened_on"] < entry.starts_on:
        raise FormError({"opened_on": _("tidak boleh sebelum informasi ini mulai dikecualikan")})
    entry.opened_on = data["opened_on"]
    entry.opened_reason = data["opened_reason"]
    entry.opened_sk_number = data["opened_sk_number"]
    entry.opened_by_id = by.id
    entry.opened_by_name = by.full_name
    entry.opened_at = utcnow()
    return entry


def versions(session: Session, entry_id: int) -> list[Version]:
    """Every version of the entry, the newest first."""
    rows = session.scalars(select(ExemptionVersion).where(ExemptionVersion.dik_id == entry_id)
                           .order_by(ExemptionVersion.version.desc()))
    return [Version(row.version, _content(row.values), row.reason, row.recorded_by_name, row.recorded_at)
            for row in rows]


def removals(session: Session, scope: Collection[str] | None = None) -> list[ExemptionRemoval]:
    query = select(ExemptionRemoval).order_by(ExemptionRemoval.removed_at.desc())
    if scope is not None:
        query = query.where(ExemptionRemoval.dinas_slug.in_(scope))
    return list(session.scalars(query))


def entries(session: Session, scope: Collection[str] | None = None, *,
            opened: bool | None = None) -> list[ExemptInformation]:
    """The register, newest decision first; ``scope`` limits it to those dinas (None: all); ``opened`` to the
    entries still in force (False) or those opened (True)."""
    query = select(ExemptInformation).order_by(ExemptInformation.sk_date.desc(), ExemptInformation.id.desc())
    if scope is not None:
        query = query.where(ExemptInformation.dinas_slug.in_(scope))
    if opened is not None:
        query = query.where(ExemptInformation.opened_on.is_not(None) if opened
                            else ExemptInformation.opened_on.is_(None))
    return list(session.scalars(query))


def review_due(entry: ExemptInformation, today: date) -> bool:
    """The exemption period has ended: the PPID re-tests the information or opens it (UU Pasal 20, PP 61/2010).
    An entry already opened has nothing left to review."""
    return not entry.opened and today >= entry.ends_on


def ground_label(entry: ExemptInformation) -> str:
    return _("Pasal 17 huruf %(letter)s: %(ground)s", letter=entry.pasal_17_letter,
             ground=_(PASAL_17[entry.pasal_17_letter]))
