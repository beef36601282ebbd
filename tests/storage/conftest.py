"""Storage fixtures: deterministic generated streams, and a real moto S3 server over HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from collections.abc import Callable

import boto3
import pytest
from botocore.client import BaseClient

from ppid.storage import S3Storage

MiB = 1024 * 1024


class GeneratedStream(io.RawIOBase):
    """A file-like object that makes its bytes as it is read, so tests can stream more than they hold.

    The pattern repeats every 1 MiB + 7 bytes, so equal-sized parts differ and a misordered join shows.
    ``max_read`` gives short reads like a network stream; ``fail_after`` breaks the stream part-way.
    """

    PERIOD = MiB + 7
    _PATTERN = random.Random(2024).randbytes(PERIOD) * 2

    def __init__(self, size: int, *, max_read: int | None = None, fail_after: int | None = None) -> None:
        super().__init__()
        self.remaining = size
        self.position = 0
        self.max_read = max_read
        self.fail_after = fail_after

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self.fail_after is not None and self.position >= self.fail_after:
            raise OSError("koneksi terputus di tengah unggahan")
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        if self.max_read is not None:
            wanted = min(wanted, self.max_read)
        if self.fail_after is not None:
            wanted = min(wanted, self.fail_after - self.position)
        pieces = []
        while wanted > 0:
            start = self.position % self.PERIOD
            piece = self._PATTERN[start : start + min(wanted, self.PERIOD)]
            pieces.append(piece)
            self.position += len(piece)
            self.remaining -= len(piece)
            wanted -= len(piece)
        return b"".join(pieces)

    @classmethod
    def sha256(cls, size: int) -> str:
        """The digest of ``GeneratedStream(size)``, computed independently of the storage under test."""
        digest, stream = hashlib.sha256(), cls(size)
        while chunk := stream.read(MiB):
            digest.update(chunk)
        return digest.hexdigest()


@pytest.fixture
def make_stream() -> Callable[..., io.RawIOBase]:
    """``make_stream(size, max_read=None, fail_after=None)``: see :class:`GeneratedStream`."""
    return GeneratedStream


@pytest.fixture
def generated_sha256() -> Callable[[int], str]:
    return GeneratedStream.sha256


@pytest.fixture
def s3_client(moto_endpoint: str, aws_credentials: None) -> BaseClient:
    """An independent client, to look at the bucket without going through the code under test."""
    return boto3.client("s3", endpoint_url=moto_endpoint)


@pytest.fixture
def bucket(s3_client: BaseClient) -> str:
    name = f"ppid-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(bucket: str, moto_endpoint: str) -> S3Storage:
    return S3Storage(bucket, "ppid/berkas", endpoint_url=moto_endpoint)
