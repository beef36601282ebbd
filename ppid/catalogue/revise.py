"""The path language of ``package_revise``: ``__``-joined keys into a dataset dict.

A part is a dict key, a list index (negative counts from the end) or, in a list of dicts, the start (five
characters or more) of an item's ``id``; ``extend`` as the last part appends to a list, and ``*`` in a
filter means a whole level. Errors are :class:`DataError`; the action turns them into CKAN's
``ValidationError`` under the key CKAN uses.
"""

from __future__ import annotations

from typing import Any

SEPARATOR = "__"
ID_PREFIX_MIN = 5
_MISSING = object()


class DataError(ValueError):
    """A path that leads nowhere, or an update of the wrong type; the message is CKAN's."""


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


def unmatched_path(data: Any, path: str, expected: Any) -> list[str]:
    """``match__<path>``: the path itself when it leads nowhere, else where its value differs."""
    try:
        current, _walked = _walk(data, path.split(SEPARATOR))
    except DataError:
        return [path]
    return unmatched(current, expected, tuple(path.split(SEPARATOR)))


def set_path(data: Any, path: str, value: Any) -> None:
    """``update__<path>``: merge ``value`` in there or, with a final ``extend``, append ``value``'s items."""
    *parents, last = path.split(SEPARATOR)
    data, walked = _walk(data, parents)
    if isinstance(data, list) and last == "extend":
        if not isinstance(value, list):
            raise DataError(f"Expected list for {SEPARATOR.join(walked)}")
        data.extend(value)
    elif isinstance(data, dict):
        merge(data, {last: value}, walked)
    elif isinstance(data, list):
        index = _index(data, last, walked)
        if isinstance(data[index], dict | list):
            merge(data[index], value, (*walked, str(index)))
        else:
            data[index] = value
    else:
        raise DataError(f"Expected list or dict for {SEPARATOR.join(walked)}")


def merge(target: Any, update: Any, path: tuple[str, ...] = ()) -> None:
    """Dicts merge key by key, lists item by item (longer updates append), anything else is replaced."""
    for kind, name in ((dict, "dict"), (list, "list")):
        if isinstance(target, kind) and not isinstance(update, kind):
            raise DataError(f"Expected {name} for {SEPARATOR.join(path)}")
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
        return _index(data, part, ()) % len(data)
    except DataError:
        return None


def _walk(data: Any, parts: list[str]) -> tuple[Any, tuple[str, ...]]:
    walked: tuple[str, ...] = ()
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list):
            data = data[_index(data, part, walked)]
        else:
            raise DataError(f"Unmatched key {SEPARATOR.join((*walked, part))}")
        walked = (*walked, part)
    return data, walked


def _index(data: list[Any], part: str, walked: tuple[str, ...]) -> int:
    """Five characters or more are the start of an item's id (the first that matches), as in CKAN, so that an id
    starting with digits is not read as an index; shorter parts are indexes."""
    index: int | None = None
    if len(part) >= ID_PREFIX_MIN:
        ids = (str(item.get("id", "")) if isinstance(item, dict) else "" for item in data)
        index = next((i for i, item_id in enumerate(ids) if item_id.startswith(part)), None)
    elif part.lstrip("-").isdigit() and -len(data) <= int(part) < len(data):
        index = int(part)
    if index is None:
        raise DataError(f"Unmatched key {SEPARATOR.join((*walked, part))}")
    return index
