"""From the pipeline's records of a dataset's files to the publisher, and back: which version is now published.

The publisher takes plain values (:class:`~ppid.publishing.mapping.DatasetDraft`); this module is where the
pipeline's bookkeeping meets it: which files the catalogue may show, in which version (an invalid newer
file does not replace a valid one), and, once the catalogue holds them, that they are published.

Every table shown gets its typed copy for the DataStore first (:func:`ppid.datastore.convert.build_table`),
each in its own committed transaction, so that the embedded catalogue sees the copy as soon as the publisher
asks. A copy that cannot be made does not hold up the dataset: the file is published without DataStore rows,
its ``publish_error`` says why, and the dataset stays pending (see the runner) so that the next run tries again.
Files uploaded through the portal come here too: the uploader is just another source.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.datastore.convert import TABLE_SUFFIXES, build_table
from ppid.documents.extract import texts_by_sha256
from ppid.documents.models import DocumentText
from ppid.i18n import _
from ppid.pipeline.models import FileState, ItemOutcome, TrackedFile
from ppid.pipeline.naming import safe_filename
from ppid.platform import Platform
from ppid.publication.classification import Classification, is_exempt
from ppid.publication.holds import blocking
from ppid.publication.models import Reclassification
from ppid.publishing.mapping import DatasetDraft, DatasetFile, DatastoreCopy
from ppid.publishing.publisher import Publisher
from ppid.registry import Dinas
from ppid.validation import load_schema

log = logging.getLogger(__name__)


def publish_dataset(
    platform: Platform, publisher: Publisher, dinas_slug: str, dataset_name: str,
) -> list[tuple[ItemOutcome, str]]:
    """Bring one dataset in the catalogue in line with its files, then remember what was published.

    Returns what the run should record: why some tables got no DataStore copy (the dataset is published all
    the same), or that the dataset is held back because it is classified dikecualikan."""
    dinas = platform.registry.get(dinas_slug)
    if dinas is None:
        return []
    with platform.database.session() as session:
        files = _files(session, dinas_slug, dataset_name)
        held = bool(files) and is_exempt(classified_meta(session, dinas_slug, dataset_name, files[0].dataset_meta))
        private = _held_for_personal_data(session, files)
        wanted = [(f.id, f.name, f.schema_name, *catalogue_version(f)) for f in _visible(files)
                  if f.state != FileState.DOCUMENT and wants_copy(f.name, f.schema_name) and not held
                  and f.id not in private]
    copies, failures = _datastore_copies(platform, wanted)
    with platform.database.session() as session:
        files = _files(session, dinas_slug, dataset_name)
        if not files:
            return []
        documents = texts_by_sha256(session, (f.sha256 for f in files if f.state == FileState.DOCUMENT))
        private = _held_for_personal_data(session, files)
        draft = dataset_draft(platform, dinas, dataset_name, files, documents, copies, session, hidden=private)
        publisher.publish(draft)
        held = is_exempt(draft.meta)
        for tracked in files:
            if tracked.id in private:  # settled until the walidata decides; nothing of it is served meanwhile
                tracked.published_sha256 = tracked.sha256
                tracked.published_storage_key = None
            elif tracked.state in (FileState.VALID, FileState.DOCUMENT):
                tracked.published_sha256 = tracked.sha256
                # held back: this version is settled (not pending again), but nothing of it is served
                tracked.published_storage_key = None if held else tracked.storage_key
            elif tracked.state == FileState.WITHDRAWN:
                tracked.published_sha256 = None
                tracked.published_storage_key = None
            tracked.publish_error = failures.get(tracked.id)
    if held:
        return [(ItemOutcome.HELD, _("Ditahan: diklasifikasikan sebagai informasi dikecualikan (Pasal 17), "
                                     "tidak diterbitkan di katalog."))]
    return [(ItemOutcome.FAILED, problem) for problem in failures.values()]


def _held_for_personal_data(session: Session, files: list[TrackedFile]) -> set[int]:
    """The files whose current version is held for personal data and not released (the run recorded why when it
    read them)."""
    holds = blocking(session, ((f.source_id, f.key, f.sha256) for f in files
                               if f.state in (FileState.VALID, FileState.DOCUMENT)))
    return {f.id for f in files if (f.source_id, f.key, f.sha256) in holds}


def classified_meta(session: Session, dinas_slug: str, dataset_name: str, meta: dict[str, Any]) -> dict[str, Any]:
    """A dataset's metadata with the walidata's classification, which wins over the registry's and the form's."""
    chosen = session.scalar(select(Reclassification).where(
        Reclassification.dinas_slug == dinas_slug, Reclassification.dataset_name == dataset_name))
    if chosen is None:
        return meta
    return meta | Classification(chosen.kategori_informasi, chosen.periode_bulan, chosen.pasal_11_huruf).as_meta()


def _files(session: Session, dinas_slug: str, dataset_name: str) -> list[TrackedFile]:
    return list(session.scalars(
        select(TrackedFile)
        .where(TrackedFile.dinas_slug == dinas_slug, TrackedFile.dataset_name == dataset_name)
        .order_by(TrackedFile.key)
    ))


def wants_copy(name: str, schema_name: str | None) -> bool:
    """A table with a schema, in a format the DataStore reads (a ZIP of tables is not one table)."""
    return schema_name is not None and PurePosixPath(name).suffix.lower() in TABLE_SUFFIXES


def _datastore_copies(
    platform: Platform, wanted: Iterable[tuple[int, str, str, str | None, str | None]],
) -> tuple[dict[int, DatastoreCopy], dict[int, str]]:
    """The typed copy of each (file id, name, schema, sha256, storage key), and why the others could not be made."""
    copies: dict[int, DatastoreCopy] = {}
    failures: dict[int, str] = {}
    for file_id, name, schema_name, sha256, key in wanted:
        assert sha256 is not None and key is not None  # visible files have a version to show
        try:
            schema = load_schema(platform.settings.schemas_dir, schema_name)
            with platform.database.session() as session:
                table = build_table(session, platform.storage, source_key=key, file_name=name, sha256=sha256,
                                    schema_name=schema_name, schema=schema)
                copies[file_id] = DatastoreCopy(storage_key=table.storage_key, rows_sha256=table.rows_sha256,
                                                fields=table.ckan_fields(), primary_key=list(table.primary_key),
                                                row_count=table.row_count)
        except Exception as error:  # whatever went wrong with one table, the dataset is still published
            log.warning("DataStore copy of %s (%s) failed: %s", name, sha256[:12], error)
            failures[file_id] = _("Salinan tabel untuk DataStore belum dapat dibuat: %(error)s", error=error)
    return copies, failures


def dataset_draft(
    platform: Platform, dinas: Dinas, dataset_name: str, files: list[TrackedFile],
    documents: Mapping[str, DocumentText], copies: Mapping[int, DatastoreCopy], session: Session,
    hidden: set[int] | None = None,
) -> DatasetDraft:
    """The dataset as the catalogue should show it: ``documents`` (by sha256) give page counts and text,
    ``copies`` (by file id) the typed rows of tables for the DataStore; ``hidden`` file ids are left out (held
    for personal data)."""
    visible = [f for f in _visible(files) if f.id not in (hidden or set())]
    meta = classified_meta(session, dinas.slug, dataset_name, (visible or files)[0].dataset_meta)
    return DatasetDraft(
        name=dataset_name,
        dinas=dinas,
        meta=meta,
        files=[_dataset_file(platform, tracked, documents, copies.get(tracked.id)) for tracked in visible],
    )


def _visible(files: list[TrackedFile]) -> list[TrackedFile]:
    """The files the catalogue shows: valid ones and documents, and the published version of an invalid newer file."""
    return [f for f in files if (f.published_storage_key or f.state in (FileState.VALID, FileState.DOCUMENT))
            and f.state != FileState.WITHDRAWN]


def _dataset_file(platform: Platform, tracked: TrackedFile, documents: Mapping[str, DocumentText],
                  datastore: DatastoreCopy | None) -> DatasetFile:
    sha256, key = catalogue_version(tracked)
    assert sha256 is not None and key is not None  # visible files have a version to show
    document = documents.get(sha256) if tracked.state == FileState.DOCUMENT else None
    return DatasetFile(
        key=tracked.key,
        name=tracked.name,
        url=f"{platform.settings.public_url}/unduh/{tracked.id}/{safe_filename(tracked.name)}",
        sha256=sha256,
        size=tracked.size if key == tracked.storage_key else platform.storage.size(key),
        storage_key=key,
        schema_name=tracked.schema_name,
        valid_table=tracked.state == FileState.VALID,
        document=tracked.state == FileState.DOCUMENT,
        page_count=document.page_count if document else None,
        text=document.text if document else "",
        datastore=datastore,
    )


def catalogue_version(tracked: TrackedFile) -> tuple[str | None, str | None]:
    """The SHA-256 and storage key of the version the catalogue shows: an invalid newer file does not replace a
    valid one."""
    if tracked.state in (FileState.VALID, FileState.DOCUMENT):
        return tracked.sha256, tracked.storage_key
    return tracked.published_sha256, tracked.published_storage_key
