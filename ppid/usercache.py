"""What a command worked out once from an input that has not changed since, kept in the user's cache.

Every ``ppid`` command reads the same few files (Click's message catalogue, ``defaults.yaml``, a schema) and would
load a library only to derive the same result again: Babel to compile a catalogue, PyYAML to read the settings,
jsonschema_rs to check a schema, 10–40 ms of start-up each, more than checking a small table. The result is kept in
``XDG_CACHE_HOME/ppid/<kind>/`` (``~/.cache`` by default) under a name that changes with its input, so a changed
input is never answered from the cache. Where the cache cannot be read or written, the result is derived each time:
the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir(kind: str) -> Path | None:
    """``XDG_CACHE_HOME/ppid/<kind>``; None for a process without a home folder (a service account), which then
    derives everything each time."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no entry in the password database
            return None
    return Path(base) / "ppid" / kind


def file_key(path: Path) -> str:
    """A name for ``path``'s content: its hash, not its size and time, which stay the same when a file is written
    again within the clock's step (a few milliseconds) with as many bytes ("id" becoming "en")."""
    return digest(path.read_bytes())


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def kept(kind: str, name: str) -> bytes | None:
    """The bytes ``keep`` wrote as ``name``; None when there are none (or they cannot be read). ``name`` must
    change with the input they were derived from (``file_key``, ``digest``)."""
    folder = cache_dir(kind)
    try:
        return (folder / name).read_bytes() if folder is not None else None
    except OSError:
        return None


def known(kind: str, name: str) -> bool:
    """Whether ``keep(kind, name)`` was done before (a fact remembered, such as "this schema was checked")."""
    folder = cache_dir(kind)
    return folder is not None and (folder / name).exists()


def keep(kind: str, name: str, data: bytes = b"") -> None:
    """Write ``data`` as ``name``, whole or not at all (a command starting at the same moment may read it)."""
    folder = cache_dir(kind)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{name}.{os.getpid()}.tmp"
        partial.write_bytes(data)
        partial.replace(folder / name)
    except OSError:
        pass
