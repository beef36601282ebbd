"""CKAN's search syntax: ``q`` and every ``fq`` parsed into one query tree, with Solr's meaning.

Parsing is luqum's (a Lucene-syntax grammar); meaning is Lucene's classic query parser as CKAN
drives it: ``q.op=AND``, clauses flagged left to right (``a OR b`` makes both optional, a
``+``/``-``/``NOT`` marks one required or excluded, optional clauses count only where nothing is
required), ``field:(…)`` groups, ``[a TO b]``/``{a TO b}`` ranges with Solr date math, phrases,
wildcards. A ``q`` without a colon goes to dismax instead, as CKAN sends it: words and phrases
over the text, ``+``/``-`` signs, operators ignored, and the minimum match ``2<-1 5<80%``.
:func:`package_search_filters` builds the filters exactly as CKAN 2.12's ``package_search`` does
(string concatenation included, which makes ``organization:a OR organization:b`` optional next
to the ``+capacity:public`` it prepends, in CKAN too); who may see what is not part of it:
:mod:`ppid.catalogue.search` applies that outside every tree, as CKAN's permission labels are.
What the embedded catalogue cannot answer (regular expressions, fuzzy and proximity matches,
wildcards other than a trailing ``*`` on text, local parameters) is a :class:`SearchError`,
which the API answers with 409 like a Solr syntax error.

Why luqum and not tantivy, measured on 2026-12-06 at 100,000 generated datasets
(``bench/search_choice.py``, figures in bench/README.md): the embedded search (this tree over the
bitset index, facets and the page's pks) costs 4.2 ms of CPU at p50 for a faceted query, out of
10.9 ms for the whole ``package_search`` in process (the rest is reading and dictizing the page's
20 datasets, which tantivy would not remove); luqum adds 0.14 ms per ``fq``. tantivy 0.27 indexed
the same datasets in 3.4 s and counted three facets in 0.4 ms, so it could save about 4 ms a
search, at the price of a second store beside the database that every write, rollback and server
process must keep in step; and its query parser found 0 datasets for ``pend*`` and
``tags:ke?ehatan`` and refused ``metadata_modified:[NOW-1DAY TO NOW]``: no date math, no
wildcards, no Lucene optional clauses, so a translation from CKAN's syntax was needed all the same.
"""

from __future__ import annotations

import calendar
import math
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from ckanapi.errors import SearchError
from luqum import tree
from luqum.exceptions import IllegalCharacterError, ParseError
from luqum.parser import parser

Occur = Literal["must", "should", "not"]
Kind = Literal["term", "phrase", "wildcard", "any"]

#: CKAN's default search field and the fields dismax searches (all inside ``text`` here).
DEFAULT_FIELD = "text"
#: Fields no query may name: Solr's own, or CKAN's ways round its query parser.
FORBIDDEN_FIELDS = {"_query_", "_val_"}
#: luqum's parser and lexer are ply objects holding the text being parsed: one parse at a time.
_PARSING = threading.Lock()


class Node:
    """A node of the query tree."""


@dataclass(frozen=True)
class MatchAll(Node):
    """``*:*``: every dataset."""


@dataclass(frozen=True)
class Term(Node):
    """``field:value``. ``words`` for a term or a phrase; ``pattern`` (a regular expression over the
    whole value) and ``prefix`` (the text before a trailing ``*``, or None) for a wildcard."""

    field: str
    kind: Kind
    value: str
    pattern: str = ""
    prefix: str | None = None


@dataclass(frozen=True)
class Range(Node):
    """``field:[low TO high]``; None is an open end (``*``)."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Bool(Node):
    """Lucene's boolean query: every ``must``, no ``not``, and when nothing is required, one ``should``."""

    clauses: tuple[tuple[Occur, Node], ...]


@dataclass(frozen=True)
class AtLeast(Node):
    """Dismax's minimum match: at least ``minimum`` of ``nodes``."""

    minimum: int
    nodes: tuple[Node, ...]


def parse_q(q: str) -> Node:
    """CKAN's ``q``: empty is everything, a colon makes it Lucene syntax, anything else is dismax."""
    q = q.strip()
    if q in {"", '""', "''", "*:*"}:
        return MatchAll()
    return parse_lucene(q) if ":" in q else parse_dismax(q)


def parse_lucene(text: str, field: str = DEFAULT_FIELD) -> Node:
    """Lucene syntax (``fq``, or a ``q`` with a colon) as a tree; a :class:`SearchError` when unreadable."""
    text = text.strip()
    if not text:
        return MatchAll()
    if text.startswith("{!"):
        raise SearchError("Local parameters are not supported.")
    try:
        with _PARSING:
            parsed = parser.parse(text)
    except (ParseError, IllegalCharacterError) as error:
        raise SearchError(f"Cannot parse the query {text!r}: {error}") from error
    return _boolean(parsed, field)


