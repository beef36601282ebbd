"""CKAN's DataStore read actions over the embedded catalogue: ``datastore_search``, ``datastore_search_sql``,
``datastore_info``, and the lookup from a resource to its typed table.

A resource shows the rows of the newest :class:`DatastoreTable` made from the file it names (its ``hash``
and ``schema_name``), and only to a caller who may read its dataset, as ``package_show`` decides: a
private, withdrawn or deleted dataset's table is as unreachable as the dataset.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
from ckanapi.errors import NotAuthorized, NotFound, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.catalogue.context import Context
from ppid.catalogue.models import Resource
from ppid.datastore import query, sql
from ppid.datastore.models import DatastoreTable

log = logging.getLogger(__name__)

#: DataStore type → PostgreSQL's native type name, as ``datastore_info`` reports it in ``schema``.
NATIVE_TYPES = {"text": "text", "int4": "integer", "int8": "bigint", "numeric": "numeric", "date": "date",
                "bool": "boolean", "timestamp": "timestamp without time zone", "time": "time without time zone",
                "json": "json"}  # fmt: skip


def table_key(resource: Resource) -> tuple[str, str] | None:
    """(source SHA-256, schema name) of the file a resource shows, or None when it is not a validated table."""
    schema_name = (resource.extras or {}).get("schema_name")
    if not schema_name or not (resource.hash or "").startswith("sha256:"):
        return None
    return resource.hash.removeprefix("sha256:"), str(schema_name)


def tables_for(session: Session, resources: Iterable[Resource]) -> dict[tuple[str, str], DatastoreTable]:
    """The newest table of each resource's file, in one query for a whole page of datasets."""
    keys = {key for resource in resources if (key := table_key(resource))}
    if not keys:
        return {}
    statement = (
        select(DatastoreTable)
        .where(DatastoreTable.sha256.in_({sha256 for sha256, _schema in keys}))
        .order_by(DatastoreTable.id)
    )
    found = {(table.sha256, table.schema_name): table for table in session.scalars(statement)}
    return {key: found[key] for key in keys if key in found}


def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ``datastore_search`` (q, filters, fields, sort, limit/offset, distinct, include_total, records_format)."""
    resource_id = _resource_id(data)
    table = readable_table(context, resource_id)
    arguments = {key: value for key, value in data.items() if key not in {"resource_id", "id"}}
    return query.search(query_table(context, table), arguments, resource_id)


def datastore_info(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ``datastore_info``: the fields with their data dictionary and column facts, and the table's size."""
    resource_id = _resource_id(data)
    table = readable_table(context, resource_id)
    path = table_path(context, table)
    result: dict[str, Any] = {"fields": table.ckan_fields()}
    if query.boolean(data, "include_fields_schema", True):
        for field in result["fields"]:
            indexed = field["id"] in table.primary_key
            field["schema"] = {
                "native_type": NATIVE_TYPES.get(field["type"], "text"),
                "notnull": False,
                "index_name": hashlib.sha1((resource_id + field["id"]).encode()).hexdigest() if indexed else None,
                "is_index": indexed,
                "uniquekey": False,
            }
    if query.boolean(data, "include_meta", True):
        size = path.stat().st_size
        result["meta"] = {"id": resource_id, "count": table.row_count, "table_type": "BASE TABLE", "size": size,
                          "db_size": size, "idx_size": 0, "aliases": []}  # fmt: skip
    return result


def datastore_search_sql(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ``datastore_search_sql``: one read-only SELECT over readable tables (:mod:`ppid.datastore.sql`)."""
    statement = data.get("sql")
    if not statement:
        raise ValidationError({"sql": ["Missing value"]})

    def paths_for(names: Iterable[str]) -> dict[str, Path]:
        paths = {}
        for name in names:
            try:
                paths[name] = table_path(context, readable_table(context, name))
            except (NotFound, NotAuthorized):
                raise sql.refuse(
                    f'Tabel "{name}" bukan sumber daya DataStore yang diterbitkan; gunakan id sumber daya dari '
                    f'package_show (table "{name}" is not a published DataStore resource).'
                ) from None
        return paths

    return sql.search_sql(str(statement), paths_for)


def _resource_id(data: dict[str, Any]) -> str:
    resource_id = data.get("resource_id") or data.get("id")
    if not resource_id:
        raise ValidationError({"resource_id": ["Missing value"]})
    return str(resource_id)


def readable_table(context: Context, resource_id: str) -> DatastoreTable:
    """The table a caller may read through ``resource_id``; NotFound/NotAuthorized as CKAN answers them."""
    resource = context.session.get(Resource, resource_id)
    key = table_key(resource) if resource is not None else None
    table = tables_for(context.session, [resource]).get(key) if resource is not None and key else None
    if table is None:
        raise NotFound(f'Resource "{resource_id}" was not found.')
    package = resource.package
    if not context.sysadmin and (package.state != "active" or package.private):
        raise NotAuthorized(f"User {context.user or ''} not authorized to read resource {resource_id}")
    return table


def table_path(context: Context, table: DatastoreTable) -> Path:
    if context.table_files is None:
        raise NotFound("DataStore is not available here.")
    return context.table_files.path(table)


def query_table(context: Context, table: DatastoreTable) -> query.Table:
    """The table as searches read it: the Parquet file, and the DuckDB database made from it."""
    path = table_path(context, table)
    assert context.table_files is not None  # table_path refused otherwise
    try:
        database: Path | None = context.table_files.database(table)
    except (OSError, duckdb.Error):  # a full or read-only disk: slower searches from the Parquet file, not errors
        log.warning("DataStore search database for %s could not be built", table.rows_sha256, exc_info=True)
        database = None
    return query.Table(path, table.ckan_fields(), database)
