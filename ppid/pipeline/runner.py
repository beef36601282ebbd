"""The one path from a source's files to the public catalogue: hash → skip if unchanged → store → validate
(tables) or read (documents) → publish.

Harvested and uploaded files both come through here. Each item is committed on its own, and
publication is tracked per file, so a crash, a killed worker or an unreachable catalogue leaves
state that the next run completes without duplicates.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from harvesters import Item, source_class
from ppid.config import ConfigError
from ppid.db import utcnow
from ppid.documents.extract import Limits, extract_once
from ppid.i18n import _
from ppid.pipeline.models import FileState, HarvestRun, ItemOutcome, RunEvent, RunStatus, TrackedFile
from ppid.pipeline.naming import dataset_name_for, storage_key_for
from ppid.pipeline.publication import publish_dataset
from ppid.pipeline.validate import validate_stored_file
from ppid.platform import Platform
from ppid.publishing.publisher import Publisher, open_publisher
from ppid.registry import Rule, SourceConfig

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=15)
COPY_CHUNK = 1024 * 1024
BATCH = 500


class HarvestAlreadyRunning(ConfigError):
    """Another run is alive (its heartbeat is recent); two runs at once would race on the same files."""


@dataclass(frozen=True)
class FetchedFile:
    path: Path
    sha256: str
    size: int


def harvest_job(dinas_slugs: list[str] | None = None, source_names: list[str] | None = None) -> int:
    """Entry point for RQ workers and inline jobs."""
    from ppid.platform import job_platform

    return run_harvest(job_platform(), dinas_slugs=dinas_slugs, source_names=source_names, trigger="worker")


def run_harvest(
    platform: Platform,
    *,
    dinas_slugs: list[str] | None = None,
    source_names: list[str] | None = None,
    trigger: str = "cli",
    progress: bool = False,
    sources: list[SourceConfig] | None = None,
) -> int:
    """Harvest, validate and publish every configured source (or the selected ones); returns the run id.

    ``sources`` replaces the registry's sources: the uploader passes the approved files of one draft.
    """
    if sources is None:
        sources = select_sources(platform, dinas_slugs, source_names)
    run_id = start_run(platform, trigger)
    runner = _Runner(platform, run_id)
    try:
        with _progress(progress) as bar:
            for source in sources:
                runner.harvest_source(source, bar)
            with open_publisher(platform) as publisher:
                runner.publish_pending(publisher, {source.dinas_slug for source in sources}, bar)
    except BaseException as error:
        finish_run(platform, run_id, RunStatus.FAILED, error=str(error) or type(error).__name__)
        raise
    finish_run(platform, run_id, RunStatus.FINISHED)
    return run_id


def select_sources(
    platform: Platform, dinas_slugs: list[str] | None = None, source_names: list[str] | None = None
) -> list[SourceConfig]:
    """The sources of ``dinas_slugs`` named ``source_names`` (a name alone, or ``dinas/name``); all by default."""
    unknown = set(dinas_slugs or ()) - {dinas.slug for dinas in platform.registry.dinas}
    if unknown:
        raise ConfigError(_("Dinas tidak ada di registri: %(slugs)s.", slugs=", ".join(sorted(unknown))))
    sources = [s for s in platform.registry.sources if not dinas_slugs or s.dinas_slug in dinas_slugs]
    if source_names:
        wanted = set(source_names)
        unmatched = wanted - {s.name for s in sources} - {s.source_id for s in sources}
        if unmatched:
            names = ", ".join(sorted(unmatched))
            raise ConfigError(_("Sumber tidak ada di registri (untuk dinas yang dipilih): %(names)s.", names=names))
        sources = [s for s in sources if s.name in wanted or s.source_id in wanted]
    return sources


class Plan(enum.StrEnum):
    """What a run would do with an item, as ``ppid harvest --dry-run`` reports it."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NO_RULE = "no-rule"
    FAILED = "failed"
    SOURCE_FAILED = "source-failed"


@dataclass(frozen=True)
class PlannedItem:
    source_id: str
    key: str | None
    plan: Plan
    message: str | None = None


