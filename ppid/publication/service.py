"""What officers do to the registers: classify catalogue datasets, declare information held outside the catalogue,
record the SK that establishes a DIP. Views check who may act for which dinas; these functions check the values.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ppid.accounts.models import User
from ppid.i18n import N_, _
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.naming import safe_filename
from ppid.publication.classification import (
    DIKECUALIKAN,
    Classification,
    ClassificationSchema,
    check_together,
    from_meta,
    parse,
)
from ppid.publication.models import DeclaredInformation, DipDecree, Reclassification
from ppid.storage import Storage

REQUIRED = {"required": N_("wajib diisi"), "null": N_("wajib diisi")}


class FormError(Exception):
    """A form has mistakes: ``errors`` maps each field to one translated phrase."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class CatalogueItem:
    """A dataset or document of the catalogue as the walidata classifies it (published or held back)."""

    dinas_slug: str
    dataset_name: str
    title: str
    classification: Classification | None
    chosen_by_walidata: bool


def catalogue_items(session: Session, scope: Collection[str] | None) -> list[CatalogueItem]:
    """Every harvested or uploaded dataset of the dinas in ``scope`` (None: all), with its classification."""
    query = select(TrackedFile.dinas_slug, TrackedFile.dataset_name, TrackedFile.dataset_meta).where(
        TrackedFile.state != FileState.WITHDRAWN).order_by(TrackedFile.dinas_slug, TrackedFile.dataset_name)
    if scope is not None:
        query = query.where(TrackedFile.dinas_slug.in_(scope))
    chosen = {(row.dinas_slug, row.dataset_name): row for row in session.scalars(select(Reclassification))}
    items: dict[tuple[str, str], CatalogueItem] = {}
    for dinas_slug, dataset_name, meta in session.execute(query):
        if (dinas_slug, dataset_name) in items:
            continue
        override = chosen.get((dinas_slug, dataset_name))
        classification = (Classification(override.kategori_informasi, override.periode_bulan, override.pasal_11_huruf)
                          if override else from_meta(meta))
        items[(dinas_slug, dataset_name)] = CatalogueItem(dinas_slug, dataset_name, meta.get("title") or dataset_name,
                                                          classification, override is not None)
    return list(items.values())


def reclassify(
    session: Session, dinas_slug: str, dataset_name: str, form: Mapping[str, Any], user: User,
) -> Classification:
    """Record the walidata's classification of a dataset (the caller republishes it); raises :class:`FormError`."""
    try:
        classification = parse(form)
    except ValidationError as error:
        raise FormError(first_messages(error.messages)) from None
    row = session.scalar(select(Reclassification).where(
        Reclassification.dinas_slug == dinas_slug, Reclassification.dataset_name == dataset_name))
    if row is None:
        row = Reclassification(dinas_slug=dinas_slug, dataset_name=dataset_name)
        session.add(row)
    row.kategori_informasi = classification.category
    row.periode_bulan = classification.period_months
    row.pasal_11_huruf = classification.pasal_11_letter
    row.changed_by_id = user.id
    row.changed_by_name = user.full_name
    # pending for the pipeline until published anew: if the caller cannot reach the catalogue now, the next run
    # brings it in line (withdraws an item now exempt) instead of taking the old publication as settled
    session.execute(update(TrackedFile).where(
        TrackedFile.dinas_slug == dinas_slug, TrackedFile.dataset_name == dataset_name,
        TrackedFile.state.in_([FileState.VALID, FileState.DOCUMENT])).values(published_sha256=None))
    return classification


def _text(**kwargs: Any) -> fields.String:
    return fields.String(error_messages={"invalid": N_("harus berupa teks"), **REQUIRED}, **kwargs)


class DeclaredSchema(ClassificationSchema):
    """A DIP row a dinas declares; exempt information belongs in the DIK, never here."""

    title = _text(required=True, validate=validate.Length(min=3, max=300, error=N_("antara 3 dan 300 huruf")))
    summary = _text(load_default="", validate=validate.Length(max=3000, error=N_("paling banyak 3.000 huruf")))
    holder_unit = _text(required=True, validate=validate.Length(max=300))
    responsible = _text(required=True, validate=validate.Length(max=300))
    made_when = _text(required=True, validate=validate.Length(max=100))
    made_where = _text(load_default="", validate=validate.Length(max=200))
    formats = _text(required=True, validate=validate.Length(max=200))
    retention = _text(required=True, validate=validate.Length(max=100))
    link = fields.Url(load_default="", schemes={"http", "https"}, error_messages={"invalid": N_("bukan alamat web")})

    @pre_load
    def from_form(self, data: Mapping[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value.strip() for key, value in data.items() if isinstance(value, str) and value.strip()}

    @validates_schema
    def validate_together(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("kategori_informasi") == DIKECUALIKAN:
            raise ValidationError({"kategori_informasi": [_(
                "informasi dikecualikan tidak masuk DIP; catat di Daftar Informasi yang Dikecualikan")]})
        check_together(data)


def declare(session: Session, dinas_slug: str, form: Mapping[str, Any], by: str) -> DeclaredInformation:
    """Add a declared DIP entry for ``dinas_slug``, recorded by ``by``; raises :class:`FormError`."""
    try:
        data = DeclaredSchema().load(dict(form), unknown="exclude")
    except ValidationError as error:
        raise FormError(first_messages(error.messages)) from None
    entry = DeclaredInformation(dinas_slug=dinas_slug, created_by_name=by, **data)
    session.add(entry)
    return entry


def declared_entries(session: Session, scope: Collection[str] | None) -> list[DeclaredInformation]:
    query = select(DeclaredInformation).order_by(DeclaredInformation.dinas_slug, DeclaredInformation.title)
    if scope is not None:
        query = query.where(DeclaredInformation.dinas_slug.in_(scope))
    return list(session.scalars(query))


def record_decree(session: Session, storage: Storage, *, dinas_slug: str | None, number: str, decided_on: str,
                  file_name: str, stream: BinaryIO | None, by: str) -> DipDecree:
    """Store the SK document and record the SK that establishes the DIP of a dinas (None: the pemda's)."""
    errors = {}
    if not number.strip():
        errors["number"] = _("wajib diisi")
    try:
        day = date.fromisoformat(decided_on)
    except ValueError:
        errors["decided_on"] = _("tulis tanggal seperti 2026-01-15")
    if stream is None or not file_name.lower().endswith(".pdf"):
        errors["document"] = _("lampirkan SK sebagai berkas PDF")
    if errors or stream is None:
        raise FormError(errors)
    name = safe_filename(file_name)
    stored = storage.put(f"publikasi/sk-dip/{dinas_slug or 'pemda'}/{secrets.token_hex(8)}/{name}", stream,
                         content_type="application/pdf")
    decree = DipDecree(dinas_slug=dinas_slug or "", number=number.strip(), decided_on=day, storage_key=stored.key,
                       file_name=name, sha256=stored.sha256, recorded_by_name=by)
    session.add(decree)
    return decree


def first_messages(messages: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for key, value in messages.items():
        while isinstance(value, (list, dict)):
            value = value[0] if isinstance(value, list) else next(iter(value.values()))
        found[key] = _(str(value))
    return found
