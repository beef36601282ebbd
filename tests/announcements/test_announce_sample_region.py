"""The sample region after the quick start (``ppid harvest; ppid serve``): one serta-merta announcement on every
public page (config/pengumuman.yaml, published once when the server starts), and its berkala items on the
public schedule with one late (Realisasi APBD, last refreshed at its source on 31 March 2026, every 6 months)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, func, select

from ppid.cli import publish_configured_announcements
from ppid.config import ConfigError
from ppid.pipeline.runner import run_harvest
from ppid.publication.announcements import Announcement, publish_configured
from ppid.publication.periodic import schedule
from ppid.publishing.client import catalogue_client


def test_the_server_start_publishes_the_sample_announcement_once(client, platform) -> None:
    publish_configured_announcements(platform)
    publish_configured_announcements(platform)  # a second start publishes nothing again

    with platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Announcement)) == 1
        announcement = session.scalars(select(Announcement)).one()
        assert (announcement.dinas_slug, announcement.kind.value) == ("bpbd", "bencana-alam")
        assert (announcement.ends_at - announcement.starts_at).days == 7
        assert announcement.revisions[0].actor_name == "konfigurasi pengumuman.yaml"
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<section class="serta-merta".*Siaga banjir di sepanjang Sungai Cibeet.*</section>', home, re.S)


def test_a_wrong_announcement_file_is_named_with_its_entry(platform, tmp_path) -> None:
    (tmp_path / "pengumuman.yaml").write_text("- kunci: a\n  jenis: gempa\n  judul: J\n  isi: I\n  wilayah: W\n")

    with platform.database.session() as session, pytest.raises(ConfigError) as raised:
        publish_configured(session, tmp_path, {"bpbd"})

    assert str(raised.value).startswith("pengumuman.yaml [1]: jenis gempa tidak dikenal; pilih salah satu dari "
                                        "bencana-alam, ")


def test_an_announcement_file_that_is_not_yaml_is_named_with_its_line(platform, tmp_path) -> None:
    (tmp_path / "pengumuman.yaml").write_text("- kunci: a\n  judul: [\n")

    with platform.database.session() as session, pytest.raises(ConfigError, match=r"bukan YAML yang sah \(baris 3\)"):
        publish_configured(session, tmp_path, {"bpbd"})


@pytest.mark.slow
def test_after_the_harvest_realisasi_apbd_carries_its_source_date_and_is_late_on_the_schedule(client,
                                                                                            platform) -> None:
    run_harvest(platform)

    with catalogue_client(platform) as catalogue:
        package = catalogue.call_action("package_show", {"id": "bpkad-realisasi-apbd"})
        assert {"key": "tanggal_pembaruan", "value": "2026-03-31"} in package["extras"]
        pytest.importorskip("ppid.publication.classification",
                            reason="the berkala classification of dinas.yaml comes with branch p-registers")
        items = {item.name: item for item in schedule(catalogue, platform.settings.time_zone)}
    apbd = items["bpkad-realisasi-apbd"]
    assert (apbd.refreshed_on, apbd.due_on, apbd.period_months) == (date(2026, 3, 31), date(2026, 9, 30), 6)
    late = [name for name, item in items.items() if item.overdue(date(2026, 12, 7))]
    assert late == ["bpkad-realisasi-apbd"]
    page = client.get("/informasi-berkala").get_data(as_text=True)
    late_row = r'<tr class="late">\s*<th scope="row"><a href="/dataset/bpkad-realisasi-apbd">Realisasi APBD'
    assert re.search(late_row, page)


def test_a_server_started_at_the_same_time_as_another_skips_what_the_other_published(platform) -> None:
    """Two `ppid serve` processes starting together both read pengumuman.yaml: the one that finds the announcement
    published between its look and its insert skips it and starts, instead of stopping on the unique key (seen
    with two processes on PostgreSQL, issue 17)."""
    engine = platform.database.engine
    looked: list[str] = []

    def the_other_process_publishes(_connection, _cursor, statement, *_args) -> None:
        if not looked and statement.startswith("SELECT announcement") and "IS NOT NULL" in statement:
            looked.append(statement)
            publish_configured_announcements(platform)

    event.listen(engine, "after_cursor_execute", the_other_process_publishes)
    try:
        assert publish_configured_announcements(platform) == []
    finally:
        event.remove(engine, "after_cursor_execute", the_other_process_publishes)

    assert looked
    with platform.database.session() as session:
        assert session.scalar(select(func.count()).select_from(Announcement)) == 1
