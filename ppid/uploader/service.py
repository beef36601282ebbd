"""The uploader's rules, with no Flask in them: drafts, uploads (whole or in resumable parts), schema
suggestion, validation, review, and publication through the one pipeline.

Every change to a draft is written to its append-only record (:class:`DraftEvent`) in the same
transaction as the change itself.
"""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.accounts.models import Role, User
from ppid.db import utcnow
from ppid.i18n import _
from ppid.jobs import JobHandle
from ppid.pipeline.models import TrackedFile
from ppid.pipeline.naming import dataset_name_for, safe_filename
from ppid.platform import Platform
from ppid.publication import holds
from ppid.registry import Rule, SourceConfig
from ppid.storage import MIN_PART_SIZE, StoredObject
from ppid.uploader import checking, notices
from ppid.uploader.checking import local_copy
from ppid.uploader.config import UploaderConfig
from ppid.uploader.models import (
    Draft,
    DraftEvent,
    DraftEventKind,
    DraftFile,
    DraftStatus,
    FileVersion,
    UploadPart,
    UploadSession,
    VersionState,
)
from ppid.validation import SchemaSuggestion, list_schemas, load_schema, sniff, suggest_schema
from ppid.validation.sniff import TABLE_FORMATS

log = logging.getLogger(__name__)

MiB = 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".json", ".zip")
PART_SIZE = 8 * MiB
MAX_PARTS = 10_000
SUGGESTION_THRESHOLD = 0.3
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


class UploadRefused(Exception):
    """An upload or an action the rules refuse; the message is one Indonesian sentence for the officer."""


def uploader_settings(platform: Platform) -> dict[str, int]:
    """Limits from ``config/defaults.yaml`` (section ``uploader``), in bytes."""
    return UploaderConfig.from_settings(platform.settings).limits()


# -- who may do what -----------------------------------------------------------------------------------------


def can_edit(user: User, draft: Draft) -> bool:
    """Officers of the draft's dinas (and administrators) edit drafts while they are not under review."""
    allowed = user.has_role(Role.OFFICER, draft.dinas_slug) or user.has_role(Role.ADMIN, draft.dinas_slug)
    return allowed and draft.status in (DraftStatus.DRAFT, DraftStatus.RETURNED)


def can_review(user: User, draft: Draft) -> bool:
    return (user.has_role(Role.WALIDATA, draft.dinas_slug) or user.has_role(Role.ADMIN, draft.dinas_slug)) and (
        draft.status == DraftStatus.SUBMITTED
    )


def officer_dinas(user: User) -> list[str] | None:
    """The dinas a user may create drafts for; None means every dinas (administrators)."""
    slugs = []
    for grant in user.grants:
        if grant.role in (Role.OFFICER, Role.ADMIN):
            if grant.dinas_slug is None:
                return None
            slugs.append(grant.dinas_slug)
    return sorted(set(slugs))


# -- drafts ----------------------------------------------------------------------------------------------------


def record(session: Session, draft: Draft, kind: DraftEventKind, user: User | None, **payload: Any) -> None:
    session.add(
        DraftEvent(
            draft_id=draft.id,
            kind=kind,
            actor_user_id=user.id if user else None,
            actor_name=user.full_name if user else _("sistem"),
            payload=payload,
        )
    )


def create_draft(session: Session, dinas_slug: str, dataset_slug: str, meta: dict[str, Any], user: User) -> Draft:
    draft = Draft(dinas_slug=dinas_slug, dataset_slug=dataset_slug, meta=meta, created_by_id=user.id)
    session.add(draft)
    session.flush()
    record(session, draft, DraftEventKind.CREATED, user, dataset=dataset_slug, meta=meta)
    return draft


def update_metadata(session: Session, draft: Draft, meta: dict[str, Any], user: User) -> None:
    _require_editable(draft, user)
    changed = {key: value for key, value in meta.items() if draft.meta.get(key) != value}
    if not changed:
        return
    draft.meta = meta
    draft.updated_at = utcnow()
    record(session, draft, DraftEventKind.METADATA_CHANGED, user, changed=changed)


