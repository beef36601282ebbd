"""Periodic information (UU 14/2008 Pasal 9): the schedule is read from the catalogue's classification extras,
a late item is flagged to its dinas's officers and the administrators once per period (notice and e-mail,
never twice however often the check runs), shown on their workspace and on a public schedule page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from ppid.catalogue.models import Package
from ppid.mail import MailDelivery
from ppid.publication.periodic import flag_overdue, schedule, scheduled
from ppid.publishing.client import catalogue_client
from ppid.uploader.models import Notice

from ..workspace.conftest import task_count
from .catalogue_items import organizations, package, touch
from .officers import create_people, signed_in

WIB = ZoneInfo("Asia/Jakarta")


def berkala(modified: str, period: str = "6") -> dict:
    return {"name": "bpkad-realisasi-apbd", "title": "Realisasi APBD", "organization": {"name": "bpkad"},
            "metadata_modified": modified,
            "extras": [{"key": "kategori_informasi", "value": "berkala"}, {"key": "periode_bulan", "value": period}]}


def test_the_due_date_counts_calendar_months_from_the_last_change_on_the_pemda_s_day() -> None:
    # 30 August 2026, 18.00 UTC is 31 August, 01.00 WIB: refreshed on 31 August; six months on is 28 February 2027
    item = scheduled(berkala("2026-08-30T18:00:00"), "Asia/Jakarta")

    assert (item.refreshed_on, item.due_on) == (date(2026, 8, 31), date(2027, 2, 28))
    assert not item.overdue(date(2027, 2, 28)) and item.overdue(date(2027, 3, 1))


def test_a_period_beyond_the_law_s_six_months_is_held_to_six_and_other_categories_have_no_schedule() -> None:
    assert scheduled(berkala("2026-01-15T02:00:00", period="12"), "Asia/Jakarta").due_on == date(2026, 7, 15)
    not_periodic = berkala("2026-01-15T02:00:00") | {"extras": [{"key": "kategori_informasi", "value": "setiap-saat"}]}
    assert scheduled(not_periodic, "Asia/Jakarta") is None


@pytest.fixture
def people(platform) -> dict[str, int]:
    return create_people(platform, digest=("admin",))


@pytest.fixture
def items(platform) -> dict[str, dict]:
    organizations(platform)
    return {
        "bencana": package(platform, "bpbd-kejadian-bencana", "bpbd", "Kejadian Bencana per Kecamatan",
                           category="berkala", period=3),
        "faskes": package(platform, "dinkes-fasilitas-kesehatan", "dinkes", "Fasilitas Kesehatan",
                          category="berkala", period=6),
        "kontinjensi": package(platform, "bpbd-rencana-kontinjensi", "bpbd", "Rencana Kontinjensi", document=True),
    }


def morning(day: date) -> datetime:
    return datetime.combine(day, time(8, 0), WIB).astimezone(UTC)


def due_on(platform, name: str) -> date:
    with catalogue_client(platform) as client:
        return next(item.due_on for item in schedule(client, "Asia/Jakarta") if item.name == name)


def late(platform, name: str, months_ago: int) -> None:
    """The package was last changed ``months_ago`` months ago (as a package untouched since then would be)."""
    with platform.database.session() as session:
        session.execute(update(Package).where(Package.name == name).values(
            metadata_modified=datetime.now(UTC) - timedelta(days=31 * months_ago)))


def flags_and_mail(platform) -> tuple[list[tuple[int, str]], list[str]]:
    with platform.database.session() as session:
        notices = [(n.user_id, n.path) for n in session.scalars(select(Notice).order_by(Notice.id))]
        mail = [m.recipient for m in session.scalars(select(MailDelivery).order_by(MailDelivery.id))]
    return notices, mail


def test_a_late_item_is_flagged_once_per_period_to_its_dinas_and_the_administrators(platform, people, items) -> None:
    late(platform, "bpbd-kejadian-bencana", 5)
    due = due_on(platform, "bpbd-kejadian-bencana")

    assert flag_overdue(platform, clock=lambda: morning(due)) == 0  # due today is not late yet
    assert flag_overdue(platform, clock=lambda: morning(due + timedelta(days=1))) == 1

    notices, mail = flags_and_mail(platform)
    assert notices == [(people["admin"], "/informasi-berkala?dinas=bpbd"),
                       (people["petugas-bpbd"], "/informasi-berkala?dinas=bpbd")]
    assert mail == ["petugas-bpbd@contoh.go.id"]  # the administrator chose the daily digest: the notice only
    with platform.database.session() as session:
        delivery = session.scalars(select(MailDelivery)).one()
        assert delivery.subject == "Informasi berkala terlambat: Kejadian Bencana per Kecamatan"
        assert "(setiap 3 bulan, UU 14/2008 Pasal 9)" in delivery.body
        assert "http://127.0.0.1:5000/dataset/bpbd-kejadian-bencana" in delivery.body
        notice = session.scalars(select(Notice)).first()
        assert notice.message.startswith("Informasi berkala “Kejadian Bencana per Kecamatan” (Badan Penanggulangan "
                                         "Bencana Daerah Kabupaten Contoh) seharusnya diperbarui paling lambat ")

    # the next runs of the same period tell no one again
    assert flag_overdue(platform, clock=lambda: morning(due + timedelta(days=2))) == 0
    assert flag_overdue(platform, clock=lambda: morning(due + timedelta(days=60))) == 0
    assert len(flags_and_mail(platform)[0]) == 2

    # refreshed: a new period, and once late again, a new flag
    touch(platform, "bpbd-kejadian-bencana", "Data triwulan berikutnya.")
    new_due = due_on(platform, "bpbd-kejadian-bencana")
    assert new_due > due
    assert flag_overdue(platform, clock=lambda: morning(new_due + timedelta(days=1))) == 1
    assert len(flags_and_mail(platform)[0]) == 4


def test_the_public_schedule_shows_every_berkala_item_and_says_which_are_late(client, platform, items) -> None:
    late(platform, "bpbd-kejadian-bencana", 4)

    page = client.get("/informasi-berkala").get_data(as_text=True)

    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert rows == ["Kejadian Bencana per Kecamatan", "Fasilitas Kesehatan"]
    assert "2 informasi berkala; 1 terlambat diperbarui." in page
    late_row = re.search(r'<tr class="late">.*?</tr>', page, re.S).group(0)
    assert "Kejadian Bencana per Kecamatan" in late_row and "Terlambat" in late_row and "3 bulan" in late_row
    assert "Rencana Kontinjensi" not in page  # not berkala
    only_dinkes = client.get("/informasi-berkala?dinas=dinkes").get_data(as_text=True)
    assert "Fasilitas Kesehatan" in only_dinkes and "Kejadian Bencana" not in only_dinkes
    assert "1 informasi berkala." in only_dinkes


def test_the_workspace_shows_late_periodic_information_of_the_officer_s_dinas(app, platform, people, items) -> None:
    late(platform, "bpbd-kejadian-bencana", 4)

    bpbd = signed_in(app, "petugas-bpbd").get("/petugas/").get_data(as_text=True)
    dinkes = signed_in(app, "petugas-dinkes").get("/petugas/").get_data(as_text=True)
    admin = signed_in(app, "admin").get("/petugas/").get_data(as_text=True)

    assert task_count(bpbd, "berkala") == 1 and task_count(admin, "berkala") == 1
    assert task_count(dinkes, "berkala") == 0
    assert 'href="/dataset/bpbd-kejadian-bencana">Kejadian Bencana per Kecamatan: seharusnya diperbarui' in bpbd
    assert "Informasi berkala terlambat diperbarui" in bpbd


def test_ppid_berkala_runs_the_check_and_is_safe_to_run_again(environ, platform, people, items,
                                                             monkeypatch) -> None:
    from ppid.cli import main

    late(platform, "bpbd-kejadian-bencana", 4)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    first = runner.invoke(main, ["berkala"])
    again = runner.invoke(main, ["berkala"])

    assert first.exit_code == 0 and first.output == "1 informasi berkala yang terlambat diberitahukan.\n"
    assert again.exit_code == 0 and again.output == "0 informasi berkala yang terlambat diberitahukan.\n"
