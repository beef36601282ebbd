"""What ``ppid serve`` adds to waitress: its queue-depth warning said once per episode, not once per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

QUEUE_LOGGER = "waitress.queue"
QUIET_SECONDS = 60.0
"""A queue that stays deep is reported again after this long, with how often it was deep meanwhile."""


class QueueDepthOnce(logging.Filter):
    """Lets one ``Task queue depth is N`` line through per ``QUIET_SECONDS`` and counts the rest.

    waitress logs the line for every request that has to wait for a thread, in its main thread and under the lock
    its worker threads take their next request with: a crowd of 32 wrote 1,230 lines in ten seconds (issue 17), a
    log nobody can read and work the server does instead of serving. The line let through after a quiet spell
    says how many were left out and how deep the queue got."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.clock = clock
        self._next = float("-inf")
        self._held = 0
        self._deepest = 0

    def filter(self, record: logging.LogRecord) -> bool:
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else 0
        now = self.clock()
        if now < self._next:
            self._held += 1
            self._deepest = max(self._deepest, depth)
            return False
        if self._held:
            record.msg = f"{record.msg} (%d more such lines in the last %d s, the queue at most %d deep)"
            record.args = (depth, self._held, QUIET_SECONDS, max(self._deepest, depth))
        self._next, self._held, self._deepest = now + QUIET_SECONDS, 0, 0
        return True


def quiet_queue_warnings() -> None:
    """Install :class:`QueueDepthOnce` on waitress's queue logger (once per process)."""
    logger = logging.getLogger(QUEUE_LOGGER)
    if not any(isinstance(existing, QueueDepthOnce) for existing in logger.filters):
        logger.addFilter(QueueDepthOnce())
