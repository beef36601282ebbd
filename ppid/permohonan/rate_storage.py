"""The rate limits' in-process counters without a thread per request.

``limits``' own memory storage cleans expired counters from a ``threading.Timer`` it starts again on nearly every
request (about 0.4 ms of CPU each under a crowd, bench/README.md, issue 17). This one drops a counter whose window
is over when it is next counted, as ``limits`` does when it reads one, and sweeps the other expired counters at
most once a second in the counting thread. ``permohonan.rate_limit_storage_uri: memory://`` (the default) uses it.
"""

from __future__ import annotations

import time
from typing import ClassVar

from limits.storage import MemoryStorage

SCHEME = "ppid-memory"
SWEEP_SECONDS = 1.0


class QuietMemoryStorage(MemoryStorage):
    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]  # limits registers the scheme when the class is made

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # limits' private hook, name-mangled
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self.get(key)  # a counter whose window is over starts again from zero (get drops it)
        return super().incr(key, expiry, amount)


def storage_uri(configured: str) -> str:
    """The URI Flask-Limiter is given: the quiet storage in place of ``memory://``, any other as configured."""
    return f"{SCHEME}://" if configured == "memory://" else configured
