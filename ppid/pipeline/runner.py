"""The one path from a source's files to the public catalogue: hash → skip if unchanged → store → validate
(tables) or read (documents) → publish.

Harvested and uploaded files both come through here. Each item is committed on its own, and
publication is tracked per file, so a crash, a killed worker or an unreachable catalogue leaves
state that the next run completes without duplicates. Every run records one event per file offered
(matched by a rule or not), so its summary tells the whole truth; a run that stops part-way is marked
failed with its cause, and tracebacks go to the harvest log file (``harvest.log_file``), never the terminal.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from harvesters import Item, ItemError, source_class
from ppid.config import ConfigError
from ppid.datastore.models import DatastoreTable
from ppid.db import utcnow
from ppid.documents.config import Limits
from ppid.documents.extract import extract_once
from ppid.i18n import _, format_moment
from ppid.pipeline.config import HarvestConfig
from ppid.pipeline.models import (
    FailedItem,
    FileState,
    HarvestRun,
    ItemOutcome,
    RunEvent,
    RunStatus,
    TrackedFile,
    ValidationRecord,
)
from ppid.pipeline.naming import dataset_name_for, storage_key_for
from ppid.pipeline.publication import publish_dataset, wants_copy
from ppid.pipeline.validate import validate_stored_file
from ppid.platform import Platform
from ppid.publication.holds import PersonalDataHold, hold_for, is_recorded
from ppid.publication.personal_data import Scan, scan_file
from ppid.publishing.publisher import Publisher, open_publisher
from ppid.registry import Rule, SourceConfig
from ppid.storage import StorageError
from ppid.validation import InvalidSchemaError, SchemaNotFoundError

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=15)
COPY_CHUNK = 1024 * 1024
BATCH = 500


class HarvestAlreadyRunning(ConfigError):
    """Another run is alive (its heartbeat is recent); two runs at once would race on the same files."""


class RunAborted(Exception):
    """The run stopped part-way; it is recorded as failed with this cause, so it blocks no later run."""

    def __init__(self, run_id: int, cause: str) -> None:
        super().__init__(cause)
        self.run_id = run_id


class FileFailure(Exception):
    """Something in the file itself is wrong (an HTML page in place of data, a file the reader chokes on):
    remembered, and the file is not fetched again until it changes."""

    def __init__(self, message: str, sha256: str | None = None) -> None:
        super().__init__(message)
        self.sha256 = sha256


@dataclass(frozen=True)
class FetchedFile:
    path: Path
    sha256: str
    size: int


def harvest_job(
    dinas_slugs: list[str] | None = None, source_names: list[str] | None = None, verify: bool = False
) -> int:
    """Entry point for RQ workers and inline jobs."""
    from ppid.platform import job_platform

    return run_harvest(
        job_platform(), dinas_slugs=dinas_slugs, source_names=source_names, trigger="worker", verify=verify
    )


def run_harvest(
    platform: Platform,
    *,
    dinas_slugs: list[str] | None = None,
    source_names: list[str] | None = None,
    trigger: str = "cli",
    progress: bool = False,
    sources: list[SourceConfig] | None = None,
    verify: bool = False,
) -> int:
    """Harvest, validate and publish every configured source (or the selected ones); returns the run id.

    ``sources`` replaces the registry's sources: the uploader passes the approved files of one draft.
    ``verify`` hashes the files of sources whose fingerprint is weak (folders) even when it looks unchanged;
    a registry run also does so every ``harvest.verify_every_runs`` runs.

    Settings are checked before the run is recorded; once it is, any failure marks it failed with its cause
    and raises :class:`RunAborted` (the traceback goes to the log file).
    """
    config = HarvestConfig.from_settings(platform.settings)
    limits = Limits.from_settings(platform.settings)
    every = config.verify_every_runs if sources is None else 0
    if sources is None:
        sources = select_sources(platform, dinas_slugs, source_names)
    with run_log(config.log_file):
        run_id = start_run(platform, trigger, verify=verify, verify_every=every)
        try:
            runner = _Runner(platform, run_id, config, limits)
            with _progress(progress) as bar:
                for source in sources:
                    runner.harvest_source(source, bar)
                with open_publisher(platform) as publisher:
                    runner.publish_pending(publisher, {source.dinas_slug for source in sources}, bar)
        except BaseException as error:
            cause = describe(error)
            log.error("harvest run #%s stopped: %s", run_id, cause, exc_info=True)
            finish_run(platform, run_id, RunStatus.FAILED, error=cause)
            if isinstance(error, Exception):
                raise RunAborted(run_id, cause) from error
            raise
        finish_run(platform, run_id, RunStatus.FINISHED)
    return run_id


def describe(error: BaseException) -> str:
    """An error as one line for the run's record and summary."""
    if isinstance(error, KeyboardInterrupt):
        return _("dihentikan (Ctrl+C)")
    return " ".join(str(error).split()) or type(error).__name__


