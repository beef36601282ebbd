"""Background work: inline by default, on RQ workers when ``PPID_REDIS_URL`` is set.

A job is a plain importable function taking JSON-friendly arguments. It reaches the platform
through :func:`ppid.platform.job_platform`, so the same function runs in the web process, the CLI or a
worker. This module knows nothing of the platform (the platform owns a queue, not the other way round):
an inline job runs inside the ``activate`` context its queue was given.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

log = logging.getLogger(__name__)
QUEUE_NAME = "ppid"


@dataclass(frozen=True)
class JobHandle:
    id: str | None
    inline_result: Any = None

    @property
    def queued(self) -> bool:
        return self.id is not None


class JobQueue:
    def __init__(
        self, redis_url: str | None, activate: Callable[[], AbstractContextManager[Any]] | None = None
    ) -> None:
        self.redis_url = redis_url
        self.activate = activate
        """Entered around an inline job, so it runs on the platform that queued it."""

    @property
    def inline(self) -> bool:
        return self.redis_url is None

    def enqueue(self, function: Callable[..., Any], *args: Any, timeout: int = 6 * 3600, **kwargs: Any) -> JobHandle:
        if self.inline:
            with self.activate() if self.activate else nullcontext():
                return JobHandle(id=None, inline_result=function(*args, **kwargs))
        job = self.queue().enqueue(function, *args, job_timeout=timeout, **kwargs)
        return JobHandle(id=job.id)

    def enqueue_in(self, delay: timedelta, function: Callable[..., Any], *args: Any, **kwargs: Any) -> JobHandle | None:
        """Run ``function`` after ``delay`` on a worker (``ppid worker`` runs RQ's scheduler); inline there is no
        one to wait, so nothing is scheduled and None is returned (the caller keeps what to do on record)."""
        if self.inline:
            return None
        job = self.queue().enqueue_in(delay, function, *args, **kwargs)
        return JobHandle(id=job.id)

    def queue(self):
        from redis import Redis
        from rq import Queue

        return Queue(QUEUE_NAME, connection=Redis.from_url(self.redis_url))

    def work(self, *, burst: bool = False) -> bool:
        """Run an RQ worker on the ppid queue (``ppid worker``), with RQ's scheduler for delayed jobs (e-mail
        retries after their pause)."""
        from rq import Worker

        queue = self.queue()
        return Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)
