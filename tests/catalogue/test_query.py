"""CKAN's query syntax as a tree: Lucene's clause flags, dismax, CKAN's filter building, Solr date math."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from ckanapi.errors import SearchError

from ppid.catalogue.query import (
    AtLeast,
    Bool,
    MatchAll,
    Range,
    Term,
    package_search_filters,
    parse_dismax,
    parse_lucene,
    parse_q,
    solr_date,
)


def term(field: str, value: str) -> Term:
    return Term(field, "term", value)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("tags:a", term("tags", "a")),
        ("tags:a tags:b", Bool((("must", term("tags", "a")), ("must", term("tags", "b"))))),  # q.op=AND
        ("tags:a OR tags:b", Bool((("should", term("tags", "a")), ("should", term("tags", "b"))))),
        # Lucene reads left to right: OR makes the unsigned clause before it optional, not the signed one
        (
            "+capacity:public organization:a OR organization:b +state:active",
            Bool(
                (
                    ("must", term("capacity", "public")),
                    ("should", term("organization", "a")),
                    ("should", term("organization", "b")),
                    ("must", term("state", "active")),
                )
            ),
        ),
        ("tags:a AND NOT tags:b", Bool((("must", term("tags", "a")), ("not", term("tags", "b"))))),
        ("tags:a && !tags:b", Bool((("must", term("tags", "a")), ("not", term("tags", "b"))))),
        ("-tags:b", Bool((("not", term("tags", "b")),))),
        ("tags:(a OR b)", Bool((("should", term("tags", "a")), ("should", term("tags", "b"))))),
        (
            "(tags:a OR tags:b) AND res_format:CSV",
            Bool(
                (
                    ("must", Bool((("should", term("tags", "a")), ("should", term("tags", "b"))))),
                    ("must", term("res_format", "CSV")),
                )
            ),
        ),
        ('title:"rumah sakit"', Term("title", "phrase", "rumah sakit")),
        ('tags:"air"^2', term("tags", "air")),  # boosts only change scores
        ("pend*", Term("text", "wildcard", "pend*", pattern="pend.*", prefix="pend")),
        ("name:a?-\\*", Term("name", "wildcard", "a?-*", pattern="a.\\-\\*")),
        ("name:foo\\-bar", term("name", "foo-bar")),
        ("tags:*", Term("tags", "any", "*")),
        ("*:*", MatchAll()),
        ("metadata_modified:[NOW-1DAY TO *]", Range("metadata_modified", "NOW-1DAY", None)),
        ("extras_tahun:{2020 TO 2023]", Range("extras_tahun", "2020", "2023", include_low=False)),
    ],
)
def test_lucene_syntax(text: str, tree: object) -> None:
    assert parse_lucene(text) == tree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("organization:dinkes )(", "Cannot parse"),
        ('tags:"unclosed', "Cannot parse"),
        ("tags:(a OR", "Cannot parse"),
        ("title:rumah~2", "Fuzzy matches are not supported"),
        ('title:"rumah sakit"~3', "Proximity matches are not supported"),
        ("name:/da.*/", "Regular expressions are not supported"),
        ("{!lucene}tags:a", "Local parameters"),
        ("_query_:tags", "not supported"),
        ("*:tags", "Only *:*"),
    ],
)
def test_what_cannot_be_answered_is_a_search_error(text: str, message: str) -> None:
    with pytest.raises(SearchError, match=message):
        parse_lucene(text)


def test_q_without_a_colon_is_dismax() -> None:
    assert parse_q("") == parse_q("*:*") == parse_q('""') == MatchAll()
    assert parse_q("pendidikan") == term("text", "pendidikan")
    assert parse_q("tags:a") == term("tags", "a")
    assert parse_dismax("a OR b") == AtLeast(2, (term("text", "a"), term("text", "b")))  # OR is no operator
    assert parse_dismax('+a -b "c d" e f') == Bool(
        (
            ("must", term("text", "a")),
            ("not", term("text", "b")),
            ("must", AtLeast(2, (Term("text", "phrase", "c d"), term("text", "e"), term("text", "f")))),
        )
    )
    assert parse_dismax('kata"aneh ( )') == AtLeast(
        2, (term("text", 'kata"aneh'), term("text", "("), term("text", ")"))
    )


@pytest.mark.parametrize(("optional", "required"), [(2, 2), (3, 2), (5, 4), (6, 4), (10, 8)])
def test_dismax_minimum_match_is_ckans(optional: int, required: int) -> None:
    assert parse_dismax(" ".join(f"w{n}" for n in range(optional))).minimum == required  # type: ignore[attr-defined]


def test_filters_are_built_as_ckan_builds_them() -> None:
    [combined] = package_search_filters(
        "tags:a", [], include_private=False, include_drafts=False, include_deleted=False
    )
    assert combined == parse_lucene("+capacity:public tags:a +state:(active)")

    [combined, listed] = package_search_filters(
        "+state:deleted", ["tags:b"], include_private=True, include_drafts=True, include_deleted=True
    )
    assert combined == parse_lucene("+state:deleted")  # CKAN adds no state of its own then
    assert listed == term("tags", "b")

    [combined] = package_search_filters("", [], include_private=True, include_drafts=True, include_deleted=True)
    assert combined == parse_lucene("+state:(active OR draft OR deleted)")


NOW = datetime(2024, 3, 31, 13, 45, 30, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", datetime(2024, 3, 30, 13, 45, 30, 123456, tzinfo=UTC)),
        ("NOW/DAY", datetime(2024, 3, 31, tzinfo=UTC)),
        ("NOW/DAY+1DAY", datetime(2024, 4, 1, tzinfo=UTC)),
        ("NOW-1MONTH", datetime(2024, 2, 29, 13, 45, 30, 123456, tzinfo=UTC)),  # clamped to the month's end
        ("NOW-1YEAR/YEAR", datetime(2023, 1, 1, tzinfo=UTC)),
        ("NOW+2HOURS/HOUR", datetime(2024, 3, 31, 15, tzinfo=UTC)),
        ("NOW/MINUTE-30MINUTES", datetime(2024, 3, 31, 13, 15, tzinfo=UTC)),
        ("2024-01-31T00:00:00Z", datetime(2024, 1, 31, tzinfo=UTC)),
        ("2024-01-31T00:00:00.5Z+1MONTH", datetime(2024, 2, 29, 0, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_solr_date_math(value: str, moment: datetime) -> None:
    assert solr_date(value, NOW) == moment


@pytest.mark.parametrize("value", ["yesterday", "NOW-1FORTNIGHT", "NOW-DAY", "2024-01-31", "NOW+1DAY junk"])
def test_unreadable_dates_are_search_errors(value: str) -> None:
    with pytest.raises(SearchError):
        solr_date(value, NOW)


def test_parsing_is_safe_in_threads() -> None:
    """luqum's ply parser keeps the text being parsed in shared objects; waitress serves in threads."""
    wrong: list[str] = []

    def parse_many(thread: int) -> None:
        for number in range(300):
            name = f"x{thread}-{number}"
            if parse_lucene(f"tags:(a OR b) +name:{name}") != Bool(
                (
                    ("must", Bool((("should", term("tags", "a")), ("should", term("tags", "b"))))),
                    ("must", term("name", name)),
                )
            ):
                wrong.append(name)

    threads = [threading.Thread(target=parse_many, args=(thread,)) for thread in range(6)]
    for started in threads:
        started.start()
    for started in threads:
        started.join()
    assert wrong == []
