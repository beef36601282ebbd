"""Embedded catalogue tables: CKAN's organizations, datasets (packages) and resources, and what search reads.

Datasets carry an integer ``pk`` besides CKAN's uuid ``id``: the search side (FTS5 rowid on SQLite,
:class:`PackageSearch` on PostgreSQL, :class:`PackageTerm`, the in-memory bitsets of
:mod:`ppid.catalogue.search`) works on it. Tags and extras live as JSON on the dataset (what
``package_show`` returns); the values search filters and facets on are copied to
:class:`PackageTerm` on every write, and every write takes a new :class:`SearchState` revision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppid.db import Base, JsonDocument, UtcDateTime, utcnow

#: A resource key that is searched but never shown: a document's extracted text goes into the full-text
#: index without making ``package_show`` (and every search result) carry it. A real CKAN keeps it as an
#: ordinary resource extra.
SEARCH_TEXT_KEY = "teks_dokumen"
#: The ``jenis`` extra of a dataset made only of public documents, so that portals can list them apart.
JENIS_DOKUMEN = "dokumen"

#: PostgreSQL's full-text type; the table holding it stays empty on SQLite, where FTS5 is used instead.
SearchVector = TSVECTOR().with_variant(Text(), "sqlite")


class Organization(Base):
    __tablename__ = "catalogue_organization"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="active")
    extras: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    created: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Group(Base):
    """A CKAN group: a topic (tema) that datasets of any organization can belong to."""

    __tablename__ = "catalogue_group"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="active")
    extras: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    created: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


#: Which datasets are in which group (CKAN's ``member`` rows of table ``package``).
package_group = Table(
    "catalogue_package_group",
    Base.metadata,
    Column("package_id", ForeignKey("catalogue_package.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("catalogue_group.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Package(Base):
    __tablename__ = "catalogue_package"
    #: Search pages through datasets in these orders (pk breaks ties, so paging is stable).
    __table_args__ = (
        Index("ix_catalogue_package_metadata_modified", "metadata_modified", "pk"),
        Index("ix_catalogue_package_metadata_created", "metadata_created", "pk"),
        Index("ix_catalogue_package_title", "title", "pk"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner_org: Mapped[str] = mapped_column(ForeignKey("catalogue_organization.id"), index=True)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")
    license_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    author_email: Mapped[str | None] = mapped_column(Text, nullable=True)
    maintainer: Mapped[str | None] = mapped_column(Text, nullable=True)
    maintainer_email: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    tags: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    extras: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    metadata_created: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    metadata_modified: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: The CKAN user id (see :mod:`ppid.catalogue.users`) of whoever created the dataset.
    creator_user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: The :class:`SearchState` revision of the last write, so search caches refresh only what changed.
    revision: Mapped[int] = mapped_column(BigInteger, default=0, index=True)

    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    groups: Mapped[list[Group]] = relationship(secondary=package_group, lazy="selectin", order_by="Group.name")
    resources: Mapped[list[Resource]] = relationship(
        back_populates="package", order_by="Resource.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Resource(Base):
    __tablename__ = "catalogue_resource"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    package_id: Mapped[str] = mapped_column(ForeignKey("catalogue_package.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    format: Mapped[str] = mapped_column(String(100), default="")
    mimetype: Mapped[str | None] = mapped_column(String(200), nullable=True)
    url: Mapped[str] = mapped_column(Text, default="")
    url_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    hash: Mapped[str] = mapped_column(String(200), default="")
    last_modified: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    metadata_modified: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: Every other key of the resource dict, so that arbitrary keys round-trip as in CKAN.
    extras: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    #: :data:`SEARCH_TEXT_KEY`: indexed, not returned; loaded only when the dataset is indexed.
    search_text: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)

    package: Mapped[Package] = relationship(back_populates="resources")


class PackageTerm(Base):
    """One row per value of a multi-valued search field (``tags``, ``res_format``, ``extras_KEY``).

    Search loads these into in-memory bitsets (refreshed by revision); ``tag_list`` reads them directly.
    """

    __tablename__ = "catalogue_package_term"
    __table_args__ = (
        Index("ix_catalogue_package_term_field_value", "field", "value"),
        {"sqlite_with_rowid": False},
    )

    package_pk: Mapped[int] = mapped_column(ForeignKey("catalogue_package.pk", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)


class PackageSearch(Base):
    """PostgreSQL's full-text document of a dataset, kept apart so that matching scans narrow rows."""

    __tablename__ = "catalogue_package_search"
    __table_args__ = (
        Index("ix_catalogue_package_search_vector", "search_vector", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    package_pk: Mapped[int] = mapped_column(ForeignKey("catalogue_package.pk", ondelete="CASCADE"), primary_key=True)
    search_vector: Mapped[str] = mapped_column(SearchVector)


class SearchState(Base):
    """One row: the catalogue's write counter, and an epoch that changes when datasets are purged."""

    __tablename__ = "catalogue_search_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(String(36))
