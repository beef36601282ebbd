"""Table Schema field types in CKAN DataStore's names, so that both catalogues describe a column alike.

CKAN's DataStore reports PostgreSQL's type names (``int8``, ``numeric``, ``text``…); the embedded
DataStore reports the same, and the publisher creates a real CKAN's DataStore tables with them.
"""

from __future__ import annotations

from typing import Any

#: Table Schema type → DataStore type. Types without an exact column type travel as text, as written.
DATASTORE_TYPES = {
    "string": "text",
    "integer": "int8",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "year": "int4",
    "yearmonth": "text",
    "duration": "text",
    "geopoint": "text",
    "geojson": "json",
    "object": "json",
    "array": "json",
    "any": "text",
}
#: CKAN's row number column, first in every DataStore table.
ROW_ID = "_id"


def datastore_field(field: dict[str, Any]) -> dict[str, Any]:
    """One Table Schema field as a DataStore field: ``id``, ``type`` and the data dictionary in ``info``."""
    info = {"label": field.get("title") or "", "notes": field.get("description") or ""}
    if field.get("unit") or field.get("satuan"):
        info["unit"] = field.get("unit") or field.get("satuan")
    return {"id": field["name"], "type": DATASTORE_TYPES.get(field.get("type", "string"), "text"), "info": info}


def in_ckan_order(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``fields`` with their keys in the order CKAN writes them (``id``, ``type``, ``info``; ``label``, ``notes``
    first in ``info``): PostgreSQL's JSONB keeps keys in an order of its own, and the dumps are compared byte for
    byte with CKAN's."""
    ordered = []
    for field in fields:
        info = field.get("info")
        in_order = {"id": field["id"], "type": field["type"]}
        if info is not None:
            in_order["info"] = {key: info[key] for key in ("label", "notes") if key in info} | info
        ordered.append(in_order | {key: value for key, value in field.items() if key not in in_order})
    return ordered
