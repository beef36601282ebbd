"""Checking uploaded tables in the background, with progress every server process can read.

An upload is stored and committed at once; its validation starts only once that transaction commits
(:func:`start`), on an RQ worker when ``PPID_REDIS_URL`` is set and the file is large, otherwise on a
thread of the process that received it (the embedded default needs nothing else). While it runs, the
engine's progress callback writes a small JSON object beside the uploads in the platform's storage
(``pemeriksaan/<version id>.json``), at most every :data:`WRITE_EVERY` seconds, plus a heartbeat every
:data:`BEAT_EVERY` seconds: the storage is the one place every web process and worker shares in every
installation (local folder or S3), and it needs no new table (this session's only migration belongs to
the outbox work). The object is deleted when the result is on the file version's row.

A check whose process died (a server restarted, a worker killed) is started again by :func:`repair`,
which the web app runs at start-up and the progress page runs on every look; :func:`finish` writes the
result only while the version is still waiting for it, in one conditional UPDATE, so a check that runs
twice never leaves two results, two reports or two "divalidasi" lines in the draft's record.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ppid.i18n import _
from ppid.pipeline.validate import validate_stored_file
from ppid.platform import Platform
from ppid.storage import StorageError
from ppid.uploader.config import UploaderConfig
from ppid.uploader.models import DraftEvent, DraftEventKind, FileVersion, VersionState
from ppid.validation.progress import ValidationProgress

log = logging.getLogger(__name__)

WRITE_EVERY = 0.5
"""Seconds between two progress writes of one check (the engine reports every 10,000 rows)."""
BEAT_EVERY = 10.0
"""Seconds between heartbeats of a running check, also while the engine reports nothing."""
STALE_AFTER = 60.0
"""A running check with no heartbeat for this long is taken for dead and started again."""
THREADS = 2
"""Checks running at once on threads of one server process; more wait their turn."""
_PENDING = "ppid_uploader_checks"
MiB = 1024 * 1024

QUEUED = "antre"
RUNNING = "berjalan"


# -- what the progress page reads ------------------------------------------------------------------------------


@dataclass
class CheckProgress:
    """How far the check of one file version has come, as stored in ``pemeriksaan/<id>.json``."""

    version: int
    schema: str
    state: str = QUEUED
    rows: int = 0
    """Data rows read so far, over every table of the file (a ZIP may hold several)."""
    errors: int = 0
    bytes_read: int | None = None
    bytes_total: int | None = None
    table: str | None = None
    updated: float = field(default_factory=time.time)
    owner: dict[str, Any] | None = None
    """The process running (or holding in its queue) the check: host, pid and the pid's start time."""
    job: str | None = None
    """The RQ job id, when a worker was asked to do it."""

    @property
    def percent(self) -> int | None:
        if self.bytes_read is None or not self.bytes_total:
            return None
        return max(0, min(100, int(100 * self.bytes_read / self.bytes_total)))

    @classmethod
    def from_json(cls, data: bytes) -> CheckProgress:
        values = json.loads(data)
        return cls(**{key: values[key] for key in cls.__dataclass_fields__ if key in values})


def progress_key(version_id: int) -> str:
    return f"pemeriksaan/{version_id}.json"


def read_progress(platform: Platform, version_id: int) -> CheckProgress | None:
    try:
        with platform.storage.open(progress_key(version_id)) as stream:
            return CheckProgress.from_json(stream.read())
    except (StorageError, ValueError, TypeError):  # absent, or caught while being replaced
        return None


def _write(platform: Platform, progress: CheckProgress) -> None:
    progress.updated = time.time()
    data = json.dumps(asdict(progress)).encode()
    try:
        platform.storage.put(progress_key(progress.version), BytesIO(data), content_type="application/json")
    except StorageError:  # progress is a courtesy: the check itself goes on
        log.warning("could not record the progress of upload version %s", progress.version, exc_info=True)


def _forget(platform: Platform, version_id: int) -> None:
    try:
        platform.storage.delete(progress_key(version_id))
    except StorageError:
        log.warning("could not remove the progress of upload version %s", version_id, exc_info=True)


