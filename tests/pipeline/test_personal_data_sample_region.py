"""The personal-data scan keeps false positives low: the sample region's quick start holds nothing back, and its
DataStore tables (typed copies of aggregate statistics with codes, counts and budget amounts) hold no hit."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from ppid.datastore.models import DatastoreTable
from ppid.pipeline.models import FileState, ItemOutcome, RunEvent, TrackedFile
from ppid.pipeline.runner import run_harvest
from ppid.publication.holds import PersonalDataHold
from ppid.publication.personal_data import scan_frame


def test_the_sample_region_publishes_everything_and_no_datastore_table_holds_personal_data(platform) -> None:
    run_id = run_harvest(platform)

    with platform.database.session() as session:
        assert list(session.scalars(select(PersonalDataHold))) == []
        assert not list(session.scalars(select(RunEvent).where(RunEvent.run_id == run_id,
                                                               RunEvent.outcome == ItemOutcome.HELD)))
        files = list(session.scalars(select(TrackedFile)))
        tables = list(session.scalars(select(DatastoreTable)))
    publishable = [f for f in files if f.state in (FileState.VALID, FileState.DOCUMENT)]
    assert len(publishable) >= 20
    assert all(f.published_storage_key == f.storage_key for f in publishable)
    assert len(tables) >= 10
    for table in tables:
        with platform.storage.open(table.storage_key) as stream:
            frame = pl.read_parquet(stream)
        assert frame.height > 0
        assert not scan_frame(frame).found, table.storage_key