def dataset_choices(session: Session, dinas_slug: str, registry_slugs: list[str]) -> list[str]:
    """Datasets the dinas already has (in the registry or the catalogue), by slug, for 'pick a dataset'."""
    names = session.scalars(select(TrackedFile.dataset_name).where(TrackedFile.dinas_slug == dinas_slug).distinct())
    published = {name.removeprefix(f"{dinas_slug}-") for name in names}
    return sorted(published | set(registry_slugs))


def _require_editable(draft: Draft, user: User) -> None:
    if not can_edit(user, draft):
        raise UploadRefused(
            _("Draf ini sedang ditinjau atau sudah disetujui, sehingga tidak dapat diubah.")
            if draft.status in (DraftStatus.SUBMITTED, DraftStatus.APPROVED)
            else _("Anda tidak berwenang mengubah draf dinas ini.")
        )


# -- checking what arrives -------------------------------------------------------------------------------------


def check_upload(platform: Platform, name: str, size: int | None, *, chunked: bool) -> str:
    """The safe storage name for an offered file, or :class:`UploadRefused` saying what to change."""
    if not name or not name.strip():
        raise UploadRefused(_("Berkas tidak bernama: pilih berkas dari komputer Anda."))
    if _UNSAFE_NAME.search(name) or ".." in PurePosixPath(name).parts or name.startswith("."):
        raise UploadRefused(
            _("Nama berkas %(name)r tidak diterima: nama tidak boleh berisi folder (/ atau \\), '..' "
              "atau diawali titik. Ganti nama berkasnya lalu unggah lagi.", name=name)
        )
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRefused(
            _("Jenis berkas %(suffix)s tidak diterima: unggah CSV, XLSX, XLS, ODS, JSON atau ZIP.",
              suffix=suffix or _("tanpa akhiran"))
        )
    limits = uploader_settings(platform)
    if size is not None:
        if size <= 0:
            raise UploadRefused(_("Berkas %(name)s kosong (0 bita): periksa kembali berkas yang dipilih.", name=name))
        maximum = limits["max_file_size"] if chunked else limits["form_max_size"]
        if size > maximum:
            raise UploadRefused(
                _("Berkas %(name)s terlalu besar (%(size)s MB): batasnya %(max)s MB.",
                  name=name, size=size // MiB, max=maximum // MiB)
            )
    return safe_filename(name)


def _storage_key(draft: Draft, token: str, safe_name: str) -> str:
    return f"unggahan/{draft.dinas_slug}/{draft.id}/{token}/{safe_name}"


# -- whole-file uploads (the plain form) -------------------------------------------------------------------------


def store_file(
    platform: Platform, session: Session, draft: Draft, user: User, name: str, stream: BinaryIO,
    *, replaces: DraftFile | None = None,
) -> FileVersion:
    """Store one file received whole (a form post); it is then checked like a chunked upload."""
    _require_editable(draft, user)
    safe_name = check_upload(platform, name, None, chunked=False)
    stored = platform.storage.put(_storage_key(draft, secrets.token_hex(16), safe_name), stream)
    if stored.size == 0:
        platform.storage.delete(stored.key)
        raise UploadRefused(_("Berkas %(name)s kosong (0 bita): periksa kembali berkas yang dipilih.", name=name))
    return _add_version(platform, session, draft, user, name, stored, replaces)


# -- chunked uploads -----------------------------------------------------------------------------------------------


def begin_chunked(
    platform: Platform, session: Session, draft: Draft, user: User, name: str, size: int,
    *, replaces: DraftFile | None = None,
) -> UploadSession:
    _require_editable(draft, user)
    safe_name = check_upload(platform, name, size, chunked=True)
    token = secrets.token_hex(16)
    key = _storage_key(draft, token, safe_name)
    part_size = max(PART_SIZE, -(-size // MAX_PARTS), MIN_PART_SIZE)
    upload = UploadSession(
        id=token, draft_id=draft.id, replaces_file_id=replaces.id if replaces else None, user_id=user.id,
        name=name, size=size, part_size=part_size, storage_key=key,
        storage_upload_id=platform.storage.begin_upload(key),
    )
    session.add(upload)
    session.flush()
    return upload


def receive_part(platform: Platform, session: Session, upload: UploadSession, number: int, stream: BinaryIO,
                 length: int | None) -> int:
    """Store one part; a part that arrives short (a dropped connection) is not counted, so it is asked again."""
    if not 1 <= number <= upload.part_count:
        raise UploadRefused(_("Bagian %(n)s tidak ada: berkas ini terdiri dari %(count)s bagian.",
                              n=number, count=upload.part_count))
    expected = upload.expected_size(number)
    if length is not None and length != expected:
        raise UploadRefused(_("Bagian %(n)s harus %(expected)s bita, bukan %(size)s.",
                              n=number, expected=expected, size=length))
    size = platform.storage.upload_part(upload.storage_key, upload.storage_upload_id, number, stream)
    if size != expected:
        raise UploadRefused(_("Bagian %(n)s tiba tidak utuh; kirim ulang bagian itu.", n=number))
    part = session.get(UploadPart, (upload.id, number))
    if part is None:
        session.add(UploadPart(session_id=upload.id, number=number, size=size))
    else:
        part.size = size
    return size


def received_parts(upload: UploadSession) -> dict[int, int]:
    return {part.number: part.size for part in upload.parts}


def finish_chunked(platform: Platform, session: Session, upload: UploadSession, user: User) -> FileVersion:
    missing = sorted(set(range(1, upload.part_count + 1)) - set(received_parts(upload)))
    if missing:
        raise UploadRefused(_("Unggahan belum lengkap: bagian %(parts)s belum diterima.",
                              parts=", ".join(map(str, missing[:20]))))
    draft = session.get(Draft, upload.draft_id)
    _require_editable(draft, user)
    stored = platform.storage.complete_upload(upload.storage_key, upload.storage_upload_id)
    replaces = session.get(DraftFile, upload.replaces_file_id) if upload.replaces_file_id else None
    session.delete(upload)
    return _add_version(platform, session, draft, user, upload.name, stored, replaces)


# -- versions, schema and validation ------------------------------------------------------------------------------


def _add_version(
    platform: Platform, session: Session, draft: Draft, user: User, name: str, stored: StoredObject,
    replaces: DraftFile | None,
) -> FileVersion:
    """A new version of ``replaces``, or of the draft's file with the same name, or a new file."""
    slot_name = safe_filename(name)
    draft_file = replaces or session.scalar(
        select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.slot == slot_name)
    )
    with local_copy(platform, stored.key, name) as path:
        if draft_file is None:
            draft_file = DraftFile(draft_id=draft.id, slot=slot_name, schema_name=suggested_schema(platform, path))
            session.add(draft_file)
            session.flush()
        version = FileVersion(
            file_id=draft_file.id,
            number=len(draft_file.versions) + 1,
            name=name,
            storage_key=stored.key,
            sha256=stored.sha256,
            size=stored.size,
            schema_name=draft_file.schema_name,
            uploaded_by_id=user.id,
            uploaded_by_name=user.full_name,
        )
        session.add(version)
        session.flush()
        session.refresh(draft_file)
        draft.updated_at = utcnow()
        record(session, draft, DraftEventKind.FILE_UPLOADED, user, file=draft_file.slot, version=version.number,
               name=name, sha256=stored.sha256, size=stored.size, schema=draft_file.schema_name)
        check_version(platform, session, version)
    return version


def suggested_schema(platform: Platform, path: Path) -> str | None:
    """The schema whose fields best match the file's column titles, if the match is good enough."""
    ranked = schema_suggestions(platform, path)
    return ranked[0].name if ranked and ranked[0].score >= SUGGESTION_THRESHOLD else None


def schema_suggestions(platform: Platform, path: Path) -> list[SchemaSuggestion]:
    sniffed = sniff(path)
    if sniffed.format not in TABLE_FORMATS or not sniffed.labels:
        return []
    schemas_dir = platform.settings.schemas_dir
    return suggest_schema(sniffed.labels, {name: load_schema(schemas_dir, name) for name in list_schemas(schemas_dir)})


def choose_schema(platform: Platform, session: Session, draft_file: DraftFile, schema_name: str | None,
                  user: User) -> None:
    """The officer picks another schema (or none: a document): the current version is checked again."""
    draft = draft_file.draft
    _require_editable(draft, user)
    if schema_name is not None and schema_name not in list_schemas(platform.settings.schemas_dir):
        raise UploadRefused(_("Skema %(name)s tidak ada; pilih dari daftar.", name=schema_name))
    if schema_name == draft_file.schema_name:
        return
    draft_file.schema_name = schema_name
    version = draft_file.current
    version.schema_name = schema_name
    version.report_id = None
    record(session, draft, DraftEventKind.SCHEMA_CHOSEN, user, file=draft_file.slot, schema=schema_name)
    check_version(platform, session, version)


def check_version(platform: Platform, session: Session, version: FileVersion) -> None:
    """Check the version against its schema in the background, once ``session`` commits (see
    :mod:`ppid.uploader.checking`); a version without a schema is a document and needs no check."""
    if version.schema_name is None:
        version.state = VersionState.DOCUMENT
        version.error = None
        return
    checking.start(platform, session, version)


def recheck(platform: Platform, session: Session, draft_file: DraftFile, user: User) -> FileVersion:
    """Check the current version again, after a check that failed (a crash, a storage outage)."""
    _require_editable(draft_file.draft, user)
    version = draft_file.current
    if version.state != VersionState.FAILED:
        raise UploadRefused(_("Berkas %(name)s tidak perlu diperiksa ulang.", name=version.name))
    check_version(platform, session, version)
    return version


def validate_version_job(version_id: int) -> None:
    """Entry point for RQ workers (jobs queued before checks moved to :mod:`ppid.uploader.checking`)."""
    checking.validate_version_job(version_id)


# -- review and publication -------------------------------------------------------------------------------------


def submit(session: Session, draft: Draft, user: User) -> None:
    _require_editable(draft, user)
    if not draft.files:
        raise UploadRefused(_("Unggah minimal satu berkas sebelum mengajukan draf."))
    for draft_file in draft.files:
        version = draft_file.current
        if version.state == VersionState.CHECKING:
            raise UploadRefused(_("Berkas %(name)s masih diperiksa; tunggu sampai laporannya keluar.",
                                  name=version.name))
        if version.state in (VersionState.INVALID, VersionState.FAILED):
            raise UploadRefused(_("Berkas %(name)s belum lolos validasi: unggah versi yang sudah diperbaiki "
                                  "sebelum mengajukan.", name=version.name))
    resubmitted = any(event.kind == DraftEventKind.SUBMITTED for event in draft.events)
    draft.status = DraftStatus.SUBMITTED
    draft.review_comment = None
    draft.updated_at = utcnow()
    record(session, draft, DraftEventKind.SUBMITTED, user,
           files={f.slot: f.current.number for f in draft.files})
    notices.notify_reviewers(session, draft, user, resubmitted=resubmitted)


def send_back(session: Session, draft: Draft, user: User, comment: str) -> None:
    if not can_review(user, draft):
        raise UploadRefused(_("Hanya walidata yang dapat meninjau draf yang sudah diajukan."))
    comment = comment.strip()
    if not comment:
        raise UploadRefused(_("Tulis alasan pengembalian agar petugas tahu apa yang harus diperbaiki."))
    draft.status = DraftStatus.RETURNED
    draft.review_comment = comment
    draft.updated_at = utcnow()
    record(session, draft, DraftEventKind.RETURNED, user, comment=comment)
    notices.notify(session, draft, _submitter(session, draft),
                   _("Draf “%(title)s” dikembalikan oleh walidata: %(comment)s", title=draft.title, comment=comment))


def approve(platform: Platform, session: Session, draft: Draft, user: User) -> JobHandle:
    """Approve, then publish through the pipeline (on a worker when workers are configured)."""
    if not can_review(user, draft):
        raise UploadRefused(_("Hanya walidata yang dapat meninjau draf yang sudah diajukan."))
    draft.status = DraftStatus.APPROVED
    draft.updated_at = utcnow()
    record(session, draft, DraftEventKind.APPROVED, user, files={f.slot: f.current.number for f in draft.files})
    session.commit()
    return platform.jobs.enqueue(publish_draft_job, draft.id)


def dataset_name(draft: Draft) -> str:
    return dataset_name_for(draft.dinas_slug, _rule(draft, None))


def _rule(draft: Draft, draft_file: DraftFile | None) -> Rule:
    dataset = {**draft.meta, "name": draft.dataset_slug}
    return Rule(match=draft_file.slot if draft_file else "*", schema=draft_file.schema_name if draft_file else None,
                dataset=dataset)


def source_for(platform: Platform, draft: Draft) -> SourceConfig:
    """The approved draft as a pipeline source: one rule per file, carrying its schema and the metadata."""
    settings = platform.settings
    return SourceConfig(
        dinas_slug=draft.dinas_slug,
        index=-1,
        kind="unggahan",
        name=f"unggahan-{draft.id}",
        options={
            "storage_url": settings.storage_url,
            "s3_endpoint_url": settings.s3_endpoint_url,
            "files": [
                {"key": f.slot, "name": f.current.name, "storage_key": f.current.storage_key,
                 "sha256": f.current.sha256, "size": f.current.size}
                for f in draft.files
            ],
        },
        rules=tuple(_rule(draft, f) for f in draft.files),
    )


def publish_draft_job(draft_id: int) -> int | None:
    """Feed the approved draft to the pipeline runner, then tell the officer how it went."""
    from ppid.pipeline.runner import run_harvest
    from ppid.platform import job_platform

    platform = job_platform()
    with platform.database.session() as session:
        draft = session.get(Draft, draft_id)
        source = source_for(platform, draft)
    try:
        run_id = run_harvest(platform, sources=[source], trigger="unggahan")
    except Exception as error:
        log.warning("publishing draft %s failed: %s", draft_id, error)
        with platform.database.session() as session:
            draft = session.get(Draft, draft_id)
            draft.status = DraftStatus.SUBMITTED  # back in the walidata's queue, to approve again
            record(session, draft, DraftEventKind.PUBLISH_FAILED, None, error=str(error))
            notices.notify(session, draft, _submitter(session, draft),
                           _("Draf “%(title)s” disetujui tetapi belum dapat diterbitkan: %(error)s. "
                             "Walidata akan mencoba lagi.", title=draft.title, error=error))
        return None
    with platform.database.session() as session:
        draft = session.get(Draft, draft_id)
        current = {(key, sha256) for key, sha256 in session.execute(select(TrackedFile.key, TrackedFile.sha256).where(
            TrackedFile.source_id == source.source_id))}
        held = {hold.file_name: hold.scan.summary() for hold in holds.blocking_in_source(session, source.source_id)
                if (hold.item_key, hold.sha256) in current}
        if held:  # the pipeline held files with personal data back: the walidata decides on its own page
            record(session, draft, DraftEventKind.PUBLISHED, None, run=run_id, dataset=dataset_name(draft), held=held)
            notices.notify(session, draft, _submitter(session, draft), _(
                "Draf “%(title)s” disetujui, tetapi %(files)s ditahan karena memuat data pribadi (NIK, nomor "
                "telepon, e-mail atau alamat di samping nama) dan belum terbit; walidata akan menerbitkannya "
                "dengan alasan atau mengembalikannya untuk diperbaiki.", title=draft.title, files=", ".join(held)))
            return run_id
        record(session, draft, DraftEventKind.PUBLISHED, None, run=run_id, dataset=dataset_name(draft))
        notices.notify(session, draft, _submitter(session, draft),
                       _("Draf “%(title)s” disetujui walidata dan sudah terbit di portal.", title=draft.title))
    return run_id


def _submitter(session: Session, draft: Draft) -> int | None:
    last = session.scalar(
        select(DraftEvent.actor_user_id)
        .where(DraftEvent.draft_id == draft.id, DraftEvent.kind == DraftEventKind.SUBMITTED)
        .order_by(DraftEvent.id.desc())
    )
    return last or draft.created_by_id


def versions_with_report(session: Session, report_id: int) -> list[FileVersion]:
    """Uploaded versions described by a validation report, for the report page's access check."""
    return list(session.scalars(select(FileVersion).where(FileVersion.report_id == report_id)))