# -- which process does the work -------------------------------------------------------------------------------


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, from /proc): a pid reused later differs."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def this_process() -> dict[str, Any]:
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "since": _started(pid)}


def _owner_alive(owner: dict[str, Any] | None) -> bool | None:
    """True or False for a process on this machine; None when it runs elsewhere (then only the heartbeat tells)."""
    if not owner or owner.get("host") != socket.gethostname():
        return None
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return False
    if os.path.isdir("/proc"):
        started = _started(pid)
        return started is not None and (owner.get("since") is None or started == owner.get("since"))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _job_waiting(platform: Platform, job_id: str) -> bool:
    """The RQ job is still queued or running (or Redis cannot say, which is no reason to run it twice)."""
    try:
        job = platform.jobs.queue().fetch_job(job_id)
        return job is not None and job.get_status(refresh=True) in ("queued", "started", "deferred", "scheduled")
    except Exception:  # Redis unreachable: leave the job alone
        log.warning("could not ask Redis about validation job %s", job_id, exc_info=True)
        return True


def abandoned(platform: Platform, progress: CheckProgress | None) -> bool:
    """No process will finish this check: started again by :func:`repair`."""
    if progress is None:
        return True  # written before the version's CHECKING state is committed, so its absence means a crash
    alive = _owner_alive(progress.owner)
    if alive is False:
        return True
    if progress.owner == this_process():  # this very process: its threads hold every check it runs
        with _lock:
            return progress.version not in _running
    if progress.state == QUEUED:
        if progress.job is not None:
            return not _job_waiting(platform, progress.job)
        return alive is None and time.time() - progress.updated > STALE_AFTER
    return time.time() - progress.updated > STALE_AFTER


# -- starting checks -------------------------------------------------------------------------------------------


_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_running: dict[int, Future] = {}
_lock = threading.Lock()


def _threads() -> ThreadPoolExecutor:
    global _executor, _executor_pid
    with _lock:
        if _executor is None or _executor_pid != os.getpid():  # a forked server process needs its own threads
            _executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="ppid-periksa")
            _executor_pid = os.getpid()
        return _executor


def _on_worker(platform: Platform, version: FileVersion) -> bool:
    limits = UploaderConfig.from_settings(platform.settings).limits()
    return not platform.jobs.inline and version.size >= limits["background_from"]


def start(platform: Platform, session: Session, version: FileVersion) -> None:
    """Check ``version`` against its schema once ``session`` commits (nothing starts if it rolls back)."""
    version.state = VersionState.CHECKING
    version.error = None
    version.report_id = None
    session.flush()
    worker = _on_worker(platform, version)
    _write(platform, CheckProgress(version.id, version.schema_name, owner=None if worker else this_process()))
    session.info.setdefault(_PENDING, []).append((platform, version.id, worker))


@event.listens_for(Session, "after_commit")
def _start_after_commit(session: Session) -> None:
    for platform, version_id, worker in session.info.pop(_PENDING, []):
        _launch(platform, version_id, worker)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, _previous_transaction: object) -> None:
    for platform, version_id, _worker in session.info.pop(_PENDING, []):
        _forget(platform, version_id)


def _launch(platform: Platform, version_id: int, worker: bool) -> None:
    if worker:
        try:
            handle = platform.jobs.enqueue(validate_version_job, version_id)
        except Exception:  # Redis is down: check it here rather than leave the officer waiting
            log.warning("could not queue validation of upload version %s; checking it here", version_id, exc_info=True)
            progress = read_progress(platform, version_id)
            if progress is not None:
                progress.owner = this_process()
                _write(platform, progress)
        else:
            progress = read_progress(platform, version_id)
            if progress is not None and progress.state == QUEUED and progress.job is None:
                progress.job = handle.id
                _write(platform, progress)
            return
    executor = _threads()
    with _lock:  # one thread per check, even when a repair and the upload's commit ask at the same moment
        if version_id in _running and not _running[version_id].done():
            return
        future = executor.submit(_run_logged, platform, version_id)
        _running[version_id] = future
    future.add_done_callback(lambda _future: _finished_thread(version_id, _future))


