"""What every embedded catalogue action is given: the database session, who is calling, where files go.

CKAN passes its actions a ``context`` dict; this is its typed counterpart, shared by the actions and
the validators, so that neither imports the other to learn who is calling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ppid.catalogue.models import Package
    from ppid.datastore.reading import TableFiles


@dataclass(frozen=True)
class Upload:
    """A file sent with ``resource_create``/``resource_update``: over HTTP (multipart) or in-process (a stream)."""

    filename: str
    stream: BinaryIO
    content_type: str = "application/octet-stream"


class FileSaver(Protocol):
    """Keeps an uploaded file for a resource; returns its (url, size, hash)."""

    def __call__(self, upload: Upload, *, package: Package, resource_id: str) -> tuple[str, int, str]: ...


@dataclass
class Context:
    session: Session
    sysadmin: bool
    base_url: str
    file_saver: FileSaver | None = None
    #: The caller's CKAN user name (see :mod:`ppid.catalogue.users`); None for an anonymous caller.
    user: str | None = None
    #: Where DataStore tables' Parquet files are read from; None where no storage is at hand.
    table_files: TableFiles | None = None
