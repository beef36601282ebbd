"""Local files for a DataStore table: its Parquet file, and the DuckDB database searches read.

On local storage the stored file is read in place. On S3 the file is downloaded once into a cache
folder under the instance folder, named by the file's SHA-256 (``rows_sha256``): a replaced table has
another name, so a cached copy is never stale, and the copy is written beside its final name and
renamed, so a reader never sees half a file.

Searches do not read the Parquet file but a DuckDB database made from it once per machine, in the same
cache folder and named by the same SHA-256 (:meth:`TableFiles.database`). Measured on the 10M-row table
of bench/datastore.py (2 cores, DuckDB 2.0.1, 256 MB): a filtered and sorted page with its total takes
p50/p95 382/1,016 ms from the Parquet file (zstd; every row group's village names and codes are decoded
again for each sort or filter, and fetching 100 rows by ``_id`` scans the column), but ≈ 50/80 ms from
DuckDB's own storage, whose light compression (dictionary, FSST, bitpacking) is filtered without
decompressing everything and whose zone maps on ``_id`` fetch a page's rows in 11 ms instead of 125 ms.
Re-laying the Parquet file was measured too: snappy gains ≈ 10%, 16k-row row groups lose; see
bench/README.md. The Parquet file stays the interchange form (downloads, ``datastore_search_sql``, the
CKAN push). The database is built once (≈ 7 s and 230 MB for 10M rows) in the serving process's DuckDB,
under its memory limit, into a temporary file renamed into place: two processes building it at once each
rename a complete file, and a reader never opens half of one.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from pathlib import Path

from ppid.datastore import query
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

    def database(self, table: DatastoreTable) -> Path:
        """The table's DuckDB database (one table, :data:`query.DATABASE_TABLE`), built on first use."""
        target = self.cache_dir / f"{table.rows_sha256}.duckdb"
        if target.is_file():
            return target
        parquet = self.path(table)  # before the lock, which a download takes too
        with self._lock:  # one build per process; another process may build too, and rename the same rows
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                query.build_database(parquet, target)
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
