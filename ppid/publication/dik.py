"""The Daftar Informasi yang Dikecualikan: exempt information, its ground and its consequence test.

UU 14/2008 Pasal 17 gives the grounds, Pasal 19 and Perki 1/2021 Pasal 49 the consequence test (the harm if
opened weighed against the public interest), PP 61/2010 the classification decision with its period. Pasal 20:
exemptions under letters a–f are not permanent, so every entry has an end date, and from that day it is due for
review (re-test or open) — computed from the date, never stored, so it cannot go stale.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.i18n import N_, _
from ppid.publication.models import ExemptInformation
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


def record(session: Session, dinas_slug: str, form: Mapping[str, Any], by: str,
           datasets: Collection[str]) -> ExemptInformation:
    """A new DIK entry for ``dinas_slug``; ``datasets`` are the catalogue datasets it may name. Raises FormError."""
    try:
        data = ExemptionSchema().load(dict(form), unknown="exclude")
    except ValidationError as error:
        raise FormError(first_messages(error.messages)) from None
    if data["dataset_name"] and data["dataset_name"] not in datasets:
        raise FormError({"dataset_name": _("bukan dataset perangkat daerah ini")})
    entry = ExemptInformation(dinas_slug=dinas_slug, recorded_by_name=by, **data)
    session.add(entry)
    return entry


def entries(session: Session, scope: Collection[str] | None = None) -> list[ExemptInformation]:
    """The register, newest decision first; ``scope`` limits it to those dinas (None: all)."""
    query = select(ExemptInformation).order_by(ExemptInformation.sk_date.desc(), ExemptInformation.id.desc())
    if scope is not None:
        query = query.where(ExemptInformation.dinas_slug.in_(scope))
    return list(session.scalars(query))


def review_due(entry: ExemptInformation, today: date) -> bool:
    """The exemption period has ended: the PPID re-tests the information or opens it (UU Pasal 20, PP 61/2010)."""
    return today >= entry.ends_on


def ground_label(entry: ExemptInformation) -> str:
    return _("Pasal 17 huruf %(letter)s: %(ground)s", letter=entry.pasal_17_letter,
             ground=_(PASAL_17[entry.pasal_17_letter]))