def _finished_thread(version_id: int, future: Future) -> None:
    with _lock:
        if _running.get(version_id) is future:
            del _running[version_id]


def _run_logged(platform: Platform, version_id: int) -> None:
    try:
        run(platform, version_id)
    except Exception:  # never silently: run() records its own failures, this is a last resort
        log.exception("checking upload version %s failed", version_id)


def validate_version_job(version_id: int) -> None:
    """Entry point for RQ workers."""
    from ppid.platform import job_platform

    run(job_platform(), version_id)


def wait(platform: Platform, version_ids: Iterable[int], timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for these checks; True when none is still running."""
    ids = list(version_ids)
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            local = [_running[i] for i in ids if i in _running]
        for future in local:
            with suppress(Exception):  # a timeout, or a failure already recorded on the version
                future.result(timeout=max(0.0, deadline - time.monotonic()))
        with platform.database.session() as session:
            states = session.scalars(select(FileVersion.state).where(FileVersion.id.in_(ids))).all()
        if VersionState.CHECKING not in states:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))


def idle(timeout: float = 60.0) -> bool:
    """Wait until this process runs no check (tests, and a clean shutdown)."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            futures = list(_running.values())
        if not futures:
            return True
        for future in futures:
            with suppress(Exception):
                future.result(timeout=max(0.0, deadline - time.monotonic()))
        if time.monotonic() >= deadline:
            return False


@contextmanager
def local_copy(platform: Platform, key: str, name: str) -> Iterator[Path]:
    """A scratch copy of a stored file: sniffing and validation need a seekable local file."""
    scratch = platform.settings.home / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=scratch, suffix=PurePosixPath(name).suffix.lower())
    path = Path(temp)
    try:
        with open(handle, "wb") as out, platform.storage.open(key) as stream:
            shutil.copyfileobj(stream, out, MiB)
        yield path
    finally:
        path.unlink(missing_ok=True)


# -- running one check -----------------------------------------------------------------------------------------


class _Recorder:
    """The engine's progress callback: sums the tables of a file, writes at most every WRITE_EVERY seconds,
    and beats every BEAT_EVERY seconds from its own thread while the engine is busy elsewhere."""

    def __init__(self, platform: Platform, progress: CheckProgress) -> None:
        self.platform = platform
        self.progress = progress
        self.rows_before = 0
        self.errors_before = 0
        self.written = 0.0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.beat = threading.Thread(target=self._beat, name=f"ppid-periksa-detak-{progress.version}", daemon=True)

    def start(self) -> None:
        self._flush()
        self.beat.start()

    def stop(self) -> None:
        self.stopped.set()
        self.beat.join(timeout=5)

    def __call__(self, update: ValidationProgress) -> None:
        try:
            with self.lock:
                progress = self.progress
                progress.rows = self.rows_before + update.rows
                progress.errors = self.errors_before + update.errors
                progress.table = update.table
                progress.bytes_read, progress.bytes_total = update.bytes_read, update.bytes_total
                if update.done:
                    self.rows_before, self.errors_before = progress.rows, progress.errors
                    progress.bytes_read = update.bytes_total
                due = time.monotonic() - self.written >= WRITE_EVERY
            if due:
                self._flush()
        except Exception:  # the engine's callback must never raise
            log.warning("progress of upload version %s not recorded", self.progress.version, exc_info=True)

    def _flush(self) -> None:
        with self.lock:
            self.written = time.monotonic()
            _write(self.platform, self.progress)

    def _beat(self) -> None:
        while not self.stopped.wait(BEAT_EVERY):
            self._flush()