@contextmanager
def run_log(path: Path) -> Iterator[None]:
    """Every warning and traceback of a run goes to the harvest log file, none to the terminal (Python warnings
    from the readers, e.g. openpyxl's, included)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            _("harvest.log_file (%(path)s) tidak dapat ditulis: %(reason)s.", path=path, reason=error.strerror)
        ) from error
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()


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
    INVALID = "invalid"
    """Unchanged, and still failing its schema: a run counts it as invalid again."""
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
    platform: Platform,
    *,
    dinas_slugs: list[str] | None = None,
    source_names: list[str] | None = None,
    verify: bool = False,
) -> Iterator[PlannedItem]:
    """What a run would harvest, judged by fingerprint, else by content hash: reads only, writes nothing.

    Nothing is stored, validated, recorded or published; a changed file is read once to hash it. A file that
    failed before and has not changed is reported as failing, with its cause. ``verify`` hashes the files of
    folder sources even when their fingerprint looks unchanged.
    """
    for config in select_sources(platform, dinas_slugs, source_names):
        try:
            with platform.database.session() as session:
                tracked = tracked_by_key(session, config.source_id)
                failures = failures_by_key(session, config.source_id)
                invalid = _invalid_summaries(session, [t.report_id for t in tracked.values()
                                                       if t.state == FileState.INVALID])
                session.expunge_all()
            kind = source_class(config.kind)
            offered = list(kind(config.options).items(known_fingerprints(tracked, failures)))
        except Exception as error:  # whatever breaks one source must not stop the others
            yield PlannedItem(config.source_id, None, Plan.SOURCE_FAILED, describe(error))
            continue
        hash_all = verify and kind.weak_fingerprint
        for item in offered:
            planned = _plan_item(config, item, tracked.get(item.key), failures.get(item.key), hash_all,
                                 platform.settings.time_zone)
            known = tracked.get(item.key)
            if planned.plan == Plan.UNCHANGED and known is not None and known.state == FileState.INVALID:
                planned = replace(planned, plan=Plan.INVALID, message=invalid.get(known.report_id or 0))
            yield planned


def _plan_item(
    config: SourceConfig, item: Item, tracked: TrackedFile | None, failure: FailedItem | None, hash_all: bool,
    zone: str,
) -> PlannedItem:
    rule = config.rule_for(item.key)
    if rule is None:
        return PlannedItem(config.source_id, item.key, Plan.NO_RULE)
    if item.problem:
        return PlannedItem(config.source_id, item.key, Plan.FAILED, item.problem)
    if not hash_all and failed_and_unchanged(failure, item, rule):
        return PlannedItem(config.source_id, item.key, Plan.FAILED, still_failing(failure, zone))
    if not hash_all and unchanged_by_fingerprint(tracked, item, config, rule):
        return PlannedItem(config.source_id, item.key, Plan.UNCHANGED)
    if tracked is None:
        return PlannedItem(config.source_id, item.key, Plan.NEW if failure is None else Plan.CHANGED)
    digest = hashlib.sha256()
    try:
        with item.open() as stream:
            while chunk := stream.read(COPY_CHUNK):
                digest.update(chunk)
    except Exception as error:  # an error page, a broken connection: reported, not raised
        return PlannedItem(config.source_id, item.key, Plan.FAILED, str(error) or type(error).__name__)
    same = digest.hexdigest() == tracked.sha256 and tracked.schema_name == rule.schema
    return PlannedItem(config.source_id, item.key, Plan.UNCHANGED if same else Plan.CHANGED)


def start_run(platform: Platform, trigger: str, *, verify: bool = False, verify_every: int = 0) -> int:
    """Close runs that died without finishing, refuse to overlap a live one, and open a new run.

    A run is dead when its heartbeat is stale, or at once when it ran on this host and its process is gone.
    The new run verifies content hashes when asked, or when ``verify_every - 1`` runs went by since the last
    run that did.
    """
    now = utcnow()
    with platform.database.session() as session:
        for run in session.scalars(select(HarvestRun).where(HarvestRun.status == RunStatus.RUNNING)):
            if now - run.heartbeat_at < STALE_AFTER and not _process_gone(run):
                raise HarvestAlreadyRunning(
                    _(
                        "Pemanenan #%(id)s masih berjalan sejak %(since)s; tunggu sampai selesai.",
                        id=run.id,
                        since=format_moment(run.started_at, platform.settings.time_zone),
                    )
                )
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.error = _("Terhenti tanpa selesai (proses mati atau dihentikan); ditutup oleh pemanenan berikutnya.")
        if not verify and verify_every:
            last = session.scalar(select(func.max(HarvestRun.id)).where(HarvestRun.verify.is_(True))) or 0
            since = session.scalar(select(func.count()).select_from(HarvestRun).where(HarvestRun.id > last))
            verify = since >= verify_every - 1
        run = HarvestRun(trigger=trigger, verify=verify, host=socket.gethostname()[:255], pid=os.getpid())
        session.add(run)
        session.flush()
        return run.id


def _process_gone(run: HarvestRun) -> bool:
    """The run's process ran on this host and is no longer alive (killed, crashed): no need to wait 15 minutes."""
    if os.name != "posix" or run.pid is None or run.host != socket.gethostname()[:255] or run.pid == os.getpid():
        return False
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by another user
        return False
    return False


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
    def __init__(self, platform: Platform, run_id: int, config: HarvestConfig, limits: Limits) -> None:
        self.platform = platform
        self.run_id = run_id
        self.scratch = platform.settings.home / "tmp"
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.withdraw_after = config.withdraw_after
        self.document_limits = limits
        with platform.database.session() as session:
            self.verify = session.get(HarvestRun, run_id).verify

    # -- sources and items ------------------------------------------------------------------------------

    def harvest_source(self, config: SourceConfig, bar: Progress | None) -> None:
        """List the source, settle every item whose fingerprint is unchanged in one transaction, process the rest.

        An unchanged re-run therefore costs one query and one commit per source, not two per file. Files no
        rule matches, files still invalid and files that failed and have not changed since are settled there
        too, each with its own event, so every run's summary counts them.
        """
        started = time.monotonic()
        try:
            with self.platform.database.session() as session:
                tracked = tracked_by_key(session, config.source_id)
                failures = failures_by_key(session, config.source_id)
            kind = source_class(config.kind)
            offered = list(kind(config.options).items(known_fingerprints(tracked, failures)))
        except Exception as error:  # whatever breaks one source must not stop the others
            log.warning("source %s failed: %s", config.source_id, error, exc_info=True)
            self.record(config.source_id, None, ItemOutcome.SOURCE_FAILED, describe(error), started)
            return
        hash_all = self.verify and kind.weak_fingerprint
        task = bar.add_task(config.source_id, total=len(offered)) if bar else None
        unmatched = [item.key for item in offered if config.rule_for(item.key) is None]
        matched = [(item, rule) for item in offered if (rule := config.rule_for(item.key)) is not None]
        still_failed = [] if hash_all else [
            item for item, rule in matched if failed_and_unchanged(failures.get(item.key), item, rule)
        ]
        failed_keys = {item.key for item in still_failed}
        unchanged = [] if hash_all else [
            item for item, rule in matched
            if item.key not in failed_keys and unchanged_by_fingerprint(tracked.get(item.key), item, config, rule)
        ]
        self.settle(config, [tracked[item.key] for item in unchanged], [failures[key] for key in failed_keys],
                    unmatched)
        if bar is not None:
            bar.advance(task, len(unmatched) + len(unchanged) + len(still_failed))
        settled = failed_keys | {item.key for item in unchanged}
        for item, rule in matched:
            if item.key not in settled:
                self.harvest_item(config, rule, item, failures.get(item.key))
                if bar is not None:
                    bar.advance(task)
        seen = {item.key for item, _rule in matched}
        self.mark_missing(config, seen, [row.id for key, row in failures.items() if key not in seen])

    def settle(
        self, config: SourceConfig, unchanged: list[TrackedFile], still_failed: list[FailedItem], unmatched: list[str]
    ) -> None:
        """Record, in one transaction, the files this run does not read: each keeps the outcome it had."""
        if not (unchanged or still_failed or unmatched):
            return
        now = utcnow()
        with self.platform.database.session() as session:
            ids = [row.id for row in unchanged]
            for start in range(0, len(ids), BATCH):
                session.execute(
                    update(TrackedFile)
                    .where(TrackedFile.id.in_(ids[start : start + BATCH]))
                    .values(last_seen_at=now, missing_since=None)
                )
            summaries = _invalid_summaries(session, [row.report_id for row in unchanged
                                                     if row.state == FileState.INVALID and row.report_id])
            events = [
                (row.key, ItemOutcome.INVALID, summaries.get(row.report_id)) if row.state == FileState.INVALID
                else (row.key, ItemOutcome.UNCHANGED, None)
                for row in unchanged
            ]
            zone = self.platform.settings.time_zone
            events += [(row.key, ItemOutcome.FAILED, still_failing(row, zone)) for row in still_failed]
            events += [(key, ItemOutcome.NO_RULE, None) for key in unmatched]
            session.add_all(
                RunEvent(run_id=self.run_id, source_id=config.source_id, item_key=key, outcome=outcome, message=message)
                for key, outcome, message in events
            )
            session.get(HarvestRun, self.run_id).heartbeat_at = now

    def harvest_item(self, config: SourceConfig, rule: Rule, item: Item, failure: FailedItem | None) -> None:
        """Process one file; a failure is one line in the run's record (its traceback goes to the log file)."""
        started = time.monotonic()
        remembered: FileFailure | None = None
        try:
            outcome, message = self._process(config, rule, item)
        except FileFailure as error:
            log.warning("item %s of %s failed: %s", item.key, config.source_id, error, exc_info=True)
            outcome, message, remembered = ItemOutcome.FAILED, describe(error), error
        except Exception as error:
            log.exception("item %s of %s failed", item.key, config.source_id)
            outcome, message = ItemOutcome.FAILED, describe(error)
        with self.platform.database.session() as session:
            if remembered is not None:
                _remember_failure(session, config, rule, item, message, remembered.sha256)
            elif failure is not None and outcome != ItemOutcome.FAILED:
                session.execute(delete(FailedItem).where(FailedItem.id == failure.id))
            self._record(session, config.source_id, item.key, outcome, message,
                         int((time.monotonic() - started) * 1000))

    def _process(self, config: SourceConfig, rule: Rule, item: Item) -> tuple[ItemOutcome, str | None]:
        with self.platform.database.session() as session:
            tracked = session.scalar(
                select(TrackedFile).where(TrackedFile.source_id == config.source_id, TrackedFile.key == item.key)
            )
            dataset_name = dataset_name_for(config.dinas_slug, rule, item.metadata)
            dataset_meta = rule.metadata_for(item.metadata)
            if not self.verify and unchanged_by_fingerprint(tracked, item, config, rule):
                self._seen(tracked, item)
                return _kept(session, tracked)
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
                    return _kept(session, tracked)
                storage_key = storage_key_for(config.dinas_slug, fetched.sha256, item.name)
                if not self.platform.storage.exists(storage_key):
                    with fetched.path.open("rb") as stream:
                        self.platform.storage.put(storage_key, stream)
                record = None
                notice = None
                try:
                    if rule.is_document:
                        document = extract_once(
                            session, fetched.path, item.name, fetched.sha256, self.document_limits
                        )
                        notice = document.problem
                    else:
                        record = validate_stored_file(
                            self.platform, session, fetched.path, item.name, fetched.sha256, rule.schema
                        )
                except (SchemaNotFoundError, InvalidSchemaError, StorageError):
                    raise  # a fault of the setup, not of the file: tried again next run
                except Exception as error:  # the reader or the validator choked on these bytes
                    raise FileFailure(describe(error), fetched.sha256) from error
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
                held = None if state == FileState.INVALID else self._personal_data_hold(session, tracked, fetched)
        if held is not None:
            return ItemOutcome.HELD, held.scan.summary()
        if state == FileState.INVALID:
            return ItemOutcome.INVALID, record.report.get("summary") if record else None
        return (ItemOutcome.NEW if is_new else ItemOutcome.UPDATED), notice

    def _personal_data_hold(
        self, session: Session, tracked: TrackedFile, fetched: FetchedFile
    ) -> PersonalDataHold | None:
        """Scan a new version for personal data; a hit holds it back for the walidata (a released version never
        again). The scan is skipped when this version's hold is already recorded."""
        def scan() -> Scan:
            if is_recorded(session, tracked.source_id, tracked.key, fetched.sha256):
                return Scan()
            return scan_file(fetched.path, tracked.name, self.document_limits.max_pages)

        return hold_for(session, dinas_slug=tracked.dinas_slug, dataset_name=tracked.dataset_name,
                        source_id=tracked.source_id, item_key=tracked.key, file_name=tracked.name,
                        sha256=fetched.sha256, scan=scan())

    @staticmethod
    def _seen(tracked: TrackedFile, item: Item) -> None:
        tracked.fingerprint = item.fingerprint
        tracked.last_seen_at = utcnow()
        tracked.missing_since = None

    def mark_missing(self, config: SourceConfig, seen: set[str], gone_failures: list[int]) -> None:
        """Files gone from the source are withdrawn after a grace period, never deleted; their failures are
        forgotten (a file that comes back is read afresh)."""
        now = utcnow()
        with self.platform.database.session() as session:
            for start in range(0, len(gone_failures), BATCH):
                session.execute(delete(FailedItem).where(FailedItem.id.in_(gone_failures[start : start + BATCH])))
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
                for outcome, message in publish_dataset(self.platform, publisher, dinas_slug, dataset_name):
                    self.record(f"{dinas_slug}/katalog", dataset_name, outcome, message, started)
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


