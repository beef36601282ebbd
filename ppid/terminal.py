"""A progress bar on the terminal for ``ppid validate``, fed by the engine's ``ValidationProgress`` callback.

Only a person watching a terminal gets it: stderr must be a terminal (so CI logs, pipes and cron mails
never see it) and the validation must have run for ``SHOW_AFTER`` seconds (a small file answers at once,
without a bar flashing by). It draws on stderr and disappears when the table is done, so stdout carries
only the report, whatever ``--format``. rich is imported only once a bar is actually drawn.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from ppid.i18n import _
from ppid.validation.causes import number
from ppid.validation.progress import ValidationProgress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

SHOW_AFTER = 1.0
"""Seconds a validation runs before its bar appears."""


def is_terminal(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal a person reads (not a pipe, a file, or a ``TERM=dumb`` console)."""
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class ValidationBar:
    """Use as ``with ValidationBar() as bar: validate_table(..., progress=bar.update)``.

    ``console`` forces where to draw (tests give a rich console writing to a buffer); by default the bar
    is drawn on stderr only when it is a terminal, otherwise every update is ignored.
    """

    def __init__(self, console: Console | None = None, *, show_after: float | None = None,
                 stream: IO[str] | None = None) -> None:
        self._console = console
        self.enabled = console is not None or is_terminal(stream or sys.stderr)
        self._show_after = SHOW_AFTER if show_after is None else show_after
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._table_started: dict[str, float] = {}
        self._next_table_starts = self._started
        """A table's rows are read from when the previous one ended (the engine's first call comes 10,000 rows in)."""
        self._last: ValidationProgress | None = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> ValidationBar:
        if self.enabled:
            self._started = self._next_table_starts = time.monotonic()
            # a slow reader may call back late (a workbook, a big first batch): show the bar on time anyway
            self._timer = threading.Timer(self._show_after, self._show_late)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def update(self, event: ValidationProgress) -> None:
        """The ``progress`` callback: never raises, whatever the terminal does."""
        if not self.enabled:
            return
        try:
            with self._lock:
                self._last = event
                self._table_started.setdefault(event.table, self._next_table_starts)
                if event.done:
                    self._next_table_starts = time.monotonic()
                if self._progress is None and time.monotonic() - self._started >= self._show_after:
                    self._start()
                if self._progress is not None:
                    self._draw(event)
        except Exception:  # a broken terminal must not stop the validation
            self.enabled = False

    def close(self) -> None:
        """Stop drawing and clear the bar, so the report follows on a clean line."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self.enabled = False
            if self._progress is not None:
                with contextlib.suppress(Exception):  # see update()
                    self._progress.stop()
                self._progress = None

    @property
    def shown(self) -> bool:
        """Whether the bar has been drawn (for tests and for callers that print around it)."""
        return self._progress is not None

    # -- drawing -----------------------------------------------------------------------------------------

    def _show_late(self) -> None:
        try:
            with self._lock:
                if self.enabled and self._progress is None:
                    self._start()
                    if self._last is not None:
                        self._draw(self._last)
        except Exception:  # see update()
            self.enabled = False

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = self._console or Console(file=sys.stderr, stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
            console=console, transient=True, refresh_per_second=4,
        )
        self._progress.start()

    def _draw(self, event: ValidationProgress) -> None:
        assert self._progress is not None
        task = self._tasks.get(event.table)
        if task is None:
            task = self._progress.add_task(event.table, total=None, detail="")
            self._tasks[event.table] = task
        elapsed = max(time.monotonic() - self._table_started[event.table], 1e-6)
        detail = _("%(rows)s baris · %(speed)s baris/dtk · %(errors)s kesalahan", rows=number(event.rows),
                   speed=number(int(event.rows / elapsed)), errors=number(event.errors))
        fields: dict[str, Any] = {"detail": detail}
        if event.bytes_read is not None and event.bytes_total:
            fields.update(completed=event.bytes_read, total=event.bytes_total)
        if event.done:
            fields.update(completed=1, total=1)
        self._progress.update(task, **fields)
