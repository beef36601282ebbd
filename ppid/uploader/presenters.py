"""What a draft looks like to an officer: statuses as words and its record as sentences.

The record (``draft_event``) keeps codes and values for the audit; officers read "Budi mengunggah versi 2
dari penduduk.csv" instead of ``berkas_diunggah`` and ``version: 2``. Templates show what is made here and
never a stored code, so each page says the same thing in the interface language.
"""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from ppid.i18n import N_, _, get_language, ngettext
from ppid.pipeline.models import FileState
from ppid.uploader.models import Draft, DraftEvent, DraftEventKind, DraftStatus, VersionState

DRAFT_STATUS_LABELS = {
    DraftStatus.DRAFT: N_("Draf"),
    DraftStatus.SUBMITTED: N_("Menunggu tinjauan walidata"),
    DraftStatus.RETURNED: N_("Dikembalikan ke petugas"),
    DraftStatus.APPROVED: N_("Disetujui"),
}
VERSION_STATE_LABELS = {
    VersionState.CHECKING: N_("Sedang diperiksa"),
    VersionState.VALID: N_("Valid"),
    VersionState.INVALID: N_("Perlu diperbaiki"),
    VersionState.DOCUMENT: N_("Dokumen"),
    VersionState.FAILED: N_("Gagal diperiksa"),
}
FILE_STATE_LABELS = {
    FileState.VALID: N_("Valid"),
    FileState.INVALID: N_("Perlu diperbaiki"),
    FileState.DOCUMENT: N_("Dokumen"),
    FileState.FAILED: N_("Gagal dipanen"),
    FileState.WITHDRAWN: N_("Ditarik dari sumbernya"),
}
FIELD_LABELS = {
    "title": N_("Judul dataset"),
    "description": N_("Deskripsi"),
    "tags": N_("Kata kunci"),
    "frequency": N_("Frekuensi pembaruan"),
    "year": N_("Tahun / periode"),
    "level_penyajian": N_("Level penyajian"),
    "cakupan_wilayah": N_("Cakupan wilayah"),
    "satuan": N_("Satuan"),
    "sumber": N_("Sumber data"),
    "kontak": N_("Kontak (e-mail)"),
    "licence": N_("Lisensi"),
}


def draft_status(status: DraftStatus) -> str:
    return _(DRAFT_STATUS_LABELS[status])


def version_state(state: VersionState) -> str:
    return _(VERSION_STATE_LABELS[state])


def file_state(state: FileState) -> str:
    """A harvested file's state ("Berkas dinas"): the pipeline stores English codes such as ``document``."""
    return _(FILE_STATE_LABELS[state])


def describe(event: DraftEvent, draft: Draft) -> str:
    """One line of a draft's record as a sentence naming who did what, in the interface language.

    Files are named as each version was uploaded (``penduduk-fixed.csv``), not by the key the record keeps
    (the first version's name), so a sentence about version 2 never names the invalid first upload.
    """
    payload, who = event.payload, event.actor_name
    kind = event.kind
    if kind == DraftEventKind.CREATED:
        return _("%(who)s membuat draf ini.", who=who)
    if kind == DraftEventKind.METADATA_CHANGED:
        changed = ", ".join(_(FIELD_LABELS[key]) if key in FIELD_LABELS else key for key in payload.get("changed", {}))
        return _("%(who)s mengubah metadata: %(fields)s.", who=who, fields=changed)
    if kind == DraftEventKind.FILE_UPLOADED:
        return _("%(who)s mengunggah versi %(n)s dari %(name)s (%(size)s).", who=who, n=payload["version"],
                 name=payload.get("name", payload["file"]), size=file_size(payload.get("size", 0)))
    if kind == DraftEventKind.SCHEMA_CHOSEN:
        if payload.get("schema"):
            return _("%(who)s memilih skema %(schema)s untuk %(name)s.", who=who, schema=payload["schema"],
                     name=payload["file"])
        return _("%(who)s menjadikan %(name)s dokumen (tanpa skema).", who=who, name=payload["file"])
    if kind == DraftEventKind.VALIDATED:
        if payload.get("valid"):
            return _("Versi %(n)s dari %(name)s diperiksa: valid.", n=payload["version"],
                     name=_version_name(draft, payload["file"], payload["version"]))
        errors = int(payload.get("errors") or 0)
        return ngettext("Versi %(n)s dari %(name)s diperiksa: %(num)s kesalahan.",
                        "Versi %(n)s dari %(name)s diperiksa: %(num)s kesalahan.", errors,
                        n=payload["version"], name=_version_name(draft, payload["file"], payload["version"]))
    if kind == DraftEventKind.SUBMITTED:
        return _("%(who)s mengajukan draf ke walidata (%(files)s).", who=who, files=_files(payload, draft))
    if kind == DraftEventKind.RETURNED:
        return _("%(who)s mengembalikan draf ke petugas: %(comment)s", who=who, comment=payload.get("comment", ""))
    if kind == DraftEventKind.APPROVED:
        return _("%(who)s menyetujui draf (%(files)s).", who=who, files=_files(payload, draft))
    if kind == DraftEventKind.PUBLISHED and payload.get("held"):
        return _("Dataset %(dataset)s diproses (pemanenan #%(run)s), tetapi berkas berikut ditahan untuk walidata "
                 "karena data pribadi: %(held)s", dataset=payload.get("dataset", ""), run=payload.get("run", ""),
                 held=" ".join(f"{name}: {why}" for name, why in payload["held"].items()))
    if kind == DraftEventKind.PUBLISHED:
        return _("Dataset %(dataset)s terbit di portal (pemanenan #%(run)s).", dataset=payload.get("dataset", ""),
                 run=payload.get("run", ""))
    return _("Draf disetujui tetapi belum dapat diterbitkan: %(error)s", error=payload.get("error", ""))


def _files(payload: dict[str, Any], draft: Draft) -> str:
    """``files`` of a submission or approval (file key → version number) as "penduduk-fixed.csv, versi 2"."""
    files = payload.get("files") or {}
    if not files:
        return _("tanpa berkas")
    return "; ".join(_("%(name)s, versi %(n)s", name=_version_name(draft, slot, number), n=number)
                     for slot, number in files.items())


def _version_name(draft: Draft, slot: str, number: int) -> str:
    """The name version ``number`` of the file kept under ``slot`` was uploaded with (the slot if it is gone)."""
    for draft_file in draft.files:
        if draft_file.slot == slot:
            return next((v.name for v in draft_file.versions if v.number == number), slot)
    return slot


def file_size(size: int) -> str:
    """``12,3 MB``: a size in the interface language's number format, never a raw count of bytes."""
    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    return f"{format_decimal(round(value, 1), locale=get_language())} {unit}"