def parse_dismax(text: str) -> Node:
    """Dismax, as CKAN sends free text: never a syntax error, operators dropped, mm ``2<-1 5<80%``."""
    clauses: list[tuple[Occur, Node]] = []
    optional: list[Node] = []
    for sign, raw, phrase in re.findall(r'([+-]?)("([^"]*)"?|\S+)', text):
        word = raw if phrase == "" and not raw.startswith('"') else phrase
        if word in {"AND", "OR", "NOT", "&&", "||"}:
            continue
        node = _text_term(DEFAULT_FIELD, word, quoted=raw.startswith('"'))
        if sign == "+":
            clauses.append(("must", node))
        elif sign == "-":
            clauses.append(("not", node))
        else:
            optional.append(node)
    if optional:
        clauses.append(
            ("must", optional[0] if len(optional) == 1 else AtLeast(minimum_match(len(optional)), tuple(optional)))
        )
    if len(clauses) == 1 and clauses[0][0] == "must":
        return clauses[0][1]
    return Bool(tuple(clauses)) if clauses else MatchAll()


def minimum_match(optional: int) -> int:
    """CKAN's ``mm=2<-1 5<80%``: up to two words all, up to five all but one, beyond that 80 %."""
    if optional <= 2:
        return optional
    return optional - 1 if optional <= 5 else math.floor(optional * 0.8)


def package_search_filters(
    fq: str, fq_list: list[str], *, include_private: bool, include_drafts: bool, include_deleted: bool
) -> list[Node]:
    """The filters CKAN 2.12's ``package_search`` sends to Solr, parsed: its own string building kept.

    ``+capacity:public`` is put in front of ``fq`` unless private datasets are asked for, and
    ``+state:(active …)`` after it unless ``fq`` already says ``+state``.
    """
    combined = fq if include_private else f"+capacity:public {fq}"
    if "+state" not in combined:
        states = ["active", *(["draft"] if include_drafts else []), *(["deleted"] if include_deleted else [])]
        combined += f" +state:({' OR '.join(states)})"
    return [parse_lucene(combined), *(parse_lucene(item) for item in fq_list if item.strip())]


# -- from luqum's tree ----------------------------------------------------------------------------


_CONJUNCTIONS: dict[type, str | None] = {tree.AndOperation: "AND", tree.OrOperation: "OR", tree.UnknownOperation: None}


def _sequence(node: tree.Item) -> list[list[object]]:
    """Back to the order the clauses were written in, as [conjunction, modifier, item]: luqum nests
    by precedence, Lucene reads left to right, so the tree is flattened before flags are set."""
    conjunction = _CONJUNCTIONS.get(type(node), "none")
    if conjunction != "none":
        found: list[list[object]] = []
        for position, child in enumerate(node.children):
            part = _sequence(child)
            if position and part:
                part[0][0] = conjunction
            found += part
        return found
    if isinstance(node, tree.Plus):
        return [[None, "+", node.a]]
    if isinstance(node, tree.Prohibit | tree.Not):
        return [[None, "-", node.a]]
    if isinstance(node, tree.Word) and node.value.startswith("!") and len(node.value) > 1:  # Solr's ! is NOT
        return [[None, "-", tree.Word(node.value[1:])]]
    if isinstance(node, tree.SearchField) and node.name.startswith("!") and len(node.name) > 1:
        return [[None, "-", tree.SearchField(node.name[1:], node.expr)]]
    return [[None, None, node]]


def _boolean(node: tree.Item, field: str) -> Node:
    """Lucene's ``addClause`` with ``q.op=AND``: AND makes the clause before required, OR makes an
    unsigned one optional; an unsigned clause is required unless OR introduces it."""
    clauses: list[list[object]] = []  # [occur, node, signed]
    pending: str | None = None
    for conjunction, modifier, item in _sequence(node):
        if isinstance(item, tree.Word) and item.value in {"&&", "||"} and modifier is None:
            pending = "AND" if item.value == "&&" else "OR"
            continue
        conjunction = conjunction or pending
        pending = None
        if clauses and conjunction == "AND" and clauses[-1][0] != "not":
            clauses[-1][0] = "must"
        if clauses and conjunction == "OR" and not clauses[-1][2]:
            clauses[-1][0] = "should"
        if modifier is not None:
            occur = "must" if modifier == "+" else "not"
        else:
            occur = "should" if conjunction == "OR" else "must"
        clauses.append([occur, _clause(item, field), modifier is not None])
    if len(clauses) == 1 and clauses[0][0] != "not":
        return clauses[0][1]  # type: ignore[return-value]
    return Bool(tuple((occur, child) for occur, child, _signed in clauses))  # type: ignore[misc]


