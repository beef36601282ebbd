"""The path language of ``package_revise``: ``__``-joined keys into a dataset dict.

A part is a dict key, a list index (negative counts from the end) or, in a list of dicts, the start of an
item's ``id``; ``extend`` as the last part appends to a list, ``*`` in a filter means a whole level.
"""

from __future__ import annotations

from typing import Any

from ckanapi.errors import ValidationError

SEPARATOR = "__"
_MISSING = object()


def unmatched(current: Any, expected: Any, path: tuple[str, ...] = ()) -> list[str]:
    """The paths where ``current`` differs from ``expected``: dicts compare the keys given, lists the items given
    (by position), anything else by equality."""
    if isinstance(expected, dict):
        if not isinstance(current, dict):
            return [SEPARATOR.join(path)]
        pairs = [(key, current.get(key, _MISSING), expected[key]) for key in sorted(expected)]
    elif isinstance(expected, list):
        if not isinstance(current, list):
            return [SEPARATOR.join(path)]
        pairs = [(str(i), current[i] if i < len(current) else _MISSING, item) for i, item in enumerate(expected)]
    else:
        return [] if current == expected else [SEPARATOR.join(path)]
    return [
        problem
        for key, have, want in pairs
        for problem in ([SEPARATOR.join((*path, key))] if have is _MISSING else unmatched(have, want, (*path, key)))
    ]


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
        merge(data, {last: value}, tuple(parents))
    else:
        index = _index(data, last, path)
        if isinstance(data[index], dict | list):
            merge(data[index], value, (*parents, last))
        else:
            data[index] = value


def merge(target: Any, update: Any, path: tuple[str, ...] = ()) -> None:
    """Dicts merge key by key, lists item by item (longer updates append), anything else is replaced."""
    if isinstance(target, dict) != isinstance(update, dict) or isinstance(target, list) != isinstance(update, list):
        kind = "dict" if isinstance(target, dict) else "list"
        raise ValidationError({"update": [f"Expected {kind} for {SEPARATOR.join(path)}"]})
    items = update.items() if isinstance(update, dict) else enumerate(update)
    for key, value in items:
        if isinstance(target, list) and key >= len(target):
            target.append(value)
        elif isinstance(target, dict) and key not in target:
            target[key] = value
        elif isinstance(target[key], dict | list):
            merge(target[key], value, (*path, str(key)))
        else:
            target[key] = value


def filter_paths(data: dict[str, Any], patterns: list[Any]) -> None:
    """Drop what ``-pattern`` (or a bare pattern) names and keep what ``+pattern`` names, as CKAN does: a part is
    a key, an index or id prefix, or ``*`` for a whole level (deeper parts then ignored); a kept dict key always
    survives, in a list the first pattern naming an item decides."""
    _filter(data, [(str(p).startswith("+"), str(p).lstrip("+-").split(SEPARATOR)) for p in patterns])


def _filter(data: Any, rules: list[tuple[bool, list[str]]]) -> None:
    if isinstance(data, dict):
        slots: list[Any] = list(data)
    elif isinstance(data, list):
        slots = list(range(len(data)))
    else:
        return
    keep: set[Any] = set()
    drop: set[Any] = set()
    deeper: dict[Any, list[tuple[bool, list[str]]]] = {}
    for protect, parts in rules:
        if parts[0] == "*":
            targets, nested = slots, False
        else:
            slot = _slot(data, parts[0])
            if slot is None:
                continue
            targets, nested = [slot], len(parts) > 1
        for slot in targets:
            if nested:
                deeper.setdefault(slot, []).append((protect, parts[1:]))
            elif isinstance(data, dict) or slot not in keep | drop:
                (keep if protect else drop).add(slot)
    gone = drop - keep
    for slot, nested_rules in deeper.items():
        if slot not in gone:
            _filter(data[slot], nested_rules)
    if isinstance(data, dict):
        for slot in gone:
            del data[slot]
    else:
        data[:] = [item for index, item in enumerate(data) if index not in gone]


def _slot(data: dict[str, Any] | list[Any], part: str) -> Any:
    if isinstance(data, dict):
        return part if part in data else None
    try:
        return _index(data, part, part) % len(data)
    except ValidationError:
        return None


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
