"""Deterministic names: the same dinas and rule always give the same dataset, whatever the database remembers.

Namespacing by dinas means two dinas publishing the same title never collide, and a lost local
state never creates a duplicate: the next run finds the dataset by its name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from ppid.registry import Rule

MAX_NAME = 100


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def dataset_name_for(dinas_slug: str, rule: Rule, source_metadata: Mapping[str, Any] | None = None) -> str:
    metadata = rule.metadata_for(source_metadata)
    base = slugify(metadata.get("name") or metadata.get("title") or "") or "dataset"
    name = f"{dinas_slug}-{base}"
    if len(name) <= MAX_NAME:
        return name
    suffix = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_NAME - 9].rstrip('-')}-{suffix}"


def safe_filename(name: str) -> str:
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix.lower()
    return f"{slugify(stem)[:120] or 'berkas'}{re.sub(r'[^a-z0-9.]', '', suffix)[:10]}"


def storage_key_for(dinas_slug: str, sha256: str, name: str) -> str:
    """Content-addressed: identical bytes are stored once, and a re-run never writes a second copy."""
    return f"berkas/{dinas_slug}/{sha256[:2]}/{sha256}/{safe_filename(name)}"


def file_label(key: str, name: str) -> str:
    """How a file is named to people: its key when the key ends in the file's name (a path in a folder, an address),
    else the name it was published under. An uploaded file corrected under another name keeps its first upload's
    name as its stable key (``penduduk-miskin-messy.csv``); readers must see the file that was published
    (``penduduk-miskin-fixed.csv``), as the catalogue does."""
    return key if unquote(PurePosixPath(urlsplit(key).path).name) == name else name
