"""S3Storage against a real moto S3 server over HTTP: objects, presigned URLs, multipart and health checks."""

from __future__ import annotations

import hashlib
import io
import socket
import urllib.request
from collections.abc import Callable

import pytest
from botocore.client import BaseClient

from ppid.storage import ObjectNotFound, S3Storage, StorageError, UploadNotFound, open_storage

pytestmark = pytest.mark.s3

MiB = 1024 * 1024
StreamFactory = Callable[..., io.RawIOBase]


def test_round_trip_under_the_prefix(s3_storage: S3Storage, s3_client: BaseClient, bucket: str) -> None:
    data = b"kode_wilayah,nama\n3201,Kabupaten Bogor\n"

    stored = s3_storage.put("berkas/apbd.csv", io.BytesIO(data), content_type="text/csv")

    assert (stored.key, stored.size, stored.sha256) == ("berkas/apbd.csv", len(data), hashlib.sha256(data).hexdigest())
    head = s3_client.head_object(Bucket=bucket, Key="ppid/berkas/berkas/apbd.csv")
    assert (head["ContentLength"], head["ContentType"]) == (len(data), "text/csv")
    with s3_storage.open("berkas/apbd.csv") as body:
        assert body.read() == data


def test_exists_size_and_delete(s3_storage: S3Storage) -> None:
    assert not s3_storage.exists("berkas/a.csv")
    s3_storage.put("berkas/a.csv", io.BytesIO(b"12345"))

    assert s3_storage.exists("berkas/a.csv")
    assert s3_storage.size("berkas/a.csv") == 5

    s3_storage.delete("berkas/a.csv")
    s3_storage.delete("berkas/a.csv")  # deleting twice is fine
    assert not s3_storage.exists("berkas/a.csv")
    with pytest.raises(ObjectNotFound):
        s3_storage.open("berkas/a.csv")
    with pytest.raises(ObjectNotFound):
        s3_storage.size("berkas/a.csv")


def test_a_large_put_streams_through_multipart_and_hashes_every_byte(
    s3_storage: S3Storage, s3_client: BaseClient, bucket: str, make_stream: StreamFactory,
    generated_sha256: Callable[[int], str],
) -> None:
    size = 9 * MiB + 123  # above the multipart threshold
    stream = make_stream(size, max_read=64 * 1024)  # short reads must not become undersized parts

    stored = s3_storage.put("berkas/besar.bin", stream)

    assert (stored.size, stored.sha256) == (size, generated_sha256(size))
    head = s3_client.head_object(Bucket=bucket, Key="ppid/berkas/berkas/besar.bin")
    assert head["ContentLength"] == size
    assert head["ETag"].strip('"').endswith("-2")  # two parts: it really went through multipart
    with s3_storage.open("berkas/besar.bin") as body:
        assert hashlib.sha256(body.read()).hexdigest() == stored.sha256


def test_presigned_url_downloads_over_http_as_an_attachment(s3_storage: S3Storage) -> None:
    data = b"tahun,pagu\n2024,1000000\n"
    s3_storage.put("berkas/pagu.csv", io.BytesIO(data))

    url = s3_storage.url("berkas/pagu.csv", expires=300, filename="Pagu anggaran – 2024.csv")

    assert url is not None and url.startswith(s3_storage.endpoint_url)
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data
        disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Pagu%20anggaran%20%E2%80%93%202024.csv" in disposition


