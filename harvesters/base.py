"""The one small interface every source kind implements.

A source lists :class:`Item` objects; each item can be opened as a fresh byte stream as many times
as needed. Sources know nothing of Flask, the database or the catalogue: the pipeline decides what
to do with what they find.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, ClassVar

from marshmallow import Schema


class SourceError(Exception):
    """A whole source could not be read (unreachable, refused, misconfigured)."""


class ItemError(OSError):
    """One file could not be read as offered (an error page, a truncated body, too large); the others go on.

    ``transient`` says the cause is on the way (a dropped connection, a timeout), not in the file: the
    pipeline tries such a file again next run, and a file that is itself wrong only once it has changed.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Item:
    """One file offered by a source."""

    key: str
    """Stable identity within the source: a relative path, a URL, an object key."""
    name: str
    """File name, used for matching rules and as the resource name."""
    opener: Callable[[], BinaryIO] = field(repr=False, compare=False)
    size: int | None = None
    modified: datetime | None = None
    fingerprint: str | None = None
    """A cheap change token (ETag, size+mtime) that lets the pipeline skip reading an unchanged file."""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    """Metadata the source itself carries (a CKAN dataset's title, a DCAT description)."""
    problem: str | None = field(default=None, compare=False)
    """Why the source already knows the file cannot be read (an error page, a refused download); opening raises it."""

    def open(self) -> BinaryIO:
        return self.opener()


class Source(ABC):
    """A place a dinas publishes files: subclasses declare their ``kind`` and ``Options`` schema."""

    kind: ClassVar[str]
    Options: ClassVar[type[Schema]]
    carries_metadata: ClassVar[bool] = False
    """True when items bring their own title and description, so a rule may leave them out."""
    weak_fingerprint: ClassVar[bool] = False
    """True when the fingerprint can stay the same while the content changes (size + mtime of a local file,
    kept by ``rsync -t`` or ``touch -r``): ``ppid harvest --verify`` then hashes the files themselves."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    @abstractmethod
    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        """Everything the source offers now; raise :class:`SourceError` if it cannot be listed.

        ``known`` maps each key to the fingerprint it had last time, so a source that can ask
        conditionally (HTTP ``If-None-Match``) learns a file is unchanged without transferring it.
        """
