"""CKAN's ``datastore_search_sql``: one read-only SELECT over published tables, decided by a real SQL parser.

The query is parsed with sqlglot (PostgreSQL's dialect, as CKAN users write it) and refused unless it
is exactly one SELECT (UNION/INTERSECT/EXCEPT and WITH of SELECTs included) whose every table is a
resource the caller may read or a CTE in scope, and whose every function is on :data:`FUNCTIONS`.
What runs is sqlglot's own rendering of the checked tree in DuckDB's dialect, never the request's
text, in a fresh DuckDB database where only the named tables exist, as views over their Parquet files,
with file access, extensions and configuration changes disabled, a row limit and a time limit.
Refusals are CKAN's 409 ``ValidationError``; the sentence says what to change, in Indonesian and English.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from ckanapi.errors import ValidationError
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import traverse_scope

from ppid.datastore import query
from ppid.datastore.query import json_value, literal, quote

#: Seconds a query may run (CKAN's ``ckan.datastore.sqlsearch`` statement timeout is 60 s; ours is
#: shorter because DuckDB answers a GROUP BY over 10M rows in well under one).
TIMEOUT = 10.0
#: ``ckan.datastore.search.rows_max``: more rows than this and the result says ``records_truncated``.
ROWS_MAX = query.ROWS_MAX
#: Functions a query may call, by sqlglot's name for them (its expression key, or the name as written
#: for functions sqlglot does not know). Everything else, known or not, is refused: CKAN's own
#: allowlist idea, without anything that reads files, settings, the catalog or the environment.
_FUNCTION_NAMES = """
    count sum avg min max median mode stddev stddevpop stddevsamp variance variancepop corr covarpop covarsamp
    arrayagg groupconcat logicaland logicalor percentilecont percentiledisc quantile_cont approxdistinct
    abs round floor ceil sqrt cbrt exp ln log pow mod sign trunc greatest least pi widthbucket
    lower upper length substring trim concat concatws replace left right splitpart strposition initcap pad
    reverse md5 regexpreplace regexp_matches regexplike startswith repeat translate chr format
    extract timestamptrunc datetrunc year month day quarter week dayofweek currentdate currenttimestamp
    timetostr strtodate strtotime make_date age unixtotime datediff dateadd
    coalesce nullif if case cast trycast exists array struct
    rownumber rank denserank percentrank cumedist ntile lag lead firstvalue lastvalue nthvalue
"""
FUNCTIONS = frozenset(_FUNCTION_NAMES.split())
#: Statements and clauses that are never read-only, wherever they appear in the tree (``SELECT … INTO``
#: writes a table; a locking clause needs a transaction).
FORBIDDEN_NODES = (exp.Command, exp.DDL, exp.DML, exp.Pragma, exp.Set, exp.Copy, exp.Into, exp.Lock)
#: What a DuckDB result column is called in CKAN (PostgreSQL's names, as the real DataStore reports).
DUCKDB_TYPES = {"BOOLEAN": "bool", "TINYINT": "int2", "SMALLINT": "int2", "INTEGER": "int4", "BIGINT": "int8",
                "HUGEINT": "numeric", "DECIMAL": "numeric", "UTINYINT": "int2", "USMALLINT": "int4", "UINTEGER": "int8",
                "UBIGINT": "numeric", "FLOAT": "float4", "DOUBLE": "float8", "VARCHAR": "text", "DATE": "date",
                "TIME": "time", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
                "INTERVAL": "interval", "BLOB": "bytea", "UUID": "uuid", "JSON": "json"}  # fmt: skip

log = logging.getLogger(__name__)


def refuse(sentence: str) -> ValidationError:
    """CKAN's shape for a query it will not run (``{"message": …}``, 409 over HTTP)."""
    return ValidationError({"message": sentence})


def check(sql: str) -> tuple[exp.Expression, set[str]]:
    """Parse and check ``sql``: the tree and the names of the tables it reads (not CTEs)."""
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError({"sql": ["Missing value"]})
    try:
        statements = [s for s in sqlglot.parse(sql, read="postgres") if s is not None]
    except SqlglotError as error:
        raise refuse(f"SQL tidak dapat dibaca: {str(error).splitlines()[0].rstrip('.')} (invalid SQL).") from None
    if len(statements) != 1:
        raise refuse("Hanya satu pernyataan SELECT yang diizinkan (query is not a single statement).")
    statement = statements[0]
    if not isinstance(statement, exp.Select | exp.SetOperation):
        raise refuse(
            f"Hanya SELECT yang diizinkan, bukan {statement.key.upper()} (only SELECT queries are allowed)."
        )
    for node in statement.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise refuse(f"Hanya SELECT yang diizinkan, bukan {node.key.upper()} (only SELECT queries are allowed).")
        if isinstance(node, exp.Func) and not isinstance(node, exp.Connector):  # AND, OR are Func in sqlglot
            name = node.name.lower() if isinstance(node, exp.Anonymous) else node.key
            if name not in FUNCTIONS:
                raise refuse(
                    f"Fungsi {name} tidak diizinkan dalam kueri DataStore (function {name} is not allowed)."
                )
    return statement, _tables(statement)


