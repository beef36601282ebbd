"""From the pipeline's records of a dataset's files to the publisher, and back: which version is now published.

The publisher takes plain values (:class:`~ppid.publishing.mapping.DatasetDraft`); this module is where the
pipeline's bookkeeping meets it: which files the catalogue may show, in which version (an invalid newer
file does not replace a valid one), and, once the catalogue holds them, that they are published.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from ppid.documents.extract import texts_by_sha256
from ppid.documents.models import DocumentText
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.naming import safe_filename
from ppid.platform import Platform
from ppid.publishing.mapping import DatasetDraft, DatasetFile
from ppid.publishing.publisher import Publisher
from ppid.registry import Dinas


def publish_dataset(platform: Platform, publisher: Publisher, dinas_slug: str, dataset_name: str) -> None:
    """Bring one dataset in the catalogue in line with its files, then remember what was published."""
    with platform.database.session() as session:
        files = list(
            session.scalars(
                select(TrackedFile)
                .where(TrackedFile.dinas_slug == dinas_slug, TrackedFile.dataset_name == dataset_name)
                .order_by(TrackedFile.key)
            )
        )
        dinas = platform.registry.get(dinas_slug)
        if dinas is None or not files:
            return
        documents = texts_by_sha256(session, (f.sha256 for f in files if f.state == FileState.DOCUMENT))
        publisher.publish(dataset_draft(platform, dinas, dataset_name, files, documents))
        for tracked in files:
            if tracked.state in (FileState.VALID, FileState.DOCUMENT):
                tracked.published_sha256 = tracked.sha256
                tracked.published_storage_key = tracked.storage_key
            elif tracked.state == FileState.WITHDRAWN:
                tracked.published_sha256 = None
                tracked.published_storage_key = None
            tracked.publish_error = None


def dataset_draft(
    platform: Platform, dinas: Dinas, dataset_name: str, files: list[TrackedFile],
    documents: Mapping[str, DocumentText],
) -> DatasetDraft:
    """The dataset as the catalogue should show it: ``documents`` (by sha256) give page counts and text."""
    visible = [f for f in files if f.published_storage_key or f.state in (FileState.VALID, FileState.DOCUMENT)]
    visible = [f for f in visible if f.state != FileState.WITHDRAWN]
    meta = (visible or files)[0].dataset_meta
    return DatasetDraft(
        name=dataset_name,
        dinas=dinas,
        meta=meta,
        files=[_dataset_file(platform, tracked, documents) for tracked in visible],
    )


def _dataset_file(platform: Platform, tracked: TrackedFile, documents: Mapping[str, DocumentText]) -> DatasetFile:
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
    )


def catalogue_version(tracked: TrackedFile) -> tuple[str | None, str | None]:
    """The SHA-256 and storage key of the version the catalogue shows: an invalid newer file does not replace a
    valid one."""
    if tracked.state in (FileState.VALID, FileState.DOCUMENT):
        return tracked.sha256, tracked.storage_key
    return tracked.published_sha256, tracked.published_storage_key