def _clause(item: tree.Item, field: str) -> Node:
    if isinstance(item, tree.Boost):  # boosts change scores only
        return _clause(item.expr, field)
    if isinstance(item, tree.SearchField):
        name = item.name
        if name in FORBIDDEN_FIELDS or name.startswith("{!"):
            raise SearchError(f"The field {name!r} is not supported.")
        if name == "*":
            if isinstance(item.expr, tree.Word) and item.expr.value == "*":
                return MatchAll()
            raise SearchError("Only *:* may search every field.")
        return _clause(item.expr, _unescape(name))
    if isinstance(item, tree.Group | tree.FieldGroup):
        return _boolean(item.expr, field)
    if isinstance(item, tree.Word):
        return _word(field, item.value)
    if isinstance(item, tree.Phrase):
        return _text_term(field, _unescape(item.value[1:-1]), quoted=True)
    if isinstance(item, tree.Range):
        return Range(field, _bound(item.low), _bound(item.high), item.include_low, item.include_high)
    if isinstance(item, tree.From):
        return Range(field, _bound(item.a), None, item.include, True)
    if isinstance(item, tree.To):
        return Range(field, None, _bound(item.a), True, item.include)
    what = {tree.Fuzzy: "Fuzzy matches", tree.Proximity: "Proximity matches", tree.Regex: "Regular expressions"}
    raise SearchError(f"{what.get(type(item), type(item).__name__)} are not supported: {item}")


def _word(field: str, raw: str) -> Node:
    if raw == "*":
        return MatchAll() if field == DEFAULT_FIELD else Term(field, "any", "*")
    if re.search(r"(?<!\\)[*?]", raw):
        pattern = "".join(
            ".*" if part == "*" else "." if part == "?" else re.escape(part[-1])
            for part in re.findall(r"\\.|.", raw, flags=re.DOTALL)
        )
        prefix = _unescape(raw[:-1]) if raw.endswith("*") and not re.search(r"(?<!\\)[*?]", raw[:-1]) else None
        return Term(field, "wildcard", _unescape(raw), pattern=pattern, prefix=prefix)
    return Term(field, "term", _unescape(raw))


def _text_term(field: str, value: str, *, quoted: bool) -> Node:
    """A dismax word or a quoted value: a phrase when it has several words, as Solr analyses it."""
    if not quoted:
        return _word(field, value)
    return Term(field, "phrase" if " " in value.strip() else "term", value)


def _bound(item: tree.Item) -> str | None:
    value = item.value[1:-1] if isinstance(item, tree.Phrase) else _unescape(item.value)
    return None if value == "*" else value


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


# -- Solr date math -------------------------------------------------------------------------------


_UNITS = {
    "YEAR": "year", "YEARS": "year", "MONTH": "month", "MONTHS": "month", "DAY": "day", "DAYS": "day",
    "DATE": "day", "HOUR": "hour", "HOURS": "hour", "MINUTE": "minute", "MINUTES": "minute",
    "SECOND": "second", "SECONDS": "second", "MILLI": "millisecond", "MILLIS": "millisecond",
    "MILLISECOND": "millisecond", "MILLISECONDS": "millisecond",
}  # fmt: skip
_ANCHOR = re.compile(r"NOW|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")
_STEP = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")


def solr_date(value: str, now: datetime | None = None) -> datetime:
    """``NOW``, ``NOW/DAY-1DAY``, ``2024-01-31T00:00:00Z+1MONTH``: Solr's date math, in UTC."""
    anchor = _ANCHOR.match(value)
    if anchor is None:
        raise SearchError(f"Invalid date {value!r}: Solr dates look like 2024-01-31T00:00:00Z or NOW-1DAY")
    if anchor.group() == "NOW":
        moment = now or datetime.now(UTC)
    else:
        moment = datetime.fromisoformat(anchor.group().replace("Z", "+00:00"))
    position = anchor.end()
    while position < len(value):
        step = _STEP.match(value, position)
        unit = step and _UNITS.get(step.group(3) or step.group(4))
        if step is None or unit is None:
            raise SearchError(f"Invalid date math in {value!r} at {value[position:]!r}")
        if step.group(4):
            moment = _round_down(moment, unit)
        else:
            moment = _add(moment, int(step.group(2)) * (1 if step.group(1) == "+" else -1), unit)
        position = step.end()
    return moment


def _add(moment: datetime, amount: int, unit: str) -> datetime:
    if unit in {"year", "month"}:
        months = moment.month - 1 + amount * (12 if unit == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
    return moment + timedelta(**{f"{unit}s": amount})


def _round_down(moment: datetime, unit: str) -> datetime:
    order = ["year", "month", "day", "hour", "minute", "second", "millisecond"]
    kept = order.index(unit)
    cleared = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0}
    replaced = {name: cleared[name] for name in order[kept + 1 :] if name in cleared}
    microsecond = (moment.microsecond // 1000) * 1000 if unit == "millisecond" else 0
    return moment.replace(**replaced, microsecond=microsecond)