def _tables(statement: exp.Expression) -> set[str]:
    """Every table a scope reads that is not a CTE visible in that scope; anything but a plain name is refused."""
    tables: set[str] = set()
    try:
        scopes = traverse_scope(statement)
    except SqlglotError as error:
        raise refuse(f"SQL tidak dapat dibaca: {str(error).rstrip('.')} (invalid SQL).") from None
    for scope in scopes:
        for table in scope.tables:
            if not isinstance(table.this, exp.Identifier) or table.args.get("db") or table.args.get("catalog"):
                raise refuse(
                    f"Tabel {table.sql(dialect='postgres')} tidak dapat dibaca: sebut id sumber daya yang "
                    "diterbitkan saja (only published resource ids may be queried)."
                )
            if table.name not in scope.cte_sources:
                tables.add(table.name)
    # a reference that no scope covers (a table inside an expression sqlglot does not scope) still counts
    tables.update(t.name for t in statement.find_all(exp.Table) if t.name and not _is_cte(statement, t.name))
    return tables


def _is_cte(statement: exp.Expression, name: str) -> bool:
    return any(cte.alias_or_name == name for cte in statement.find_all(exp.CTE))


def run(
    statement: exp.Expression,
    paths: dict[str, Path],
    *,
    rows_max: int | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run a checked query with only ``paths`` (table name → Parquet file) readable; CKAN's result keys.
    The limits default to :data:`ROWS_MAX` and :data:`TIMEOUT` as they are when the query runs."""
    rows_max = ROWS_MAX if rows_max is None else rows_max
    timeout = TIMEOUT if timeout is None else timeout
    rendered = _with_postgres_names(statement).sql(dialect="duckdb")
    connection = duckdb.connect(":memory:", config={
        "threads": 2, "memory_limit": "256MB", "autoinstall_known_extensions": False,
        "autoload_known_extensions": False, "allow_community_extensions": False,
    })  # fmt: skip
    try:
        if paths:
            files = ", ".join(literal(str(path)) for path in paths.values())
            connection.execute(f"SET allowed_paths = [{files}]")
        connection.execute("SET enable_progress_bar = false")
        connection.execute("SET default_null_order = 'nulls_last_on_asc_first_on_desc'")  # PostgreSQL's, as CKAN's
        connection.execute("SET enable_external_access = false")
        for name, path in paths.items():
            connection.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM read_parquet({literal(str(path))})")
        connection.execute("SET lock_configuration = true")
        return _execute(connection, f"SELECT * FROM ({rendered}) AS ppid_query LIMIT {rows_max + 1}", rows_max, timeout)
    finally:
        connection.close()


def _with_postgres_names(statement: exp.Expression) -> exp.Expression:
    """Name unnamed result columns as PostgreSQL does (``count``, not DuckDB's ``count_star()``), as CKAN shows them."""
    statement = statement.copy()
    first = statement
    while isinstance(first, exp.SetOperation):
        first = first.left
    if isinstance(first, exp.Select):
        for index, projection in enumerate(first.expressions):
            if not isinstance(projection, exp.Alias | exp.Column | exp.Star) and not projection.alias:
                first.expressions[index] = exp.alias_(projection, _postgres_name(projection), quoted=True)
    return statement


def _postgres_name(expression: exp.Expression) -> str:
    if isinstance(expression, exp.Column):
        return expression.name
    if isinstance(expression, exp.Filter | exp.Window):  # count(*) FILTER (…), rank() OVER (…)
        return _postgres_name(expression.this)
    if isinstance(expression, exp.Cast):
        inner = _postgres_name(expression.this)
        return inner if inner != "?column?" else expression.to.sql(dialect="postgres").lower()
    if isinstance(expression, exp.Anonymous):
        return expression.name.lower()
    if isinstance(expression, exp.Func):
        return expression.sql_name().lower()
    return "?column?"


def _execute(connection: duckdb.DuckDBPyConnection, sql: str, rows_max: int, timeout: float) -> dict[str, Any]:
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        connection.interrupt()

    timer = threading.Timer(timeout, stop)
    timer.start()
    try:
        result = connection.execute(sql)
        rows = result.fetchall()
        description = result.description or []
    except duckdb.Error as error:
        if expired.is_set():
            raise ValidationError({
                "query": [f"Waktu habis: kueri berjalan lebih dari {timeout:g} detik (query took too long)."]
            }) from None
        raise ValidationError({"query": [_first_line(error)]}) from None
    finally:
        timer.cancel()
    fields = [{"id": name, "type": DUCKDB_TYPES.get(str(kind).split("(")[0], "text")} for name, kind, *_ in description]
    names = [field["id"] for field in fields]
    result_dict: dict[str, Any] = {
        "records": [dict(zip(names, map(json_value, row), strict=True)) for row in rows[:rows_max]],
        "fields": fields,
    }
    if len(rows) > rows_max:
        result_dict["records_truncated"] = True
    return result_dict


def _first_line(error: Exception) -> str:
    """DuckDB's message without its caret drawing, which quotes the rendered query rather than the caller's."""
    return str(error).split("\n\n")[0].strip()


def search_sql(
    sql: str, paths_for: Callable[[Iterable[str]], dict[str, Path]], **limits: Any
) -> dict[str, Any]:
    """``datastore_search_sql``: check, resolve the tables (``paths_for`` refuses what the caller may not read), run."""
    statement, tables = check(sql)
    result = run(statement, paths_for(sorted(tables)), **limits)
    return {"sql": sql, **result}
