"""Unpacking a ZIP of tables without trusting it.

A ZIP can claim small sizes and expand to terabytes (a "zip bomb"), or name members ``../../etc/x``.
Every member is checked before anything is written, sizes are counted while copying (the declared
sizes can lie), and members are written under generated names, never under the path they claim.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    max_total_bytes: int = 2 * 1024**3
    """Uncompressed size of all members together."""
    max_ratio: int = 100
    """Uncompressed ÷ compressed size of a member above 1 MiB; CSV files compress about 5-15×."""
    max_members: int = 500


class UnsafeArchiveError(Exception):
    """The archive was rejected as a whole; ``reason`` is one of the codes below, ``detail`` names the culprit."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _is_junk(name: str) -> bool:
    """Folders and files that archivers add on their own (macOS resource forks, Finder metadata)."""
    base = PurePosixPath(name).name
    return name.startswith("__MACOSX/") or base.startswith("._") or base in (".DS_Store", "Thumbs.db")


def _is_unsafe_path(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


def extract_members(archive: Path, target_dir: Path, limits: ArchiveLimits = ArchiveLimits()) -> list[tuple[str, Path]]:
    """Check every member, then copy each to ``target_dir``; returns (member name, extracted file) in archive order.

    On rejection, files already copied stay in ``target_dir``, which the caller owns and removes.
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [info for info in zipped.infolist() if not info.is_dir() and not _is_junk(info.filename)]
            _check(members, limits)
            extracted = []
            total = 0
            for index, info in enumerate(members, start=1):
                suffix = PurePosixPath(info.filename).suffix.lower()[:10]
                target = target_dir / f"anggota-{index:04d}{suffix}"
                with zipped.open(info) as source, target.open("wb") as sink:
                    written = 0
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > info.file_size or total > limits.max_total_bytes:
                            raise UnsafeArchiveError("too-large", info.filename)
                        sink.write(chunk)
                extracted.append((info.filename, target))
            return extracted
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise UnsafeArchiveError("corrupt", str(error)) from error


def _check(members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(members) > limits.max_members:
        raise UnsafeArchiveError("too-many", str(len(members)))
    for info in members:
        if _is_unsafe_path(info.filename):
            raise UnsafeArchiveError("unsafe-path", info.filename)
        if info.flag_bits & 0x1:
            raise UnsafeArchiveError("encrypted", info.filename)
        if info.file_size > _CHUNK and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnsafeArchiveError("ratio", info.filename)
    if sum(info.file_size for info in members) > limits.max_total_bytes:
        raise UnsafeArchiveError("too-large", "")
