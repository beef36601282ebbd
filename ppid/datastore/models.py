"""Which typed copy (a Parquet file in storage) holds the rows of which validated file.

A row is keyed by what the rows were made from (the file's SHA-256 and its schema, by name and digest),
never by a catalogue resource: the catalogue's resource names the file it shows by its ``hash`` and
``schema_name``, so a withdrawn or replaced file leaves the DataStore in the same transaction as the
catalogue change, and an unchanged re-publish finds its table already made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ppid.datastore.fields import in_ckan_order
from ppid.db import Base, JsonDocument, UtcDateTime, utcnow


class DatastoreTable(Base):
    __tablename__ = "datastore_table"
    __table_args__ = (UniqueConstraint("sha256", "schema_name", "schema_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    """The source file's SHA-256 (the catalogue resource's ``hash`` without ``sha256:``)."""
    schema_name: Mapped[str] = mapped_column(String(100))
    schema_digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the schema's canonical JSON: an edited schema makes a new typed copy."""
    storage_key: Mapped[str] = mapped_column(Text)
    """The Parquet file in storage."""
    rows_sha256: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the Parquet file: what a real CKAN's DataStore is compared with before rows are pushed."""
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    """DataStore fields (:func:`ppid.datastore.fields.datastore_field`), without ``_id``."""
    primary_key: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    row_count: Mapped[int] = mapped_column(BigInteger)
    created: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def ckan_fields(self) -> list[dict[str, Any]]:
        """:attr:`fields` as CKAN writes them, whatever order the database kept their keys in."""
        return in_ckan_order(self.fields)
