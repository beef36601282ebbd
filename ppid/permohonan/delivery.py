"""Handing over the information itself: files the PPID attaches when it closes a granted request.

UU KIP Pasal 22(7) f and the requester's chosen way of receiving a copy (e-mail, download) mean the
answer is often a file. The officer attaches it when closing with "informasi diserahkan"; it is kept
through :mod:`ppid.storage` under a random key, streamed in (bounded memory, size limit, type checked
by content), and only the requester (the secret of a tracking link) and the officers of the dinas
can download it. The event that closes the request lists each file with its SHA-256, so the
hash-chained log proves which bytes were handed over.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from ppid.i18n import _
from ppid.permohonan.documents import safe_name
from ppid.storage import Storage

MAX_BYTES = 50 * 1024 * 1024
KEY_PREFIX = "permohonan/informasi/"
HEAD_BYTES = 8192
BINARY_SIGNATURES = (b"%PDF-", b"PK\x03\x04", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
"""PDF; ZIP and the office formats built on it (DOCX, XLSX, ODS, ODT); JPEG; PNG."""
TEXT_EXTENSIONS = (".csv", ".txt", ".json")


class DeliveryError(ValueError):
    """A file that cannot be handed over; the message says what to do."""


@dataclass(frozen=True)
class AnswerFile:
    filename: str
    stream: IO[bytes]


def store(storage: Storage, answer: AnswerFile) -> dict[str, Any]:
    """Check and store one file; returns the reference kept in the closing event's payload."""
    name = safe_name(answer.filename, "informasi")
    head = answer.stream.read(HEAD_BYTES)
    if not head:
        raise DeliveryError(_("Berkas %(name)s kosong.", name=name))
    if not _acceptable(name, head):
        raise DeliveryError(
            _("Berkas %(name)s tidak dapat diserahkan: gunakan PDF, DOCX, XLSX, ODS, ODT, ZIP, JPEG, PNG, CSV, "
              "TXT atau JSON (isi berkas diperiksa, bukan namanya).", name=name)
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    stored = storage.put(key, _Limited(head, answer.stream, name), content_type="application/octet-stream")
    return {"nama_berkas": name, "kunci": stored.key, "ukuran": stored.size, "sha256": stored.sha256}


def _acceptable(name: str, head: bytes) -> bool:
    if head.startswith(BINARY_SIGNATURES):
        return True
    if not name.lower().endswith(TEXT_EXTENSIONS) or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a multi-byte character cut at the end of the head is fine
        return error.start >= len(head) - 3
    return True


class _Limited:
    """The head already read, then the rest of the stream; refuses to go past :data:`MAX_BYTES`."""

    def __init__(self, head: bytes, rest: IO[bytes], name: str) -> None:
        self._chunks = self._read(head, rest)
        self._name = name
        self._buffer = b""

    def _read(self, head: bytes, rest: IO[bytes]) -> Iterator[bytes]:
        yield head
        total = len(head)
        while chunk := rest.read(1024 * 1024):
            total += len(chunk)
            if total > MAX_BYTES:
                raise DeliveryError(_("Berkas %(name)s terlalu besar: paling besar 50 MB. Kirim lewat tautan atau "
                                      "bagi menjadi beberapa berkas.", name=self._name))
            yield chunk

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

