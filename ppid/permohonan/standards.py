"""Service standards (standar layanan informasi publik, Perki 1/2021 Pasal 47-48; kip-rules §5.9, §5.13).

What a requester should know before asking: the maklumat pelayanan, service hours, the fee table for copies,
the request and objection procedures as steps, the PPID structure per dinas, and the provisions for
requesters with disabilities. The region's first text comes from ``standar-layanan.yaml`` next to
``dinas.yaml`` (the sample region ships one), so a new installation shows a filled page; an administrator's
edit is kept in ``standar_layanan`` with who made it and when, and wins over the file from then on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ppid.accounts.models import User
from ppid.db import Base, JsonDocument, UtcDateTime, utcnow
from ppid.i18n import N_, _
from ppid.registry import Registry

log = logging.getLogger(__name__)
FILE_NAME = "standar-layanan.yaml"
MAX_TEXT = 10000
MAX_FEE_ROWS = 30
MAX_FEE = 100_000_000

TEXT_SECTIONS = {
    "maklumat": N_("Maklumat pelayanan informasi publik"),
    "jam_layanan": N_("Jam layanan"),
    "prosedur_permohonan": N_("Prosedur permohonan informasi"),
    "prosedur_keberatan": N_("Prosedur keberatan"),
    "disabilitas": N_("Layanan bagi pemohon penyandang disabilitas"),
}
"""The sections written as text, in the order the public page shows them (procedures: one step per line)."""
FEES = "biaya"
FEES_TITLE = N_("Biaya salinan informasi")
STRUCTURE = "struktur"
HEAD_OFFICE = "utama"
"""The structure key of the PPID Utama (the whole pemda), beside one per dinas slug."""


class StandardError(ValueError):
    """An edit that cannot be saved; ``errors`` maps each field to its message, in Bahasa Indonesia."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Periksa kembali isian yang ditandai."))
        self.errors = errors


class ServiceStandard(Base):
    """One edited section: its content, and who last changed it when (the public page says when)."""

    __tablename__ = "standar_layanan"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    """A :data:`TEXT_SECTIONS` key, :data:`FEES`, or ``struktur:<dinas slug>`` / ``struktur:utama``."""
    content: Mapped[Any] = mapped_column(JsonDocument)
    """Text for a text section or a structure; a list of ``{uraian, satuan, biaya}`` for the fee table."""
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


@dataclass(frozen=True)
class Fee:
    item: str
    unit: str
    amount: int
    """Rupiah; 0 is free (electronic copies always are, kip-rules §5.9)."""


@dataclass(frozen=True)
class Section:
    key: str
    content: Any
    updated_at: datetime | None
    """None while the section still shows the region's first text (the file)."""

    @property
    def lines(self) -> list[str]:
        """The text's non-empty lines: steps, hours, provisions."""
        return [line.strip() for line in (self.content or "").splitlines() if line.strip()]

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(part.split()) for part in (self.content or "").split("\n\n") if part.strip()]

    @property
    def fees(self) -> list[Fee]:
        return [Fee(row["uraian"], row["satuan"], int(row["biaya"])) for row in self.content or []]

    @property
    def roles(self) -> list[tuple[str, str]]:
        """A structure's ``Jabatan: Nama`` lines as pairs (a line without a colon is a position alone)."""
        return [(role.strip(), name.strip()) for role, _sep, name in (line.partition(":") for line in self.lines)]


def structure_key(dinas_slug: str | None) -> str:
    return f"{STRUCTURE}:{dinas_slug or HEAD_OFFICE}"


def read(session: Session, config_dir: Path) -> dict[str, Section]:
    """Every section with content: the administrators' edits over the region's file."""
    sections = {key: Section(key, content, None) for key, content in _from_file(config_dir).items()}
    for row in session.scalars(select(ServiceStandard)):
        sections[row.key] = Section(row.key, row.content, row.updated_at)
    return sections


def save_text(session: Session, key: str, text: str, *, user: User, registry: Registry) -> ServiceStandard:
    """A text section or a structure, as typed (trimmed); empty is allowed: the page then says "belum diisi"."""
    if key not in TEXT_SECTIONS and key not in _structure_keys(registry):
        raise KeyError(key)
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise StandardError({"teks": _("Paling banyak %(n)s karakter.", n=MAX_TEXT)})
    return _store(session, key, text, user)


def save_fees(session: Session, items: Sequence[str], units: Sequence[str], amounts: Sequence[str], *,
              user: User) -> ServiceStandard:
    """The fee table from the form's rows; a row left blank is dropped, a row half filled is refused."""
    if not len(items) == len(units) == len(amounts):
        raise StandardError({"biaya": _("Setiap baris memerlukan uraian, satuan dan biaya.")})
    rows, errors = [], {}
    for index, (item, unit, amount) in enumerate(zip(items, units, amounts, strict=True)):
        item, unit, amount = item.strip(), unit.strip(), amount.strip().replace(".", "")
        if not (item or unit or amount):
            continue
        if not (item and unit):
            errors[f"baris-{index}"] = _("Isi uraian dan satuannya.")
        elif not amount.isdigit() or int(amount) > MAX_FEE:
            errors[f"baris-{index}"] = _("Biaya ditulis dalam rupiah tanpa tanda, 0 bila gratis.")
        else:
            rows.append({"uraian": item[:200], "satuan": unit[:100], "biaya": int(amount)})
    if len(rows) > MAX_FEE_ROWS:
        errors["biaya"] = _("Paling banyak %(n)s baris.", n=MAX_FEE_ROWS)
    if errors:
        raise StandardError(errors)
    return _store(session, FEES, rows, user)


def _store(session: Session, key: str, content: Any, user: User) -> ServiceStandard:
    row = session.get(ServiceStandard, key) or ServiceStandard(key=key)
    row.content, row.updated_by, row.updated_at = content, user.username, utcnow()
    session.add(row)
    log.info("service standard %s changed by %s", key, user.username)
    return row


def _structure_keys(registry: Registry) -> set[str]:
    return {structure_key(None), *(structure_key(dinas.slug) for dinas in registry.dinas)}


def _from_file(config_dir: Path) -> dict[str, Any]:
    """The region's first text; a missing or unreadable file is an empty standard, never an error page."""
    path = config_dir / FILE_NAME
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        log.exception("%s cannot be read; the service standards show only what administrators wrote", path)
        return {}
    sections: dict[str, Any] = {key: str(raw[key]).strip() for key in TEXT_SECTIONS if raw.get(key)}
    if isinstance(raw.get(FEES), list):
        sections[FEES] = [{"uraian": str(row["uraian"]), "satuan": str(row["satuan"]), "biaya": int(row["biaya"])}
                          for row in raw[FEES]]
    structures = raw.get(STRUCTURE)
    if isinstance(structures, Mapping):
        sections.update({f"{STRUCTURE}:{slug}": str(text).strip() for slug, text in structures.items()})
    return sections