def plan_harvest(
    platform: Platform, *, dinas_slugs: list[str] | None = None, source_names: list[str] | None = None
) -> Iterator[PlannedItem]:
    """What a run would harvest, judged by fingerprint, else by content hash: reads only, writes nothing.

    Nothing is stored, validated, recorded or published; a changed file is read once to hash it.
    """
    for config in select_sources(platform, dinas_slugs, source_names):
        try:
            with platform.database.session() as session:
                tracked = tracked_by_key(session, config.source_id)
                session.expunge_all()
            known = {key: row.fingerprint for key, row in tracked.items() if row.fingerprint}
            offered = list(source_class(config.kind)(config.options).items(known))
        except Exception as error:  # whatever breaks one source must not stop the others
            yield PlannedItem(config.source_id, None, Plan.SOURCE_FAILED, str(error) or type(error).__name__)
            continue
        for item in offered:
            yield _plan_item(config, item, tracked.get(item.key))


def _plan_item(config: SourceConfig, item: Item, tracked: TrackedFile | None) -> PlannedItem:
    rule = config.rule_for(item.key)
    if rule is None:
        return PlannedItem(config.source_id, item.key, Plan.NO_RULE)
    if item.problem:
        return PlannedItem(config.source_id, item.key, Plan.FAILED, item.problem)
    if unchanged_by_fingerprint(tracked, item, config, rule):
        return PlannedItem(config.source_id, item.key, Plan.UNCHANGED)
    if tracked is None:
        return PlannedItem(config.source_id, item.key, Plan.NEW)
    digest = hashlib.sha256()
    try:
        with item.open() as stream:
            while chunk := stream.read(COPY_CHUNK):
                digest.update(chunk)
    except Exception as error:  # an error page, a broken connection: reported, not raised
        return PlannedItem(config.source_id, item.key, Plan.FAILED, str(error) or type(error).__name__)
    same = digest.hexdigest() == tracked.sha256 and tracked.schema_name == rule.schema
    return PlannedItem(config.source_id, item.key, Plan.UNCHANGED if same else Plan.CHANGED)


def start_run(platform: Platform, trigger: str) -> int:
    """Close runs that died without finishing, refuse to overlap a live one, and open a new run."""
    now = utcnow()
    with platform.database.session() as session:
        for run in session.scalars(select(HarvestRun).where(HarvestRun.status == RunStatus.RUNNING)):
            if now - run.heartbeat_at < STALE_AFTER:
                raise HarvestAlreadyRunning(
                    _(
                        "Pemanenan #%(id)s masih berjalan sejak %(since)s; tunggu sampai selesai.",
                        id=run.id,
                        since=run.started_at.strftime("%Y-%m-%d %H:%M UTC"),
                    )
                )
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.error = _("Terhenti tanpa selesai (proses mati atau dihentikan); ditutup oleh pemanenan berikutnya.")
        run = HarvestRun(trigger=trigger)
        session.add(run)
        session.flush()
        return run.id


def finish_run(platform: Platform, run_id: int, status: RunStatus, *, error: str | None = None) -> None:
    with platform.database.session() as session:
        run = session.get(HarvestRun, run_id)
        counts: dict[str, int] = {}
        for event in session.scalars(select(RunEvent).where(RunEvent.run_id == run_id)):
            counts[event.outcome.value] = counts.get(event.outcome.value, 0) + 1
        run.counts = counts
        run.status = status
        run.error = error
        run.finished_at = utcnow()


