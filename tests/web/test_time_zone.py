"""One time-zone setting for the pemda (``time_zone: WIB|WITA|WIT``, or PPID_TIME_ZONE), used by every page, e-mail,
PDF and export: a pemda in Papua (WIT) sees its own clock everywhere, never UTC and never Jakarta's."""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from ppid.accounts.models import Role
from ppid.accounts.service import Grant, create_user
from ppid.config import ConfigError, load_settings
from ppid.mail import deliver_due
from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.notices import Notices
from ppid.permohonan.workflow import Workflow
from ppid.platform import Platform
from ppid.uploader.models import Draft

from ..conftest import REPO
from ..permohonan.conftest import filing
from ..uploader.helpers import GOOD_CSV, METADATA, csrf, upload

PASSWORD = "kata-sandi-zona-waktu"
#: Monday 16 March 2026, 15.30 UTC: 22.30 in Jakarta (WIB), but already 00.30 on Tuesday in Jayapura (WIT).
RECEIVED = datetime(2026, 3, 16, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(("written", "zone"), [("WIB", "Asia/Jakarta"), ("WITA", "Asia/Makassar"),
                                               ("wit", "Asia/Jayapura"), ("Asia/Makassar", "Asia/Makassar")])
def test_the_time_zone_is_named_as_indonesians_name_it(environ, written: str, zone: str) -> None:
    assert load_settings(environ={**environ, "PPID_TIME_ZONE": written}).time_zone == zone


def test_the_time_zone_is_set_in_defaults_yaml(environ, tmp_path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(REPO / "config", config_dir)
    defaults = config_dir / "defaults.yaml"
    defaults.write_text(re.sub(r"(?m)^time_zone: WIB", "time_zone: WITA", defaults.read_text(encoding="utf-8")),
                        encoding="utf-8")

    settings = load_settings(environ={**environ, "PPID_CONFIG_DIR": str(config_dir)})

    assert settings.time_zone == "Asia/Makassar"
    assert PermohonanConfig.from_settings(settings).calendar.zone.key == "Asia/Makassar"  # deadlines count there too


@pytest.mark.parametrize("written", ["UTC", "Asia/Singapore", "WITB", ""])
def test_another_time_zone_stops_start_up_with_one_sentence(environ, written: str) -> None:
    with pytest.raises(ConfigError, match=r"time_zone \(PPID_TIME_ZONE\) harus WIB, WITA atau WIT"):
        load_settings(environ={**environ, "PPID_TIME_ZONE": written or " "})


@pytest.fixture
def papua(environ, smtp_server):
    """A pemda in WIT with a real SMTP server, a PPID Utama, and a request that arrived at 00.30 WIT."""
    platform = Platform.open(load_settings(environ={**environ, "PPID_TIME_ZONE": "WIT",
                                                    "PPID_SMTP_URL": smtp_server[0]}))
    with platform.database.session() as session:
        create_user(session, username="ppid.utama", email="utama@contoh.go.id", full_name="PPID Utama",
                    password=PASSWORD, grants=[Grant(Role.ADMIN), Grant(Role.OFFICER, "disdukcapil")])
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry,
                            notices=Notices(platform), clock=lambda: RECEIVED)
        filed = workflow.file(filing())
        request_id, token = filed.permohonan.id, filed.token
    deliver_due(platform)
    yield platform, smtp_server[1], request_id, token
    platform.close()


def signed_in(app):
    client = app.test_client()
    client.post("/masuk", data={"username": "ppid.utama", "password": PASSWORD, "csrf_token": csrf(client)})
    client.token = csrf(client, "/unggah/")
    return client


def test_pages_e_mails_pdfs_and_exports_show_the_pemdas_own_time(papua) -> None:
    from ppid.app import create_app

    platform, mailbox, request_id, token = papua
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    officer = signed_in(app)

    page = officer.get(f"/permohonan/petugas/{request_id}").get_data(as_text=True)
    receipt = next(message for message in mailbox.messages if message["To"] == "siti@example.id")
    pdf = app.test_client().get(f"/permohonan/tanda-bukti/{token}.pdf")
    register = officer.get("/permohonan/petugas/register-permohonan.csv?tahun=2026").get_data(as_text=True)

    assert "17 Maret 2026, 00.30 WIT" in page and "WIB" not in page
    assert "17 Maret 2026, 00.30 WIT" in receipt.get_body(("plain",)).get_content()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "17 Maret 2026, 00.30 WIT" in " ".join(text.split())
    assert "2026-03-17" in register and "2026-03-16" not in register  # the day it arrived in Papua


def test_the_uploader_shows_upload_times_in_the_pemdas_time(papua) -> None:
    from ppid.app import create_app

    platform = papua[0]
    app = create_app(platform=platform)
    app.config["TESTING"] = True
    officer = signed_in(app)
    created = officer.post("/unggah/draf/baru", data={**METADATA, "dinas": "disdukcapil", "dataset": "",
                                                      "csrf_token": officer.token})
    draft_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    upload(officer, draft_id, "penduduk.csv", GOOD_CSV.encode())
    with platform.database.session() as session:
        uploaded = session.get(Draft, draft_id).files[0].current.uploaded_at.astimezone(ZoneInfo("Asia/Jayapura"))

    page = officer.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)
    desk = officer.get("/unggah/").get_data(as_text=True)
    english = officer.get(f"/unggah/draf/{draft_id}?lang=en").get_data(as_text=True)

    assert f"{uploaded:%H.%M} WIT" in page and f"{uploaded:%H.%M} WIT" in desk
    assert f"{uploaded:%H:%M} WIT" in english
    assert "UTC" not in page + desk + english
