"""A local path for a DataStore table's Parquet file: DuckDB reads files by path, and reads them fast.

On local storage the stored file is read in place. On S3 the file is downloaded once into a cache
folder under the instance folder, named by the file's SHA-256 (``rows_sha256``): a replaced table has
another name, so a cached copy is never stale, and the copy is written beside its final name and
renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from pathlib import Path

from ppid.datastore.models import DatastoreTable
from ppid.i18n import _
from ppid.storage import CHUNK_SIZE, LocalStorage, Storage, StorageError


class TableFiles:
    """Turns a :class:`DatastoreTable` into the path of its Parquet file."""

    def __init__(self, storage: Storage, cache_dir: Path) -> None:
        self.storage = storage
        self.cache_dir = Path(cache_dir)
        self._lock = threading.Lock()

    def path(self, table: DatastoreTable) -> Path:
        if isinstance(self.storage, LocalStorage):
            return self.storage.local_path(table.storage_key)
        target = self.cache_dir / f"{table.rows_sha256}.parquet"
        if target.is_file():
            return target
        with self._lock:  # one download per file even when many requests ask for it at once
            if not target.is_file():
                self._download(table, target)
        return target

    def _download(self, table: DatastoreTable, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        digest = hashlib.sha256()
        try:
            with self.storage.open(table.storage_key) as source, temp.open("xb") as out:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != table.rows_sha256:
                raise StorageError(
                    _("Berkas DataStore %(key)s di penyimpanan tidak sama dengan yang dicatat (SHA-256 berbeda).",
                      key=table.storage_key)
                )
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