def test_upload_session_of_twenty_megabytes(
    s3_storage: S3Storage, s3_client: BaseClient, bucket: str, make_stream: StreamFactory,
    generated_sha256: Callable[[int], str],
) -> None:
    size, part_size = 20 * 1000 * 1000, 5 * MiB
    source = make_stream(size)
    parts = []
    while chunk := source.read(part_size):
        parts.append(chunk)
    assert len(parts) == 4 and len(parts[-1]) < MiB * 5

    upload_id = s3_storage.begin_upload("unggahan/besar.bin", content_type="application/octet-stream")
    for number in (2, 1, 4, 3):  # parts may arrive in any order
        assert s3_storage.upload_part("unggahan/besar.bin", upload_id, number, io.BytesIO(parts[number - 1])) \
            == len(parts[number - 1])
    assert not s3_storage.exists("unggahan/besar.bin")

    stored = s3_storage.complete_upload("unggahan/besar.bin", upload_id)

    assert (stored.key, stored.size, stored.sha256) == ("unggahan/besar.bin", size, generated_sha256(size))
    assert s3_storage.size("unggahan/besar.bin") == size
    head = s3_client.head_object(Bucket=bucket, Key="ppid/berkas/unggahan/besar.bin")
    assert head["ContentType"] == "application/octet-stream"
    assert s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_upload_session_rules_match_local_storage(s3_storage: S3Storage, s3_client: BaseClient, bucket: str) -> None:
    upload_id = s3_storage.begin_upload("unggahan/kecil.bin")
    with pytest.raises(StorageError, match="belum memiliki bagian"):
        s3_storage.complete_upload("unggahan/kecil.bin", upload_id)
    with pytest.raises(StorageError, match="Nomor bagian"):
        s3_storage.upload_part("unggahan/kecil.bin", upload_id, 0, io.BytesIO(b"x"))

    s3_storage.upload_part("unggahan/kecil.bin", upload_id, 1, io.BytesIO(b"terlalu kecil"))
    s3_storage.upload_part("unggahan/kecil.bin", upload_id, 2, io.BytesIO(b"akhir"))
    with pytest.raises(StorageError, match="minimal 5 MiB"):
        s3_storage.complete_upload("unggahan/kecil.bin", upload_id)

    s3_storage.abort_upload("unggahan/kecil.bin", upload_id)
    s3_storage.abort_upload("unggahan/kecil.bin", upload_id)  # aborting twice is fine
    assert s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    # (moto answers UploadPart on an aborted upload with a 500 rather than S3's NoSuchUpload, so only completion
    # is tried here; both go through the same NoSuchUpload translation)
    with pytest.raises(UploadNotFound, match="tidak ditemukan"):
        s3_storage.complete_upload("unggahan/kecil.bin", upload_id)
    assert not s3_storage.exists("unggahan/kecil.bin")


@pytest.mark.parametrize("key", ["", "/mutlak.csv", "../luar.csv", "a//b.csv", "a\\b.csv", "a\0b.csv"])
def test_invalid_keys_are_rejected_as_on_local_storage(s3_storage: S3Storage, key: str) -> None:
    with pytest.raises(StorageError, match="tidak sah"):
        s3_storage.put(key, io.BytesIO(b"x"))
    with pytest.raises(StorageError, match="tidak sah"):
        s3_storage.exists(key)


def test_check_passes_on_a_reachable_bucket(s3_storage: S3Storage) -> None:
    s3_storage.check()


def test_check_names_the_endpoint_it_cannot_reach(aws_credentials: None) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    storage = S3Storage("ppid-data", "", endpoint_url=f"http://127.0.0.1:{port}")

    with pytest.raises(StorageError) as error:
        storage.check()

    message = str(error.value)
    assert f"http://127.0.0.1:{port}" in message
    assert "PPID_S3_ENDPOINT_URL" in message
    assert "testing" not in message


def test_check_reports_a_missing_bucket(moto_endpoint: str, aws_credentials: None) -> None:
    storage = S3Storage("bucket-yang-tidak-ada", "ppid", endpoint_url=moto_endpoint)

    with pytest.raises(StorageError, match="Bucket S3 'bucket-yang-tidak-ada' tidak ditemukan") as error:
        storage.check()
    assert "testing" not in str(error.value)


def test_open_storage_builds_s3_storage_from_the_url(bucket: str, moto_endpoint: str) -> None:
    storage = open_storage(f"s3://{bucket}/ppid/arsip/", moto_endpoint)

    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == (bucket, "ppid/arsip")
    storage.check()
    storage.put("a.txt", io.BytesIO(b"halo"))
    assert storage.exists("a.txt")
