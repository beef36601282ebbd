"""The path language of ``package_revise``: ``__``-joined keys into a dataset dict.

A part is a dict key (glob patterns allowed when filtering), a list index (negative counts from the end)
or, in a list of dicts, the start of an item's ``id``; ``extend`` as the last part appends to a list.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from ckanapi.errors import ValidationError

SEPARATOR = "__"


def unmatched(current: Any, expected: Any, path: tuple[str, ...] = ()) -> list[str]:
    """The paths where ``current`` differs from the (partial) ``expected``."""
    if isinstance(expected, dict) and isinstance(current, dict):
        return [
            problem
            for key, value in expected.items()
            for problem in (
                unmatched(current[key], value, (*path, key)) if key in current else [SEPARATOR.join((*path, key))]
            )
        ]
    if isinstance(expected, list) and isinstance(current, list) and len(expected) == len(current):
        return [
            p for i, (c, e) in enumerate(zip(current, expected, strict=True)) for p in unmatched(c, e, (*path, str(i)))
        ]
    return [] if current == expected else [SEPARATOR.join(path)]


def get_path(data: Any, path: str) -> Any:
    for part in path.split(SEPARATOR):
        data = _child(data, part, path)
    return data


def set_path(data: Any, path: str, value: Any) -> None:
    """``update__<path>``: set (merging dicts) or, with a final ``extend``, append ``value``'s items."""
    *parents, last = path.split(SEPARATOR)
    for part in parents:
        data = _child(data, part, path)
    if last == "extend":
        if not isinstance(data, list) or not isinstance(value, list):
            raise ValidationError({f"update__{path}": ["Only lists may be extended"]})
        data.extend(value)
    elif isinstance(data, dict):
        if isinstance(data.get(last), dict) and isinstance(value, dict):
            merge(data[last], value)
        else:
            data[last] = value
    else:
        index = _index(data, last, path)
        if isinstance(data[index], dict) and isinstance(value, dict):
            merge(data[index], value)
        else:
            data[index] = value


def merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Dicts merge key by key; anything else (lists too) replaces what was there."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value


def filter_paths(data: dict[str, Any], patterns: list[Any]) -> None:
    """Drop what ``-pattern`` (or a bare pattern) names, except what an earlier ``+pattern`` kept."""
    kept: set[tuple[str, ...]] = set()
    for raw in patterns:
        pattern = str(raw)
        keep = pattern.startswith("+")
        parts = pattern.lstrip("+-").split(SEPARATOR)
        for found in _matches(data, parts, ()):
            if keep:
                kept.update(found[:end] for end in range(1, len(found) + 1))
            elif found not in kept:
                _remove(data, found)


def _matches(data: Any, parts: list[str], path: tuple[str, ...]) -> list[tuple[str, ...]]:
    if not parts:
        return [path]
    head, rest = parts[0], parts[1:]
    if isinstance(data, dict):
        keys = [key for key in data if fnmatch.fnmatchcase(str(key), head)]
    elif isinstance(data, list):
        keys = [str(i) for i in range(len(data)) if fnmatch.fnmatchcase(str(i), head)]
    else:
        return []
    return [found for key in keys for found in _matches(_child(data, key, head), rest, (*path, key))]


def _remove(data: Any, path: tuple[str, ...]) -> None:
    for part in path[:-1]:
        data = _child(data, part, SEPARATOR.join(path))
    if isinstance(data, dict):
        data.pop(path[-1], None)
    else:
        data[int(path[-1])] = None
        while None in data:
            data.remove(None)


def _child(data: Any, part: str, path: str) -> Any:
    if isinstance(data, dict):
        if part not in data:
            raise ValidationError({path: ["There is no such key"]})
        return data[part]
    if isinstance(data, list):
        return data[_index(data, part, path)]
    raise ValidationError({path: ["There is no such key"]})


def _index(data: list[Any], part: str, path: str) -> int:
    try:
        index = int(part)
    except ValueError:
        found = [
            i for i, item in enumerate(data) if isinstance(item, dict) and str(item.get("id", "")).startswith(part)
        ]
        if len(found) != 1:
            raise ValidationError({path: [f"No single item with an id starting with {part}"]}) from None
        return found[0]
    if not -len(data) <= index < len(data):
        raise ValidationError({path: ["Index out of range"]})
    return index
