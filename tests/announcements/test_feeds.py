"""Atom feeds of new and updated datasets, documents and serta-merta announcements, for the pemda and per dinas:
they parse as Atom 1.0, hold the right entries newest first, never an exempt item, and every page links them."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest

from ppid.db import utcnow
from ppid.publication import announcements
from ppid.publication.announcements import Content, Kind

from .catalogue_items import organizations, package, touch


@pytest.fixture
def catalogue(platform) -> None:
    organizations(platform)
    package(platform, "bpbd-kejadian-bencana", "bpbd", "Kejadian Bencana per Kecamatan", category="berkala", period=3)
    package(platform, "dinkes-fasilitas-kesehatan", "dinkes", "Fasilitas Kesehatan")
    package(platform, "bpbd-rencana-kontinjensi", "bpbd", "Rencana Kontinjensi Banjir", document=True)
    package(platform, "dinkes-rekam-medis-pasien", "dinkes", "Rekam Medis Pasien Rumah Sakit", category="dikecualikan")


def parsed(client, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert feed.version == "atom10" and not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_dataset_feed_holds_datasets_newest_change_first_and_never_an_exempt_one(client, platform,
                                                                                     catalogue) -> None:
    touch(platform, "bpbd-kejadian-bencana", "Data semester II ditambahkan.")

    feed = parsed(client, "/feed/dataset.atom")

    assert [entry.title for entry in feed.entries] == ["Kejadian Bencana per Kecamatan", "Fasilitas Kesehatan"]
    first = feed.entries[0]
    assert first.id == "http://127.0.0.1:5000/dataset/bpbd-kejadian-bencana"
    assert first.link == "http://127.0.0.1:5000/dataset/bpbd-kejadian-bencana"
    assert first.summary == "Data semester II ditambahkan."
    assert first.author == "Badan Penanggulangan Bencana Daerah Kabupaten Contoh"
    assert feed.feed.updated == first.updated
    assert any(link.rel == "self" and link.href.endswith("/feed/dataset.atom") for link in feed.feed.links)
    assert "Rekam Medis" not in client.get("/feed/dataset.atom").get_data(as_text=True)


def test_the_document_feed_holds_documents_and_a_dinas_feed_only_that_dinas(client, catalogue) -> None:
    assert [e.title for e in parsed(client, "/feed/dokumen.atom").entries] == ["Rencana Kontinjensi Banjir"]
    assert parsed(client, "/feed/dokumen.atom").entries[0].link.endswith("/dokumen/bpbd-rencana-kontinjensi")
    assert [e.title for e in parsed(client, "/feed/dinkes/dataset.atom").entries] == ["Fasilitas Kesehatan"]
    assert parsed(client, "/feed/dinkes/dokumen.atom").entries == []
    dinkes = parsed(client, "/feed/dinkes/dataset.atom").feed
    assert dinkes.title == "Dataset — Dinas Kesehatan Kabupaten Contoh"


def test_the_announcement_feed_holds_started_announcements_with_their_period(client, platform) -> None:
    now = utcnow()
    with platform.database.session() as session:
        announcements.publish(session, Content(Kind.OUTBREAK, "Waspada demam berdarah", "Berantas sarang nyamuk.",
                                               "Seluruh kabupaten", now - timedelta(days=2), None, "dinkes"), None)
        announcements.publish(session, Content(Kind.NATURAL_DISASTER, "Siaga banjir", "Siapkan tas siaga.",
                                               "Kecamatan Cibinong", now - timedelta(days=5),
                                               now - timedelta(days=1), "bpbd"), None)
        announcements.publish(session, Content(Kind.PUBLIC_ORDER, "Penutupan jalan besok", "Jalan ditutup.",
                                               "Jalan Raya Cibinong", now + timedelta(days=1), None, None), None)

    feed = parsed(client, "/feed/pengumuman.atom")

    assert [entry.title for entry in feed.entries] == ["Waspada demam berdarah", "Siaga banjir"]
    outbreak, flood = feed.entries
    assert outbreak.summary.startswith("Wabah penyakit — Seluruh kabupaten. Berlaku ")
    assert "sampai dicabut" in outbreak.summary and "Berantas sarang nyamuk." in outbreak.summary
    assert outbreak.author == "Dinas Kesehatan Kabupaten Contoh"
    assert re.search(r"sampai \d+ \w+ 2026, \d\d\.\d\d WIB", flood.summary)
    assert [e.title for e in parsed(client, "/feed/bpbd/pengumuman.atom").entries] == ["Siaga banjir"]
    english = parsed(client, "/feed/pengumuman.atom?lang=en")
    assert english.feed.language == "en" and english.feed.title.startswith("Immediate announcements — ")
    assert english.entries[0].summary.startswith("Disease outbreak — Seluruh kabupaten. In force from ")
    assert "until revoked" in english.entries[0].summary


def test_every_page_links_the_pemda_feeds_and_a_dinas_page_its_own(client, catalogue) -> None:
    home = client.get("/").get_data(as_text=True)
    for path, title in (("/feed/dataset.atom", "Dataset"), ("/feed/dokumen.atom", "Dokumen publik"),
                        ("/feed/pengumuman.atom", "Pengumuman serta-merta")):
        assert f'<link rel="alternate" type="application/atom+xml" href="{path}" title="{title}">' in home
    dinas = client.get("/dinas/bpbd").get_data(as_text=True)
    assert 'href="/feed/bpbd/dataset.atom" title="Dataset — Badan Penanggulangan Bencana Daerah Kabupaten Contoh"' \
        in dinas


def test_an_unknown_feed_or_dinas_is_not_found(client) -> None:
    assert client.get("/feed/rahasia.atom").status_code == 404
    assert client.get("/feed/tidak-ada/dataset.atom").status_code == 404
