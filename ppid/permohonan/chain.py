"""The hash chain over the request log: each event seals its content together with the previous event's hash.

Events are already append-only (ORM guard and database triggers), but someone with direct database access
can drop a trigger. The chain makes such a change visible afterwards: editing, removing or inserting an
event breaks the link at that point, and ``ppid audit verify`` names it. Record the head hash it prints
somewhere outside the database (the annual report, a signed letter) to detect a rewrite of the whole chain.

No ORM here, so the migration that seals existing events uses exactly this function too.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event ever written."""


REQUEST_FACTS = ("number", "received_at", "channel", "requester_type", "information_requested", "purpose",
                 "access_method", "copy_format", "delivery_method")
"""The columns of a request fixed at filing; sealed into each of its events, so backdating a request's
receipt (which would move its deadlines) or rewriting what was asked breaks the chain too."""


def request_facts(row: Any) -> dict[str, Any]:
    """:data:`REQUEST_FACTS` of a request (an ORM object or a result row), in a spelling that survives a reload."""
    facts = {}
    for name in REQUEST_FACTS:
        value = getattr(row, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        facts[name] = None if value is None else str(value)
    return facts


def canonical(
    *, document: dict[str, Any], sequence: int, kind: str, at: datetime, actor_user_id: int | None, actor_name: str,
    dinas_slug: str | None, payload: dict[str, Any], prev_hash: str,
) -> bytes:
    """Who, when, what, which request (its filing facts) and the previous hash, as JSON with one spelling only."""
    content = {
        "dokumen": document,
        "urutan": sequence,
        "jenis": kind,
        "waktu": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "pelaku": {"id": actor_user_id, "nama": actor_name},
        "dinas": dinas_slug,
        "isi": payload,
        "sebelumnya": prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(**fields: Any) -> str:
    """The SHA-256 (hex) of :func:`canonical`."""
    return hashlib.sha256(canonical(**fields)).hexdigest()


def seal_parts(**fields: Any) -> tuple[bytes, bytes]:
    """:func:`canonical` of an event whose previous hash only the database knows yet, as the bytes before and after
    that hash: SHA-256 of ``before + previous + after`` is :func:`seal`. A filing on PostgreSQL has the database
    finish the seal in the statement that reads the tail and writes the event (one round trip fewer while the
    chain's lock is held)."""
    stand_in = secrets.token_hex(32)  # a random 64-digit hash: it occurs only where it was put
    before, _found, after = canonical(**fields, prev_hash=stand_in).partition(stand_in.encode("ascii"))
    return before, after
