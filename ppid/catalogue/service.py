"""The embedded catalogue as a CKAN client would see it: ``call_action(name, data_dict)``, in-process.

The same call surface as ``ckanapi.RemoteCKAN`` (and ``LocalCKAN``), so the publisher, the uploader and
the portal hold one kind of object whether the catalogue is this one or a real CKAN, and none of them
starts a server to reach it. Each call is one transaction: committed when the action succeeds, rolled
back when it raises (a ``ckanapi.errors`` exception, as a real CKAN's would be raised by ckanapi).
Uploaded files are streamed from whatever the caller hands over into the platform storage, so their
size is bounded by the storage alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ckanapi.common import ActionShortcut
from werkzeug.utils import secure_filename

from ppid.catalogue import datastore, store
from ppid.catalogue.context import Context, Upload
from ppid.catalogue.models import Package, Resource
from ppid.catalogue.users import SITE_USER
from ppid.datastore import dump
from ppid.datastore.reading import TableFiles
from ppid.db import Database
from ppid.storage import Storage


class EmbeddedCKAN:
    """An in-process CKAN, called as ``user`` (a CKAN user name, see :mod:`ppid.catalogue.users`) with or without
    sysadmin rights. A sysadmin without a user name is the platform itself: CKAN's site user."""

    def __init__(
        self,
        database: Database,
        storage: Storage,
        *,
        base_url: str,
        sysadmin: bool = False,
        user: str | None = None,
        datastore_cache: Path | None = None,
    ) -> None:
        """``datastore_cache``: where DataStore files from S3 are kept (the instance folder's ``datastore``);
        without one, the system's temporary folder."""
        self.database = database
        self.storage = storage
        self.table_files = TableFiles(storage, datastore_cache or Path(tempfile.gettempdir()) / "ppid-datastore")
        self.base_url = base_url.rstrip("/")
        self.sysadmin = sysadmin
        self.user = user or (SITE_USER if sysadmin else None)
        self.action = ActionShortcut(self)

    def call_action(
        self,
        action: str,
        data_dict: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        apikey: str | None = None,
        files: dict[str, Any] | None = None,
        requests_kwargs: dict[str, Any] | None = None,
    ) -> Any:
        """Run ``action`` as ckanapi would on a remote CKAN; ``context``, ``apikey`` and ``requests_kwargs`` are
        accepted for the same signature and mean nothing in-process."""
        data = dict(data_dict or {})
        data.update({field: as_upload(value) for field, value in (files or {}).items()})
        with self.database.session() as session:
            return store.call_action(
                session,
                action,
                data,
                user_is_sysadmin=self.sysadmin,
                base_url=self.base_url,
                file_saver=self.save_upload,
                user=self.user,
                table_files=self.table_files,
            )

    def save_upload(self, upload: Upload, *, package: Package, resource_id: str) -> tuple[str, int, str]:
        """Keep the file in the platform storage; the portal serves it at CKAN's download URL for it."""
        filename = secure_filename(upload.filename) or "upload"
        stored = self.storage.put(
            storage_key(package.id, resource_id, filename), upload.stream, content_type=upload.content_type
        )
        url = f"{self.base_url}/dataset/{package.name}/resource/{resource_id}/download/{filename}"
        return url, stored.size, f"sha256:{stored.sha256}"

    def datastore_dump(
        self, resource_id: str, data: dict[str, Any], fmt: str, *, bom: bool = False
    ) -> tuple[str, Iterator[bytes]]:
        """CKAN's ``/datastore/dump/<id>``: (a file name from the resource's, the bytes). Refusals raise before
        the first byte, as ``ckanapi.errors`` exceptions; the rows are read after the session is closed."""
        with self.database.session() as session:
            context = Context(session, self.sysadmin, self.base_url, None, self.user, self.table_files)
            table = datastore.readable_table(context, resource_id)
            stem = PurePosixPath(session.get(Resource, resource_id).name or "").stem
            chunks = dump.dump(datastore.query_table(context, table), data, fmt, bom=bom)
        return f"{secure_filename(stem) or resource_id}.{fmt}", chunks

    def close(self) -> None:
        """Nothing to release: each call opened and closed its own session."""

    def __enter__(self) -> EmbeddedCKAN:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def as_upload(value: Any) -> Upload:
    """ckanapi's ``files`` values: an open file, or a ``(filename, stream[, content type])`` tuple."""
    if isinstance(value, Upload):
        return value
    if isinstance(value, tuple):
        filename, stream, *rest = value
        return Upload(str(filename), stream, rest[0] if rest else "application/octet-stream")
    stream: BinaryIO = value
    return Upload(getattr(stream, "name", "upload").rsplit("/", 1)[-1], stream)


def storage_key(package_id: str, resource_id: str, filename: str) -> str:
    """Where an uploaded resource file lives in the platform storage (the portal's download route reads it)."""
    return f"catalogue/{package_id}/{resource_id}/{filename}"
