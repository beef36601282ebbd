"""The SQL check on its own: which tables a query reads (CTEs only in their scope), functions hidden in
method calls or literals, and result columns named as PostgreSQL (and so CKAN) names them."""

from __future__ import annotations

from pathlib import Path

import pytest
from ckanapi.errors import ValidationError

from ppid.datastore import sql

from ..catalogue.datastore_tables import FIELDS, ROWS, write_parquet


@pytest.mark.parametrize(
    ("query", "tables"),
    [
        ('SELECT * FROM "r-1"', {"r-1"}),
        ('WITH c AS (SELECT * FROM "r-1") SELECT * FROM c', {"r-1"}),
        ('SELECT * FROM "r-1" UNION SELECT * FROM r2', {"r-1", "r2"}),
        ("SELECT * FROM (WITH s AS (SELECT 1) SELECT * FROM s) x, s", {"s"}),  # s is out of its CTE's scope
        ('SELECT 1 FROM "r-1" WHERE EXISTS (SELECT 1 FROM r3)', {"r-1", "r3"}),
    ],
)
def test_the_tables_a_query_reads(query: str, tables: set[str]) -> None:
    assert sql.check(query)[1] == tables


@pytest.mark.parametrize(
    "query",
    ['SELECT * FROM "r-1" WHERE a = 1 AND b = 2 OR c < 3', 'SELECT * FROM "r-1" WHERE NOT (a = 1 AND b = 2)',
     "SELECT * FROM \"r-1\" WHERE a LIKE 'x%' AND b IN (1, 2) AND c BETWEEN 1 AND 2 AND d IS NOT NULL"],
)  # fmt: skip
def test_everyday_conditions_are_allowed(query: str) -> None:
    """AND and OR are functions in sqlglot's tree; a checker that forgot that would refuse every real WHERE."""
    assert sql.check(query)[1] == {"r-1"}


@pytest.mark.parametrize(
    "query",
    ["SELECT nama.getenv() FROM t", "SELECT 'HOME'.getenv()", "SELECT [getenv('HOME')]",
     "SELECT {'a': current_setting('x')}", "SELECT * FROM t ORDER BY getenv('x')", "SELECT * FROM main.t",
     "SELECT * FROM query('SELECT 1')", "SELECT * FROM t, LATERAL read_csv('x')"],
)  # fmt: skip
def test_functions_and_names_anywhere_are_checked(query: str) -> None:
    with pytest.raises(ValidationError):
        sql.check(query)


def test_result_columns_are_named_as_postgresql_names_them(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    write_parquet(path, FIELDS, ROWS)
    statement, _tables = sql.check("SELECT count(*), max(_id) FILTER (WHERE tahun > 2023), sum(keluarga_miskin)"
                                   "::int, tahun::text, 1 + 1, row_number() OVER () FROM t GROUP BY tahun LIMIT 1")
    result = sql.run(statement, {"t": path})
    assert [field["id"] for field in result["fields"]] == ["count", "max", "sum", "tahun", "?column?",
                                                           "row_number"]  # fmt: skip
