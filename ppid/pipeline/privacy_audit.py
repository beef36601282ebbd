"""What is already in the catalogue, scanned for personal data (UU 27/2022), and held back where it holds any.

A harvest scans each new version of a file before publishing it (:mod:`ppid.publication.holds`); a file that
does not change is never read again. So a table published before the scan existed, or before the detector
learnt a pattern, stays public with a NIK in it until someone looks. ``audit_published`` is that look: every
stored version that could be served (a valid table or a document) and has no decision on record is scanned
exactly as the harvest scans a new one; a hit records the same hold, and its dataset is published again at
once, which hides the file from the catalogue and the downloads until the walidata decides
(``/petugas/data-pribadi``). A version already decided (released, sent back, held) is not scanned again, so a
second run only reads what the first could not or what is new, and a file the walidata released stays public.
A dataset whose held file is still served (the catalogue could not be reached when it was to be published
again) is published again by the next run: nothing is left half done.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select

from ppid.documents.config import Limits
from ppid.i18n import _
from ppid.pipeline.models import FileState, TrackedFile
from ppid.pipeline.publication import publish_dataset
from ppid.platform import Platform
from ppid.publication.holds import blocking, hold_for, is_recorded
from ppid.publication.personal_data import Scan, scan_file
from ppid.publishing.publisher import Publisher
from ppid.storage import StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldFile:
    dinas_slug: str
    dataset_name: str
    file_name: str
    summary: str
    """The scan's one sentence (masked samples), as the harvest records it."""


@dataclass
class Audit:
    scanned: int = 0
    already_decided: int = 0
    held: list[HeldFile] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(file name, reason) of stored versions that could not be read: scanned again next time."""
    republished: list[tuple[str, str]] = field(default_factory=list)
    not_republished: list[tuple[str, str, str]] = field(default_factory=list)
    """(dinas, dataset, reason) of datasets still serving a held file: published again by the next run."""


def audit_published(
    platform: Platform, publisher: Publisher, *, dinas_slugs: Iterable[str] | None = None, progress: bool = False,
) -> Audit:
    """Scan every publishable stored version without a decision, hold those with personal data and publish
    their datasets again (now without them). ``progress`` draws a bar on stderr when it is a terminal."""
    limits = Limits.from_settings(platform.settings)
    wanted = set(dinas_slugs) if dinas_slugs is not None else None
    audit = Audit()
    with platform.database.session() as session:
        query = select(TrackedFile.id).where(TrackedFile.state.in_((FileState.VALID, FileState.DOCUMENT)))
        if wanted is not None:
            query = query.where(TrackedFile.dinas_slug.in_(wanted))
        ids = list(session.scalars(query.order_by(TrackedFile.dinas_slug, TrackedFile.dataset_name, TrackedFile.id)))
    scratch = platform.settings.home / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with _bar(progress, len(ids)) as advance:
        for tracked_id in ids:
            advance()
            _scan_one(platform, tracked_id, scratch, limits, audit)
    for dinas_slug, dataset_name in sorted(_serving_held_files(platform, wanted)):
        try:
            publish_dataset(platform, publisher, dinas_slug, dataset_name)
        except Exception as error:  # the catalogue is down: said, and the next run tries again
            log.warning("publishing %s again without its held files failed: %s", dataset_name, error)
            audit.not_republished.append((dinas_slug, dataset_name, str(error)))
        else:
            audit.republished.append((dinas_slug, dataset_name))
    return audit


def _scan_one(platform: Platform, tracked_id: int, scratch: Path, limits: Limits, audit: Audit) -> None:
    """One stored version: skipped when decided, else scanned and held on a hit (committed at once)."""
    with platform.database.session() as session:
        tracked = session.get_one(TrackedFile, tracked_id)
        if is_recorded(session, tracked.source_id, tracked.key, tracked.sha256):
            audit.already_decided += 1
            return
        try:
            scan = _scan_stored(platform, tracked, scratch, limits)
        except (OSError, StorageError) as error:  # a missing or unreadable object: said, and read next run
            log.warning("privacy audit could not read %s (%s): %s", tracked.name, tracked.storage_key, error)
            audit.unreadable.append((tracked.name, str(error)))
            return
        audit.scanned += 1
        hold = hold_for(session, dinas_slug=tracked.dinas_slug, dataset_name=tracked.dataset_name,
                        source_id=tracked.source_id, item_key=tracked.key, file_name=tracked.name,
                        sha256=tracked.sha256, scan=scan)
        if hold is not None:
            audit.held.append(HeldFile(tracked.dinas_slug, tracked.dataset_name, tracked.name, scan.summary()))


@contextmanager
def _bar(enabled: bool, total: int) -> Iterator[Callable[[], None]]:
    """A callable advancing a bar drawn on stderr when it is a terminal and ``enabled``; else doing nothing."""
    if not enabled or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("memindai data pribadi"), total=total)
        yield lambda: bar.advance(task)


def _serving_held_files(platform: Platform, dinas_slugs: set[str] | None) -> set[tuple[str, str]]:
    """(dinas, dataset) of every dataset whose catalogue still serves a version held for personal data."""
    with platform.database.session() as session:
        query = select(TrackedFile).where(TrackedFile.state.in_((FileState.VALID, FileState.DOCUMENT)),
                                          TrackedFile.published_storage_key.is_not(None))
        if dinas_slugs is not None:
            query = query.where(TrackedFile.dinas_slug.in_(dinas_slugs))
        served = list(session.scalars(query))
        held = blocking(session, ((f.source_id, f.key, f.sha256) for f in served))
        return {(f.dinas_slug, f.dataset_name) for f in served if (f.source_id, f.key, f.sha256) in held}


def _scan_stored(platform: Platform, tracked: TrackedFile, scratch: Path, limits: Limits) -> Scan:
    """The stored version scanned from a local copy (the scanners read paths; storage may be S3)."""
    suffix = PurePosixPath(tracked.name).suffix.lower()
    with tempfile.NamedTemporaryFile(dir=scratch, suffix=suffix) as copy:
        with platform.storage.open(tracked.storage_key) as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        return scan_file(Path(copy.name), tracked.name, limits.max_pages)
