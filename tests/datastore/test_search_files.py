"""Where a search reads a table from: the stored file itself on local storage, a verified cached download
from S3 (a real moto server over HTTP), and ``datastore_search`` over either gives the same answer."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import boto3
import pytest

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
