"""Matching a file's column titles to a schema's fields.

Dinas write the same column many ways (`KODE_KEC`, `Kode Kec.`, `kode kec`); the schemas list these
spellings under ``"ppid": {"header_aliases": {field: [...]}}``. One normalisation is used everywhere
(sniffing, validation and schema suggestion), as described in ``schemas/README.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_NON_ALNUM = re.compile(r"[\W_]+")


def normalise_header(label: str) -> str:
    """Lower-case, read ``%`` as ``persen``, turn every run of other punctuation/space into one space."""
    return _NON_ALNUM.sub(" ", label.lower().replace("%", " persen ")).strip()


def header_keys(schema: Mapping[str, Any]) -> dict[str, str]:
    """Every normalised spelling (name, title, aliases) of every field, pointing at the field name."""
    aliases = (schema.get("ppid") or {}).get("header_aliases") or {}
    keys: dict[str, str] = {}
    for spec in schema.get("fields", []):
        name = spec["name"]
        for spelling in (name, spec.get("title") or "", *aliases.get(name, [])):
            key = normalise_header(spelling)
            if key:
                keys.setdefault(key, name)
    return keys


@dataclass
class HeaderMatch:
    """How the labels of one header row map onto a schema: one entry per file column, in file order."""

    fields: list[str | None]
    """The schema field read from each column, or None (extra column, blank title or a repeat)."""
    renamed: list[tuple[int, str, str]] = field(default_factory=list)
    """(column number, label, field) for columns recognised under another spelling than the field name."""
    extra: list[tuple[int, str]] = field(default_factory=list)
    """(column number, label) of titled columns that match no field."""
    blank: list[int] = field(default_factory=list)
    """Column numbers with an empty title."""
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    """Field name → every column number that maps to it, when more than one does."""
    missing: list[str] = field(default_factory=list)
    """Schema fields no column maps to, in schema order."""


def match_header(labels: Sequence[str | None], schema: Mapping[str, Any]) -> HeaderMatch:
    """Map labels to fields by name, title or alias; order is free, as officers reorder columns."""
    keys = header_keys(schema)
    match = HeaderMatch(fields=[])
    positions: dict[str, list[int]] = {}
    for number, raw in enumerate(labels, start=1):
        label = (raw or "").strip()
        name = keys.get(normalise_header(label)) if label else None
        if not label:
            match.blank.append(number)
        elif name is None:
            match.extra.append((number, label))
        else:
            positions.setdefault(name, []).append(number)
            if len(positions[name]) == 1 and label != name:
                match.renamed.append((number, label, name))
        first = name is not None and positions[name][0] == number
        match.fields.append(name if first else None)
    match.duplicates = {name: numbers for name, numbers in positions.items() if len(numbers) > 1}
    match.missing = [spec["name"] for spec in schema.get("fields", []) if spec["name"] not in positions]
    return match
