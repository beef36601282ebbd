"""Atom feeds (RFC 4287) of new and updated datasets, documents and serta-merta announcements, for the pemda and
per dinas.

The XML is written by feedgen, a maintained Atom/RSS writer, rather than by a template: it escapes every text,
writes RFC 3339 times and the required ``id``/``updated``/``author`` elements, which a hand-made template gets
subtly wrong. Datasets and documents are read from the catalogue as an anonymous visitor (what the public may
see), and an item classified dikecualikan is dropped even if a catalogue were to show it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from ppid.catalogue.models import JENIS_DOKUMEN
from ppid.i18n import _, format_moment
from ppid.publication.announcements import Announcement
from ppid.publication.periodic import exempt
from ppid.publishing.client import CatalogueClient

#: Entries per feed: the newest changes; a reader polls often enough not to miss any.
FEED_SIZE = 50
SUMMARY_CHARS = 500


class Jenis(enum.StrEnum):
    DATASET = "dataset"
    DOKUMEN = "dokumen"
    PENGUMUMAN = "pengumuman"

    @property
    def label(self) -> str:
        return {Jenis.DATASET: _("Dataset"), Jenis.DOKUMEN: _("Dokumen publik"),
                Jenis.PENGUMUMAN: _("Pengumuman serta-merta")}[self]


@dataclass(frozen=True)
class Entry:
    path: str
    """The entry's page on the portal; with the public URL also its permanent Atom id."""
    title: str
    summary: str
    updated: datetime
    published: datetime
    author: str
    category: str


def feed_path(jenis: Jenis, dinas_slug: str | None = None) -> str:
    return f"/feed/{dinas_slug}/{jenis.value}.atom" if dinas_slug else f"/feed/{jenis.value}.atom"


def atom(jenis: Jenis, entries: list[Entry], *, public_url: str, site_title: str, page_path: str,
         dinas_name: str | None = None, dinas_slug: str | None = None, language: str = "id") -> bytes:
    """The feed document; its ``updated`` is the newest entry's (a fixed date when empty, so it never churns)."""
    generator = FeedGenerator()
    generator.id(public_url + feed_path(jenis, dinas_slug))
    generator.title(f"{jenis.label} — {dinas_name or site_title}")
    generator.subtitle(_("Yang baru dan yang diperbarui di %(site)s.", site=site_title))
    generator.author({"name": dinas_name or site_title})
    generator.link(href=public_url + feed_path(jenis, dinas_slug), rel="self", type="application/atom+xml")
    generator.link(href=public_url + page_path, rel="alternate", type="text/html")
    generator.language(language)
    generator.updated(max((entry.updated for entry in entries), default=datetime(2026, 1, 1, tzinfo=UTC)))
    for entry in reversed(entries):  # feedgen puts each new entry first
        item = generator.add_entry()
        item.id(public_url + entry.path)
        item.title(entry.title)
        item.link(href=public_url + entry.path, rel="alternate", type="text/html")
        item.summary(entry.summary or entry.title)
        item.updated(entry.updated)
        item.published(entry.published)
        item.author({"name": entry.author})
        item.category(term=entry.category)
    return generator.atom_str(pretty=True)


def catalogue_entries(client: CatalogueClient, jenis: Jenis, dinas_names: Mapping[str, str], *,
                      dinas_slug: str | None = None) -> list[Entry]:
    """The newest changed datasets or documents, as the anonymous public sees them."""
    documents = f'extras_jenis:"{JENIS_DOKUMEN}"'
    fq = documents if jenis == Jenis.DOKUMEN else f"-{documents}"
    if dinas_slug:
        fq += f' organization:"{dinas_slug}"'
    result = client.call_action("package_search", {"q": "", "fq": fq, "rows": FEED_SIZE,
                                                    "sort": "metadata_modified desc"})
    return [_package_entry(package, jenis, dinas_names) for package in result["results"] if not exempt(package)]


def _package_entry(package: dict[str, Any], jenis: Jenis, dinas_names: Mapping[str, str]) -> Entry:
    organization = (package.get("organization") or {}).get("name", "")
    notes = " ".join((package.get("notes") or "").split())
    return Entry(path=f"/{jenis.value}/{package['name']}", title=package.get("title") or package["name"],
                 summary=notes[:SUMMARY_CHARS], updated=_utc(package["metadata_modified"]),
                 published=_utc(package.get("metadata_created") or package["metadata_modified"]),
                 author=dinas_names.get(organization, organization), category=jenis.label)


def announcement_entries(announcements: Iterable[Announcement], dinas_names: Mapping[str, str], *, site_title: str,
                         zone: str) -> list[Entry]:
    """Every announcement that has started, newest first; an ended one says so in its summary."""
    entries = []
    for announcement in announcements:
        until = (_("sampai %(time)s", time=format_moment(announcement.ends_at, zone)) if announcement.ends_at
                 else _("sampai dicabut"))
        since = _("Berlaku %(start)s", start=format_moment(announcement.starts_at, zone))
        summary = f"{announcement.kind.label} — {announcement.area}. {since} {until}.\n\n{announcement.body}"
        entries.append(Entry(path=f"/pengumuman/{announcement.id}", title=announcement.title, summary=summary,
                             updated=max(announcement.updated_at, announcement.starts_at),
                             published=announcement.starts_at,
                             author=dinas_names.get(announcement.dinas_slug or "", site_title),
                             category=announcement.kind.label))
    return entries


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
