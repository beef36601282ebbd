"""Finding Table Schemas by name in the schemas folder, and guessing which one a file is meant for."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppid.i18n import _
from ppid.validation.headers import header_keys, normalise_header

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class SchemaNotFoundError(LookupError):
    """The named schema does not exist; the message lists the ones that do."""


def list_schemas(schemas_dir: Path) -> list[str]:
    """Schema names (file names without ``.json``) directly in ``schemas_dir``; sub-folders hold parts, not schemas."""
    return sorted(path.stem for path in schemas_dir.glob("*.json") if _NAME.match(path.stem))


def load_schema(schemas_dir: Path, name: str) -> dict[str, Any]:
    """The schema descriptor called ``name``; the name is checked so it cannot point outside the folder."""
    path = schemas_dir / f"{name}.json"
    if not _NAME.match(name) or not path.is_file():
        raise SchemaNotFoundError(
            _("Skema `%(nama)s` tidak ada. Skema yang tersedia: %(daftar)s", nama=name,
              daftar=", ".join(list_schemas(schemas_dir)) or "-")
        )
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


@dataclass(frozen=True)
class SchemaSuggestion:
    """One candidate schema for a header row, with what matched and what did not."""

    name: str
    score: float
    """Dice coefficient of matched columns: 2 × matched / (schema fields + file columns), from 0 to 1."""
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]


def suggest_schema(headers: Iterable[str | None], schemas: Mapping[str, Mapping[str, Any]]) -> list[SchemaSuggestion]:
    """Schemas ranked by how well ``headers`` match their fields (names, titles, aliases); none that match nothing."""
    labels = [label.strip() for label in headers if label and label.strip()]
    suggestions = []
    for name, schema in schemas.items():
        keys = header_keys(schema)
        matched: dict[str, None] = {}
        extra = []
        for label in labels:
            field_name = keys.get(normalise_header(label))
            if field_name is None:
                extra.append(label)
            else:
                matched.setdefault(field_name)
        if not matched:
            continue
        field_names = [spec["name"] for spec in schema.get("fields", [])]
        score = 2 * len(matched) / (len(field_names) + len(labels))
        suggestions.append(SchemaSuggestion(
            name=name, score=round(score, 3), matched=tuple(matched),
            missing=tuple(f for f in field_names if f not in matched), extra=tuple(extra),
        ))
    return sorted(suggestions, key=lambda s: (-s.score, -len(s.matched), s.name))