class _Runner:
    def __init__(self, platform: Platform, run_id: int) -> None:
        self.platform = platform
        self.run_id = run_id
        self.scratch = platform.settings.home / "tmp"
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.withdraw_after = timedelta(
            days=float(platform.settings.defaults.get("harvest", {}).get("withdraw_after_days", 3))
        )
        self.document_limits = Limits.from_defaults(platform.settings.defaults)

    # -- sources and items ------------------------------------------------------------------------------

    def harvest_source(self, config: SourceConfig, bar: Progress | None) -> None:
        """List the source, settle every item whose fingerprint is unchanged in one transaction, process the rest.

        An unchanged re-run therefore costs one query and one commit per source, not two per file.
        """
        started = time.monotonic()
        try:
            with self.platform.database.session() as session:
                tracked = tracked_by_key(session, config.source_id)
            known = {key: row.fingerprint for key, row in tracked.items() if row.fingerprint}
            offered = list(source_class(config.kind)(config.options).items(known))
        except Exception as error:  # whatever breaks one source must not stop the others
            log.warning("source %s failed: %s", config.source_id, error)
            self.record(config.source_id, None, ItemOutcome.SOURCE_FAILED, str(error) or type(error).__name__, started)
            return
        task = bar.add_task(config.source_id, total=len(offered)) if bar else None
        matched = [(item, rule) for item in offered if (rule := config.rule_for(item.key)) is not None]
        unchanged = [
            item for item, rule in matched if unchanged_by_fingerprint(tracked.get(item.key), item, config, rule)
        ]
        self.settle_unchanged(config, [tracked[item.key].id for item in unchanged], [item.key for item in unchanged])
        if bar is not None:
            bar.advance(task, len(offered) - len(matched) + len(unchanged))
        settled = {item.key for item in unchanged}
        for item, rule in matched:
            if item.key not in settled:
                self.harvest_item(config, rule, item)
                if bar is not None:
                    bar.advance(task)
        self.mark_missing(config, {item.key for item, _rule in matched})

    def settle_unchanged(self, config: SourceConfig, tracked_ids: list[int], keys: list[str]) -> None:
        if not keys:
            return
        now = utcnow()
        with self.platform.database.session() as session:
            for start in range(0, len(tracked_ids), BATCH):
                session.execute(
                    update(TrackedFile)
                    .where(TrackedFile.id.in_(tracked_ids[start : start + BATCH]))
                    .values(last_seen_at=now, missing_since=None)
                )
            session.add_all(
                RunEvent(run_id=self.run_id, source_id=config.source_id, item_key=key, outcome=ItemOutcome.UNCHANGED)
                for key in keys
            )
            session.get(HarvestRun, self.run_id).heartbeat_at = now

    def harvest_item(self, config: SourceConfig, rule: Rule, item: Item) -> None:
        started = time.monotonic()
        try:
            outcome, message = self._process(config, rule, item)
        except Exception as error:
            log.exception("item %s of %s failed", item.key, config.source_id)
            outcome, message = ItemOutcome.FAILED, str(error) or type(error).__name__
        self.record(config.source_id, item.key, outcome, message, started)

    def _process(self, config: SourceConfig, rule: Rule, item: Item) -> tuple[ItemOutcome, str | None]:
        with self.platform.database.session() as session:
            tracked = session.scalar(
                select(TrackedFile).where(TrackedFile.source_id == config.source_id, TrackedFile.key == item.key)
            )
            dataset_name = dataset_name_for(config.dinas_slug, rule, item.metadata)
            dataset_meta = rule.metadata_for(item.metadata)
            if unchanged_by_fingerprint(tracked, item, config, rule):
                self._seen(tracked, item)
                return ItemOutcome.UNCHANGED, None
            with fetch(item, self.scratch) as fetched:
                if (
                    tracked is not None
                    and tracked.sha256 == fetched.sha256
                    and tracked.schema_name == rule.schema
                    and tracked.state not in (FileState.FAILED, FileState.WITHDRAWN)
                ):
                    described_anew = tracked.dataset_meta != dataset_meta
                    tracked.dataset_name = dataset_name
                    tracked.dataset_meta = dataset_meta
                    self._seen(tracked, item)
                    if described_anew and tracked.published_sha256:
                        tracked.published_sha256 = None  # same bytes, new description: publish again
                        return ItemOutcome.UPDATED, None
                    return ItemOutcome.UNCHANGED, None
                storage_key = storage_key_for(config.dinas_slug, fetched.sha256, item.name)
                if not self.platform.storage.exists(storage_key):
                    with fetched.path.open("rb") as stream:
                        self.platform.storage.put(storage_key, stream)
                record = None
                notice = None
                if rule.is_document:
                    document = extract_once(session, fetched.path, item.name, fetched.sha256, self.document_limits)
                    notice = document.problem
                else:
                    record = validate_stored_file(
                        self.platform, session, fetched.path, item.name, fetched.sha256, rule.schema
                    )
                state = FileState.DOCUMENT if record is None else FileState.VALID if record.valid else FileState.INVALID
                is_new = tracked is None
                if tracked is None:
                    tracked = TrackedFile(dinas_slug=config.dinas_slug, source_id=config.source_id, key=item.key)
                    session.add(tracked)
                tracked.name = item.name
                tracked.sha256 = fetched.sha256
                tracked.size = fetched.size
                tracked.storage_key = storage_key
                tracked.schema_name = rule.schema
                tracked.dataset_name = dataset_name
                tracked.dataset_meta = dataset_meta
                tracked.state = state
                tracked.report_id = record.id if record else None
                self._seen(tracked, item)
        if state == FileState.INVALID:
            return ItemOutcome.INVALID, record.report.get("summary") if record else None
        return (ItemOutcome.NEW if is_new else ItemOutcome.UPDATED), notice

    @staticmethod
    def _seen(tracked: TrackedFile, item: Item) -> None:
        tracked.fingerprint = item.fingerprint
        tracked.last_seen_at = utcnow()
        tracked.missing_since = None

    def mark_missing(self, config: SourceConfig, seen: set[str]) -> None:
        """Files gone from the source are withdrawn after a grace period, never deleted."""
        now = utcnow()
        with self.platform.database.session() as session:
            gone = session.scalars(
                select(TrackedFile).where(
                    TrackedFile.source_id == config.source_id, TrackedFile.state != FileState.WITHDRAWN
                )
            )
            for tracked in gone:
                if tracked.key in seen:
                    continue
                tracked.missing_since = tracked.missing_since or now
                if now - tracked.missing_since >= self.withdraw_after:
                    tracked.state = FileState.WITHDRAWN
                    self._record(session, config.source_id, tracked.key, ItemOutcome.WITHDRAWN, None, 0)

    # -- publishing ---------------------------------------------------------------------------------------

    def publish_pending(self, publisher: Publisher, dinas_slugs: set[str], bar: Progress | None) -> None:
        with self.platform.database.session() as session:
            pending = sorted(_datasets_pending_publication(session, dinas_slugs))
        task = bar.add_task(_("menerbitkan"), total=len(pending)) if bar else None
        for dinas_slug, dataset_name in pending:
            started = time.monotonic()
            try:
                publish_dataset(self.platform, publisher, dinas_slug, dataset_name)
            except Exception as error:
                log.warning("publishing %s failed: %s", dataset_name, error)
                self.record(
                    f"{dinas_slug}/katalog",
                    dataset_name,
                    ItemOutcome.FAILED,
                    _("Gagal menerbitkan ke katalog: %(error)s", error=error),
                    started,
                )
            if bar is not None:
                bar.advance(task)

    # -- the run's record -----------------------------------------------------------------------------------

    def record(
        self, source_id: str, key: str | None, outcome: ItemOutcome, message: str | None, started: float
    ) -> None:
        with self.platform.database.session() as session:
            self._record(session, source_id, key, outcome, message, int((time.monotonic() - started) * 1000))

    def _record(
        self,
        session: Session,
        source_id: str,
        key: str | None,
        outcome: ItemOutcome,
        message: str | None,
        duration_ms: int,
    ) -> None:
        session.add(
            RunEvent(
                run_id=self.run_id,
                source_id=source_id,
                item_key=key,
                outcome=outcome,
                message=message,
                duration_ms=duration_ms,
            )
        )
        run = session.get(HarvestRun, self.run_id)
        run.heartbeat_at = utcnow()