def failures_by_key(session: Session, source_id: str) -> dict[str, FailedItem]:
    return {row.key: row for row in session.scalars(select(FailedItem).where(FailedItem.source_id == source_id))}


def known_fingerprints(tracked: dict[str, TrackedFile], failures: dict[str, FailedItem]) -> dict[str, str]:
    """Each key's latest change token, so the source can tell (e.g. HTTP 304) that a file has not changed;
    a failure is newer than the content last stored."""
    known = {key: row.fingerprint for key, row in tracked.items() if row.fingerprint}
    return known | {key: row.fingerprint for key, row in failures.items() if row.fingerprint}


def failed_and_unchanged(failure: FailedItem | None, item: Item, rule: Rule) -> bool:
    """The file failed for a reason in itself and is as it was then (same change token, else same size)."""
    if failure is None or failure.schema_name != rule.schema or item.problem:
        return False
    if item.fingerprint is not None or failure.fingerprint is not None:
        return item.fingerprint == failure.fingerprint
    return item.size is not None and item.size == failure.size


def still_failing(failure: FailedItem, zone: str) -> str:
    return _(
        "%(cause)s (belum berubah sejak gagal pada %(since)s, maka tidak diunduh atau dibaca ulang)",
        cause=failure.message,
        since=format_moment(failure.first_failed_at, zone),
    )


