"""Where a search reads a table from: the stored file itself on local storage, a verified cached download
from S3 (a real moto server over HTTP), the DuckDB database built from either once, and ``datastore_search``
over any of them gives the same answer."""

from __future__ import annotations

import io
import multiprocessing
import uuid
from pathlib import Path

import boto3
import duckdb
import pytest

from ppid.catalogue import datastore
from ppid.catalogue.context import Context
from ppid.datastore import query
from ppid.datastore.models import DatastoreTable
from ppid.datastore.reading import TableFiles
from ppid.storage import LocalStorage, ObjectNotFound, S3Storage, StorageError

from ..catalogue.datastore_tables import FIELDS, ROWS, write_parquet


def stored_table(storage: LocalStorage | S3Storage, tmp_path: Path) -> DatastoreTable:
    parquet = tmp_path / "source.parquet"
    write_parquet(parquet, FIELDS, ROWS)
    with parquet.open("rb") as stream:
        stored = storage.put("datastore/abc/def.parquet", stream)
    return DatastoreTable(sha256="abc", schema_name="desa", schema_digest="def", storage_key=stored.key,
                          rows_sha256=stored.sha256, fields=FIELDS, primary_key=[], row_count=len(ROWS))  # fmt: skip


def test_local_storage_is_read_in_place(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "storage")
    table = stored_table(storage, tmp_path)
    files = TableFiles(storage, tmp_path / "cache")
    assert files.path(table) == storage.root / "datastore/abc/def.parquet"
    assert not (tmp_path / "cache").exists()
    with pytest.raises(ObjectNotFound):
        storage.local_path("datastore/nothing.parquet")
    with pytest.raises(StorageError):
        storage.local_path("../outside.parquet")


@pytest.fixture
def s3_storage(moto_endpoint: str, aws_credentials: None) -> S3Storage:
    bucket = f"ppid-test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    return S3Storage(bucket, "ppid", endpoint_url=moto_endpoint)


@pytest.mark.s3
def test_s3_is_downloaded_once_by_content_and_searched_alike(s3_storage: S3Storage, tmp_path: Path) -> None:
    table = stored_table(s3_storage, tmp_path)
    files = TableFiles(s3_storage, tmp_path / "cache")
    path = files.path(table)
    assert path == tmp_path / "cache" / f"{table.rows_sha256}.parquet" and path.is_file()
    assert list((tmp_path / "cache").iterdir()) == [path]  # no temporary file left behind
    s3_storage.delete(table.storage_key)
    assert files.path(table) == path  # served from the cache, the bucket is not asked again
    result = query.search(query.Table(path, FIELDS), {"sort": "keluarga_miskin desc", "limit": 1}, "r")
    assert result["records"][0]["nama_desa"] == "Cibodas" and result["total"] == 4


@pytest.mark.s3
def test_s3_bytes_that_are_not_the_recorded_copy_are_refused(s3_storage: S3Storage, tmp_path: Path) -> None:
    table = stored_table(s3_storage, tmp_path)
    s3_storage.put(table.storage_key, io.BytesIO(b"not the parquet file"))
    with pytest.raises(StorageError, match="SHA-256"):
        TableFiles(s3_storage, tmp_path / "cache").path(table)
    assert list((tmp_path / "cache").iterdir()) == []


SEARCHES = [
    {"sort": "keluarga_miskin desc", "limit": 2},
    {"filters": {"kecamatan": "Cisarua"}, "sort": "anggaran desc, nama_desa"},
    {"q": "cibodas"},
    {"distinct": True, "fields": "kecamatan"},
    {"offset": 1, "limit": 2},
]


def test_search_database_is_built_once_rebuilt_when_missing_and_answers_as_the_parquet(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "storage")
    table = stored_table(storage, tmp_path)
    files = TableFiles(storage, tmp_path / "cache")
    database = files.database(table)
    assert database == tmp_path / "cache" / f"{table.rows_sha256}.duckdb"
    assert list((tmp_path / "cache").iterdir()) == [database]  # no temporary file or WAL left behind
    built = database.stat()
    assert files.database(table) == database and database.stat().st_mtime_ns == built.st_mtime_ns
    parquet = files.path(table)
    for data in SEARCHES:
        from_parquet = query.search(query.Table(parquet, FIELDS), dict(data), "r")
        assert query.search(query.Table(parquet, FIELDS, database), dict(data), "r") == from_parquet, data
    database.unlink()
    assert files.database(table) == database and database.is_file()
    result = query.search(query.Table(parquet, FIELDS, database), {"sort": "keluarga_miskin desc", "limit": 1}, "r")
    assert result["records"][0]["nama_desa"] == "Cibodas" and result["total"] == len(ROWS)


def test_a_search_database_that_cannot_be_built_leaves_searches_on_the_parquet(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "storage")
    table = stored_table(storage, tmp_path)
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    context = Context(None, True, "http://ppid.test", table_files=TableFiles(storage, tmp_path / "cache"))  # type: ignore[arg-type]
    searched = datastore.query_table(context, table)
    assert searched.database is None and searched.path == storage.root / "datastore/abc/def.parquet"
    assert query.search(searched, {"limit": 1}, "r")["total"] == len(ROWS)


def _build(parquet: Path, target: Path) -> None:
    query.build_database(parquet, target)


def test_two_processes_building_the_same_database_leave_one_whole_file(tmp_path: Path) -> None:
    parquet = tmp_path / "source.parquet"
    write_parquet(parquet, FIELDS, ROWS)
    target = tmp_path / "cache" / "rows.duckdb"
    target.parent.mkdir()
    context = multiprocessing.get_context("spawn")
    builders = [context.Process(target=_build, args=(parquet, target)) for _ in range(2)]
    for builder in builders:
        builder.start()
    for builder in builders:
        builder.join(timeout=120)
    assert [builder.exitcode for builder in builders] == [0, 0]
    assert list(target.parent.iterdir()) == [target]
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute(f"SELECT _id, nama_desa FROM {query.DATABASE_TABLE}").fetchall() == [
            (number, row["nama_desa"]) for number, row in enumerate(ROWS, start=1)
        ]


@pytest.mark.s3
def test_s3_search_database_is_built_from_the_verified_download(s3_storage: S3Storage, tmp_path: Path) -> None:
    table = stored_table(s3_storage, tmp_path)
    files = TableFiles(s3_storage, tmp_path / "cache")
    database = files.database(table)
    assert sorted((tmp_path / "cache").iterdir()) == sorted([database, files.path(table)])
    s3_storage.delete(table.storage_key)
    result = query.search(query.Table(files.path(table), FIELDS, files.database(table)), {"q": "tugu"}, "r")
    assert [record["nama_desa"] for record in result["records"]] == ["Tugu Selatan"]
