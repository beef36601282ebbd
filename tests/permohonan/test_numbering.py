"""Registration numbers (UU KIP Pasal 22(4)-(5)): unique, sequential per year, never reused."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select

from ppid.config import ConfigError
from ppid.permohonan.audit import verify
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.models import Permohonan
from ppid.permohonan.workflow import Workflow

from .conftest import filing


def test_numbers_follow_one_sequence_per_year_in_the_default_format(workflow, clock) -> None:
    numbers = [workflow.file(filing(dinas=dinas)).permohonan.number for dinas in ("dinkes", "bpkad", "tidak_tahu")]
    assert numbers == ["0001/PPID/DINKES/2026", "0002/PPID/BPKAD/2026", "0003/PPID/UTAMA/2026"]


def test_numbering_starts_again_each_year(workflow, clock) -> None:
    clock.set(2026, 12, 31, 10, 0)
    assert workflow.file(filing()).permohonan.number == "0001/PPID/DINKES/2026"
    assert workflow.file(filing()).permohonan.number == "0002/PPID/DINKES/2026"
    clock.set(2027, 1, 1, 0, 5)  # the year of the local receipt time, not of UTC (still 2026-12-31 in UTC)
    assert workflow.file(filing()).permohonan.number == "0001/PPID/DINKES/2027"


def test_numbers_may_run_per_dinas_with_a_custom_format(workflow, config) -> None:
    workflow.config = replace(config, sequence_per_dinas=True, number_format="{dinas}/{seq:03d}/{month_roman}/{year}")
    numbers = [workflow.file(filing(dinas=dinas)).permohonan.number for dinas in ("dinkes", "bpkad", "dinkes")]
    assert numbers == ["DINKES/001/III/2026", "BPKAD/001/III/2026", "DINKES/002/III/2026"]


@pytest.mark.parametrize(
    ("number_format", "per_dinas", "missing"),
    [("{seq:04d}/PPID", False, "{year}"), ("PPID/{year}", False, "{seq}"), ("{seq}/{year}", True, "{dinas}")],
)
def test_a_format_that_could_repeat_a_number_stops_start_up(settings, number_format, per_dinas, missing) -> None:
    section = {"registration_number_format": number_format, "sequence_per_dinas": per_dinas}
    with pytest.raises(ConfigError, match=f"registration_number_format harus memuat {missing}"):
        PermohonanConfig.from_settings(replace(settings, defaults={"permohonan": section}))


def test_a_filing_that_rolls_back_gives_its_number_back(workflow, session) -> None:
    workflow.file(filing())
    session.rollback()
    assert workflow.file(filing()).permohonan.number == "0001/PPID/DINKES/2026"


def _file_at_once(platform, config, clock, dinas_of_each_thread: list[str], per_thread: int) -> list[BaseException]:
    """Each thread files ``per_thread`` requests for its dinas, all threads starting together; what they raised."""
    start = threading.Barrier(len(dinas_of_each_thread))
    failures: list[BaseException] = []

    def file_some(dinas: str) -> None:
        try:
            start.wait()
            for _attempt in range(per_thread):
                with platform.database.session() as session:
                    Workflow(session, config, platform.registry, clock=clock).file(filing(dinas=dinas))
        except BaseException as error:  # reported by the test, in its own thread
            failures.append(error)

    workers = [threading.Thread(target=file_some, args=(dinas,)) for dinas in dinas_of_each_thread]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


def test_concurrent_filings_get_distinct_consecutive_numbers(platform, config, clock) -> None:
    """Many requesters at once (PostgreSQL when PPID_TEST_DATABASE_URL is set, else SQLite)."""
    threads, per_thread = 8, 3
    assert _file_at_once(platform, config, clock, ["dinkes"] * threads, per_thread) == []
    with platform.database.session() as session:
        rows = session.execute(select(Permohonan.sequence, Permohonan.number)).all()
    assert sorted(sequence for sequence, _number in rows) == list(range(1, threads * per_thread + 1))
    assert len({number for _sequence, number in rows}) == threads * per_thread


def test_the_tracking_link_secret_is_stored_only_as_a_hash(workflow, session) -> None:
    filed = workflow.file(filing())
    session.commit()
    stored = session.scalar(select(Permohonan.tracking_token_hash))
    assert len(filed.token) >= 32 and filed.token != stored and len(stored) == 64


def test_concurrent_filings_with_numbers_per_dinas_keep_one_unbroken_log(platform, config, clock) -> None:
    """Filings for different dinas do not wait on one counter row; the log's chain lock, taken with the number,
    still orders their first events into one chain (PostgreSQL when PPID_TEST_DATABASE_URL is set, else SQLite)."""
    threads, per_thread = 8, 3
    per_dinas = replace(config, sequence_per_dinas=True)
    assert _file_at_once(platform, per_dinas, clock, ["dinkes", "bpkad"] * (threads // 2), per_thread) == []
    with platform.database.session() as session:
        report = verify(session)
        numbers = session.scalars(select(Permohonan.number)).all()
    assert report.intact and report.events == threads * per_thread
    assert sorted(numbers) == sorted(f"{seq:04d}/PPID/{dinas}/2026" for dinas in ("BPKAD", "DINKES")
                                     for seq in range(1, threads * per_thread // 2 + 1))