def _remember_failure(
    session: Session, config: SourceConfig, rule: Rule, item: Item, message: str, sha256: str | None
) -> None:
    failure = session.scalar(
        select(FailedItem).where(FailedItem.source_id == config.source_id, FailedItem.key == item.key)
    )
    if failure is None:
        failure = FailedItem(source_id=config.source_id, key=item.key)
        session.add(failure)
    elif failure.message != message:
        failure.first_failed_at = utcnow()
    failure.fingerprint = item.fingerprint
    failure.size = item.size
    failure.sha256 = sha256
    failure.schema_name = rule.schema
    failure.message = message
    failure.failed_at = utcnow()


def _kept(session: Session, tracked: TrackedFile) -> tuple[ItemOutcome, str | None]:
    """The outcome of a file whose content is as last time: still invalid is still counted as invalid."""
    if tracked.state != FileState.INVALID:
        return ItemOutcome.UNCHANGED, None
    return ItemOutcome.INVALID, _invalid_summaries(session, [tracked.report_id]).get(tracked.report_id)


def _invalid_summaries(session: Session, report_ids: list[int | None]) -> dict[int, str | None]:
    wanted = [report_id for report_id in report_ids if report_id]
    if not wanted:
        return {}
    rows = session.execute(select(ValidationRecord.id, ValidationRecord.report).where(ValidationRecord.id.in_(wanted)))
    return {record_id: (report or {}).get("summary") for record_id, report in rows}


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
        try:
            with os.fdopen(handle, "wb") as scratch, item.open() as stream:
                while chunk := stream.read(COPY_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    scratch.write(chunk)
        except ItemError as error:
            if error.transient:
                raise
            raise FileFailure(describe(error)) from error
        yield FetchedFile(path=path, sha256=digest.hexdigest(), size=size)
    finally:
        path.unlink(missing_ok=True)


def _datasets_pending_publication(session: Session, dinas_slugs: set[str]) -> set[tuple[str, str]]:
    """Datasets with a file whose content differs from what the catalogue has (or that must be withdrawn), or
    with a valid table still without its DataStore copy (a copy that failed is tried again)."""
    copied = exists().where(DatastoreTable.sha256 == TrackedFile.sha256,
                            DatastoreTable.schema_name == TrackedFile.schema_name)
    rows = session.execute(
        select(
            TrackedFile.dinas_slug,
            TrackedFile.dataset_name,
            TrackedFile.state,
            TrackedFile.sha256,
            TrackedFile.published_sha256,
            TrackedFile.name,
            TrackedFile.schema_name,
            copied,
        ).where(TrackedFile.dinas_slug.in_(dinas_slugs))
    )
    pending = set()
    for dinas_slug, dataset_name, state, sha256, published_sha256, name, schema_name, has_copy in rows:
        publishable = state in (FileState.VALID, FileState.DOCUMENT)
        if (
            (publishable and published_sha256 != sha256)
            or (state == FileState.WITHDRAWN and published_sha256)
            or (state == FileState.VALID and wants_copy(name, schema_name) and not has_copy)
        ):
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
