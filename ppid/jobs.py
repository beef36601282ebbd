"""Background work: inline by default, on RQ workers when ``PPID_REDIS_URL`` is set.

A job is a plain importable function taking JSON-friendly arguments. It reaches the platform
through :func:`job_platform`, so the same function runs in the web process, the CLI or a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ppid.platform import Platform

log = logging.getLogger(__name__)
QUEUE_NAME = "ppid"
_platform: Platform | None = None


def use_platform(platform: Platform) -> None:
    """Make ``platform`` the one jobs in this process use (the app and the CLI call this)."""
    global _platform
    _platform = platform


def job_platform() -> Platform:
    """The platform for a job: the one registered by this process, or one opened from the environment."""
    global _platform
    if _platform is None:
        from ppid.platform import Platform

        _platform = Platform.open()
    return _platform


@dataclass(frozen=True)
class JobHandle:
    id: str | None
    inline_result: Any = None

    @property
    def queued(self) -> bool:
        return self.id is not None


class JobQueue:
    def __init__(self, redis_url: str | None, platform: Platform | None = None) -> None:
        self.redis_url = redis_url
        self.platform = platform
        """Inline jobs run on the platform that queued them, not on one opened from the environment."""

    @property
    def inline(self) -> bool:
        return self.redis_url is None

    def enqueue(self, function: Callable[..., Any], *args: Any, timeout: int = 6 * 3600, **kwargs: Any) -> JobHandle:
        if self.inline:
            global _platform
            previous, _platform = _platform, self.platform or _platform
            try:
                return JobHandle(id=None, inline_result=function(*args, **kwargs))
            finally:
                _platform = previous
        job = self.queue().enqueue(function, *args, job_timeout=timeout, **kwargs)
        return JobHandle(id=job.id)

    def queue(self):
        from redis import Redis
        from rq import Queue

        return Queue(QUEUE_NAME, connection=Redis.from_url(self.redis_url))

    def work(self, *, burst: bool = False) -> bool:
        """Run an RQ worker on the ppid queue (``ppid worker``)."""
        from rq import Worker

        queue = self.queue()
        return Worker([queue], connection=queue.connection).work(burst=burst)