def tracked_by_key(session: Session, source_id: str) -> dict[str, TrackedFile]:
    return {row.key: row for row in session.scalars(select(TrackedFile).where(TrackedFile.source_id == source_id))}


def unchanged_by_fingerprint(tracked: TrackedFile | None, item: Item, config: SourceConfig, rule: Rule) -> bool:
    """The source's change token, rule and description are as last time: nothing to read, hash or validate."""
    return (
        tracked is not None
        and item.fingerprint is not None
        and tracked.fingerprint == item.fingerprint
        and tracked.schema_name == rule.schema
        and tracked.dataset_name == dataset_name_for(config.dinas_slug, rule, item.metadata)
        and tracked.dataset_meta == rule.metadata_for(item.metadata)
        and tracked.state not in (FileState.FAILED, FileState.WITHDRAWN)
    )


@contextmanager
def fetch(item: Item, scratch_dir: Path) -> Iterator[FetchedFile]:
    """Copy the item to a scratch file while hashing it: validation needs a seekable local file."""
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(dir=scratch_dir, suffix=Path(item.name).suffix.lower())
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as scratch, item.open() as stream:
            while chunk := stream.read(COPY_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                scratch.write(chunk)
        yield FetchedFile(path=path, sha256=digest.hexdigest(), size=size)
    finally:
        path.unlink(missing_ok=True)


def _datasets_pending_publication(session: Session, dinas_slugs: set[str]) -> set[tuple[str, str]]:
    """Datasets with a file whose content differs from what the catalogue has (or that must be withdrawn)."""
    rows = session.execute(
        select(
            TrackedFile.dinas_slug,
            TrackedFile.dataset_name,
            TrackedFile.state,
            TrackedFile.sha256,
            TrackedFile.published_sha256,
        ).where(TrackedFile.dinas_slug.in_(dinas_slugs))
    )
    pending = set()
    for dinas_slug, dataset_name, state, sha256, published_sha256 in rows:
        publishable = state in (FileState.VALID, FileState.DOCUMENT)
        if (publishable and published_sha256 != sha256) or (state == FileState.WITHDRAWN and published_sha256):
            pending.add((dinas_slug, dataset_name))
    return pending


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        yield bar
