"""Registers kept in a file (``config/informasi-publik.yaml``): DIP entries outside the catalogue, the SK of each
DIP and DIK entries, added once to the registers officers keep on the web.

A pemda moving from a spreadsheet, and the bundled sample region, start from such a file; ``ppid harvest`` reads
it when present. An entry already in the registers (same dinas and title, or same SK number) is left as the
officers have it, so running again adds nothing and never overwrites their edits. Each entry is checked by the
schema of the officer's form, and a mistake names the entry (``dik[1] › ends_on: …``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.config import ConfigError, read_yaml
from ppid.i18n import _
from ppid.publication import dik, service
from ppid.publication.models import DeclaredInformation, DipDecree, ExemptInformation
from ppid.registry import Registry
from ppid.storage import Storage

FILE_NAME = "informasi-publik.yaml"
RECORDED_BY = "config/informasi-publik.yaml"


def load_registers(session: Session, storage: Storage, registry: Registry, path: Path) -> int:
    """Add what ``path`` declares and the registers lack; returns how many entries were added."""
    if not path.exists():
        return 0
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(_("%(path)s tidak sah: isinya harus berupa bagian sk, dip dan dik.", path=path))
    added = 0
    for where, entry in _entries(raw, "sk", path):
        added += _decree(session, storage, registry, path, where, entry)
    for where, entry in _entries(raw, "dip", path):
        added += _declared(session, registry, path, where, entry)
    for where, entry in _entries(raw, "dik", path):
        added += _exempt(session, registry, path, where, entry)
    return added


def _entries(raw: dict[str, Any], section: str, path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The entries of one section as (where, entry), or a ConfigError naming the one that is not an entry."""
    entries = raw.get(section) or []
    if not isinstance(entries, list):
        raise ConfigError(_("%(path)s tidak sah: %(where)s harus berupa daftar entri (baris yang diawali \"- \").",
                            path=path, where=section))
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ConfigError(_("%(path)s tidak sah: %(where)s harus berupa isian seperti \"judul: ...\".",
                                path=path, where=f"{section}[{index}]"))
    return [(f"{section}[{index}]", dict(entry)) for index, entry in enumerate(entries)]


def _dinas(registry: Registry, path: Path, where: str, entry: dict[str, Any], *, pemda: bool = False) -> str:
    slug = str(entry.pop("dinas", "") or "")
    if (slug or not pemda) and registry.get(slug) is None:
        raise ConfigError(_("%(path)s tidak sah: %(where)s › dinas: %(slug)r tidak ada di config/dinas.yaml.",
                            path=path, where=where, slug=slug))
    return slug


def _declared(session: Session, registry: Registry, path: Path, where: str, entry: dict[str, Any]) -> int:
    slug = _dinas(registry, path, where, entry)
    if session.scalar(select(DeclaredInformation.id).where(DeclaredInformation.dinas_slug == slug,
                                                           DeclaredInformation.title == entry.get("title"))):
        return 0
    try:
        service.declare(session, slug, {key: str(value) for key, value in entry.items()}, RECORDED_BY)
    except service.FormError as error:
        raise _invalid(path, where, error) from None
    return 1


def _exempt(session: Session, registry: Registry, path: Path, where: str, entry: dict[str, Any]) -> int:
    slug = _dinas(registry, path, where, entry)
    if session.scalar(select(ExemptInformation.id).where(ExemptInformation.dinas_slug == slug,
                                                         ExemptInformation.public_title == entry.get("public_title"))):
        return 0
    try:
        dik.record(session, slug, {key: str(value) for key, value in entry.items()}, RECORDED_BY, datasets=())
    except service.FormError as error:
        raise _invalid(path, where, error) from None
    return 1


def _decree(session: Session, storage: Storage, registry: Registry, path: Path, where: str,
            entry: dict[str, Any]) -> int:
    slug = _dinas(registry, path, where, entry, pemda=True)
    number = str(entry.get("nomor", ""))
    if session.scalar(select(DipDecree.id).where(DipDecree.dinas_slug == slug, DipDecree.number == number)):
        return 0
    document = (path.parent / str(entry.get("dokumen", ""))).resolve()
    if not document.is_file():
        raise ConfigError(_("%(path)s tidak sah: %(where)s › dokumen: berkas %(file)s tidak ditemukan.",
                            path=path, where=where, file=document))
    try:
        with document.open("rb") as stream:
            service.record_decree(session, storage, dinas_slug=slug or None, number=number,
                                  decided_on=str(entry.get("tanggal", "")), file_name=document.name, stream=stream,
                                  by=RECORDED_BY)
    except service.FormError as error:
        raise _invalid(path, where, error) from None
    return 1


def _invalid(path: Path, where: str, error: service.FormError) -> ConfigError:
    problems = "; ".join(f"{where} › {key}: {message}" for key, message in error.errors.items())
    return ConfigError(_("%(path)s tidak sah: %(problems)s.", path=path, problems=problems))
