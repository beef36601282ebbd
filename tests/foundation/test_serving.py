"""`ppid serve` says once that requests wait for a thread, not once per waiting request: a crowd's log stays
readable, and the server does not spend its crowd's time writing it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ppid.serving import QUEUE_LOGGER, QUIET_SECONDS, QueueDepthOnce


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def queue_log(caplog: pytest.LogCaptureFixture) -> Iterator[tuple[Clock, pytest.LogCaptureFixture]]:
    clock = Clock()
    logger = logging.getLogger(QUEUE_LOGGER)
    quiet = QueueDepthOnce(clock)
    logger.addFilter(quiet)
    caplog.set_level(logging.WARNING, logger=QUEUE_LOGGER)
    yield clock, caplog
    logger.removeFilter(quiet)


def test_a_crowd_waiting_for_threads_is_one_line_then_one_a_minute_saying_how_many_were_left_out(queue_log) -> None:
    clock, caplog = queue_log
    logger = logging.getLogger(QUEUE_LOGGER)
    for depth in (*range(1, 25), *range(24, 0, -1)):  # as waitress logs it: once per request that has to wait
        logger.warning("Task queue depth is %d", depth)
        clock.now += 0.01
    clock.now += QUIET_SECONDS
    logger.warning("Task queue depth is %d", 3)

    assert [record.getMessage() for record in caplog.records] == [
        "Task queue depth is 1",
        f"Task queue depth is 3 (47 more such lines in the last {QUIET_SECONDS:.0f} s, the queue at most 24 deep)",
    ]
