"""Real servers for tests: the app on waitress over loopback, and the system Chromium for web flows."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from waitress import create_server

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: The marks of a test module driving Debian's Chromium.
BROWSER_TEST = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed")]


@dataclass(frozen=True)
class LiveServer:
    url: str
    stop: Callable[[], None]
    """Closes the listening socket at once, e.g. to take a catalogue down half-way through a run."""


@contextmanager
def served(app: Callable) -> Iterator[LiveServer]:
    """A WSGI app on waitress on a free loopback port, as in production."""
    # poll() rather than select(): closing the socket from another thread cannot fail the loop with EBADF;
    # a short loop timeout lets the server thread notice the close at once.
    server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_use_poll=True,
                           asyncore_loop_timeout=0.05)  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.effective_port}", server.close)
    finally:
        server.close()
        thread.join(timeout=5)
