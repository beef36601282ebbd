"""Where the platform keeps file bytes: a local folder or an S3 bucket, behind one small interface.

Every write is streamed (a file is never held whole in memory) and hashed on the way, so callers get
the size and sha256 of exactly the bytes that were stored. Large uploads can be sent in parts through
an upload session, which maps to S3 multipart upload and has a local equivalent with the same rules,
so an uploader tested against a folder behaves the same against a bucket.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlparse, urlsplit, urlunsplit
from urllib.request import url2pathname

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError, NoCredentialsError
from botocore.exceptions import ConnectionError as BotoConnectionError

from ppid.i18n import _

MiB = 1024 * 1024
CHUNK_SIZE = MiB
MIN_PART_SIZE = 5 * MiB
MAX_PART_NUMBER = 10_000
SPOOL_SIZE = 8 * MiB


class StorageError(Exception):
    """The storage refused a request or cannot be reached; the message says what to check."""


class ObjectNotFound(StorageError):
    """No object under that key, so the web layer can answer 404 whatever the backend."""


class UploadNotFound(StorageError):
    """The upload session does not exist (finished, aborted or never begun) or belongs to another key."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class Storage(ABC):
    """The operations the platform needs from any backend; keys are relative POSIX paths."""

    @abstractmethod
    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> StoredObject:
        """Store the stream's bytes under ``key``, replacing any previous object."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; close it (or use ``with``) when done."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def url(self, key: str, *, expires: int = 3600, filename: str | None = None) -> str | None:
        """A temporary download URL, or ``None`` when the app must stream the bytes itself."""

    @abstractmethod
    def check(self) -> None:
        """Raise :class:`StorageError` with an actionable message when the backend is unusable."""

    @abstractmethod
    def begin_upload(self, key: str, *, content_type: str | None = None) -> str:
        """Start an upload session for ``key`` and return its id."""

    @abstractmethod
    def upload_part(self, key: str, upload_id: str, part_number: int, stream: BinaryIO) -> int:
        """Store one part (numbered from 1; re-sending a number replaces it) and return its size."""

    @abstractmethod
    def complete_upload(self, key: str, upload_id: str) -> StoredObject:
        """Join the parts in number order into the object under ``key`` and end the session."""

    @abstractmethod
    def abort_upload(self, key: str, upload_id: str) -> None:
        """Discard the session and its parts; aborting an unknown session is not an error."""


def open_storage(storage_url: str, s3_endpoint_url: str | None = None) -> Storage:
    """``PPID_STORAGE_URL`` to a backend: a folder (plain path or ``file://``) or ``s3://bucket/prefix``."""
    parsed = urlparse(storage_url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise StorageError(_("PPID_STORAGE_URL s3:// harus menyebut nama bucket, misalnya s3://ppid-data/berkas."))
        return S3Storage(parsed.netloc, parsed.path, endpoint_url=s3_endpoint_url)
    if parsed.scheme == "file":
        return LocalStorage(Path(url2pathname(parsed.path)))
    if len(parsed.scheme) > 1:  # a single letter is a Windows drive, not a scheme
        raise StorageError(
            _("PPID_STORAGE_URL harus berupa folder lokal atau s3://bucket/prefix, bukan %(value)r.", value=storage_url)
        )
    return LocalStorage(Path(storage_url))


def _check_key(key: str) -> None:
    """Reject keys that could name something outside the store, the same way on every backend."""
    if "\\" in key or "\0" in key or any(part in {"", ".", ".."} for part in key.split("/")):
        raise _invalid_key(key)


def _invalid_key(key: str) -> StorageError:
    return StorageError(
        _("Kunci penyimpanan %(key)r tidak sah: gunakan path relatif di dalam penyimpanan, misalnya 'berkas/data.csv'.",
          key=key)
    )


def _not_found(key: str) -> ObjectNotFound:
    return ObjectNotFound(_("Berkas %(key)r tidak ada di penyimpanan.", key=key))


def _check_part_number(part_number: int) -> None:
    if not 1 <= part_number <= MAX_PART_NUMBER:
        raise StorageError(
            _("Nomor bagian unggahan harus antara 1 dan %(maximum)s, bukan %(number)s.",
              maximum=MAX_PART_NUMBER, number=part_number)
        )


def _check_part_sizes(key: str, sizes: list[tuple[int, int]]) -> None:
    """S3's rule, applied locally too, so that an uploader cannot work on a folder and fail on a bucket."""
    if not sizes:
        raise StorageError(
            _("Unggahan %(key)r belum memiliki bagian: kirim minimal satu bagian sebelum menyelesaikannya.", key=key)
        )
    for number, size in sorted(sizes)[:-1]:
        if size < MIN_PART_SIZE:
            raise StorageError(
                _("Bagian %(number)s dari unggahan %(key)r hanya %(size)s bita: setiap bagian kecuali yang "
                  "terakhir harus minimal 5 MiB.", number=number, key=key, size=size)
            )


def _upload_not_found(key: str, upload_id: str) -> UploadNotFound:
    return UploadNotFound(
        _("Sesi unggahan %(upload_id)s untuk %(key)r tidak ditemukan: mulai ulang unggahan.",
          upload_id=upload_id, key=key)
    )


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    return iter(lambda: stream.read(CHUNK_SIZE), b"")


class _HashingReader:
    """Counts and hashes the bytes that pass through, and always fills a read unless the stream ends.

    Filling matters for S3: the transfer manager makes one part per ``read``, and a short read from a
    network stream would give a part under S3's 5 MiB minimum. It is deliberately not seekable, so that
    the transfer manager reads the source once and retries from its own buffers, never hashing twice.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:  # the transfer manager only asks for "the rest" once it has seen the stream end
            data = b"".join(_chunks(self._stream))
        else:
            pieces: list[bytes] = []
            wanted = size
            while wanted > 0 and (piece := self._stream.read(wanted)):
                pieces.append(piece)
                wanted -= len(piece)
            data = b"".join(pieces)
        self._sha256.update(data)
        self.size += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()


class LocalStorage(Storage):
    """A folder on disk, for single-server installations; the app streams downloads itself."""

    UPLOADS_DIR = ".ppid-uploads"
    _UPLOAD_ID = re.compile(r"[0-9a-f]{32}")

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        _check_key(key)
        path = self.root / key
        # resolve() follows symlinks, so a link inside the root cannot lead outside it
        if key.split("/", 1)[0] == self.UPLOADS_DIR or not path.resolve().is_relative_to(self.root):
            raise _invalid_key(key)
        return path

    @staticmethod
    def _write_atomically(path: Path, chunks: Iterable[bytes]) -> tuple[int, str]:
        """Write beside the target and rename over it, so a crash never leaves a half file under the key."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name[:100]}.{secrets.token_hex(8)}.tmp")
        sha256, size = hashlib.sha256(), 0
        try:
            with temp.open("xb") as out:
                for chunk in chunks:
                    sha256.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return size, sha256.hexdigest()

    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> StoredObject:
        size, sha256 = self._write_atomically(self._path(key), _chunks(stream))
        return StoredObject(key=key, size=size, sha256=sha256)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise _not_found(key) from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise _not_found(key)
        return path.stat().st_size

    def url(self, key: str, *, expires: int = 3600, filename: str | None = None) -> str | None:
        return None

    def local_path(self, key: str) -> Path:
        """The stored file itself, for readers that need a path (DuckDB reads Parquet by path, not by stream)."""
        path = self._path(key)
        if not path.is_file():
            raise _not_found(key)
        return path

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            writable = os.access(self.root, os.W_OK | os.X_OK)
        except OSError:
            writable = False
        if not writable:
            raise StorageError(
                _("Folder penyimpanan %(path)s tidak dapat dibuat atau ditulisi: periksa PPID_STORAGE_URL "
                  "dan izin folder tersebut.", path=self.root)
            )

    def _session(self, key: str, upload_id: str) -> Path:
        """The session folder, only if the id is well formed and the session was begun for this key."""
        self._path(key)
        if self._UPLOAD_ID.fullmatch(upload_id):
            session = self.root / self.UPLOADS_DIR / upload_id
            try:
                if (session / "key").read_text(encoding="utf-8") == key:
                    return session
            except FileNotFoundError:
                pass
        raise _upload_not_found(key, upload_id)

    def begin_upload(self, key: str, *, content_type: str | None = None) -> str:
        self._path(key)
        upload_id = secrets.token_hex(16)
        session = self.root / self.UPLOADS_DIR / upload_id
        session.mkdir(parents=True)
        (session / "key").write_text(key, encoding="utf-8")
        return upload_id

    def upload_part(self, key: str, upload_id: str, part_number: int, stream: BinaryIO) -> int:
        _check_part_number(part_number)
        session = self._session(key, upload_id)
        size, _sha256 = self._write_atomically(session / f"part-{part_number:05d}", _chunks(stream))
        return size

    def complete_upload(self, key: str, upload_id: str) -> StoredObject:
        session = self._session(key, upload_id)
        parts = sorted(session.glob("part-*"))  # zero-padded, so name order is number order
        _check_part_sizes(key, [(int(part.name[5:]), part.stat().st_size) for part in parts])
        size, sha256 = self._write_atomically(self._path(key), _read_files(parts))
        shutil.rmtree(session, ignore_errors=True)
        return StoredObject(key=key, size=size, sha256=sha256)

    def abort_upload(self, key: str, upload_id: str) -> None:
        try:
            session = self._session(key, upload_id)
        except UploadNotFound:
            return
        shutil.rmtree(session, ignore_errors=True)


def _read_files(paths: list[Path]) -> Iterator[bytes]:
    for path in paths:
        with path.open("rb") as stream:
            yield from _chunks(stream)


def _without_credentials(url: str) -> str:
    """An endpoint fit for a message: user and password in the URL are dropped."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def attachment_header(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class S3Storage(Storage):
    """An S3 bucket (AWS, MinIO, Ceph...); downloads go straight from the bucket via presigned URLs."""

    TRANSFER = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)
    # /healthz and start-up must answer quickly when the endpoint is down, rather than retry for minutes
    CHECK_CONFIG = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 2})
    # per-part checksums must be echoed back when the upload was created with a checksum algorithm
    COMPLETED_PART_FIELDS = ("PartNumber", "ETag", "ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME",
                             "ChecksumSHA1", "ChecksumSHA256")

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self._given_client = client
        self._client = client or self._new_client()

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _new_client(self, config: Config | None = None) -> Any:
        """Path-style addressing on custom endpoints, since MinIO and friends rarely have bucket DNS names."""
        base = Config(signature_version="s3v4", s3={"addressing_style": "path"} if self.endpoint_url else None)
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, config=base.merge(config) if config else base
        )

    @cached_property
    def _check_client(self) -> Any:
        """A given client is used as it is; our own gets a twin with short timeouts for :meth:`check`."""
        return self._given_client or self._new_client(self.CHECK_CONFIG)

    def _object_key(self, key: str) -> str:
        _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    @staticmethod
    def _error_code(error: ClientError) -> str:
        return str(error.response.get("Error", {}).get("Code", ""))

    def _missing(self, error: ClientError) -> bool:
        return self._error_code(error) in {"404", "NoSuchKey", "NotFound"}

    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> StoredObject:
        reader = _HashingReader(stream)
        extra = {"ContentType": content_type} if content_type else None
        self._client.upload_fileobj(reader, self.bucket, self._object_key(key), ExtraArgs=extra, Config=self.TRANSFER)
        return StoredObject(key=key, size=reader.size, sha256=reader.sha256)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self._object_key(key))["Body"]
        except ClientError as error:
            if self._missing(error):
                raise _not_found(key) from None
            raise

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._object_key(key))

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self._client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise _not_found(key)
        return head["ContentLength"]

    def url(self, key: str, *, expires: int = 3600, filename: str | None = None) -> str | None:
        params = {"Bucket": self.bucket, "Key": self._object_key(key)}
        if filename:
            params["ResponseContentDisposition"] = attachment_header(filename)
        return self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)

    def check(self) -> None:
        client = self._check_client
        try:
            client.head_bucket(Bucket=self.bucket)
        except (BotoConnectionError, HTTPClientError) as error:
            raise StorageError(
                _("Penyimpanan S3 tidak dapat dihubungi di %(endpoint)s: periksa PPID_S3_ENDPOINT_URL dan jaringan.",
                  endpoint=_without_credentials(client.meta.endpoint_url))
            ) from error
        except NoCredentialsError as error:
            raise StorageError(
                _("Kredensial S3 tidak ditemukan: setel AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY "
                  "atau AWS_PROFILE.")
            ) from error
        except ClientError as error:
            raise StorageError(
                _("Bucket S3 '%(bucket)s' tidak ditemukan atau tidak dapat diakses: periksa PPID_STORAGE_URL "
                  "dan izin kredensial.", bucket=self.bucket)
            ) from error

    def begin_upload(self, key: str, *, content_type: str | None = None) -> str:
        extra = {"ContentType": content_type} if content_type else {}
        response = self._client.create_multipart_upload(Bucket=self.bucket, Key=self._object_key(key), **extra)
        return response["UploadId"]

    def _session_call(self, key: str, upload_id: str, operation: str, **params: Any) -> Any:
        """Call a multipart operation, turning S3's NoSuchUpload into the backend-neutral error."""
        try:
            return getattr(self._client, operation)(
                Bucket=self.bucket, Key=self._object_key(key), UploadId=upload_id, **params
            )
        except ClientError as error:
            if self._error_code(error) == "NoSuchUpload":
                raise _upload_not_found(key, upload_id) from None
            raise

    def upload_part(self, key: str, upload_id: str, part_number: int, stream: BinaryIO) -> int:
        _check_part_number(part_number)
        # S3 needs the part's length up front and a body it can re-read on retry: spool, to disk if large
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE) as spool:
            shutil.copyfileobj(stream, spool, CHUNK_SIZE)
            size = spool.tell()
            spool.seek(0)
            self._session_call(key, upload_id, "upload_part", PartNumber=part_number, Body=spool)
        return size

    def complete_upload(self, key: str, upload_id: str) -> StoredObject:
        parts: list[dict[str, Any]] = []
        marker = 0
        while True:
            page = self._session_call(key, upload_id, "list_parts", PartNumberMarker=marker)
            parts.extend(page.get("Parts", []))
            if not page.get("IsTruncated"):
                break
            marker = page["NextPartNumberMarker"]
        _check_part_sizes(key, [(part["PartNumber"], part["Size"]) for part in parts])
        completed = [{name: part[name] for name in self.COMPLETED_PART_FIELDS if name in part} for part in parts]
        self._session_call(key, upload_id, "complete_multipart_upload", MultipartUpload={"Parts": completed})
        # S3 cannot combine part digests into the whole file's sha256, so read the result back once
        with self.open(key) as body:
            reader = _HashingReader(body)
            while reader.read(CHUNK_SIZE):
                pass
        return StoredObject(key=key, size=reader.size, sha256=reader.sha256)

    def abort_upload(self, key: str, upload_id: str) -> None:
        try:
            self._session_call(key, upload_id, "abort_multipart_upload")
        except UploadNotFound:
            return