def run(platform: Platform, version_id: int) -> None:
    """Check one version now, in this thread or worker; a version no longer waiting for a check is left alone."""
    with platform.database.session() as session:
        version = session.get(FileVersion, version_id)
        if version is None or version.state != VersionState.CHECKING or version.schema_name is None:
            _forget(platform, version_id)
            return
        schema, key, name, sha256 = version.schema_name, version.storage_key, version.name, version.sha256
    previous = read_progress(platform, version_id)
    recorder = _Recorder(platform, CheckProgress(version_id, schema, state=RUNNING, owner=this_process(),
                                                 job=previous.job if previous else None))
    recorder.start()
    try:
        with platform.database.session() as session:
            with local_copy(platform, key, name) as copy:
                validation = validate_stored_file(platform, session, copy, name, sha256, schema, progress=recorder)
            finish(session, version_id, schema, validation.id, validation.valid, validation.error_count)
    except Exception as error:  # the file is kept; the officer reads why it could not be checked
        log.exception("validating upload version %s failed", version_id)
        with platform.database.session() as session:
            fail(session, version_id, schema, error)
    finally:
        recorder.stop()
        _forget(platform, version_id)


def finish(session: Session, version_id: int, schema: str, report_id: int, valid: bool, errors: int) -> bool:
    """Put the result on the version, only if it still waits for a check against ``schema``; False otherwise
    (another run got there first, or the officer chose another schema meanwhile) and nothing is written."""
    state = VersionState.VALID if valid else VersionState.INVALID
    changed = session.execute(
        update(FileVersion)
        .where(FileVersion.id == version_id, FileVersion.state == VersionState.CHECKING,
               FileVersion.schema_name == schema)
        .values(state=state, report_id=report_id, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.rollback()
        return False
    version = session.get(FileVersion, version_id)
    session.refresh(version)
    session.add(DraftEvent(draft_id=version.file.draft_id, kind=DraftEventKind.VALIDATED, actor_user_id=None,
                           actor_name=_("sistem"), payload={"file": version.file.slot, "version": version.number,
                                                            "valid": valid, "errors": errors, "report": report_id}))
    return True


def fail(session: Session, version_id: int, schema: str, error: BaseException) -> bool:
    reason = str(error).strip() or type(error).__name__
    message = _("Berkas tidak dapat diperiksa karena terjadi galat saat validasi (%(reason)s). Berkasnya tetap "
                "tersimpan: pilih “Periksa ulang”, dan bila galat yang sama muncul lagi, hubungi admin portal.",
                reason=reason[:300])
    changed = session.execute(
        update(FileVersion)
        .where(FileVersion.id == version_id, FileVersion.state == VersionState.CHECKING,
               FileVersion.schema_name == schema)
        .values(state=VersionState.FAILED, error=message)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


# -- repair ----------------------------------------------------------------------------------------------------


def repair(platform: Platform, version_ids: Iterable[int] | None = None) -> list[int]:
    """Start again every check (of ``version_ids``, or of the whole installation) that no process will finish;
    returns the versions started again."""
    with platform.database.session() as session:
        query = select(FileVersion).where(FileVersion.state == VersionState.CHECKING,
                                          FileVersion.schema_name.is_not(None))
        if version_ids is not None:
            query = query.where(FileVersion.id.in_(list(version_ids)))
        waiting = [(version.id, version.schema_name, _on_worker(platform, version))
                   for version in session.scalars(query)]
    restarted = []
    for version_id, schema, worker in waiting:
        if not abandoned(platform, read_progress(platform, version_id)):
            continue
        log.warning("validation of upload version %s was left half-done; starting it again", version_id)
        _write(platform, CheckProgress(version_id, schema, owner=None if worker else this_process()))
        _launch(platform, version_id, worker)
        restarted.append(version_id)
    return restarted


def repair_in_background(platform: Platform) -> threading.Thread:
    """:func:`repair` on a thread, so that a server starts at once even with many files to look at."""

    def repair_logged() -> None:
        try:
            repair(platform)
        except Exception:
            log.exception("could not look for validations left half-done")

    thread = threading.Thread(target=repair_logged, name="ppid-periksa-perbaikan", daemon=True)
    thread.start()
    return thread
